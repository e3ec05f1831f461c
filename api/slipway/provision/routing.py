"""The router (hipache routes in Redis) and DNS for custom names, from the API settings."""

from __future__ import annotations

import time

from ..config import Config
from ..core.context import Context
from ..dns import DnsUpdater, TsigKey
from ..router import Router


def router(ctx: Context) -> Router | None:
    """The route store, or None when ``hipache:redis-server`` is not set (apps are not routed)."""
    server = ctx.config["hipache:redis-server"]
    if not server:
        return None
    password = ctx.config["hipache:redis-password"] or None
    return Router.from_url(f"redis://{server}/0", ctx.domain, password=password)


def dns(config: Config) -> DnsUpdater | None:
    server = config["dns:server"]
    if not server or not config["dns:zones"]:
        return None
    host, _, port = server.rpartition(":")
    key = TsigKey(config["dns:tsig:name"], config["dns:tsig:secret"], config["dns:tsig:algorithm"])
    return DnsUpdater(host.strip("[]"), config["dns:zones"], key, port=int(port))


def drain(ctx: Context) -> None:
    """Wait until no router serves a route removed just now from its cache."""
    time.sleep(ctx.config["hipache:cache-seconds"] + 0.5)
