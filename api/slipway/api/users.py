"""/users: accounts, sessions, passwords, API keys."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..core import tokens, users
from . import bodies
from .auth import context, optional_principal, principal, public

bp = Blueprint("users", __name__)


@bp.post("/users")
@public
def create() -> tuple[Response, int]:
    data = bodies.fields()
    created = users.create(context(), optional_principal(), data.get("email"), data.get("password"))
    return jsonify(created), 201


@bp.get("/users")
def list_users() -> Response:
    return jsonify(users.list_all(context(), principal()))


@bp.get("/users/info")
def info() -> Response:
    return jsonify(users.info(context(), principal()))


@bp.post("/users/<email>/tokens")
@public
def login(email: str) -> Response:
    data = bodies.fields()
    token, is_admin = users.login(context(), email, data.get("password"))
    return jsonify(token=token, is_admin=is_admin)


@bp.delete("/users/tokens")
def logout() -> Response:
    tokens.revoke(context(), principal())
    return jsonify(message="Logged out.")


@bp.put("/users/password")
def change_password() -> Response:
    data = bodies.fields()
    users.change_password(context(), principal(), data.get("old"), data.get("new"))
    return jsonify(message="Password changed.")


@bp.post("/users/<email>/password")
@public
def reset_password(email: str) -> Response:
    data = bodies.fields()
    token = request.args.get("token") or data.get("token")
    if not token:
        users.request_reset(context(), email)
        return jsonify(message="If the account exists, a reset token has been sent to it.")
    generated = users.complete_reset(context(), email, token, data.get("password"))
    if generated:
        return jsonify(message="Password reset; the new password has been sent by email.")
    return jsonify(message="Password reset.")


@bp.delete("/users")
def remove() -> Response:
    email = request.args.get("user") or bodies.fields().get("email")
    removed = users.remove(context(), principal(), email)
    return jsonify(message=f"User {removed} removed.")


@bp.get("/users/api-key")
def api_key_info() -> Response:
    """A bare JSON string, as tsuru's clients read it: a new key when there was none."""
    return jsonify(users.show_api_key(context(), principal()))


@bp.post("/users/api-key")
def regenerate_api_key() -> Response:
    """A bare JSON string: the new key, shown once; the previous one stops working."""
    return jsonify(users.regenerate_api_key(context(), principal()))
