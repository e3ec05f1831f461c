"""A real beanstalkd on 127.0.0.1 for the worker and collector tests (Debian package
``beanstalkd``), and configs pointing at it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from slipway.config import Config, validate

from ..conftest import settings

BEANSTALKD = shutil.which("beanstalkd") or (
    "/usr/bin/beanstalkd" if Path("/usr/bin/beanstalkd").exists() else None
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@dataclass
class Beanstalkd:
    """One beanstalkd process; ``restart`` keeps the port."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        assert BEANSTALKD is not None
        self.process = subprocess.Popen(
            [BEANSTALKD, "-l", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def beanstalkd() -> Iterator[Beanstalkd]:
    if BEANSTALKD is None:
        pytest.skip("beanstalkd is not installed (Debian package beanstalkd)")
    server = Beanstalkd(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def daemon_settings(tmp_path: Path, queue: str, **extra: Any) -> dict[str, Any]:
    data = settings(tmp_path)
    data["queue-server"] = queue
    data["worker"] = {"tube": "slipway-test", "max-backoff": 1}
    data["collector"] = {"ticker-time": 1}
    data.update(extra)
    return data


@pytest.fixture
def daemon_config(tmp_path: Path, beanstalkd: Beanstalkd) -> Config:
    return validate(daemon_settings(tmp_path, beanstalkd.address))


@pytest.fixture
def config_file(tmp_path: Path, beanstalkd: Beanstalkd) -> Path:
    path = tmp_path / "slipway.conf"
    path.write_text(yaml.safe_dump(daemon_settings(tmp_path, beanstalkd.address)))
    return path
