"""roles/gandalf: the REST API, real OpenSSH logins as git@ with pushes and clones, git daemon.

The git client runs in the container, as a developer's would: its own keys,
the server's real host key, `git push` and `git clone` over ssh.
"""

import pathlib
import re
from collections.abc import Callable

import pytest
import yaml
from conftest import assert_file, assert_service, http, listening
from testinfra.backend.base import CommandResult
from testinfra.host import Host

Api = Callable[..., tuple[int, str]]

WORK = "/root/gandalf-verify"
BARE = "/var/lib/gandalf/repositories/blog.git"
HOOK = "#!/bin/sh\nexec /opt/slipway/venv/bin/slipway-git-hook pre-receive\n"
WEIRD = (
    "You've tried to execute some weird command, I'm deliberately denying you to do that,"
    " get over it."
)


@pytest.fixture(scope="module")
def token(credentials: pathlib.Path) -> str:
    return (credentials / "gandalf_token").read_text().strip()


@pytest.fixture(scope="module")
def api(address: str, token: str) -> Api:
    """The REST API, with the token, from the controller."""

    def call(method: str, path: str, body: object = None) -> tuple[int, str]:
        status, content, _ = http(
            f"http://{address}:8000{path}",
            method=method,
            body=body,
            headers={"Authorization": f"bearer {token}"},
        )
        return status, content.decode()

    return call


def ssh(key: str) -> str:
    """ssh as a git client runs it: one key, the server's real host key."""
    return (
        "ssh -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes"
        f" -o UserKnownHostsFile={WORK}/known_hosts -i {WORK}/{key}"
    )


def git(host: Host, key: str, command: str, *args: str) -> CommandResult:
    """A git command in the client directory, with alice's, bob's or carol's key."""
    return host.run(f"cd {WORK} && GIT_SSH_COMMAND=%s {command}", ssh(key), *args)


@pytest.fixture(scope="module")
def client(host: Host, address: str, api: Api) -> dict:
    """Keys for alice (writer), bob (reader) and carol (no account); users and a repository."""
    host.check_output("rm -rf %s && install -d -m 0700 %s", WORK, WORK)
    for name in ("alice", "bob", "carol"):
        host.check_output(
            "ssh-keygen -q -t ed25519 -N '' -C %s -f %s", f"{name}@verify", f"{WORK}/{name}"
        )
    host_key = host.file("/etc/ssh/ssh_host_ed25519_key.pub").content_string.split()[:2]
    host.check_output("echo %s > %s/known_hosts", f"{address} {' '.join(host_key)}", WORK)
    # Forget what an earlier verify left.
    for path in ("/repository/blog", "/user/alice", "/user/bob"):
        assert api("DELETE", path)[0] in (200, 404)
    users = [
        api(
            "POST",
            "/user",
            {
                "name": name,
                "keys": {"laptop": host.file(f"{WORK}/{name}.pub").content_string.strip()},
            },
        )
        for name in ("alice", "bob")
    ]
    repository = api(
        "POST",
        "/repository",
        {"name": "blog", "users": ["alice"], "readonlyusers": ["bob"], "ispublic": False},
    )
    host.check_output(
        "cd %s && git init --quiet --initial-branch=feature app"
        " && echo 'web: python3 -m http.server $PORT' > app/Procfile && git -C app add Procfile"
        " && git -C app -c user.name=Alice -c user.email=alice@verify"
        " commit --quiet -m 'First commit'",
        WORK,
    )
    return {"users": users, "repository": repository}


def test_services_active_and_enabled(host: Host) -> None:
    assert_service(host, "ssh")
    assert_service(host, "slipway-gandalf", user="git")
    assert_service(host, "git-daemon", user="git")


def test_listens_on_intended_addresses_only(host: Host, address: str) -> None:
    assert listening(host, 8000) == {f"tcp://{address}:8000"}
    assert listening(host, 9418) == {f"tcp://{address}:9418"}
    ssh_sockets = listening(host, 22)
    assert "tcp://0.0.0.0:22" in ssh_sockets
    assert ssh_sockets <= {"tcp://0.0.0.0:22", "tcp://:::22"}


def test_secret_and_config_files(host: Host, token: str) -> None:
    for path in (
        "/etc/slipway/gandalf-token",
        "/etc/slipway/git-deploy-token",
        "/etc/slipway/git-hook.conf",
        "/etc/slipway/gandalf.conf",
    ):
        assert_file(host, path, 0o640, "root", "git")
    assert_file(host, "/var/lib/gandalf/.ssh", 0o700, "git", "git")
    assert_file(host, "/var/lib/gandalf/.ssh/authorized_keys", 0o600, "git", "git")
    assert len(token) == 40
    assert host.file("/etc/slipway/gandalf-token").content_string.strip() == token
    assert host.file("/var/lib/gandalf/bare-template/hooks/pre-receive").content_string == HOOK
    assert yaml.safe_load(host.file("/etc/slipway/git-hook.conf").content_string) == {
        "api": "http://127.0.0.1:8080",
        "token-file": "/etc/slipway/git-deploy-token",
        "branches": ["main"],
    }


