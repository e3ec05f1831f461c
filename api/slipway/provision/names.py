"""Custom names (cname-add/-remove: router frontends and DNS) and app-swap."""

from __future__ import annotations

import contextlib
from typing import Any

from ..core import apps, schema
from ..core.context import Context
from ..core.errors import Conflict, Unavailable, ValidationError
from ..core.principal import Principal, require_user
from ..dns import DnsError
from ..router import CNAME_PATTERN, Router, RouterError
from . import routing
from .deployer import locked


def _router(ctx: Context) -> Router:
    router = routing.router(ctx)
    if router is None:
        raise Unavailable("The control plane has no router (hipache:redis-server).")
    return router


def _name(value: Any) -> str:
    if not isinstance(value, str) or not CNAME_PATTERN.match(value.strip().lower()):
        raise ValidationError(f"Invalid cname {value!r}: use a DNS name such as www.example.com.")
    return value.strip().lower().rstrip(".")


def add_cname(ctx: Context, principal: Principal, app: str, value: Any) -> str:
    """Route ``value`` to the app and, inside a zone the cluster serves, publish it in DNS."""
    require_user(principal)
    apps.accessible(ctx, principal, app)
    name = _name(value)
    owner = ctx.store.find(schema.APPS, {"cname": name}, limit=1)
    if owner:
        raise Conflict(f"cname {name} is already used by app {owner[0]['_id']}.")
    with locked(ctx, app, principal, "cname-add"):
        router = _router(ctx)
        try:
            router.ensure_backend(app)
            router.set_cname(app, name)
        except RouterError as exc:
            raise ValidationError(f"Cannot add cname {name}: {exc}.") from None
        updater = routing.dns(ctx.config)
        published = updater is not None and updater.manages(name)
        if published:
            try:
                updater.set_cname(name, apps.address(ctx, app))
            except DnsError as exc:
                router.unset_cname(app, name)
                raise Unavailable(f"DNS update for {name} failed: {exc}") from None
        ctx.store.update_one(schema.APPS, {"_id": app}, {"$addToSet": {"cname": name}})
    where = " and in DNS" if published else " (publish it in your DNS as a CNAME)"
    return f"cname {name} routes to {app}{where}."


def remove_cname(ctx: Context, principal: Principal, app: str, value: Any) -> str:
    require_user(principal)
    doc = apps.accessible(ctx, principal, app)
    name = _name(value)
    if name not in doc.get("cname", []):
        raise ValidationError(f"cname {name} is not set for app {app}.")
    with locked(ctx, app, principal, "cname-remove"):
        router = _router(ctx)
        with contextlib.suppress(RouterError):
            router.unset_cname(app, name)
        updater = routing.dns(ctx.config)
        if updater is not None and updater.manages(name):
            try:
                updater.delete(name)
            except DnsError as exc:
                raise Unavailable(f"DNS removal of {name} failed: {exc}") from None
        ctx.store.update_one(schema.APPS, {"_id": app}, {"$pull": {"cname": name}})
    return f"cname {name} removed from {app}."


def swap(ctx: Context, principal: Principal, first: str, second: str, cname_only: bool) -> str:
    """Exchange two apps' addresses (or only their custom names); swapping again undoes it."""
    require_user(principal)
    one = apps.accessible(ctx, principal, first)
    two = apps.accessible(ctx, principal, second)
    if first == second:
        raise ValidationError("An app cannot be swapped with itself.")
    router = _router(ctx)
    with locked(ctx, first, principal, "swap"), locked(ctx, second, principal, "swap"):
        if cname_only:
            try:
                for name in one.get("cname", []):
                    router.unset_cname(first, name)
                for name in two.get("cname", []):
                    router.unset_cname(second, name)
                for name in one.get("cname", []):
                    router.set_cname(second, name)
                for name in two.get("cname", []):
                    router.set_cname(first, name)
            except RouterError as exc:
                raise Unavailable(f"Swapping cnames failed: {exc}.") from None
            updater = routing.dns(ctx.config)
            for app, names in ((second, one.get("cname", [])), (first, two.get("cname", []))):
                for name in names:
                    if updater is not None and updater.manages(name):
                        updater.set_cname(name, apps.address(ctx, app))
            ctx.store.update_one(
                schema.APPS, {"_id": first}, {"$set": {"cname": two.get("cname", [])}}
            )
            ctx.store.update_one(
                schema.APPS, {"_id": second}, {"$set": {"cname": one.get("cname", [])}}
            )
            return f"Custom names of {first} and {second} swapped."
        try:
            router.swap(first, second)
        except RouterError as exc:
            raise ValidationError(f"Cannot swap {first} and {second}: {exc}.") from None
    return f"{apps.address(ctx, first)} and {apps.address(ctx, second)} swapped."
