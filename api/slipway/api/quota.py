"""/quota/<user>: how many apps a user may own."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core import quota
from . import bodies
from .auth import context, principal

bp = Blueprint("quota", __name__)


def _view(found: dict[str, int]) -> dict[str, int]:
    limit, inuse = found["limit"], found["inuse"]
    available = -1 if limit == quota.UNLIMITED else max(limit - inuse, 0)
    return {"limit": limit, "inuse": inuse, "items": limit, "available": available}


@bp.get("/quota/<email>")
def user_quota(email: str) -> Response:
    return jsonify(_view(quota.user_quota(context(), principal(), email)))


@bp.get("/users/<email>/quota")
def user_quota_1x(email: str) -> Response:
    """The 1.x client's path for the same quota."""
    return user_quota(email)


@bp.put("/quota/<email>")
def set_user_quota(email: str) -> Response:
    limit = bodies.fields().get("limit")
    return jsonify(_view(quota.set_user_limit(context(), principal(), email, limit)))
