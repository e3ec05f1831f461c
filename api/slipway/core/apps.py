"""Apps: creation, access by team, removal."""

from __future__ import annotations

import logging
from typing import Any

from ..store import DuplicateKeyError
from . import catalog, gitserver, platforms, quota, schema, tokens, validation
from .context import Context
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .principal import APP, Principal, is_member, require_user

log = logging.getLogger("slipway.apps")

RESERVED_NAMES = frozenset({"api", "git", "registry", "router", "ns", "ns1", "ns2", "www"})


def get(ctx: Context, name: str) -> dict[str, Any]:
    doc = ctx.store.get(schema.APPS, name)
    if doc is None:
        raise NotFound(f"App {name} not found.")
    return doc


def accessible(ctx: Context, principal: Principal, name: str) -> dict[str, Any]:
    """The app ``name`` if ``principal`` may act on it: 404 when missing, 403 otherwise."""
    doc = get(ctx, name)
    if principal.kind == APP:
        if principal.app != name:
            raise PermissionDenied("app token mismatch")
        return doc
    if not principal.is_admin and not set(doc.get("teams", ())) & set(principal.teams):
        raise PermissionDenied("user does not have access to this app")
    return doc


def address(ctx: Context, name: str) -> str:
    return f"{name}.{ctx.domain}"


def repository_url(ctx: Context, name: str) -> str:
    user, host, port = ctx.config["git:user"], ctx.config["git:rw-host"], ctx.config["git:ssh-port"]
    if port != 22:
        return f"ssh://{user}@{host}:{port}/{name}.git"
    return f"{user}@{host}:{name}.git"


def _owner_team(principal: Principal, team_owner: Any) -> str:
    if team_owner not in (None, ""):
        team = validation.team_name(team_owner)
        if not is_member(principal, team):
            raise PermissionDenied(f"You are not a member of the team {team}.")
        return team
    if not principal.teams:
        raise ValidationError(
            "In order to create an app, you should be member of at least one team"
        )
    if len(principal.teams) > 1:
        raise ValidationError(
            "You belong to more than one team, choose one to be the owner of this app (teamOwner)."
        )
    return principal.teams[0]


def create(
    ctx: Context,
    principal: Principal,
    name: Any,
    platform: Any,
    team_owner: Any = None,
    description: Any = None,
) -> dict[str, Any]:
    owner = require_user(principal)
    app_name = validation.app_name(name)
    if app_name in RESERVED_NAMES:
        raise ValidationError(f"The name {app_name} is reserved by the platform.")
    platform_name = platforms.usable(ctx, platform)
    team = _owner_team(principal, team_owner)
    if ctx.store.get(schema.TEAMS, team) is None:
        raise NotFound(f"Team {team} not found.")
    text = validation.description(description)
    if ctx.store.get(schema.APPS, app_name) is not None:
        raise Conflict("there is already an app with this name.")
    quota.reserve_app(ctx, owner)
    doc = {
        "_id": app_name,
        "name": app_name,
        "platform": platform_name,
        "teams": [team],
        "teamowner": team,
        "owner": owner,
        "description": text,
        "cname": [],
        "env": {},
        "units": [],
        "deploys": 0,
        "plan": {"name": "default", "memory": 0, "swap": 0, "cpushare": 0},
        "pool": "",
        "quota": {"limit": ctx.config["quota:units-per-app"], "inuse": 0},
        "created": ctx.timestamp(),
    }
    try:
        ctx.store.insert(schema.APPS, doc)
    except DuplicateKeyError as exc:
        quota.release_app(ctx, owner)
        raise Conflict("there is already an app with this name.") from exc
    except Exception:
        quota.release_app(ctx, owner)
        raise
    gitserver.create_repository(ctx, doc, undo=lambda: _forget(ctx, app_name, owner))
    log.info("app %s created by %s for team %s", app_name, owner, team)
    return doc


def _forget(ctx: Context, name: str, owner: str) -> None:
    """Undo a creation that could not be completed."""
    if ctx.store.delete_one(schema.APPS, {"_id": name}):
        quota.release_app(ctx, owner)


