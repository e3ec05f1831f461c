"""slipway.paas.app_info against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import app_info
from conftest import StubApi


def test_reads(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", {"name": "shop", "release": {"version": 3}})
    result = run_module(app_info.main, {"name": "shop"}, diff=True)
    assert not result.changed and result["exists"]
    assert result["app"]["release"]["version"] == 3
    assert "diff" not in result.data


def test_missing(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", {"error": "App shop not found."}, 404)
    assert run_module(app_info.main, {"name": "shop"}).failed
    result = run_module(app_info.main, {"name": "shop", "missing_ok": True})
    assert not result.failed and not result["exists"] and result["app"] == {}
