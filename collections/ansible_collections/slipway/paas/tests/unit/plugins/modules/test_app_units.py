"""slipway.paas.app_units against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import app_units
from conftest import Reply, StubApi


def app(*processes: str) -> dict[str, Any]:
    return {
        "name": "shop",
        "units": [{"ID": str(i), "ProcessName": p} for i, p in enumerate(processes)],
    }


def test_adds_the_difference(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on(
        "GET", "/apps/shop", Reply(200, app("web", "worker")), Reply(200, app("web", "web", "web"))
    )
    stub_api.text("PUT", "/apps/shop/units", ["---> Adding 2 units", "OK"])
    result = run_module(app_units.main, {"app": "shop", "units": 3}, diff=True)
    assert result.changed and result["units"] == {"process": "web", "units": 3}
    put = next(s for s in stub_api.seen if s.method == "PUT")
    assert put.json == {"units": "2", "process": "web"}
    assert result["log"] == ["---> Adding 2 units", "OK"]
    assert result["diff"] == {
        "before": {"process": "web", "units": 1},
        "after": {"process": "web", "units": 3},
    }


def test_removes_the_difference(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/apps/shop", Reply(200, app("worker", "worker")), Reply(200, app()))
    stub_api.text("DELETE", "/apps/shop/units", ["OK"])
    result = run_module(app_units.main, {"app": "shop", "process": "worker", "units": 0})
    assert result.changed
    assert next(s for s in stub_api.seen if s.method == "DELETE").json == {
        "units": "2",
        "process": "worker",
    }


def test_exact_count_is_unchanged(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", app("web", "web"))
    result = run_module(app_units.main, {"app": "shop", "units": 2})
    assert not result.changed and stub_api.changes() == []


def test_check_mode(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", app())
    result = run_module(app_units.main, {"app": "shop", "units": 2}, check=True)
    assert result.changed and stub_api.changes() == []


def test_failed_start(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", app())
    stub_api.text("PUT", "/apps/shop/units", ["starting", "ERROR: unit 1 did not start"])
    result = run_module(app_units.main, {"app": "shop", "units": 1})
    assert result.failed and result["msg"] == "unit 1 did not start (HTTP 200)"
    assert result["log"][-1] == "ERROR: unit 1 did not start"


def test_negative(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", app())
    assert run_module(app_units.main, {"app": "shop", "units": -1}).failed
