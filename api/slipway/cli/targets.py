"""Targets: the Slipway APIs this client knows, and the one it talks to."""

from __future__ import annotations

from slipway.cli.commands import Commands
from slipway.cli.config import normalize_url, validate_label
from slipway.cli.context import Context
from slipway.cli.errors import CliError

LOGGED_OUT_NOTE = "You were logged out of the previous target: run slipway login."


def _switch(ctx: Context, label: str, url: str) -> None:
    dropped = ctx.config.set_current_target(url)
    ctx.out.done(f"New target is {label} -> {url}", label=label, url=url, logged_out=dropped)
    if dropped:
        ctx.out.line(LOGGED_OUT_NOTE)


def target_add(ctx: Context) -> None:
    """Remember a new target, and switch to it with ``--set-current``."""
    label = validate_label(ctx.args.label)
    url = normalize_url(ctx.args.url)
    targets = ctx.config.targets()
    if label in targets:
        raise CliError(f'target "{label}" already exists: remove it first with target-remove')
    targets[label] = url
    ctx.config.save_targets(targets)
    if ctx.args.set_current:
        ctx.out.line(f"New target {label} -> {url} added to target list")
        _switch(ctx, label, url)
    else:
        ctx.out.done(f"New target {label} -> {url} added to target list", label=label, url=url)


def target_list(ctx: Context) -> None:
    """List known targets; the current one is marked with ``*``."""
    current = ctx.config.current_target()
    entries = [
        {"label": label, "url": url, "current": url == current}
        for label, url in sorted(ctx.config.targets().items(), key=lambda i: i[0].casefold())
    ]

    def render(items: list[dict]) -> None:
        for item in items:
            mark = "*" if item["current"] else " "
            ctx.out.line(f"{mark} {item['label']} ({item['url']})")

    ctx.out.data(entries, render)


def target_set(ctx: Context) -> None:
    """Make a known target the current one."""
    label = ctx.args.label
    targets = ctx.config.targets()
    if label not in targets:
        raise CliError(f'unknown target "{label}": see slipway target-list')
    _switch(ctx, label, targets[label])


def target_remove(ctx: Context) -> None:
    """Forget a target; forgetting the current one also drops its token."""
    label = ctx.args.label
    targets = ctx.config.targets()
    if label not in targets:
        raise CliError(f'unknown target "{label}": see slipway target-list')
    url = targets.pop(label)
    ctx.config.save_targets(targets)
    if ctx.config.saved_target() == url and url not in targets.values():
        ctx.config.clear_current_target()
    ctx.out.done(f'Target "{label}" successfully removed!', label=label, url=url)


def register(commands: Commands) -> None:
    """Add the target-* commands."""
    parser = commands.add("target-add", target_add, "add a target (a Slipway API URL)")
    parser.add_argument("label", help="a short name for the target")
    parser.add_argument("url", help="the API's URL, e.g. https://slipway.example.com")
    parser.add_argument(
        "-s", "--set-current", action="store_true", help="also make it the current target"
    )

    commands.add("target-list", target_list, "list targets; * marks the current one")

    parser = commands.add("target-set", target_set, "change the current target")
    parser.add_argument("label")

    parser = commands.add("target-remove", target_remove, "forget a target")
    parser.add_argument("label")
