"""Which client is asking, and so how answers are written: the one place that rule lives.

Three kinds of client call the API:

- the tsuru 1.x client (2016-2019): every path under a ``/1.x`` prefix, and the
  header ``X-Tsuru-Verbosity`` on every request. It reads long operations as
  a stream of JSON objects, one per line (``{"Message": ...}``, ``{"Error":
  ...}``), and prints an error body as it is;
- the tsuru 0.x client (2014): no prefix, Go's default ``User-Agent``. It
  prints an error body and a progress answer as they are;
- everyone else (Slipway's CLI, ``slipway-cli/<version>``, and Ansible modules,
  ``slipway-ansible/<version>``, whatever the path; scripts and curl without a
  ``/1.x`` prefix): JSON errors ``{"error": ...}`` and plain-text progress
  ending ``OK`` or ``ERROR: ...`` (docs/deploys.md, "Deploy stream").

Deploys (``app-deploy``, the git hook) answer plain text to every client, as
tsuru does.
"""

from __future__ import annotations

from flask import has_request_context, request

from .versioning import prefixed

VERBOSITY_HEADER = "X-Tsuru-Verbosity"
# Slipway's own clients: the CLI (slipway-cli/<version>) and the Ansible modules
# (slipway-ansible/<version>) keep JSON errors and plain progress on any path.
SLIPWAY_AGENT = "slipway-"
# Go's net/http default agents ("Go-http-client/1.1"; before Go 1.6 "Go 1.1 package
# http"), and the agent later tsuru clients set ("tsuru-client/1.x").
_TSURU_AGENTS = ("go-http-client/", "go 1.1 package http", "tsuru-client/", "tsuru/")


def _agent() -> str:
    return request.headers.get("User-Agent", "").strip().lower()


def tsuru_1x() -> bool:
    """The request comes from a tsuru 1.x client (version prefix or verbosity header)."""
    if not has_request_context() or _agent().startswith(SLIPWAY_AGENT):
        return False
    return prefixed(request.script_root) or VERBOSITY_HEADER in request.headers


def tsuru_client() -> bool:
    """The request comes from a tsuru client of either era."""
    if not has_request_context() or _agent().startswith(SLIPWAY_AGENT):
        return False
    return tsuru_1x() or _agent().startswith(_TSURU_AGENTS)


def tsuru_2014() -> bool:
    """The request comes from the 2014 (0.x) tsuru client: a tsuru client without a prefix."""
    return tsuru_client() and not tsuru_1x()


def json_stream() -> bool:
    """Progress of a long operation (not a deploy) goes out as tsuru's JSON lines."""
    return tsuru_1x()


def plain_errors() -> bool:
    """Errors go out as the bare message in text, which tsuru clients print as it is."""
    return tsuru_client()
