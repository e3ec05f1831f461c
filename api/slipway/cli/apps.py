"""Apps: create, list, inspect, remove, and which teams may use them."""

from __future__ import annotations

from typing import Any

from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.errors import EXIT_USAGE, ApiError, CliError
from slipway.cli.http import path_segment
from slipway.cli.output import limit_text

IN_SERVICE = "started"
UNIT_ID_CHARS = 12


def app_path(name: str, *rest: str) -> str:
    """The API path of an app, or of something under it."""
    return "/".join([f"/apps/{path_segment(name)}", *rest])


def units_summary(units: list[dict[str, Any]]) -> str:
    """``N of M units in-service``: how many units are started."""
    started = sum(1 for unit in units if unit.get("Status") == IN_SERVICE)
    return f"{started} of {len(units)} units in-service"


def addresses(app: dict[str, Any]) -> list[str]:
    """Where the app answers: its CNAMEs, then its own address."""
    found = [str(cname) for cname in app.get("cname") or [] if cname]
    if app.get("ip"):
        found.append(str(app["ip"]))
    return found


def unit_row(unit: dict[str, Any]) -> tuple[str, str, str, str]:
    """A unit's row in app-info's table: id, process, state, host:port."""
    address = unit.get("Address") or {}
    host = address.get("Host", "") if isinstance(address, dict) else str(address)
    return (
        str(unit.get("ID", ""))[:UNIT_ID_CHARS],
        str(unit.get("ProcessName") or ""),
        str(unit.get("Status") or ""),
        str(host or ""),
    )


def release_text(release: Any) -> str:
    """The current release for people: ``v3 (registry/app-blog:v3)``; empty when none."""
    if not isinstance(release, dict) or not release.get("version"):
        return ""
    image = release.get("image")
    return f"v{release['version']}" + (f" ({image})" if image else "")


def process_rows(processes: Any) -> list[tuple[str, str]]:
    """app-info's process table: each Procfile process and its command."""
    if not isinstance(processes, dict):
        return []
    return [(str(process), str(command or "")) for process, command in processes.items()]


def app_create(ctx: Context) -> None:
    """Create an app and show its git repository."""
    name = ctx.args.name
    body = {
        "name": name,
        "platform": ctx.args.platform,
        "teamOwner": ctx.args.team or "",
        "description": ctx.args.description or "",
    }
    answer = ctx.client.call("POST", "/apps", body=body) or {}
    repository = answer.get("repository_url", "")
    ctx.out.line(f'App "{name}" has been created!')
    ctx.out.line("Use app-info to check the status of the app and its units.")
    ctx.out.line(f'Your repository for "{name}" project is "{repository}"')
    if ctx.out.json_mode:
        fields = {key: value for key, value in answer.items() if key != "message"}
        ctx.out.done(f'App "{name}" has been created!', **{**fields, "app": name})


def app_list(ctx: Context) -> None:
    """List the apps you can use, with their units' state and addresses."""
    apps = ctx.client.call("GET", "/apps") or []

    def render(items: list[dict[str, Any]]) -> None:
        rows = [
            (app.get("name", ""), units_summary(app.get("units") or []), "\n".join(addresses(app)))
            for app in items
        ]
        ctx.out.table(["Application", "Units State Summary", "Address"], rows)

    ctx.out.data(apps, render)


def _app_quota(ctx: Context, name: str) -> dict[str, Any] | None:
    """The app's unit quota, or ``None`` when the API does not tell."""
    try:
        quota = ctx.client.call("GET", app_path(name, "quota"))
    except ApiError:
        return None
    return quota if isinstance(quota, dict) else None


def app_info(ctx: Context) -> None:
    """Show an app's details and units."""
    name = ctx.app_name()
    app = ctx.client.call("GET", app_path(name)) or {}
    ctx.out.data(app, lambda data: _show_app(ctx, name, data))