def list_for(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    if principal.kind == APP:
        return [get(ctx, principal.app or "")]
    if principal.is_admin:
        return ctx.store.find(schema.APPS, sort=[("_id", 1)])
    return ctx.store.find(schema.APPS, {"teams": {"$in": list(principal.teams)}}, sort=[("_id", 1)])


def remove(ctx: Context, principal: Principal, name: str) -> dict[str, Any]:
    require_user(principal)
    doc = accessible(ctx, principal, name)
    gitserver.remove_repository(ctx, name)
    tokens.revoke_app_tokens(ctx, name)
    if not ctx.store.delete_one(schema.APPS, {"_id": name}):
        raise NotFound(f"App {name} not found.")
    quota.release_app(ctx, doc["owner"])
    log.info("app %s removed by %s", name, principal.name)
    return doc


def grant(ctx: Context, principal: Principal, name: str, team: Any) -> None:
    require_user(principal)
    accessible(ctx, principal, name)
    team_name = validation.team_name(team)
    if ctx.store.get(schema.TEAMS, team_name) is None:
        raise NotFound(f"Team {team_name} not found.")
    updated = ctx.store.update_one(
        schema.APPS, {"_id": name, "teams": {"$ne": team_name}}, {"$push": {"teams": team_name}}
    )
    if updated is None:
        raise Conflict("This team already has access to this app")
    gitserver.grant_team(
        ctx,
        name,
        team_name,
        undo=lambda: ctx.store.update_one(
            schema.APPS, {"_id": name}, {"$pull": {"teams": team_name}}
        ),
    )


def revoke(ctx: Context, principal: Principal, name: str, team: Any) -> None:
    require_user(principal)
    doc = accessible(ctx, principal, name)
    team_name = validation.team_name(team)
    if team_name not in doc["teams"]:
        raise NotFound("This team does not have access to this app")
    if doc["teams"] == [team_name]:
        raise PermissionDenied(
            "You can not revoke the access from this team, because it is the unique team "
            "with access to the app, and an app can not be orphaned"
        )
    gitserver.revoke_team(ctx, name, team_name, doc["teams"])
    updated = ctx.store.update_one(
        schema.APPS,
        {"_id": name, "teams": team_name, "teams.1": {"$exists": True}},
        {"$pull": {"teams": team_name}},
    )
    if updated is None:
        gitserver.repair(ctx, [name])
        raise Conflict("The app's teams changed meanwhile; try again.")


def update(
    ctx: Context,
    principal: Principal,
    name: str,
    *,
    description: Any = None,
    plan: Any = None,
    pool: Any = None,
    team_owner: Any = None,
    platform: Any = None,
) -> dict[str, Any]:
    """Change an app's description, plan, pool, owner team or platform (``None``: unchanged).

    A new owner team must exist and, unless the user is an admin, count the
    user as a member; it gains access to the app if it had none. A new
    platform is used from the app's next deploy on.
    """
    require_user(principal)
    doc = accessible(ctx, principal, name)
    changes: dict[str, Any] = {}
    if description is not None:
        changes["description"] = validation.description(description)
    if plan not in (None, ""):
        changes["plan"] = catalog.plan(plan)
    if pool not in (None, "") or (pool == "" and doc.get("pool")):
        changes["pool"] = catalog.pool(ctx, pool)
    if platform not in (None, ""):
        changes["platform"] = platforms.usable(ctx, platform)
    team = None
    if team_owner not in (None, ""):
        team = validation.team_name(team_owner)
        if ctx.store.get(schema.TEAMS, team) is None:
            raise NotFound(f"Team {team} not found.")
        if not principal.is_admin and not is_member(principal, team):
            raise PermissionDenied(f"You are not a member of the team {team}.")
        changes["teamowner"] = team
    if not changes:
        raise ValidationError(
            "Nothing to change: give a description, plan, pool, teamOwner or platform."
        )
    if team is not None and team not in doc.get("teams", []):
        grant(ctx, principal, name, team)
    updated = ctx.store.update_one(schema.APPS, {"_id": name}, {"$set": changes})
    if updated is None:
        raise NotFound(f"App {name} not found.")
    log.info("app %s updated by %s: %s", name, principal.name, ", ".join(sorted(changes)))
    return updated


def issue_token(ctx: Context, principal: Principal, name: str) -> str:
    """A new token for the app's units and hooks; the previous one stops working."""
    require_user(principal)
    accessible(ctx, principal, name)
    return tokens.issue_app_token(ctx, name, principal.name)


def revoke_tokens(ctx: Context, principal: Principal, name: str) -> int:
    require_user(principal)
    accessible(ctx, principal, name)
    return tokens.revoke_app_tokens(ctx, name)
