"""/apps/<app>/env: environment variables, in both tsuru client dialects."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..core import apps, env
from ..core.errors import DomainError
from ..provision import deployer
from . import bodies, streams
from .auth import context, principal
from .errors import BadRequest

bp = Blueprint("env", __name__)


def _requested_names() -> list[str]:
    names = request.args.getlist("env") or request.args.getlist("envs")
    if names:
        return names
    body = bodies.parsed()
    if body is None:
        return []
    if isinstance(body, list) and all(isinstance(n, str) for n in body):
        return body
    raise BadRequest("Name the variables as a JSON list of strings or ?env=NAME.")


@bp.get("/apps/<name>/env")
def get(name: str) -> Response:
    return jsonify(env.get(context(), principal(), name, _requested_names()))


@bp.post("/apps/<name>/env")
def set_values(name: str) -> Response:
    """JSON ``{"NAME": "value"}`` with ``?private=1&noRestart=1``, or the 1.x ``Envs.N.*`` form."""
    body = bodies.parsed()
    if not isinstance(body, dict):
        raise BadRequest('Send the variables as a JSON object {"NAME": "value"}.')
    if bodies.is_form() or any(key.startswith("Envs.") for key in body):
        values = bodies.env_form(body)
        flags = body
    else:
        values, flags = body, {}
    private = bodies.flag(flags, "private", "Private")
    restart = not bodies.flag(flags, "noRestart", "norestart", "NoRestart")
    names = env.set_values(context(), principal(), name, values, private=private, restart=restart)
    lines = [f"---- Setting {len(names)} new environment variables ----"]
    return streams.messages(lines + _restart(name, restart))


@bp.delete("/apps/<name>/env")
def unset(name: str) -> Response:
    names = _requested_names()
    restart = not bodies.flag({}, "noRestart", "norestart", "NoRestart")
    removed = env.unset(context(), principal(), name, names, restart=restart)
    lines = [f"---- Unsetting {len(removed)} environment variables ----"]
    return streams.messages(lines + _restart(name, restart and bool(removed)))


def _restart(app: str, wanted: bool) -> list[str]:
    """Restart the app's units so they see the change; the change is stored either way."""
    if not wanted:
        return ["No restart."]
    ctx, who = context(), principal()
    if not any(u.get("status") == "started" for u in apps.get(ctx, app).get("units", [])):
        return ["The app has no running units: the change applies when it starts."]
    lines: list[str] = []
    try:
        deployer.restart(ctx, who, app, None, lines.append)
    except DomainError as exc:
        lines.append(f"The variables are set, but the restart failed: {exc.message}")
    return lines
