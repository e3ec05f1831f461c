"""The API's progress streams, in their two forms.

Some long operations (env changes, app removal) answer
``application/x-json-stream``: one JSON object per line, ``{"Message",
"Error"}``. Each ``Message`` is shown as it arrives; a line with a non-empty
``Error`` ends the operation as failed. Lines that are not JSON objects are
shown as they are.

The deploy path (deploys, rollbacks, unit changes, restarts, platform builds)
answers ``text/plain``, line by line (docs/deploys.md, "Deploy stream"): the
operation succeeded only when the last line is ``OK``; a failure ends with
``ERROR: <message>``. :func:`iter_plain` is the one place that rule lives.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from slipway.cli.errors import CliError
from slipway.cli.output import Output

CONTENT_TYPE = "application/x-json-stream"
PLAIN_TYPE = "text/plain"
OK_LINE = "OK"
ERROR_PREFIX = "ERROR:"
NO_OUTCOME = "the operation did not finish: the API's answer ended without OK or ERROR"


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


def split_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Cut a byte stream into text lines at line feeds only, as the chunks arrive.

    Carriage returns inside a line (progress bars) stay in it; one ending a
    line is dropped. The last line is yielded even without a final line feed.
    """
    pending = b""
    for chunk in chunks:
        if not chunk:
            continue
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line.removesuffix(b"\r").decode("utf-8", "replace")
    if pending:
        yield pending.removesuffix(b"\r").decode("utf-8", "replace")


def _is_outcome(line: str) -> bool:
    return line.rstrip() == OK_LINE or line.startswith(ERROR_PREFIX)


def iter_plain(lines: Iterable[str]) -> Iterator[str]:
    """Yield the lines of a plain-text stream to show; raise unless it ends with ``OK``.

    Lines are yielded as they arrive, except the outcome lines ``OK`` and
    ``ERROR: ...`` (unindented): each is held back until a later line shows it
    was not the last. At the end, a last line of ``OK`` means success; a last
    ``ERROR: <message>`` raises :class:`StreamError` with the message; any
    other ending (a dropped connection, a server that does not follow the
    contract) raises :class:`StreamError` too. Blank lines are shown but never
    count as the last line.
    """
    held: str | None = None
    blanks = 0
    for line in lines:
        if not line.strip():
            if held is None:
                yield ""
            else:
                blanks += 1
            continue
        if held is not None:
            yield held
            yield from [""] * blanks
            held, blanks = None, 0
        if _is_outcome(line):
            held = line
        else:
            yield line
    if held is not None and held.rstrip() == OK_LINE:
        return
    if held is not None:
        message = " ".join(held.removeprefix(ERROR_PREFIX).split())
        raise StreamError(message or "the operation failed")
    raise StreamError(NO_OUTCOME)


def relay(messages: Iterable[str], out: Output) -> None:
    """Show each message of a stream as it arrives (kept for ``--json``).

    ``messages`` is what ``Client.stream`` yields; when it raises (an
    ``ERROR:`` ending, a stream without ``OK``), the lines shown so far stay.
    """
    for message in messages:
        out.progress(message)
