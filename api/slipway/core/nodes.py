"""Docker nodes: the engines application units run on, registered by admins.

A node is identified by ``host:port``; its address carries the scheme the
control plane uses to reach it: ``https://`` (mutual TLS with the cluster
client certificate from ``docker:tls:*``) or, only when no TLS settings are
configured, plain ``http://`` (``tcp://`` is read as plain too). A node is
added only when its engine answers and is recent enough.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import docker
import requests
from docker.errors import DockerException

from ..config import Config
from . import schema, validation
from .context import Context
from .errors import Conflict, NotFound, ValidationError
from .principal import Principal, require_admin
from .store_errors import translate_duplicates

# The oldest engine the provisioner supports: Debian 12's docker.io (API 1.41).
MIN_DOCKER_VERSION = (20, 10, 0)
# The API version the control plane speaks to every engine.
API_VERSION = "1.41"
# Seconds to wait for a node's answer when adding or listing.
CHECK_TIMEOUT = 5.0

TLS_KEYS = ("docker:tls:ca-cert", "docker:tls:client-cert", "docker:tls:client-key")
DEFAULT_PORTS = {"https": 2376, "http": 2375}
READY, UNREACHABLE, OUTDATED = "ready", "unreachable", "outdated"

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Address:
    """A node's endpoint: scheme (``https`` or ``http``), host and port."""

    scheme: str
    host: str
    port: int

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    @property
    def tls(self) -> bool:
        return self.scheme == "https"


@dataclass(frozen=True)
class EngineInfo:
    """What a node's engine said about itself."""

    version: str
    api_version: str
    os: str
    arch: str


class EngineError(Exception):
    """The engine could not be reached or did not answer like a Docker engine."""


Probe = Callable[[Config, Address], EngineInfo]


def parse_address(value: Any) -> Address:
    """``https://host:port`` (or ``http://``/``tcp://``); the port defaults by scheme."""
    text = validation.text(value, "address").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValidationError(f"Invalid node address {text!r}.") from None
    scheme = {"tcp": "http"}.get(parts.scheme.lower(), parts.scheme.lower())
    if scheme not in DEFAULT_PORTS:
        raise ValidationError(
            f"Invalid node address {text!r}: use https://<host>:<port> (or tcp://<host>:<port> "
            "when the control plane has no docker:tls settings)."
        )
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query:
        raise ValidationError(f"Invalid node address {text!r}: give only scheme, host and port.")
    host = (parts.hostname or "").lower()
    if not _valid_host(host):
        raise ValidationError(f"Invalid node address {text!r}: the host is not an IP or DNS name.")
    if port == 0:
        raise ValidationError(f"Invalid node address {text!r}: the port must be 1-65535.")
    return Address(scheme, host, port or DEFAULT_PORTS[scheme])


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOSTNAME.match(host))


def node_id(value: Any) -> str:
    """A node's id (``host:port``) from the id itself or from a full address."""
    text = validation.text(value, "node")
    if "://" in text:
        return parse_address(text).netloc
    return parse_address(f"https://{text}").netloc


def tls_configured(config: Config) -> bool:
    return all(config.get(key) for key in TLS_KEYS)


def version_tuple(version: str) -> tuple[int, int, int] | None:
    """(major, minor, patch) of an engine version such as ``20.10.24+dfsg1``."""
    match = _VERSION.match(version or "")
    if match is None:
        return None
    return int(match[1]), int(match[2]), int(match[3] or 0)


def is_supported(version: str) -> bool:
    found = version_tuple(version)
    return found is not None and found >= MIN_DOCKER_VERSION


def _minimum() -> str:
    return ".".join(str(part) for part in MIN_DOCKER_VERSION)


def check_engine(config: Config, address: Address) -> EngineInfo:
    """Ask the engine at ``address`` for its version (GET /version) with the cluster TLS."""
    tls: docker.tls.TLSConfig | bool = False
    if address.tls:
        try:
            tls = docker.tls.TLSConfig(
                client_cert=(config["docker:tls:client-cert"], config["docker:tls:client-key"]),
                ca_cert=config["docker:tls:ca-cert"],
                verify=True,
            )
        except DockerException as exc:
            raise EngineError(f"the docker:tls settings are unusable: {exc}") from None
    try:
        with docker.APIClient(
            base_url=f"tcp://{address.netloc}", version=API_VERSION, timeout=CHECK_TIMEOUT, tls=tls
        ) as client:
            # The node's CA, not $REQUESTS_CA_BUNDLE; no $HTTPS_PROXY between us and a node.
            client.trust_env = False
            answer = client.version(api_version=False)
    except requests.exceptions.SSLError as exc:
        raise EngineError(f"TLS handshake failed ({_reason(exc)})") from None
    except requests.exceptions.Timeout:
        raise EngineError(f"no answer within {CHECK_TIMEOUT:g}s") from None
    except requests.exceptions.ConnectionError as exc:
        raise EngineError(f"cannot connect ({_reason(exc)})") from None
    except (DockerException, requests.RequestException, ValueError) as exc:
        raise EngineError(f"not a Docker engine answer ({_reason(exc)})") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("Version"), str):
        raise EngineError("not a Docker engine answer (no Version in GET /version)")
    return EngineInfo(
        version=answer["Version"],
        api_version=str(answer.get("ApiVersion", "")),
        os=str(answer.get("Os", "")),
        arch=str(answer.get("Arch", "")),
    )


