"""Questions to the user: passwords, plain answers and yes/no confirmations.

On a terminal, passwords are read with ``getpass`` (no echo). When stdin is not
a terminal (a script, a pipe), each password is read as one line of stdin, so
``printf 'secret\\n' | slipway login me@example.com`` works. Confirmations
are never read from a pipe: without a terminal the user must pass ``-y``.
"""

from __future__ import annotations

import getpass
from typing import TextIO

from slipway.cli.errors import CliError


def is_interactive(stdin: TextIO) -> bool:
    """Whether ``stdin`` is a terminal a person types into."""
    try:
        return stdin.isatty()
    except (AttributeError, ValueError):
        return False


class Prompter:
    """Reads answers from a terminal, or from piped stdin for scripts."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin = stdin
        self.stdout = stdout

    @property
    def interactive(self) -> bool:
        """Whether a person is at the keyboard."""
        return is_interactive(self.stdin)

    def _read_line(self, what: str) -> str:
        line = self.stdin.readline()
        if not line:
            raise CliError(f"no {what} given: stdin ended")
        return line.rstrip("\r\n")

    def password(self, prompt: str, *, what: str = "password") -> str:
        """Read a password: hidden prompt on a terminal, else one line of stdin."""
        if self.interactive:
            try:
                value = getpass.getpass(prompt)
            except EOFError as exc:
                raise CliError(f"no {what} given") from exc
        else:
            value = self._read_line(what)
        if not value:
            raise CliError(f"no {what} given")
        return value

    def new_password(self, prompt: str = "Password: ", confirm: str = "Confirm: ") -> str:
        """Read a new password; on a terminal it is typed twice and must match."""
        value = self.password(prompt)
        if self.interactive and self.password(confirm) != value:
            raise CliError("passwords didn't match")
        return value

    def ask(self, prompt: str, *, what: str) -> str:
        """Ask for a visible answer on a terminal; refuse when there is none."""
        if not self.interactive:
            raise CliError(f"no {what} given and stdin is not a terminal to ask for it")
        self.stdout.write(prompt)
        self.stdout.flush()
        answer = self.stdin.readline().strip()
        if not answer:
            raise CliError(f"no {what} given")
        return answer

    def confirm(self, action: str, *, assume_yes: bool) -> None:
        """Ask ``Are you sure you want to <action>? (y/n)``; raise unless the answer is yes.

        ``assume_yes`` skips the question. Without a terminal to ask on, the
        action is refused rather than guessed.
        """
        if assume_yes:
            return
        if not self.interactive:
            raise CliError(
                f"refusing to {action} without confirmation:"
                " stdin is not a terminal, pass -y/--assume-yes"
            )
        self.stdout.write(f"Are you sure you want to {action}? (y/n) ")
        self.stdout.flush()
        answer = self.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            raise CliError(f"aborted: did not {action}")
