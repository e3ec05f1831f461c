"""Run slipway.paas modules with ansible-playbook against a live API (gunicorn, SQLite).

``play(...)`` writes a one-task playbook, runs it on localhost with the
collection from this checkout, and returns the task's registered result (the
task never stops the play: failures come back as ``failed``/``msg``) and the
play's output, for the diff. The API is checked through ``api`` (requests),
never through the modules themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from slipway.localapi import LocalApi, local_api

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / "collections"
BIN = Path(sys.executable).parent


def api_settings(directory: Path) -> dict[str, Any]:
    return {
        "database": {"url": f"sqlite:///{directory}/slipway.db"},
        "admin-team": "admin",
        "auth": {"user-registration": True, "hash-cost": 4},
        "hipache": {"domain": "apps.example.com"},
        "git": {"rw-host": "git.example.com"},
    }


@dataclass
class Api:
    """requests against the live API, as a given user."""

    url: str
    token: str

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"bearer {self.token}"}
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def get(self, path: str) -> Any:
        response = self.call("GET", path)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json() if response.status_code != 204 else []

    def ok(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = self.call(method, path, **kwargs)
        assert response.status_code < 300, (response.status_code, response.text)
        return response


@dataclass
class Live:
    url: str
    admin: Api
    dev: Api


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The API, a ``python`` platform, and dev@example.com in the team ``devs``."""
    directory = tmp_path_factory.mktemp("ansible-live-api")
    api: LocalApi
    with local_api(directory, api_settings(directory)) as api:
        admin = Api(api.url, api.admin_token)
        admin.ok("POST", "/platforms", json={"name": "python"})
        admin.ok("POST", "/users", json={"email": "dev@example.com", "password": "dev-secret"})
        login = requests.post(
            f"{api.url}/users/dev@example.com/tokens", json={"password": "dev-secret"}, timeout=30
        )
        login.raise_for_status()
        dev = Api(api.url, login.json()["token"])
        dev.ok("POST", "/teams", json={"name": "devs"})
        yield Live(api.url, admin, dev)


@dataclass
class Ran:
    result: dict[str, Any]
    output: str

    @property
    def changed(self) -> bool:
        return bool(self.result.get("changed"))

    @property
    def failed(self) -> bool:
        return bool(self.result.get("failed"))


class Player:
    """One-task playbooks for the modules, as a given user."""

    def __init__(self, live: Live, workdir: Path) -> None:
        self.live = live
        self.workdir = workdir
        self.count = 0
        self.config = workdir / "ansible.cfg"
        self.config.write_text("[defaults]\n")

    def __call__(
        self,
        module: str,
        args: dict[str, Any],
        *,
        token: str | None = "dev",
        check: bool = False,
        diff: bool = False,
        connection: bool = True,
    ) -> Ran:
        self.count += 1
        out = self.workdir / f"result-{self.count}.json"
        task: dict[str, Any] = {
            "name": f"Run slipway.paas.{module}",
            f"slipway.paas.{module}": args,
            "register": "result",
            "ignore_errors": True,
        }
        keep = {
            "name": "Keep the result",
            "ansible.builtin.copy": {"content": "{{ result | to_json }}", "dest": str(out)},
            "check_mode": False,
            "diff": False,
        }
        play: dict[str, Any] = {
            "name": "Module under test",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [task, keep],
        }
        if connection:
            defaults: dict[str, Any] = {"url": self.live.url}
            if token is not None:
                defaults["token"] = {"dev": self.live.dev.token, "admin": self.live.admin.token}[
                    token
                ]
            play["module_defaults"] = {"group/slipway.paas.all": defaults}
        playbook = self.workdir / f"play-{self.count}.yml"
        playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        command = [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SLIPWAY_")},
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
            "ANSIBLE_CONFIG": str(self.config),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        done = subprocess.run(
            command, env=env, cwd=self.workdir, capture_output=True, text=True, timeout=300
        )
        assert out.exists(), done.stdout + done.stderr
        return Ran(json.loads(out.read_text()), done.stdout + done.stderr)


@pytest.fixture
def play(live: Live, tmp_path: Path) -> Player:
    return Player(live, tmp_path)
