"""Apps: creation rules, listing, access, removal, teams, tokens."""

from __future__ import annotations

import pytest

from ..conftest import ApiDriver, bearer


def test_create_app_response_and_info(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    body = {"name": "web", "platform": "python", "description": "the site"}
    response = api.client.post("/apps", json=body, headers=owner)
    assert response.status_code == 201
    assert response.json == {
        "status": "success",
        "repository_url": "git@git.example.com:web.git",
        "ip": "web.apps.example.com",
    }
    info = api.client.get("/apps/web", headers=owner).json
    assert info["name"] == "web"
    assert info["platform"] == "python"
    assert info["teams"] == ["devs"]
    assert info["owner"] == "owner@b.com"
    assert info["teamowner"] == "devs"
    assert info["description"] == "the site"
    assert info["units"] == []
    assert info["ready"] is False


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"name": "Web", "platform": "python"}, 400, "Invalid app name"),
        ({"name": "1web", "platform": "python"}, 400, "Invalid app name"),
        ({"name": "web-", "platform": "python"}, 400, "Invalid app name"),
        ({"name": "a" * 64, "platform": "python"}, 400, "Invalid app name"),
        ({"name": "api", "platform": "python"}, 400, "reserved"),
        ({"name": "web", "platform": "cobol"}, 400, "Invalid platform"),
        ({"name": "web"}, 400, "platform is required"),
        ({"name": "web", "platform": "python", "teamOwner": "ops"}, 403, "not a member"),
    ],
)
def test_create_app_rejects(api: ApiDriver, body: dict, status: int, message: str) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.user("x@b.com", team="ops")
    response = api.client.post("/apps", json=body, headers=owner)
    assert response.status_code == status
    assert message in response.json["error"]


def test_create_app_needs_a_team(api: ApiDriver) -> None:
    loner = api.user("loner@b.com")
    response = api.client.post("/apps", json={"name": "web", "platform": "python"}, headers=loner)
    assert response.status_code == 400
    assert "at least one team" in response.json["error"]


