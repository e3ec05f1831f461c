"""Deploys: uploading an app, rolling it back, and its release history."""

from __future__ import annotations

import argparse
from typing import Any

from slipway.cli.apps import app_path
from slipway.cli.archive import human_size, pack
from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.errors import EXIT_USAGE, CliError
from slipway.cli.output import render_table
from slipway.cli.stream import relay

ARCHIVE_NAME = "archive.tar.gz"
ARCHIVE_TYPE = "application/gzip"
_SHOWN_LINKS = 5
NANOSECONDS = 1_000_000_000


def deploy_rows(deploys: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for deploy in deploys:
        image = f"{deploy['Image']}{' (rollback available)' if deploy.get('CanRollback') else ''}"
        duration = deploy.get("Duration")  # nanoseconds
        when = (
            f"{deploy['Timestamp']} ({duration / NANOSECONDS:.0f}s)"
            if isinstance(duration, (int, float))
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


def app_deploy(ctx: Context) -> None:
    """Deploy files (default: the current directory) or an image; succeed only on ``OK``."""
    name = ctx.app_name()
    image, paths = ctx.args.image, ctx.args.paths
    if image and paths:
        raise CliError("app-deploy takes files or -i/--image, not both", EXIT_USAGE)
    if image:
        form = {"image": image, "origin": "image"}
        messages = ctx.client.stream("POST", app_path(name, "deploy"), form=form)
        relay(messages, ctx.out)
        ctx.out.done("OK", app=name, image=image)
        return
    packed = pack(paths or ["."])
    if packed.skipped_links:
        shown = ", ".join(packed.skipped_links[:_SHOWN_LINKS])
        more = len(packed.skipped_links) - _SHOWN_LINKS
        shown += f" and {more} more" if more > 0 else ""
        ctx.out.warn(f"left out symbolic links that point outside the directory: {shown}")
    ctx.out.line(f"Uploading {packed.files} files ({human_size(len(packed.data))})...")
    files = {"file": (ARCHIVE_NAME, packed.data, ARCHIVE_TYPE)}
    messages = ctx.client.stream(
        "POST", app_path(name, "deploy"), form={"origin": "app-deploy"}, files=files
    )
    relay(messages, ctx.out)
    ctx.out.done("OK", app=name)


def app_deploy_rollback(ctx: Context) -> None:
    """Start an earlier release again, without a build (asks first unless -y)."""
    name = ctx.app_name()
    version, image = ctx.args.version, ctx.args.image
    if (version is None) == (image is None):
        raise CliError("app-deploy-rollback takes -v/--version N or an image name", EXIT_USAGE)
    if version is not None:
        form, what = {"version": str(version)}, f"version {version}"
        fields: dict[str, Any] = {"version": version}
    else:
        form, what = {"image": image}, f'image "{image}"'
        fields = {"image": image}
    ctx.confirm(f'roll app "{name}" back to {what}')
    relay(ctx.client.stream("POST", app_path(name, "deploy", "rollback"), form=form), ctx.out)
    ctx.out.done("OK", app=name, **fields)


def version_number(text: str) -> int:
    """A release number: ``3`` or ``v3``."""
    digits = text.removeprefix("v")
    if not digits.isdigit() or int(digits) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a release number such as 3 or v3")
    return int(digits)


def register(commands: Commands) -> None:
    """Add the app-deploy* commands."""
    parser = commands.add(
        "app-deploy",
        app_deploy,
        "deploy files or a directory (default: the current one), or an image",
        app=True,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="path",
        help="files and directories to send (default: .); .git and what"
        " .slipwayignore or .tsuruignore lists are left out",
    )
    parser.add_argument("-i", "--image", help="deploy this Docker image instead of files")

    parser = commands.add(
        "app-deploy-rollback",
        app_deploy_rollback,
        "start an earlier release of an app again",
        app=True,
        confirm=True,
    )
    parser.add_argument("image", nargs="?", help="the image of the release to go back to")
    parser.add_argument(
        "-v", "--version", type=version_number, help="the release number to go back to (3 or v3)"
    )

    commands.add("app-deploy-list", app_deploy_list, "list an app's deploys", app=True)
