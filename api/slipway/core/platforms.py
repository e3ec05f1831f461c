"""Platforms: the build images apps are created on (python, nodejs, static, ...)."""

from __future__ import annotations

from typing import Any

from . import schema, validation
from .context import Context
from .errors import NotFound, PermissionDenied, ValidationError
from .principal import Principal, require_admin, require_user
from .store_errors import translate_duplicates


def _view(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": doc["_id"],
        "disabled": bool(doc.get("disabled")),
        "image": doc.get("image", ""),
        "built": doc.get("built", ""),
    }


def list_all(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    require_user(principal)
    docs = ctx.store.find(schema.PLATFORMS, sort=[("_id", 1)])
    if not principal.is_admin:
        docs = [d for d in docs if not d.get("disabled")]
    return [_view(d) for d in docs]


def get(ctx: Context, name: str) -> dict[str, Any]:
    doc = ctx.store.get(schema.PLATFORMS, name)
    if doc is None:
        raise NotFound(f"Platform {name} not found.")
    return doc


def usable(ctx: Context, name: Any) -> str:
    """The name of a platform an app may be created on."""
    platform = validation.text(name, "platform")
    doc = ctx.store.get(schema.PLATFORMS, platform)
    if doc is None:
        raise ValidationError(f"Invalid platform {platform!r}: see platform-list.")
    if doc.get("disabled"):
        raise ValidationError(f"Platform {platform} is disabled.")
    return platform


def add(ctx: Context, principal: Principal, name: Any) -> dict[str, Any]:
    require_admin(principal)
    platform = validation.platform_name(name)
    doc = {"_id": platform, "name": platform, "disabled": False, "created": ctx.timestamp()}
    with translate_duplicates(f"Platform {platform} already exists."):
        ctx.store.insert(schema.PLATFORMS, doc)
    return _view(doc)


def ensure(ctx: Context, names: list[str]) -> list[str]:
    """Bootstrap: record each platform that is missing; returns the names added."""
    added = []
    for name in names:
        platform = validation.platform_name(name)
        if ctx.store.get(schema.PLATFORMS, platform) is None:
            doc = {"_id": platform, "name": platform, "disabled": False, "created": ctx.timestamp()}
            with translate_duplicates(f"Platform {platform} already exists."):
                ctx.store.insert(schema.PLATFORMS, doc)
            added.append(platform)
    return added


def update(ctx: Context, principal: Principal, name: str, disabled: Any = None) -> dict[str, Any]:
    require_admin(principal)
    get(ctx, name)
    changes: dict[str, Any] = {"updated": ctx.timestamp()}
    if disabled is not None:
        if not isinstance(disabled, bool):
            raise ValidationError("disabled must be true or false")
        changes["disabled"] = disabled
    doc = ctx.store.update_one(schema.PLATFORMS, {"_id": name}, {"$set": changes})
    if doc is None:
        raise NotFound(f"Platform {name} not found.")
    return _view(doc)


def remove(ctx: Context, principal: Principal, name: str) -> None:
    require_admin(principal)
    get(ctx, name)
    users = ctx.store.count(schema.APPS, {"platform": name})
    if users:
        raise PermissionDenied(f"Platform {name} is used by {users} app(s) and cannot be removed.")
    ctx.store.delete_one(schema.PLATFORMS, {"_id": name})
