"""App environment variables. Private values never leave the API unmasked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import schema, validation
from .apps import accessible
from .context import Context
from .errors import NotFound, ValidationError
from .principal import Principal

MASK = "*** (private variable)"
MAX_VARIABLES_PER_CALL = 100


def _view(name: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    public = bool(entry.get("public", True))
    return {"name": name, "value": entry["value"] if public else MASK, "public": public}


def get(
    ctx: Context, principal: Principal, app: str, names: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    doc = accessible(ctx, principal, app)
    env = doc.get("env", {})
    wanted = set(names or ()) or set(env)
    return [_view(name, env[name]) for name in sorted(wanted) if name in env]


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
