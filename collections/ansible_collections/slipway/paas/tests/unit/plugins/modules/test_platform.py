"""slipway.paas.platform against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import platform
from conftest import Reply, StubApi

PY = {"name": "python", "disabled": False, "image": "reg/platform-python:2", "built": "t"}


def test_adds(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/platforms", Reply(200, []), Reply(200, [PY]))
    stub_api.text("POST", "/platforms", ["building", "OK"])
    result = run_module(platform.main, {"name": "python"})
    assert result.changed and result["platform"]["enabled"] and result["log"] == ["building", "OK"]


def test_disables(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/platforms", Reply(200, [PY]), Reply(200, [{**PY, "disabled": True}]))
    stub_api.json("PUT", "/platforms/python", {"name": "python", "disabled": True})
    result = run_module(platform.main, {"name": "python", "enabled": False}, diff=True)
    assert result.changed and stub_api.seen[1].json == {"disabled": True}
    assert result["diff"]["after"]["enabled"] is False


def test_unchanged_and_check_mode(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/platforms", [PY])
    assert not run_module(platform.main, {"name": "python", "enabled": True}).changed
    result = run_module(platform.main, {"name": "python", "state": "absent"}, check=True)
    assert result.changed and stub_api.changes() == []


def test_rebuild_is_always_a_change(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/platforms", [PY])
    stub_api.text("PUT", "/platforms/python", ["pulling", "OK"])
    result = run_module(platform.main, {"name": "python", "rebuild": True})
    assert result.changed and stub_api.seen[1].json == {"build": True}


def test_removal_refused(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/platforms", [PY])
    stub_api.json(
        "DELETE", "/platforms/python", {"error": "Platform python is used by 2 app(s)."}, 403
    )
    result = run_module(platform.main, {"name": "python", "state": "absent"})
    assert result.failed and result["status"] == 403
