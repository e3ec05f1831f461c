"""/users/keys: SSH public keys."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core import keys
from . import bodies
from .auth import context, principal

bp = Blueprint("keys", __name__)


@bp.post("/users/keys")
def add() -> tuple[Response, int]:
    data = bodies.fields()
    added = keys.add(context(), principal(), data.get("name"), data.get("key"))
    return jsonify(added), 201


@bp.get("/users/keys")
def list_keys() -> Response:
    return jsonify({k["name"]: k["key"] for k in keys.list_for(context(), principal())})


@bp.delete("/users/keys")
def remove() -> Response:
    data = bodies.fields()
    removed = keys.remove(context(), principal(), data.get("name"), data.get("key"))
    return jsonify(message=f"Key {removed} removed.")


@bp.delete("/users/keys/<name>")
def remove_named(name: str) -> Response:
    removed = keys.remove(context(), principal(), name=name)
    return jsonify(message=f"Key {removed} removed.")
