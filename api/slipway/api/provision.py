"""Deploys, rollbacks, units, restarts, custom names and swaps: the provisioner's routes.

Everything that can be refused is checked before streaming starts (a JSON
error); the work itself streams progress lines ending in ``OK`` or ``ERROR:``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ..core import apps, quota
from ..core.errors import ValidationError
from ..core.releases import ORIGINS
from ..provision import deployer, names
from ..provision.archive import MAX_ARCHIVE_BYTES
from . import bodies, streams
from .auth import context, git_deploy, principal

bp = Blueprint("provision", __name__)

UPLOAD_LIMIT = MAX_ARCHIVE_BYTES + 1024 * 1024


def _fields() -> dict[str, Any]:
    if request.mimetype == "multipart/form-data":
        merged: dict[str, Any] = {key: request.args.get(key) for key in request.args}
        merged.update({key: request.form.get(key) for key in request.form})
        return merged
    return bodies.fields()


def _count(data: dict[str, Any]) -> int:
    raw = data.get("units")
    text = str(raw).strip() if raw is not None else ""
    if not text.isdigit() or len(text) > 4:
        raise ValidationError("units must be a positive whole number")
    return int(text)


def _process(data: dict[str, Any]) -> str | None:
    value = data.get("process")
    return str(value) if value else None


@bp.post("/apps/<app>/deploy")
@git_deploy(UPLOAD_LIMIT)
def deploy(app: str) -> Response:
    ctx, who = context(), principal()
    data = _fields()
    upload = request.files.get("file")
    archive = upload.read() if upload is not None else None
    image = data.get("image") or None
    origin = str(data.get("origin") or ("app-deploy" if archive is not None else "image"))
    if origin not in ORIGINS or origin == "rollback":
        raise ValidationError(f"invalid deploy origin {origin!r}")
    if origin == "git" and who.token_id != "git-deploy":
        raise ValidationError("only the git server deploys with origin git")
    commit = str(data.get("commit") or "")[:64]
    source = deployer.check_deploy(ctx, who, app, data=archive, image=image)
    return streams.progress(
        lambda say: deployer.deploy(
            ctx, who, app, say, source=source, image=image, origin=origin, commit=commit
        ),
        deploy=True,
    )


@bp.post("/apps/<app>/deploy/rollback")
def rollback(app: str) -> Response:
    ctx, who = context(), principal()
    data = bodies.fields()
    version, image = data.get("version"), data.get("image") or None
    number = None
    if version not in (None, ""):
        text = str(version).lstrip("v")
        if not text.isdigit():
            raise ValidationError("version must be a release number such as 3 or v3")
        number = int(text)
    deployer.check_rollback(ctx, who, app, version=number, image=image)
    return streams.progress(
        lambda say: deployer.rollback(ctx, who, app, say, version=number, image=image)
    )


@bp.put("/apps/<app>/units")
def add_units(app: str) -> Response:
    ctx, who, data = context(), principal(), bodies.fields(bare="units")
    count, process = _count(data), _process(data)
    deployer.check_change(ctx, who, app)
    quota.check_units(apps.get(ctx, app), count)
    return streams.progress(lambda say: deployer.add_units(ctx, who, app, count, process, say))


@bp.delete("/apps/<app>/units")
def remove_units(app: str) -> Response:
    ctx, who, data = context(), principal(), bodies.fields(bare="units")
    count, process = _count(data), _process(data)
    deployer.check_change(ctx, who, app)
    return streams.progress(
        lambda say: deployer.remove_units_of(ctx, who, app, count, process, say)
    )


def _lifecycle(app: str, action: Any) -> Response:
    ctx, who, data = context(), principal(), bodies.fields()
    process = _process(data)
    deployer.check_change(ctx, who, app)
    return streams.progress(lambda say: action(ctx, who, app, process, say))


@bp.post("/apps/<app>/restart")
def restart(app: str) -> Response:
    return _lifecycle(app, deployer.restart)


@bp.post("/apps/<app>/start")
def start(app: str) -> Response:
    return _lifecycle(app, deployer.start)


@bp.post("/apps/<app>/stop")
def stop(app: str) -> Response:
    return _lifecycle(app, deployer.stop)


def _cnames(data: dict[str, Any]) -> list[Any]:
    value = data.get("cname")
    values = value if isinstance(value, list) else [value]
    if not values or any(v in (None, "") for v in values):
        raise ValidationError("name the cname to add or remove (cname=<name>)")
    return values


@bp.post("/apps/<app>/cname")
def add_cname(app: str) -> Response:
    ctx, who = context(), principal()
    done = [names.add_cname(ctx, who, app, value) for value in _cnames(bodies.fields())]
    return jsonify(message=" ".join(done))


@bp.delete("/apps/<app>/cname")
def remove_cname(app: str) -> Response:
    ctx, who = context(), principal()
    done = [names.remove_cname(ctx, who, app, value) for value in _cnames(bodies.fields())]
    return jsonify(message=" ".join(done))


@bp.route("/swap", methods=["POST", "PUT"])
def swap() -> Response:
    ctx, who, data = context(), principal(), bodies.fields()
    first, second = data.get("app1"), data.get("app2")
    if not isinstance(first, str) or not isinstance(second, str) or not first or not second:
        raise ValidationError("name both apps: app1 and app2")
    cname_only = bodies.flag(data, "cnameOnly", "cname-only")
    return jsonify(message=names.swap(ctx, who, first, second, cname_only))
