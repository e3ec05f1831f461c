"""Addresses: an app's extra host names (cnames), and swapping two apps' addresses."""

from __future__ import annotations

from typing import Any

from slipway.cli.apps import app_path
from slipway.cli.commands import Commands
from slipway.cli.context import Context


def said(answer: Any, default: str) -> str:
    """The API's own ``message`` (it says more, such as whether DNS was updated), or ``default``."""
    if isinstance(answer, dict):
        message = answer.get("message")
        if isinstance(message, str) and message.strip():
            return " ".join(message.split())
    return default


def cname_add(ctx: Context) -> None:
    """Route more host names to an app; one request per name, in order."""
    name, cnames = ctx.app_name(), ctx.args.cnames
    messages = []
    for cname in cnames:
        answer = ctx.client.call("POST", app_path(name, "cname"), form={"cname": cname})
        messages.append(said(answer, f'cname "{cname}" successfully defined.'))
        ctx.out.line(messages[-1])
    if ctx.out.json_mode:
        ctx.out.done(" ".join(messages), app=name, cnames=cnames)


def cname_remove(ctx: Context) -> None:
    """Stop routing host names to an app; one request per name, in order."""
    name, cnames = ctx.app_name(), ctx.args.cnames
    messages = []
    for cname in cnames:
        # DELETE bodies are dropped by some proxies: the name goes in the query string.
        answer = ctx.client.call("DELETE", app_path(name, "cname"), params={"cname": cname})
        messages.append(said(answer, f'cname "{cname}" successfully undefined.'))
        ctx.out.line(messages[-1])
    if ctx.out.json_mode:
        ctx.out.done(" ".join(messages), app=name, cnames=cnames)


def app_swap(ctx: Context) -> None:
    """Exchange two apps' addresses (or only their cnames); asks first unless -y."""
    first, second, cname_only = ctx.args.app1, ctx.args.app2, ctx.args.cname_only
    what = "cnames" if cname_only else "addresses"
    ctx.confirm(f'swap the {what} of apps "{first}" and "{second}"')
    form = {"app1": first, "app2": second, "cnameOnly": "true" if cname_only else "false"}
    answer = ctx.client.call("POST", "/swap", form=form)
    ctx.out.done(
        said(answer, "Apps successfully swapped!"), app1=first, app2=second, cname_only=cname_only
    )


def register(commands: Commands) -> None:
    """Add cname-add, cname-remove and app-swap."""
    parser = commands.add("cname-add", cname_add, "route host names to an app", app=True)
    parser.add_argument("cnames", nargs="+", metavar="cname", help="a host name such as www.x.com")
    parser = commands.add(
        "cname-remove", cname_remove, "stop routing host names to an app", app=True
    )
    parser.add_argument("cnames", nargs="+", metavar="cname", help="a host name the app has")

    parser = commands.add("app-swap", app_swap, "exchange the addresses of two apps", confirm=True)
    parser.add_argument("app1")
    parser.add_argument("app2")
    parser.add_argument(
        "--cname-only", action="store_true", help="swap only the cnames, not the app addresses"
    )
