"""The API's progress streams: one JSON object per line, ``{"Message", "Error"}``.

Long operations (env changes, app removal, deploys, unit changes) answer
``application/x-json-stream``. Each line carries a ``Message`` to show as it
arrives; a line with a non-empty ``Error`` ends the operation as failed. Lines
that are not JSON objects are shown as they are, so a plain-text answer still
reaches the user.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from slipway.cli.errors import CliError

CONTENT_TYPE = "application/x-json-stream"


class StreamError(CliError):
    """The API reported a failure inside a progress stream."""


@dataclass(frozen=True)
class StreamEvent:
    """One line of a progress stream."""

    message: str = ""
    error: str = ""


def parse_line(line: str | bytes) -> StreamEvent | None:
    """Decode one stream line; ``None`` for blank lines and JSON that carries nothing."""
    text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
    text = text.strip("\r\n")
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return StreamEvent(message=text)
    if isinstance(value, str):
        return StreamEvent(message=value) if value else None
    if not isinstance(value, dict):
        return None
    message = value.get("Message", value.get("message")) or ""
    error = value.get("Error", value.get("error")) or ""
    if not message and not error:
        return None
    return StreamEvent(message=str(message), error=str(error))


def iter_stream(lines: Iterable[str | bytes]) -> Iterator[str]:
    """Yield each message of a stream; raise :class:`StreamError` at the first error.

    Messages that arrive on the error line itself are yielded before raising.
    """
    for line in lines:
        event = parse_line(line)
        if event is None:
            continue
        if event.message:
            yield event.message
        if event.error:
            raise StreamError(event.error.strip())
