"""What every Slipway config file shares: schema keys, checks, one error line per problem.

``slipway.config`` (the control plane) and ``slipway.gandalf.config`` (the git
server) each declare a schema of ``section:key`` names and use these helpers
to read, flatten and check a YAML file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

LOG_LEVELS = ("debug", "info", "warning", "error")
_ADDRESS = re.compile(r"(?P<host>[A-Za-z0-9.\-]*|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})")
_SECRET_WORDS = ("password", "secret", "token")


class ConfigError(Exception):
    """The configuration is unusable; ``problems`` has one readable line per bad key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class Key:
    kind: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    check: Check | None = None


class Settings:
    """Validated values, read with ``section:key`` names."""

    def __init__(self, values: Mapping[str, Any], path: str = "<memory>") -> None:
        self._values = dict(values)
        self.path = path

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)


def address(example: str) -> Check:
    """A ``host:port`` check whose message shows ``example``."""

    def check(value: str) -> str | None:
        match = _ADDRESS.fullmatch(value)
        if not match or not 0 < int(match["port"]) < 65536:
            return f"must be host:port, e.g. {example}"
        return None

    return check


def absolute_path(value: str) -> str | None:
    return None if value.startswith("/") else "must be an absolute path"


def database_url(value: str) -> str | None:
    if re.fullmatch(r"sqlite:////?\S+", value) or re.fullmatch(r"mongodb(\+srv)?://\S+", value):
        return None
    return "must be sqlite:////absolute/path.db or mongodb://host:port"


def log_level(value: str) -> str | None:
    return None if value in LOG_LEVELS else f"must be one of {', '.join(LOG_LEVELS)}"


def sections_of(schema: Mapping[str, Key]) -> set[str]:
    """Every ``a`` and ``a:b`` prefix of the schema's ``a:b:c`` names."""
    return {key.rsplit(":", n)[0] for key in schema for n in range(1, key.count(":") + 1)}


def shown(key: str, value: Any) -> str:
    """How a bad value appears in an error: never a secret, never URL credentials."""
    if any(word in key for word in _SECRET_WORDS):
        return "<hidden>"
    if isinstance(value, str):
        return repr(re.sub(r"//[^/@\s]*@", "//<credentials>@", value))
    return repr(value)


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", list: "a list"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _flatten(
    raw: Mapping[str, Any], sections: set[str], problems: list[str], prefix: str = ""
) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for top, value in raw.items():
        name = f"{prefix}{top}"
        if not isinstance(top, str):
            problems.append(f"{prefix}{top!r}: keys must be strings")
        elif name in sections:
            if not isinstance(value, Mapping):
                problems.append(f"{name}: must be a mapping of {name}:* keys")
                continue
            flat.update(_flatten(value, sections, problems, f"{name}:"))
        else:
            flat[name] = value
    return flat


def check(raw: Any, schema: Mapping[str, Key], path: str) -> tuple[dict[str, Any], list[str]]:
    """Flatten a parsed file and check every key; returns the values and the problems."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError([f"{path}: the file must hold a YAML mapping of settings"])
    problems: list[str] = []
    flat = _flatten(raw, sections_of(schema), problems)
    values: dict[str, Any] = {}
    for key in sorted(set(flat) - set(schema)):
        problems.append(f"{key}: unknown setting")
    for key, spec in schema.items():
        value = flat.get(key)
        if value is None:
            if spec.required:
                problems.append(f"{key}: required setting is missing")
            values[key] = spec.default
            continue
        if not isinstance(value, spec.kind) or (spec.kind is int and isinstance(value, bool)):
            problems.append(f"{key}: must be {_type_name(spec.kind)}, got {shown(key, value)}")
            continue
        message = spec.check(value) if spec.check else None
        if message:
            problems.append(f"{key}: {message} (got {shown(key, value)})")
            continue
        values[key] = value
    return values, problems


def read(path: str) -> Any:
    """The parsed YAML at ``path``; every way of failing is one ConfigError line."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
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
