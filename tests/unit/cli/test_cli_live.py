"""The slipway CLI, run as a real process, against a running API process on SQLite.

Needs the ``live_api`` fixture (tests/unit/conftest.py): an object with
``.url`` (the base URL of a real ``slipway-api`` subprocess on 127.0.0.1, on
SQLite, with user registration open), ``.admin_token`` and ``.admin_email``.
Every name used here is unique, so the fixture may be shared by a session.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import struct
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from slipway.cli.apps import addresses, units_summary
from slipway.cli.output import render_table

PASSWORD = "correct-horse-battery"
NOT_LOGGED_IN = "Error: not logged in or session expired: run slipway login\n"


def make_public_key(comment: str) -> str:
    """A well-formed ssh-ed25519 public key line (random key material)."""
    kind = b"ssh-ed25519"
    blob = struct.pack(">I", len(kind)) + kind + struct.pack(">I", 32) + os.urandom(32)
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {comment}"


@dataclass
class Run:
    code: int
    out: str
    err: str


class Slipway:
    """Runs ``python -m slipway.cli`` with its own $HOME and working directory."""

    def __init__(self, home: Path, workdir: Path) -> None:
        self.home = home
        self.workdir = workdir

    def __call__(self, *argv: str, stdin: str | None = None, token: str | None = None) -> Run:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLIPWAY_")}
        env.update(HOME=str(self.home), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1")
        if token is not None:
            env["SLIPWAY_TOKEN"] = token
        done = subprocess.run(
            [sys.executable, "-m", "slipway.cli", *argv],
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            cwd=self.workdir,
            timeout=120,
            check=False,
        )
        run = Run(done.returncode, done.stdout, done.stderr)
        assert "Traceback" not in run.err, run.err
        if run.code == 0:
            assert run.err == "", f"{argv}: {run.err}"
        else:
            assert run.err.startswith("Error: "), f"{argv}: {run.err}"
            assert run.err.count("\n") == 1, f"{argv}: {run.err}"
        return run

    def ok(self, *argv: str, stdin: str | None = None, token: str | None = None) -> str:
        run = self(*argv, stdin=stdin, token=token)
        assert run.code == 0, f"slipway {' '.join(argv)} failed: {run.err}"
        return run.out


@pytest.fixture
def slipway(tmp_path) -> Slipway:
    home = tmp_path / "home"
    workdir = tmp_path / "somewhere"
    home.mkdir()
    workdir.mkdir()
    return Slipway(home, workdir)


def test_cli_drives_a_live_api(live_api, slipway):
    suffix = uuid.uuid4().hex[:8]
    email = f"ana-{suffix}@example.com"
    team = f"team-{suffix}"
    app = f"blog-{suffix}"
    platform = f"python{suffix}"
    url = live_api.url.rstrip("/")
    config_dir = slipway.home / ".slipway"

    # Target.
    assert slipway.ok("target-add", "live", url, "-s") == (
        f"New target live -> {url} added to target list\nNew target is live -> {url}\n"
    )
    assert slipway.ok("target-list") == f"* live ({url})\n"

    # User and session: the password comes on stdin, as a script would give it.
    assert slipway.ok("user-create", email, stdin=f"{PASSWORD}\n") == (
        f'User "{email}" successfully created!\n'
    )
    wrong = slipway("login", email, stdin="not-the-password\n")
    assert wrong.code == 1
    assert not (config_dir / "token").exists()
    assert slipway.ok("login", email, stdin=f"{PASSWORD}\n") == "Successfully logged in!\n"
    assert stat.S_IMODE(config_dir.stat().st_mode) == 0o700
    for name in ("target", "targets", "token"):
        assert stat.S_IMODE((config_dir / name).stat().st_mode) == 0o600, name

    # Team.
    assert slipway.ok("team-create", team) == f'Team "{team}" successfully created!\n'
    assert slipway.ok("team-list") == render_table(["Team", "Users"], [(team, email)])
    assert slipway.ok("team-user-list", team) == f"- {email}\n"

    # Key.
    key = make_public_key(f"cli-test-{suffix}")
    key_file = slipway.workdir / "id_ed25519.pub"
    key_file.write_text(key + "\n")
    assert slipway.ok("key-add", "laptop", str(key_file)) == 'Key "laptop" successfully added!\n'
    assert json.loads(slipway.ok("key-list", "--json")) == {"laptop": key}

    # A platform to build on (admins only).
    denied = slipway("platform-add", platform)
    assert denied.code == 1
    assert slipway.ok("platform-add", platform, token=live_api.admin_token) == (
        f'Platform "{platform}" successfully added!\n'
    )
    assert re.search(rf"^\| {platform} +\| enabled", slipway.ok("platform-list"), re.M)

    # App.
    created = slipway.ok("app-create", app, platform, "-t", team)
    match = re.fullmatch(
        rf'App "{app}" has been created!\n'
        r"Use app-info to check the status of the app and its units\.\n"
        rf'Your repository for "{app}" project is "(?P<repository>[^"\n]+)"\n',
        created,
    )
    assert match is not None, created
    repository = match["repository"]
    info = json.loads(slipway.ok("app-info", "-a", app, "--json"))
    assert info["name"] == app
    assert info["platform"] == platform
    assert info["teams"] == [team]
    assert info["owner"] == email
    assert info["teamowner"] == team
    assert info["repository"] == repository
    assert info["deploys"] == 0

    # Environment.
    out = slipway.ok("env-set", "-a", app, "DEBUG=1", "GREETING=hello world")
    assert out.endswith(f'Environment variables set on app "{app}": DEBUG, GREETING\n')
    out = slipway.ok("env-set", "-a", app, "-p", "--no-restart", "SECRET=s3cr3t=x")
    assert out.endswith(f'Private environment variables set on app "{app}": SECRET\n')
    assert slipway.ok("env-get", "-a", app, "DEBUG", "GREETING", "SECRET") == (
        "DEBUG=1\nGREETING=hello world\nSECRET=*** (private variable)\n"
    )
    everything = slipway.ok("env-get", "-a", app).splitlines()
    assert everything == sorted(everything)
    for line in ("DEBUG=1", "GREETING=hello world", "SECRET=*** (private variable)"):
        assert line in everything
    bad = slipway("env-set", "-a", app, "NOT AN ASSIGNMENT")
    assert (bad.code, bad.err) == (
        1,
        'Error: "NOT AN ASSIGNMENT" is not NAME=value: env-set takes NAME=value pairs\n',
    )
    out = slipway.ok("env-unset", "-a", app, "DEBUG")
    assert out.endswith(f'Environment variables removed from app "{app}": DEBUG\n')
    assert slipway.ok("env-get", "-a", app, "DEBUG", "GREETING") == "GREETING=hello world\n"

    # Listing and details.
    info = json.loads(slipway.ok("app-info", "-a", app, "--json"))
    row = (app, units_summary(info.get("units") or []), "\n".join(addresses(info)))
    assert slipway.ok("app-list") == render_table(
        ["Application", "Units State Summary", "Address"], [row]
    )
    shown = slipway.ok("app-info", "-a", app).splitlines()
    assert shown[0] == f"Application: {app}"
    for line in (
        f"Repository: {repository}",
        f"Platform: {platform}",
        f"Teams: {team}",
        f"Address: {', '.join(addresses(info))}",
        f"Owner: {email}",
        f"Team owner: {team}",
        "Deploys: 0",
    ):
        assert line in shown, (line, shown)
    quota = slipway.ok("quota-view").splitlines()
    assert quota[0] == f"User: {email}"
    assert re.fullmatch(r"Apps usage: 1/(unlimited|\d+)", quota[1]), quota

    # Removal: refused without a terminal or -y, done with -y.
    refused = slipway("app-remove", "-a", app)
    assert (refused.code, refused.out, refused.err) == (
        1,
        "",
        f'Error: refusing to remove app "{app}" without confirmation: stdin is not a'
        " terminal, pass -y/--assume-yes\n",
    )
    assert slipway.ok("app-info", "-a", app).startswith(f"Application: {app}\n")
    assert slipway.ok("app-remove", "-a", app, "-y").endswith(f'App "{app}" has been removed!\n')
    assert slipway.ok("app-list") == render_table(
        ["Application", "Units State Summary", "Address"], []
    )
    gone = slipway("app-info", "-a", app)
    assert gone.code == 1
    assert "not found" in gone.err.lower()

    # Logout.
    assert slipway.ok("logout") == "Successfully logged out!\n"
    assert not (config_dir / "token").exists()
    after = slipway("app-list")
    assert (after.code, after.out, after.err) == (1, "", NOT_LOGGED_IN)


def test_cli_reports_an_expired_session(live_api, slipway):
    url = live_api.url.rstrip("/")
    slipway.ok("target-add", "live", url, "-s")
    (slipway.home / ".slipway" / "token").write_text("not-a-real-token\n")
    run = slipway("team-list")
    assert (run.code, run.out, run.err) == (1, "", NOT_LOGGED_IN)


def test_cli_admin_token_from_the_environment(live_api, slipway):
    slipway.ok("target-add", "live", live_api.url.rstrip("/"), "-s")
    quota = slipway.ok("quota-view", token=live_api.admin_token).splitlines()
    assert quota[0] == f"User: {live_api.admin_email}"
    assert quota[1].startswith("Apps usage: ")


def test_cli_user_removes_itself(live_api, slipway):
    email = f"leaving-{uuid.uuid4().hex[:8]}@example.com"
    slipway.ok("target-add", "live", live_api.url.rstrip("/"), "-s")
    slipway.ok("user-create", email, stdin=f"{PASSWORD}\n")
    slipway.ok("login", email, stdin=f"{PASSWORD}\n")
    assert slipway.ok("user-remove", "-y") == f'User "{email}" successfully removed!\n'
    assert not (slipway.home / ".slipway" / "token").exists()
    assert slipway("login", email, stdin=f"{PASSWORD}\n").code == 1


def api_error_line(live_api, token: str, method: str, path: str, **kwargs) -> str:
    """The ``Error:`` line the CLI must print for what the API refuses with a JSON error."""
    answer = requests.request(
        method,
        live_api.url.rstrip("/") + path,
        headers={"Authorization": f"bearer {token}"},
        timeout=30,
        **kwargs,
    )
    assert answer.status_code >= 400, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    return f"Error: {' '.join(answer.json()['error'].split())}\n"


def test_cli_deploy_path_without_docker_nodes(live_api, slipway):
    """Without nodes nothing can run: each command fails before streaming, on one line."""
    suffix = uuid.uuid4().hex[:8]
    email, team, app = f"dev-{suffix}@example.com", f"team-{suffix}", f"shop-{suffix}"
    platform = f"static{suffix}"
    slipway.ok("target-add", "live", live_api.url.rstrip("/"), "-s")
    slipway.ok("user-create", email, stdin=f"{PASSWORD}\n")
    slipway.ok("login", email, stdin=f"{PASSWORD}\n")
    token = (slipway.home / ".slipway" / "token").read_text().strip()
    slipway.ok("team-create", team)
    slipway.ok("app-create", app, "python", "-t", team)

    # Platforms: added (no registry here, so nothing to build), listed, disabled, enabled.
    assert slipway.ok("platform-add", platform, token=live_api.admin_token) == (
        f'Platform "{platform}" successfully added!\n'
    )
    listed = json.loads(slipway.ok("platform-list", "--json"))
    assert {"name", "disabled", "image", "built"} <= set(listed[0])
    row = re.compile(rf"^\| {platform} +\| (?P<state>[a-z, ]+?) +\|", re.M)
    match = row.search(slipway.ok("platform-list"))
    assert match is not None
    assert match["state"].startswith("enabled")
    slipway.ok("platform-update", platform, "--disable", token=live_api.admin_token)
    assert row.search(slipway.ok("platform-list")) is None  # users see enabled ones only
    match = row.search(slipway.ok("platform-list", token=live_api.admin_token))
    assert match is not None
    assert match["state"].startswith("disabled")
    slipway.ok("platform-update", platform, "--enable", token=live_api.admin_token)
    assert row.search(slipway.ok("platform-list")) is not None
    denied = slipway("platform-update", platform, "--disable")
    assert denied.code == 1

    # app-info of an app never deployed: no release, no processes, no units.
    shown = slipway.ok("app-info", "-a", app)
    assert shown.startswith(f"Application: {app}\n")
    for absent in ("Release:", "Processes:", "Units:"):
        assert absent not in shown

    # app-deploy packs the directory and the API refuses it before streaming.
    (slipway.workdir / "app.py").write_text("print('hi')\n")
    (slipway.workdir / "Procfile").write_text("web: python app.py\n")
    archive = {"file": ("archive.tar.gz", b"not checked first", "application/gzip")}
    expected = api_error_line(
        live_api, token, "POST", f"/apps/{app}/deploy", files=archive, data={"origin": "app-deploy"}
    )
    run = slipway("app-deploy", "-a", app)
    assert (run.code, run.err) == (1, expected)
    assert run.out.startswith("Uploading 2 files (")

    # Unit changes and restarts need nodes too.
    expected = api_error_line(live_api, token, "PUT", f"/apps/{app}/units", data={"units": "1"})
    run = slipway("unit-add", "1", "-a", app)
    assert (run.code, run.out, run.err) == (1, "", expected)
    run = slipway("app-restart", "-a", app)
    assert (run.code, run.out) == (1, "")
    assert run.err == api_error_line(live_api, token, "POST", f"/apps/{app}/restart")

    # Nothing was deployed, so there is nothing to roll back to.
    run = slipway("app-deploy-rollback", "-a", app, "-v", "1", "-y")
    assert (run.code, run.out) == (1, "")
    assert run.err == api_error_line(
        live_api, token, "POST", f"/apps/{app}/deploy/rollback", data={"version": "1"}
    )
