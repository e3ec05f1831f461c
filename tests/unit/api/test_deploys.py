"""/deploys through the API and app-deploy-list through the CLI's table."""

from __future__ import annotations

from slipway.cli.deploys import deploy_rows
from slipway.core import releases, tokens

from ..conftest import ApiDriver


def _deploy(api: ApiDriver, headers: dict[str, str], error: str = "") -> None:
    ctx = api.client.application.extensions["slipway"]
    principal = tokens.resolve(ctx, headers["Authorization"].split()[1])
    started = releases.begin(ctx, principal, "web", "git", registry="registry:5000")
    releases.finish(ctx, started["_id"], error=error)


def test_list_and_info(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    other = api.user("other@b.com", team="ops")
    api.app("web", owner)
    assert api.client.get("/deploys?app=web", headers=owner).status_code == 204
    _deploy(api, owner)
    _deploy(api, owner, error="Exit status 2")
    listed = api.client.get("/deploys?app=web", headers=owner).json
    assert [(d["Version"], d["Status"], d["CanRollback"]) for d in listed] == [
        (2, "failed", False),
        (1, "succeeded", True),
    ]
    info = api.client.get(f"/deploys/{listed[1]['ID']}", headers=owner).json
    assert info["Image"] == "registry:5000/app-web:v1"
    assert "env" not in info
    assert api.client.get(f"/deploys/{listed[1]['ID']}", headers=other).status_code == 403
    assert api.client.get("/deploys", headers=other).status_code == 204
    assert api.client.get("/deploys?limit=x", headers=owner).status_code == 400
    assert api.client.get("/deploys/nope", headers=owner).status_code == 404
    rows = deploy_rows(listed)
    assert rows[1][:3] == ["v1", "registry:5000/app-web:v1 (rollback available)", "git"]
    assert rows[0][-1] == "Exit status 2"
