"""Fixtures for the git server: a config in tmp, the API's test client, keys, the wrapper."""

from __future__ import annotations

import base64
import os
import secrets
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient

from slipway.gandalf.api import create_app
from slipway.gandalf.config import GandalfConfig, validate
from slipway.gandalf.service import Gandalf

TOKEN = "test-token-" + "x" * 24


def fake_key(comment: str = "") -> str:
    """A syntactically valid ed25519 public key line (random, never used to log in)."""
    blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + secrets.token_bytes(32)
    line = f"ssh-ed25519 {base64.b64encode(blob).decode()}"
    return f"{line} {comment}" if comment else line


@dataclass
class Env:
    root: Path
    config_path: Path
    settings: dict[str, Any]

    @property
    def config(self) -> GandalfConfig:
        return validate(self.settings, str(self.config_path))

    @property
    def location(self) -> Path:
        return Path(self.settings["git"]["bare"]["location"])

    @property
    def template(self) -> Path:
        return Path(self.settings["git"]["bare"]["template"])

    @property
    def authorized_keys(self) -> Path:
        return Path(self.settings["authorized-keys-path"])

    @property
    def bin_path(self) -> str:
        return self.settings["bin-path"]

    def write(self) -> None:
        self.config_path.write_text(yaml.safe_dump(self.settings), encoding="utf-8")

    def gandalf(self) -> Gandalf:
        return Gandalf(self.config)

    def wrapper(
        self, user: str | None, command: str | None, stdin: bytes = b""
    ) -> subprocess.CompletedProcess:
        """Run the SSH wrapper as sshd would, as a real process."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SLIPWAY_GANDALF_CONFIG": str(self.config_path),
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        if command is not None:
            env["SSH_ORIGINAL_COMMAND"] = command
        args = [sys.executable, "-m", "slipway.gandalf.wrapper"]
        if user is not None:
            args.append(user)
        return subprocess.run(
            args, input=stdin, capture_output=True, env=env, timeout=30, check=False
        )


def make_env(root: Path, **overrides: Any) -> Env:
    location = root / "repositories"
    template = root / "template"
    (template / "hooks").mkdir(parents=True, exist_ok=True)
    config_path = root / "gandalf.conf"
    bin_path = root / "bin" / "gandalf-ssh"
    bin_path.parent.mkdir(parents=True, exist_ok=True)
    # sshd starts forced commands with an empty environment: the script names the config.
    bin_path.write_text(
        "#!/bin/sh\n"
        f"SLIPWAY_GANDALF_CONFIG='{config_path}' exec '{sys.executable}' "
        '-m slipway.gandalf.wrapper "$@"\n',
        encoding="utf-8",
    )
    bin_path.chmod(0o755)
    settings: dict[str, Any] = {
        "bin-path": str(bin_path),
        "database": {"url": f"sqlite:///{root}/gandalf.db"},
        "git": {"bare": {"location": str(location), "template": str(template)}},
        "host": "git.example.com",
        "uid": "git",
        "authorized-keys-path": str(root / "ssh" / "authorized_keys"),
        "token": TOKEN,
    }
    settings.update(overrides)
    env = Env(root, config_path, settings)
    env.write()
    return env


@pytest.fixture
def genv(tmp_path: Path) -> Env:
    return make_env(tmp_path)


class Client:
    """The API's test client with the token on every request."""

    def __init__(self, client: FlaskClient, token: str = TOKEN) -> None:
        self.raw = client
        self.headers = {"Authorization": f"bearer {token}"}

    def __getattr__(self, method: str) -> Callable[..., Any]:
        call = getattr(self.raw, method)

        def request(*args: Any, headers: dict[str, str] | None = None, **kw: Any) -> Any:
            return call(*args, headers={**self.headers, **(headers or {})}, **kw)

        return request


@pytest.fixture
def client(genv: Env) -> Client:
    app = create_app(genv.config)
    app.testing = True
    return Client(app.test_client())


def git(*args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None) -> str:
    base = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Ana",
        "GIT_AUTHOR_EMAIL": "ana@example.com",
        "GIT_COMMITTER_NAME": "Ana",
        "GIT_COMMITTER_EMAIL": "ana@example.com",
    }
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def commit_into(bare: Path, work: Path, files: dict[str, str], message: str = "first") -> str:
    """Commit ``files`` in a fresh work tree and push it straight into ``bare`` (no SSH)."""
    if not (work / ".git").exists():
        git("init", "-q", "-b", "master", str(work))
    for name, content in files.items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", message, cwd=work)
    git("push", "-q", str(bare), "master", cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()
