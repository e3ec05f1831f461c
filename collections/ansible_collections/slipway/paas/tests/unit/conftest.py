"""Unit-test fixtures: a stub Slipway API on 127.0.0.1 and a module runner.

``stub_api`` answers from a table of canned replies keyed by (method, path)
and records every request (query, JSON or multipart body, headers), so the
modules' real HTTP client is exercised. ``run_module(main, args)`` runs a
module's ``main`` with ``patch_module_args`` and returns its JSON result.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

COLLECTIONS = Path(__file__).resolve().parents[5]
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

from ansible.module_utils.testing import patch_module_args  # noqa: E402


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    content_type: str = "application/json"


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else None


Answer = Reply | Callable[[Seen], Reply] | list[Reply]


@dataclass
class StubApi:
    url: str = ""
    routes: dict[tuple[str, str], Answer] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def on(self, method: str, path: str, *replies: Reply | Callable[[Seen], Reply]) -> None:
        """Answer with ``replies`` in turn (the last one repeats)."""
        self.routes[(method, path)] = list(replies) if len(replies) > 1 else replies[0]

    def json(self, method: str, path: str, body: Any, status: int = 200) -> None:
        self.on(method, path, Reply(status, body))

    def text(self, method: str, path: str, lines: list[str], status: int = 200) -> None:
        self.on(method, path, Reply(status, "\n".join(lines) + "\n", "text/plain"))

    def calls(self, method: str | None = None) -> list[tuple[str, str]]:
        return [(s.method, s.path) for s in self.seen if method is None or s.method == method]

    def changes(self) -> list[tuple[str, str]]:
        return [(s.method, s.path) for s in self.seen if s.method != "GET"]

    def answer(self, seen: Seen) -> Reply:
        route = self.routes.get((seen.method, seen.path))
        if route is None:
            return Reply(404, {"error": f"no stub for {seen.method} {seen.path}"})
        if isinstance(route, list):
            return route.pop(0) if len(route) > 1 else route[0]
        return route(seen) if callable(route) else route


def _handler(api: StubApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            seen = Seen(
                self.command,
                parts.path,
                parse_qs(parts.query, keep_blank_values=True),
                dict(self.headers.items()),
                raw,
            )
            api.seen.append(seen)
            reply = api.answer(seen)
            if reply.body is None:
                payload = b""
            elif isinstance(reply.body, str):
                payload = reply.body.encode()
            else:
                payload = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

    return Handler


@pytest.fixture
def stub_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubApi]:
    api = StubApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.delenv("SLIPWAY_TARGET", raising=False)
    monkeypatch.delenv("SLIPWAY_TOKEN", raising=False)
    yield api
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@dataclass
class Result:
    data: dict[str, Any]

    @property
    def changed(self) -> bool:
        return bool(self.data.get("changed"))

    @property
    def failed(self) -> bool:
        return bool(self.data.get("failed"))

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


@pytest.fixture
def run_module(stub_api: StubApi, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``run_module(main, {"name": "x"}, check=True, diff=True)``: the module's JSON result."""

    def run(
        main: Callable[[], None],
        args: dict[str, Any],
        *,
        check: bool = False,
        diff: bool = False,
        connection: bool = True,
    ) -> Result:
        full = dict(args)
        if connection:
            full.setdefault("url", stub_api.url)
            full.setdefault("token", "tok-123")
        if check:
            full["_ansible_check_mode"] = True
        if diff:
            full["_ansible_diff"] = True
        capsys.readouterr()
        with patch_module_args(full), pytest.raises(SystemExit):
            main()
        return Result(json.loads(capsys.readouterr().out))

    return run
