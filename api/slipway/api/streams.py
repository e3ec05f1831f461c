"""Progress streams of long operations, in the dialect the client reads (``dialect.py``).

A tsuru 1.x client gets ``application/x-json-stream``: one JSON object per
line, ``{"Message": "...\\n"}``, and ``{"Error": "..."}`` when the operation
fails. Every other client gets ``text/plain``, one line per message, ending
with ``OK`` or ``ERROR: <message>`` (docs/deploys.md, "Deploy stream").
Deploys answer plain text to every client, as tsuru's do.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator

from flask import Response

from ..core.errors import DomainError
from . import dialect

STREAM_TYPE = "application/x-json-stream"
TEXT_TYPE = "text/plain; charset=utf-8"
log = logging.getLogger(__name__)
_DONE = object()


class _Failed(str):
    """The error that ended an operation (a message that merely starts with ERROR is not one)."""


def _json_line(line: str) -> str:
    if isinstance(line, _Failed):
        return json.dumps({"Error": str(line)}) + "\n"
    return json.dumps({"Message": line + "\n"}) + "\n"


def _text_line(line: str) -> str:
    return f"ERROR: {line}\n" if isinstance(line, _Failed) else f"{line}\n"


def _response(body: Iterable[str], as_json: bool) -> Response:
    # content_type, not mimetype: Flask would add a second charset to TEXT_TYPE.
    response = Response(body, content_type=STREAM_TYPE if as_json else TEXT_TYPE)
    response.headers["X-Accel-Buffering"] = "no"
    return response


def messages(lines: Iterable[str]) -> Response:
    """A finished operation's lines, as a stream in the client's dialect, ending in success."""
    if dialect.json_stream():
        return _response([_json_line(line) for line in lines], True)
    return _response([f"{line}\n" for line in [*lines, "OK"]], False)


def progress(work: Callable[[Callable[[str], None]], object], *, deploy: bool = False) -> Response:
    """Run ``work(say)`` in a thread and stream each line it says, then ``OK`` or ``ERROR: ...``.

    The lines go out in the client's dialect; a ``deploy`` answers plain text to all.

    The work goes on to its end even when the client goes away, so a change is
    never left half-done because a connection dropped.
    """
    lines: queue.Queue[object] = queue.Queue()

    as_json = not deploy and dialect.json_stream()

    def run() -> None:
        try:
            work(lines.put)
            if not as_json:
                lines.put("OK")
        except DomainError as exc:
            lines.put(_Failed(" ".join(exc.message.split())))
        except Exception:
            log.exception("a streamed operation failed")
            lines.put(_Failed("internal error (see the API's log)"))
        finally:
            lines.put(_DONE)

    threading.Thread(target=run, name="slipway-stream", daemon=True).start()

    encode = _json_line if as_json else _text_line

    def body() -> Iterator[str]:
        while (line := lines.get()) is not _DONE:
            yield encode(line)  # type: ignore[arg-type]

    return _response(body(), as_json)
