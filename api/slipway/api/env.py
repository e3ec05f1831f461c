"""/apps/<app>/env: environment variables, in both tsuru client dialects."""

from __future__ import annotations

from collections.abc import Callable

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
    digests = bodies.flag({}, "digests")
    return jsonify(env.get(context(), principal(), name, _requested_names(), digests=digests))


@bp.post("/apps/<name>/env/digests")
def digests(name: str) -> Response:
    """JSON ``{"NAME": "candidate"}`` -> ``{"NAME": "hmac-sha256:..."}``; nothing is stored."""
    body = bodies.parsed()
    if not isinstance(body, dict):
        raise BadRequest('Send the candidate values as a JSON object {"NAME": "value"}.')
    return jsonify(env.digests(context(), principal(), name, body))


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
    return _answer(name, f"---- Setting {len(names)} new environment variables ----", restart)


@bp.delete("/apps/<name>/env")
def unset(name: str) -> Response:
    names = _requested_names()
    restart = not bodies.flag({}, "noRestart", "norestart", "NoRestart")
    removed = env.unset(context(), principal(), name, names, restart=restart)
    heading = f"---- Unsetting {len(removed)} environment variables ----"
    return _answer(name, heading, restart and bool(removed))


def _answer(app: str, heading: str, restart: bool) -> Response:
    """The change is stored; stream the restart that lets the units see it, if any."""
    if not restart:
        return streams.messages([heading, "No restart."])
    ctx, who = context(), principal()
    if not any(u.get("status") == "started" for u in apps.get(ctx, app).get("units", [])):
        return streams.messages(
            [heading, "The app has no running units: the change applies when it starts."]
        )

    def work(say: Callable[[str], None]) -> None:
        say(heading)
        try:
            deployer.restart(ctx, who, app, None, say)
        except DomainError as exc:
            raise DomainError(
                f"The variables are set, but the restart failed: {exc.message}"
            ) from exc

    return streams.progress(work)
