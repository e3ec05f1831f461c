"""slipway.router writes hipache's protocol; the real router serves what it writes."""

from __future__ import annotations

import time

import pytest
import redis
from conftest import CACHE_TTL, REDIS_DB, REDIS_PASSWORD

from slipway.router import Router, RouterError

DOMAIN = "apps.example.test"


@pytest.fixture
def store(redis_server):
    client = redis.Redis(
        port=redis_server.port, password=REDIS_PASSWORD, db=REDIS_DB, decode_responses=True
    )
    yield Router(client, DOMAIN)
    client.close()


def app_of(host: str) -> str:
    return host.removesuffix("." + DOMAIN)


def test_backend_and_routes_follow_the_protocol(store: Router, host: str) -> None:
    app = app_of(host)
    store.add_backend(app)
    with pytest.raises(RouterError, match="already exists"):
        store.add_backend(app)
    store.add_route(app, "http://10.0.0.5:49153")
    store.add_route(app, "http://10.0.0.6:49154")
    assert store.client.lrange(f"frontend:{host}", 0, -1) == [
        app,
        "http://10.0.0.5:49153",
        "http://10.0.0.6:49154",
    ]
    with pytest.raises(RouterError, match="already exists"):
        store.add_route(app, "http://10.0.0.5:49153")
    with pytest.raises(RouterError, match="invalid backend URL"):
        store.add_route(app, "ftp://10.0.0.5")
    store.client.sadd(f"dead:{host}", 0)
    store.remove_route(app, "http://10.0.0.5:49153")
    assert store.routes(app) == ["http://10.0.0.6:49154"]
    assert not store.client.exists(f"dead:{host}")
    with pytest.raises(RouterError, match="not found"):
        store.remove_route(app, "http://10.0.0.5:49153")
    store.remove_backend(app)
    assert not store.client.exists(f"frontend:{host}")


def test_cnames_carry_the_apps_routes(store: Router, host: str) -> None:
    app = app_of(host)
    store.add_backend(app)
    store.add_route(app, "http://10.0.0.5:1")
    store.set_cname(app, f"www.{app}.example.org")
    store.add_route(app, "http://10.0.0.5:2")
    assert store.client.lrange(f"frontend:www.{app}.example.org", 0, -1) == [
        app,
        "http://10.0.0.5:1",
        "http://10.0.0.5:2",
    ]
    with pytest.raises(RouterError, match="router subdomain"):
        store.set_cname(app, f"other.{DOMAIN}")
    with pytest.raises(RouterError, match="invalid cname"):
        store.set_cname(app, "bad name")
    with pytest.raises(RouterError, match="already in use"):
        store.set_cname(app, f"www.{app}.example.org")
    store.unset_cname(app, f"www.{app}.example.org")
    assert not store.client.exists(f"frontend:www.{app}.example.org")
    assert store.cnames(app) == []


def test_swap_exchanges_units_and_swaps_back(store: Router, host: str) -> None:
    blue, green = app_of(host), app_of(host) + "-green"
    for app, port in ((blue, 1), (green, 2)):
        store.add_backend(app)
        store.add_route(app, f"http://10.0.0.9:{port}")
    store.swap(blue, green)
    assert store.client.lrange(f"frontend:{blue}.{DOMAIN}", 0, -1) == [blue, "http://10.0.0.9:2"]
    assert store.routes(blue) == ["http://10.0.0.9:1"]
    store.add_route(blue, "http://10.0.0.9:3")
    assert store.client.lrange(f"frontend:{green}.{DOMAIN}", 1, -1) == [
        "http://10.0.0.9:1",
        "http://10.0.0.9:3",
    ]
    with pytest.raises(RouterError, match="swapped"):
        store.remove_backend(blue)
    store.swap(green, blue)
    assert store.client.lrange(f"frontend:{blue}.{DOMAIN}", 1, -1) == [
        "http://10.0.0.9:1",
        "http://10.0.0.9:3",
    ]
    assert store.client.get(f"swap:{blue}") is None


def test_the_router_serves_what_the_store_writes(store: Router, router, backends, host) -> None:
    app = app_of(host)
    first, second = backends("first"), backends("second")
    store.add_backend(app)
    store.add_route(app, first.url)
    assert router.get(host).json()["backend"] == "first"
    store.add_route(app, second.url)
    store.remove_route(app, first.url)
    time.sleep(CACHE_TTL + 0.5)
    assert {router.get(host).json()["backend"] for _ in range(10)} == {"second"}
