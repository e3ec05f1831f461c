"""The client's files under ``~/.slipway/``: targets, the current target, the token.

- ``targets``: one ``label<TAB>url`` line per known API endpoint;
- ``target``: the URL of the current target;
- ``token``: the session token from ``slipway login``.

The directory is created with mode 0700 and every file is written with mode
0600, atomically. ``SLIPWAY_TARGET`` (a URL or a known label) and
``SLIPWAY_TOKEN`` override the files. The home directory comes from ``$HOME``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from slipway.cli.errors import CliError

DIR_NAME = ".slipway"
TARGET_ENV = "SLIPWAY_TARGET"
TOKEN_ENV = "SLIPWAY_TOKEN"
DIR_MODE = 0o700
FILE_MODE = 0o600

_LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")


def normalize_url(url: str) -> str:
    """Return ``url`` with a scheme (``http://`` when none is given) and no trailing slash."""
    url = url.strip()
    if not url:
        raise CliError("the target URL is empty")
    if "://" not in url:
        url = f"http://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CliError(f'invalid target URL "{url}": use http(s)://host[:port]')
    return url.rstrip("/")


def validate_label(label: str) -> str:
    """Return ``label`` if it can be stored in the targets file, else raise."""
    if not _LABEL_RE.match(label):
        raise CliError(
            f'invalid target label "{label}": use letters, digits and "_.@+-", no spaces'
        )
    return label


def parse_targets(text: str) -> dict[str, str]:
    """Parse the targets file: ``label<TAB>url`` lines; blank and malformed lines are skipped."""
    targets: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split("\t", 1) if "\t" in line else line.split(None, 1)
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            continue
        targets[fields[0].strip()] = fields[1].strip()
    return targets


def format_targets(targets: Mapping[str, str]) -> str:
    """The targets file's text for ``targets``, one ``label<TAB>url`` line each."""
    return "".join(f"{label}\t{url}\n" for label, url in targets.items())


class Config:
    """Reads and writes the client's files; every write keeps them private."""

    def __init__(self, home: Path | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        if home is None:
            home_env = self.environ.get("HOME")
            home = Path(home_env) if home_env else Path.home()
        self.home = home
        self.dir = home / DIR_NAME

    # -- files -------------------------------------------------------------

    def _path(self, name: str) -> Path:
        return self.dir / name

    def _read(self, name: str) -> str | None:
        try:
            return self._path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CliError(f"cannot read {self._path(name)}: {exc.strerror}") from exc

    def _write(self, name: str, text: str) -> None:
        try:
            self.dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            os.chmod(self.dir, DIR_MODE)
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=self.dir)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.chmod(tmp, FILE_MODE)
                os.replace(tmp, self._path(name))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise CliError(f"cannot write {self._path(name)}: {exc.strerror}") from exc

    def _remove(self, name: str) -> bool:
        try:
            self._path(name).unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise CliError(f"cannot remove {self._path(name)}: {exc.strerror}") from exc
        return True

    # -- targets -----------------------------------------------------------

    def targets(self) -> dict[str, str]:
        """Known targets, label to URL, in file order."""
        return parse_targets(self._read("targets") or "")

    def save_targets(self, targets: Mapping[str, str]) -> None:
        """Replace the targets file."""
        self._write("targets", format_targets(targets))

    def saved_target(self) -> str | None:
        """The URL in the ``target`` file, ignoring the environment."""
        text = (self._read("target") or "").strip()
        return text or None

    def current_target(self) -> str | None:
        """The target URL to talk to: ``$SLIPWAY_TARGET`` (URL or label), else the file."""
        override = self.environ.get(TARGET_ENV, "").strip()
        if override:
            return normalize_url(self.targets().get(override, override))
        return self.saved_target()

    def set_current_target(self, url: str) -> bool:
        """Make ``url`` the current target; switching targets drops the saved token.

        A token belongs to the server that issued it, so it is never sent to a
        different target. Returns whether a token was dropped.
        """
        previous = self.saved_target()
        self._write("target", f"{url}\n")
        if previous is not None and previous != url:
            return self.remove_token()
        return False

    def clear_current_target(self) -> None:
        """Forget the current target and the token that went with it."""
        self._remove("target")
        self.remove_token()

    def label_for(self, url: str) -> str | None:
        """The label of the first known target whose URL is ``url``."""
        for label, known in self.targets().items():
            if known == url:
                return label
        return None

    # -- token -------------------------------------------------------------

    def token(self) -> str | None:
        """The session token: ``$SLIPWAY_TOKEN``, else the ``token`` file."""
        override = self.environ.get(TOKEN_ENV, "").strip()
        if override:
            return override
        text = (self._read("token") or "").strip()
        return text or None

    def save_token(self, token: str) -> None:
        """Store the session token."""
        self._write("token", f"{token}\n")

    def remove_token(self) -> bool:
        """Delete the stored token; returns whether there was one."""
        return self._remove("token")
