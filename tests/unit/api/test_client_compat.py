"""What real tsuru clients send: the 2014 client's JSON and the 1.x client's forms."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from ..conftest import ApiDriver, bearer, ssh_key


def raw_json(client: FlaskClient, method: str, url: str, body: object, token: str | None = None):
    """The 2014 client: a JSON body with no Content-Type header."""
    headers = bearer(token) if token else {}
    return client.open(url, method=method, data=json.dumps(body), headers=headers)


def test_2014_client_workflow(api: ApiDriver) -> None:
    client = api.client
    assert (
        raw_json(client, "POST", "/users", {"email": "old@b.com", "password": "123456"}).status_code
        == 201
    )
    assert client.get("/auth/scheme").json == {"name": "native", "data": {}}
    login = raw_json(client, "POST", "/users/old@b.com/tokens", {"password": "123456"})
    token = login.json["token"]
    assert raw_json(client, "POST", "/teams", {"name": "oldteam"}, token).status_code == 201
    created = raw_json(
        client,
        "POST",
        "/apps",
        {"name": "legacy", "platform": "python", "plan": {"name": ""}, "teamOwner": ""},
        token,
    )
    assert created.status_code == 201
    assert all(isinstance(v, str) for v in created.json.values())
    assert created.json["repository_url"] == "git@git.example.com:legacy.git"
    listed = client.get("/apps", headers=bearer(token)).json
    assert listed[0]["name"] == "legacy"
    assert isinstance(listed[0]["ready"], bool)
    assert isinstance(listed[0]["units"], list)
    info = client.get("/apps/legacy", headers=bearer(token)).json
    assert info["repository"] == "git@git.example.com:legacy.git"
    assert raw_json(client, "POST", "/apps/legacy/env", {"DB": "pg"}, token).status_code == 200
    everything = raw_json(client, "GET", "/apps/legacy/env", None, token).json
    only = raw_json(client, "GET", "/apps/legacy/env", ["DB"], token).json
    assert everything == only == [{"name": "DB", "value": "pg", "public": True}]
    key = raw_json(client, "POST", "/users/keys", {"key": ssh_key("old"), "name": "old"}, token)
    assert key.status_code == 201
    assert client.get("/users/keys", headers=bearer(token)).json == {
        "old": ssh_key("old").split()[0] + " " + key.json["key"].split()[1] + " old"
    }


def test_1x_client_workflow(api: ApiDriver) -> None:
    client = api.client
    assert (
        client.post("/1.0/users", data={"email": "new@b.com", "password": "123456"}).status_code
        == 201
    )
    assert client.get("/1.0/auth/scheme").json == {"name": "native", "data": {}}
    login = client.post("/1.0/users/new@b.com/tokens", data={"password": "123456"})
    assert set(login.json) == {"token", "is_admin"}
    headers = {**bearer(login.json["token"]), "X-Tsuru-Verbosity": "0"}
    assert client.post("/1.0/teams", json={"name": "newteam"}, headers=headers).status_code == 201
    form = {
        "description": "",
        "name": "modern",
        "plan": "",
        "platform": "python",
        "pool": "",
        "router": "",
        "routeropts": "",
        "tag": "",
        "teamOwner": "newteam",
    }
    created = client.post("/1.0/apps", data=form, headers=headers)
    assert created.status_code == 201
    assert created.json["repository_url"] == "git@git.example.com:modern.git"
    listed = client.get("/1.0/apps", headers=headers).json
    assert [app["name"] for app in listed] == ["modern"]
    info = client.get("/1.0/apps/modern", headers=headers).json
    assert info["teamowner"] == "newteam"
    assert info["lock"] == {"Locked": False}
    assert client.get("/1.0/apps/modern/quota", headers=headers).json == {"InUse": 0, "Limit": -1}
    env_form = {
        "Envs.0.Name": "DB",
        "Envs.0.Value": "pg",
        "Envs.1.Name": "KEY",
        "Envs.1.Value": "s3",
        "NoRestart": "",
        "Private": "",
    }
    stream = client.post("/1.0/apps/modern/env", data=env_form, headers=headers)
    assert stream.status_code == 200
    assert stream.mimetype == "application/x-json-stream"
    assert "Setting 2 new environment variables" in stream.get_data(as_text=True)
    got = client.get("/1.0/apps/modern/env?env=DB", headers=headers).json
    assert got == [{"name": "DB", "value": "pg", "public": True}]
    private = {"Envs.0.Name": "TOKEN", "Envs.0.Value": "x", "NoRestart": "true", "Private": "true"}
    client.post("/1.0/apps/modern/env", data=private, headers=headers)
    masked = client.get("/1.0/apps/modern/env?env=TOKEN", headers=headers).json
    assert masked == [{"name": "TOKEN", "value": "*** (private variable)", "public": False}]
    key = client.post(
        "/1.0/users/keys",
        data={"force": "false", "key": ssh_key("m"), "name": "m"},
        headers=headers,
    )
    assert key.status_code == 201
    assert list(client.get("/1.0/users/keys", headers=headers).json) == ["m"]


def test_every_version_prefix_routes(api: ApiDriver) -> None:
    for minor in range(7):
        assert api.client.get(f"/1.{minor}/healthcheck").get_data(as_text=True) == "WORKING"
    assert api.client.get("/1.7/healthcheck").status_code == 404
    assert api.client.get("/1.0").status_code == 404


def test_supported_tsuru_header(api: ApiDriver) -> None:
    assert api.client.get("/healthcheck").headers["Supported-Tsuru"]


def test_malformed_bodies_are_400(api: ApiDriver) -> None:
    user = api.user("a@b.com", team="devs")
    bad_json = api.client.post(
        "/teams", data="{nope", content_type="application/json", headers=user
    )
    assert bad_json.status_code == 400
    assert bad_json.json == {"error": "Malformed JSON body."}
    not_object = api.client.post("/teams", json=["devs2"], headers=user)
    assert not_object.status_code == 400
    garbage = api.client.post("/teams", data=b"\xff\xfe", headers=user)
    assert garbage.status_code == 400
    api.app("web", user)
    bad_form = api.client.post("/apps/web/env", data={"Envs.0.Value": "v"}, headers=user)
    assert bad_form.status_code == 400
    assert bad_form.json == {"error": "Envs.0.Name is missing"}


def test_1x_app_info_side_calls(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    other = api.user("other@b.com", team="ops")
    api.app("web", owner)
    assert api.client.get("/1.4/volumes", headers=owner).json == []
    assert api.client.get("/1.0/services/instances?app=web", headers=owner).json == []
    assert api.client.get("/1.0/services/instances?app=web", headers=other).status_code == 403
    assert api.client.get("/1.4/volumes").status_code == 401
