"""Bearer-token authentication: every route requires a token unless marked public."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, request

from ..core import tokens
from ..core.context import Context
from ..core.errors import AuthenticationError
from ..core.principal import Principal

View = TypeVar("View", bound=Callable[..., Any])


def public(view: View) -> View:
    """Mark a view reachable without a token (a token, when sent, is still read)."""
    view.slipway_public = True  # type: ignore[attr-defined]
    return view


def git_deploy(max_upload: int) -> Callable[[View], View]:
    """Accept the git server's deploy token (naming the pusher) and uploads up to ``max_upload``."""

    def mark(view: View) -> View:
        view.slipway_git_deploy = True  # type: ignore[attr-defined]
        view.slipway_max_upload = max_upload  # type: ignore[attr-defined]
        return view

    return mark


def _pusher(token: str | None) -> Principal | None:
    if not tokens.is_deploy_token(context(), token):
        return None
    return tokens.resolve_pusher(
        context(), token, request.args.get("user") or request.form.get("user")
    )


def is_public(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, "slipway_public", False))


def context() -> Context:
    return current_app.extensions["slipway"]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "").strip()
    scheme, _, value = header.partition(" ")
    if scheme.lower() not in ("bearer", "b64") or not value.strip():
        return None
    return value.strip()


def principal() -> Principal:
    found = g.get("principal")
    if found is None:
        raise AuthenticationError(tokens.INVALID)
    return found


def optional_principal() -> Principal | None:
    return g.get("principal")


def install(app: Flask) -> None:
    @app.before_request
    def authenticate() -> None:
        view = app.view_functions.get(request.endpoint or "")
        if view is None:
            return
        token = bearer_token()
        if getattr(view, "slipway_max_upload", None):
            request.max_content_length = view.slipway_max_upload
        if getattr(view, "slipway_git_deploy", False) and (pusher := _pusher(token)):
            g.principal = pusher
            return
        if is_public(view):
            if token:
                try:
                    g.principal = tokens.resolve(context(), token)
                except AuthenticationError:
                    g.principal = None
            return
        g.principal = tokens.resolve(context(), token)
