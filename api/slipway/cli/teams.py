"""Teams and their members."""

from __future__ import annotations

from typing import Any

from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.http import path_segment


def team_create(ctx: Context) -> None:
    """Create a team; you become its first member."""
    name = ctx.args.team
    ctx.client.call("POST", "/teams", body={"name": name})
    ctx.out.done(f'Team "{name}" successfully created!', team=name)


def team_list(ctx: Context) -> None:
    """List the teams you belong to, with their members."""
    teams = ctx.client.call("GET", "/teams") or []

    def render(items: list[dict[str, Any]]) -> None:
        rows = [
            (team.get("name", ""), "\n".join(sorted(team.get("users") or [], key=str.casefold)))
            for team in items
        ]
        ctx.out.table(["Team", "Users"], rows)

    ctx.out.data(teams, render)


def team_remove(ctx: Context) -> None:
    """Remove a team (asks first unless -y)."""
    name = ctx.args.team
    ctx.confirm(f'remove team "{name}"')
    ctx.client.call("DELETE", f"/teams/{path_segment(name)}")
    ctx.out.done(f'Team "{name}" successfully removed!', team=name)


def team_user_add(ctx: Context) -> None:
    """Add a user to a team."""
    team, email = ctx.args.team, ctx.args.email
    ctx.client.call("PUT", f"/teams/{path_segment(team)}/{path_segment(email)}")
    ctx.out.done(f'User "{email}" was added to the "{team}" team', team=team, email=email)


def team_user_remove(ctx: Context) -> None:
    """Remove a user from a team."""
    team, email = ctx.args.team, ctx.args.email
    ctx.client.call("DELETE", f"/teams/{path_segment(team)}/{path_segment(email)}")
    ctx.out.done(f'User "{email}" was removed from the "{team}" team', team=team, email=email)


def team_user_list(ctx: Context) -> None:
    """List a team's members."""
    team = ctx.client.call("GET", f"/teams/{path_segment(ctx.args.team)}") or {}

    def render(data: dict[str, Any]) -> None:
        for email in sorted(data.get("users") or [], key=str.casefold):
            ctx.out.line(f"- {email}")

    ctx.out.data(team, render)


def register(commands: Commands) -> None:
    """Add the team-* commands."""
    parser = commands.add("team-create", team_create, "create a team")
    parser.add_argument("team")

    commands.add("team-list", team_list, "list your teams and their members")

    parser = commands.add("team-remove", team_remove, "remove a team", confirm=True)
    parser.add_argument("team")

    parser = commands.add("team-user-add", team_user_add, "add a user to a team")
    parser.add_argument("team")
    parser.add_argument("email")

    parser = commands.add("team-user-remove", team_user_remove, "remove a user from a team")
    parser.add_argument("team")
    parser.add_argument("email")

    parser = commands.add("team-user-list", team_user_list, "list the members of a team")
    parser.add_argument("team")
