"""slipway.paas.app_cname against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import app_cname
from conftest import Reply, StubApi


def test_adds_missing(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on(
        "GET",
        "/apps/shop",
        Reply(200, {"cname": ["a.example"]}),
        Reply(200, {"cname": ["a.example", "b.example"]}),
    )
    stub_api.json("POST", "/apps/shop/cname", {"message": "ok"})
    result = run_module(app_cname.main, {"app": "shop", "cnames": ["B.example", "a.example"]})
    assert result.changed and result["cnames"] == ["a.example", "b.example"]
    assert stub_api.seen[1].json == {"cname": ["b.example"]}


def test_purge_and_absent(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", {"cname": ["a.example", "old.example"]})
    stub_api.json("DELETE", "/apps/shop/cname", {"message": "ok"})
    result = run_module(app_cname.main, {"app": "shop", "cnames": ["a.example"], "purge": True})
    assert result.changed and stub_api.seen[1].json == {"cname": ["old.example"]}
    stub_api.seen.clear()
    result = run_module(
        app_cname.main, {"app": "shop", "cnames": ["old.example"], "state": "absent"}, check=True
    )
    assert result.changed and result["cnames"] == ["a.example"] and stub_api.changes() == []


def test_unchanged(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", {"cname": ["a.example"]})
    assert not run_module(app_cname.main, {"app": "shop", "cnames": ["a.example"]}).changed
    assert not run_module(
        app_cname.main, {"app": "shop", "cnames": ["x.example"], "state": "absent"}
    ).changed
    assert stub_api.changes() == []


def test_conflict(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", {"cname": []})
    stub_api.json(
        "POST", "/apps/shop/cname", {"error": "cname a.example is already used by app blog."}, 409
    )
    result = run_module(app_cname.main, {"app": "shop", "cnames": ["a.example"]})
    assert result.failed and "blog" in result["msg"]
