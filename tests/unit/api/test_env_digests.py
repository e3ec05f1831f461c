"""Private env values compared without being revealed: keyed digests (docs/decisions.md)."""

from __future__ import annotations

from ..conftest import ApiDriver


def _private(api: ApiDriver, headers: dict[str, str], values: dict[str, str]) -> None:
    response = api.client.post("/apps/web/env?private=1&noRestart=1", json=values, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)


def _digest(api: ApiDriver, headers: dict[str, str], name: str) -> str:
    listed = api.client.get("/apps/web/env?digests=1", headers=headers).json
    return {e["name"]: e for e in listed}[name]["digest"]


def test_candidate_digest_matches_only_the_stored_value(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    _private(api, owner, {"DB": "s3cret"})
    stored = _digest(api, owner, "DB")
    answer = api.client.post(
        "/apps/web/env/digests", json={"DB": "s3cret", "OTHER": "s3cret"}, headers=owner
    )
    assert answer.status_code == 200
    assert answer.json["DB"] == stored
    assert answer.json["OTHER"] != stored  # bound to the name
    wrong = api.client.post("/apps/web/env/digests", json={"DB": "guess"}, headers=owner)
    assert wrong.json["DB"] != stored
    assert "s3cret" not in api.client.get("/apps/web/env", headers=owner).get_data(as_text=True)
    _private(api, owner, {"DB": "n3w"})
    assert _digest(api, owner, "DB") != stored


def test_key_is_per_app_and_never_shown(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    api.app("api2", owner)
    _private(api, owner, {"DB": "same"})
    api.client.post("/apps/api2/env?private=1&noRestart=1", json={"DB": "same"}, headers=owner)
    listed = api.client.get("/apps/api2/env?digests=1", headers=owner).json
    other = {e["name"]: e for e in listed}
    assert other["DB"]["digest"] != _digest(api, owner, "DB")
    shown = api.client.get("/apps/web", headers=owner).get_data(as_text=True)
    assert "env_digest_key" not in shown


def test_public_values_have_no_digest(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    api.client.post("/apps/web/env?noRestart=1", json={"MODE": "prod"}, headers=owner)
    assert api.client.get("/apps/web/env?digests=1", headers=owner).json == [
        {"name": "MODE", "value": "prod", "public": True}
    ]


def test_digests_only_when_asked(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    _private(api, owner, {"DB": "s3cret"})
    assert api.client.get("/apps/web/env", headers=owner).json == [
        {"name": "DB", "value": "*** (private variable)", "public": False}
    ]
    assert _digest(api, owner, "DB").startswith("hmac-sha256:")


def test_other_teams_and_app_tokens_get_no_digest(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    outsider = api.user("out@b.com", team="others")
    api.app("web", owner)
    _private(api, owner, {"DB": "s3cret"})
    refused = api.client.post("/apps/web/env/digests", json={"DB": "s3cret"}, headers=outsider)
    assert refused.status_code == 403
    assert api.client.get("/apps/web/env", headers=outsider).status_code == 403
    token = api.client.post("/apps/web/tokens", headers=owner).json["token"]
    app_headers = {"Authorization": f"bearer {token}"}
    seen = api.client.get("/apps/web/env?digests=1", headers=app_headers).json
    assert seen == [{"name": "DB", "value": "*** (private variable)", "public": False}]
    assert api.client.post(
        "/apps/web/env/digests", json={"DB": "s3cret"}, headers=app_headers
    ).status_code in (401, 403)


def test_bad_candidates(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    for body in ({}, [], {"1BAD": "x"}, {"TSURU_X": "x"}, {"A": 1}):
        answer = api.client.post("/apps/web/env/digests", json=body, headers=owner)
        assert answer.status_code == 400, (body, answer.get_data(as_text=True))
        assert "error" in answer.json