def test_several_teams_need_an_owner_team(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.ok(api.client.post("/teams", json={"name": "ops"}, headers=owner))
    body = {"name": "web", "platform": "python"}
    assert api.client.post("/apps", json=body, headers=owner).status_code == 400
    body["teamOwner"] = "ops"
    assert api.client.post("/apps", json=body, headers=owner).status_code == 201


def test_duplicate_app_is_a_conflict_and_keeps_quota(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    again = api.client.post("/apps", json={"name": "web", "platform": "python"}, headers=owner)
    assert again.status_code == 409
    assert api.client.get("/quota/owner@b.com", headers=owner).json["inuse"] == 1


def test_list_shows_only_the_users_teams_apps(api: ApiDriver) -> None:
    devs = api.user("dev@b.com", team="devs")
    ops = api.user("op@b.com", team="ops")
    assert api.client.get("/apps", headers=devs).status_code == 204
    api.app("web", devs)
    api.app("worker", devs)
    api.app("metrics", ops)
    assert [a["name"] for a in api.client.get("/apps", headers=devs).json] == ["web", "worker"]
    assert [a["name"] for a in api.client.get("/apps", headers=ops).json] == ["metrics"]
    everything = [a["name"] for a in api.client.get("/apps", headers=api.admin).json]
    assert everything == ["metrics", "web", "worker"]


def test_other_teams_get_403_and_unknown_apps_404(api: ApiDriver) -> None:
    devs = api.user("dev@b.com", team="devs")
    ops = api.user("op@b.com", team="ops")
    api.app("web", devs)
    denied = api.client.get("/apps/web", headers=ops)
    assert denied.status_code == 403
    assert denied.json == {"error": "user does not have access to this app"}
    missing = api.client.get("/apps/nope", headers=ops)
    assert missing.status_code == 404
    assert missing.json == {"error": "App nope not found."}


def test_grant_and_revoke(api: ApiDriver) -> None:
    devs = api.user("dev@b.com", team="devs")
    ops = api.user("op@b.com", team="ops")
    api.app("web", devs)
    assert api.client.put("/apps/web/teams/ghosts", headers=devs).status_code == 404
    assert api.client.put("/apps/web/teams/ops", headers=devs).status_code == 200
    assert api.client.put("/apps/web/teams/ops", headers=devs).status_code == 409
    assert api.client.get("/apps/web", headers=ops).status_code == 200
    assert api.client.delete("/apps/web/teams/devs", headers=ops).status_code == 200
    last = api.client.delete("/apps/web/teams/ops", headers=ops)
    assert last.status_code == 403
    assert api.client.get("/apps/web", headers=devs).status_code == 403


def test_remove_app_releases_quota(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    response = api.client.delete("/apps/web", headers=owner)
    assert response.status_code == 200
    assert "Removing app" in response.get_data(as_text=True)
    assert api.client.get("/apps/web", headers=owner).status_code == 404
    assert api.client.get("/quota/owner@b.com", headers=owner).json["inuse"] == 0


def test_app_quota(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    assert api.client.put("/quota/owner@b.com", json={"limit": 1}, headers=owner).status_code == 403
    assert api.client.put("/quota/owner@b.com", json={"limit": 1}, headers=api.admin).json == {
        "limit": 1,
        "inuse": 0,
        "items": 1,
        "available": 1,
    }
    api.app("web", owner)
    refused = api.client.post("/apps", json={"name": "two", "platform": "python"}, headers=owner)
    assert refused.status_code == 403
    assert "Quota exceeded" in refused.json["error"]
    lower = api.client.put("/quota/owner@b.com", json={"limit": 0}, headers=api.admin)
    assert lower.status_code == 400
    assert api.client.get("/apps/web/quota", headers=owner).json == {"InUse": 0, "Limit": -1}
    assert api.client.put("/apps/web/quota", json={"limit": 3}, headers=api.admin).json == {
        "InUse": 0,
        "Limit": 3,
    }
    other = api.user("other@b.com")
    assert api.client.get("/quota/owner@b.com", headers=other).status_code == 403


def test_app_token_is_scoped_to_its_app(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    api.app("blog", owner)
    token = api.ok(api.client.post("/apps/web/tokens", headers=owner)).json["token"]
    assert api.client.get("/apps/web/env", headers=bearer(token)).status_code == 200
    mismatch = api.client.get("/apps/blog/env", headers=bearer(token))
    assert mismatch.status_code == 403
    assert mismatch.json["error"] == "app token mismatch"
    assert api.client.post("/teams", json={"name": "x1"}, headers=bearer(token)).status_code == 403


def test_platform_management(api: ApiDriver) -> None:
    user = api.user("owner@b.com", team="devs")
    assert api.client.post("/platforms", json={"name": "nodejs"}, headers=user).status_code == 403
    assert (
        api.client.post("/platforms", json={"name": "nodejs"}, headers=api.admin).status_code == 201
    )
    assert (
        api.client.post("/platforms", json={"name": "nodejs"}, headers=api.admin).status_code == 409
    )
    assert api.client.post("/platforms", json={"name": "No!"}, headers=api.admin).status_code == 400
    names = [p["name"] for p in api.client.get("/platforms", headers=user).json]
    assert names == ["nodejs", "python"]
    api.ok(api.client.put("/platforms/nodejs", json={"disabled": True}, headers=api.admin))
    assert [p["name"] for p in api.client.get("/platforms", headers=user).json] == ["python"]
    body = {"name": "web", "platform": "nodejs"}
    assert api.client.post("/apps", json=body, headers=user).status_code == 400
    api.app("web", user)
    assert api.client.delete("/platforms/python", headers=api.admin).status_code == 403
    assert api.client.delete("/platforms/nodejs", headers=api.admin).status_code == 200
    assert api.client.delete("/platforms/nodejs", headers=api.admin).status_code == 404


def test_one_token_per_app_and_revocation(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    first = api.ok(api.client.post("/apps/web/tokens", headers=owner)).json["token"]
    second = api.ok(api.client.post("/apps/web/tokens", headers=owner)).json["token"]
    assert api.client.get("/apps/web/env", headers=bearer(first)).status_code == 401
    assert api.client.get("/apps/web/env", headers=bearer(second)).status_code == 200
    api.ok(api.client.delete("/apps/web/tokens", headers=owner))
    assert api.client.get("/apps/web/env", headers=bearer(second)).status_code == 401


def test_app_tokens_die_with_the_app(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    token = api.ok(api.client.post("/apps/web/tokens", headers=owner)).json["token"]
    api.ok(api.client.delete("/apps/web", headers=owner))
    api.app("web", owner)
    assert api.client.get("/apps/web", headers=bearer(token)).status_code == 401
