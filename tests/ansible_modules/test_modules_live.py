"""Every slipway.paas module that needs no Docker node, through ansible-playbook, on a live API.

For each: a change in check mode is reported and not made (checked through
the API), the change is made, the same task again reports no change, --diff
shows the change (private values masked), and bad input fails the task with
one readable line and changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Live, Player, Ran


def one_line(ran: Ran) -> str:
    assert ran.failed, ran.result
    message = ran.result["msg"]
    assert "\n" not in message and "Traceback" not in message, message
    return message


def twice(play: Player, module: str, args: dict[str, Any], **kwargs: Any) -> Ran:
    """Run for real twice: the first changes, the second does not."""
    first = play(module, args, **kwargs)
    assert not first.failed, first.result
    assert first.changed, first.result
    second = play(module, args, **kwargs)
    assert not second.failed, second.result
    assert not second.changed, second.result
    return second


# team


def test_team_lifecycle(play: Player, live: Live) -> None:
    checked = play("team", {"name": "qa"}, check=True, diff=True)
    assert checked.changed and not checked.failed
    assert live.dev.get("/teams/qa") is None
    assert '"name": "qa"' in checked.output or "name: qa" in checked.output
    ran = twice(play, "team", {"name": "qa"})
    assert ran.result["team"] == {"name": "qa", "users": ["dev@example.com"]}
    assert live.dev.get("/teams/qa")["users"] == ["dev@example.com"]
    gone = play("team", {"name": "qa", "state": "absent"}, check=True)
    assert gone.changed and live.dev.get("/teams/qa") is not None
    twice(play, "team", {"name": "qa", "state": "absent"})
    assert live.dev.get("/teams/qa") is None


def test_team_bad_name_and_missing_token(play: Player, live: Live) -> None:
    message = one_line(play("team", {"name": "-bad name"}))
    assert "HTTP 400" in message
    message = one_line(play("team", {"name": "qa2"}, token=None))
    assert "HTTP 401" in message
    assert live.admin.get("/teams/qa2") is None


def test_missing_url_is_one_line(play: Player) -> None:
    message = one_line(play("team", {"name": "qa3"}, connection=False))
    assert "url" in message


# user


def test_user_lifecycle(play: Player, live: Live) -> None:
    args = {"email": "ann@example.com", "password": "ann-secret", "teams": ["devs"]}
    checked = play("user", args, token="admin", check=True, diff=True)
    assert checked.changed and not checked.failed
    assert "ann-secret" not in checked.output
    assert all(u["email"] != "ann@example.com" for u in live.admin.get("/users"))
    twice(play, "user", args, token="admin")
    assert "ann@example.com" in live.admin.get("/teams/devs")["users"]
    twice(play, "user", {**args, "teams": []}, token="admin")
    assert "ann@example.com" not in live.admin.get("/teams/devs")["users"]
    twice(play, "user", {"email": "ann@example.com", "state": "absent"}, token="admin")
    assert all(u["email"] != "ann@example.com" for u in live.admin.get("/users"))


def test_user_password_always(play: Player, live: Live) -> None:
    base = {"email": "bob@example.com", "password": "bob-secret-1"}
    twice(play, "user", base, token="admin")
    same = play("user", {**base, "update_password": "always"}, token="admin")
    assert not same.changed and not same.failed, same.result
    new = {
        "email": "bob@example.com",
        "password": "bob-secret-2",
        "old_password": "bob-secret-1",
        "update_password": "always",
    }
    twice(play, "user", new, token="admin")
    login = live.admin.call(
        "POST", "/users/bob@example.com/tokens", json={"password": "bob-secret-2"}
    )
    assert login.status_code == 200


def test_user_bad_input_changes_nothing(play: Player, live: Live) -> None:
    before = live.admin.get("/users")
    message = one_line(play("user", {"email": "not an email", "password": "123456"}, token="admin"))
    assert "HTTP 400" in message
    message = one_line(
        play(
            "user",
            {"email": "cat@example.com", "password": "123456", "teams": ["nope"]},
            token="admin",
        )
    )
    assert "nope" in message and "HTTP 404" in message
    assert live.admin.get("/users") == before


# ssh_key


KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB laptop"
KEY_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIC laptop"


def test_ssh_key_lifecycle(play: Player, live: Live) -> None:
    checked = play("ssh_key", {"name": "laptop", "key": KEY_A}, check=True)
    assert checked.changed and "laptop" not in live.dev.get("/users/keys")
    twice(play, "ssh_key", {"name": "laptop", "key": KEY_A})
    same_key_new_comment = play("ssh_key", {"name": "laptop", "key": KEY_A + "-renamed"})
    assert not same_key_new_comment.changed
    replaced = play("ssh_key", {"name": "laptop", "key": KEY_B}, diff=True)
    assert replaced.changed and "AgICAg" in live.dev.get("/users/keys")["laptop"]
    twice(play, "ssh_key", {"name": "laptop", "state": "absent"})
    assert "laptop" not in live.dev.get("/users/keys")


def test_ssh_key_bad_key(play: Player, live: Live) -> None:
    message = one_line(play("ssh_key", {"name": "bad", "key": "ssh-ed25519 not-base64"}))
    assert "HTTP 400" in message
    assert "bad" not in live.dev.get("/users/keys")


# app and app_info


def test_app_lifecycle(play: Player, live: Live) -> None:
    args = {"name": "shop", "platform": "python", "team": "devs", "description": "The shop"}
    checked = play("app", args, check=True, diff=True)
    assert checked.changed and not checked.failed
    assert live.dev.get("/apps/shop") is None
    ran = twice(play, "app", args)
    assert ran.result["app"]["team"] == "devs"
    assert live.dev.get("/apps/shop")["description"] == "The shop"
    live.dev.ok("POST", "/teams", json={"name": "ops"})
    granted = play("app", {"name": "shop", "teams": ["devs", "ops"]}, diff=True)
    assert granted.changed and "ops" in granted.output
    assert sorted(live.dev.get("/apps/shop")["teams"]) == ["devs", "ops"]
    twice(play, "app", {"name": "shop", "teams": ["devs"]})
    assert live.dev.get("/apps/shop")["teams"] == ["devs"]
    info = play("app_info", {"name": "shop"})
    assert not info.changed and info.result["exists"] and info.result["app"]["name"] == "shop"
    missing = play("app_info", {"name": "nothing-here", "missing_ok": True})
    assert not missing.failed and not missing.result["exists"]
    assert "HTTP 404" in one_line(play("app_info", {"name": "nothing-here"}))
    gone = play("app", {"name": "shop", "state": "absent"}, check=True)
    assert gone.changed and live.dev.get("/apps/shop") is not None
    twice(play, "app", {"name": "shop", "state": "absent"})
    assert live.dev.get("/apps/shop") is None


def test_app_update_description(play: Player, live: Live) -> None:
    """Through app-update (PUT /apps/<name>)."""
    twice(play, "app", {"name": "blog", "platform": "python", "team": "devs"})
    checked = play("app", {"name": "blog", "description": "Posts"}, check=True, diff=True)
    assert checked.changed and live.dev.get("/apps/blog")["description"] == ""
    twice(play, "app", {"name": "blog", "description": "Posts"})
    assert live.dev.get("/apps/blog")["description"] == "Posts"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"name": "bad1", "platform": "cobol", "team": "devs"}, "HTTP 400"),
        ({"name": "bad2", "platform": "python", "team": "nope"}, "HTTP 40"),
        ({"name": "bad3", "platform": "python", "team": "devs", "teams": ["devs", "nope"]}, "404"),
        ({"name": "Bad_Name", "platform": "python", "team": "devs"}, "HTTP 400"),
        ({"name": "bad4"}, "platform is required"),
    ],
)
def test_app_bad_input_changes_nothing(
    play: Player, live: Live, args: dict[str, Any], expected: str
) -> None:
    before = live.dev.get("/apps")
    assert expected in one_line(play("app", args))
    assert live.dev.get("/apps") == before


def test_app_missing_token(play: Player, live: Live) -> None:
    message = one_line(play("app", {"name": "notoken", "platform": "python"}, token=None))
    assert "HTTP 401" in message
    assert live.admin.get("/apps/notoken") is None


# app_env


def env_of(live: Live, app: str) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in live.dev.get(f"/apps/{app}/env?digests=1")}


def test_app_env(play: Player, live: Live) -> None:
    twice(play, "app", {"name": "envy", "platform": "python", "team": "devs"})
    args = {
        "app": "envy",
        "env": {"LOG_LEVEL": "info", "WORKERS": 4},
        "private_env": {"DATABASE_URL": "postgres://u:hunter2@db/envy"},
    }
    checked = play("app_env", args, check=True, diff=True)
    assert checked.changed and not checked.failed
    assert env_of(live, "envy") == {}
    assert "hunter2" not in checked.output
    assert "LOG_LEVEL" in checked.output
    first = play("app_env", args, diff=True)
    assert first.changed and "hunter2" not in first.output
    assert "*** (private variable, hmac-sha256:" in first.output
    assert sorted(first.result["set"]) == ["DATABASE_URL", "LOG_LEVEL", "WORKERS"]
    stored = env_of(live, "envy")
    assert stored["WORKERS"]["value"] == "4"
    assert not stored["DATABASE_URL"]["public"]
    assert "hunter2" not in str(stored)
    again = play("app_env", args, diff=True)
    assert not again.changed, again.result
    # A new private value is a change, shown masked; the stored digest moves.
    new = {**args, "private_env": {"DATABASE_URL": "postgres://u:hunter3@db/envy"}}
    checked = play("app_env", new, check=True, diff=True)
    assert checked.changed and checked.result["set"] == ["DATABASE_URL"]
    assert env_of(live, "envy")["DATABASE_URL"]["digest"] == stored["DATABASE_URL"]["digest"]
    twice(play, "app_env", new)
    assert env_of(live, "envy")["DATABASE_URL"]["digest"] != stored["DATABASE_URL"]["digest"]
    # Pruning removes what is not declared; without prune it stays.
    live.dev.ok("POST", "/apps/envy/env", json={"HAND_SET": "x"}, params={"noRestart": "1"})
    kept = play("app_env", new)
    assert not kept.changed and "HAND_SET" in env_of(live, "envy")
    pruned = play("app_env", {**new, "prune": True}, check=True)
    assert pruned.changed and pruned.result["unset"] == ["HAND_SET"]
    assert "HAND_SET" in env_of(live, "envy")
    twice(play, "app_env", {**new, "prune": True})
    assert "HAND_SET" not in env_of(live, "envy")
    # A variable turned from public to private is a change.
    private_now = {"app": "envy", "private_env": {"LOG_LEVEL": "info"}}
    twice(play, "app_env", private_now)
    assert not env_of(live, "envy")["LOG_LEVEL"]["public"]


def test_app_env_bad_input_changes_nothing(play: Player, live: Live) -> None:
    twice(play, "app", {"name": "envbad", "platform": "python", "team": "devs"})
    assert "HTTP 400" in one_line(play("app_env", {"app": "envbad", "env": {"1BAD": "x"}}))
    assert "HTTP 400" in one_line(play("app_env", {"app": "envbad", "env": {"TSURU_X": "x"}}))
    assert "HTTP 400" in one_line(play("app_env", {"app": "envbad", "private_env": {"2BAD": "x"}}))
    both = {"app": "envbad", "env": {"A": "1"}, "private_env": {"A": "2"}}
    assert "once" in one_line(play("app_env", both))
    assert "HTTP 404" in one_line(play("app_env", {"app": "no-such-app", "env": {"A": "1"}}))
    assert env_of(live, "envbad") == {}


def test_app_env_digest_is_for_teams_only(live: Live) -> None:
    """Another user's token sees neither the app nor the digest."""
    live.dev.ok("POST", "/apps", json={"name": "vault", "platform": "python", "teamOwner": "devs"})
    live.dev.ok(
        "POST", "/apps/vault/env", json={"S": "v"}, params={"private": "1", "noRestart": "1"}
    )
    live.admin.ok("POST", "/users", json={"email": "eve@example.com", "password": "eve-secret"})
    login = live.admin.call(
        "POST", "/users/eve@example.com/tokens", json={"password": "eve-secret"}
    )
    eve = type(live.dev)(live.url, login.json()["token"])
    assert eve.call("GET", "/apps/vault/env").status_code == 403
    assert eve.call("POST", "/apps/vault/env/digests", json={"S": "v"}).status_code == 403
    mine = live.dev.ok("POST", "/apps/vault/env/digests", json={"S": "v"}).json()
    assert mine["S"] == env_of(live, "vault")["S"]["digest"]


