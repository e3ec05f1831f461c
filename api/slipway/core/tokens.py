"""Bearer credentials: user sessions, per-user API keys, per-app tokens, named tokens.

Only a SHA-256 digest of each credential is stored; the plain value is shown once.
A named token (tsuru 1.x's ``token-create``) is for automation: it acts as the
user who created it (within one team when it names one), is never counted as
a login session, and lives until it expires (``expires_in``) or is deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import Any

from . import schema
from .context import Context
from .errors import AuthenticationError, Conflict, NotFound, PermissionDenied, ValidationError
from .principal import API_KEY, APP, TOKEN, USER, Principal, require_user
from .validation import description as valid_description
from .validation import team_name

TOKEN_BYTES = 32
INVALID = "You must provide a valid Authorization header"
TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$")
MAX_EXPIRES_IN = 10 * 366 * 24 * 3600
LAST_ACCESS_EVERY = 60


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _new(ctx: Context, kind: str, expires: dt.datetime | None, **fields: Any) -> str:
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    doc = {
        "_id": digest(raw),
        "kind": kind,
        "created": ctx.timestamp(),
        "expires": expires.isoformat(timespec="seconds") if expires else None,
        **fields,
    }
    ctx.store.insert(schema.TOKENS, doc)
    return raw


def issue_session(ctx: Context, email: str) -> str:
    """A user session token; the oldest sessions go past auth:max-simultaneous-sessions."""
    limit = ctx.config["auth:max-simultaneous-sessions"]
    if limit > 0:
        sessions = ctx.store.find(
            schema.TOKENS, {"user": email, "kind": USER}, sort=[("created", 1)]
        )
        for old in sessions[: max(len(sessions) - limit + 1, 0)]:
            ctx.store.delete_one(schema.TOKENS, {"_id": old["_id"]})
    days = ctx.config["auth:token-expire-days"]
    return _new(ctx, USER, ctx.now() + dt.timedelta(days=days), user=email)


def issue_api_key(ctx: Context, email: str) -> str:
    """A new non-expiring API key for scripts; it replaces the previous one."""
    ctx.store.delete_many(schema.TOKENS, {"user": email, "kind": API_KEY})
    return _new(ctx, API_KEY, None, user=email)


def api_key_info(ctx: Context, email: str) -> dict[str, Any]:
    found = ctx.store.find_one(schema.TOKENS, {"user": email, "kind": API_KEY})
    return {"exists": found is not None, "created": found["created"] if found else None}


def issue_app_token(ctx: Context, app: str, created_by: str) -> str:
    """The app's token (one per app): issuing a new one revokes the previous one."""
    revoke_app_tokens(ctx, app)
    return _new(ctx, APP, None, app=app, user=None, created_by=created_by)


def revoke_app_tokens(ctx: Context, app: str) -> int:
    return ctx.store.delete_many(schema.TOKENS, {"app": app, "kind": APP})


def _expired(ctx: Context, doc: dict[str, Any]) -> bool:
    expires = doc.get("expires")
    return bool(expires) and dt.datetime.fromisoformat(expires) <= ctx.now()


def resolve(ctx: Context, raw: str | None) -> Principal:
    """Turn a presented bearer token into a Principal, or raise AuthenticationError."""
    if not raw:
        raise AuthenticationError(INVALID)
    doc = ctx.store.get(schema.TOKENS, digest(raw))
    if doc is None:
        raise AuthenticationError(INVALID)
    if _expired(ctx, doc):
        ctx.store.delete_one(schema.TOKENS, {"_id": doc["_id"]})
        if doc["kind"] == TOKEN:
            raise AuthenticationError(f"Token {doc['name']} has expired.")
        raise AuthenticationError("Your session has expired: log in again.")
    if doc["kind"] == APP:
        if ctx.store.get(schema.APPS, doc["app"]) is None:
            raise AuthenticationError(INVALID)
        return Principal(kind=APP, token_id=doc["_id"], app=doc["app"])
    if doc["kind"] == TOKEN:
        _touch(ctx, doc)
        return _user_principal(ctx, TOKEN, doc["_id"], doc["user"], only_team=doc.get("team"))
    return _user_principal(ctx, doc["kind"], doc["_id"], doc["user"])


