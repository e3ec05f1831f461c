"""User accounts: registration, login, passwords, removal."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from . import gitserver, schema, tokens, validation
from .context import Context
from .errors import AuthenticationError, NotFound, PermissionDenied, ValidationError
from .passwords import check_password, generate_password, hash_password
from .principal import USER, Principal, require_admin, require_user
from .store_errors import translate_duplicates

log = logging.getLogger("slipway.users")
LOGIN_FAILED = "Authentication failed: wrong email or password."


def create(ctx: Context, actor: Principal | None, email: Any, password: Any) -> dict[str, Any]:
    """Register a user: open to anyone when auth:user-registration is on, else admins only."""
    if not ctx.config["auth:user-registration"]:
        if actor is None:
            raise AuthenticationError(
                "User registration is disabled: an administrator must create your account."
            )
        require_admin(actor)
    address = validation.email(email)
    secret = validation.password(password)
    doc = {
        "_id": address,
        "email": address,
        "password": hash_password(secret, ctx.config["auth:hash-cost"]),
        "created": ctx.timestamp(),
        "quota": {"limit": ctx.config["quota:apps-per-user"], "inuse": 0},
    }
    with translate_duplicates("This email is already registered."):
        ctx.store.insert(schema.USERS, doc)
    gitserver.create_user(
        ctx, address, undo=lambda: ctx.store.delete_one(schema.USERS, {"_id": address})
    )
    log.info("user %s created", address)
    return public_view(doc, ())


def get(ctx: Context, email: str) -> dict[str, Any]:
    doc = ctx.store.get(schema.USERS, email.lower())
    if doc is None:
        raise NotFound("User not found.")
    return doc


def public_view(doc: dict[str, Any], teams: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {"email": doc["email"], "teams": list(teams), "created": doc.get("created")}


def login(ctx: Context, email: Any, password: Any) -> tuple[str, bool]:
    """Check the password and open a session; returns (token, is_admin)."""
    if not isinstance(email, str) or not isinstance(password, str) or not password:
        raise ValidationError("You must provide a password to login")
    doc = ctx.store.get(schema.USERS, email.lower())
    cost = ctx.config["auth:hash-cost"]
    if not check_password(password, doc["password"] if doc else None, cost) or doc is None:
        raise AuthenticationError(LOGIN_FAILED)
    token = tokens.issue_session(ctx, doc["_id"])
    admin = ctx.store.count(schema.TEAMS, {"_id": ctx.admin_team, "users": doc["_id"]}) > 0
    return token, admin


def info(ctx: Context, principal: Principal) -> dict[str, Any]:
    email = require_user(principal)
    doc = get(ctx, email)
    return {**public_view(doc, principal.teams), "is_admin": principal.is_admin}


def list_all(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    require_admin(principal)
    users = ctx.store.find(schema.USERS, sort=[("_id", 1)])
    teams = ctx.store.find(schema.TEAMS)
    return [
        public_view(u, sorted(t["_id"] for t in teams if u["_id"] in t.get("users", ())))
        for u in users
    ]


def api_key_info(ctx: Context, principal: Principal) -> dict[str, Any]:
    return tokens.api_key_info(ctx, require_user(principal))


def show_api_key(ctx: Context, principal: Principal) -> str:
    """tsuru's token-show: a user without an API key gets one, shown this once.

    Only a digest of a key is stored, so an existing key cannot be shown again:
    the answer then says so and how to get a new one.
    """
    email = require_user(principal)
    found = tokens.api_key_info(ctx, email)
    if not found["exists"]:
        return tokens.issue_api_key(ctx, email)
    return (
        f"(hidden: the key made {found['created']} is stored as a digest only; "
        "POST /users/api-key (token-regenerate) replaces it with a new one, shown once)"
    )


def regenerate_api_key(ctx: Context, principal: Principal) -> str:
    """A new API key for scripts (shown once); the previous one stops working."""
    return tokens.issue_api_key(ctx, require_user(principal))


def change_password(ctx: Context, principal: Principal, old: Any, new: Any) -> None:
    email = require_user(principal)
    if not isinstance(old, str) or not old or not isinstance(new, str) or not new:
        raise ValidationError("Both the old and the new passwords are required.")
    doc = get(ctx, email)
    if not check_password(old, doc["password"]):
        raise PermissionDenied("The given password didn't match the user's current password.")
    hashed = hash_password(validation.password(new), ctx.config["auth:hash-cost"])
    ctx.store.update_one(schema.USERS, {"_id": email}, {"$set": {"password": hashed}})
    ctx.store.delete_many(
        schema.TOKENS, {"user": email, "kind": USER, "_id": {"$ne": principal.token_id}}
    )


def request_reset(ctx: Context, email: Any) -> None:
    """Send (or log, without SMTP) a single-use token that allows one password reset.

    Unknown addresses are answered the same way, so the call tells nobody who has
    an account.
    """
    doc = ctx.store.get(schema.USERS, validation.email(email))
    if doc is None:
        log.info("password reset asked for an unknown address")
        return
    raw = secrets.token_urlsafe(24)
    hours = ctx.config["auth:reset-token-expire-hours"]
    ctx.store.delete_many(schema.RESET_TOKENS, {"user": doc["_id"]})
    ctx.store.insert(
        schema.RESET_TOKENS,
        {
            "_id": tokens.digest(raw),
            "user": doc["_id"],
            "expires": (ctx.now() + dt.timedelta(hours=hours)).isoformat(timespec="seconds"),
        },
    )
    ctx.mailer.send(
        doc["email"],
        "Slipway password reset",
        f"Someone asked to reset your Slipway password.\n\n"
        f"Reset token: {raw}\n\nRun: slipway reset-password {doc['email']} --token {raw}\n"
        f"It expires in {hours} hours. Ignore this message if you did not ask for it.\n",
    )


def complete_reset(ctx: Context, email: Any, token: Any, new_password: Any = None) -> bool:
    """Set a new password with a reset token; returns True when one was generated and sent."""
    doc = get(ctx, validation.email(email))
    if not isinstance(token, str) or not token:
        raise ValidationError("The reset token is required.")
    record = ctx.store.get(schema.RESET_TOKENS, tokens.digest(token))
    expired = record is not None and dt.datetime.fromisoformat(record["expires"]) <= ctx.now()
    if record is None or record["user"] != doc["_id"] or expired:
        raise PermissionDenied("Invalid or expired password reset token.")
    generated = new_password in (None, "")
    if generated and not ctx.mailer.delivers:
        raise ValidationError(
            "Give the new password: no mail server is configured to send a generated one."
        )
    secret = generate_password() if generated else validation.password(new_password)
    hashed = hash_password(secret, ctx.config["auth:hash-cost"])
    if generated:
        ctx.mailer.send(
            doc["email"], "Your new Slipway password", f"Your new password is: {secret}\n"
        )
    ctx.store.update_one(schema.USERS, {"_id": doc["_id"]}, {"$set": {"password": hashed}})
    ctx.store.delete_many(schema.RESET_TOKENS, {"user": doc["_id"]})
    ctx.store.delete_many(schema.TOKENS, {"user": doc["_id"]})
    return generated


def remove(ctx: Context, principal: Principal, email: Any = None) -> str:
    """Remove a user (yourself, or anyone as an admin) and everything that was only theirs."""
    actor = require_user(principal)
    target = actor if email in (None, "", actor) else None
    if target is None:
        require_admin(principal)
        target = validation.email(email)
    get(ctx, target)
    for team in ctx.store.find(schema.TEAMS, {"users": target}):
        if team["users"] == [target]:
            raise PermissionDenied(
                f"This user is the last member of the team {team['_id']}: "
                "remove the team or add another member first."
            )
    gitserver.remove_user(ctx, target)
    ctx.store.update_many(schema.TEAMS, {"users": target}, {"$pull": {"users": target}})
    ctx.store.delete_many(schema.KEYS, {"user": target})
    ctx.store.delete_many(schema.TOKENS, {"user": target})
    ctx.store.delete_many(schema.RESET_TOKENS, {"user": target})
    ctx.store.delete_one(schema.USERS, {"_id": target})
    log.info("user %s removed by %s", target, actor)
    return target


def ensure_admin(ctx: Context, email: str, password: str) -> bool:
    """Bootstrap: make sure ``email`` exists with ``password`` in the admin team.

    Returns True when anything changed, so automation can report it.
    """
    address = validation.email(email)
    secret = validation.password(password)
    changed = False
    doc = ctx.store.get(schema.USERS, address)
    if doc is None:
        ctx.store.insert(
            schema.USERS,
            {
                "_id": address,
                "email": address,
                "password": hash_password(secret, ctx.config["auth:hash-cost"]),
                "created": ctx.timestamp(),
                "quota": {"limit": -1, "inuse": 0},
            },
        )
        changed = True
    elif not check_password(secret, doc["password"]):
        hashed = hash_password(secret, ctx.config["auth:hash-cost"])
        ctx.store.update_one(schema.USERS, {"_id": address}, {"$set": {"password": hashed}})
        changed = True
    team = ctx.store.get(schema.TEAMS, ctx.admin_team)
    if team is None or address not in team.get("users", ()):
        ctx.store.update_one(
            schema.TEAMS,
            {"_id": ctx.admin_team},
            {"$set": {"name": ctx.admin_team}, "$addToSet": {"users": address}},
            upsert=True,
        )
        changed = True
    return changed
