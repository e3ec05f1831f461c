"""/platforms: list for everyone, manage as an admin."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core import platforms
from ..provision import platforms as provisioned
from . import bodies, streams
from .auth import context, principal

bp = Blueprint("platforms", __name__)


@bp.get("/platforms")
def list_platforms() -> Response:
    return jsonify(platforms.list_all(context(), principal()))


@bp.post("/platforms")
def add() -> tuple[Response, int] | Response:
    """Record a platform; in a cluster with a registry, also build its image (streamed)."""
    ctx, who = context(), principal()
    name = bodies.fields().get("name")
    if not ctx.config["docker:registry"]:
        return jsonify(platforms.add(ctx, who, name)), 201
    provisioned.check_buildable(ctx, str(name))
    added = platforms.add(ctx, who, name)
    return streams.progress(lambda say: provisioned.build(ctx, who, added["name"], say))


@bp.put("/platforms/<name>")
def update(name: str) -> Response:
    ctx, who, data = context(), principal(), bodies.fields()
    disabled = data.get("disabled")
    if isinstance(disabled, str):
        disabled = bodies.flag(data, "disabled")
    updated = platforms.update(ctx, who, name, disabled)
    if not bodies.flag(data, "build"):
        return jsonify(updated)
    provisioned.check_buildable(ctx, name)
    return streams.progress(lambda say: provisioned.build(ctx, who, name, say, fresh=True))


@bp.delete("/platforms/<name>")
def remove(name: str) -> Response:
    platforms.remove(context(), principal(), name)
    return jsonify(message=f"Platform {name} removed.")
