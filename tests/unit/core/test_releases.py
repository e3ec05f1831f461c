"""Release records: versions, logs, image history, rollback targets."""

from __future__ import annotations

import pytest

from slipway.core import env, releases
from slipway.core.context import Context
from slipway.core.errors import NotFound, PermissionDenied, ValidationError
from slipway.core.principal import Principal

from ..conftest import ApiDriver


@pytest.fixture
def world(api: ApiDriver) -> tuple[Context, Principal, Principal]:
    from slipway.core import tokens

    owner_headers = api.user("owner@b.com", team="devs")
    api.user("other@b.com", team="ops")
    api.app("web", owner_headers)
    ctx: Context = api.client.application.extensions["slipway"]
    owner = tokens.resolve(ctx, owner_headers["Authorization"].split()[1])
    other_token = api.login("other@b.com", "123456")["Authorization"].split()[1]
    return ctx, owner, tokens.resolve(ctx, other_token)


def deploy(ctx: Context, owner: Principal, error: str = "", keep: int = 10) -> tuple[dict, list]:
    started = releases.begin(ctx, owner, "web", "git", registry="registry:5000", commit="abc")
    releases.log(ctx, started["_id"], "---> building\n")
    stale = releases.finish(ctx, started["_id"], error=error, keep=keep)
    return started, stale


def test_versions_and_image_names(world) -> None:
    ctx, owner, _ = world
    first, _ = deploy(ctx, owner)
    second, _ = deploy(ctx, owner)
    assert (first["version"], second["version"]) == (1, 2)
    assert second["image"] == "registry:5000/app-web:v2"
    app = ctx.store.get("apps", "web")
    assert app["release"]["version"] == 2
    assert app["deploys"] == 2
    assert releases.image_name("", "web", 3) == "app-web:v3"


def test_failed_deploy_keeps_the_running_release(world) -> None:
    ctx, owner, _ = world
    deploy(ctx, owner)
    failed, _ = deploy(ctx, owner, error="Exit status 1")
    app = ctx.store.get("apps", "web")
    assert app["release"]["version"] == 1
    assert failed["image"] not in app["images"]
    shown = releases.get_deploy(ctx, owner, failed["_id"])
    assert shown["Status"] == "failed"
    assert shown["Error"] == "Exit status 1"
    assert shown["Log"] == "---> building\n"
    assert shown["CanRollback"] is False


def test_history_keeps_the_newest_images(world) -> None:
    ctx, owner, _ = world
    removed = []
    for _ in range(5):
        removed += deploy(ctx, owner, keep=3)[1]
    assert removed == ["registry:5000/app-web:v1", "registry:5000/app-web:v2"]
    assert ctx.store.get("apps", "web")["images"] == [
        f"registry:5000/app-web:v{n}" for n in (3, 4, 5)
    ]


def test_rollback_source(world) -> None:
    ctx, owner, _ = world
    for _ in range(4):
        deploy(ctx, owner, keep=2)
    source = releases.rollback_source(ctx, owner, "web", version=3)
    assert source["image"] == "registry:5000/app-web:v3"
    by_image = releases.rollback_source(ctx, owner, "web", image="registry:5000/app-web:v4")
    assert by_image["version"] == 4
    with pytest.raises(ValidationError, match="no longer kept"):
        releases.rollback_source(ctx, owner, "web", version=1)
    with pytest.raises(NotFound):
        releases.rollback_source(ctx, owner, "web", version=99)
    with pytest.raises(ValidationError, match="a version or an image"):
        releases.rollback_source(ctx, owner, "web")


def test_release_records_the_env_for_rollback(world) -> None:
    ctx, owner, _ = world
    env.set_values(ctx, owner, "web", {"COLOR": "blue"})
    first, _ = deploy(ctx, owner)
    env.set_values(ctx, owner, "web", {"COLOR": "green"})
    deploy(ctx, owner)
    source = releases.rollback_source(ctx, owner, "web", version=first["version"])
    assert source["env"]["COLOR"]["value"] == "blue"
    assert "env" not in releases.get_deploy(ctx, owner, first["_id"])


def test_listing_and_access(world) -> None:
    ctx, owner, other = world
    deploy(ctx, owner)
    deploy(ctx, owner)
    listed = releases.list_for(ctx, owner, "web")
    assert [d["Version"] for d in listed] == [2, 1]
    assert releases.list_for(ctx, other) == []
    with pytest.raises(PermissionDenied):
        releases.list_for(ctx, other, "web")
    with pytest.raises(PermissionDenied):
        releases.get_deploy(ctx, other, listed[0]["ID"])
    with pytest.raises(ValidationError):
        releases.list_for(ctx, owner, "web", limit=0)


def test_finishing_twice_is_refused(world) -> None:
    ctx, owner, _ = world
    started, _ = deploy(ctx, owner)
    with pytest.raises(ValidationError, match="not running"):
        releases.finish(ctx, started["_id"])
