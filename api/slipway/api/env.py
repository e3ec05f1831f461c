"""/apps/<app>/env: environment variables, in both tsuru client dialects."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..core import env
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
    data = bodies.fields()
    if any(key.startswith("Envs.") for key in data):
        values = bodies.env_form(data)
    elif isinstance(data.get("envs"), list):
        values = _env_list(data["envs"])
    else:
        flags = {"private", "noRestart", "norestart", "Private", "NoRestart"}
        values = {k: v for k, v in data.items() if k not in flags and k not in request.args}
    private = bodies.flag(data, "private", "Private")
    restart = not bodies.flag(data, "noRestart", "norestart", "NoRestart")
    names = env.set_values(context(), principal(), name, values, private=private, restart=restart)
    lines = [f"---- Setting {len(names)} new environment variables ----"]
    lines.append("Restart requested: applies when the app has units." if restart else "No restart.")
    return streams.messages(lines)


def _env_list(items: list[object]) -> dict[str, object]:
    values: dict[str, object] = {}
    for item in items:
        if not isinstance(item, dict) or "name" not in item:
            raise BadRequest('envs must be a list of {"name": ..., "value": ...}')
        values[str(item["name"])] = item.get("value", "")
    return values


@bp.delete("/apps/<name>/env")
def unset(name: str) -> Response:
    names = _requested_names()
    restart = not bodies.flag({}, "noRestart", "norestart", "NoRestart")
    removed = env.unset(context(), principal(), name, names, restart=restart)
    return streams.messages([f"---- Unsetting {len(removed)} environment variables ----"])
