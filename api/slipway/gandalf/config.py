"""The git server's configuration: one YAML file with Gandalf's key names.

Read by both the REST server and the SSH wrapper; every problem is reported
on its own line. The API token is a shared secret with the control plane and
has no default: set ``token`` or ``token-file``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = "/etc/slipway/gandalf.conf"
CONFIG_ENV = "SLIPWAY_GANDALF_CONFIG"
MIN_TOKEN_LENGTH = 16

_BIND = re.compile(r"^(?P<host>[A-Za-z0-9.\-]*|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})$")
_HOST = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")
_UID = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_LEVELS = ("debug", "info", "warning", "error")


class ConfigError(Exception):
    """The configuration is unusable; ``problems`` has one readable line per bad key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class _Key:
    kind: type
    default: Any = None
    required: bool = False
    check: Callable[[Any], str | None] | None = None


def _absolute(value: str) -> str | None:
    return None if value.startswith("/") else "must be an absolute path"


def _bin_path(value: str) -> str | None:
    if any(c.isspace() or c in "\"'\\" for c in value):
        return 'must be an absolute path without spaces or quotes (it goes into command="...")'
    return _absolute(value)


def _optional_absolute(value: str) -> str | None:
    return None if not value else _absolute(value)


def _bind(value: str) -> str | None:
    match = _BIND.match(value)
    if not match or not 0 < int(match["port"]) < 65536:
        return "must be host:port, e.g. 10.0.0.5:8000"
    return None


def _database_url(value: str) -> str | None:
    if re.match(r"^sqlite:////?\S+$", value) or re.match(r"^mongodb(\+srv)?://\S+$", value):
        return None
    return "must be sqlite:////absolute/path.db or mongodb://host:port"


def _host(value: str) -> str | None:
    return None if not value or _HOST.match(value) else "must be a host name or address"


def _port(value: int) -> str | None:
    return None if 0 < value < 65536 else "must be between 1 and 65535"


def _uid(value: str) -> str | None:
    return None if _UID.match(value) else "must be a system user name such as git"


def _token(value: str) -> str | None:
    if not value:
        return None
    if len(value) < MIN_TOKEN_LENGTH or any(c.isspace() for c in value):
        return f"must be at least {MIN_TOKEN_LENGTH} characters without whitespace"
    return None


def _level(value: str) -> str | None:
    return None if value in _LEVELS else f"must be one of {', '.join(_LEVELS)}"


SCHEMA: dict[str, _Key] = {
    "bin-path": _Key(str, required=True, check=_bin_path),
    "database:url": _Key(str, required=True, check=_database_url),
    "database:name": _Key(str, "gandalf"),
    "git:bare:location": _Key(str, required=True, check=_absolute),
    "git:bare:template": _Key(str, "", check=_optional_absolute),
    "git:ssh:use": _Key(bool, False),
    "git:ssh:port": _Key(int, 22, check=_port),
    "host": _Key(str, "localhost", check=_host),
    "readonly-host": _Key(str, "", check=_host),
    "bind": _Key(str, "127.0.0.1:8000", check=_bind),
    "uid": _Key(str, "git", check=_uid),
    "authorized-keys-path": _Key(str, "", check=_optional_absolute),
    "token": _Key(str, "", check=_token),
    "token-file": _Key(str, "", check=_optional_absolute),
    "workers": _Key(int, 2, check=lambda v: None if 1 <= v <= 32 else "must be 1 to 32"),
    "log-level": _Key(str, "info", check=_level),
}
SECTIONS = {key.rsplit(":", n)[0] for key in SCHEMA for n in range(1, key.count(":") + 1)}


class GandalfConfig:
    """Validated settings, read with ``section:key`` names."""

    def __init__(self, values: Mapping[str, Any], path: str = "<memory>") -> None:
        self._values = dict(values)
        self.path = path

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

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


def _flatten(raw: Mapping[str, Any], problems: list[str], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for top, value in raw.items():
        name = f"{prefix}{top}"
        if not isinstance(top, str):
            problems.append(f"{prefix}{top!r}: keys must be strings")
        elif name in SECTIONS:
            if not isinstance(value, Mapping):
                problems.append(f"{name}: must be a mapping of {name}:* keys")
                continue
            flat.update(_flatten(value, problems, f"{name}:"))
        else:
            flat[name] = value
    return flat


def _type_name(kind: type) -> str:
    return {str: "a string", int: "an integer", bool: "true or false"}.get(kind, kind.__name__)


def validate(raw: Any, path: str = "<memory>") -> GandalfConfig:
    """Check every key of a parsed config file; raise ConfigError listing each problem."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError([f"{path}: the file must hold a YAML mapping of settings"])
    problems: list[str] = []
    flat = _flatten(raw, problems)
    values: dict[str, Any] = {}
    for key in sorted(set(flat) - set(SCHEMA)):
        problems.append(f"{key}: unknown setting")
    for key, spec in SCHEMA.items():
        value = flat.get(key)
        if value is None:
            if spec.required:
                problems.append(f"{key}: required setting is missing")
            values[key] = spec.default
            continue
        if not isinstance(value, spec.kind) or (spec.kind is int and isinstance(value, bool)):
            problems.append(f"{key}: must be {_type_name(spec.kind)}, got {value!r}")
            continue
        message = spec.check(value) if spec.check else None
        if message:
            problems.append(f"{key}: {message} (got {value!r})")
            continue
        values[key] = value
    if bool(values.get("token")) == bool(values.get("token-file")):
        problems.append("token, token-file: set exactly one (the API's shared secret)")
    if problems:
        raise ConfigError(problems)
    return GandalfConfig(values, path)


def load(path: str | None = None) -> GandalfConfig:
    """Read and validate ``path`` (or $SLIPWAY_GANDALF_CONFIG, or the default)."""
    path = path or os.environ.get(CONFIG_ENV) or DEFAULT_PATH
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except FileNotFoundError:
        raise ConfigError([f"{path}: config file not found"]) from None
    except PermissionError:
        raise ConfigError([f"{path}: permission denied reading the config file"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError([f"{path}: not valid YAML{where}"]) from None
    return validate(raw, path)
