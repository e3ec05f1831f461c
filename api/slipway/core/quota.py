"""Quotas: apps per user and units per app. A limit of -1 means unlimited."""

from __future__ import annotations

import re
from typing import Any

from . import schema, validation
from .context import Context
from .errors import NotFound, PermissionDenied, QuotaExceeded, ValidationError
from .principal import Principal, require_admin, require_user

UNLIMITED = -1


MAX_LIMIT = 1_000_000


def _limit(value: Any) -> int:
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,7}", value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not UNLIMITED <= value <= MAX_LIMIT:
        raise ValidationError(f"limit must be a whole number from -1 (unlimited) to {MAX_LIMIT}")
    return value


def _user_doc(ctx: Context, email: str) -> dict[str, Any]:
    doc = ctx.store.get(schema.USERS, email)
    if doc is None:
        raise NotFound("User not found.")
    return doc


def user_quota(ctx: Context, principal: Principal, email: Any) -> dict[str, int]:
    actor = require_user(principal)
    address = validation.email(email)
    if address != actor and not principal.is_admin:
        raise PermissionDenied("You can only see your own quota.")
    quota = _user_doc(ctx, address)["quota"]
    return {"limit": quota["limit"], "inuse": quota["inuse"]}


def _set_limit(ctx: Context, collection: str, doc: dict[str, Any], limit: Any) -> dict[str, int]:
    """Change a quota's limit atomically, never below what is already in use."""
    new = _limit(limit)
    query: dict[str, Any] = {"_id": doc["_id"]}
    if new != UNLIMITED:
        query["quota.inuse"] = {"$lte": new}
    updated = ctx.store.update_one(collection, query, {"$set": {"quota.limit": new}})
    if updated is None:
        raise ValidationError(
            f"New limit is lesser than the current allocated value ({doc['quota']['inuse']})."
        )
    return updated["quota"]


def set_user_limit(ctx: Context, principal: Principal, email: Any, limit: Any) -> dict[str, int]:
    require_admin(principal)
    found = _set_limit(ctx, schema.USERS, _user_doc(ctx, validation.email(email)), limit)
    return {"limit": found["limit"], "inuse": found["inuse"]}


def reserve_app(ctx: Context, email: str) -> None:
    """Count one more app against ``email``'s quota, atomically, or refuse."""
    doc = _user_doc(ctx, email)
    limit = doc["quota"]["limit"]
    query: dict[str, Any] = {"_id": email, "quota.limit": limit}
    if limit != UNLIMITED:
        query["quota.inuse"] = {"$lt": limit}
    if ctx.store.update_one(schema.USERS, query, {"$inc": {"quota.inuse": 1}}) is None:
        fresh = _user_doc(ctx, email)["quota"]
        if fresh["limit"] != limit:
            return reserve_app(ctx, email)
        raise QuotaExceeded(f"Quota exceeded: you may own at most {limit} app(s).")
    return None


def release_app(ctx: Context, email: str) -> None:
    ctx.store.update_one(
        schema.USERS, {"_id": email, "quota.inuse": {"$gt": 0}}, {"$inc": {"quota.inuse": -1}}
    )


def units_in_use(app: dict[str, Any]) -> int:
    """An app's units count against its quota, whatever their state (stopped ones too)."""
    return len(app.get("units") or [])


def app_quota(app: dict[str, Any]) -> dict[str, int]:
    limit = (app.get("quota") or {}).get("limit", UNLIMITED)
    return {"InUse": units_in_use(app), "Limit": limit}


def check_units(app: dict[str, Any], count: int) -> None:
    """Refuse adding ``count`` units when the app's unit quota has no room for them."""
    limit = app_quota(app)["Limit"]
    used = units_in_use(app)
    if limit != UNLIMITED and used + count > limit:
        raise QuotaExceeded(
            f"Quota exceeded: app {app['_id']} may have at most {limit} unit(s) "
            f"and has {used}; {count} more would be {used + count}."
        )


def set_app_limit(ctx: Context, principal: Principal, app: str, limit: Any) -> dict[str, int]:
    require_admin(principal)
    doc = ctx.store.get(schema.APPS, app)
    if doc is None:
        raise NotFound(f"App {app} not found.")
    new = _limit(limit)
    used = units_in_use(doc)
    if new != UNLIMITED and new < used:
        raise ValidationError(f"New limit is lesser than the current allocated value ({used}).")
    found = ctx.store.update_one(schema.APPS, {"_id": app}, {"$set": {"quota.limit": new}})
    if found is None:
        raise NotFound(f"App {app} not found.")
    return app_quota(found)
