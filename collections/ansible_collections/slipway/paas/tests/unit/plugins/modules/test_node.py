"""slipway.paas.node against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import node
from conftest import Reply, StubApi

N1 = {"id": "10.0.0.7:2376", "address": "https://10.0.0.7:2376", "pool": "default"}


def test_registers(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/docker/node", Reply(200, []), Reply(200, [N1]))
    stub_api.json("POST", "/docker/node", N1, status=201)
    result = run_module(node.main, {"address": "https://10.0.0.7:2376", "pool": "default"})
    assert result.changed and result["node"] == N1
    assert stub_api.seen[1].json == {"address": "https://10.0.0.7:2376", "pool": "default"}


def test_known_by_id_or_address(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/docker/node", [N1])
    assert not run_module(node.main, {"address": "https://10.0.0.7:2376/"}).changed
    assert not run_module(node.main, {"address": "10.0.0.7:2376", "pool": "default"}).changed
    assert stub_api.changes() == []


def test_pool_move_refused(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/docker/node", [N1])
    result = run_module(node.main, {"address": "https://10.0.0.7:2376", "pool": "edge"})
    assert result.failed and "cannot move" in result["msg"] and stub_api.changes() == []


def test_removes(stub_api: StubApi, run_module: Any) -> None:
    stub_api.on("GET", "/docker/node", Reply(200, [N1]), Reply(200, []))
    stub_api.json("DELETE", "/docker/node/10.0.0.7%3A2376", {"message": "removed"})
    result = run_module(node.main, {"address": "https://10.0.0.7:2376", "state": "absent"})
    assert result.changed and result["node"] == {}


def test_unreachable_engine(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/docker/node", [])
    stub_api.json(
        "POST", "/docker/node", {"error": "Docker node https://10.0.0.9:2376 is unreachable."}, 400
    )
    result = run_module(node.main, {"address": "https://10.0.0.9:2376"})
    assert result.failed and "unreachable" in result["msg"]
