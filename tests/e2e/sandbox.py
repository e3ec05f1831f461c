"""Working with the sandbox cluster (`make up`) as app developers do; used by tests/e2e and
bench/deploy. Everything goes through the ports the sandbox publishes on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import dns.resolver
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = REPO_ROOT / ".sandbox" / "credentials"
APPS = Path(__file__).resolve().parent / "apps"
API_URL = "http://127.0.0.1:8080"
ROUTER_URL = "http://127.0.0.1:8000"
GIT_SSH_PORT = 2222
DNS_PORT = 5353
DOMAIN = "slipway.test"
CUSTOM_ZONE = "custom.test"
PASSWORD = "e2e-password-123"
RUN = uuid.uuid4().hex[:6]


def credential(name: str) -> str:
    path = CREDENTIALS / name
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `make up` first")
    return path.read_text(encoding="utf-8").strip()


@dataclass
class Done:
    code: int
    out: str
    err: str

    @property
    def both(self) -> str:
        return self.out + self.err


class Developer:
    """One app developer: a home with the CLI logged in, an SSH key, git."""

    def __init__(self, home: Path, email: str) -> None:
        self.home, self.email = home, email
        self.key = home / ".ssh" / "id_ed25519"
        self.key.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(self.key)],
            check=True,
        )
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SLIPWAY_", "GIT_"))}
        self.env.update(
            HOME=str(home),
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
            GIT_SSH_COMMAND=(
                f"ssh -i {self.key} -p {GIT_SSH_PORT} -o IdentitiesOnly=yes "
                "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
            ),
            GIT_AUTHOR_NAME="E2E",
            GIT_AUTHOR_EMAIL=email,
            GIT_COMMITTER_NAME="E2E",
            GIT_COMMITTER_EMAIL=email,
        )

    def run(self, *argv: str, cwd: Path | None = None, stdin: str | None = None) -> Done:
        done = subprocess.run(
            list(argv),
            cwd=cwd or self.home,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=900,
        )
        return Done(done.returncode, done.stdout, done.stderr)

    def slipway(self, *argv: str, stdin: str | None = None) -> Done:
        return self.run(sys.executable, "-m", "slipway.cli", *argv, stdin=stdin)

    def ok(self, *argv: str, stdin: str | None = None) -> str:
        done = self.slipway(*argv, stdin=stdin)
        assert done.code == 0, f"slipway {' '.join(argv)} failed: {done.both}"
        return done.out

    def ssh(self, *command: str) -> Done:
        return self.run(
            "ssh", "-i", str(self.key), "-p", str(GIT_SSH_PORT), "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "git@127.0.0.1", *command,
        )  # fmt: skip

    def repo(self, app_dir: Path, name: str) -> Path:
        """A git working copy of ``app_dir`` with one commit on main."""
        work = self.home / name
        shutil.copytree(app_dir, work)
        self.git(work, "init", "-q", "-b", "main")
        self.commit(work, "first version")
        return work

    def git(self, work: Path, *argv: str) -> Done:
        return self.run("git", *argv, cwd=work)

    def commit(self, work: Path, message: str) -> None:
        self.git(work, "add", "-A")
        done = self.git(work, "commit", "-q", "-m", message)
        assert done.code == 0, done.both

    def push(self, work: Path, app: str) -> Done:
        return self.git(work, "push", f"ssh://git@127.0.0.1:{GIT_SSH_PORT}/{app}.git", "main")


class Admin:
    def __init__(self) -> None:
        # The named token `make up` saves never ends with logins (the admin
        # login session does, after auth:max-simultaneous-sessions newer ones).
        self.headers = {"Authorization": f"bearer {credential('automation_token')}"}

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, API_URL + path, headers=self.headers, timeout=60, **kwargs)

    def user(self, email: str, team: str | None) -> None:
        answer = self.call("POST", "/users", json={"email": email, "password": PASSWORD})
        assert answer.status_code in (201, 200), answer.text
        if team:
            created = self.call("POST", "/teams", json={"name": team})
            assert created.status_code in (201, 200, 409), created.text
            added = self.call("PUT", f"/teams/{team}/{email}")
            assert added.status_code < 300, added.text


def login(home: Path, email: str) -> Developer:
    developer = Developer(home, email)
    developer.ok("target-add", "sandbox", API_URL, "--set-current")
    developer.ok("login", email, stdin=PASSWORD + "\n")
    return developer


def through_router(app_host: str, path: str = "/", timeout: float = 10) -> requests.Response:
    return requests.get(ROUTER_URL + path, headers={"Host": app_host}, timeout=timeout)


def wait_for(app_host: str, expected: str, timeout: float = 30) -> str:
    """The router's answer for ``app_host`` once it contains ``expected``."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            answer = through_router(app_host)
            last = f"{answer.status_code} {answer.text[:200]}"
            if answer.status_code == 200 and expected in answer.text:
                return answer.text
        except requests.RequestException as exc:
            last = str(exc)
        time.sleep(0.5)
    raise AssertionError(f"{app_host} never answered with {expected!r}; last: {last}")


def resolve(name: str, kind: str = "A") -> list[str]:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = DNS_PORT
    try:
        return sorted(r.to_text() for r in resolver.resolve(name, kind, lifetime=5))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []


NODE_CONTAINERS = ("slipway-node1", "slipway-node2")


def docker_on(node: str, *argv: str, stdin: str | None = None, timeout: float = 900) -> str:
    """Run the docker CLI inside a sandbox node container, against that node's own engine.

    The sandbox's nodes are containers on this machine running Docker inside
    (`make up`), so `docker exec <node> docker ...` reaches exactly the engine
    the provisioner builds and starts units on; bench/deploy does the same.
    """
    interactive = ["-i"] if stdin is not None else []
    done = subprocess.run(
        ["docker", "exec", *interactive, node, "docker", *argv],
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"docker {' '.join(argv)} on {node}: {done.stderr[-800:]}"
    return done.stdout
