"""End to end over a real OpenSSH sshd on 127.0.0.1: push, clone and refusals.

sshd runs with its own config, a host key made here, ``AuthorizedKeysFile``
pointing at the git server's authorized_keys and ``StrictModes no``; it logs
in the user running the tests (as root: ``PermitRootLogin
forced-commands-only``, which is exactly the forced-command setup). Needs
the Debian packages openssh-server, openssh-client and git.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from slipway.gandalf.api import create_app

from .conftest import Client, git, make_env

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
REQUIRED = {"sshd": SSHD, "ssh": shutil.which("ssh"), "ssh-keygen": shutil.which("ssh-keygen")}
REQUIRED["git"] = shutil.which("git")
MISSING = [name for name, path in REQUIRED.items() if not path]

pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"needs {', '.join(MISSING)} (apt-get install openssh-server openssh-client git)",
)

WRITE_DENIED = "You don't have access to write in this repository."
WEIRD = "You've tried to execute some weird command, I'm deliberately denying you"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def keygen(path: Path, comment: str) -> str:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        timeout=30,
    )
    return path.with_suffix(".pub").read_text().strip()


class Sshd:
    def __init__(self, root: Path, authorized_keys: Path) -> None:
        self.root = root
        self.port = free_port()
        self.user = getpass.getuser()
        self.log = root / "sshd.log"
        self.process: subprocess.Popen | None = None
        self.created_privsep = False
        host_key = root / "host_ed25519"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)],
            check=True,
            timeout=30,
        )
        self.config = root / "sshd_config"
        self.config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {host_key}",
                    f"PidFile {root / 'sshd.pid'}",
                    f"AuthorizedKeysFile {authorized_keys}",
                    "StrictModes no",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "PermitRootLogin forced-commands-only",
                    f"AllowUsers {self.user}",
                    "PermitUserEnvironment no",
                    "X11Forwarding no",
                    "AllowTcpForwarding no",
                    "PrintMotd no",
                    "LogLevel VERBOSE",
                    "",
                ]
            )
        )

    def start(self) -> Sshd:
        if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
            os.makedirs("/run/sshd", mode=0o755)
            self.created_privsep = True
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(self.config)], stdout=handle, stderr=handle
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"sshd did not listen: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.created_privsep:
            with contextlib.suppress(OSError):
                os.rmdir("/run/sshd")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("gandalf-ssh")
    env = make_env(root)
    sshd = Sshd(root, env.authorized_keys)
    sshd.start()
    try:
        client = Client(create_app(env.config).test_client())
        keys = {}
        for name in ("ana", "bob"):
            keys[name] = root / f"{name}_key"
            public = keygen(keys[name], f"{name}@laptop")
            user = f"{name}@example.com"
            assert client.post("/user", json={"name": user}).status_code == 200
            response = client.post(f"/user/{user}/key", json={"laptop": public})
            assert response.status_code == 200, response.get_data(as_text=True)
        response = client.post(
            "/repository",
            json={
                "name": "app",
                "users": ["ana@example.com"],
                "readonlyusers": ["bob@example.com"],
            },
        )
        assert response.status_code == 200
        hook = {
            "repositories": ["app"],
            "content": '#!/bin/sh\necho "deploying for $TSURU_USER"\n',
        }
        assert client.post("/hook/post-receive", json=hook).status_code == 200
        yield {"env": env, "sshd": sshd, "keys": keys, "root": root, "client": client}
    finally:
        sshd.stop()


def ssh_command(world, who: str) -> str:
    return (
        f"ssh -F /dev/null -p {world['sshd'].port} -i {world['keys'][who]} -o IdentitiesOnly=yes "
        "-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
        "-o LogLevel=ERROR"
    )


def run_git(world, who: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "GIT_SSH_COMMAND": ssh_command(world, who),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_TERMINAL_PROMPT": "0",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_push_then_clone_over_ssh(world):
    user, port = world["sshd"].user, world["sshd"].port
    work = world["root"] / "work"
    git("init", "-q", "-b", "master", str(work))
    (work / "Procfile").write_text("web: python app.py\n")
    git("add", "Procfile", cwd=work)
    git("commit", "-q", "-m", "first", cwd=work)
    head = git("rev-parse", "HEAD", cwd=work).strip()

    url = f"ssh://{user}@127.0.0.1:{port}/app.git"  # tsuru's git:ssh:use form
    pushed = run_git(world, "ana", "push", url, "master", cwd=work)
    assert pushed.returncode == 0, pushed.stderr
    assert "remote: deploying for ana@example.com" in pushed.stderr

    clone = world["root"] / "clone"
    scp_style = f"{user}@127.0.0.1:app.git"  # the default ssh_url form
    cloned = run_git(world, "bob", "clone", "-q", scp_style, str(clone))
    assert cloned.returncode == 0, cloned.stderr
    assert git("rev-parse", "HEAD", cwd=clone).strip() == head
    assert (clone / "Procfile").read_text() == "web: python app.py\n"


def test_push_without_write_access_is_refused(world):
    user, port = world["sshd"].user, world["sshd"].port
    work = world["root"] / "bob-work"
    git("init", "-q", "-b", "master", str(work))
    (work / "x").write_text("x\n")
    git("add", "x", cwd=work)
    git("commit", "-q", "-m", "bob", cwd=work)
    refused = run_git(
        world, "bob", "push", f"ssh://{user}@127.0.0.1:{port}/app.git", "master", cwd=work
    )
    assert refused.returncode != 0
    assert "Permission denied." in refused.stderr
    assert WRITE_DENIED in refused.stderr


def test_non_git_command_is_refused(world):
    sshd = world["sshd"]
    args = [*ssh_command(world, "ana").split(), f"{sshd.user}@127.0.0.1", "ls", "/"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert WEIRD in result.stderr
    assert result.stdout == ""


def test_unknown_key_cannot_log_in(world):
    stranger = world["root"] / "stranger_key"
    keygen(stranger, "stranger")
    world["keys"]["stranger"] = stranger
    result = run_git(world, "stranger", "ls-remote", f"{world['sshd'].user}@127.0.0.1:app.git")
    assert result.returncode != 0
    assert "Permission denied (publickey)" in result.stderr
