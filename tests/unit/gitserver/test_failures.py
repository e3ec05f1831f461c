"""When the git server is down or refuses, the call fails clearly and the records stay as
they were."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slipway.config import validate
from slipway.core import apps, gitserver, teams, tokens, users
from slipway.core.context import prepare
from slipway.core.errors import BadGateway
from slipway.store import open_store

from ..conftest import ApiDriver, ssh_key
from .conftest import GitServer, driving

Snapshot = Callable[[], dict[str, list[dict[str, Any]]]]


@pytest.fixture
def world(api: ApiDriver, git_server: GitServer) -> dict[str, dict[str, str]]:
    ana = api.user("ana@example.com", team="devs")
    bob = api.user("bob@example.com", team="ops")
    api.user("cid@example.com")
    api.ok(api.client.put("/teams/ops/cid@example.com", headers=bob))
    api.app("blog", ana)
    api.ok(api.client.put("/teams/devs/bob@example.com", headers=ana))
    api.ok(api.client.put("/apps/blog/teams/ops", headers=bob))
    api.ok(api.client.post("/users/keys", json={"name": "k", "key": ssh_key()}, headers=ana))
    return {"ana": ana, "bob": bob}


def refused(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert words in response.json["error"]
    assert "Nothing was changed" in response.json["error"]


def test_down_additions_are_undone(
    api: ApiDriver, git_server: GitServer, world: dict, snapshot: Snapshot
) -> None:
    ana = world["ana"]
    api.user("dan@example.com")
    git_server.stop()
    before = snapshot()
    unreachable = "the git server is unreachable (connection failed)"

    response = api.client.post("/users", json={"email": "eve@example.com", "password": "123456"})
    refused(response, 503, unreachable)
    assert "create the git user eve@example.com" in response.json["error"]
    body = {"name": "k2", "key": ssh_key()}
    refused(api.client.post("/users/keys", json=body, headers=ana), 503, unreachable)
    body = {"name": "wiki", "platform": "python", "teamOwner": "devs"}
    refused(api.client.post("/apps", json=body, headers=ana), 503, unreachable)
    refused(api.client.put("/teams/devs/dan@example.com", headers=ana), 503, unreachable)
    assert snapshot() == before, "nothing recorded, quota included"

    git_server.start()
    api.ok(api.client.post("/apps", json=body, headers=ana))
    assert git_server.repository("wiki")["users"] == ["ana@example.com", "bob@example.com"]


def test_down_removals_change_nothing(
    api: ApiDriver, git_server: GitServer, world: dict, snapshot: Snapshot
) -> None:
    ana, bob = world["ana"], world["bob"]
    git_server.stop()
    before = snapshot()
    unreachable = "the git server is unreachable"

    refused(api.client.delete("/users/keys/k", headers=ana), 503, unreachable)
    # cid reaches blog only through ops.
    refused(api.client.delete("/apps/blog/teams/ops", headers=bob), 503, unreachable)
    refused(api.client.delete("/teams/ops/cid@example.com", headers=bob), 503, unreachable)
    refused(api.client.delete("/apps/blog", headers=ana), 503, unreachable)
    refused(api.client.delete("/users", headers=bob), 503, unreachable)
    assert snapshot() == before
    # Nothing to tell the git server (bob keeps blog through devs): no call, no failure.
    api.ok(api.client.delete("/teams/ops/bob@example.com", headers=bob))

    git_server.start()
    api.ok(api.client.delete("/apps/blog/teams/ops", headers=bob))
    assert sorted(git_server.repository("blog")["users"]) == ["ana@example.com", "bob@example.com"]
    api.ok(api.client.delete("/apps/blog", headers=ana))
    assert git_server.repository("blog") is None


def test_refused_grants_are_undone(
    tmp_path: Path, api: ApiDriver, git_server: GitServer, world: dict, snapshot: Snapshot
) -> None:
    api.user("dan@example.com", team="qa")
    # The same records, with a token the git server does not accept: every call is 401.
    config = validate(driving(tmp_path, git_server.url, token="wrong-token-" + "w" * 16))
    ctx = prepare(open_store(config["database:url"]), config)
    ana = tokens.resolve(ctx, world["ana"]["Authorization"].split()[1])
    before = snapshot()
    with pytest.raises(BadGateway, match="answered 401"):
        apps.grant(ctx, ana, "blog", "qa")
    with pytest.raises(BadGateway, match="answered 401"):
        teams.add_user(ctx, ana, "devs", "dan@example.com")
    assert snapshot() == before
    assert "dan@example.com" not in git_server.repository("blog")["users"]


def test_wrong_token_and_invalid_name(tmp_path: Path, git_server: GitServer) -> None:
    config = validate(driving(tmp_path, git_server.url, token="wrong-token-" + "w" * 16))
    ctx = prepare(open_store(config["database:url"]), config)
    with pytest.raises(BadGateway, match="answered 401: A valid token is required"):
        users.create(ctx, None, "ana@example.com", "123456")
    assert ctx.store.get("users", "ana@example.com") is None
    assert git_server.users() == []

    config = validate(driving(tmp_path, git_server.url))
    ctx = prepare(open_store(config["database:url"]), config)
    with pytest.raises(users.ValidationError, match="cannot name a git user"):
        users.create(ctx, None, "ana_b@example.com", "123456")
    assert ctx.store.get("users", "ana_b@example.com") is None
    users.create(ctx, None, "ana@example.com", "123456")
    assert git_server.users() == ["ana@example.com"]


def test_a_timed_out_addition_is_taken_back(
    api: ApiDriver, git_server: GitServer, world: dict, snapshot: Snapshot, monkeypatch
) -> None:
    # The git server carries the request out but answers too late: the control plane
    # forgets the app and asks the git server to drop the repository again.
    monkeypatch.setattr(gitserver, "TIMEOUT", (5.0, 0.5))
    git_server.delays["POST /repository"] = 1.5
    before = snapshot()
    body = {"name": "wiki", "platform": "python", "teamOwner": "devs"}
    response = api.client.post("/apps", json=body, headers=world["ana"])
    refused(response, 503, "the git server is unreachable (timed out)")
    assert snapshot() == before
    assert git_server.repository("wiki") is None
    assert not (git_server.root / "repositories" / "wiki.git").exists()
