"""The tsuru clients' requests beyond the core workflow (issue 9, findings 2-9).

Each test sends what tsuru 1.7.2 or 0.14.1 sends (method, path, headers, body)
and decodes the answer the way that client does.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from slipway.provision import deployer

from ..conftest import ApiDriver, bearer
from .tsuru_clients import (
    ClientFailed,
    go_field,
    headers_1x,
    headers_2014,
    http_error,
    raw,
    stream_json,
)

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


@pytest.fixture
def world(api: ApiDriver, monkeypatch):
    owner = api.user("owner@b.com", team="devs")
    api.ok(api.client.post("/teams", json={"name": "ops"}, headers=owner))
    api.app("web", owner, team="devs")
    store = api.client.application.extensions["slipway"].store
    store.insert("nodes", {"_id": "10.0.0.9:2375", "address": "http://10.0.0.9:2375"})
    added: list[int] = []

    def add_units(ctx, who, app, count, process, say) -> None:
        added.append(count)
        say(f"---> Started {count} unit(s)")

    monkeypatch.setattr(deployer, "add_units", add_units)
    return api, owner, store, added


def _units(store, count: int) -> None:
    units = [
        {"id": f"u{n}", "process": "web", "status": "started", "host": "10.0.0.9", "port": n}
        for n in range(count)
    ]
    store.update_one("apps", {"_id": "web"}, {"$set": {"units": units}})


# --- 2. the 2014 client's unit counts ----------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_2014_unit_count_is_a_bare_body(world, monkeypatch, method: str) -> None:
    api, owner, store, added = world
    removed: list[int] = []
    monkeypatch.setattr(
        deployer, "remove_units_of", lambda ctx, who, app, n, p, say: removed.append(n)
    )
    _units(store, 1)
    response = raw(api.client, method, "/apps/web/units", "1", headers_2014(owner))
    http_error(response)
    assert "Content-Type" not in response.request.headers
    assert (added if method == "PUT" else removed) == [1]


# --- 3. teams ----------------------------------------------------------------------


def test_2014_team_list_is_a_list_of_string_maps(world) -> None:
    api, owner, _, _ = world
    response = api.client.get("/teams", headers=headers_2014(owner))
    http_error(response)
    teams = response.json
    assert all(isinstance(v, str) for team in teams for v in team.values())
    assert sorted(team["name"] for team in teams) == ["devs", "ops"]


def test_1x_team_info_has_users_pools_and_apps(world) -> None:
    api, owner, _, _ = world
    response = api.client.get("/1.4/teams/devs", headers=headers_1x(owner))
    http_error(response)
    team = response.json
    assert go_field(team, "Name") == "devs"
    users = go_field(team, "Users")
    assert [go_field(u, "Email") for u in users] == ["owner@b.com"]
    for user in users:
        for role in go_field(user, "Roles"):
            assert all(isinstance(role[k], str) for k in ("name", "contexttype", "contextvalue"))
        assert isinstance(go_field(user, "Permissions"), list)
    assert isinstance(go_field(team, "Pools"), list)
    assert [go_field(app, "Name") for app in go_field(team, "Apps")] == ["web"]
    assert isinstance(go_field(team, "Tags"), list)


def test_slipway_cli_team_views_keep_member_emails(world) -> None:
    api, owner, _, _ = world
    assert api.client.get("/teams/devs", headers=owner).json == {
        "name": "devs",
        "users": ["owner@b.com"],
    }
    listed = api.client.get("/teams", headers=owner).json
    assert {"name": "devs", "users": ["owner@b.com"]} in listed


# --- 4. the API key ----------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/1.0"])
def test_api_key_is_a_bare_json_string(world, prefix: str) -> None:
    api, owner, _, _ = world
    headers = headers_1x(owner) if prefix else headers_2014(owner)
    shown = api.client.get(f"{prefix}/users/api-key", headers=headers)
    http_error(shown)
    first = json.loads(shown.get_data())
    assert isinstance(first, str)
    assert api.client.get("/users/info", headers=bearer(first)).status_code == 200
    regenerated = api.client.post(f"{prefix}/users/api-key", headers=headers)
    http_error(regenerated)
    key = json.loads(regenerated.get_data())
    assert isinstance(key, str) and key != first
    assert api.client.get("/users/info", headers=bearer(key)).status_code == 200
    assert api.client.get("/users/info", headers=bearer(first)).status_code == 401


# --- 5. the deploy list ------------------------------------------------------------


def test_1x_deploy_list_ids_and_durations(world) -> None:
    api, owner, store, _ = world
    from slipway.core import releases, tokens

    ctx = api.client.application.extensions["slipway"]
    who = tokens.resolve(ctx, owner["Authorization"].split()[1])
    started = releases.begin(ctx, who, "web", "app-deploy", registry="10.0.0.2:5000")
    releases.finish(ctx, started["_id"])
    legacy = dict(started, _id="0123456789abcdef0123456789abcdef", version=0)
    store.insert("deploys", {**legacy, "started": "2026-11-01T00:00:00+00:00", "duration": 2.5})
    response = api.client.get("/1.0/deploys?app=web&limit=10", headers=headers_1x(owner))
    http_error(response)
    deploys = response.json
    assert len(deploys) == 2
    for deploy in deploys:
        assert OBJECT_ID.match(go_field(deploy, "ID")), deploy
        assert isinstance(go_field(deploy, "Duration"), int)
        assert isinstance(go_field(deploy, "CanRollback"), bool)
        one = api.client.get(f"/1.0/deploys/{go_field(deploy, 'ID')}", headers=headers_1x(owner))
        http_error(one)
        assert go_field(one.json, "App") == "web"
    assert deploys[-1]["ID"] == "0123456789abcdef01234567"
    assert deploys[-1]["Duration"] == 2_500_000_000


# --- 6. errors ---------------------------------------------------------------------


@pytest.mark.parametrize("headers", [headers_1x, headers_2014], ids=["tsuru-1.7.2", "tsuru-0.14.1"])
def test_tsuru_clients_get_the_plain_message(world, headers) -> None:
    api, owner, _, _ = world
    prefix = "/1.0" if headers is headers_1x else ""
    response = api.client.get(f"{prefix}/apps/nope", headers=headers(owner))
    with pytest.raises(ClientFailed) as failed:
        http_error(response)
    assert str(failed.value) == "App nope not found.\n"
    assert response.status_code == 404
    unauthorized = api.client.get(f"{prefix}/apps", headers=headers({}))
    assert unauthorized.status_code == 401
    assert unauthorized.headers["WWW-Authenticate"].startswith("Bearer")
    assert not unauthorized.get_data(as_text=True).startswith("{")


@pytest.mark.parametrize(
    "agent",
    [
        "slipway-cli/0.1.0",
        "slipway-ansible/0.1.0",
        "curl/8.5.0",
        "python-requests/2.32",
        "Python-urllib/3.12",
    ],
)
def test_slipway_cli_and_scripts_keep_json_errors(world, agent: str) -> None:
    api, owner, _, _ = world
    for path in (
        ("/apps/nope", "/1.0/apps/nope") if agent.startswith("slipway") else ("/apps/nope",)
    ):
        response = api.client.get(path, headers={**owner, "User-Agent": agent})
        assert response.status_code == 404
        assert response.json == {"error": "App nope not found."}


# --- 7. routes the clients call ----------------------------------------------------


def test_1x_app_update(world) -> None:
    api, owner, _, _ = world
    form = {
        "description": "the site",
        "plan": "",
        "pool": "",
        "teamOwner": "ops",
        "platform": "",
        "imageReset": "false",
        "noRestart": "false",
    }
    response = api.client.put("/1.0/apps/web", data=form, headers=headers_1x(owner))
    assert "has been updated" in stream_json(response)
    info = api.client.get("/1.0/apps/web", headers=headers_1x(owner)).json
    assert (info["description"], info["teamowner"]) == ("the site", "ops")
    assert sorted(info["teams"]) == ["devs", "ops"]
    bad = api.client.put("/1.0/apps/web", data={"plan": "huge"}, headers=headers_1x(owner))
    with pytest.raises(ClientFailed, match="Plan 'huge' not found"):
        stream_json(bad)
    pool = api.client.put("/1.0/apps/web", data={"pool": "gpu"}, headers=headers_1x(owner))
    assert pool.status_code == 400


def test_2014_team_owner_is_the_raw_body(world) -> None:
    api, owner, _, _ = world
    response = raw(api.client, "POST", "/apps/web/team-owner", "ops", headers_2014(owner))
    http_error(response)
    assert api.client.get("/apps/web", headers=owner).json["teamowner"] == "ops"


def test_2014_app_info_lists_containers(world) -> None:
    api, owner, store, _ = world
    _units(store, 2)
    response = api.client.get("/docker/node/apps/web/containers", headers=headers_2014(owner))
    http_error(response)
    containers = response.json
    assert [c["ID"] for c in containers] == ["u0", "u1"]
    assert all(isinstance(v, str) for c in containers for v in c.values())


def test_1x_lists_quota_plans_pools_routers_nodes(world) -> None:
    api, owner, store, _ = world
    headers = headers_1x(owner)
    quota = api.client.get("/1.0/users/owner@b.com/quota", headers=headers)
    http_error(quota)
    assert (go_field(quota.json, "Limit"), go_field(quota.json, "InUse")) == (-1, 1)
    plans = api.client.get("/1.0/plans", headers=headers).json
    assert [(p["name"], p["memory"], p["default"]) for p in plans] == [("default", 0, True)]
    assert api.client.get("/1.0/pools", headers=headers).status_code == 204
    store.update_one("nodes", {"_id": "10.0.0.9:2375"}, {"$set": {"pool": "gpu"}})
    assert [p["name"] for p in api.client.get("/1.0/pools", headers=headers).json] == ["gpu"]
    routers = api.client.get("/1.3/routers", headers=headers).json
    assert [(r["name"], r["type"], r["default"]) for r in routers] == [("hipache", "hipache", True)]
    nodes = api.client.get("/1.2/node", headers=headers_1x(api.admin))
    http_error(nodes)
    listed = go_field(nodes.json, "Nodes")
    assert [(go_field(n, "Address"), go_field(n, "Pool")) for n in listed] == [
        ("http://10.0.0.9:2375", "gpu")
    ]
    assert api.client.get("/1.2/node", headers=headers).status_code == 403


# --- 8. platform-add with a Dockerfile -----------------------------------------------


def test_1x_platform_add_with_a_dockerfile_is_refused(world, snapshot) -> None:
    api, _, _, _ = world
    before = snapshot()
    data: dict[str, Any] = {"name": "ruby", "dockerfile_content": (_dockerfile(), "Dockerfile")}
    response = api.client.post(
        "/1.0/platforms",
        data=data,
        content_type="multipart/form-data",
        headers=headers_1x(api.admin),
    )
    assert response.status_code == 400
    with pytest.raises(ClientFailed, match="custom Dockerfile"):
        http_error(response)
    assert snapshot()["platforms"] == before["platforms"]
    old = api.client.post(
        "/platforms", data={"name": "ruby", "dockerfile": "http://x/Dockerfile"}, headers=api.admin
    )
    assert old.status_code == 400


def _dockerfile():
    import io

    return io.BytesIO(b"FROM debian:bookworm\n")


# --- 9. the unit quota -------------------------------------------------------------


def test_unit_quota_counts_units_and_refuses_past_the_limit(world) -> None:
    api, owner, store, added = world
    _units(store, 3)
    headers = headers_1x(owner)
    quota = api.client.get("/1.0/apps/web/quota", headers=headers).json
    assert quota == {"InUse": 3, "Limit": -1}
    too_low = api.client.put("/apps/web/quota", data={"limit": "2"}, headers=api.admin)
    assert too_low.status_code == 400
    api.ok(api.client.put("/apps/web/quota", data={"limit": "4"}, headers=api.admin))
    refused = api.client.put(
        "/1.0/apps/web/units", data={"units": "2", "process": "web"}, headers=headers
    )
    assert refused.status_code == 403
    with pytest.raises(ClientFailed, match="at most 4 unit"):
        http_error(refused)
    assert added == []
    allowed = api.client.put(
        "/1.0/apps/web/units", data={"units": "1", "process": "web"}, headers=headers
    )
    assert "Started 1 unit" in stream_json(allowed)
    assert added == [1]
