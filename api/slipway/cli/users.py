"""Users and sessions: user-create, login, logout and passwords."""

from __future__ import annotations

from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.errors import ApiError, CliError
from slipway.cli.http import path_segment

NATIVE_SCHEME = "native"


def user_create(ctx: Context) -> None:
    """Register a user; the password is prompted for, or read from stdin."""
    email = ctx.args.email
    password = ctx.prompter.new_password()
    ctx.client.call("POST", "/users", body={"email": email, "password": password}, auth=False)
    ctx.out.done(f'User "{email}" successfully created!', email=email)


def _check_scheme(ctx: Context) -> None:
    scheme = ctx.client.call("GET", "/auth/scheme", auth=False) or {}
    name = scheme.get("name", NATIVE_SCHEME) if isinstance(scheme, dict) else NATIVE_SCHEME
    if name != NATIVE_SCHEME:
        raise CliError(
            f'the target uses the "{name}" authentication scheme, which this client does not'
            " support"
        )


def login(ctx: Context) -> None:
    """Open a session and store its token under ~/.slipway/token."""
    email = ctx.args.email or ctx.prompter.ask("Email: ", what="email")
    _check_scheme(ctx)
    password = ctx.prompter.password("Password: ")
    answer = ctx.client.call(
        "POST",
        f"/users/{path_segment(email)}/tokens",
        body={"password": password},
        auth=False,
    )
    token = answer.get("token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise CliError("the API did not send a session token")
    ctx.config.save_token(token)
    ctx.out.done(
        "Successfully logged in!", email=email, is_admin=bool(answer.get("is_admin", False))
    )


def logout(ctx: Context) -> None:
    """Close the session on the server and forget the token."""
    had_token = ctx.config.token() is not None
    try:
        if had_token:
            ctx.client.request("DELETE", "/users/tokens")
    except ApiError as exc:
        if exc.status != 401:
            raise
    finally:
        ctx.config.remove_token()
    if not had_token:
        raise CliError("you are not logged in")
    ctx.out.done("Successfully logged out!")


def current_email(ctx: Context) -> str:
    """The email of the logged-in user, from the API."""
    info = ctx.client.call("GET", "/users/info") or {}
    email = info.get("email") if isinstance(info, dict) else None
    if not isinstance(email, str) or not email:
        raise CliError("the API did not say who you are")
    return email


def user_remove(ctx: Context) -> None:
    """Remove your own user, or (admins) another one; asks first unless -y."""
    me = current_email(ctx)
    email = ctx.args.email or me
    ctx.confirm(f'remove user "{email}"')
    params = {"user": email} if email != me else None
    ctx.client.call("DELETE", "/users", params=params)
    if email == me:
        ctx.config.remove_token()
    ctx.out.done(f'User "{email}" successfully removed!', email=email)


def change_password(ctx: Context) -> None:
    """Change your password: current one, then the new one (twice on a terminal)."""
    old = ctx.prompter.password("Current password: ", what="current password")
    new = ctx.prompter.new_password("New password: ", "Confirm the new password: ")
    ctx.client.call("PUT", "/users/password", body={"old": old, "new": new})
    ctx.out.done("Password successfully updated!")


def reset_password(ctx: Context) -> None:
    """Reset a forgotten password in two steps: request a token, then use it."""
    email = ctx.args.email
    path = f"/users/{path_segment(email)}/password"
    if ctx.args.token is None:
        if ctx.args.choose_password:
            raise CliError("--choose-password goes with --token")
        answer = ctx.client.call("POST", path, auth=False)
        default = f'A token to reset the password of "{email}" was sent by email.'
    else:
        body = None
        if ctx.args.choose_password:
            body = {"password": ctx.prompter.new_password("New password: ", "Confirm: ")}
        answer = ctx.client.call(
            "POST", path, params={"token": ctx.args.token}, body=body, auth=False
        )
        default = f'The password of "{email}" was reset.'
    message = answer.get("message") if isinstance(answer, dict) else None
    ctx.out.done(message if isinstance(message, str) and message else default, email=email)


def register(commands: Commands) -> None:
    """Add the user and session commands."""
    parser = commands.add(
        "user-create",
        user_create,
        "create a user (password prompted, or one line of stdin)",
    )
    parser.add_argument("email")

    parser = commands.add(
        "login", login, "log in to the current target (password prompted, or one line of stdin)"
    )
    parser.add_argument("email", nargs="?", help="asked for on a terminal when omitted")

    commands.add("logout", logout, "log out of the current target")

    parser = commands.add(
        "user-remove", user_remove, "remove your user, or another one (admins)", confirm=True
    )
    parser.add_argument("email", nargs="?", help="the user to remove (default: you)")

    commands.add(
        "change-password",
        change_password,
        "change your password (on stdin: current, then new password, one per line)",
    )

    parser = commands.add(
        "reset-password",
        reset_password,
        "reset a password: without --token, mail a reset token; with it, reset the password",
    )
    parser.add_argument("email")
    parser.add_argument("-t", "--token", help="the token received by email")
    parser.add_argument(
        "-p",
        "--choose-password",
        action="store_true",
        help="with --token: choose the new password instead of having one generated and mailed",
    )
