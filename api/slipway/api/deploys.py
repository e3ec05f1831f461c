"""/deploys: every deploy of the apps a user can see, newest first."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..core import releases
from .auth import context, principal
from .errors import BadRequest

bp = Blueprint("deploys", __name__)


def _number(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 6:
        raise BadRequest(f"{name} must be a whole number")
    return int(raw)


@bp.get("/deploys")
def list_deploys() -> Response | tuple[str, int]:
    found = releases.list_for(
        context(),
        principal(),
        request.args.get("app") or None,
        skip=_number("skip", 0),
        limit=_number("limit", 20),
    )
    return jsonify(found) if found else ("", 204)


@bp.get("/deploys/<deploy_id>")
def deploy_info(deploy_id: str) -> Response:
    return jsonify(releases.get_deploy(context(), principal(), deploy_id))
