"""Platforms: the runtimes apps are built on (python, nodejs, ...)."""

from __future__ import annotations

from typing import Any

from slipway.cli.commands import Commands
from slipway.cli.context import Context


def format_platforms(platforms: list[dict[str, Any]]) -> str:
    """``- name`` lines sorted by name; disabled platforms say so."""
    lines = []
    for platform in sorted(platforms, key=lambda p: str(p.get("name", "")).casefold()):
        suffix = " (disabled)" if platform.get("disabled") else ""
        lines.append(f"- {platform.get('name', '')}{suffix}\n")
    return "".join(lines)


def platform_list(ctx: Context) -> None:
    """List the platforms apps can use."""
    platforms = ctx.client.call("GET", "/platforms") or []
    ctx.out.data(platforms, lambda data: ctx.out.write(format_platforms(data)))


def platform_add(ctx: Context) -> None:
    """Add a platform (admins only)."""
    name = ctx.args.name
    ctx.client.call("POST", "/platforms", body={"name": name})
    ctx.out.done(f'Platform "{name}" successfully added!', platform=name)


def register(commands: Commands) -> None:
    """Add the platform-* commands."""
    commands.add("platform-list", platform_list, "list the platforms apps can use")
    parser = commands.add("platform-add", platform_add, "add a platform (admins only)")
    parser.add_argument("name")