# platform (admin)


def test_platform_lifecycle(play: Player, live: Live) -> None:
    def listed() -> dict[str, Any]:
        return {p["name"]: p for p in live.admin.get("/platforms")}

    checked = play("platform", {"name": "nodejs"}, token="admin", check=True, diff=True)
    assert checked.changed and "nodejs" not in listed()
    twice(play, "platform", {"name": "nodejs"}, token="admin")
    assert not listed()["nodejs"]["disabled"]
    disabled = play("platform", {"name": "nodejs", "enabled": False}, token="admin", check=True)
    assert disabled.changed and not listed()["nodejs"]["disabled"]
    twice(play, "platform", {"name": "nodejs", "enabled": False}, token="admin")
    assert listed()["nodejs"]["disabled"]
    twice(play, "platform", {"name": "nodejs", "state": "absent"}, token="admin")
    assert "nodejs" not in listed()


def test_platform_bad_input(play: Player, live: Live) -> None:
    before = live.admin.get("/platforms")
    assert "HTTP 400" in one_line(play("platform", {"name": "Not A Name"}, token="admin"))
    assert "HTTP 403" in one_line(play("platform", {"name": "static"}))
    assert live.admin.get("/platforms") == before


# node (admin; registering one needs a Docker engine, so only what can be refused)


def test_node_absent_and_refused(play: Player, live: Live) -> None:
    ran = play("node", {"address": "tcp://127.0.0.1:9", "state": "absent"}, token="admin")
    assert not ran.failed and not ran.changed
    checked = play("node", {"address": "tcp://127.0.0.1:9"}, token="admin", check=True)
    assert checked.changed and live.admin.get("/docker/node") == []
    assert "HTTP 400" in one_line(play("node", {"address": "tcp://127.0.0.1:9"}, token="admin"))
    assert "HTTP 400" in one_line(play("node", {"address": "ftp://x"}, token="admin"))
    assert "HTTP 403" in one_line(play("node", {"address": "tcp://127.0.0.1:9"}))
    assert live.admin.get("/docker/node") == []
