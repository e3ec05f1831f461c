"""The SSH wrapper as a real process, the way sshd runs it (SSH_ORIGINAL_COMMAND)."""

from __future__ import annotations

import pytest

from slipway.gandalf import wrapper

WEIRD = (
    "You've tried to execute some weird command, I'm deliberately denying you to do that, "
    "get over it."
)


@pytest.fixture
def world(genv):
    gandalf = genv.gandalf()
    for name in ("ana", "bob", "eve", "mallory"):
        gandalf.create_user(name)
    gandalf.create_repository({"name": "app", "users": ["ana"], "readonlyusers": ["bob"]})
    gandalf.create_repository({"name": "open", "users": ["ana"], "ispublic": True})
    gandalf.create_repository({"name": "team/site", "users": ["eve"]})
    return genv


def lines(result):
    return result.stderr.decode().splitlines()


def test_writer_may_push(world):
    result = world.wrapper("ana", "git-receive-pack 'app.git'", b"0000")
    assert result.returncode == 0, result.stderr
    assert b"report-status" in result.stdout  # receive-pack's ref advertisement


@pytest.mark.parametrize(
    ("user", "repo"),
    [("ana", "app"), ("bob", "app"), ("mallory", "open"), ("eve", "team/site")],
)
def test_readers_may_fetch(world, user, repo):
    result = world.wrapper(user, f"git-upload-pack '{repo}.git'", b"0000")
    assert result.returncode == 0, result.stderr
    assert b"0000" in result.stdout


def test_leading_slash_as_ssh_urls_send_it(world):
    result = world.wrapper("eve", "git-upload-pack '/team/site.git'", b"0000")
    assert result.returncode == 0, result.stderr


def test_readonly_user_cannot_push(world):
    result = world.wrapper("bob", "git-receive-pack 'app.git'")
    assert result.returncode != 0
    assert lines(result) == [
        "Permission denied.",
        "You don't have access to write in this repository.",
    ]
    assert result.stdout == b""


def test_outsider_cannot_read_a_private_repository(world):
    result = world.wrapper("mallory", "git-upload-pack 'app.git'")
    assert result.returncode != 0
    assert lines(result) == [
        "Permission denied.",
        "You don't have access to read this repository.",
    ]


def test_outsider_cannot_push_a_public_repository(world):
    result = world.wrapper("mallory", "git-receive-pack 'open.git'")
    assert result.returncode != 0
    assert lines(result)[1] == "You don't have access to write in this repository."


@pytest.mark.parametrize(
    "command",
    [
        "ls",
        "",
        "git-receive-pack app.git",
        "git-upload-pack '../etc/passwd.git'",
        "git-upload-archive 'app.git'",
        "rm -rf 'app.git'",
    ],
)
def test_weird_commands(world, command):
    result = world.wrapper("ana", command)
    assert result.returncode != 0
    assert lines(result) == [WEIRD]


def test_no_original_command_is_weird(world):
    result = world.wrapper("ana", None)
    assert result.returncode != 0
    assert lines(result) == [WEIRD]


def test_extra_tokens_are_malformed(world):
    result = world.wrapper("ana", "git-upload-pack 'app.git' --help")
    assert result.returncode != 0
    assert lines(result) == ["Malformed git command"]
    chained = world.wrapper("ana", "touch x; git-upload-pack 'app.git'")
    assert chained.returncode != 0
    assert lines(chained) == ["Malformed git command"]


def test_unknown_user(world):
    result = world.wrapper("ghost", "git-upload-pack 'open.git'")
    assert result.returncode != 0
    assert lines(result) == [
        "Error obtaining user. Gandalf database is probably in an inconsistent state."
    ]


def test_unknown_repository(world):
    result = world.wrapper("ana", "git-upload-pack 'nowhere.git'")
    assert result.returncode != 0
    assert lines(result) == ["Repository not found"]


def test_usage_and_config_errors(world, tmp_path):
    assert world.wrapper(None, "git-upload-pack 'app.git'").returncode == wrapper.EXIT_USAGE
    world.config_path.write_text("bin-path: relative\n")
    broken = world.wrapper("ana", "git-upload-pack 'app.git'")
    assert broken.returncode == wrapper.EXIT_ERROR
    assert "config error" in broken.stderr.decode()


def test_authorize_names_the_bare_repository(world):
    # TSURU_USER reaching the hooks is checked end to end over SSH in test_gandalf_ssh.py.
    argv, path = wrapper.authorize(world.gandalf(), "eve", "git-receive-pack '/team/site.git'")
    assert argv == ["git", "receive-pack", path]
    assert path == str(world.location / "team" / "site.git")
