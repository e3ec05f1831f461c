"""Docker clients for the registered nodes, and round-robin scheduling over them."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docker
from docker.tls import TLSConfig

from ..core import schema
from ..core.context import Context
from ..core.errors import Unavailable
from ..core.nodes import API_VERSION, parse_address, tls_configured
from ..store import DuplicateKeyError

SCHEDULER = "scheduler"
# Seconds to wait for one Engine API call (builds and pulls stream, so this bounds silence).
ENGINE_TIMEOUT = 600


@dataclass(frozen=True)
class Node:
    """A registered node: its id (``host:port``), engine URL and the address units publish on."""

    id: str
    url: str
    host: str

    @property
    def ip(self) -> str:
        """The address routers reach published unit ports on (routes need an IP)."""
        try:
            return socket.gethostbyname(self.host)
        except OSError:
            raise Unavailable(f"Cannot resolve docker node {self.host}.") from None


def _node(doc: dict[str, Any]) -> Node:
    address = parse_address(doc["address"])
    return Node(id=doc["_id"], url=address.url.replace("http://", "tcp://"), host=address.host)


def nodes(ctx: Context) -> list[Node]:
    return [_node(doc) for doc in ctx.store.find(schema.NODES, sort=[("_id", 1)])]


def get(ctx: Context, node_id: str) -> Node:
    doc = ctx.store.get(schema.NODES, node_id)
    if doc is None:
        raise Unavailable(f"Docker node {node_id} is no longer registered.")
    return _node(doc)


def require_nodes(ctx: Context) -> list[Node]:
    found = nodes(ctx)
    if not found:
        raise Unavailable("No docker node is registered: an admin adds one with node-add.")
    return found


def schedule(ctx: Context, count: int) -> list[Node]:
    """The next ``count`` nodes in round-robin order, shared by every app."""
    available = require_nodes(ctx)
    with contextlib.suppress(DuplicateKeyError):
        ctx.store.insert(schema.COUNTERS, {"_id": SCHEDULER, "value": 0})
    counter = ctx.store.update_one(schema.COUNTERS, {"_id": SCHEDULER}, {"$inc": {"value": count}})
    end = counter["value"] if counter else count
    return [available[i % len(available)] for i in range(end - count, end)]


def client(ctx: Context, node: Node) -> docker.DockerClient:
    tls: TLSConfig | bool = False
    if tls_configured(ctx.config):
        tls = TLSConfig(
            client_cert=(ctx.config["docker:tls:client-cert"], ctx.config["docker:tls:client-key"]),
            ca_cert=ctx.config["docker:tls:ca-cert"],
            verify=True,
        )
    return docker.DockerClient(
        base_url=node.url, tls=tls, version=API_VERSION, timeout=ENGINE_TIMEOUT
    )


@contextlib.contextmanager
def connected(ctx: Context, node: Node) -> Iterator[docker.DockerClient]:
    engine = client(ctx, node)
    try:
        yield engine
    finally:
        engine.close()
