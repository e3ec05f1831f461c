"""/platforms: list for everyone, manage as an admin."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core import platforms
from . import bodies
from .auth import context, principal

bp = Blueprint("platforms", __name__)


@bp.get("/platforms")
def list_platforms() -> Response:
    return jsonify(platforms.list_all(context(), principal()))


@bp.post("/platforms")
def add() -> tuple[Response, int]:
    return jsonify(platforms.add(context(), principal(), bodies.fields().get("name"))), 201


@bp.put("/platforms/<name>")
def update(name: str) -> Response:
    data = bodies.fields()
    disabled = data.get("disabled")
    if isinstance(disabled, str):
        disabled = bodies.flag(data, "disabled")
    return jsonify(platforms.update(context(), principal(), name, disabled))


@bp.delete("/platforms/<name>")
def remove(name: str) -> Response:
    platforms.remove(context(), principal(), name)
    return jsonify(message=f"Platform {name} removed.")
