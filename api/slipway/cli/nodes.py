"""Docker nodes: the engines units run on (admins only)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.http import path_segment


def node_id(node: str) -> str:
    """``host:port`` of a node given as an address (``https://host:port``) or as its id."""
    if "://" in node:
        return urlsplit(node).netloc or node
    return node


def node_add(ctx: Context) -> None:
    """Register a Docker node once its engine answers with a supported version."""
    body: dict[str, Any] = {"address": ctx.args.address}
    if ctx.args.pool:
        body["pool"] = ctx.args.pool
    node = ctx.client.call("POST", "/docker/node", body=body) or {}
    version = node.get("version", "")
    ctx.out.done(
        f'Node "{node.get("address", ctx.args.address)}" successfully added (Docker {version}).',
        node=node,
    )


def format_status(node: dict[str, Any]) -> str:
    status = str(node.get("status", ""))
    error = node.get("error")
    return f"{status}: {error}" if error else status


def node_list(ctx: Context) -> None:
    """List the Docker nodes with their live status and engine version."""
    nodes = ctx.client.call("GET", "/docker/node") or []

    def render(items: list[dict[str, Any]]) -> None:
        rows = [
            (
                node.get("address", ""),
                node.get("pool") or "",
                format_status(node),
                node.get("version", ""),
            )
            for node in items
        ]
        ctx.out.table(["Address", "Pool", "Status", "Docker"], rows)

    ctx.out.data(nodes, render)


def node_remove(ctx: Context) -> None:
    """Forget a Docker node (asks first unless -y)."""
    node = ctx.args.node
    ctx.confirm(f'remove node "{node}"')
    ctx.client.call("DELETE", f"/docker/node/{path_segment(node_id(node))}")
    ctx.out.done(f'Node "{node}" successfully removed!', node=node)


def register(commands: Commands) -> None:
    """Add the node-* commands."""
    parser = commands.add(
        "node-add",
        node_add,
        "register a Docker node (admins only)",
        description="Register the Docker engine at ADDRESS (https://<host>:2376) as a node. "
        "The API connects to it with the cluster's client certificate and refuses a node "
        "it cannot reach or whose Docker is too old.",
    )
    parser.add_argument("address", help="the engine's address, e.g. https://10.0.0.5:2376")
    parser.add_argument("--pool", "-p", help="the pool the node belongs to")

    commands.add("node-list", node_list, "list the Docker nodes and their status (admins only)")

    parser = commands.add(
        "node-remove", node_remove, "forget a Docker node (admins only)", confirm=True
    )
    parser.add_argument("node", help="the node's address or host:port")
