"""The shared client and base class: headers, errors, streams, multipart, check mode."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ansible_collections.slipway.paas.plugins.module_utils import _api
from ansible_collections.slipway.paas.plugins.module_utils._api import (
    SlipwayClient,
    SlipwayError,
    decode,
    error_message,
    multipart,
)
from conftest import Reply, StubApi


def test_user_agent_and_token(stub_api: StubApi) -> None:
    stub_api.json("GET", "/teams/a%40b", {"name": "a@b"})
    SlipwayClient(stub_api.url, "tok").get("/teams/" + _api.segment("a@b"))
    seen = stub_api.seen[-1]
    assert seen.headers["User-Agent"] == f"slipway-ansible/{_api.VERSION}"
    assert seen.headers["Authorization"] == "bearer tok"
    assert seen.path == "/teams/a%40b"


def test_version_matches_galaxy() -> None:
    from pathlib import Path

    import yaml

    galaxy = Path(_api.__file__).resolve().parents[2] / "galaxy.yml"
    assert yaml.safe_load(galaxy.read_text())["version"] == _api.VERSION


def test_json_body_and_query(stub_api: StubApi) -> None:
    stub_api.json("POST", "/x", {"ok": True})
    answer = SlipwayClient(stub_api.url).request(
        "POST", "/x", query={"a": ["1", "2"]}, body={"k": 1}
    )
    assert answer.body == {"ok": True}
    seen = stub_api.seen[-1]
    assert seen.json == {"k": 1} and seen.query == {"a": ["1", "2"]}
    assert seen.headers["Content-Type"] == "application/json"
    assert "Authorization" not in seen.headers


@pytest.mark.parametrize(
    ("status", "body", "content_type", "message"),
    [
        (400, {"error": "Invalid  platform\n'x'."}, "application/json", "Invalid platform 'x'."),
        (409, {"message": "busy"}, "application/json", "busy"),
        (502, "Bad gateway\nfrom proxy", "text/html", "Bad gateway from proxy"),
        (500, None, "text/plain", "the API answered HTTP 500 with no explanation"),
    ],
)
def test_errors_become_one_line(
    stub_api: StubApi, status: int, body: Any, content_type: str, message: str
) -> None:
    stub_api.on("GET", "/boom", Reply(status, body, content_type))
    with pytest.raises(SlipwayError) as caught:
        SlipwayClient(stub_api.url).get("/boom")
    assert caught.value.status == status
    assert caught.value.message == message


def test_missing_is_none_only_when_asked(stub_api: StubApi) -> None:
    client = SlipwayClient(stub_api.url)
    assert client.get("/nothing", missing=True) is None
    with pytest.raises(SlipwayError):
        client.get("/nothing")


def test_204_is_an_empty_list(stub_api: StubApi) -> None:
    stub_api.on("GET", "/teams", Reply(204, None))
    assert SlipwayClient(stub_api.url).get("/teams") == []


def test_unreachable() -> None:
    with pytest.raises(SlipwayError) as caught:
        SlipwayClient("http://127.0.0.1:9", timeout=2).get("/")
    assert caught.value.status is None
    assert "cannot reach the Slipway API at http://127.0.0.1:9" in caught.value.message


def test_text_stream_ok_and_error() -> None:
    answer = decode(200, "text/plain", b"one\ntwo\nOK\n")
    assert answer.lines == ["one", "two", "OK"]
    with pytest.raises(SlipwayError) as caught:
        decode(200, "text/plain; charset=utf-8", b"building\nstep 3 failed\nERROR: build failed\n")
    assert caught.value.message == "build failed"
    assert caught.value.lines[-2] == "step 3 failed"


def test_json_stream() -> None:
    ok = b'{"Message": "a\\n"}\n{"Message": "b\\n"}\n'
    assert decode(200, "application/x-json-stream", ok).lines == ["a", "b"]
    failed = b'{"Message": "a\\n"}\n{"Error": "no  way"}\n'
    with pytest.raises(SlipwayError) as caught:
        decode(200, "application/x-json-stream", failed)
    assert caught.value.message == "no way"


def test_error_message_plain() -> None:
    assert error_message(403, b'{"error": "nope"}') == "nope"
    assert error_message(403, "not json") == "not json"


def test_multipart_round_trip() -> None:
    from email.parser import BytesParser
    from email.policy import HTTP

    content_type, body = multipart({"origin": "app-deploy"}, {"file": ("app.tar.gz", b"\x00\x01")})
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = {
        part.get_param("name", header="content-disposition"): part for part in message.iter_parts()
    }
    assert parts["origin"].get_content() == "app-deploy"
    assert parts["file"].get_content() == b"\x00\x01"
    assert parts["file"].get_filename() == "app.tar.gz"


def test_url_and_token_from_the_environment(
    stub_api: StubApi, run_module: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ansible_collections.slipway.paas.plugins.modules import team

    monkeypatch.setenv("SLIPWAY_TARGET", stub_api.url)
    monkeypatch.setenv("SLIPWAY_TOKEN", "from-env")
    stub_api.json("GET", "/teams/t", {"name": "t", "users": []})
    result = run_module(team.main, {"name": "t"}, connection=False)
    assert not result.changed
    assert stub_api.seen[-1].headers["Authorization"] == "bearer from-env"


def test_no_url_fails(run_module: Any) -> None:
    from ansible_collections.slipway.paas.plugins.modules import team

    result = run_module(team.main, {"name": "t"}, connection=False)
    assert result.failed and "url" in result["msg"]


def test_api_error_fails_with_status(stub_api: StubApi, run_module: Any) -> None:
    from ansible_collections.slipway.paas.plugins.modules import team

    stub_api.json("GET", "/teams/t", {"error": "You must log in."}, status=401)
    result = run_module(team.main, {"name": "t"})
    assert result.failed
    assert result["msg"] == "You must log in. (HTTP 401)"
    assert result["status"] == 401
    assert json.dumps(result.data).count("tok-123") == 0
