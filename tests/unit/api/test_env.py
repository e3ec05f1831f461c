"""Environment variables."""

from __future__ import annotations

from ..conftest import ApiDriver


def messages(response) -> list[str]:
    """The lines of a plain-text progress stream (what Slipway's CLI and scripts get)."""
    return response.get_data(as_text=True).splitlines()


def test_set_get_unset(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    response = api.client.post("/apps/web/env", json={"DB": "x", "MODE": "prod"}, headers=owner)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert messages(response)[0] == "---- Setting 2 new environment variables ----"
    assert messages(response)[-1] == "OK"
    secret = api.client.post("/apps/web/env?private=1", json={"KEY": "s3cret"}, headers=owner)
    assert secret.status_code == 200
    env = api.client.get("/apps/web/env", headers=owner).json
    assert env == [
        {"name": "DB", "value": "x", "public": True},
        {"name": "KEY", "value": "*** (private variable)", "public": False},
        {"name": "MODE", "value": "prod", "public": True},
    ]
    assert "s3cret" not in api.client.get("/apps/web", headers=owner).get_data(as_text=True)
    only = api.client.get("/apps/web/env?env=MODE", headers=owner).json
    assert only == [{"name": "MODE", "value": "prod", "public": True}]
    api.ok(api.client.delete("/apps/web/env", json=["DB", "MISSING"], headers=owner))
    assert [e["name"] for e in api.client.get("/apps/web/env", headers=owner).json] == [
        "KEY",
        "MODE",
    ]


def test_no_restart_flag_is_recorded(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    api.ok(api.client.post("/apps/web/env?noRestart=true", json={"A": "1"}, headers=owner))
    store = api.client.application.extensions["slipway"].store
    assert store.get("apps", "web")["last_env_change"]["restart"] is False
    api.ok(api.client.post("/apps/web/env", json={"A": "2"}, headers=owner))
    assert store.get("apps", "web")["last_env_change"]["restart"] is True


def test_bad_env_input(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    cases = [
        ({"1BAD": "x"}, "Invalid environment variable name"),
        ({"TSURU_APPNAME": "x"}, "reserved"),
        ({"OK": 5}, "must be a string"),
        ({}, "You must provide"),
    ]
    for body, message in cases:
        response = api.client.post("/apps/web/env", json=body, headers=owner)
        assert response.status_code == 400, body
        assert message in response.json["error"]
    assert api.client.get("/apps/web/env", headers=owner).json == []
    bad_list = api.client.delete("/apps/web/env", json={"not": "a list"}, headers=owner)
    assert bad_list.status_code == 400


def test_env_of_another_teams_app_is_refused(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    other = api.user("other@b.com", team="ops")
    api.app("web", owner)
    assert api.client.get("/apps/web/env", headers=other).status_code == 403
    assert api.client.post("/apps/web/env", json={"A": "1"}, headers=other).status_code == 403


def test_variables_named_like_flags_are_kept(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    api.ok(api.client.post("/apps/web/env", json={"private": "1", "noRestart": "x"}, headers=owner))
    env = api.client.get("/apps/web/env", headers=owner).json
    assert env == [
        {"name": "noRestart", "value": "x", "public": True},
        {"name": "private", "value": "1", "public": True},
    ]


def test_non_string_names_in_the_form_are_refused(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    response = api.client.post("/apps/web/env", json={"Envs.0.Name": []}, headers=owner)
    assert response.status_code == 400
    assert response.json == {"error": "Envs.0.Name must be a string"}
