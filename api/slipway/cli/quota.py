"""Quotas: how many apps a user may own."""

from __future__ import annotations

from typing import Any

from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.http import path_segment
from slipway.cli.output import limit_text
from slipway.cli.users import current_email


def quota_view(ctx: Context) -> None:
    """Show a user's app quota (yours by default)."""
    email = ctx.args.email or current_email(ctx)
    quota = ctx.client.call("GET", f"/quota/{path_segment(email)}") or {}

    def render(data: dict[str, Any]) -> None:
        ctx.out.line(f"User: {email}")
        ctx.out.line(f"Apps usage: {data.get('inuse', 0)}/{limit_text(data.get('limit'))}")

    ctx.out.data({**quota, "user": email}, render)


def register(commands: Commands) -> None:
    """Add the quota-* commands."""
    parser = commands.add("quota-view", quota_view, "show a user's app quota")
    parser.add_argument("email", nargs="?", help="the user (default: you)")
