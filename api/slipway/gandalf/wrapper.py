"""``slipway-gandalf-ssh <username>``: the command sshd forces for every git key.

sshd runs it with the client's command in ``SSH_ORIGINAL_COMMAND``. Only
``git-receive-pack`` (needs write access) and ``git-upload-pack`` (needs read
access) on a known repository are let through, and then git runs on the bare
repository with ``TSURU_USER`` set so hooks know who pushed. Every refusal is
a message on stderr and a non-zero exit status.
"""

from __future__ import annotations

import os
import re
import sys

from .config import ConfigError, load
from .service import Gandalf

COMMAND = re.compile(r"(git-[a-z-]+) '/?([\w+@-][\w+.@-]*/)?([\w-]+)\.git'")
WEIRD = (
    "You've tried to execute some weird command, I'm deliberately denying you to do that, "
    "get over it."
)
NO_USER = "Error obtaining user. Gandalf database is probably in an inconsistent state."
NO_REPOSITORY = "Repository not found"
DENIED = "Permission denied."
NO_WRITE = "You don't have access to write in this repository."
NO_READ = "You don't have access to read this repository."
MALFORMED = "Malformed git command"
ACCESS = {"git-receive-pack": "write", "git-upload-pack": "read"}

EXIT_DENIED = 1
EXIT_USAGE = 2
EXIT_ERROR = 3


class Denied(Exception):
    def __init__(self, *lines: str, status: int = EXIT_DENIED) -> None:
        super().__init__(lines[0])
        self.lines = lines
        self.status = status


def authorize(gandalf: Gandalf, username: str, command: str) -> tuple[list[str], str]:
    """Check ``command`` for ``username``; return the git argv and the repository path."""
    match = COMMAND.search(command)
    if not match:
        raise Denied(WEIRD)
    action, namespace, base = match.group(1), match.group(2) or "", match.group(3)
    needed = ACCESS.get(action)
    if needed is None:
        raise Denied(WEIRD)
    if gandalf.get_user(username) is None:
        raise Denied(NO_USER)
    name = f"{namespace}{base}"
    repository = gandalf.get_repository(name)
    if repository is None:
        raise Denied(NO_REPOSITORY)
    writers = repository.get("users") or []
    readers = repository.get("readonlyusers") or []
    if needed == "write" and username not in writers:
        raise Denied(DENIED, NO_WRITE)
    if needed == "read" and not (
        repository.get("ispublic") or username in writers or username in readers
    ):
        raise Denied(DENIED, NO_READ)
    tokens = command.split()
    if len(tokens) != 2 or tokens[0] != action:
        raise Denied(MALFORMED)
    path = gandalf.repository_path(name)
    return ["git", action.removeprefix("git-"), path], path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0]:
        print("usage: slipway-gandalf-ssh <username>", file=sys.stderr)
        return EXIT_USAGE
    username = args[0]
    try:
        config = load()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"slipway-gandalf-ssh: config error: {problem}", file=sys.stderr)
        return EXIT_ERROR
    command = os.environ.get("SSH_ORIGINAL_COMMAND", "")
    try:
        gandalf = Gandalf(config)
        argv_git, _ = authorize(gandalf, username, command)
    except Denied as denied:
        for text in denied.lines:
            print(text, file=sys.stderr)
        return denied.status
    except Exception as exc:  # the database is unreachable or broken
        print(f"slipway-gandalf-ssh: {exc}", file=sys.stderr)
        return EXIT_ERROR
    env = {**os.environ, "TSURU_USER": username}
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(argv_git[0], argv_git, env)
    except OSError as exc:
        print(f"slipway-gandalf-ssh: cannot run git: {exc}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
