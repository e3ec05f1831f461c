"""Bearer credentials: user sessions, per-user API keys, per-app tokens.

Only a SHA-256 digest of each credential is stored; the plain value is shown once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from . import schema
from .context import Context
from .errors import AuthenticationError
from .principal import API_KEY, APP, USER, Principal

TOKEN_BYTES = 32
INVALID = "You must provide a valid Authorization header"


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
        raise AuthenticationError("Your session has expired: log in again.")
    if doc["kind"] == APP:
        if ctx.store.get(schema.APPS, doc["app"]) is None:
            raise AuthenticationError(INVALID)
        return Principal(kind=APP, token_id=doc["_id"], app=doc["app"])
    return _user_principal(ctx, doc["kind"], doc["_id"], doc["user"])


def _user_principal(ctx: Context, kind: str, token_id: str, email: str) -> Principal:
    if ctx.store.get(schema.USERS, email) is None:
        raise AuthenticationError(INVALID)
    teams = tuple(sorted(t["_id"] for t in ctx.store.find(schema.TEAMS, {"users": email})))
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