def _show_app(ctx: Context, name: str, app: dict[str, Any]) -> None:
    out = ctx.out
    out.line(f"Application: {app.get('name', name)}")
    if app.get("description"):
        out.line(f"Description: {app['description']}")
    out.line(f"Repository: {app.get('repository', '')}")
    out.line(f"Platform: {app.get('platform', '')}")
    out.line(f"Teams: {', '.join(app.get('teams') or [])}")
    out.line(f"Address: {', '.join(addresses(app))}")
    out.line(f"Owner: {app.get('owner', '')}")
    out.line(f"Team owner: {app.get('teamowner', '')}")
    out.line(f"Deploys: {app.get('deploys', 0)}")
    release = release_text(app.get("release"))
    if release:
        out.line(f"Release: {release}")
    if app.get("pool"):
        out.line(f"Pool: {app['pool']}")
    plan = app.get("plan")
    if isinstance(plan, dict) and plan.get("name"):
        out.line(f"Plan: {plan['name']}")
    quota = _app_quota(ctx, name)
    if quota is not None:
        out.line(f"Quota: {quota.get('InUse', 0)}/{limit_text(quota.get('Limit'))} units")
    processes = process_rows(app.get("processes"))
    if processes:
        out.line()
        out.line(f"Processes: {len(processes)}")
        out.table(["Process", "Command"], processes)
    units = app.get("units") or []
    if units:
        out.line()
        out.line(f"Units: {len(units)}")
        out.table(["Unit", "Process", "State", "Host:Port"], [unit_row(u) for u in units])


def app_remove(ctx: Context) -> None:
    """Remove an app and everything it runs (asks first unless -y)."""
    name = ctx.app_name()
    ctx.confirm(f'remove app "{name}"')
    for message in ctx.client.stream("DELETE", app_path(name)):
        ctx.out.progress(message)
    ctx.out.done(f'App "{name}" has been removed!', app=name)


UPDATE_FIELDS = (
    ("description", "description"),
    ("plan", "plan"),
    ("pool", "pool"),
    ("team_owner", "teamOwner"),
    ("platform", "platform"),
)


def app_update(ctx: Context) -> None:
    """Change an app's description, plan, pool, owner team or platform."""
    name = ctx.app_name()
    form = {
        field: str(getattr(ctx.args, attr))
        for attr, field in UPDATE_FIELDS
        if getattr(ctx.args, attr) is not None
    }
    if not form:
        raise CliError(
            "nothing to change: give -d/--description, -p/--plan, -o/--pool,"
            " -t/--team-owner or -l/--platform",
            EXIT_USAGE,
        )
    for message in ctx.client.stream("PUT", app_path(name), form=form):
        ctx.out.progress(message)
    ctx.out.done(f'App "{name}" has been updated!', app=name, **form)


def app_grant(ctx: Context) -> None:
    """Let a team use an app."""
    name, team = ctx.app_name(), ctx.args.team
    ctx.client.call("PUT", app_path(name, "teams", path_segment(team)))
    ctx.out.done(f'Team "{team}" was added to the "{name}" app', app=name, team=team)


def app_revoke(ctx: Context) -> None:
    """Stop a team from using an app."""
    name, team = ctx.app_name(), ctx.args.team
    ctx.client.call("DELETE", app_path(name, "teams", path_segment(team)))
    ctx.out.done(f'Team "{team}" was removed from the "{name}" app', app=name, team=team)


def register(commands: Commands) -> None:
    """Add the app-* commands."""
    parser = commands.add("app-create", app_create, "create an app")
    parser.add_argument("name")
    parser.add_argument("platform")
    parser.add_argument("-t", "--team", help="the owner team (needed when you are in several)")
    parser.add_argument("-d", "--description", help="a description of the app")

    commands.add("app-list", app_list, "list your apps")
    commands.add("app-info", app_info, "show an app's details and units", app=True)
    commands.add("app-remove", app_remove, "remove an app", app=True, confirm=True)

    parser = commands.add("app-update", app_update, "change an app's settings", app=True)
    parser.add_argument("-d", "--description", help="a new description")
    parser.add_argument("-p", "--plan", help="the plan (see plan-list)")
    parser.add_argument("-o", "--pool", help="the pool its units run in")
    parser.add_argument("-t", "--team-owner", help="the team that owns it (gains access)")
    parser.add_argument("-l", "--platform", help="the platform its next deploy builds on")

    parser = commands.add("app-grant", app_grant, "give a team access to an app", app=True)
    parser.add_argument("team")

    parser = commands.add("app-revoke", app_revoke, "take a team's access to an app away", app=True)
    parser.add_argument("team")
