"""slipway.paas.ssh_key against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import ssh_key
from conftest import Reply, StubApi

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB me"


def test_adds(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/users/keys", Reply(200, {}), Reply(200, {"laptop": KEY}))
    stub_api.json("POST", "/users/keys", {"name": "laptop"}, status=201)
    result = run_module(ssh_key.main, {"name": "laptop", "key": KEY})
    assert result.changed and stub_api.seen[1].json == {"name": "laptop", "key": KEY}


def test_comment_does_not_count(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/users/keys", {"laptop": KEY})
    result = run_module(ssh_key.main, {"name": "laptop", "key": KEY[:-2] + "other"})
    assert not result.changed and stub_api.changes() == []


def test_replaces_another_key(stub_api: StubApi, run_module: Any) -> None:
    other = KEY.replace("AEBAQ", "AICAg")
    stub_api.on("GET", "/users/keys", Reply(200, {"laptop": other}), Reply(200, {"laptop": KEY}))
    stub_api.json("DELETE", "/users/keys/laptop", {"message": "removed"})
    stub_api.json("POST", "/users/keys", {"name": "laptop"}, status=201)
    result = run_module(ssh_key.main, {"name": "laptop", "key": KEY}, check=True, diff=True)
    assert result.changed and stub_api.changes() == []
    assert result["diff"]["after"]["key"] == KEY
    stub_api.on("GET", "/users/keys", Reply(200, {"laptop": other}), Reply(200, {"laptop": KEY}))
    result = run_module(ssh_key.main, {"name": "laptop", "key": KEY})
    assert result.changed and result["ssh_key"]["key"] == KEY
    assert stub_api.changes() == [("DELETE", "/users/keys/laptop"), ("POST", "/users/keys")]


def test_key_required_when_present(stub_api: StubApi, run_module: Any) -> None:
    result = run_module(ssh_key.main, {"name": "laptop"})
    assert result.failed and "key" in result["msg"]
