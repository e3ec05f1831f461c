"""tsuru's streaming responses: one JSON object per line."""

from __future__ import annotations

import json
from collections.abc import Iterable

from flask import Response

STREAM_TYPE = "application/x-json-stream"


def messages(lines: Iterable[str], status: int = 200) -> Response:
    body = "".join(json.dumps({"Message": line + "\n"}) + "\n" for line in lines)
    return Response(body, status=status, mimetype=STREAM_TYPE)
