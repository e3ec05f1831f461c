"""The HTTP API: a Flask application factory, one blueprint per resource."""

from __future__ import annotations

import logging

from flask import Flask, Response

from .. import __version__
from ..config import Config
from ..core.context import Context, prepare
from ..store import Store, open_store
from . import (
    apps,
    auth,
    catalog,
    compat,
    deploys,
    env,
    errors,
    health,
    keys,
    nodes,
    platforms,
    provision,
    quota,
    teams,
    tokens,
    users,
)
from .versioning import SUPPORTED_TSURU, VersionPrefix

BLUEPRINTS = (
    health,
    users,
    tokens,
    keys,
    teams,
    apps,
    env,
    deploys,
    provision,
    platforms,
    quota,
    nodes,
    catalog,
    compat,
)


def create_app(config: Config, store: Store | None = None) -> Flask:
    """Build the API for ``config``; ``store`` defaults to the one database:url names."""
    app = Flask("slipway")
    app.config["MAX_CONTENT_LENGTH"] = 8 * 1024 * 1024
    app.json.sort_keys = False  # type: ignore[attr-defined]
    ctx: Context = prepare(
        store or open_store(config["database:url"], config["database:name"]), config
    )
    app.extensions["slipway"] = ctx
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    auth.install(app)
    errors.register(app)

    @app.after_request
    def version_headers(response: Response) -> Response:
        response.headers["Supported-Tsuru"] = SUPPORTED_TSURU
        response.headers["X-Slipway-Version"] = __version__
        return response

    app.wsgi_app = VersionPrefix(app.wsgi_app)  # type: ignore[method-assign]
    logging.getLogger("slipway").setLevel(config["log-level"].upper())
    return app
