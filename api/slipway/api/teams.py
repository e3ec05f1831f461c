"""/teams: teams and their members."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core import teams
from . import bodies
from .auth import context, principal

bp = Blueprint("teams", __name__)


@bp.post("/teams")
def create() -> tuple[Response, int]:
    return jsonify(teams.create(context(), principal(), bodies.fields().get("name"))), 201


@bp.get("/teams")
def list_teams() -> Response | tuple[str, int]:
    found = teams.list_for(context(), principal())
    return jsonify(found) if found else ("", 204)


@bp.get("/teams/<name>")
def info(name: str) -> Response:
    return jsonify(teams.info(context(), principal(), name))


@bp.delete("/teams/<name>")
def remove(name: str) -> Response:
    teams.remove(context(), principal(), name)
    return jsonify(message=f"Team {name} removed.")


@bp.put("/teams/<name>/<email>")
def add_user(name: str, email: str) -> Response:
    teams.add_user(context(), principal(), name, email)
    return jsonify(message=f"User {email} added to the team {name}.")


@bp.delete("/teams/<name>/<email>")
def remove_user(name: str, email: str) -> Response:
    teams.remove_user(context(), principal(), name, email)
    return jsonify(message=f"User {email} removed from the team {name}.")
