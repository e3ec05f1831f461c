"""/teams: teams and their members."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ..core import teams
from . import bodies, dialect
from .apps import app_view
from .auth import context, principal

bp = Blueprint("teams", __name__)


@bp.post("/teams")
def create() -> tuple[Response, int]:
    return jsonify(teams.create(context(), principal(), bodies.fields().get("name"))), 201


@bp.get("/teams")
def list_teams() -> Response | tuple[str, int]:
    """Each team with its members; tsuru clients get names only (2014: a map of strings)."""
    found = teams.list_for(context(), principal())
    if not found:
        return "", 204
    if dialect.tsuru_client():
        return jsonify([{"name": team["name"]} for team in found])
    return jsonify(found)


@bp.get("/teams/<name>")
def info(name: str) -> Response:
    """``{"name", "users"}``; the 1.x client's team-info gets users as objects, and the apps."""
    ctx, who = context(), principal()
    team = teams.info(ctx, who, name)
    if not dialect.tsuru_1x():
        return jsonify(team)
    return jsonify(
        name=team["name"],
        tags=[],
        users=[_member(email, team["name"]) for email in team["users"]],
        pools=[],
        apps=[app_view(ctx, doc) for doc in teams.apps_of(ctx, who, name)],
    )


def _member(email: str, team: str) -> dict[str, Any]:
    role = {"name": "team-member", "contexttype": "team", "contextvalue": team}
    return {"Email": email, "Roles": [role], "Permissions": []}


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
