"""The control plane drives the git server (``docs/git-server.md``, "Driven by the control plane").

``git:api-server`` is the git server's REST API (empty: not driven, every call
here is a no-op) and ``git:api-token`` its shared secret. The control plane's
records are the source of truth; the git server follows them:

- additions (user, key, repository, grant) are recorded first and then sent;
  when the git server fails, the record is undone (``undo``) and the call
  fails with 502/503;
- removals (user, key, repository, revoke) are sent first and then recorded;
  when the git server fails, nothing was changed.

So a failed call never leaves the git server allowing more than the records
say for longer than the call itself. ``resync`` (``slipway-api resync-git``)
makes the git server hold exactly what the records describe.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from ..config import Config
from . import schema
from .context import Context
from .errors import BadGateway, DomainError, Unavailable, ValidationError

log = logging.getLogger("slipway.gitserver")

TIMEOUT = (5.0, 30.0)
RESYNC_TIMEOUT = (5.0, 600.0)
# The git server's user names (docs/git-server.md, "Data").
USER_NAME = re.compile(r"^[A-Za-z0-9+.@-]+$")
# Repositories are private to the app's teams: the hook hands the API an
# archive, so nothing needs anonymous git:// reads.
PUBLIC = False

Undo = Callable[[], Any]


class Unreachable(Unavailable):
    """No usable answer; ``maybe_applied`` when the request may have been carried out."""

    def __init__(self, message: str, maybe_applied: bool) -> None:
        super().__init__(message)
        self.maybe_applied = maybe_applied


@dataclass(frozen=True)
class GitServer:
    """A thin client for the git server's REST API."""

    url: str
    token: str

    @classmethod
    def from_config(cls, config: Config) -> GitServer:
        return cls(config["git:api-server"].rstrip("/"), config["git:api-token"])

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    def call(
        self,
        method: str,
        path: str,
        what: str,
        body: Any = None,
        *,
        tolerate: Iterable[int] = (),
        timeout: tuple[float, float] | None = None,
    ) -> requests.Response:
        """Send one request; any answer but 2xx or a tolerated status is a DomainError."""
        try:
            response = requests.request(
                method,
                self.url + path,
                json=body,
                headers={"Authorization": f"bearer {self.token}", "Accept": "application/json"},
                timeout=timeout or TIMEOUT,
            )
        except requests.RequestException as exc:
            log.warning("git server %s %s: %s", method, path, exc)
            late = isinstance(exc, requests.ReadTimeout)
            reason = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
            raise Unreachable(
                f"Could not {what}: the git server is unreachable ({reason}). "
                "Nothing was changed; try again later.",
                maybe_applied=late,
            ) from None
        if response.ok or response.status_code in tolerate:
            return response
        message = _error_message(response)
        log.warning("git server %s %s: %s %s", method, path, response.status_code, message)
        raise BadGateway(
            f"Could not {what}: the git server answered {response.status_code}: {message}. "
            "Nothing was changed."
        )

    def create_user(self, name: str, keys: dict[str, str] | None = None) -> bool:
        """True when created, False when the git server already had the user."""
        response = self.call(
            "POST",
            "/user",
            f"create the git user {name}",
            {"name": name, "keys": keys or {}},
            tolerate=(409,),
        )
        return response.status_code != 409

    def remove_user(self, name: str) -> None:
        self.call("DELETE", f"/user/{_q(name)}", f"remove the git user {name}", tolerate=(404,))

    def add_key(self, user: str, name: str, line: str) -> None:
        what = f"add the key {name} to the git server"
        response = self.call(
            "POST", f"/user/{_q(user)}/key", what, {name: line}, tolerate=(404, 409)
        )
        if response.status_code == 404:
            # A user recorded before the git server was driven (the bootstrap admin).
            self.call("POST", "/user", what, {"name": user, "keys": {name: line}})
        elif response.status_code == 409 and self.keys(user, what).get(name) != line:
            raise BadGateway(
                f"Could not {what}: the git server holds this key for another user or name "
                "(an operator can run slipway-api resync-git). Nothing was changed."
            )

    def keys(self, user: str, what: str) -> dict[str, str]:
        response = self.call("GET", f"/user/{_q(user)}/keys", what, tolerate=(404,))
        return {} if response.status_code == 404 else response.json()

    def remove_key(self, user: str, name: str) -> None:
        self.call(
            "DELETE",
            f"/user/{_q(user)}/key/{_q(name)}",
            f"remove the key {name} from the git server",
            tolerate=(404,),
        )

    def create_repository(self, name: str, users: list[str]) -> None:
        body = {"name": name, "users": users, "readonlyusers": [], "ispublic": PUBLIC}
        self.call("POST", "/repository", f"create the git repository {name}", body)

    def remove_repository(self, name: str) -> None:
        what = f"remove the git repository {name}"
        self.call("DELETE", f"/repository/{_q(name)}", what, tolerate=(404,))

    def set_users(self, name: str, users: list[str]) -> None:
        what = f"update the git repository {name}"
        self.call("PUT", f"/repository/{_q(name)}", what, {"users": users}, tolerate=(404,))

    def grant(self, repositories: list[str], users: list[str], what: str) -> None:
        # 404: none of the repositories exists there yet; resync creates them with these users.
        body = {"repositories": repositories, "users": users}
        self.call("POST", "/repository/grant", what, body, tolerate=(404,))

    def revoke(self, repositories: list[str], users: list[str], what: str) -> None:
        body = {"repositories": repositories, "users": users}
        self.call("DELETE", "/repository/revoke", what, body, tolerate=(404,))

    def resync(self, description: dict[str, Any]) -> dict[str, Any]:
        what = "resync the git server"
        return self.call("POST", "/resync", what, description, timeout=RESYNC_TIMEOUT).json()


