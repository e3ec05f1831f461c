"""slipway.paas.team against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import team
from conftest import Reply, StubApi


def test_creates_a_missing_team(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on(
        "GET",
        "/teams/shop",
        Reply(404, {"error": "Team not found."}),
        Reply(200, {"name": "shop", "users": ["me@x.io"]}),
    )
    stub_api.json("POST", "/teams", {"name": "shop", "users": ["me@x.io"]}, status=201)
    result = run_module(team.main, {"name": "shop"}, diff=True)
    assert result.changed
    assert result["team"] == {"name": "shop", "users": ["me@x.io"]}
    assert result["diff"] == {"before": {}, "after": {"name": "shop", "users": ["me@x.io"]}}
    assert stub_api.seen[1].json == {"name": "shop"}


def test_check_mode_changes_nothing(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/teams/shop", {"error": "Team not found."}, status=404)
    result = run_module(team.main, {"name": "shop"}, check=True, diff=True)
    assert result.changed and result["diff"]["after"] == {"name": "shop"}
    assert stub_api.changes() == []


def test_present_is_unchanged(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/teams/shop", {"name": "shop", "users": ["b", "a"]})
    result = run_module(team.main, {"name": "shop"})
    assert not result.changed and result["team"]["users"] == ["a", "b"]
    assert stub_api.changes() == []


def test_absent_removes(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on(
        "GET",
        "/teams/shop",
        Reply(200, {"name": "shop", "users": []}),
        Reply(404, {"error": "gone"}),
    )
    stub_api.json("DELETE", "/teams/shop", {"message": "removed"})
    result = run_module(team.main, {"name": "shop", "state": "absent"})
    assert result.changed and result["team"] == {}
    assert stub_api.changes() == [("DELETE", "/teams/shop")]


def test_refusal_fails(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/teams/shop", Reply(200, {"name": "shop", "users": []}))
    stub_api.json("DELETE", "/teams/shop", {"error": "The team has access to apps."}, 403)
    result = run_module(team.main, {"name": "shop", "state": "absent"})
    assert result.failed and result["msg"] == "The team has access to apps. (HTTP 403)"
