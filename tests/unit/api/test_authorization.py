"""Walk every route: no token -> 401, another team -> 403/404, admin -> allowed.

Each route is classified; a route added without a classification fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from slipway.api import create_app
from slipway.api.auth import is_public
from slipway.config import validate

from ..conftest import ApiDriver, settings, ssh_key

PUBLIC, SELF, OWNED, ADMIN = "public", "self", "owned", "admin"


@dataclass(frozen=True)
class Route:
    kind: str
    args: dict[str, str] = field(default_factory=dict)
    body: Any = None


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/healthcheck"): Route(PUBLIC),
    ("GET", "/healthcheck/"): Route(PUBLIC),
    ("GET", "/auth/scheme"): Route(PUBLIC),
    ("POST", "/users"): Route(PUBLIC),
    ("POST", "/users/<email>/tokens"): Route(PUBLIC),
    ("POST", "/users/<email>/password"): Route(PUBLIC),
    ("GET", "/users/info"): Route(SELF),
    ("DELETE", "/users/tokens"): Route(SELF),
    ("PUT", "/users/password"): Route(SELF, body={"old": "admin-secret", "new": "admin-secret2"}),
    ("DELETE", "/users"): Route(SELF),
    ("GET", "/users/api-key"): Route(SELF),
    ("POST", "/users/api-key"): Route(SELF),
    ("GET", "/users/keys"): Route(SELF),
    ("POST", "/tokens"): Route(SELF, body={"token_id": "automation"}),
    ("GET", "/tokens"): Route(SELF),
    ("GET", "/tokens/<name>"): Route(OWNED, {"name": "owner-ci"}),
    ("PUT", "/tokens/<name>"): Route(OWNED, {"name": "owner-ci"}, {"description": "CI"}),
    ("DELETE", "/tokens/<name>"): Route(OWNED, {"name": "owner-ci"}),
    ("POST", "/users/keys"): Route(SELF, body={"name": "laptop", "key": ssh_key()}),
    ("DELETE", "/users/keys"): Route(SELF, body={"name": "admin-key"}),
    ("DELETE", "/users/keys/<name>"): Route(SELF, {"name": "admin-key"}),
    ("POST", "/teams"): Route(SELF, body={"name": "newteam"}),
    ("GET", "/teams"): Route(SELF),
    ("GET", "/platforms"): Route(SELF),
    ("POST", "/apps"): Route(
        SELF, body={"name": "fresh", "platform": "python", "teamOwner": "admin"}
    ),
    ("GET", "/apps"): Route(SELF),
    ("GET", "/volumes"): Route(SELF),
    ("GET", "/deploys"): Route(SELF),
    ("GET", "/deploys/<deploy_id>"): Route(OWNED, {"deploy_id": "d1"}),
    ("GET", "/services/instances"): Route(SELF),
    ("GET", "/apps/<name>"): Route(OWNED, {"name": "web"}),
    ("DELETE", "/apps/<name>"): Route(OWNED, {"name": "web"}),
    ("PUT", "/apps/<name>/teams/<team>"): Route(OWNED, {"name": "web", "team": "ops"}),
    ("DELETE", "/apps/<name>/teams/<team>"): Route(OWNED, {"name": "web", "team": "qa"}),
    ("POST", "/apps/<name>/tokens"): Route(OWNED, {"name": "web"}),
    ("DELETE", "/apps/<name>/tokens"): Route(OWNED, {"name": "web"}),
    ("GET", "/apps/<name>/quota"): Route(OWNED, {"name": "web"}),
    ("PUT", "/apps/<name>"): Route(OWNED, {"name": "web"}, {"description": "the site"}),
    ("POST", "/apps/<name>/team-owner"): Route(OWNED, {"name": "web"}, {"teamOwner": "admin"}),
    ("GET", "/docker/node/apps/<app>/containers"): Route(OWNED, {"app": "web"}),
    ("GET", "/users/<email>/quota"): Route(OWNED, {"email": "owner@b.com"}),
    ("GET", "/plans"): Route(SELF),
    ("GET", "/pools"): Route(SELF),
    ("GET", "/routers"): Route(SELF),
    ("GET", "/apps/<name>/env"): Route(OWNED, {"name": "web"}),
    ("POST", "/apps/<name>/env"): Route(OWNED, {"name": "web"}, {"A": "1"}),
    ("DELETE", "/apps/<name>/env"): Route(OWNED, {"name": "web"}, ["A"]),
    ("POST", "/apps/<name>/env/digests"): Route(OWNED, {"name": "web"}, {"A": "1"}),
    ("POST", "/apps/<app>/deploy"): Route(OWNED, {"app": "web"}, {"image": "x/app:v1"}),
    ("POST", "/apps/<app>/deploy/rollback"): Route(OWNED, {"app": "web"}, {"version": 1}),
    ("PUT", "/apps/<app>/units"): Route(OWNED, {"app": "web"}, {"units": 1}),
    ("DELETE", "/apps/<app>/units"): Route(OWNED, {"app": "web"}, {"units": 1}),
    ("POST", "/apps/<app>/restart"): Route(OWNED, {"app": "web"}),
    ("POST", "/apps/<app>/start"): Route(OWNED, {"app": "web"}),
    ("POST", "/apps/<app>/stop"): Route(OWNED, {"app": "web"}),
    ("POST", "/apps/<app>/cname"): Route(OWNED, {"app": "web"}, {"cname": "www.example.com"}),
    ("DELETE", "/apps/<app>/cname"): Route(OWNED, {"app": "web"}, {"cname": "www.example.com"}),
    ("POST", "/swap"): Route(OWNED, body={"app1": "web", "app2": "web"}),
    ("PUT", "/swap"): Route(OWNED, body={"app1": "web", "app2": "web"}),
    ("GET", "/teams/<name>"): Route(OWNED, {"name": "devs"}),
    ("DELETE", "/teams/<name>"): Route(OWNED, {"name": "spare"}),
    ("PUT", "/teams/<name>/<email>"): Route(OWNED, {"name": "devs", "email": "qa@b.com"}),
    ("DELETE", "/teams/<name>/<email>"): Route(OWNED, {"name": "devs", "email": "mate@b.com"}),
    ("GET", "/quota/<email>"): Route(OWNED, {"email": "owner@b.com"}),
    ("GET", "/users"): Route(ADMIN),
    ("POST", "/platforms"): Route(ADMIN, body={"name": "nodejs"}),
    ("PUT", "/platforms/<name>"): Route(ADMIN, {"name": "python"}, {"disabled": False}),
    ("DELETE", "/platforms/<name>"): Route(ADMIN, {"name": "static"}),
    ("PUT", "/quota/<email>"): Route(ADMIN, {"email": "owner@b.com"}, {"limit": 5}),
    ("PUT", "/apps/<name>/quota"): Route(ADMIN, {"name": "web"}, {"limit": 5}),
    # Port 1 on loopback refuses: an admin passes authorization and is then
    # refused by the reachability check (tests/unit/api/test_nodes.py adds real engines).
    ("POST", "/docker/node"): Route(ADMIN, body={"address": "tcp://127.0.0.1:1"}),
    ("GET", "/docker/node"): Route(ADMIN),
    ("GET", "/node"): Route(ADMIN),
    ("DELETE", "/docker/node/<node_id>"): Route(ADMIN, {"node_id": "127.0.0.1:2"}),
}


def _world(tmp_path) -> tuple[ApiDriver, dict[str, dict[str, str]]]:
    client = create_app(validate(settings(tmp_path))).test_client()
    api = ApiDriver(client)
    owner = api.user("owner@b.com", team="devs")
    api.user("mate@b.com")
    api.ok(client.put("/teams/devs/mate@b.com", headers=owner))
    api.ok(client.post("/teams", json={"name": "spare"}, headers=owner))
    other = api.user("other@b.com", team="ops")
    api.user("qa@b.com", team="qa")
    api.ok(client.post("/platforms", json={"name": "static"}, headers=api.admin))
    api.app("web", owner, team="devs")
    api.ok(client.put("/apps/web/teams/qa", headers=owner))
    api.ok(client.post("/tokens", json={"token_id": "owner-ci"}, headers=owner))
    body = {"name": "admin-key", "key": ssh_key("admin")}
    api.ok(client.post("/users/keys", json=body, headers=api.admin))
    # A registered docker node (loopback port 2: listing finds it unreachable at once).
    client.application.extensions["slipway"].store.insert(
        "nodes", {"_id": "127.0.0.1:2", "address": "http://127.0.0.1:2", "status": "ready"}
    )
    client.application.extensions["slipway"].store.insert(
        "deploys",
        {
            "_id": "d1",
            "app": "web",
            "version": 1,
            "image": "app-web:v1",
            "origin": "git",
            "user": "owner@b.com",
            "status": "succeeded",
            "started": "2026-11-22T00:00:00+00:00",
            "duration": 1.0,
            "error": "",
            "log": [],
        },
    )
    return api, {"owner": owner, "other": other, "admin": api.admin}


def _rules(app: Flask) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule, rule.endpoint))
    return found


def _url(rule: str, args: dict[str, str]) -> str:
    for key, value in args.items():
        rule = rule.replace(f"<{key}>", value)
    return rule


def _call(api: ApiDriver, method: str, rule: str, route: Route, headers: dict[str, str]):
    return api.client.open(_url(rule, route.args), method=method, json=route.body, headers=headers)


def test_every_route_is_classified(tmp_path) -> None:
    app = create_app(validate(settings(tmp_path)))
    seen = {(method, rule) for method, rule, _ in _rules(app)}
    assert seen - set(ROUTES) == set(), "classify new routes in ROUTES"
    assert set(ROUTES) - seen == set(), "ROUTES names routes that no longer exist"
    for method, rule, endpoint in _rules(app):
        assert is_public(app.view_functions[endpoint]) == (ROUTES[(method, rule)].kind == PUBLIC)


@pytest.mark.parametrize(
    ("method", "rule"), sorted(k for k, v in ROUTES.items() if v.kind != PUBLIC)
)
def test_no_token_is_401(tmp_path, method: str, rule: str) -> None:
    api, _ = _world(tmp_path)
    route = ROUTES[(method, rule)]
    for headers in ({}, {"Authorization": "bearer forged-token"}, {"Authorization": "Basic x"}):
        response = _call(api, method, rule, route, headers)
        assert response.status_code == 401, (method, rule, headers)
        assert response.json["error"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("method", "rule"), sorted(k for k, v in ROUTES.items() if v.kind in (OWNED, ADMIN))
)
def test_another_team_is_refused_and_nothing_changes(tmp_path, snapshot_of, method, rule) -> None:
    api, tokens = _world(tmp_path)
    before = snapshot_of(api)
    response = _call(api, method, rule, ROUTES[(method, rule)], tokens["other"])
    assert response.status_code in (403, 404), (method, rule, response.status_code)
    assert response.json["error"]
    assert snapshot_of(api) == before


# Routes an admin passes authorization on and is then refused for a reason
# the world of these tests sets up (no registry, no router, nothing deployed).
ADMIN_REFUSALS: dict[tuple[str, str], tuple[int, str]] = {
    ("DELETE", "/users"): (403, "last member of the team admin"),
    ("POST", "/docker/node"): (400, "is unreachable: cannot connect"),
    ("POST", "/apps/<app>/deploy"): (503, "no image registry"),
    ("POST", "/apps/<app>/deploy/rollback"): (400, "no longer kept"),
    ("POST", "/apps/<app>/cname"): (503, "no router"),
    ("DELETE", "/apps/<app>/cname"): (400, "is not set"),
    ("POST", "/swap"): (400, "cannot be swapped with itself"),
    ("PUT", "/swap"): (400, "cannot be swapped with itself"),
}


@pytest.mark.parametrize(
    ("method", "rule"), sorted(k for k, v in ROUTES.items() if v.kind != PUBLIC)
)
def test_admin_is_allowed(tmp_path, method: str, rule: str) -> None:
    api, tokens = _world(tmp_path)
    response = _call(api, method, rule, ROUTES[(method, rule)], tokens["admin"])
    if (method, rule) in ADMIN_REFUSALS:
        status, words = ADMIN_REFUSALS[(method, rule)]
        assert response.status_code == status, response.get_data(as_text=True)
        assert words in response.json["error"]
    else:
        assert response.status_code < 300, (method, rule, response.get_data(as_text=True))


@pytest.fixture
def snapshot_of():
    from slipway.core.schema import COLLECTIONS

    def take(api: ApiDriver) -> dict[str, list[dict[str, Any]]]:
        store = api.client.application.extensions["slipway"].store
        state = {c.name: store.find(c.name, sort=[("_id", 1)]) for c in COLLECTIONS}
        state.pop("tokens")
        return state

    return take
