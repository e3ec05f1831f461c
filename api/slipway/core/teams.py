"""Teams: who may act on which apps."""

from __future__ import annotations

from typing import Any

from . import gitserver, schema, validation
from .context import Context
from .errors import Conflict, NotFound, PermissionDenied
from .principal import Principal, is_member, require_user
from .store_errors import translate_duplicates


def _view(doc: dict[str, Any]) -> dict[str, Any]:
    return {"name": doc["_id"], "users": sorted(doc.get("users", []))}


def get(ctx: Context, name: str) -> dict[str, Any]:
    doc = ctx.store.get(schema.TEAMS, name)
    if doc is None:
        raise NotFound(f"Team {name} not found.")
    return doc


def _member_team(ctx: Context, principal: Principal, name: str) -> dict[str, Any]:
    require_user(principal)
    doc = get(ctx, name)
    if not is_member(principal, name):
        raise PermissionDenied(f"You are not a member of the team {name}.")
    return doc


def create(ctx: Context, principal: Principal, name: Any) -> dict[str, Any]:
    email = require_user(principal)
    team = validation.team_name(name)
    if team == ctx.admin_team and not principal.is_admin:
        raise PermissionDenied("The admin team is managed by administrators.")
    doc = {"_id": team, "name": team, "users": [email], "created": ctx.timestamp()}
    with translate_duplicates("Team already exists."):
        ctx.store.insert(schema.TEAMS, doc)
    return _view(doc)


def list_for(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    require_user(principal)
    query = None if principal.is_admin else {"_id": {"$in": list(principal.teams)}}
    return [_view(doc) for doc in ctx.store.find(schema.TEAMS, query, sort=[("_id", 1)])]


def info(ctx: Context, principal: Principal, name: str) -> dict[str, Any]:
    return _view(_member_team(ctx, principal, name))


def apps_of(ctx: Context, principal: Principal, name: str) -> list[dict[str, Any]]:
    """The apps the team ``name`` has access to (its members only)."""
    _member_team(ctx, principal, name)
    return ctx.store.find(schema.APPS, {"teams": name}, sort=[("_id", 1)])


def remove(ctx: Context, principal: Principal, name: str) -> None:
    _member_team(ctx, principal, name)
    if name == ctx.admin_team:
        raise PermissionDenied("The admin team cannot be removed.")
    apps = ctx.store.find(schema.APPS, {"teams": name}, sort=[("_id", 1)])
    if apps:
        names = ", ".join(app["_id"] for app in apps)
        raise PermissionDenied(
            f"This team cannot be removed because it has access to apps: {names}. "
            "Revoke its access or remove the apps first."
        )
    ctx.store.delete_one(schema.TEAMS, {"_id": name})


def add_user(ctx: Context, principal: Principal, name: str, email: Any) -> None:
    _member_team(ctx, principal, name)
    address = validation.email(email)
    if ctx.store.get(schema.USERS, address) is None:
        raise NotFound("User not found.")
    updated = ctx.store.update_one(
        schema.TEAMS, {"_id": name, "users": {"$ne": address}}, {"$push": {"users": address}}
    )
    if updated is None:
        raise Conflict(f"User {address} is already in the team {name}.")
    gitserver.grant_member(
        ctx,
        name,
        address,
        undo=lambda: ctx.store.update_one(
            schema.TEAMS, {"_id": name}, {"$pull": {"users": address}}
        ),
    )


def remove_user(ctx: Context, principal: Principal, name: str, email: Any) -> None:
    doc = _member_team(ctx, principal, name)
    address = validation.email(email)
    if address not in doc.get("users", []):
        raise NotFound(f"User {address} is not a member of the team {name}.")
    last = PermissionDenied(
        "You can not remove this user from this team, because it is the last user within the team."
    )
    if doc["users"] == [address]:
        raise last
    lost = gitserver.revoke_member(ctx, name, address)
    removed = ctx.store.update_one(
        schema.TEAMS,
        {"_id": name, "users": address, "users.1": {"$exists": True}},
        {"$pull": {"users": address}},
    )
    if removed is None:
        gitserver.repair(ctx, lost)
        raise last
