"""Units: how many run of each process, and restarting, starting or stopping them.

Every command here streams the API's progress as it arrives and succeeds
only when the stream ends with ``OK`` (docs/deploys.md, "Deploy stream").
"""

from __future__ import annotations

import argparse

from slipway.cli.apps import app_path
from slipway.cli.commands import Commands, Handler
from slipway.cli.context import Context
from slipway.cli.stream import relay


def unit_count(text: str) -> int:
    """A number of units: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of units (1 or more)")
    return int(text)


def _process_form(ctx: Context) -> dict[str, str]:
    process = getattr(ctx.args, "process", None)
    return {"process": process} if process else {}


def _what(ctx: Context, name: str) -> str:
    process = getattr(ctx.args, "process", None)
    return f'process "{process}" of app "{name}"' if process else f'app "{name}"'


def unit_add(ctx: Context) -> None:
    """Start more units of a process (default: web)."""
    name, count = ctx.app_name(), ctx.args.units
    form = {"units": str(count), **_process_form(ctx)}
    relay(ctx.client.stream("PUT", app_path(name, "units"), form=form), ctx.out)
    ctx.out.done("Units successfully added!", app=name, units=count, **_process_form(ctx))


def unit_remove(ctx: Context) -> None:
    """Stop and remove units of a process (default: web)."""
    name, count = ctx.app_name(), ctx.args.units
    # DELETE bodies are dropped by some proxies: the fields go in the query string.
    params = {"units": str(count), **_process_form(ctx)}
    relay(ctx.client.stream("DELETE", app_path(name, "units"), params=params), ctx.out)
    ctx.out.done("Units successfully removed!", app=name, units=count, **_process_form(ctx))


def _lifecycle(action: str, done: str) -> Handler:
    def handler(ctx: Context) -> None:
        name = ctx.app_name()
        what = _what(ctx, name)
        form = _process_form(ctx)
        relay(ctx.client.stream("POST", app_path(name, action), form=form), ctx.out)
        ctx.out.done(f"{what[0].upper()}{what[1:]} {done}.", app=name, **form)

    handler.__doc__ = f"{action.capitalize()} an app's units (or one process's)."
    return handler


app_restart = _lifecycle("restart", "restarted")
app_start = _lifecycle("start", "started")
app_stop = _lifecycle("stop", "stopped")


def _process_option(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("-p", "--process", help=f"the Procfile process (default: {default})")


def register(commands: Commands) -> None:
    """Add unit-add, unit-remove, app-restart, app-start and app-stop."""
    for command, handler, summary in (
        ("unit-add", unit_add, "start more units of an app's process"),
        ("unit-remove", unit_remove, "remove units of an app's process"),
    ):
        parser = commands.add(command, handler, summary, app=True)
        parser.add_argument("units", type=unit_count, help="how many units")
        _process_option(parser, "web")
    for command, handler, summary in (
        ("app-restart", app_restart, "restart an app's units"),
        ("app-start", app_start, "start an app's units"),
        ("app-stop", app_stop, "stop an app's units"),
    ):
        parser = commands.add(command, handler, summary, app=True)
        _process_option(parser, "every process")
