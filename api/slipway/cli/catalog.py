"""What an app can be placed on: plans, pools and routers."""

from __future__ import annotations

from typing import Any

from slipway.cli.commands import Commands
from slipway.cli.context import Context


def plan_list(ctx: Context) -> None:
    """List the plans an app may use."""
    plans = ctx.client.call("GET", "/plans") or []

    def render(items: list[dict[str, Any]]) -> None:
        rows = [
            (
                str(plan.get("name", "")),
                str(plan.get("memory", 0) or "unlimited"),
                str(plan.get("cpushare", 0) or "unlimited"),
                "yes" if plan.get("default") else "",
            )
            for plan in items
        ]
        ctx.out.table(["Name", "Memory", "CPU share", "Default"], rows)

    ctx.out.data(plans, render)


def pool_list(ctx: Context) -> None:
    """List the pools docker nodes were added to."""
    pools = ctx.client.call("GET", "/pools") or []

    def render(items: list[dict[str, Any]]) -> None:
        ctx.out.table(["Pool"], [(str(pool.get("name", "")),) for pool in items])

    ctx.out.data(pools, render)


def router_list(ctx: Context) -> None:
    """List the routers apps are reached through."""
    routers = ctx.client.call("GET", "/routers") or []

    def render(items: list[dict[str, Any]]) -> None:
        rows = [
            (str(r.get("name", "")), str(r.get("type", "")), "yes" if r.get("default") else "")
            for r in items
        ]
        ctx.out.table(["Name", "Type", "Default"], rows)

    ctx.out.data(routers, render)


def register(commands: Commands) -> None:
    """Add plan-list, pool-list and router-list."""
    commands.add("plan-list", plan_list, "list the plans an app may use")
    commands.add("pool-list", pool_list, "list the pools of the docker nodes")
    commands.add("router-list", router_list, "list the routers")
