"""Fixtures for the CLI tests: a private $HOME, a scripted fake API, an in-process runner.

The fake API is a real HTTP server on 127.0.0.1 that answers from a table of
canned replies and records every request, so the tests exercise the real
``requests`` client, headers, bodies and streams. ``stream_api`` is the same
idea on werkzeug, for the deploy path: it decodes forms and multipart uploads
and streams ``text/plain`` answers line by line, as the API does.
``test_cli_live.py`` runs against the real API instead (the ``live_api``
fixture of tests/unit/conftest.py).
"""

from __future__ import annotations

import io
import json
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from slipway.cli.main import main


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    stream: list[Any] | None = None
    raw: str | None = None
    content_type: str = "application/json"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeApi:
    """Canned replies by (method, path); every request is recorded in order."""

    url: str = ""
    routes: dict[tuple[str, str], Reply] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def reply(
        self,
        method: str,
        path: str,
        status: int = 200,
        body: Any = None,
        *,
        stream: list[Any] | None = None,
        raw: str | None = None,
        content_type: str = "application/json",
    ) -> None:
        self.routes[(method, path)] = Reply(status, body, stream, raw, content_type)

    def last(self) -> Recorded:
        return self.requests[-1]

    def find(self, method: str, path: str) -> Recorded:
        for request in self.requests:
            if (request.method, request.path) == (method, path):
                return request
        raise AssertionError(f"no {method} {path} among {self.requests}")


def _handler_for(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            api.requests.append(
                Recorded(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    dict(self.headers.items()),
                    body,
                )
            )
            reply = api.routes.get((self.command, parts.path))
            if reply is None:
                reply = Reply(404, {"error": f"no fake route for {self.command} {parts.path}"})
            if reply.stream is not None:
                payload = "".join(json.dumps(item) + "\n" for item in reply.stream).encode()
                content_type = "application/x-json-stream"
            elif reply.raw is not None:
                payload, content_type = reply.raw.encode(), reply.content_type
            elif reply.body is None:
                payload, content_type = b"", reply.content_type
            else:
                payload, content_type = json.dumps(reply.body).encode(), reply.content_type
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

    return Handler


@pytest.fixture
def fake_api():
    api = FakeApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(api))
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield api
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A private $HOME, no SLIPWAY_* overrides, and a working directory named ``workdir``."""
    home = tmp_path / "home"
    home.mkdir()
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SLIPWAY_TARGET", raising=False)
    monkeypatch.delenv("SLIPWAY_TOKEN", raising=False)
    monkeypatch.delenv("SLIPWAY_DEBUG", raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.chdir(workdir)
    return home


class FakeStdin(io.StringIO):
    def __init__(self, text: str, tty: bool) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(home, monkeypatch, capsys):
    """Run ``slipway`` in-process: ``cli("app-list", stdin="...", tty=False)``."""

    def run(*argv: str, stdin: str = "", tty: bool = False) -> CliResult:
        monkeypatch.setattr(sys, "stdin", FakeStdin(stdin, tty))
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def logged_in(home, fake_api) -> Path:
    """The fake API is the current target and a token is stored; returns ~/.slipway."""
    directory = home / ".slipway"
    directory.mkdir(mode=0o700)
    (directory / "targets").write_text(f"fake\t{fake_api.url}\n")
    (directory / "target").write_text(f"{fake_api.url}\n")
    (directory / "token").write_text("tok-123\n")
    return directory


@dataclass
class Seen:
    """A request the werkzeug API received, decoded."""

    method: str
    path: str
    args: dict[str, list[str]]
    form: dict[str, list[str]]
    files: dict[str, bytes]
    headers: dict[str, str]


Handler = Callable[[Request], Response]


@dataclass
class StreamApi:
    """Handlers by (method, path) on a werkzeug server; every request is recorded."""

    url: str = ""
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def on(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def plain(self, method: str, path: str, lines: Iterable[str]) -> None:
        """Answer with a text/plain stream, one chunk per line."""
        kept = list(lines)
        self.on(method, path, lambda _request: plain_stream(kept))

    def json(self, method: str, path: str, status: int, body: Any) -> None:
        payload = json.dumps(body)
        self.on(
            method,
            path,
            lambda _request: Response(payload, status=status, mimetype="application/json"),
        )

    def last(self) -> Seen:
        return self.seen[-1]

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        self.seen.append(
            Seen(
                request.method,
                request.path,
                request.args.to_dict(flat=False),
                request.form.to_dict(flat=False),
                {name: upload.read() for name, upload in request.files.items()},
                dict(request.headers.items()),
            )
        )
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            message = {"error": f"no route for {request.method} {request.path}"}
            response = Response(json.dumps(message), status=404, mimetype="application/json")
        else:
            response = handler(request)
        return response(environ, start_response)


def plain_stream(lines: Iterable[str]) -> Response:
    """A streamed text/plain answer: each item is sent (and flushed) as one line."""

    def generate() -> Iterator[bytes]:
        for line in lines:
            yield (line + "\n").encode()

    return Response(generate(), mimetype="text/plain", direct_passthrough=True)


@pytest.fixture
def stream_api(home) -> Iterator[StreamApi]:
    """A werkzeug API on 127.0.0.1, set as the current target with a stored token."""
    api = StreamApi()
    server = make_server("127.0.0.1", 0, api.wsgi, threaded=True)
    api.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.daemon = True
    thread.start()
    directory = home / ".slipway"
    directory.mkdir(mode=0o700)
    (directory / "targets").write_text(f"werkzeug\t{api.url}\n")
    (directory / "target").write_text(f"{api.url}\n")
    (directory / "token").write_text("tok-456\n")
    yield api
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
