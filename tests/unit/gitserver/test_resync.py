"""``slipway-api resync-git`` rebuilds the git server from the control plane's records."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from slipway.api import create_app
from slipway.config import validate
from slipway.localapi import ADMIN_EMAIL
from slipway.server import main

from ..conftest import ApiDriver, settings, ssh_key
from .conftest import GitServer, driving


@pytest.fixture
def records(tmp_path: Path) -> dict[str, str]:
    """Users, keys, teams and apps recorded while the git server was not driven."""
    api = ApiDriver(create_app(validate(settings(tmp_path))).test_client())
    ana = api.user("ana@example.com", team="devs")
    bob = api.user("bob@example.com", team="ops")
    api.user("odd_name@example.com")
    keys = {"ana": ssh_key("ana@laptop"), "bob": ssh_key()}
    api.ok(api.client.post("/users/keys", json={"name": "laptop", "key": keys["ana"]}, headers=ana))
    api.ok(api.client.post("/users/keys", json={"name": "ci", "key": keys["bob"]}, headers=bob))
    api.app("blog", ana)
    api.app("shop", bob)
    api.ok(api.client.put("/apps/shop/teams/devs", headers=bob))
    return keys


def resync(tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    path = tmp_path / "slipway.conf"
    path.write_text(yaml.safe_dump(driving(tmp_path, url)), encoding="utf-8")
    code = main(["--config", str(path), "resync-git"])
    out, err = capsys.readouterr()
    return code, out, err


def test_resync_rebuilds_from_scratch(
    tmp_path: Path,
    git_server: GitServer,
    records: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert git_server.users() == [] and git_server.repositories() == []
    code, out, _ = resync(tmp_path, git_server.url, capsys)
    assert code == 0, out
    assert out.count("\n") == 1
    assert out.startswith("git server changed: 3 users, 2 keys, 2 repositories")
    assert "users the git server cannot name: odd_name@example.com" in out

    assert git_server.users() == sorted([ADMIN_EMAIL, "ana@example.com", "bob@example.com"])
    assert git_server.keys("ana@example.com") == {"laptop": records["ana"]}
    assert git_server.keys("bob@example.com") == {"ci": records["bob"]}
    assert records["bob"] in git_server.authorized_keys()
    assert git_server.repositories() == ["blog", "shop"]
    assert git_server.repository("blog")["users"] == ["ana@example.com"]
    assert git_server.repository("shop")["users"] == ["ana@example.com", "bob@example.com"]
    assert (git_server.root / "repositories" / "shop.git" / "HEAD").is_file()

    code, out, _ = resync(tmp_path, git_server.url, capsys)
    assert (code, out.split(":")[0]) == (0, "git server already in step"), out

    # Whatever drifted on the git server is put back; what the records lack goes away.
    git_server.state.create_user("stray@example.com", {"x": ssh_key()})
    git_server.state.remove_key("ana@example.com", "laptop")
    git_server.state.revoke({"repositories": ["shop"], "users": ["ana@example.com"]})
    git_server.state.remove_repository("blog")
    code, out, _ = resync(tmp_path, git_server.url, capsys)
    assert code == 0
    assert "users: created 0 removed 1; keys: created 1 removed 1" in out
    assert "stray@example.com" not in git_server.users()
    assert git_server.keys("ana@example.com") == {"laptop": records["ana"]}
    assert git_server.repository("shop")["users"] == ["ana@example.com", "bob@example.com"]
    assert git_server.repository("blog") is not None


def test_resync_failures(
    tmp_path: Path,
    git_server: GitServer,
    records: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    git_server.stop()
    code, out, err = resync(tmp_path, git_server.url, capsys)
    assert (code, out) == (1, "")
    assert err == (
        "slipway-api: Could not resync the git server: the git server is unreachable "
        "(connection failed). Nothing was changed; try again later.\n"
    )

    path = tmp_path / "undriven.conf"
    path.write_text(yaml.safe_dump(settings(tmp_path)), encoding="utf-8")
    assert main(["--config", str(path), "resync-git"]) == 1
    assert "git:api-server is not set" in capsys.readouterr().err
