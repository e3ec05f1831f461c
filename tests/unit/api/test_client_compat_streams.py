"""Progress streams: tsuru 1.x reads JSON lines, Slipway's CLI and scripts read plain text.

The provisioner's work is replaced by a stand-in that reports progress lines
(or fails), so these tests are about what the client receives and how it
decodes it (issue 9, findings 1 and 13).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from slipway.api import create_app
from slipway.cli.stream import iter_plain, split_lines
from slipway.config import validate
from slipway.core.errors import DomainError
from slipway.provision import deployer
from slipway.provision import platforms as provisioned

from ..conftest import ApiDriver, settings
from .tsuru_clients import ClientFailed, headers_1x, single_charset, stream_json

SLIPWAY_CLI = {"User-Agent": "slipway-cli/0.1.0", "Accept": "application/json"}


@pytest.fixture
def world(tmp_path, monkeypatch):
    app: Flask = create_app(validate(settings(tmp_path, docker={"registry": "10.0.0.2:5000"})))
    store = app.extensions["slipway"].store
    store.insert("nodes", {"_id": "10.0.0.9:2375", "address": "http://10.0.0.9:2375"})
    calls: list[str] = []

    def working(name: str) -> Callable[..., None]:
        def work(*args: Any, **_options: Any) -> None:
            say = args[-1]
            calls.append(name)
            say(f"---> {name} step one")
            say("ERROR: a build tool's own line is not the operation's failure")
            say(f"---> {name} done")

        return work

    for name in ("add_units", "remove_units_of", "restart", "start", "stop", "rollback"):
        monkeypatch.setattr(deployer, name, working(name))
    monkeypatch.setattr(deployer, "check_rollback", lambda *a, **k: None)
    monkeypatch.setattr(provisioned, "check_buildable", lambda *a: None)
    monkeypatch.setattr(
        provisioned, "build", lambda ctx, who, name, say, **k: working("build")(say)
    )
    api = ApiDriver(app.test_client())
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    unit = {"id": "u1", "process": "web", "status": "started", "host": "10.0.0.9", "port": 1}
    store.update_one("apps", {"_id": "web"}, {"$set": {"units": [unit]}})
    calls.clear()
    return api, owner, calls


# method, path, 1.x form body (what tsuru 1.7.2 sends), the stand-in that runs
OPERATIONS = [
    ("PUT", "/1.0/apps/web/units", {"units": "1", "process": "web"}, "add_units"),
    ("DELETE", "/1.0/apps/web/units?units=1&process=web", None, "remove_units_of"),
    ("POST", "/1.0/apps/web/restart", {"process": ""}, "restart"),
    ("POST", "/1.0/apps/web/start", {"process": ""}, "start"),
    ("POST", "/1.0/apps/web/stop", {"process": ""}, "stop"),
    ("POST", "/1.0/apps/web/deploy/rollback", {"image": "10.0.0.2:5000/app-web:v1"}, "rollback"),
]


@pytest.mark.parametrize(("method", "path", "form", "work"), OPERATIONS)
def test_1x_reads_json_lines(world, method: str, path: str, form, work: str) -> None:
    api, owner, calls = world
    response = api.client.open(path, method=method, data=form, headers=headers_1x(owner))
    assert response.headers["Content-Type"] == "application/x-json-stream"
    shown = stream_json(response)
    assert shown.startswith(f"---> {work} step one\n")
    assert "a build tool's own line" in shown
    assert shown.endswith(f"---> {work} done\n")
    assert calls == [work]


def test_1x_gets_the_failure_as_error(world, monkeypatch) -> None:
    api, owner, _ = world

    def failing(*args: Any) -> None:
        args[-1]("---> Starting 1 new unit")
        raise DomainError("the unit did not start: exit status 1")

    monkeypatch.setattr(deployer, "add_units", failing)
    response = api.client.put(
        "/1.0/apps/web/units", data={"units": "1", "process": ""}, headers=headers_1x(owner)
    )
    with pytest.raises(ClientFailed, match=r"^the unit did not start: exit status 1$"):
        stream_json(response)


def test_platform_add_and_update_stream_json_to_1x(world) -> None:
    api, _, calls = world
    headers = headers_1x(api.admin)
    added = api.client.post("/1.0/platforms", data={"name": "nodejs"}, headers=headers)
    assert "---> build done" in stream_json(added)
    updated = api.client.put("/1.0/platforms/nodejs", data={"build": "true"}, headers=headers)
    assert "---> build done" in stream_json(updated)
    assert calls == ["build", "build"]


def test_env_set_and_unset_with_restart_stream_json_to_1x(world) -> None:
    api, owner, calls = world
    form = {"Envs.0.Name": "DB", "Envs.0.Value": "pg", "NoRestart": "false", "Private": "false"}
    response = api.client.post("/1.0/apps/web/env", data=form, headers=headers_1x(owner))
    assert response.headers["Content-Type"] == "application/x-json-stream"
    shown = stream_json(response)
    assert shown.startswith("---- Setting 1 new environment variables ----\n")
    assert "---> restart done\n" in shown
    unset = api.client.delete("/1.0/apps/web/env?env=DB&noRestart=false", headers=headers_1x(owner))
    assert "---> restart done\n" in stream_json(unset)
    assert calls == ["restart", "restart"]


def test_env_set_restart_failure_still_stores_the_change(world, monkeypatch) -> None:
    api, owner, _ = world

    def failing(*args: Any) -> None:
        raise DomainError("no node answers")

    monkeypatch.setattr(deployer, "restart", failing)
    form = {"Envs.0.Name": "DB", "Envs.0.Value": "pg", "NoRestart": "false", "Private": "false"}
    response = api.client.post("/1.0/apps/web/env", data=form, headers=headers_1x(owner))
    with pytest.raises(
        ClientFailed, match=r"^The variables are set, but the restart failed: no node"
    ):
        stream_json(response)
    got = api.client.get("/1.0/apps/web/env?env=DB", headers=headers_1x(owner)).json
    assert [(e["name"], e["value"]) for e in got] == [("DB", "pg")]


@pytest.mark.parametrize(("method", "path", "form", "work"), OPERATIONS)
def test_slipway_cli_reads_plain_text(world, method: str, path: str, form, work: str) -> None:
    api, owner, _ = world
    unprefixed = path.removeprefix("/1.0")
    response = api.client.open(
        unprefixed, method=method, data=form, headers={**owner, **SLIPWAY_CLI}
    )
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert single_charset(response)
    lines = list(iter_plain(split_lines([response.get_data()])))
    assert lines[0] == f"---> {work} step one"
    assert lines[-1] == f"---> {work} done"


def test_slipway_cli_env_set_streams_the_restart(world) -> None:
    api, owner, _ = world
    response = api.client.post("/apps/web/env", json={"DB": "pg"}, headers={**owner, **SLIPWAY_CLI})
    assert response.mimetype == "text/plain"
    lines = list(iter_plain(split_lines([response.get_data()])))
    assert lines[0] == "---- Setting 1 new environment variables ----"
    assert lines[-1] == "---> restart done"


def test_deploys_stay_plain_text_for_1x(world, monkeypatch) -> None:
    api, owner, _ = world
    monkeypatch.setattr(deployer, "check_deploy", lambda *a, **k: None)
    monkeypatch.setattr(deployer, "deploy", lambda ctx, who, app, say, **k: say("---> Building"))
    form = {"origin": "image", "image": "10.0.0.2:5000/app-web:v1"}
    response = api.client.post("/1.0/apps/web/deploy", data=form, headers=headers_1x(owner))
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    body = response.get_data(as_text=True)
    assert body == "---> Building\nOK\n"
    assert body.endswith("\nOK\n")
