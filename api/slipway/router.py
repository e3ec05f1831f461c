"""The hipache route store in Redis: what the router reads to reach an app's units.

Keys (with an optional prefix): ``frontend:<host>`` is a list whose first element
identifies the app and whose other elements are backend URLs;
``cname:<app>`` lists an app's custom names; ``swap:<app>`` names the app
whose frontend currently serves this app's units (see :meth:`Router.swap`).
Every multi-key change runs in a WATCH/MULTI transaction, so concurrent
writers never leave a frontend half-updated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import redis

CNAME_PATTERN = re.compile(r"^(\*\.)?[a-zA-Z0-9][\w.-]+$")
BACKEND_URL = re.compile(r"^http://(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|localhost)(:\d{1,5})?$")
MAX_RETRIES = 20


class RouterError(Exception):
    """A routing change was refused; the message says why."""


class Router:
    def __init__(self, client: redis.Redis, domain: str, prefix: str = "") -> None:
        self.client = client
        self.domain = domain.lower()
        self.prefix = prefix

    @classmethod
    def from_url(
        cls, url: str, domain: str, prefix: str = "", password: str | None = None
    ) -> Router:
        client = redis.Redis.from_url(url, password=password, decode_responses=True)
        return cls(client, domain, prefix)

    def address(self, app: str) -> str:
        return f"{app}.{self.domain}"

    def _frontend(self, host: str) -> str:
        return f"{self.prefix}frontend:{host.lower()}"

    def _cnames_key(self, app: str) -> str:
        return f"{self.prefix}cname:{app}"

    def _swap_key(self, app: str) -> str:
        return f"{self.prefix}swap:{app}"

    def _transaction(self, keys: list[str], work: Callable[[Any], None]) -> None:
        """Run ``work(pipe)`` under WATCH on ``keys``, retrying when another writer raced us."""
        for _ in range(MAX_RETRIES):
            with self.client.pipeline() as pipe:
                try:
                    pipe.watch(*keys)
                    work(pipe)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue
        raise RouterError("the route store is too busy; try again")

    def _serving_host(self, reader: Any, app: str) -> str:
        """The frontend that serves ``app``'s units: its own, or its swap partner's."""
        partner = reader.get(self._swap_key(app))
        return self.address(partner or app)

    def _hosts_of(self, reader: Any, app: str) -> list[str]:
        return [self._serving_host(reader, app), *reader.lrange(self._cnames_key(app), 0, -1)]

    def add_backend(self, app: str) -> None:
        """Create the app's frontend (its identifier only, no routes yet)."""
        key = self._frontend(self.address(app))

        def work(pipe: Any) -> None:
            if pipe.exists(key):
                raise RouterError(f"router backend {app} already exists")
            pipe.multi()
            pipe.rpush(key, app)

        self._transaction([key], work)

    def has_backend(self, app: str) -> bool:
        return bool(self.client.exists(self._frontend(self.address(app))))

    def ensure_backend(self, app: str) -> None:
        """Create the app's frontend unless it exists."""
        if not self.has_backend(app):
            self.add_backend(app)

    def remove_backend(self, app: str) -> None:
        if self.client.exists(self._swap_key(app)):
            raise RouterError(f"app {app} is swapped; swap it back before removing it")
        cnames = self.client.lrange(self._cnames_key(app), 0, -1)
        keys = [self._frontend(self.address(app)), self._cnames_key(app)]
        keys += [self._frontend(c) for c in cnames]
        self.client.delete(*keys)

    def routes(self, app: str) -> list[str]:
        return self.client.lrange(self._frontend(self._serving_host(self.client, app)), 1, -1)

    def add_route(self, app: str, url: str) -> None:
        if not BACKEND_URL.match(url):
            raise RouterError(f"invalid backend URL {url!r}: use http://<ip>:<port>")
        keys = [self._swap_key(app), self._cnames_key(app)]

        def work(pipe: Any) -> None:
            hosts = self._hosts_of(pipe, app)
            frontends = [self._frontend(h) for h in hosts]
            pipe.watch(*frontends)
            if not pipe.exists(frontends[0]):
                raise RouterError(f"router backend {app} does not exist")
            if url in pipe.lrange(frontends[0], 1, -1):
                raise RouterError(f"route {url} already exists for {app}")
            pipe.multi()
            for frontend in frontends:
                pipe.rpush(frontend, url)

        self._transaction(keys, work)

    def remove_route(self, app: str, url: str) -> None:
        keys = [self._swap_key(app), self._cnames_key(app)]

        def work(pipe: Any) -> None:
            frontends = [self._frontend(h) for h in self._hosts_of(pipe, app)]
            pipe.watch(*frontends)
            if url not in pipe.lrange(frontends[0], 1, -1):
                raise RouterError(f"route {url} not found for {app}")
            pipe.multi()
            for frontend in frontends:
                pipe.lrem(frontend, 0, url)
            pipe.delete(
                *(f"{self.prefix}dead:{h.lower()}" for h in self._hosts_of(self.client, app))
            )

        self._transaction(keys, work)

    def cnames(self, app: str) -> list[str]:
        return self.client.lrange(self._cnames_key(app), 0, -1)

    def set_cname(self, app: str, cname: str) -> None:
        name = cname.lower()
        if not CNAME_PATTERN.match(name):
            raise RouterError(f"invalid cname {cname!r}")
        if name == self.domain or name.endswith("." + self.domain):
            raise RouterError("CName as router subdomain not allowed")
        frontend = self._frontend(name)
        keys = [self._cnames_key(app), frontend, self._swap_key(app)]

        def work(pipe: Any) -> None:
            own = self._frontend(self._serving_host(pipe, app))
            pipe.watch(own)
            if not pipe.exists(own):
                raise RouterError(f"router backend {app} does not exist")
            if pipe.exists(frontend):
                raise RouterError(f"cname {name} is already in use")
            routes = pipe.lrange(own, 1, -1)
            pipe.multi()
            pipe.rpush(self._cnames_key(app), name)
            pipe.rpush(frontend, app, *routes)

        self._transaction(keys, work)

    def unset_cname(self, app: str, cname: str) -> None:
        name = cname.lower()
        key = self._cnames_key(app)

        def work(pipe: Any) -> None:
            if name not in pipe.lrange(key, 0, -1):
                raise RouterError(f"cname {name} is not set for {app}")
            pipe.multi()
            pipe.lrem(key, 0, name)
            pipe.delete(self._frontend(name), f"{self.prefix}dead:{name}")

        self._transaction([key], work)

    def swap(self, first: str, second: str) -> None:
        """Exchange the units behind two apps' names; swapping again undoes it.

        Each name keeps its DNS record and starts serving the other app's units.
        """
        if first == second:
            raise RouterError("cannot swap an app with itself")
        keys = [self._swap_key(first), self._swap_key(second)]

        def work(pipe: Any) -> None:
            one, two = pipe.get(keys[0]), pipe.get(keys[1])
            swapped = one == second and two == first
            if (one or two) and not swapped:
                raise RouterError("one of the apps is swapped with a third app")
            hosts = [self._frontend(self.address(first)), self._frontend(self.address(second))]
            pipe.watch(*hosts)
            if not all(pipe.exists(h) for h in hosts):
                raise RouterError("both apps need router backends to be swapped")
            first_routes, second_routes = (pipe.lrange(h, 1, -1) for h in hosts)
            pipe.multi()
            pipe.delete(*hosts)
            pipe.rpush(hosts[0], first, *second_routes)
            pipe.rpush(hosts[1], second, *first_routes)
            if swapped:
                pipe.delete(*keys)
            else:
                pipe.set(keys[0], second)
                pipe.set(keys[1], first)

        self._transaction(keys, work)
