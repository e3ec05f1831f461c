"""``/etc/slipway/slipway.conf``: one YAML file with tsuru's key names, validated at start."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from . import settings
from .settings import ConfigError, Key, Settings, absolute_path, database_url, log_level

__all__ = ["CONFIG_ENV", "DEFAULT_PATH", "SCHEMA", "Config", "ConfigError", "load", "validate"]

DEFAULT_PATH = "/etc/slipway/slipway.conf"
CONFIG_ENV = "SLIPWAY_CONFIG"

_DOMAIN = re.compile(
    r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z][a-z0-9-]{0,61}[a-z0-9]"
)
_TEAM = re.compile(r"[a-zA-Z][-@_.+\w]+")


def _url(value: str) -> str | None:
    return None if re.fullmatch(r"https?://[^\s/]+(/\S*)?", value) else "must be an http(s) URL"


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


def _host_port(value: str) -> str | None:
    return None if re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", value) else "must be host:port"


def _optional(check: Callable[[str], str | None]) -> Callable[[str], str | None]:
    return lambda value: None if not value else check(value)


def _tube(value: str) -> str | None:
    # beanstalkd's tube names: up to 200 bytes of letters, digits and -+/;.$_()
    # not starting with a hyphen.
    if re.fullmatch(r"[A-Za-z0-9+/;.$_()][A-Za-z0-9\-+/;.$_()]{0,199}", value):
        return None
    return "must be a beanstalkd tube name (letters, digits and -+/;.$_())"


SCHEMA: dict[str, Key] = {
    "listen": Key(str, "127.0.0.1:8080", check=settings.address("127.0.0.1:8080")),
    "host": Key(str, required=True, check=_url),
    "log-level": Key(str, "info", check=log_level),
    "workers": Key(int, 2, check=_between(1, 64)),
    "database:url": Key(str, required=True, check=database_url),
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
    "docker:tls:ca-cert": Key(str, "", check=lambda v: None if not v else absolute_path(v)),
    "docker:tls:client-cert": Key(str, "", check=lambda v: None if not v else absolute_path(v)),
    "docker:tls:client-key": Key(str, "", check=lambda v: None if not v else absolute_path(v)),
    # The cluster registry (host:port) app and platform images are pushed to.
    "docker:registry": Key(str, "", check=_optional(_host_port)),
    # The Debian root filesystem image every platform image starts FROM.
    "docker:rootfs-image": Key(str, "slipway/rootfs:bookworm"),
    "docker:image-history-size": Key(int, 10, check=_between(1, 100)),
    # The port every unit's process listens on ($PORT).
    "docker:unit-port": Key(int, 8888, check=_between(1024, 65535)),
    # Seconds a new unit has to answer (its port, or app.yaml's healthcheck).
    "docker:start-timeout": Key(int, 60, check=_between(5, 1800)),
    # Seconds an old unit has to exit after SIGTERM before it is killed.
    "docker:stop-timeout": Key(int, 10, check=_between(0, 600)),
    # The hipache route store; empty: apps are not routed.
    "hipache:redis-server": Key(str, "", check=_optional(_host_port)),
    "hipache:redis-password": Key(str, ""),
    # Seconds the routers may keep serving a removed route from their cache.
    "hipache:cache-seconds": Key(int, 1, check=_between(0, 60)),
    # Dynamic DNS for custom names (cname-add) inside the zones the cluster serves.
    "dns:server": Key(str, "", check=_optional(_host_port)),
    "dns:zones": Key(list, []),
    "dns:tsig:name": Key(str, ""),
    "dns:tsig:secret": Key(str, ""),
    "dns:tsig:algorithm": Key(str, "hmac-sha256"),
    # The git server's REST API the control plane drives; empty: not driven.
    "git:api-server": Key(str, "", check=_optional(_url)),
    "git:api-token": Key(str, ""),
    # The secret the git server's deploy hook presents (with the pusher's name).
    "git:deploy-token": Key(str, ""),
}

# Keys that are set together or not at all.
TOGETHER = (
    ("docker:tls:ca-cert", "docker:tls:client-cert", "docker:tls:client-key"),
    ("dns:server", "dns:tsig:name", "dns:tsig:secret"),
    ("git:api-server", "git:api-token"),
)


class Config(Settings):
    """The control plane's validated settings, read with tsuru-style ``section:key`` names."""


def validate(raw: Any, path: str = "<memory>") -> Config:
    """Check every key of a parsed config file; raise ConfigError listing each problem."""
    values, problems = settings.check(raw, SCHEMA, path)
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
    return validate(settings.read(path), path)