def _reason(exc: BaseException) -> str:
    """The innermost useful words of a requests/urllib3 error chain."""
    text = str(exc)
    for marker in ("] ", "Error(", "): "):
        if marker in text:
            text = text.rsplit(marker, 1)[-1]
    text = re.sub(r"\s*\(_ssl\.c:\d+\)", "", text)
    return " ".join(text.strip(" ')\"").split())[:200] or type(exc).__name__


def _check_scheme(config: Config, address: Address) -> None:
    if tls_configured(config) and not address.tls:
        raise ValidationError(
            f"Docker node {address.url} must be reached with mutual TLS: "
            f"use https://{address.netloc}."
        )
    if address.tls and not tls_configured(config):
        raise ValidationError(
            f"Cannot reach {address.url} with TLS: the control plane has no client "
            f"certificate ({', '.join(TLS_KEYS)} are not set)."
        )


def _view(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "address": doc["address"],
        "pool": doc.get("pool"),
        "status": doc.get("status", ""),
        "version": doc.get("version", ""),
        "api_version": doc.get("api_version", ""),
        "error": doc.get("error", ""),
        "added": doc.get("added", ""),
    }


def add(
    ctx: Context,
    principal: Principal,
    address: Any,
    pool: Any = None,
    probe: Probe = check_engine,
) -> dict[str, Any]:
    """Register the engine at ``address`` once it answers with a supported version."""
    require_admin(principal)
    where = parse_address(address)
    if pool is not None and pool != "":
        pool = validation.text(pool, "pool")
        if len(pool) > 40 or not re.match(r"^[a-z][a-z0-9_-]*$", pool):
            raise ValidationError(
                "Invalid pool name: lowercase letters, digits, '-' and '_', starting with a letter."
            )
    else:
        pool = None
    _check_scheme(ctx.config, where)
    duplicate = f"Docker node {where.netloc} already exists."
    if ctx.store.get(schema.NODES, where.netloc) is not None:
        raise Conflict(duplicate)
    try:
        info = probe(ctx.config, where)
    except EngineError as exc:
        raise ValidationError(f"Docker node {where.url} is unreachable: {exc}.") from None
    if not is_supported(info.version):
        raise ValidationError(
            f"Docker node {where.url} runs Docker {info.version}, older than the "
            f"minimum {_minimum()}: upgrade its engine first."
        )
    doc = {
        "_id": where.netloc,
        "address": where.url,
        "pool": pool,
        "status": READY,
        "version": info.version,
        "api_version": info.api_version,
        "os": info.os,
        "arch": info.arch,
        "added": ctx.timestamp(),
        "added_by": principal.email,
    }
    with translate_duplicates(duplicate):
        ctx.store.insert(schema.NODES, doc)
    return _view(doc)


def _live(ctx: Context, doc: dict[str, Any], probe: Probe) -> dict[str, Any]:
    view = _view(doc)
    try:
        info = probe(ctx.config, parse_address(doc["address"]))
    except EngineError as exc:
        view.update(status=UNREACHABLE, error=str(exc))
        return view
    supported = is_supported(info.version)
    view.update(
        status=READY if supported else OUTDATED,
        version=info.version,
        api_version=info.api_version,
        error="" if supported else f"Docker {info.version} is older than {_minimum()}",
    )
    return view


def list_all(
    ctx: Context, principal: Principal, probe: Probe = check_engine
) -> list[dict[str, Any]]:
    """Every node with its live status, checked in parallel."""
    require_admin(principal)
    docs = ctx.store.find(schema.NODES, sort=[("_id", 1)])
    if not docs:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(docs))) as pool:
        return list(pool.map(lambda doc: _live(ctx, doc, probe), docs))


def remove(ctx: Context, principal: Principal, node: Any) -> dict[str, Any]:
    """Forget a node (by ``host:port`` or its address)."""
    require_admin(principal)
    key = node_id(node)
    doc = ctx.store.get(schema.NODES, key)
    if doc is None or not ctx.store.delete_one(schema.NODES, {"_id": key}):
        raise NotFound(f"Docker node {key} not found.")
    return _view(doc)
