"""Which app a command acts on when ``-a/--app`` is not given.

Like tsuru: the git remote named ``slipway`` (then ``tsuru``) of the current
directory, when its URL looks like ``git@host:<app>.git``; else the name of
the current directory.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from slipway.cli.errors import CliError

REMOTE_NAMES = ("slipway", "tsuru")
_REMOTE_URL_RE = re.compile(r"^.*@.*:(.*)\.git$")

RemoteReader = Callable[[str, Path], str | None]


def app_from_remote_url(url: str) -> str | None:
    """The app name in a remote URL such as ``git@git.example.com:blog.git``."""
    match = _REMOTE_URL_RE.match(url.strip())
    if match is None or not match.group(1):
        return None
    return match.group(1)


def read_git_remote(name: str, cwd: Path) -> str | None:
    """``git config --get remote.<name>.url`` in ``cwd``; ``None`` on any failure."""
    try:
        result = subprocess.run(
            ["git", "config", "--get", f"remote.{name}.url"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def guess_app_name(
    explicit: str | None,
    cwd: Path | None = None,
    read_remote: RemoteReader = read_git_remote,
) -> str:
    """The app to act on: ``explicit``, else the git remote's app, else the directory name."""
    if explicit:
        return explicit
    directory = Path.cwd() if cwd is None else cwd
    for remote in REMOTE_NAMES:
        url = read_remote(remote, directory)
        name = app_from_remote_url(url) if url else None
        if name:
            return name
    name = directory.resolve().name
    if not name:
        raise CliError("cannot guess the app name here: pass -a/--app")
    return name
