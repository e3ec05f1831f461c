"""Every error leaves the API as one readable message; never a stack trace.

Slipway's CLI, the Ansible modules and scripts get JSON ``{"error": "..."}``;
tsuru clients, which print an error body as it is, get the bare message as
text, as tsuru sends it (the rule: ``dialect.plain_errors``).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from ..core.errors import AuthenticationError, DomainError
from ..store import StoreUnavailableError
from . import dialect

log = logging.getLogger("slipway.api")
AUTH_CHALLENGE = 'Bearer realm="tsuru" scope="tsuru"'


def error_response(status: int, message: str) -> Response:
    if dialect.plain_errors():
        response = Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    else:
        response = jsonify(error=message)
        response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = AUTH_CHALLENGE
    return response


class BadRequest(DomainError):
    """The request itself is malformed (body, parameters)."""

    status = 400


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        return error_response(exc.status, exc.message)

    @app.errorhandler(AuthenticationError)
    def authentication_error(exc: AuthenticationError) -> Response:
        return error_response(401, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(StoreUnavailableError)
    def store_down(exc: StoreUnavailableError) -> Response:
        log.error("store unavailable: %s", exc)
        return error_response(503, "The database is unavailable; try again shortly.")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "Internal server error; the operator's log has the details.")
