"""Gandalf's REST API: a Flask application factory.

Successes answer in plain text as Gandalf does (JSON where Gandalf sends
JSON); errors are plain text too, or ``{"error": "..."}`` when the client
accepts JSON. Every route but ``/healthcheck`` needs the shared secret in
``Authorization: bearer <token>``.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from ..store import Store, StoreError
from . import bare, resync
from .config import GandalfConfig
from .errors import BadRequest, GandalfError, Unauthorized
from .service import Gandalf

log = logging.getLogger("slipway.gandalf")
bp = Blueprint("gandalf", __name__)
OPEN_ENDPOINTS = frozenset({"gandalf.healthcheck"})
MAX_LOG_TOTAL = 1000


def _gandalf() -> Gandalf:
    return current_app.extensions["gandalf"]


def _text(message: str, status: int = 200) -> Response:
    return Response(message, status=status, mimetype="text/plain")


def _json_body() -> Any:
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise BadRequest("Could not parse the request body as JSON")
    return body


def _quoted(names: list[str]) -> str:
    return ", ".join(names)


# users and keys ------------------------------------------------------------------------


@bp.post("/user")
def create_user() -> Response:
    body = _json_body()
    if not isinstance(body, dict):
        raise BadRequest('The body must be {"name": ..., "keys": {...}}')
    _gandalf().create_user(body.get("name"), body.get("keys"))
    return _text(f'User "{body["name"]}" successfully created')


@bp.delete("/user/<name>")
def remove_user(name: str) -> Response:
    _gandalf().remove_user(name)
    return _text(f'User "{name}" successfully removed')


@bp.post("/user/<name>/key")
def add_keys(name: str) -> Response:
    _gandalf().add_keys(name, _json_body())
    return _text("Key(s) successfully created")


@bp.delete("/user/<name>/key/<keyname>")
def remove_key(name: str, keyname: str) -> Response:
    _gandalf().remove_key(name, keyname)
    return _text(f'Key "{keyname}" successfully removed')


@bp.get("/user/<name>/keys")
def list_keys(name: str) -> Response:
    return jsonify(_gandalf().list_keys(name))


# repositories --------------------------------------------------------------------------


@bp.post("/repository")
def create_repository() -> Response:
    name = _gandalf().create_repository(_json_body())
    return _text(f'Repository "{name}" successfully created')


@bp.post("/repository/grant")
def grant() -> Response:
    readonly = request.args.get("readonly", "").lower() in ("yes", "true", "1")
    repositories, users = _gandalf().grant(_json_body(), readonly)
    kind = "read-only access" if readonly else "access"
    return _text(
        f'Successfully granted {kind} to users "{_quoted(users)}" '
        f'into repository "{_quoted(repositories)}"'
    )


@bp.delete("/repository/revoke")
def revoke() -> Response:
    repositories, users = _gandalf().revoke(_json_body())
    return _text(
        f'Successfully revoked access to users "{_quoted(users)}" '
        f'into repositories "{_quoted(repositories)}"'
    )


@bp.get("/repository/<path:name>")
def get_repository(name: str) -> Response:
    return jsonify(_gandalf().repository_info(name))


@bp.delete("/repository/<path:name>")
def remove_repository(name: str) -> Response:
    _gandalf().remove_repository(name)
    return _text(f'Repository "{name}" successfully removed')


@bp.put("/repository/<path:name>")
def update_repository(name: str) -> Response:
    _gandalf().update_repository(name, _json_body())
    return _text(f'Repository "{name}" successfully updated')


# read-only helpers ---------------------------------------------------------------------


def _existing_path(name: str) -> str:
    gandalf = _gandalf()
    gandalf.require_repository(name)
    return gandalf.repository_path(name)


@bp.get("/repository/<path:name>/archive")
def archive(name: str) -> Response:
    data, mimetype, filename = bare.archive(
        _existing_path(name), name, request.args.get("ref"), request.args.get("format")
    )
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private"
    return response


@bp.get("/repository/<path:name>/contents")
def contents(name: str) -> Response:
    data = bare.contents(_existing_path(name), request.args.get("ref"), request.args.get("path"))
    try:
        data.decode("utf-8")
        mimetype = "text/plain"
    except UnicodeDecodeError:
        mimetype = "application/octet-stream"
    return Response(data, mimetype=mimetype)


@bp.get("/repository/<path:name>/tree")
def tree(name: str) -> Response:
    path = request.args.get("path")
    return jsonify(bare.tree(_existing_path(name), request.args.get("ref"), path))


def _links_base(name: str) -> str:
    return f"{request.host_url.rstrip('/')}/repository/{name}"


@bp.get("/repository/<path:name>/branches")
def branches(name: str) -> Response:
    return jsonify(bare.branches(_existing_path(name), _links_base(name)))


@bp.get("/repository/<path:name>/tags")
def tags(name: str) -> Response:
    return jsonify(bare.tags(_existing_path(name), _links_base(name)))


@bp.get("/repository/<path:name>/diff/commits")
def diff(name: str) -> Response:
    args = request.args
    text = bare.diff(_existing_path(name), args.get("previous_commit"), args.get("last_commit"))
    return _text(text)


@bp.get("/repository/<path:name>/logs")
def logs(name: str) -> Response:
    raw_total = request.args.get("total", "10")
    if not raw_total.isdigit() or not 0 < int(raw_total) <= MAX_LOG_TOTAL:
        raise BadRequest(f"total must be a number between 1 and {MAX_LOG_TOTAL}")
    path = request.args.get("path")
    return jsonify(bare.logs(_existing_path(name), request.args.get("ref"), path, int(raw_total)))


# hooks, health, resync -----------------------------------------------------------------


@bp.post("/hook/<name>")
def hook(name: str) -> Response:
    repositories: list[str] | None = None
    if request.mimetype == "application/json":
        body = _json_body()
        if not isinstance(body, dict) or not isinstance(body.get("content", ""), str):
            raise BadRequest('The body must be {"repositories": [...], "content": "..."}')
        repositories = body.get("repositories") or None
        if repositories is not None and not isinstance(repositories, list):
            raise BadRequest("repositories must be a list of names")
        content = body.get("content", "").encode("utf-8")
    else:
        content = request.get_data()
    if not content:
        raise BadRequest("The hook's content is empty")
    _gandalf().write_hook(name, content, repositories)
    return _text(f"hook {name} successfully created")


@bp.get("/healthcheck")
@bp.get("/healthcheck/")
def healthcheck() -> Response:
    try:
        _gandalf().ping()
    except StoreError as exc:
        return _text(f"Failed to connect to the database: {exc}", 500)
    return _text("WORKING")


@bp.post("/resync")
def resync_all() -> Response:
    return jsonify(resync.apply(_gandalf(), _json_body()))


# application ---------------------------------------------------------------------------


def _error(status: int, message: str) -> Response:
    accept = request.accept_mimetypes
    if accept["application/json"] > accept["text/plain"]:
        response = jsonify(error=message)
        response.status_code = status
    else:
        response = _text(message + "\n", status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="gandalf"'
    return response


def _authorize(token: str) -> None:
    if request.endpoint in OPEN_ENDPOINTS:
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    given = given.strip()
    valid = scheme.lower() == "bearer" and hmac.compare_digest(
        given.encode("utf-8"), token.encode("utf-8")
    )
    if not valid:
        raise Unauthorized("A valid token is required: Authorization: bearer <token>")


def create_app(config: GandalfConfig, store: Store | None = None) -> Flask:
    """The git server's API for ``config``; ``store`` defaults to ``database:url``."""
    app = Flask("slipway.gandalf")
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["gandalf"] = Gandalf(config, store)
    token = config.token()
    app.register_blueprint(bp)

    @app.before_request
    def authorize() -> None:
        _authorize(token)

    @app.errorhandler(GandalfError)
    def gandalf_error(exc: GandalfError) -> Response:
        if exc.status >= 500:
            log.error("%s", exc.message)
        return _error(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return _error(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return _error(500, "Internal server error; the server's log has the details.")

    logging.getLogger("slipway.gandalf").setLevel(config["log-level"].upper())
    return app