def _q(part: str) -> str:
    return quote(part, safe="@+")


def _error_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        text = body["error"]
    else:
        text = response.text
    return " ".join(text.split())[:500] or response.reason or "no message"


def client(ctx: Context) -> GitServer:
    return GitServer.from_config(ctx.config)


def _added(call: Callable[[], Any], undo: Undo | None, inverse: Callable[[], Any]) -> None:
    """Run an addition; on failure undo the record (and the addition, if it may have landed)."""
    try:
        call()
    except Exception as exc:
        try:
            if undo is not None:
                undo()
        finally:
            if isinstance(exc, Unreachable) and exc.maybe_applied:
                try:
                    inverse()
                except DomainError:
                    log.warning("git server: could not take back a timed-out change")
        raise


def _members(ctx: Context, teams: Iterable[str]) -> set[str]:
    docs = ctx.store.find(schema.TEAMS, {"_id": {"$in": list(teams)}})
    return {user for doc in docs for user in doc.get("users", ())}


def _writers(ctx: Context, app: dict[str, Any]) -> list[str]:
    """Who may push to an app's repository: the members of its teams."""
    return sorted(user for user in _members(ctx, app.get("teams", ())) if USER_NAME.match(user))


# users and keys --------------------------------------------------------------------------


def create_user(ctx: Context, email: str, *, undo: Undo | None = None) -> None:
    """After recording a new user: the git user named by the email, without keys."""
    git = client(ctx)
    if not git.enabled:
        return
    if not USER_NAME.match(email):
        if undo is not None:
            undo()
        raise ValidationError(
            "This email cannot name a git user: use only letters, digits and - + . @"
        )
    _added(lambda: git.create_user(email), undo, lambda: git.remove_user(email))


def remove_user(ctx: Context, email: str) -> None:
    """Before forgetting a user: the git server drops the user, its keys and its grants."""
    git = client(ctx)
    if git.enabled:
        git.remove_user(email)


def add_key(ctx: Context, email: str, name: str, line: str, *, undo: Undo | None = None) -> None:
    git = client(ctx)
    if git.enabled:
        _added(lambda: git.add_key(email, name, line), undo, lambda: git.remove_key(email, name))


def remove_key(ctx: Context, email: str, name: str) -> None:
    git = client(ctx)
    if git.enabled:
        git.remove_key(email, name)


# repositories and access -----------------------------------------------------------------


def create_repository(ctx: Context, app: dict[str, Any], *, undo: Undo | None = None) -> None:
    """After recording a new app: its repository, writable by the members of its teams."""
    git = client(ctx)
    if not git.enabled:
        return
    users = _writers(ctx, app) or [app["owner"]]
    name = app["_id"]
    _added(lambda: git.create_repository(name, users), undo, lambda: git.remove_repository(name))


def remove_repository(ctx: Context, app: str) -> None:
    git = client(ctx)
    if git.enabled:
        git.remove_repository(app)


def grant_team(ctx: Context, app: str, team: str, *, undo: Undo | None = None) -> None:
    """After giving ``team`` access to ``app``: its members may push to the repository."""
    git = client(ctx)
    if not git.enabled:
        return
    users = sorted(u for u in _members(ctx, [team]) if USER_NAME.match(u))
    if users:
        what = f"grant the team {team} access to the git repository {app}"
        _added(lambda: git.grant([app], users, what), undo, lambda: repair(ctx, [app]))


def revoke_team(ctx: Context, app: str, team: str, teams: list[str]) -> None:
    """Before taking ``team`` off ``app`` (whose teams are ``teams``): members left with no
    other team of the app lose write access to the repository."""
    git = client(ctx)
    if not git.enabled:
        return
    keep = _members(ctx, [t for t in teams if t != team])
    users = sorted(u for u in _members(ctx, [team]) - keep if USER_NAME.match(u))
    if users:
        git.revoke([app], users, f"revoke the team {team}'s access to the git repository {app}")


