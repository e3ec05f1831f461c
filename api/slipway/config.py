"""``/etc/slipway/slipway.conf``: one YAML file with tsuru's key names, validated at start."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

DEFAULT_PATH = "/etc/slipway/slipway.conf"
CONFIG_ENV = "SLIPWAY_CONFIG"

_LISTEN = re.compile(r"^(?P<host>[A-Za-z0-9.\-]*|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})$")
_DOMAIN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)
_TEAM = re.compile(r"^[a-zA-Z][-@_.+\w]+$")
_LEVELS = ("debug", "info", "warning", "error")


class ConfigError(Exception):
    """The configuration is unusable; ``problems`` has one readable line per bad key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Key:
    kind: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    check: Callable[[Any], str | None] | None = None


def _listen(value: str) -> str | None:
    match = _LISTEN.fullmatch(value)
    if not match or not 0 < int(match["port"]) < 65536:
        return "must be host:port, e.g. 127.0.0.1:8080"
    return None


def _url(value: str) -> str | None:
    return None if re.fullmatch(r"https?://[^\s/]+(/\S*)?", value) else "must be an http(s) URL"


def _database_url(value: str) -> str | None:
    if re.fullmatch(r"sqlite:////?\S+", value) or re.fullmatch(r"mongodb(\+srv)?://\S+", value):
        return None
    return "must be sqlite:////absolute/path.db or mongodb://host:port"


def _between(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: int) -> str | None:
        return None if low <= value <= high else f"must be between {low} and {high}"

    return check


def _at_least(low: int) -> Callable[[Any], str | None]:
    def check(value: int) -> str | None:
        return None if value >= low else f"must be {low} or more"

    return check


def _domain(value: str) -> str | None:
    return None if _DOMAIN.fullmatch(value) else "must be a DNS domain such as paas.example.com"


def _team(value: str) -> str | None:
    return None if _TEAM.fullmatch(value) else "must be a valid team name"


def _level(value: str) -> str | None:
    return None if value in _LEVELS else f"must be one of {', '.join(_LEVELS)}"


def _host_port(value: str) -> str | None:
    return None if re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", value) else "must be host:port"


def _absolute_path(value: str) -> str | None:
    return None if value.startswith("/") else "must be an absolute path"


def _tube(value: str) -> str | None:
    # beanstalkd's tube names: up to 200 bytes of letters, digits and -+/;.$_()
    # not starting with a hyphen.
    if re.match(r"^[A-Za-z0-9+/;.$_()][A-Za-z0-9\-+/;.$_()]{0,199}$", value):
        return None
    return "must be a beanstalkd tube name (letters, digits and -+/;.$_())"


SCHEMA: dict[str, Key] = {
    "listen": Key(str, "127.0.0.1:8080", check=_listen),
    "host": Key(str, required=True, check=_url),
    "log-level": Key(str, "info", check=_level),
    "workers": Key(int, 2, check=_between(1, 64)),
    "database:url": Key(str, required=True, check=_database_url),
    "database:name": Key(str, "slipway"),
    "admin-team": Key(str, "admin", check=_team),
    "auth:user-registration": Key(bool, False),
    "auth:hash-cost": Key(int, 12, check=_between(4, 31)),
    "auth:token-expire-days": Key(int, 7, check=_between(1, 3650)),
    "auth:max-simultaneous-sessions": Key(int, 10, check=_at_least(0)),
    "auth:reset-token-expire-hours": Key(int, 24, check=_between(1, 720)),
    "smtp:server": Key(str, "", check=lambda v: None if not v else _host_port(v)),
    "smtp:user": Key(str, ""),
    "smtp:password": Key(str, ""),
    "smtp:from": Key(str, "slipway@localhost"),
    "smtp:starttls": Key(bool, True),
    "quota:apps-per-user": Key(int, -1, check=_at_least(-1)),
    "quota:units-per-app": Key(int, -1, check=_at_least(-1)),
    "hipache:domain": Key(str, "slipway.local", check=_domain),
    "git:rw-host": Key(str, "localhost"),
    "git:ro-host": Key(str, ""),
    "git:user": Key(str, "git"),
    "git:ssh-port": Key(int, 22, check=_between(1, 65535)),
    "platforms:default": Key(list, ["python"]),
    "queue-server": Key(str, "127.0.0.1:11300", check=_host_port),
    "worker:tube": Key(str, "slipway", check=_tube),
    "worker:max-backoff": Key(int, 30, check=_between(1, 600)),
    "collector:ticker-time": Key(int, 60, check=_between(1, 86400)),
    # The control plane's client certificate for the docker nodes' Engine API
    # (mutual TLS, issued by the cluster CA): all three, or none for plain tcp://.
    "docker:tls:ca-cert": Key(str, "", check=lambda v: None if not v else _absolute_path(v)),
    "docker:tls:client-cert": Key(str, "", check=lambda v: None if not v else _absolute_path(v)),
    "docker:tls:client-key": Key(str, "", check=lambda v: None if not v else _absolute_path(v)),
}

# Every prefix of a key is a section: docker:tls:ca-cert is read from
# {"docker": {"tls": {"ca-cert": ...}}} as well.
SECTIONS = {key.rsplit(":", n)[0] for key in SCHEMA for n in range(1, key.count(":") + 1)}
# Keys that are set together or not at all.
TOGETHER = (("docker:tls:ca-cert", "docker:tls:client-cert", "docker:tls:client-key"),)


class Config:
    """Validated settings, read with tsuru-style ``section:key`` names."""

    def __init__(self, values: Mapping[str, Any], path: str = "<memory>") -> None:
        self._values = dict(values)
        self.path = path

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)


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


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", list: "a list"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _shown(key: str, value: Any) -> str:
    """How a bad value appears in an error: never a secret, never URL credentials."""
    if any(word in key for word in ("password", "secret", "token")):
        return "<hidden>"
    if isinstance(value, str):
        return repr(re.sub(r"//[^/@\s]*@", "//<credentials>@", value))
    return repr(value)


def validate(raw: Any, path: str = "<memory>") -> Config:
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
        if key not in flat or flat[key] is None:
            if spec.required:
                problems.append(f"{key}: required setting is missing")
            values[key] = spec.default
            continue
        value = flat[key]
        wrong_type = not isinstance(value, spec.kind) or (
            spec.kind is int and isinstance(value, bool)
        )
        shown = _shown(key, value)
        if wrong_type:
            problems.append(f"{key}: must be {_type_name(spec.kind)}, got {shown}")
            continue
        message = spec.check(value) if spec.check else None
        if message:
            problems.append(f"{key}: {message} (got {shown})")
            continue
        values[key] = value
    for keys in TOGETHER:
        given = [key for key in keys if values.get(key)]
        if given and len(given) != len(keys):
            missing = ", ".join(key for key in keys if key not in given)
            problems.append(f"{', '.join(keys)}: set all of them or none ({missing} missing)")
    if problems:
        raise ConfigError(problems)
    return Config(values, path)


def load(path: str | None = None) -> Config:
    """Read and validate the config file at ``path`` (or $SLIPWAY_CONFIG, or the default)."""
    path = path or os.environ.get(CONFIG_ENV) or DEFAULT_PATH
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except FileNotFoundError:
        raise ConfigError([f"{path}: config file not found"]) from None
    except PermissionError:
        raise ConfigError([f"{path}: permission denied reading the config file"]) from None
    except IsADirectoryError:
        raise ConfigError([f"{path}: is a directory, not a config file"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError([f"{path}: not valid YAML{where}"]) from None
    return validate(raw, path)
