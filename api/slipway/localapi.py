"""Start a real ``slipway-api run`` process on 127.0.0.1 (SQLite) for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-secret"
API_SOURCE = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalApi:
    url: str
    admin_email: str
    admin_token: str
    config_path: Path
    log_path: Path


class LocalApiError(RuntimeError):
    """The API process did not start."""


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LocalApiError(f"slipway-api exited early:\n{log.read_text()}")
        try:
            if requests.get(f"{url}/healthcheck", timeout=1).text == "WORKING":
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise LocalApiError(f"slipway-api did not become healthy:\n{log.read_text()}")


@contextmanager
def local_api(
    directory: Path, settings: dict[str, Any], *, workers: int = 2, timeout: float = 30.0
) -> Iterator[LocalApi]:
    """Run the API with ``settings`` (listen/host are filled in) until the block ends."""
    port = free_port()
    conf = {**settings, "listen": f"127.0.0.1:{port}", "host": f"http://127.0.0.1:{port}"}
    conf["workers"] = workers
    config_path = directory / "slipway.conf"
    config_path.write_text(yaml.safe_dump(conf), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(API_SOURCE)}
    command = [sys.executable, "-m", "slipway.server", "--config", str(config_path)]
    created = subprocess.run(
        [*command, "create-admin", ADMIN_EMAIL],
        input=ADMIN_PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if created.returncode != 0:
        raise LocalApiError(created.stderr)
    log_path = directory / "api.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([*command, "run"], env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log_path, timeout)
            login = requests.post(
                f"{url}/users/{ADMIN_EMAIL}/tokens", json={"password": ADMIN_PASSWORD}, timeout=10
            )
            login.raise_for_status()
            yield LocalApi(url, ADMIN_EMAIL, login.json()["token"], config_path, log_path)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
