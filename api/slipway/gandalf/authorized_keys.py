"""The git user's ``authorized_keys``: one forced-command line per stored key.

Every change happens under an exclusive ``fcntl`` lock on a sidecar
``<file>.lock`` (so a rewrite that replaces the file cannot strand a waiter on
the old inode). Lines are appended; removal drops lines that match exactly and
atomically replaces the file. The file is always mode 0600.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator

OPTIONS = "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty"


def line(bin_path: str, username: str, key: str) -> str:
    """The forced-command line for ``username``'s public ``key`` (``type base64[ comment]``)."""
    return f'{OPTIONS},command="{bin_path} {username}" {key}'


def managed_prefix(bin_path: str) -> str:
    """What every line this server writes starts with."""
    return f'{OPTIONS},command="{bin_path} '


@contextlib.contextmanager
def _locked(path: str) -> Iterator[None]:
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700, exist_ok=True)
    fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _read(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            # only \n ends a line for sshd; other separators must not split a key
            return [line for line in handle.read().split("\n") if line]
    except FileNotFoundError:
        return []


def _write(path: str, lines: list[str]) -> None:
    directory = os.path.dirname(path) or "."
    fd, temporary = tempfile.mkstemp(prefix=".authorized_keys.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("".join(f"{entry}\n" for entry in lines))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def add(path: str, lines: Iterable[str]) -> None:
    """Append ``lines`` (those not already present) under the lock."""
    with _locked(path):
        present = set(_read(path))
        new = [entry for entry in dict.fromkeys(lines) if entry not in present]
        if not new:
            return
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size:
                with open(path, "rb") as handle:
                    handle.seek(-1, os.SEEK_END)
                    if handle.read(1) != b"\n":
                        os.write(fd, b"\n")
            os.write(fd, "".join(f"{entry}\n" for entry in new).encode("utf-8"))
        finally:
            os.close(fd)
        os.chmod(path, 0o600)


def remove(path: str, lines: Iterable[str]) -> None:
    """Remove every line that equals one of ``lines`` exactly."""
    doomed = set(lines)
    with _locked(path):
        current = _read(path)
        kept = [entry for entry in current if entry not in doomed]
        if len(kept) != len(current):
            _write(path, kept)


def replace_managed(path: str, is_managed: Callable[[str], bool], lines: Iterable[str]) -> None:
    """Replace every managed line with ``lines``, keeping the lines someone else wrote."""
    with _locked(path):
        current = _read(path)
        wanted = [entry for entry in current if not is_managed(entry)]
        wanted.extend(dict.fromkeys(lines))
        if wanted != current or not os.path.exists(path):
            _write(path, wanted)
        else:
            os.chmod(path, 0o600)


def read(path: str) -> list[str]:
    """The file's lines (for tests and diagnostics)."""
    return _read(path)
