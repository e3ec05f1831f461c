"""Liveness and the auth scheme clients ask for before logging in."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify

from ..store import StoreUnavailableError
from .auth import context, public

bp = Blueprint("health", __name__)
log = logging.getLogger("slipway.api")


@bp.get("/healthcheck")
@bp.get("/healthcheck/")
@public
def healthcheck() -> Response:
    try:
        context().store.ping()
    except StoreUnavailableError as exc:
        log.error("healthcheck: %s", exc)
        return Response("database unavailable", status=500, mimetype="text/plain")
    return Response("WORKING", mimetype="text/plain")


@bp.get("/auth/scheme")
@public
def auth_scheme() -> Response:
    return jsonify(name="native", data={})