def _user_principal(
    ctx: Context, kind: str, token_id: str, email: str, only_team: str | None = None
) -> Principal:
    if ctx.store.get(schema.USERS, email) is None:
        raise AuthenticationError(INVALID)
    teams = tuple(sorted(t["_id"] for t in ctx.store.find(schema.TEAMS, {"users": email})))
    if only_team:
        teams = tuple(t for t in teams if t == only_team)
    return Principal(
        kind=kind, token_id=token_id, email=email, teams=teams, is_admin=ctx.admin_team in teams
    )


def is_deploy_token(ctx: Context, raw: str | None) -> bool:
    """Whether ``raw`` is the git server's deploy token (``git:deploy-token``)."""
    secret = ctx.config["git:deploy-token"]
    return bool(secret and raw and hmac.compare_digest(raw.encode(), secret.encode()))


def resolve_pusher(ctx: Context, raw: str | None, email: Any) -> Principal:
    """The user a git push deploys as: the git server presents its deploy token and the pusher.

    The git server has already checked the pusher may write the app's repository;
    the deploy still checks the user's access to the app.
    """
    if not is_deploy_token(ctx, raw):
        raise AuthenticationError(INVALID)
    if not isinstance(email, str) or not email:
        raise AuthenticationError("The git server did not name the user who pushed.")
    return _user_principal(ctx, USER, "git-deploy", email)


def revoke(ctx: Context, principal: Principal) -> None:
    ctx.store.delete_one(schema.TOKENS, {"_id": principal.token_id})


# --- named tokens (token-create, token-list, token-update, token-delete) -----------


def _touch(ctx: Context, doc: dict[str, Any]) -> None:
    """Record when a named token was last used, at most once a minute."""
    last = doc.get("last_access")
    if last and (ctx.now() - dt.datetime.fromisoformat(last)).total_seconds() < LAST_ACCESS_EVERY:
        return
    ctx.store.update_one(
        schema.TOKENS, {"_id": doc["_id"]}, {"$set": {"last_access": ctx.timestamp()}}
    )


def token_name(value: Any) -> str:
    if not isinstance(value, str) or not TOKEN_NAME.fullmatch(value):
        raise ValidationError(
            "Invalid token name: 1 to 64 letters, digits and . @ + - _, starting with a "
            "letter or digit."
        )
    return value


def _expires_in(value: Any, *, negative: bool = False) -> int:
    """Seconds until a named token expires; 0 (or nothing) means never.

    With ``negative`` (token-update), a negative number means "remove the expiry".
    """
    if value is None or value == "":
        return 0
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,12}\s*", value):
        value = int(value)
    lowest = -MAX_EXPIRES_IN if negative else 0
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not lowest <= value <= MAX_EXPIRES_IN
    ):
        raise ValidationError("expires_in must be a number of seconds from 0 (never) to 10 years")
    return value


def _expiry(ctx: Context, seconds: int) -> dt.datetime | None:
    return ctx.now() + dt.timedelta(seconds=seconds) if seconds else None


def named_view(doc: dict[str, Any]) -> dict[str, Any]:
    """A named token as clients see it (tsuru 1.x's field names); never its value."""
    return {
        "token_id": doc["name"],
        "description": doc.get("description", ""),
        "team": doc.get("team") or "",
        "creator_email": doc["user"],
        "created_at": doc["created"],
        "expires_at": doc.get("expires"),
        "last_access": doc.get("last_access"),
    }


def _find_named(ctx: Context, name: Any) -> dict[str, Any] | None:
    return ctx.store.find_one(schema.TOKENS, {"kind": TOKEN, "name": token_name(name)})


def _owned(ctx: Context, principal: Principal, name: Any) -> dict[str, Any]:
    """The named token ``name``, if the principal made it or is an admin."""
    email = require_user(principal)
    doc = _find_named(ctx, name)
    if doc is None or (doc["user"] != email and not principal.is_admin):
        raise NotFound(f"Token {name} not found.")
    return doc


