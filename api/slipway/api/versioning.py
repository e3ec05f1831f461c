"""Serve every route under the 1.x client's prefixes ``/1.0`` ... ``/1.6`` too."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

_PREFIX = re.compile(r"^/1\.[0-6](?=/|$)")
_SUFFIX = re.compile(r"/1\.[0-6]$")
SUPPORTED_TSURU = "0.14"


def prefixed(script_root: str) -> bool:
    """Whether the request came in under a version prefix (the SCRIPT_NAME this middleware set)."""
    return bool(_SUFFIX.search(script_root))


class VersionPrefix:
    """WSGI middleware stripping a version prefix before Flask routes the request."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        match = _PREFIX.match(path)
        if match:
            environ["PATH_INFO"] = path[match.end() :] or "/"
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + match.group(0)
        return self.app(environ, start_response)
