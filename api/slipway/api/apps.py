"""/apps: apps, their teams, tokens and quota."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ..core import apps, quota
from ..core.context import Context
from ..provision import deployer
from . import bodies, streams
from .auth import context, principal
from .errors import BadRequest

bp = Blueprint("apps", __name__)


def unit_view(unit: dict[str, Any]) -> dict[str, Any]:
    host = unit.get("host", "")
    port = unit.get("port")
    return {
        "ID": unit.get("id", ""),
        "Name": unit.get("id", ""),
        "IP": host,
        "Ip": host,
        "Status": unit.get("status", ""),
        "ProcessName": unit.get("process", ""),
        "Address": {"Host": f"{host}:{port}" if port else host},
    }


def _lock_view(lock: dict[str, Any] | None) -> dict[str, Any]:
    if not lock:
        return {"Locked": False}
    return {
        "Locked": True,
        "Reason": lock.get("action", ""),
        "Owner": lock.get("owner", ""),
        "AcquireDate": lock.get("since", ""),
    }


def app_view(ctx: Context, doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": doc["name"],
        "platform": doc["platform"],
        "teams": doc.get("teams", []),
        "owner": doc.get("owner", ""),
        "teamowner": doc.get("teamowner", ""),
        "description": doc.get("description", ""),
        "ip": apps.address(ctx, doc["name"]),
        "cname": doc.get("cname", []),
        "repository": apps.repository_url(ctx, doc["name"]),
        "deploys": doc.get("deploys", 0),
        "plan": doc.get("plan", {}),
        "pool": doc.get("pool", ""),
        "router": "hipache",
        "tags": doc.get("tags", []),
        "lock": _lock_view(doc.get("lock")),
        "ready": doc.get("deploys", 0) > 0,
        "units": [unit_view(unit) for unit in doc.get("units", [])],
        "processes": doc.get("processes", {}),
        "release": {
            "version": (doc.get("release") or {}).get("version"),
            "image": (doc.get("release") or {}).get("image", ""),
            "digest": (doc.get("release") or {}).get("digest", ""),
        },
    }


@bp.post("/apps")
def create() -> tuple[Response, int]:
    data = bodies.fields()
    ctx = context()
    doc = apps.create(
        ctx,
        principal(),
        data.get("name"),
        data.get("platform"),
        data.get("teamOwner") or data.get("teamowner"),
        data.get("description"),
    )
    return jsonify(
        status="success",
        repository_url=apps.repository_url(ctx, doc["name"]),
        ip=apps.address(ctx, doc["name"]),
    ), 201


@bp.get("/apps")
def list_apps() -> Response | tuple[str, int]:
    ctx = context()
    found = apps.list_for(ctx, principal())
    if not found:
        return "", 204
    return jsonify([app_view(ctx, doc) for doc in found])


@bp.get("/apps/<name>")
def info(name: str) -> Response:
    ctx = context()
    return jsonify(app_view(ctx, apps.accessible(ctx, principal(), name)))


@bp.put("/apps/<name>")
def update(name: str) -> Response:
    """app-update: ``description``, ``plan``, ``pool``, ``teamOwner``, ``platform``.

    Empty fields (the 1.x client sends every field) leave that property as it is.
    """
    data = bodies.fields()

    def given(*keys: str) -> Any:
        for key in keys:
            value = data.get(key)
            if isinstance(value, dict):
                value = value.get("name")
            if value not in (None, ""):
                return value
        return None

    doc = apps.update(
        context(),
        principal(),
        name,
        description=given("description"),
        plan=given("plan"),
        pool=given("pool"),
        team_owner=given("teamOwner", "teamowner"),
        platform=given("platform"),
    )
    return streams.messages([f'App "{doc["name"]}" has been updated.'])


@bp.post("/apps/<name>/team-owner")
def set_team_owner(name: str) -> Response:
    """The 2014 client's app-team-owner-set: the raw body is the team's name."""
    if bodies.is_form():
        team: Any = request.form.get("teamOwner") or request.form.get("team")
    else:
        try:
            team = bodies.parsed()
        except BadRequest:
            team = request.get_data(as_text=True).strip()
        if isinstance(team, dict):
            team = team.get("teamOwner") or team.get("team")
    if not isinstance(team, str) or not team.strip():
        raise BadRequest("Name the team that will own the app (the body is its name).")
    doc = apps.update(context(), principal(), name, team_owner=team.strip())
    return jsonify(message=f'Team "{doc["teamowner"]}" now owns the app {doc["name"]}.')


@bp.delete("/apps/<name>")
def remove(name: str) -> Response:
    deployer.destroy_app(context(), principal(), name)
    return streams.messages([f'---- Removing app "{name}" ----'])


@bp.put("/apps/<name>/teams/<team>")
def grant(name: str, team: str) -> Response:
    apps.grant(context(), principal(), name, team)
    return jsonify(message=f"Team {team} now has access to the app {name}.")


@bp.delete("/apps/<name>/teams/<team>")
def revoke(name: str, team: str) -> Response:
    apps.revoke(context(), principal(), name, team)
    return jsonify(message=f"Team {team} no longer has access to the app {name}.")


@bp.post("/apps/<name>/tokens")
def issue_token(name: str) -> tuple[Response, int]:
    return jsonify(token=apps.issue_token(context(), principal(), name)), 201


@bp.delete("/apps/<name>/tokens")
def revoke_tokens(name: str) -> Response:
    apps.revoke_tokens(context(), principal(), name)
    return jsonify(message=f"The tokens of {name} were revoked.")


@bp.get("/apps/<name>/quota")
def app_quota(name: str) -> Response:
    return jsonify(quota.app_quota(apps.accessible(context(), principal(), name)))


@bp.put("/apps/<name>/quota")
def set_app_quota(name: str) -> Response:
    limit = bodies.fields().get("limit")
    return jsonify(quota.set_app_limit(context(), principal(), name, limit))
