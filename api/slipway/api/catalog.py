"""/plans, /pools, /routers: what an app can be placed on (tsuru 1.x asks for them)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core import catalog
from .auth import context, principal

bp = Blueprint("catalog", __name__)


@bp.get("/plans")
def plans() -> Response:
    return jsonify(catalog.plans(context(), principal()))


@bp.get("/pools")
def pools() -> Response | tuple[str, int]:
    found = catalog.pools(context(), principal())
    return jsonify(found) if found else ("", 204)


@bp.get("/routers")
def routers() -> Response:
    return jsonify(catalog.routers(context(), principal()))
