"""What the official tsuru clients send, and how they read the answers (facts, not their code).

Both clients were built with a current Go toolchain, so both send Go's default
``User-Agent``. The 1.x client (1.7.2) prefixes every path with ``/1.x`` and
adds ``X-Tsuru-Verbosity: 0``; the 2014 client (0.14.1) has no prefix and
sends JSON bodies without a Content-Type.
"""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

GO_AGENT = "Go-http-client/1.1"


def headers_1x(auth: dict[str, str]) -> dict[str, str]:
    """Headers of every 1.7.2 request; ``auth`` is ``{"Authorization": "bearer ..."}``."""
    return {**auth, "User-Agent": GO_AGENT, "X-Tsuru-Verbosity": "0"}


def headers_2014(auth: dict[str, str]) -> dict[str, str]:
    return {**auth, "User-Agent": GO_AGENT}


def raw(client: FlaskClient, method: str, url: str, body: bytes | str, headers: dict[str, str]):
    """A request whose body has no Content-Type header, as the 2014 client sends it."""
    return client.open(url, method=method, data=body, headers=headers)


class ClientFailed(Exception):
    """What the client prints after ``Error:`` and exits 1 with."""


def http_error(response: Any) -> None:
    """Both clients: a status above 399 prints the body as it is."""
    if response.status_code > 399:
        raise ClientFailed(response.get_data(as_text=True))


def stream_json(response: Any) -> str:
    """tsuru 1.x ``StreamJSONResponse``: the text it shows, or :class:`ClientFailed`.

    The body is cut at line feeds; every complete line must decode as a JSON
    object with string ``Message``/``Error`` (else "Unparseable chunk"); an
    ``Error`` ends the command; nothing may be left after the last line feed.
    """
    http_error(response)
    *lines, rest = response.get_data(as_text=True).split("\n")
    shown = []
    for line in lines:
        try:
            message = json.loads(line)
        except ValueError:
            raise ClientFailed(f"Unparseable chunk: {line!r}") from None
        if not isinstance(message, dict):
            raise ClientFailed(f"Unparseable chunk: {line!r}")
        text, error = go_field(message, "Message", ""), go_field(message, "Error", "")
        if not isinstance(text, str) or not isinstance(error, str):
            raise ClientFailed(f"Unparseable chunk: {line!r}")
        if error:
            raise ClientFailed(error)
        shown.append(text)
    if rest:
        raise ClientFailed(f"unparsed message error: {rest}")
    return "".join(shown)


def go_field(obj: dict[str, Any], name: str, default: Any = None) -> Any:
    """A struct field as Go's encoding/json fills it: exact key first, then any case."""
    if name in obj:
        return obj[name]
    for key, value in obj.items():
        if key.lower() == name.lower():
            return value
    return default


def single_charset(response: Any) -> bool:
    return response.headers.get("Content-Type", "").lower().count("charset") <= 1
