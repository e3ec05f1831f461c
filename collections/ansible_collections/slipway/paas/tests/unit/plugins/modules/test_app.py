"""slipway.paas.app against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import app
from conftest import Reply, StubApi


def doc(**extra: Any) -> dict[str, Any]:
    base = {
        "name": "shop",
        "platform": "python",
        "teams": ["devs"],
        "teamowner": "devs",
        "description": "",
        "pool": "",
        "plan": {"name": "default"},
    }
    base.update(extra)
    return base


def test_creates(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on(
        "GET", "/apps/shop", Reply(404, {"error": "App shop not found."}), Reply(200, doc())
    )
    stub_api.json("GET", "/teams/devs", {"name": "devs"})
    stub_api.json("POST", "/apps", {"status": "success"}, status=201)
    args = {"name": "shop", "platform": "python", "team": "devs"}
    result = run_module(app.main, args, diff=True)
    assert result.changed and result["app"]["team"] == "devs" and result["created"]
    create = next(s for s in stub_api.seen if s.method == "POST")
    assert create.json == {"name": "shop", "platform": "python", "teamOwner": "devs"}
    assert result["diff"]["before"] == {}


def test_unchanged(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", doc())
    result = run_module(app.main, {"name": "shop", "platform": "python", "teams": ["devs"]})
    assert not result.changed and not result["created"] and stub_api.changes() == []


def test_updates_through_app_update(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on(
        "GET",
        "/apps/shop",
        Reply(200, doc()),
        Reply(200, doc()),
        Reply(200, doc(description="New", pool="edge")),
    )
    stub_api.json("PUT", "/apps/shop", {"message": "updated"})
    result = run_module(app.main, {"name": "shop", "description": "New", "pool": "edge"})
    assert result.changed
    put = next(s for s in stub_api.seen if s.method == "PUT")
    assert put.json == {"description": "New", "pool": "edge"}


def test_team_owner_and_plan_names(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/apps/shop", Reply(200, doc()))
    stub_api.json("PUT", "/apps/shop", {"message": "updated"})
    run_module(app.main, {"name": "shop", "team": "ops", "plan": "large"})
    put = next(s for s in stub_api.seen if s.method == "PUT")
    assert put.json == {"teamOwner": "ops", "plan": "large"}


def test_teams_exact(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on(
        "GET",
        "/apps/shop",
        Reply(200, doc(teams=["devs", "old"])),
        Reply(200, doc(teams=["devs", "old"])),
        Reply(200, doc(teams=["devs", "ops"])),
    )
    stub_api.json("GET", "/teams/ops", {"error": "You are not a member of the team ops."}, 403)
    stub_api.json("PUT", "/apps/shop/teams/ops", {"message": "granted"})
    stub_api.json("DELETE", "/apps/shop/teams/old", {"message": "revoked"})
    result = run_module(app.main, {"name": "shop", "teams": ["devs", "ops"]})
    assert result.changed
    assert stub_api.changes() == [
        ("PUT", "/apps/shop/teams/ops"),
        ("DELETE", "/apps/shop/teams/old"),
    ]


def test_unknown_team_refused_first(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", doc())
    stub_api.json("GET", "/teams/nope", {"error": "Team nope not found."}, 404)
    result = run_module(app.main, {"name": "shop", "teams": ["devs", "nope"]})
    assert result.failed and "nope" in result["msg"] and stub_api.changes() == []


def test_platform_needed_to_create(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", {"error": "App shop not found."}, 404)
    result = run_module(app.main, {"name": "shop"})
    assert result.failed and "platform is required" in result["msg"]


def test_absent_in_check_mode(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", doc())
    result = run_module(app.main, {"name": "shop", "state": "absent"}, check=True)
    assert result.changed and result["app"] == {} and stub_api.changes() == []


def test_absent_removes(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/apps/shop", Reply(200, doc()), Reply(404, {"error": "gone"}))
    stub_api.text("DELETE", "/apps/shop", ['---- Removing app "shop" ----', "OK"])
    result = run_module(app.main, {"name": "shop", "state": "absent"})
    assert result.changed and stub_api.changes() == [("DELETE", "/apps/shop")]
