"""The control plane drives a real git server: users, keys, repositories and grants land there."""

from __future__ import annotations

from slipway.localapi import ADMIN_EMAIL

from ..conftest import ApiDriver, ssh_key
from .conftest import GitServer


def test_user_and_keys(api: ApiDriver, git_server: GitServer) -> None:
    ana = api.user("ana@example.com")
    assert "ana@example.com" in git_server.users()
    assert git_server.keys("ana@example.com") == {}

    key = ssh_key("ana@laptop")
    api.ok(api.client.post("/users/keys", json={"name": "laptop", "key": key}, headers=ana))
    assert git_server.keys("ana@example.com") == {"laptop": key}
    line = f'command="/usr/local/bin/slipway-gandalf-ssh ana@example.com" {key}'
    assert line in git_server.authorized_keys()

    api.ok(api.client.delete("/users/keys/laptop", headers=ana))
    assert git_server.keys("ana@example.com") == {}
    assert key not in git_server.authorized_keys()

    other = ssh_key("second")
    api.ok(api.client.post("/users/keys", json={"name": "second", "key": other}, headers=ana))
    api.ok(api.client.delete("/users", headers=ana))
    assert "ana@example.com" not in git_server.users()
    assert other not in git_server.authorized_keys()


def test_app_repository_follows_teams(api: ApiDriver, git_server: GitServer) -> None:
    ana = api.user("ana@example.com", team="devs")
    bob = api.user("bob@example.com", team="ops")
    api.user("cid@example.com")
    api.app("blog", ana)

    repository = git_server.repository("blog")
    assert repository is not None
    assert (repository["users"], repository["readonlyusers"]) == (["ana@example.com"], [])
    assert repository["ispublic"] is False
    assert (git_server.root / "repositories" / "blog.git" / "HEAD").is_file()

    # A member added to the team may push; one removed may not.
    api.ok(api.client.put("/teams/devs/cid@example.com", headers=ana))
    assert git_server.repository("blog")["users"] == ["ana@example.com", "cid@example.com"]

    # A team granted the app brings its members; revoking it takes away those with no
    # other team on the app.
    api.ok(api.client.put("/teams/ops/cid@example.com", headers=bob))
    api.ok(api.client.put("/apps/blog/teams/ops", headers=ana))
    assert sorted(git_server.repository("blog")["users"]) == [
        "ana@example.com",
        "bob@example.com",
        "cid@example.com",
    ]
    api.ok(api.client.delete("/teams/devs/cid@example.com", headers=ana))
    assert "cid@example.com" in git_server.repository("blog")["users"], "still through ops"
    api.ok(api.client.delete("/apps/blog/teams/ops", headers=ana))
    assert git_server.repository("blog")["users"] == ["ana@example.com"]

    api.ok(api.client.delete("/apps/blog", headers=ana))
    assert git_server.repository("blog") is None
    assert not (git_server.root / "repositories" / "blog.git").exists()


def test_bootstrap_admin_gets_a_git_user_with_its_first_key(
    api: ApiDriver, git_server: GitServer
) -> None:
    # The admin was made by ensure_admin (create-admin), which does not drive the git server.
    assert ADMIN_EMAIL not in git_server.users()
    key = ssh_key("admin")
    api.ok(api.client.post("/users/keys", json={"name": "admin", "key": key}, headers=api.admin))
    assert git_server.keys(ADMIN_EMAIL) == {"admin": key}


def test_a_key_already_on_the_git_server_is_not_an_error(
    api: ApiDriver, git_server: GitServer
) -> None:
    # What a timed-out earlier attempt can leave behind: the same key, same name, same user.
    ana = api.user("ana@example.com")
    key = ssh_key("ana@laptop")
    git_server.state.add_keys("ana@example.com", {"laptop": key})
    api.ok(api.client.post("/users/keys", json={"name": "laptop", "key": key}, headers=ana))
    assert api.client.get("/users/keys", headers=ana).json == {"laptop": key}

    # The same body under another user there is a real disagreement: refused, not stored.
    bob = api.user("bob@example.com")
    stray = ssh_key("stray")
    git_server.state.add_keys("ana@example.com", {"stray": stray})
    response = api.client.post("/users/keys", json={"name": "k", "key": stray}, headers=bob)
    assert response.status_code == 502
    assert "resync-git" in response.json["error"]
    assert api.client.get("/users/keys", headers=bob).json == {}
