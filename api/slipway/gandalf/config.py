"""The git server's configuration: one YAML file with Gandalf's key names.

Read by both the REST server and the SSH wrapper; every problem is reported
on its own line. The API token is a shared secret with the control plane and
has no default: set ``token`` or ``token-file``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .. import settings
from ..settings import ConfigError, Key, Settings, absolute_path, database_url, log_level

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_PATH",
    "SCHEMA",
    "ConfigError",
    "GandalfConfig",
    "load",
    "validate",
]

DEFAULT_PATH = "/etc/slipway/gandalf.conf"
CONFIG_ENV = "SLIPWAY_GANDALF_CONFIG"
MIN_TOKEN_LENGTH = 16

_HOST = re.compile(r"[A-Za-z0-9.\-\[\]:]+")
_UID = re.compile(r"[a-z_][a-z0-9_-]{0,31}")


def _bin_path(value: str) -> str | None:
    if any(c.isspace() or c in "\"'\\" for c in value):
        return 'must be an absolute path without spaces or quotes (it goes into command="...")'
    return absolute_path(value)


def _optional_absolute(value: str) -> str | None:
    return None if not value else absolute_path(value)


def _host(value: str) -> str | None:
    return None if not value or _HOST.fullmatch(value) else "must be a host name or address"


def _port(value: int) -> str | None:
    return None if 0 < value < 65536 else "must be between 1 and 65535"


def _uid(value: str) -> str | None:
    return None if _UID.fullmatch(value) else "must be a system user name such as git"


def _token(value: str) -> str | None:
    if not value:
        return None
    if len(value) < MIN_TOKEN_LENGTH or any(c.isspace() for c in value):
        return f"must be at least {MIN_TOKEN_LENGTH} characters without whitespace"
    return None


SCHEMA: dict[str, Key] = {
    "bin-path": Key(str, required=True, check=_bin_path),
    "database:url": Key(str, required=True, check=database_url),
    "database:name": Key(str, "gandalf"),
    "git:bare:location": Key(str, required=True, check=absolute_path),
    "git:bare:template": Key(str, "", check=_optional_absolute),
    "git:ssh:use": Key(bool, False),
    "git:ssh:port": Key(int, 22, check=_port),
    "host": Key(str, "localhost", check=_host),
    "readonly-host": Key(str, "", check=_host),
    "bind": Key(str, "127.0.0.1:8000", check=settings.address("10.0.0.5:8000")),
    "uid": Key(str, "git", check=_uid),
    "authorized-keys-path": Key(str, "", check=_optional_absolute),
    "token": Key(str, "", check=_token),
    "token-file": Key(str, "", check=_optional_absolute),
    "workers": Key(int, 2, check=lambda v: None if 1 <= v <= 32 else "must be 1 to 32"),
    "log-level": Key(str, "info", check=log_level),
}


class GandalfConfig(Settings):
    """The git server's validated settings, read with ``section:key`` names."""

    @property
    def location(self) -> str:
        return os.path.realpath(self["git:bare:location"])

    @property
    def template(self) -> str:
        return self["git:bare:template"]

    @property
    def authorized_keys_path(self) -> str:
        return self["authorized-keys-path"] or os.path.expanduser("~/.ssh/authorized_keys")

    def token(self) -> str:
        """The API's shared secret, read from ``token`` or ``token-file``."""
        if self["token"]:
            return self["token"]
        try:
            value = Path(self["token-file"]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError([f"token-file: cannot read {self['token-file']}: {exc}"]) from None
        problem = _token(value) if value else "the file is empty"
        if problem:
            raise ConfigError([f"token-file: {problem}"])
        return value


def validate(raw: Any, path: str = "<memory>") -> GandalfConfig:
    """Check every key of a parsed config file; raise ConfigError listing each problem."""
    values, problems = settings.check(raw, SCHEMA, path)
    if bool(values.get("token")) == bool(values.get("token-file")):
        problems.append("token, token-file: set exactly one (the API's shared secret)")
    if problems:
        raise ConfigError(problems)
    return GandalfConfig(values, path)


def load(path: str | None = None) -> GandalfConfig:
    """Read and validate ``path`` (or $SLIPWAY_GANDALF_CONFIG, or the default)."""
    path = path or os.environ.get(CONFIG_ENV) or DEFAULT_PATH
    return validate(settings.read(path), path)
