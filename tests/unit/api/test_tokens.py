"""Named tokens for automation: /tokens (tsuru 1.x's token-create, -list, -update, -delete)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import yaml
from flask.testing import FlaskClient

from slipway import server
from slipway.core import tokens
from slipway.core.context import Context

from ..conftest import ADMIN_EMAIL, ADMIN_PASSWORD, ApiDriver, bearer, settings


def ctx_of(client: FlaskClient) -> Context:
    return client.application.extensions["slipway"]


def test_a_named_token_survives_any_number_of_logins(api: ApiDriver) -> None:
    made = api.client.post(
        "/tokens", json={"token_id": "ci", "description": "CI"}, headers=api.admin
    )
    assert made.status_code == 201, made.json
    assert made.json["token_id"] == "ci" and made.json["creator_email"] == ADMIN_EMAIL
    assert made.json["expires_at"] is None and made.json["token"]
    token = bearer(made.json["token"])
    first_session = api.admin
    for _ in range(ctx_of(api.client).config["auth:max-simultaneous-sessions"] + 5):
        api.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert api.client.get("/users/info", headers=first_session).status_code == 401
    info = api.client.get("/users/info", headers=token)
    assert info.status_code == 200 and info.json["is_admin"] is True
    assert api.client.post("/teams", json={"name": "robots"}, headers=token).status_code == 201


def test_the_1x_client_form_list_info_update_delete(api: ApiDriver) -> None:
    dev = api.user("dev@b.com", team="devs")
    made = api.client.post(
        "/1.6/tokens",
        data={"token_id": "deployer", "team": "devs", "description": "d", "expires_in": "3600"},
        headers=dev,
    )
    assert made.status_code == 201, made.json
    assert made.json["team"] == "devs" and made.json["expires_at"]
    value = made.json["token"]
    listed = api.client.get("/1.6/tokens", headers=dev).json
    assert [t["token_id"] for t in listed] == ["deployer"]
    assert "token" not in listed[0], "the value is shown once"
    assert api.client.get("/tokens/deployer", headers=dev).json["description"] == "d"
    changed = api.client.put(
        "/1.6/tokens/deployer", data={"description": "new", "expires_in": "-1"}, headers=dev
    )
    assert changed.json["description"] == "new" and changed.json["expires_at"] is None
    rotated = api.client.put("/tokens/deployer", json={"regenerate": True}, headers=dev).json
    assert rotated["token"] != value
    assert api.client.get("/users/info", headers=bearer(value)).status_code == 401
    assert api.client.get("/users/info", headers=bearer(rotated["token"])).status_code == 200
    assert api.client.delete("/1.6/tokens/deployer", headers=dev).status_code == 200
    assert api.client.get("/users/info", headers=bearer(rotated["token"])).status_code == 401
    assert api.client.get("/tokens", headers=dev).status_code == 204


def test_a_team_token_acts_only_through_its_team(api: ApiDriver) -> None:
    dev = api.user("two@b.com", team="alpha")
    api.ok(api.client.post("/teams", json={"name": "beta"}, headers=dev))
    made = api.client.post("/tokens", json={"token_id": "alpha-ci", "team": "alpha"}, headers=dev)
    token = bearer(made.json["token"])
    assert api.client.get("/users/info", headers=token).json["teams"] == ["alpha"]
    api.app("alpha-app", dev, team="alpha")
    api.app("beta-app", dev, team="beta")
    assert api.client.get("/apps/alpha-app", headers=token).status_code == 200
    assert api.client.get("/apps/beta-app", headers=token).status_code == 403
    refused = api.client.post("/tokens", json={"token_id": "x", "team": "admin"}, headers=dev)
    assert refused.status_code == 403


def test_rules_names_conflicts_owners_and_expiry(api: ApiDriver) -> None:
    dev = api.user("three@b.com", team="gamma")
    other = api.user("four@b.com", team="delta")
    bad = api.client.post("/tokens", json={"token_id": "no spaces"}, headers=dev)
    assert bad.status_code == 400
    bad = api.client.post("/tokens", json={"token_id": "t", "expires_in": "soon"}, headers=dev)
    assert bad.status_code == 400
    made = api.client.post("/tokens", json={"token_id": "mine", "expires_in": 60}, headers=dev)
    assert made.status_code == 201
    again = api.client.post("/tokens", json={"token_id": "mine"}, headers=other)
    assert again.status_code == 409
    assert api.client.delete("/tokens/mine", headers=other).status_code == 404
    assert api.client.get("/tokens", headers=other).status_code == 204
    assert [t["token_id"] for t in api.client.get("/tokens", headers=api.admin).json] == ["mine"]
    generated = api.client.post("/tokens", json={}, headers=dev).json["token_id"]
    assert generated.startswith("three-")
    by_token = api.client.post(
        "/tokens", json={"token_id": "nested"}, headers=bearer(made.json["token"])
    )
    assert by_token.status_code == 403
    ctx = ctx_of(api.client)
    later = ctx.now() + dt.timedelta(seconds=120)
    expired = Context(ctx.store, ctx.config, ctx.mailer, clock=lambda: later)
    with pytest.raises(tokens.AuthenticationError, match="Token mine has expired"):
        tokens.resolve(expired, made.json["token"])


def test_logins_never_count_named_tokens_as_sessions(api: ApiDriver) -> None:
    ctx = ctx_of(api.client)
    for number in range(12):
        api.client.post("/tokens", json={"token_id": f"bot{number}"}, headers=api.admin)
    session = api.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert api.client.get("/users/info", headers=session).status_code == 200
    assert len(tokens.list_named(ctx, tokens.resolve(ctx, session["Authorization"][7:]))) == 12


def test_slipway_api_token_create_is_idempotent_and_prints_the_token(
    api: ApiDriver, tmp_path, capsys, monkeypatch
) -> None:
    path = tmp_path / "slipway.conf"
    path.write_text(yaml.safe_dump(settings(tmp_path)), encoding="utf-8")
    argv = ["--config", str(path), "token-create", "--name", "automation", "--user", ADMIN_EMAIL]
    assert server.main(argv) == 0
    first = capsys.readouterr().out.strip()
    assert api.client.get("/users/info", headers=bearer(first)).json["is_admin"] is True
    kept = tmp_path / "automation_token"
    kept.write_text(first + "\n")
    assert server.main([*argv, "--current", str(kept), "--json"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert same == {"name": "automation", "token": first, "changed": False}
    monkeypatch.setattr("sys.stdin", io.StringIO("not-the-token\n"))
    assert server.main([*argv, "--current", "-", "--json"]) == 0
    fresh = json.loads(capsys.readouterr().out)
    assert fresh["changed"] is True and fresh["token"] != first
    assert api.client.get("/users/info", headers=bearer(first)).status_code == 401
    assert api.client.get("/users/info", headers=bearer(fresh["token"])).status_code == 200
    assert server.main([*argv[:-1], "nobody@b.com"]) == 1
    assert "nobody@b.com" in capsys.readouterr().err
