"""/tokens: named tokens for automation (tsuru 1.x's token-create, -list, -update, -delete)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core import tokens
from . import bodies
from .auth import context, principal

bp = Blueprint("tokens", __name__)


def _name(data: dict) -> object:
    """tsuru's field is ``token_id``; Slipway's own clients may say ``name``."""
    return data.get("token_id") or data.get("name")


@bp.post("/tokens")
def create() -> tuple[Response, int]:
    data = bodies.fields()
    made = tokens.create_named(
        context(),
        principal(),
        name=_name(data),
        description=data.get("description"),
        team=data.get("team"),
        expires_in=data.get("expires_in"),
    )
    return jsonify(made), 201


@bp.get("/tokens")
def list_tokens() -> Response | tuple[str, int]:
    found = tokens.list_named(context(), principal())
    return jsonify(found) if found else ("", 204)


@bp.get("/tokens/<name>")
def info(name: str) -> Response:
    return jsonify(tokens.named_info(context(), principal(), name))


@bp.put("/tokens/<name>")
def update(name: str) -> Response:
    data = bodies.fields()
    changed = tokens.update_named(
        context(),
        principal(),
        name,
        description=data.get("description"),
        expires_in=data.get("expires_in"),
        regenerate=bodies.flag(data, "regenerate"),
    )
    return jsonify(changed)


@bp.delete("/tokens/<name>")
def delete(name: str) -> Response:
    tokens.delete_named(context(), principal(), name)
    return jsonify(message=f"Token {name} deleted.")
