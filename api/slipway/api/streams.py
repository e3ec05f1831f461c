"""Streaming responses: tsuru's JSON lines, and the plain-text progress of long operations."""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator

from flask import Response

from ..core.errors import DomainError

STREAM_TYPE = "application/x-json-stream"


def messages(lines: Iterable[str], status: int = 200) -> Response:
    body = "".join(json.dumps({"Message": line + "\n"}) + "\n" for line in lines)
    return Response(body, status=status, mimetype=STREAM_TYPE)


TEXT_TYPE = "text/plain; charset=utf-8"
log = logging.getLogger(__name__)
_DONE = object()


def progress(work: Callable[[Callable[[str], None]], object]) -> Response:
    """Run ``work(say)`` in a thread and stream each line it says, then ``OK`` or ``ERROR: ...``.

    The work goes on to its end even when the client goes away, so a change is
    never left half-done because a connection dropped.
    """
    lines: queue.Queue[object] = queue.Queue()

    def run() -> None:
        try:
            work(lines.put)
            lines.put("OK")
        except DomainError as exc:
            lines.put(f"ERROR: {' '.join(exc.message.split())}")
        except Exception:
            log.exception("a streamed operation failed")
            lines.put("ERROR: internal error (see the API's log)")
        finally:
            lines.put(_DONE)

    threading.Thread(target=run, name="slipway-stream", daemon=True).start()

    def body() -> Iterator[str]:
        while (line := lines.get()) is not _DONE:
            yield f"{line}\n"

    response = Response(body(), mimetype=TEXT_TYPE)
    response.headers["X-Accel-Buffering"] = "no"
    return response
