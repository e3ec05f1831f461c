"""Slipway's python sample app: a stdlib HTTP server on $PORT.

It shows APP_MESSAGE (escaped with MarkupSafe, its one PyPI dependency), the
version in VERSION, what the build hook wrote (build-info.json, made with jq
from requirements.apt) and what the restart hooks left in /tmp.
"""

import json
import os
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from markupsafe import escape

HERE = Path(__file__).resolve().parent
STARTED = Path("/tmp/slipway-sample-started")
AFTER = Path("/tmp/slipway-sample-after")


def page() -> str:
    build = json.loads((HERE / "build-info.json").read_text())
    lines = [
        "hello from python (Slipway python sample)",
        f"message: {escape(os.environ.get('APP_MESSAGE', ''))}",
        f"version: {(HERE / 'VERSION').read_text().strip()}",
        f"build: {escape(build['version'])}",
        f"started: {STARTED.read_text().strip() if STARTED.exists() else 'no'}",
        f"after-restart: {'yes' if AFTER.exists() else 'no'}",
        f"process: {escape(os.environ.get('TSURU_PROCESSNAME', ''))}",
    ]
    return "<pre>\n" + "\n".join(lines) + "\n</pre>\n"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = page().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        # Which unit answered: the container's hostname (the e2e tests count them).
        self.send_header("X-Slipway-Unit", socket.gethostname())
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    port = int(os.environ["PORT"])
    print(f"listening on {port}")
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
