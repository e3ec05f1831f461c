"""What an app can be placed on: plans, pools and routers.

Slipway has one plan (no memory, swap or CPU limits), one router (the
hipache-protocol router in front of every app) and the pools its docker nodes
were registered with (``node-add --pool``).
"""

from __future__ import annotations

from typing import Any

from . import schema
from .context import Context
from .errors import ValidationError
from .principal import Principal, require_user

DEFAULT_PLAN: dict[str, Any] = {"name": "default", "memory": 0, "swap": 0, "cpushare": 0}
ROUTER = "hipache"


def plans(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    require_user(principal)
    return [{**DEFAULT_PLAN, "default": True}]


def plan(name: Any) -> dict[str, Any]:
    """The plan called ``name`` (an empty name is the default plan)."""
    if name in (None, "", DEFAULT_PLAN["name"]):
        return dict(DEFAULT_PLAN)
    raise ValidationError(f"Plan {name!r} not found: the plans are {DEFAULT_PLAN['name']}.")


def pool_names(ctx: Context) -> list[str]:
    """The pools named by the registered docker nodes, sorted."""
    found = {doc.get("pool") for doc in ctx.store.find(schema.NODES)}
    return sorted(name for name in found if isinstance(name, str) and name)


def pools(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    require_user(principal)
    return [
        {
            "name": name,
            "public": True,
            "default": False,
            "provisioner": "swarm",
            "teams": [],
            "allowed": {},
        }
        for name in pool_names(ctx)
    ]


def pool(ctx: Context, name: Any) -> str:
    """The pool an app may be given: only ``""`` (any node), as units are not placed by pool."""
    if name in (None, ""):
        return ""
    if name not in pool_names(ctx):
        known = ", ".join(pool_names(ctx)) or "none: nodes were added without --pool"
        raise ValidationError(f"Pool {name!r} not found (pools: {known}).")
    raise ValidationError(
        "Apps are not placed by pool yet: every unit may run on any node, so an app's pool "
        "cannot be set."
    )


def routers(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    require_user(principal)
    return [{"name": ROUTER, "type": ROUTER, "info": {"domain": ctx.domain}, "default": True}]
