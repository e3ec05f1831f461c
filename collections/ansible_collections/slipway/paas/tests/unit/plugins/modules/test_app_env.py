"""slipway.paas.app_env against a stub API."""

from __future__ import annotations

from typing import Any

from ansible_collections.slipway.paas.plugins.modules import app_env
from conftest import Reply, Seen, StubApi

D1 = "hmac-sha256:" + "1" * 64
D2 = "hmac-sha256:" + "2" * 64


def stored(*items: dict[str, Any]) -> list[dict[str, Any]]:
    return list(items)


PUBLIC = {"name": "LOG", "value": "info", "public": True}
SECRET = {"name": "DB", "value": "*** (private variable)", "public": False, "digest": D1}


def digests_of(mapping: dict[str, str]) -> Any:
    def answer(seen: Seen) -> Reply:
        return Reply(200, {name: mapping[value] for name, value in seen.json.items()})

    return answer


def test_nothing_to_do(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop/env", stored(PUBLIC, SECRET))
    stub_api.on("POST", "/apps/shop/env/digests", digests_of({"pw": D1}))
    args = {"app": "shop", "env": {"LOG": "info"}, "private_env": {"DB": "pw"}}
    result = run_module(app_env.main, args)
    assert not result.changed and result["set"] == [] and result["unset"] == []
    assert stub_api.changes() == [("POST", "/apps/shop/env/digests")]


def test_changed_private_value_is_set_masked(stub_api: StubApi, run_module: Any) -> None:
    after = {**SECRET, "digest": D2}
    stub_api.on(
        "GET",
        "/apps/shop/env",
        Reply(200, stored(PUBLIC, SECRET)),
        Reply(200, stored(PUBLIC, after)),
    )
    stub_api.on("POST", "/apps/shop/env/digests", digests_of({"new-pw": D2}))
    stub_api.text("POST", "/apps/shop/env", ["---- Setting 1 new environment variables ----", "OK"])
    result = run_module(app_env.main, {"app": "shop", "private_env": {"DB": "new-pw"}}, diff=True)
    assert result.changed and result["set"] == ["DB"]
    assert result["diff"]["before"]["DB"] == "*** (private variable, hmac-sha256:111111111111)"
    assert result["diff"]["after"]["DB"] == "*** (private variable, hmac-sha256:222222222222)"
    assert "new-pw" not in str(result.data)
    sets = [s for s in stub_api.seen if s.method == "POST" and s.path == "/apps/shop/env"]
    assert sets[0].query == {"private": ["1"]} and sets[0].json == {"DB": "new-pw"}


def test_one_restart_after_the_last_change(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop/env", stored(PUBLIC, {**SECRET, "name": "OLD"}))
    stub_api.on("POST", "/apps/shop/env/digests", digests_of({"pw": D1}))
    stub_api.text("POST", "/apps/shop/env", ["OK"])
    stub_api.text("DELETE", "/apps/shop/env", ["OK"])
    args = {"app": "shop", "env": {"LOG": "debug"}, "private_env": {"DB": "pw"}, "prune": True}
    result = run_module(app_env.main, args)
    assert result["unset"] == ["OLD"] and result["set"] == ["DB", "LOG"]
    writes = [
        s for s in stub_api.seen if s.method in ("POST", "DELETE") and s.path == "/apps/shop/env"
    ]
    assert [(s.method, s.query) for s in writes] == [
        ("DELETE", {"env": ["OLD"], "noRestart": ["1"]}),
        ("POST", {"noRestart": ["1"]}),
        ("POST", {"private": ["1"]}),
    ]


def test_no_restart(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop/env", [])
    stub_api.text("POST", "/apps/shop/env", ["OK"])
    run_module(app_env.main, {"app": "shop", "env": {"A": 1, "B": True}, "restart": False})
    write = next(s for s in stub_api.seen if s.method == "POST")
    assert write.query == {"noRestart": ["1"]} and write.json == {"A": "1", "B": "true"}


def test_check_mode_and_public_to_private(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop/env", stored(PUBLIC))
    stub_api.on("POST", "/apps/shop/env/digests", digests_of({"info": D1}))
    result = run_module(app_env.main, {"app": "shop", "private_env": {"LOG": "info"}}, check=True)
    assert result.changed and result["set"] == ["LOG"]
    assert stub_api.changes() == [("POST", "/apps/shop/env/digests")]


def test_declared_twice(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop/env", [])
    stub_api.on("POST", "/apps/shop/env/digests", digests_of({"2": D1}))
    result = run_module(app_env.main, {"app": "shop", "env": {"A": "1"}, "private_env": {"A": "2"}})
    assert result.failed and "once" in result["msg"]


def test_api_refusal(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop/env", [])
    stub_api.json(
        "POST", "/apps/shop/env", {"error": "Environment variable TSURU_X is reserved."}, 400
    )
    result = run_module(app_env.main, {"app": "shop", "env": {"TSURU_X": "1"}})
    assert result.failed and result["msg"].endswith("(HTTP 400)")
