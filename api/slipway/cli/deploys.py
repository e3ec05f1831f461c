"""Deploys: an app's release history."""

from __future__ import annotations

from typing import Any

from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.output import render_table


def deploy_rows(deploys: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for deploy in deploys:
        image = f"{deploy['Image']}{' (rollback available)' if deploy.get('CanRollback') else ''}"
        duration = deploy.get("Duration")
        when = (
            f"{deploy['Timestamp']} ({duration:.0f}s)"
            if duration is not None
            else deploy["Timestamp"]
        )
        rows.append(
            [
                f"v{deploy['Version']}",
                image,
                deploy["Origin"],
                deploy.get("User", ""),
                when,
                deploy.get("Error", "") or deploy["Status"],
            ]
        )
    return rows


def app_deploy_list(ctx: Context) -> None:
    """List the app's deploys, newest first."""
    name = ctx.app_name()
    deploys = ctx.client.call("GET", "/deploys", params={"app": name, "limit": 20}) or []
    headers = ["Version", "Image", "Origin", "User", "Date (Duration)", "Status or error"]
    ctx.out.data(
        deploys,
        lambda data: ctx.out.write(render_table(headers, deploy_rows(data), sort=False)),
    )


def register(commands: Commands) -> None:
    commands.add("app-deploy-list", app_deploy_list, "list an app's deploys", app=True)
