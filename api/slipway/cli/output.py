"""What commands print: tsuru-style tables for people, JSON for scripts.

With ``--json`` every command prints exactly one JSON document on stdout:
the API's data for reading commands, and ``{"message": ..., ...}`` for
commands that change something (with the server's progress ``messages`` when
the API streamed any). Without it, commands print tables and sentences.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters count twice."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def render_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sort: bool = True
) -> str:
    """Render rows as a ``+----+`` bordered table, sorted by the first column.

    Cells are converted with ``str``; a cell holding newlines spans several
    lines of its row. Sorting is case-insensitive and stable.
    """
    cells = [[str(cell) for cell in row] for row in rows]
    for row in cells:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, table has {len(headers)} columns")
    if sort:
        cells.sort(key=lambda row: row[0].casefold() if row else "")
    widths = [display_width(header) for header in headers]
    for row in cells:
        for index, cell in enumerate(row):
            for line in cell.split("\n"):
                widths[index] = max(widths[index], display_width(line))
    border = "+" + "+".join("-" * (width + 2) for width in widths) + "+"

    def lines_of(row: Sequence[str]) -> list[str]:
        split = [cell.split("\n") for cell in row]
        height = max((len(parts) for parts in split), default=1)
        out = []
        for number in range(height):
            parts = [
                _pad(cell[number] if number < len(cell) else "", widths[index])
                for index, cell in enumerate(split)
            ]
            out.append("| " + " | ".join(parts) + " |")
        return out

    lines = [border, *lines_of(list(headers)), border]
    for row in cells:
        lines.extend(lines_of(row))
    if cells:
        lines.append(border)
    return "\n".join(lines) + "\n"


def limit_text(limit: Any) -> str:
    """A quota limit for people: a negative limit (or none) is ``unlimited``."""
    if limit is None or (isinstance(limit, int) and limit < 0):
        return "unlimited"
    return str(limit)


def to_json(data: Any) -> str:
    """The JSON document printed for ``data``."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Output:
    """Where a command's results go, in the format the user asked for."""

    def __init__(self, stdout: TextIO, stderr: TextIO, *, json_mode: bool = False) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.json_mode = json_mode
        self.messages: list[str] = []
        self._mid_line = False

    def write(self, text: str) -> None:
        """Write raw text for people; nothing in JSON mode."""
        if not self.json_mode and text:
            self.stdout.write(text)
            self.stdout.flush()
            self._mid_line = not text.endswith("\n")

    def line(self, text: str = "") -> None:
        """Write one line for people, on a line of its own; nothing in JSON mode."""
        self.write(("\n" if self._mid_line else "") + text + "\n")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Write a table for people; nothing in JSON mode."""
        self.write(render_table(headers, rows))

    def progress(self, message: str) -> None:
        """A progress message streamed by the API: shown at once as it is, or kept for JSON."""
        if self.json_mode:
            self.messages.append(message)
        else:
            self.write(message)

    def data(self, data: Any, render: Callable[[Any], None]) -> None:
        """Print ``data`` as JSON, or call ``render(data)`` to show it to people."""
        if self.json_mode:
            self.stdout.write(to_json(data))
            self.stdout.flush()
        else:
            render(data)

    def done(self, message: str, **fields: Any) -> None:
        """Report a finished change: ``message`` for people, an object for scripts."""
        if self.json_mode:
            document: dict[str, Any] = {"message": message, **fields}
            if self.messages:
                document["messages"] = list(self.messages)
            self.stdout.write(to_json(document))
            self.stdout.flush()
        else:
            self.line(message)

    def warn(self, message: str) -> None:
        """A non-fatal note on stderr."""
        self.stderr.write(f"Warning: {message}\n")
        self.stderr.flush()
