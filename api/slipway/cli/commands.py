"""How command modules declare their commands.

Each resource module has ``register(commands: Commands) -> None`` and calls
``commands.add(name, handler, summary, ...)`` for every command; the handler
takes the :class:`~slipway.cli.context.Context` and returns nothing (it
raises ``CliError`` to fail). Adding a resource group means writing one module
and listing it in ``slipway.cli.main.COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from slipway.cli.context import Context
from slipway.cli.errors import EXIT_USAGE

Handler = Callable[[Context], None]


_INVALID_CHOICE_RE = re.compile(r"invalid choice: '?([^'\s]+)'?")


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one ``Error:`` line and exit 2."""

    command_names: Sequence[str] = ()

    def error(self, message: str) -> NoReturn:
        """Report a usage error the way every other failure is reported."""
        match = _INVALID_CHOICE_RE.search(message) if self.command_names else None
        if match is not None:
            word = match.group(1)
            close = difflib.get_close_matches(word, self.command_names, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            message = f'unknown command "{word}"{hint}'
        sys.stderr.write(f"Error: {message} (see {self.prog} --help)\n")
        sys.exit(EXIT_USAGE)


class Commands:
    """The registry command modules add their subcommands to."""

    def __init__(self, subparsers: argparse._SubParsersAction) -> None:
        self._subparsers = subparsers
        self.names: list[str] = []

    def add(
        self,
        name: str,
        handler: Handler,
        summary: str,
        *,
        app: bool = False,
        confirm: bool = False,
        description: str | None = None,
    ) -> argparse.ArgumentParser:
        """Add a subcommand and return its parser for command-specific arguments.

        ``app=True`` adds ``-a/--app``; ``confirm=True`` adds ``-y/--assume-yes``
        for commands that destroy something. Every command also accepts
        ``--json`` after its name.
        """
        parser = self._subparsers.add_parser(name, help=summary, description=description or summary)
        parser.add_argument(
            "--json",
            action="store_true",
            default=argparse.SUPPRESS,
            help="print machine-readable JSON",
        )
        if app:
            parser.add_argument(
                "-a",
                "--app",
                help="the app (default: from the git remote 'slipway' or the directory name)",
            )
        if confirm:
            parser.add_argument(
                "-y",
                "--assume-yes",
                action="store_true",
                help="do not ask for confirmation",
            )
        parser.set_defaults(handler=handler)
        self.names.append(name)
        return parser
