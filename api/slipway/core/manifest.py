"""What an app's source declares: its Procfile and its app.yaml (or tsuru.yaml).

Both are parsed with errors that name the file and line, so a developer sees
exactly what to fix in the push output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import ValidationError

MANIFEST_NAMES = ("tsuru.yaml", "tsuru.yml", "app.yaml", "app.yml")
PROCESS_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
RESTART_HOOKS = ("before", "before-each", "after-each", "after")
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "OPTIONS"})
WEB = "web"


def parse_procfile(text: str) -> dict[str, str]:
    """``name: command`` lines; blank lines and ``#`` comments are skipped."""
    processes: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, command = line.partition(":")
        name, command = name.strip(), command.strip()
        if not sep or not command:
            raise ValidationError(f"invalid Procfile, line {number}: expected 'name: command'")
        if not PROCESS_NAME.fullmatch(name):
            raise ValidationError(
                f"invalid Procfile, line {number}: process name {name!r} must be letters, "
                "digits, - and _"
            )
        if name in processes:
            raise ValidationError(f"invalid Procfile, line {number}: process {name} is repeated")
        processes[name] = command
    if not processes:
        raise ValidationError("invalid Procfile: it declares no process")
    return processes


def routed_process(processes: dict[str, str]) -> str:
    """The process that receives HTTP traffic: ``web``, or the only one there is."""
    if WEB in processes:
        return WEB
    if len(processes) == 1:
        return next(iter(processes))
    raise ValidationError("invalid Procfile: with several processes, one must be named web")


@dataclass(frozen=True)
class Healthcheck:
    path: str
    method: str = "GET"
    status: int = 200
    match: str | None = None
    allowed_failures: int = 0


@dataclass(frozen=True)
class Manifest:
    build: tuple[str, ...] = ()
    restart: dict[str, tuple[str, ...]] = field(default_factory=dict)
    healthcheck: Healthcheck | None = None

    def hooks(self, stage: str) -> tuple[str, ...]:
        return self.restart.get(stage, ())


def _commands(value: Any, where: str, filename: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value):
        raise ValidationError(f"invalid {filename}: {where} must be a list of commands")
    return tuple(value)


def _mapping(value: Any, where: str, filename: str, allowed: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"invalid {filename}: {where} must be a mapping")
    unknown = sorted(set(map(str, value)) - allowed)
    if unknown:
        raise ValidationError(f"invalid {filename}: unknown key {where}.{unknown[0]}")
    return value


def _healthcheck(value: Any, filename: str) -> Healthcheck | None:
    if value is None:
        return None
    spec = _mapping(
        value, "healthcheck", filename, {"path", "method", "status", "match", "allowed_failures"}
    )
    path = spec.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValidationError(f"invalid {filename}: healthcheck.path must start with /")
    method = str(spec.get("method", "GET")).upper()
    if method not in HTTP_METHODS:
        raise ValidationError(f"invalid {filename}: healthcheck.method {method} is not supported")
    status = spec.get("status", 200)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise ValidationError(f"invalid {filename}: healthcheck.status must be an HTTP status")
    match = spec.get("match")
    if match is not None:
        try:
            re.compile(str(match))
        except re.error as exc:
            raise ValidationError(f"invalid {filename}: healthcheck.match: {exc}") from None
    failures = spec.get("allowed_failures", 0)
    if not isinstance(failures, int) or isinstance(failures, bool) or failures < 0:
        raise ValidationError(f"invalid {filename}: healthcheck.allowed_failures must be >= 0")
    return Healthcheck(path, method, status, None if match is None else str(match), failures)


def parse_manifest(text: str, filename: str = "app.yaml") -> Manifest:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise ValidationError(f"invalid {filename}{where}: not valid YAML") from None
    top = _mapping(raw, "the file", filename, {"hooks", "healthcheck"})
    hooks = _mapping(top.get("hooks"), "hooks", filename, {"build", "restart"})
    restart = _mapping(hooks.get("restart"), "hooks.restart", filename, set(RESTART_HOOKS))
    return Manifest(
        build=_commands(hooks.get("build"), "hooks.build", filename),
        restart={
            stage: _commands(restart.get(stage), f"hooks.restart.{stage}", filename)
            for stage in RESTART_HOOKS
            if restart.get(stage)
        },
        healthcheck=_healthcheck(top.get("healthcheck"), filename),
    )
