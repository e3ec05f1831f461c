"""Releases: every deploy is recorded, numbered, and can be rolled back to.

A deploy starts as ``running`` with the next version number of its app (an
atomic counter), collects its log, and ends ``succeeded`` or ``failed``. Only a
succeeded deploy becomes the app's current release and joins the image
history; the history keeps the newest ``keep`` images and names the rest so
the provisioner removes them from nodes and registry. A rollback is a new
release that reuses an older release's image and environment.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from . import schema
from .apps import accessible, get
from .apps import list_for as apps_list_for
from .context import Context
from .errors import DomainError, NotFound, ValidationError
from .principal import APP, Principal

ORIGINS = frozenset({"git", "app-deploy", "image", "rollback"})
RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"
DEFAULT_KEEP = 10
MAX_LOG_CHUNKS = 5000
NANOSECONDS = 1_000_000_000
_OBJECT_ID = re.compile(r"[0-9a-f]{24}")
_LEGACY_ID = re.compile(r"[0-9a-f]{32}")


def new_id(ctx: Context) -> str:
    """A deploy id shaped like a MongoDB ObjectId (24 hex digits: seconds, then random).

    tsuru 1.x clients decode a deploy's ``ID`` as an ObjectId. Deploys recorded
    before this shape (32 hex digits) are shown by their first 24 digits, which
    :func:`find_deploy` resolves too.
    """
    return f"{int(ctx.now().timestamp()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"


def public_id(deploy_id: str) -> str:
    return deploy_id[:24] if _LEGACY_ID.fullmatch(deploy_id) else deploy_id


def find_deploy(ctx: Context, deploy_id: str) -> dict[str, Any] | None:
    """The deploy with this id, or with a legacy id this one is the public form of."""
    found = ctx.store.get(schema.DEPLOYS, deploy_id)
    if found is not None or not _OBJECT_ID.fullmatch(deploy_id):
        return found
    for doc in ctx.store.find(schema.DEPLOYS):
        if _LEGACY_ID.fullmatch(doc["_id"]) and doc["_id"].startswith(deploy_id):
            return doc
    return None


def image_name(registry: str, app: str, version: int) -> str:
    repository = f"app-{app}:v{version}"
    return f"{registry.rstrip('/')}/{repository}" if registry else repository


def begin(
    ctx: Context,
    principal: Principal,
    app: str,
    origin: str,
    *,
    registry: str = "",
    commit: str = "",
    image: str | None = None,
    digest: str = "",
) -> dict[str, Any]:
    """Open a deploy record with the app's next version; ``image`` reuses an existing image.

    ``digest`` is the source's content digest (``archive.source_digest``), kept
    in the release so clients deploy only when their source changed.
    """
    accessible(ctx, principal, app)
    if origin not in ORIGINS:
        raise ValidationError(f"invalid deploy origin {origin!r}")
    counted = ctx.store.update_one(schema.APPS, {"_id": app}, {"$inc": {"release_counter": 1}})
    if counted is None:
        raise NotFound(f"App {app} not found.")
    version = counted["release_counter"]
    doc = {
        "_id": new_id(ctx),
        "app": app,
        "version": version,
        "image": image or image_name(registry, app, version),
        "origin": origin,
        "commit": commit,
        "digest": digest,
        "user": principal.name,
        "status": RUNNING,
        "started": ctx.timestamp(),
        "finished": None,
        "duration": None,
        "error": "",
        "log": [],
    }
    ctx.store.insert(schema.DEPLOYS, doc)
    return doc


def log(ctx: Context, deploy_id: str, text: str) -> None:
    ctx.store.update_one(
        schema.DEPLOYS,
        {"_id": deploy_id, "status": RUNNING, f"log.{MAX_LOG_CHUNKS}": {"$exists": False}},
        {"$push": {"log": text}},
    )


def _seconds(ctx: Context, started: str) -> float:
    return round((ctx.now() - dt.datetime.fromisoformat(started)).total_seconds(), 3)


def finish(
    ctx: Context,
    deploy_id: str,
    *,
    error: str = "",
    env: dict[str, Any] | None = None,
    processes: dict[str, str] | None = None,
    keep: int = DEFAULT_KEEP,
    image_command: bool = False,
) -> list[str]:
    """Close a deploy; on success make it current and return the images to delete.

    ``image_command``: the units run the image's own ENTRYPOINT/CMD, and
    ``processes`` only describes it (an image Slipway did not build).
    """
    deploy = ctx.store.get(schema.DEPLOYS, deploy_id)
    if deploy is None or deploy["status"] != RUNNING:
        raise ValidationError("this deploy is not running")
    status = FAILED if error else SUCCEEDED
    done = {
        "status": status,
        "error": error,
        "finished": ctx.timestamp(),
        "duration": _seconds(ctx, deploy["started"]),
    }
    if status == SUCCEEDED:
        done["env"] = env if env is not None else get(ctx, deploy["app"]).get("env", {})
        done["processes"] = processes or {}
        done["image_command"] = image_command
    ctx.store.update_one(schema.DEPLOYS, {"_id": deploy_id}, {"$set": done})
    if status == FAILED:
        return []
    release = {
        "version": deploy["version"],
        "image": deploy["image"],
        "deploy": deploy_id,
        "digest": deploy.get("digest", ""),
    }
    app = ctx.store.update_one(
        schema.APPS,
        {"_id": deploy["app"]},
        {
            "$set": {"release": release},
            "$inc": {"deploys": 1},
            "$addToSet": {"images": deploy["image"]},
        },
    )
    if app is None:
        return []
    images = app.get("images", [])
    stale = images[: max(len(images) - max(keep, 1), 0)]
    for image in stale:
        ctx.store.update_one(schema.APPS, {"_id": deploy["app"]}, {"$pull": {"images": image}})
    return stale


def view(deploy: dict[str, Any], app: dict[str, Any] | None = None) -> dict[str, Any]:
    """A deploy as clients see it: no environment values, rollback only to kept images.

    ``Duration`` is in nanoseconds (tsuru's ``time.Duration``), ``ID`` 24 hex digits.
    """
    kept = set(app.get("images", [])) if app else set()
    seconds = deploy.get("duration")
    return {
        "ID": public_id(deploy["_id"]),
        "App": deploy["app"],
        "Version": deploy["version"],
        "Image": deploy["image"],
        "Origin": deploy["origin"],
        "Commit": deploy.get("commit", ""),
        "Digest": deploy.get("digest", ""),
        "User": deploy.get("user", ""),
        "Status": deploy["status"],
        "Timestamp": deploy["started"],
        "Duration": round(seconds * NANOSECONDS) if seconds is not None else None,
        "Error": deploy.get("error", ""),
        "CanRollback": deploy["status"] == SUCCEEDED and deploy["image"] in kept,
    }


def list_for(
    ctx: Context, principal: Principal, app: str | None = None, skip: int = 0, limit: int = 20
) -> list[dict[str, Any]]:
    if skip < 0 or not 0 < limit <= 500:
        raise ValidationError("skip must be >= 0 and limit between 1 and 500")
    if app:
        apps = {app: accessible(ctx, principal, app)}
    elif principal.kind == APP or not principal.is_admin:
        apps = {doc["_id"]: doc for doc in apps_list_for(ctx, principal)}
    else:
        apps = None
    query = {"app": {"$in": sorted(apps)}} if apps is not None else {}
    found = ctx.store.find(
        schema.DEPLOYS, query, sort=[("started", -1), ("version", -1)], skip=skip, limit=limit
    )
    lookup = apps if apps is not None else {}
    return [view(d, lookup.get(d["app"]) or ctx.store.get(schema.APPS, d["app"])) for d in found]


def get_deploy(ctx: Context, principal: Principal, deploy_id: str) -> dict[str, Any]:
    deploy = find_deploy(ctx, deploy_id)
    if deploy is None:
        raise NotFound("Deploy not found.")
    app = accessible(ctx, principal, deploy["app"])
    return {**view(deploy, app), "Log": "".join(deploy.get("log", []))}


def rollback_source(
    ctx: Context,
    principal: Principal,
    app: str,
    *,
    version: int | None = None,
    image: str | None = None,
) -> dict[str, Any]:
    """The succeeded release to roll back to, named by version or image; its image must be kept."""
    doc = accessible(ctx, principal, app)
    if (version is None) == (image is None):
        raise ValidationError("name the release to roll back to: a version or an image")
    query: dict[str, Any] = {"app": app, "status": SUCCEEDED}
    query.update({"version": version} if version is not None else {"image": image})
    found = ctx.store.find(schema.DEPLOYS, query, sort=[("version", -1)], limit=1)
    if not found:
        raise NotFound(f"No successful release of {app} matches.")
    if found[0]["image"] not in doc.get("images", []):
        raise ValidationError(
            f"The image of release v{found[0]['version']} is no longer kept; "
            "choose one of the last releases."
        )
    return found[0]


def built_with(ctx: Context, principal: Principal, app: str, image: str) -> dict[str, Any] | None:
    """The succeeded release that recorded processes for ``image``, for an image deploy.

    Images Slipway builds have no CMD: what they run is the Procfile recorded
    with the release that built them. The app's own releases come first, then
    those of other apps the principal may reach; None when no release did.
    """
    found = ctx.store.find(
        schema.DEPLOYS, {"image": image, "status": SUCCEEDED}, sort=[("finished", -1)]
    )
    found.sort(key=lambda deploy: deploy["app"] != app)
    for deploy in found:
        if not any((deploy.get("processes") or {}).values()):
            continue
        if deploy["app"] != app:
            try:
                accessible(ctx, principal, deploy["app"])
            except DomainError:
                continue
        return deploy
    return None
