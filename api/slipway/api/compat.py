"""Routes tsuru clients call for features Slipway has no records of yet.

The 1.x client's app-info fails on any error from these, so they answer with
what is true today: there are no volumes and no service instances. The service
instance route moves to the services blueprint when services arrive.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ..core import apps
from .auth import context, principal

bp = Blueprint("compat", __name__)


@bp.get("/volumes")
def volumes() -> Response:
    principal()
    return jsonify([])


@bp.get("/docker/node/apps/<app>/containers")
def app_containers(app: str) -> Response:
    """The 2014 client's app-info lists an app's containers here: its units."""
    doc = apps.accessible(context(), principal(), app)
    return jsonify([_container(doc, unit) for unit in doc.get("units", [])])


def _container(doc: dict[str, Any], unit: dict[str, Any]) -> dict[str, Any]:
    return {
        "ID": unit.get("id", ""),
        "AppName": doc["name"],
        "Type": doc.get("platform", ""),
        "ProcessName": unit.get("process", ""),
        "IP": unit.get("host", ""),
        "HostAddr": unit.get("host", ""),
        "HostPort": str(unit.get("port") or ""),
        "Status": unit.get("status", ""),
    }


@bp.get("/services/instances")
def service_instances() -> Response:
    app = request.args.get("app")
    if app:
        apps.accessible(context(), principal(), app)
    return jsonify([])
