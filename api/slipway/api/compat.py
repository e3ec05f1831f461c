"""Routes tsuru clients call for features Slipway has no records of yet.

The 1.x client's app-info fails on any error from these, so they answer with
what is true today: there are no volumes and no service instances. The service
instance route moves to the services blueprint when services arrive.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..core import apps
from .auth import context, principal

bp = Blueprint("compat", __name__)


@bp.get("/volumes")
def volumes() -> Response:
    principal()
    return jsonify([])


@bp.get("/services/instances")
def service_instances() -> Response:
    app = request.args.get("app")
    if app:
        apps.accessible(context(), principal(), app)
    return jsonify([])
