"""App environment variables. Private values never leave the API unmasked.

The app's teams may still tell whether a private value equals one they hold:
asked for them, ``get`` shows each private variable with a keyed digest
(HMAC-SHA256 under a random key kept in the app's record, never returned),
and ``digests`` gives the digest of candidate values under the same key
(docs/decisions.md).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from . import schema, validation
from .apps import accessible
from .context import Context
from .errors import NotFound, ValidationError
from .principal import APP, Principal, require_user

MASK = "*** (private variable)"
MAX_VARIABLES_PER_CALL = 100
DIGEST_KEY = "env_digest_key"


def _view(name: str, entry: Mapping[str, Any], key: bytes | None = None) -> dict[str, Any]:
    public = bool(entry.get("public", True))
    view = {"name": name, "value": entry["value"] if public else MASK, "public": public}
    if not public and key is not None:
        view["digest"] = value_digest(key, name, entry["value"])
    return view


def value_digest(key: bytes, name: str, value: str) -> str:
    """``hmac-sha256:<hex>`` of one variable; bound to its name so values cannot be swapped."""
    message = name.encode() + b"\0" + value.encode("utf-8", "surrogatepass")
    return "hmac-sha256:" + hmac.new(key, message, hashlib.sha256).hexdigest()


def _digest_key(ctx: Context, doc: dict[str, Any]) -> bytes:
    """The app's digest key, created on first use (the first writer wins a race)."""
    if not doc.get(DIGEST_KEY):
        fresh = secrets.token_hex(32)
        updated = ctx.store.update_one(
            schema.APPS,
            {"_id": doc["_id"], DIGEST_KEY: {"$exists": False}},
            {"$set": {DIGEST_KEY: fresh}},
        )
        stored = updated or ctx.store.get(schema.APPS, doc["_id"])
        if stored is None:
            raise NotFound(f"App {doc['_id']} not found.")
        doc = stored
    return bytes.fromhex(doc[DIGEST_KEY])


def get(
    ctx: Context,
    principal: Principal,
    app: str,
    names: Iterable[str] | None = None,
    *,
    digests: bool = False,
) -> list[dict[str, Any]]:
    """The variables, private ones masked; with ``digests``, their digest for the app's teams."""
    doc = accessible(ctx, principal, app)
    env = doc.get("env", {})
    wanted = sorted(name for name in (set(names or ()) or set(env)) if name in env)
    has_private = any(not env[name].get("public", True) for name in wanted)
    shown = digests and has_private and principal.kind != APP
    key = _digest_key(ctx, doc) if shown else None
    return [_view(name, env[name], key) for name in wanted]


def digests(
    ctx: Context, principal: Principal, app: str, values: Mapping[str, Any]
) -> dict[str, str]:
    """The digest each candidate value would have: compare with ``get``'s without a reveal."""
    require_user(principal)
    doc = accessible(ctx, principal, app)
    if not isinstance(values, Mapping) or not values:
        raise ValidationError('Send the candidate values as a JSON object {"NAME": "value"}.')
    if len(values) > MAX_VARIABLES_PER_CALL:
        raise ValidationError(f"At most {MAX_VARIABLES_PER_CALL} variables per call.")
    checked = {validation.env_name(n): v for n, v in values.items()}
    key = _digest_key(ctx, doc)
    return {
        name: value_digest(key, name, validation.env_value(name, value))
        for name, value in sorted(checked.items())
    }


def _record_change(ctx: Context, principal: Principal, names: list[str], restart: bool) -> dict:
    return {
        "at": ctx.timestamp(),
        "by": principal.name,
        "names": names,
        "restart": restart,
    }


def set_values(
    ctx: Context,
    principal: Principal,
    app: str,
    values: Mapping[str, Any],
    *,
    private: bool = False,
    restart: bool = True,
) -> list[str]:
    """Set variables in one atomic update; returns the names set, sorted."""
    accessible(ctx, principal, app)
    if not isinstance(values, Mapping) or not values:
        raise ValidationError("You must provide the environment variables: NAME=value.")
    if len(values) > MAX_VARIABLES_PER_CALL:
        raise ValidationError(f"At most {MAX_VARIABLES_PER_CALL} variables per call.")
    changes: dict[str, Any] = {}
    for raw_name, raw_value in values.items():
        name = validation.env_name(raw_name)
        changes[f"env.{name}"] = {
            "value": validation.env_value(name, raw_value),
            "public": not private,
        }
    names = sorted(key[4:] for key in changes)
    changes["last_env_change"] = _record_change(ctx, principal, names, restart)
    if ctx.store.update_one(schema.APPS, {"_id": app}, {"$set": changes}) is None:
        raise NotFound(f"App {app} not found.")
    return names


def unset(
    ctx: Context, principal: Principal, app: str, names: Iterable[Any], *, restart: bool = True
) -> list[str]:
    doc = accessible(ctx, principal, app)
    wanted = sorted({validation.env_name(name) for name in names})
    if not wanted:
        raise ValidationError("You must provide the names of the variables to unset.")
    present = [name for name in wanted if name in doc.get("env", {})]
    update: dict[str, Any] = {
        "$set": {"last_env_change": _record_change(ctx, principal, present, restart)}
    }
    if present:
        update["$unset"] = {f"env.{name}": "" for name in present}
    if ctx.store.update_one(schema.APPS, {"_id": app}, update) is None:
        raise NotFound(f"App {app} not found.")
    return present
