"""token-create, token-list, token-update, token-delete: the CLI against a live API process."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from slipway.cli.tokens import seconds

from .test_cli_live import PASSWORD, Slipway


@pytest.fixture
def slipway(tmp_path) -> Slipway:
    home = tmp_path / "home"
    workdir = tmp_path / "somewhere"
    home.mkdir()
    workdir.mkdir()
    return Slipway(home, workdir)


def test_durations() -> None:
    assert seconds(None) is None
    assert seconds("90") == 90
    assert seconds("48h") == 48 * 3600
    assert seconds("7d") == 7 * 86400
    assert seconds("-1") == -1


def test_a_named_token_outlives_logins_until_deleted(live_api, slipway) -> None:
    suffix = uuid.uuid4().hex[:8]
    email = f"robot-{suffix}@example.com"
    name = f"ci-{suffix}"
    slipway.ok("target-add", "live", live_api.url.rstrip("/"), "-s")
    slipway.ok("user-create", email, stdin=f"{PASSWORD}\n")
    slipway.ok("login", email, stdin=f"{PASSWORD}\n")
    slipway.ok("team-create", f"team-{suffix}")

    created = slipway.ok("token-create", "--name", name, "-d", "the CI pipeline")
    match = re.fullmatch(rf'Token "{name}" created: (\S+)\n', created)
    assert match, created
    value = match[1]
    assert f"team-{suffix}" in slipway.ok("team-list", token=value)

    for _ in range(12):
        slipway.ok("login", email, stdin=f"{PASSWORD}\n")
    assert f"team-{suffix}" in slipway.ok("team-list", token=value), "no login ends it"

    table = slipway.ok("token-list")
    row = next(line for line in table.splitlines() if name in line)
    assert "the CI pipeline" in row and email in row and "never" in row
    assert value not in table
    listed = json.loads(slipway.ok("token-list", "--json"))
    assert [t["token_id"] for t in listed] == [name]

    bad = slipway("token-create", "--name", "x", "--expires", "soon")
    assert bad.code == 2 and "invalid duration" in bad.err
    taken = slipway("token-create", "--name", name)
    assert taken.code == 1 and "already exists" in taken.err

    updated = slipway.ok("token-update", name, "--regenerate", "-e", "48h")
    fresh = re.fullmatch(rf'Token "{name}" updated: (\S+)\n', updated)
    assert fresh and fresh[1] != value
    assert slipway("team-list", token=value).code == 1
    assert json.loads(slipway.ok("token-list", "--json"))[0]["expires_at"]

    assert slipway.ok("token-delete", name, "-y") == f'Token "{name}" deleted.\n'
    assert slipway("team-list", token=fresh[1]).code == 1
    assert slipway.ok("token-list") == "" or name not in slipway.ok("token-list")
