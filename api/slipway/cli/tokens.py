"""Named tokens: credentials for scripts and CI that no login ever ends."""

from __future__ import annotations

import re
from typing import Any

from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.errors import EXIT_USAGE, CliError

_DURATION = re.compile(r"^(-?\d+)([smhd]?)$")
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds(text: str | None) -> int | None:
    """``--expires``: seconds, or a number with s, m, h or d (``48h``); None when not given."""
    if text is None:
        return None
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise CliError(f"invalid duration {text!r}: use seconds or e.g. 30m, 48h, 7d", EXIT_USAGE)
    return int(match[1]) * _SECONDS[match[2]]


def _never(value: Any) -> str:
    return str(value) if value else "never"


def token_create(ctx: Context) -> None:
    """Create a named token acting as you (within one team with -t); its value is shown once."""
    body: dict[str, Any] = {
        "token_id": ctx.args.name or "",
        "description": ctx.args.description or "",
        "team": ctx.args.team or "",
    }
    expires = seconds(ctx.args.expires)
    if expires:
        body["expires_in"] = expires
    made = ctx.client.call("POST", "/tokens", body=body)
    ctx.out.done(
        f'Token "{made["token_id"]}" created: {made["token"]}',
        name=made["token_id"],
        token=made["token"],
        expires_at=made.get("expires_at"),
    )


def token_list(ctx: Context) -> None:
    """List your named tokens (admins: everyone's); values are never shown again."""
    found = ctx.client.call("GET", "/tokens") or []

    def render(data: list[dict[str, Any]]) -> None:
        rows = [
            (
                t["token_id"],
                t.get("team") or "",
                t.get("description") or "",
                t.get("creator_email", ""),
                t.get("created_at", ""),
                _never(t.get("expires_at")),
                t.get("last_access") or "",
            )
            for t in data
        ]
        headers = ["Name", "Team", "Description", "Creator", "Created", "Expires", "Last used"]
        ctx.out.table(headers, rows)

    ctx.out.data(found, render)


def token_update(ctx: Context) -> None:
    """Change a token's description or expiry, or give it a new value (--regenerate)."""
    body: dict[str, Any] = {"regenerate": bool(ctx.args.regenerate)}
    if ctx.args.description is not None:
        body["description"] = ctx.args.description
    expires = seconds(ctx.args.expires)
    if expires is not None:
        body["expires_in"] = expires
    changed = ctx.client.call("PUT", f"/tokens/{ctx.args.name}", body=body)
    message = f'Token "{changed["token_id"]}" updated'
    if changed.get("token"):
        message += f": {changed['token']}"
    ctx.out.done(message, name=changed["token_id"], token=changed.get("token"))


def token_delete(ctx: Context) -> None:
    """Delete a named token: whatever uses it is refused from now on."""
    name = ctx.args.name
    ctx.confirm(f'delete token "{name}"')
    ctx.client.call("DELETE", f"/tokens/{name}")
    ctx.out.done(f'Token "{name}" deleted.', name=name)


def register(commands: Commands) -> None:
    """Add the token-* commands."""
    parser = commands.add("token-create", token_create, "create a named token for automation")
    parser.add_argument("-i", "--id", "--name", dest="name", help="the token's name")
    parser.add_argument("-t", "--team", help="act only through this team of yours")
    parser.add_argument("-d", "--description", help="what the token is for")
    parser.add_argument(
        "-e", "--expires", help="lifetime: seconds or 30m, 48h, 7d (default: never expires)"
    )

    commands.add("token-list", token_list, "list named tokens")

    parser = commands.add("token-update", token_update, "change or regenerate a named token")
    parser.add_argument("name")
    parser.add_argument("-d", "--description", help="a new description")
    parser.add_argument(
        "-e", "--expires", help="expire this long from now (seconds or 48h); negative: never"
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="a new value; the old one stops working"
    )

    parser = commands.add("token-delete", token_delete, "delete a named token", confirm=True)
    parser.add_argument("name")
