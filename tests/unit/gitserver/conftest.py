"""A real git server (slipway.gandalf's REST API over HTTP on 127.0.0.1) and a control plane
configured to drive it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from slipway.config import Config, validate
from slipway.gandalf.api import create_app as create_gandalf_app
from slipway.gandalf.config import validate as validate_gandalf
from slipway.gandalf.service import Gandalf

from ..conftest import settings

TOKEN = "gitserver-test-token-" + "y" * 16


class GitServer:
    """slipway.gandalf served by werkzeug in a thread; ``stop``/``start`` keep the port."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "template" / "hooks").mkdir(parents=True)
        self.config = validate_gandalf(
            {
                "bin-path": "/usr/local/bin/slipway-gandalf-ssh",
                "database": {"url": f"sqlite:///{root}/gandalf.db"},
                "git": {
                    "bare": {
                        "location": str(root / "repositories"),
                        "template": str(root / "template"),
                    }
                },
                "host": "git.example.com",
                "authorized-keys-path": str(root / "authorized_keys"),
                "token": TOKEN,
            }
        )
        self.app = create_gandalf_app(self.config)
        self.port = free_port()
        # "METHOD /path": seconds to hold the answer back after the request was carried out.
        self.delays: dict[str, float] = {}
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state(self) -> Gandalf:
        return self.app.extensions["gandalf"]

    def start(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self._slow, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            assert self._thread is not None
            self._thread.join(10)
            self._server = None

    def _slow(self, environ: dict[str, Any], start_response: Any) -> Any:
        body = list(self.app(environ, start_response))
        time.sleep(self.delays.get(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}", 0))
        return body

    # what the git server holds ---------------------------------------------------------

    def users(self) -> list[str]:
        return sorted(doc["_id"] for doc in self.state.store.find("users"))

    def keys(self, user: str) -> dict[str, str]:
        return self.state.list_keys(user) if self.state.get_user(user) else {}

    def repository(self, name: str) -> dict[str, Any] | None:
        return self.state.get_repository(name)

    def repositories(self) -> list[str]:
        return sorted(doc["_id"] for doc in self.state.store.find("repositories"))

    def authorized_keys(self) -> str:
        path = self.root / "authorized_keys"
        return path.read_text(encoding="utf-8") if path.exists() else ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def git_server(tmp_path: Path) -> Iterator[GitServer]:
    server = GitServer(tmp_path / "gandalf")
    server.start()
    yield server
    server.stop()


def driving(tmp_path: Path, url: str, token: str = TOKEN) -> dict[str, Any]:
    """Control-plane settings that drive the git server at ``url``."""
    git = {"rw-host": "git.example.com", "api-server": url, "api-token": token}
    return settings(tmp_path, git=git)


@pytest.fixture
def config(tmp_path: Path, git_server: GitServer) -> Config:
    """The control plane (the ``app``/``client``/``api`` fixtures) drives ``git_server``."""
    return validate(driving(tmp_path, git_server.url))