def grant_member(ctx: Context, team: str, email: str, *, undo: Undo | None = None) -> None:
    """After adding ``email`` to ``team``: write access to the repositories of its apps."""
    git = client(ctx)
    if not git.enabled or not USER_NAME.match(email):
        return
    apps = [doc["_id"] for doc in ctx.store.find(schema.APPS, {"teams": team}, sort=[("_id", 1)])]
    if apps:
        what = f"grant {email} access to the git repositories of the team {team}"
        _added(lambda: git.grant(apps, [email], what), undo, lambda: repair(ctx, apps))


def revoke_member(ctx: Context, team: str, email: str) -> list[str]:
    """Before taking ``email`` out of ``team``: the repositories they no longer reach through
    another team lose them. Returns those apps (for ``repair`` if the record then fails)."""
    git = client(ctx)
    if not git.enabled or not USER_NAME.match(email):
        return []
    others = {doc["_id"] for doc in ctx.store.find(schema.TEAMS, {"users": email})} - {team}
    apps = [
        doc["_id"]
        for doc in ctx.store.find(schema.APPS, {"teams": team}, sort=[("_id", 1)])
        if not others & set(doc.get("teams", ()))
    ]
    if apps:
        git.revoke(apps, [email], f"revoke {email}'s access to the git repositories of {team}")
    return apps


def repair(ctx: Context, apps: Iterable[str]) -> None:
    """Best effort: set the repositories' writers from the records again (after a failure)."""
    git = client(ctx)
    if not git.enabled:
        return
    for name in apps:
        doc = ctx.store.get(schema.APPS, name)
        users = _writers(ctx, doc) if doc else []
        try:
            if users:
                git.set_users(name, users)
        except DomainError as exc:
            log.warning("git server: repository %s left out of step: %s", name, exc.message)


# resync ----------------------------------------------------------------------------------


@dataclass
class Description:
    """What the records say the git server should hold, and what it cannot hold."""

    users: list[dict[str, Any]]
    repositories: list[dict[str, Any]]
    skipped_users: list[str]
    skipped_repositories: list[str]

    def body(self) -> dict[str, Any]:
        return {"users": self.users, "repositories": self.repositories}


def describe(ctx: Context) -> Description:
    """Users with their keys and every app's repository with its writers, from the records."""
    keys: dict[str, dict[str, str]] = {}
    for doc in ctx.store.find(schema.KEYS, sort=[("user", 1), ("name", 1)]):
        keys.setdefault(doc["user"], {})[doc["name"]] = (
            f"{doc['body']} {doc.get('comment', '')}".rstrip()
        )
    users, skipped_users = [], []
    for doc in ctx.store.find(schema.USERS, sort=[("_id", 1)]):
        if USER_NAME.match(doc["_id"]):
            users.append({"name": doc["_id"], "keys": keys.get(doc["_id"], {})})
        else:
            skipped_users.append(doc["_id"])
    repositories, skipped_repositories = [], []
    for doc in ctx.store.find(schema.APPS, sort=[("_id", 1)]):
        writers = _writers(ctx, doc)
        if writers:
            repositories.append(
                {"name": doc["_id"], "users": writers, "readonlyusers": [], "ispublic": PUBLIC}
            )
        else:
            skipped_repositories.append(doc["_id"])
    return Description(users, repositories, skipped_users, skipped_repositories)


def resync(ctx: Context) -> tuple[Description, dict[str, Any]]:
    """Make the git server hold exactly what the records describe; returns its summary."""
    git = client(ctx)
    if not git.enabled:
        raise ValidationError("git:api-server is not set: the git server is not driven.")
    description = describe(ctx)
    return description, git.resync(description.body())


def summary_line(description: Description, answer: dict[str, Any]) -> str:
    """One line for an operator: what the resync changed."""

    def counts(section: str, kinds: tuple[str, ...]) -> str:
        found = answer.get(section, {})
        return " ".join(f"{kind} {len(found.get(kind, []))}" for kind in kinds)

    line = (
        f"git server {'changed' if answer.get('changed') else 'already in step'}: "
        f"{len(description.users)} users, "
        f"{sum(len(u['keys']) for u in description.users)} keys, "
        f"{len(description.repositories)} repositories "
        f"(users: {counts('users', ('created', 'removed'))}; "
        f"keys: {counts('keys', ('created', 'removed'))}; "
        f"repositories: {counts('repositories', ('created', 'updated', 'removed'))})"
    )
    if description.skipped_users:
        line += f"; users the git server cannot name: {', '.join(description.skipped_users)}"
    if description.skipped_repositories:
        line += f"; apps without writers: {', '.join(description.skipped_repositories)}"
    return line