def test_sshd_settings_for_git_and_root(host: Host) -> None:
    def settings(user: str) -> list[str]:
        return host.check_output(
            "/usr/sbin/sshd -T -C %s", f"user={user},host=client,addr=127.0.0.1"
        ).splitlines()

    git_settings, root_settings = settings("git"), settings("root")
    for line in (
        "permittty no",
        "allowtcpforwarding no",
        "allowagentforwarding no",
        "allowstreamlocalforwarding no",
        "x11forwarding no",
        "disableforwarding yes",
        "permituserrc no",
        "passwordauthentication no",
        "kbdinteractiveauthentication no",
        "authenticationmethods publickey",
        "authorizedkeysfile /var/lib/gandalf/.ssh/authorized_keys",
    ):
        assert line in git_settings, line
    assert "permittty yes" in root_settings
    assert "disableforwarding no" in root_settings


def test_rest_api_health_and_authentication(address: str) -> None:
    status, body, _ = http(f"http://{address}:8000/healthcheck")
    assert (status, body) == (200, b"WORKING")
    for headers in ({"Authorization": "bearer not-the-token-at-all"}, {}):
        assert http(f"http://{address}:8000/user/alice/keys", headers=headers)[0] == 401


def test_users_and_repository_created_with_the_hook(host: Host, client: dict) -> None:
    assert [status < 300 for status, _ in client["users"]] == [True, True]
    assert [content for _, content in client["users"]] == [
        'User "alice" successfully created',
        'User "bob" successfully created',
    ]
    assert client["repository"][1] == 'Repository "blog" successfully created'
    assert host.file(f"{BARE}/hooks/pre-receive").content_string == HOOK


def test_writer_pushes_over_ssh(host: Host, address: str, client: dict) -> None:
    push = git(host, "alice", "git -C app push %s feature", f"git@{address}:blog.git")
    assert push.rc == 0, push.stderr
    local = host.check_output("git --git-dir=%s/app/.git rev-parse refs/heads/feature", WORK)
    assert host.check_output("git --git-dir=%s rev-parse refs/heads/feature", BARE) == local


def test_hook_refuses_deploy_branch_without_api(host: Host, address: str, client: dict) -> None:
    # The deploy branch: the hook sends the commit to the API, which is not
    # there, so it refuses the push and the branch is not created.
    push = git(host, "alice", "git -C app push %s feature:main", f"git@{address}:blog.git")
    assert push.rc != 0
    assert "pre-receive hook declined" in push.stderr
    assert re.search(r"remote: .*http://127[.]0[.]0[.]1:8080", push.stderr)
    assert host.run("git --git-dir=%s show-ref --verify --quiet refs/heads/main", BARE).rc != 0


def test_reader_clones_but_may_not_push(host: Host, address: str, client: dict) -> None:
    push = git(host, "bob", "git -C app push %s feature:other", f"git@{address}:blog.git")
    assert push.rc != 0
    assert "Permission denied." in push.stderr
    assert "You don't have access to write in this repository." in push.stderr
    clone = git(
        host, "bob", "git clone --quiet --branch=feature %s bob-clone", f"git@{address}:blog.git"
    )
    assert clone.rc == 0, clone.stderr
    assert host.file(f"{WORK}/bob-clone/Procfile").exists


def test_other_commands_and_unknown_keys_refused(host: Host, address: str, client: dict) -> None:
    shell = host.run(f"{ssh('alice')} %s ls", f"git@{address}")
    assert shell.rc != 0
    assert WEIRD in shell.stderr
    carol = host.run(f"{ssh('carol')} %s %s", f"git@{address}", "git-upload-pack 'blog.git'")
    assert carol.rc != 0
    assert "Permission denied (publickey)" in carol.stderr


def test_git_daemon_serves_public_repositories_read_only(
    host: Host,
    address: str,
    client: dict,
    api,  # noqa: ANN001 the api fixture
) -> None:
    url = f"git://{address}/blog.git"
    assert host.run("git ls-remote %s", url).rc != 0, "a private repository is served"
    assert api("PUT", "/repository/blog", {"ispublic": True})[0] == 200
    head = host.check_output("git --git-dir=%s rev-parse refs/heads/feature", BARE)
    assert re.search(head + r"\s+refs/heads/feature", host.check_output("git ls-remote %s", url))
    push = host.run("cd %s && git -C app push %s feature:daemon", WORK, url)
    assert push.rc != 0
    assert re.search("not enabled|access denied|disabled", push.stderr)


def test_authorized_keys_written_by_the_server(host: Host, client: dict) -> None:
    keys = host.file("/var/lib/gandalf/.ssh/authorized_keys").content_string
    assert 'slipway-gandalf-ssh alice"' in keys
    assert 'slipway-gandalf-ssh bob"' in keys
