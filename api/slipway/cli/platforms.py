"""Platforms: the runtimes apps are built on (python, nodejs, ...)."""

from __future__ import annotations

from typing import Any

from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.errors import EXIT_USAGE, CliError
from slipway.cli.http import path_segment
from slipway.cli.stream import relay


def platform_state(platform: dict[str, Any]) -> str:
    """``enabled`` or ``disabled``, and ``not built`` when the API says its image is missing.

    ``built`` is when the image was last built (empty or false: never).
    """
    state = "disabled" if platform.get("disabled") else "enabled"
    if "built" in platform and not platform["built"]:
        state += ", not built"
    return state


def platform_rows(platforms: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """platform-list's rows: name, state, image."""
    return [
        (str(p.get("name", "")), platform_state(p), str(p.get("image") or "")) for p in platforms
    ]


def platform_list(ctx: Context) -> None:
    """List the platforms apps can use."""
    platforms = ctx.client.call("GET", "/platforms") or []
    ctx.out.data(
        platforms, lambda data: ctx.out.table(["Name", "State", "Image"], platform_rows(data))
    )


def platform_add(ctx: Context) -> None:
    """Add a platform and build its image, streaming the build (admins only)."""
    name = ctx.args.name
    relay(ctx.client.stream("POST", "/platforms", form={"name": name}), ctx.out)
    ctx.out.done(f'Platform "{name}" successfully added!', platform=name)


def platform_update(ctx: Context) -> None:
    """Enable or disable a platform, or rebuild its image (admins only)."""
    name, disabled, build = ctx.args.name, ctx.args.disabled, ctx.args.build
    if disabled is None and not build:
        raise CliError("nothing to update: pass --disable, --enable or --build", EXIT_USAGE)
    form = {}
    if disabled is not None:
        form["disabled"] = "true" if disabled else "false"
    if build:
        form["build"] = "true"
    path = f"/platforms/{path_segment(name)}"
    if build:
        relay(ctx.client.stream("PUT", path, form=form), ctx.out)
    else:
        ctx.client.call("PUT", path, form=form)
    ctx.out.done(f'Platform "{name}" successfully updated!', platform=name)


def register(commands: Commands) -> None:
    """Add the platform-* commands."""
    commands.add("platform-list", platform_list, "list the platforms apps can use")
    parser = commands.add(
        "platform-add", platform_add, "add a platform and build its image (admins only)"
    )
    parser.add_argument("name")
    parser = commands.add(
        "platform-update",
        platform_update,
        "enable, disable or rebuild a platform (admins only)",
    )
    parser.add_argument("name")
    state = parser.add_mutually_exclusive_group()
    state.add_argument(
        "--disable",
        dest="disabled",
        action="store_const",
        const=True,
        help="new apps can no longer use it",
    )
    state.add_argument(
        "--enable", dest="disabled", action="store_const", const=False, help="allow it again"
    )
    parser.add_argument(
        "--build", action="store_true", help="rebuild its image (apps use it on their next deploy)"
    )
