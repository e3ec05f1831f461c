"""An app's environment variables."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from slipway.cli.apps import app_path
from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.errors import CliError

ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_name(name: str) -> str:
    """Return ``name`` if it is a valid environment variable name, else raise."""
    if not ENV_NAME_RE.match(name):
        raise CliError(
            f'invalid variable name "{name}": use letters, digits and _, not starting with a digit'
        )
    return name


def parse_assignments(arguments: Iterable[str]) -> dict[str, str]:
    """``["A=1", "B=x=y"]`` -> ``{"A": "1", "B": "x=y"}``; the value may be empty.

    Raises ``CliError`` for an argument without ``=``, an invalid name, or a
    name given twice.
    """
    variables: dict[str, str] = {}
    for argument in arguments:
        name, sep, value = argument.partition("=")
        if not sep:
            raise CliError(f'"{argument}" is not NAME=value: env-set takes NAME=value pairs')
        check_name(name)
        if name in variables:
            raise CliError(f"{name} is given twice")
        variables[name] = value
    if not variables:
        raise CliError("nothing to set: give at least one NAME=value")
    return variables


def format_env(variables: Iterable[dict[str, Any]]) -> str:
    """``NAME=value`` lines sorted by name (private values are already masked by the API)."""
    pairs = sorted((str(v.get("name", "")), str(v.get("value", ""))) for v in variables)
    return "".join(f"{name}={value}\n" for name, value in pairs)


def env_get(ctx: Context) -> None:
    """Print an app's variables, or only the ones named."""
    names = [check_name(name) for name in ctx.args.names]
    params = {"env": names} if names else None
    variables = ctx.client.call("GET", app_path(ctx.app_name(), "env"), params=params) or []
    ctx.out.data(variables, lambda data: ctx.out.write(format_env(data)))


def env_set(ctx: Context) -> None:
    """Set variables on an app; the app restarts unless --no-restart."""
    name = ctx.app_name()
    variables = parse_assignments(ctx.args.assignments)
    params = {}
    if ctx.args.private:
        params["private"] = "1"
    if ctx.args.no_restart:
        params["noRestart"] = "1"
    for message in ctx.client.stream(
        "POST", app_path(name, "env"), body=variables, params=params or None
    ):
        ctx.out.progress(message)
    kind = "Private environment variables" if ctx.args.private else "Environment variables"
    ctx.out.done(
        f'{kind} set on app "{name}": {", ".join(variables)}',
        app=name,
        names=list(variables),
        private=ctx.args.private,
    )


def env_unset(ctx: Context) -> None:
    """Remove variables from an app; the app restarts unless --no-restart."""
    name = ctx.app_name()
    names = [check_name(variable) for variable in ctx.args.names]
    params = {"noRestart": "1"} if ctx.args.no_restart else None
    for message in ctx.client.stream("DELETE", app_path(name, "env"), body=names, params=params):
        ctx.out.progress(message)
    ctx.out.done(
        f'Environment variables removed from app "{name}": {", ".join(names)}',
        app=name,
        names=names,
    )


def register(commands: Commands) -> None:
    """Add the env-* commands."""
    parser = commands.add("env-get", env_get, "show an app's environment variables", app=True)
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these variables")

    parser = commands.add("env-set", env_set, "set environment variables: NAME=value ...", app=True)
    parser.add_argument("assignments", nargs="+", metavar="NAME=value")
    parser.add_argument("-p", "--private", action="store_true", help="hide the values from env-get")
    parser.add_argument("--no-restart", action="store_true", help="do not restart the app's units")

    parser = commands.add("env-unset", env_unset, "remove environment variables", app=True)
    parser.add_argument("names", nargs="+", metavar="NAME")
    parser.add_argument("--no-restart", action="store_true", help="do not restart the app's units")
