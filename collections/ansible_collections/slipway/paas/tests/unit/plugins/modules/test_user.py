"""slipway.paas.user against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import user
from conftest import Reply, StubApi

ANN = {"email": "ann@x.io", "teams": ["devs"], "created": "2026-12-01"}


def test_creates_and_joins_teams(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/users", Reply(200, []), Reply(200, [ANN]))
    stub_api.json("GET", "/teams/devs", {"name": "devs", "users": []})
    stub_api.json("POST", "/users", {"email": "ann@x.io"}, status=201)
    stub_api.json("PUT", "/teams/devs/ann%40x.io", {"message": "added"})
    args = {"email": "ann@x.io", "password": "s3cret!", "teams": ["devs"]}
    result = run_module(user.main, args, diff=True)
    assert result.changed and result["user"] == {"email": "ann@x.io", "teams": ["devs"]}
    assert stub_api.changes() == [("POST", "/users"), ("PUT", "/teams/devs/ann%40x.io")]
    assert "s3cret!" not in str(result.data)


def test_password_needed_to_create(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/users", [])
    result = run_module(user.main, {"email": "ann@x.io"})
    assert result.failed and "password is required" in result["msg"]


def test_unknown_team_refused_before_any_change(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/users", [])
    stub_api.json("GET", "/teams/nope", {"error": "Team nope not found."}, status=404)
    result = run_module(user.main, {"email": "a@x.io", "password": "123456", "teams": ["nope"]})
    assert result.failed and result["msg"] == "Team nope not found. (HTTP 404)"
    assert stub_api.changes() == []


def test_teams_made_exact(stub_api: StubApi, run_module: Any) -> None:
    both = {**ANN, "teams": ["devs", "ops"]}
    stub_api.on("GET", "/users", Reply(200, [both]), Reply(200, [{**ANN, "teams": ["ops"]}]))
    stub_api.json("DELETE", "/teams/devs/ann%40x.io", {"message": "removed"})
    result = run_module(user.main, {"email": "ann@x.io", "teams": ["ops"]})
    assert result.changed and stub_api.changes() == [("DELETE", "/teams/devs/ann%40x.io")]


def test_check_mode(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/users", [])
    result = run_module(user.main, {"email": "a@x.io", "password": "123456"}, check=True)
    assert result.changed and stub_api.changes() == []


def test_password_always_unchanged_when_it_works(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/users", [ANN])
    stub_api.json("POST", "/users/ann%40x.io/tokens", {"token": "t2", "is_admin": False})
    stub_api.json("DELETE", "/users/tokens", {"message": "Logged out."})
    args = {"email": "ann@x.io", "password": "same-one", "update_password": "always"}
    result = run_module(user.main, args)
    assert not result.changed
    assert stub_api.seen[-1].headers["Authorization"] == "bearer t2"


def test_password_always_changes_with_old_password(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/users", [ANN])

    def login(seen: Any) -> Reply:
        if seen.json["password"] == "old-one":
            return Reply(200, {"token": "t-old", "is_admin": False})
        return Reply(401, {"error": "Authentication failed"})

    stub_api.on("POST", "/users/ann%40x.io/tokens", login)
    stub_api.json("PUT", "/users/password", {"message": "Password changed."})
    stub_api.json("DELETE", "/users/tokens", {"message": "Logged out."})
    args = {
        "email": "ann@x.io",
        "password": "new-one",
        "old_password": "old-one",
        "update_password": "always",
    }
    result = run_module(user.main, args)
    assert result.changed
    change = next(s for s in stub_api.seen if s.path == "/users/password")
    assert change.json == {"old": "old-one", "new": "new-one"}
    assert change.headers["Authorization"] == "bearer t-old"


def test_absent(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/users", Reply(200, [ANN]), Reply(200, []))
    stub_api.json("DELETE", "/users", {"message": "User removed."})
    result = run_module(user.main, {"email": "ann@x.io", "state": "absent"})
    assert result.changed and stub_api.seen[1].query == {"user": ["ann@x.io"]}
