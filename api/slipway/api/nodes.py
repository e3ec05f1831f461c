"""/docker/node: the Docker engines units run on (admins only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ..core import nodes
from . import bodies
from .auth import context, principal

bp = Blueprint("nodes", __name__)


@bp.get("/docker/node")
def list_nodes() -> Response:
    return jsonify(nodes.list_all(context(), principal()))


@bp.get("/node")
def list_nodes_1x() -> Response:
    """The 1.x client's node-list (``/1.2/node``): ``{"nodes": [...], "machines": []}``."""
    found = nodes.list_all(context(), principal())
    return jsonify(nodes=[_node_1x(node) for node in found], machines=[])


def _node_1x(node: dict[str, Any]) -> dict[str, Any]:
    pool = node.get("pool") or ""
    return {
        "Address": node["address"],
        "IaaSID": "",
        "Metadata": {"pool": pool} if pool else {},
        "Status": node.get("status", ""),
        "Pool": pool,
        "Provisioner": "swarm",
    }


@bp.post("/docker/node")
def add() -> tuple[Response, int]:
    data = bodies.fields()
    node = nodes.add(context(), principal(), data.get("address"), data.get("pool"))
    return jsonify(node), 201


@bp.delete("/docker/node/<node_id>")
def remove(node_id: str) -> Response:
    node = nodes.remove(context(), principal(), node_id)
    return jsonify(message=f"Docker node {node['address']} removed.", node=node)
