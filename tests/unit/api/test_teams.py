"""Teams and membership."""

from __future__ import annotations

from ..conftest import ApiDriver, bearer


def test_team_lifecycle(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.user("mate@b.com")
    assert api.client.post("/teams", json={"name": "devs"}, headers=owner).status_code == 409
    assert api.client.get("/teams", headers=owner).json == [
        {"name": "devs", "users": ["owner@b.com"]}
    ]
    assert api.client.put("/teams/devs/mate@b.com", headers=owner).status_code == 200
    assert api.client.put("/teams/devs/mate@b.com", headers=owner).status_code == 409
    assert api.client.put("/teams/devs/ghost@b.com", headers=owner).status_code == 404
    assert api.client.get("/teams/devs", headers=owner).json["users"] == [
        "mate@b.com",
        "owner@b.com",
    ]
    assert api.client.delete("/teams/devs/mate@b.com", headers=owner).status_code == 200
    last = api.client.delete("/teams/devs/owner@b.com", headers=owner)
    assert last.status_code == 403
    assert "last user" in last.json["error"]
    assert api.client.delete("/teams/devs", headers=owner).status_code == 200
    assert api.client.get("/teams", headers=owner).status_code == 204


def test_invalid_team_names(api: ApiDriver) -> None:
    owner = api.user("owner@b.com")
    for name in ("", "1abc", "a", "has space", "x" * 65, None, 5):
        response = api.client.post("/teams", json={"name": name}, headers=owner)
        assert response.status_code == 400, name


def test_team_owning_apps_cannot_be_removed(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    refused = api.client.delete("/teams/devs", headers=owner)
    assert refused.status_code == 403
    assert "web" in refused.json["error"]
    api.ok(api.client.delete("/apps/web", headers=owner))
    assert api.client.delete("/teams/devs", headers=owner).status_code == 200


def test_non_members_cannot_see_or_change_a_team(api: ApiDriver) -> None:
    api.user("owner@b.com", team="devs")
    other = api.user("other@b.com", team="ops")
    assert api.client.get("/teams/devs", headers=other).status_code == 403
    assert api.client.put("/teams/devs/other@b.com", headers=other).status_code == 403
    assert api.client.get("/teams", headers=other).json == [
        {"name": "ops", "users": ["other@b.com"]}
    ]
    names = [t["name"] for t in api.client.get("/teams", headers=api.admin).json]
    assert names == ["admin", "devs", "ops"]


def test_admin_team_cannot_be_removed(api: ApiDriver) -> None:
    assert api.client.delete("/teams/admin", headers=api.admin).status_code == 403


def test_nobody_claims_the_admin_team(api: ApiDriver) -> None:
    user = api.user("eve@b.com")
    response = api.client.post("/teams", json={"name": "admin"}, headers=user)
    assert response.status_code == 403
    login = api.client.post("/users/eve@b.com/tokens", json={"password": "123456"})
    assert login.json["is_admin"] is False


def test_admin_team_exists_before_any_admin(tmp_path) -> None:
    from slipway.api import create_app
    from slipway.config import validate

    from ..conftest import settings

    client = create_app(validate(settings(tmp_path))).test_client()
    client.post("/users", json={"email": "first@b.com", "password": "123456"})
    token = client.post("/users/first@b.com/tokens", json={"password": "123456"}).json["token"]
    claim = client.post("/teams", json={"name": "admin"}, headers=bearer(token))
    assert claim.status_code == 403
