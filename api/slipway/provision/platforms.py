"""Platform images: built FROM the cluster's Debian root filesystem on a node, pushed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import platform_images
from ..core import platforms, schema
from ..core.context import Context
from ..core.errors import Unavailable, ValidationError
from ..core.principal import Principal, require_admin
from . import engines, images
from .deployer import registry

Log = Callable[[str], None]


def rootfs_image(ctx: Context) -> str:
    return f"{registry(ctx)}/{ctx.config['docker:rootfs-image']}"


def check_buildable(ctx: Context, name: str) -> None:
    if name not in platform_images.PLATFORMS:
        known = ", ".join(platform_images.PLATFORMS)
        raise ValidationError(f"Slipway has no image recipe for platform {name} (it has: {known}).")
    registry(ctx)
    engines.require_nodes(ctx)


def build(
    ctx: Context, principal: Principal, name: str, say: Log, *, fresh: bool = False
) -> dict[str, Any]:
    """Build platform ``name`` on the next node, push it, and point the platform at it.

    ``fresh`` pulls the root filesystem again and reuses no cached layer (Debian's updates).
    """
    require_admin(principal)
    platforms.get(ctx, name)
    counted = ctx.store.update_one(schema.PLATFORMS, {"_id": name}, {"$inc": {"builds": 1}})
    tag = f"{registry(ctx)}/slipway/platform-{name}:{counted['builds'] if counted else 1}"
    node = engines.schedule(ctx, 1)[0]
    say(f"---> Building platform {name} as {tag} on {node.id}")
    try:
        with engines.connected(ctx, node) as engine:
            platform_images.build(
                engine,
                name,
                rootfs=rootfs_image(ctx),
                tag=tag,
                log=say,
                nocache=fresh,
                pull_rootfs=fresh,
            )
            say(f"---> Pushing {tag}")
            images.push(engine, tag, say)
    except (images.ImageError, platform_images.PlatformBuildError) as exc:
        raise Unavailable(f"Building platform {name} failed: {exc}") from None
    doc = ctx.store.update_one(
        schema.PLATFORMS, {"_id": name}, {"$set": {"image": tag, "built": ctx.timestamp()}}
    )
    say(f"---> Platform {name} is ready: {tag}")
    return doc or {}


def add(ctx: Context, principal: Principal, name: Any, say: Log) -> None:
    platforms.add(ctx, principal, name)
    build(ctx, principal, str(name), say)