def create_named(
    ctx: Context,
    principal: Principal,
    name: Any = None,
    description: Any = None,
    team: Any = None,
    expires_in: Any = None,
) -> dict[str, Any]:
    """A new named token acting as the principal; the answer holds its value, shown once.

    With ``team``, the token acts only through that team (the creator must be
    in it); without, through all the creator's teams, as the creator does.
    """
    email = require_user(principal)
    if principal.kind == TOKEN:
        raise PermissionDenied("A named token cannot create tokens: log in as the user.")
    chosen_team = team_name(team) if team else None
    if chosen_team and chosen_team not in principal.teams:
        raise PermissionDenied(f"You are not a member of team {chosen_team}.")
    if name in (None, ""):
        name = f"{chosen_team or email.split('@', 1)[0]}-{secrets.token_hex(4)}"
    name = token_name(name)
    seconds = _expires_in(expires_in)
    text = valid_description(description)
    if _find_named(ctx, name) is not None:
        raise Conflict(f"Token {name} already exists.")
    raw = _new(
        ctx,
        TOKEN,
        _expiry(ctx, seconds),
        user=email,
        name=name,
        description=text,
        team=chosen_team,
        last_access=None,
    )
    return {"token": raw, **named_view(ctx.store.get(schema.TOKENS, digest(raw)))}


def list_named(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    """The named tokens the principal made (admins: every one), by name."""
    email = require_user(principal)
    query: dict[str, Any] = (
        {"kind": TOKEN} if principal.is_admin else {"kind": TOKEN, "user": email}
    )
    return [named_view(d) for d in ctx.store.find(schema.TOKENS, query, sort=[("name", 1)])]


def named_info(ctx: Context, principal: Principal, name: Any) -> dict[str, Any]:
    return named_view(_owned(ctx, principal, name))


def update_named(
    ctx: Context,
    principal: Principal,
    name: Any,
    description: Any = None,
    expires_in: Any = None,
    regenerate: bool = False,
) -> dict[str, Any]:
    """Change a named token's description or expiry (from now), or give it a new value.

    ``expires_in``: absent or 0 keeps the expiry, a negative number removes it.
    The answer holds the new value when ``regenerate``; the old one stops working.
    """
    doc = _owned(ctx, principal, name)
    changes: dict[str, Any] = {}
    if description is not None:
        changes["description"] = valid_description(description)
    seconds = _expires_in(expires_in, negative=True)
    if seconds < 0:
        changes["expires"] = None
    elif seconds > 0:
        changes["expires"] = (ctx.now() + dt.timedelta(seconds=seconds)).isoformat(
            timespec="seconds"
        )
    if not regenerate:
        if changes:
            doc = ctx.store.update_one(schema.TOKENS, {"_id": doc["_id"]}, {"$set": changes})
        return named_view(doc)
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    ctx.store.insert(schema.TOKENS, {**doc, **changes, "_id": digest(raw)})
    ctx.store.delete_one(schema.TOKENS, {"_id": doc["_id"]})
    return {"token": raw, **named_view(ctx.store.get(schema.TOKENS, digest(raw)))}


def delete_named(ctx: Context, principal: Principal, name: Any) -> None:
    doc = _owned(ctx, principal, name)
    ctx.store.delete_one(schema.TOKENS, {"_id": doc["_id"]})


def ensure_named(
    ctx: Context, email: str, name: str, current: str = "", description: str = ""
) -> tuple[str, bool]:
    """The operator's idempotent ``slipway-api token-create``: (value, changed).

    ``current`` is the value kept from an earlier run: while it is still the
    user's token ``name``, it is returned unchanged. Otherwise a token of that
    name the user had is replaced by a new one (the kept value was lost or
    wrong). A name another user holds is refused.
    """
    name = token_name(name)
    if ctx.store.get(schema.USERS, email) is None:
        raise NotFound(f"User {email} not found.")
    existing = _find_named(ctx, name)
    if existing is not None and existing["user"] != email:
        raise Conflict(f"Token {name} belongs to another user.")
    kept = bool(current) and existing is not None
    if (
        kept
        and hmac.compare_digest(digest(current), existing["_id"])
        and not _expired(ctx, existing)
    ):
        return current, False
    if existing is not None:
        ctx.store.delete_one(schema.TOKENS, {"_id": existing["_id"]})
    teams = tuple(t["_id"] for t in ctx.store.find(schema.TEAMS, {"users": email}))
    creator = Principal(kind=USER, token_id="", email=email, teams=teams)
    made = create_named(ctx, creator, name=name, description=description or None)
    return made["token"], True
