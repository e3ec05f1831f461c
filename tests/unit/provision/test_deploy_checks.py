"""What a deploy refuses before it starts, the app lock, and the deploy token."""

from __future__ import annotations

import dataclasses
import io
import tarfile

import pytest

from slipway.core import tokens
from slipway.core.context import Context
from slipway.core.errors import AuthenticationError, Conflict, Unavailable, ValidationError
from slipway.provision import deployer

from ..conftest import ApiDriver


def _archive() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = b"web: python app.py\n"
        info = tarfile.TarInfo("Procfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def world(api: ApiDriver):
    owner_headers = api.user("owner@b.com", team="devs")
    api.app("web", owner_headers)
    ctx: Context = api.client.application.extensions["slipway"]
    owner = tokens.resolve(ctx, owner_headers["Authorization"].split()[1])
    return ctx, owner


def _with(ctx: Context, **values) -> Context:
    config = ctx.config
    merged = {**config.as_dict(), **values}
    return dataclasses.replace(ctx, config=type(config)(merged, config.path))


def test_a_deploy_needs_a_registry_nodes_and_a_built_platform(world) -> None:
    ctx, owner = world
    with pytest.raises(Unavailable, match="no image registry"):
        deployer.check_deploy(ctx, owner, "web", data=_archive(), image=None)
    ctx = _with(ctx, **{"docker:registry": "10.0.0.5:5000"})
    with pytest.raises(Unavailable, match="No docker node is registered"):
        deployer.check_deploy(ctx, owner, "web", data=_archive(), image=None)
    ctx.store.insert("nodes", {"_id": "10.0.0.9:2376", "address": "https://10.0.0.9:2376"})
    with pytest.raises(Unavailable, match="has no image yet"):
        deployer.check_deploy(ctx, owner, "web", data=_archive(), image=None)
    ctx.store.update_one("platforms", {"_id": "python"}, {"$set": {"image": "r/p:1"}})
    source = deployer.check_deploy(ctx, owner, "web", data=_archive(), image=None)
    assert source is not None and source.processes == {"web": "python app.py"}
    with pytest.raises(ValidationError, match="not both"):
        deployer.check_deploy(ctx, owner, "web", data=_archive(), image="r/x:1")
    with pytest.raises(ValidationError, match="not both"):
        deployer.check_deploy(ctx, owner, "web", data=None, image=None)


def test_one_change_at_a_time_per_app(world) -> None:
    ctx, owner = world
    with deployer.locked(ctx, "web", owner, "deploy"):
        busy = pytest.raises(Conflict, match=r"busy: deploy by owner@b\.com")
        with busy, deployer.locked(ctx, "web", owner, "restart"):
            pass
        assert ctx.store.get("apps", "web")["lock"]["action"] == "deploy"
    assert "lock" not in ctx.store.get("apps", "web")
    with deployer.locked(ctx, "web", owner, "restart"):
        pass


def test_the_deploy_token_names_the_pusher(world) -> None:
    ctx, _ = world
    with pytest.raises(AuthenticationError):
        tokens.resolve_pusher(ctx, "anything", "owner@b.com")
    ctx = _with(ctx, **{"git:deploy-token": "s3cret-deploy-token-value"})
    with pytest.raises(AuthenticationError):
        tokens.resolve_pusher(ctx, "wrong-token-value-xxxxxxx", "owner@b.com")
    with pytest.raises(AuthenticationError):
        tokens.resolve_pusher(ctx, "s3cret-deploy-token-value", "nobody@b.com")
    pusher = tokens.resolve_pusher(ctx, "s3cret-deploy-token-value", "owner@b.com")
    assert pusher.email == "owner@b.com" and pusher.teams == ("devs",)
