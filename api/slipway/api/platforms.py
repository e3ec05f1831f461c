"""/platforms: list for everyone, manage as an admin."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ..core import platforms
from ..provision import platforms as provisioned
from . import bodies, streams
from .auth import context, principal
from .errors import BadRequest

bp = Blueprint("platforms", __name__)


DOCKERFILE_FIELDS = ("dockerfile_content", "dockerfile")


def _fields() -> dict[str, Any]:
    """The request's fields; a Dockerfile (tsuru's custom platform recipe) is refused."""
    data = bodies.fields()
    given = [key for key in DOCKERFILE_FIELDS if data.get(key) or key in request.files]
    if given:
        raise BadRequest(
            f"Slipway builds platform images from its own recipes only; a custom Dockerfile "
            f"({given[0]}) is not supported. Send the platform's name alone."
        )
    return data


@bp.get("/platforms")
def list_platforms() -> Response:
    return jsonify(platforms.list_all(context(), principal()))


@bp.post("/platforms")
def add() -> tuple[Response, int] | Response:
    """Record a platform; in a cluster with a registry, also build its image (streamed)."""
    ctx, who = context(), principal()
    data = _fields()
    name = data.get("name")
    if not ctx.config["docker:registry"]:
        return jsonify(platforms.add(ctx, who, name)), 201
    provisioned.check_buildable(ctx, str(name))
    added = platforms.add(ctx, who, name)
    return streams.progress(lambda say: provisioned.build(ctx, who, added["name"], say))


@bp.put("/platforms/<name>")
def update(name: str) -> Response:
    ctx, who, data = context(), principal(), _fields()
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
