"""Fixtures: a real redis-server and real nginx running the hipache role's config."""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

REDIS_PASSWORD = 'router "test" \\ pass'  # exercises the Lua string escaping
REDIS_DB = 3
CACHE_TTL = harness.CACHE_TTL

_counter = itertools.count()


@dataclass
class Router:
    port: int
    nginx: harness.Nginx
    variables: dict
    workdir: Path

    def get(self, host, path="/", **kw) -> harness.Response:
        return harness.request(self.port, host, path, **kw)


@pytest.fixture(scope="session")
def components():
    missing = harness.missing_components()
    if missing:
        pytest.skip("router components not installed: " + ", ".join(missing))


@pytest.fixture(scope="module")
def redis_server(components, tmp_path_factory):
    server = harness.Redis(
        tmp_path_factory.mktemp("redis"), harness.free_port(), REDIS_PASSWORD
    ).start()
    yield server
    server.stop()


def _start_router(workdir: Path, redis_server: harness.Redis, **overrides) -> Router:
    port = harness.free_port()
    settings = {
        "hipache_listen_port": port,
        "hipache_redis_port": redis_server.port,
        "hipache_redis_password": REDIS_PASSWORD,
        "hipache_redis_db": REDIS_DB,
        "hipache_cache_ttl": CACHE_TTL,
        "hipache_backend_connect_timeout": 1,
        "hipache_backend_read_timeout": 5,
    }
    settings.update(overrides)
    conf, variables = harness.render_router(workdir, settings)
    nginx = harness.Nginx(workdir, conf, port).start()
    return Router(port, nginx, variables, workdir)


@pytest.fixture(scope="module")
def router(redis_server, tmp_path_factory):
    r = _start_router(tmp_path_factory.mktemp("router"), redis_server)
    yield r
    r.nginx.stop()


@pytest.fixture(scope="module")
def prefixed_router(redis_server, tmp_path_factory):
    """A second router: key prefix, and hipache's own 400 for unknown frontends."""
    r = _start_router(
        tmp_path_factory.mktemp("router-prefixed"),
        redis_server,
        hipache_key_prefix="slipway-test:",
        hipache_unknown_frontend_status=400,
    )
    yield r
    r.nginx.stop()


@pytest.fixture
def rc(redis_server):
    """A Redis client on the routers' database."""
    client = redis_server.client(REDIS_DB)
    yield client
    client.close()


@pytest.fixture
def backends():
    """Factory of HTTP backends, all stopped when the test ends."""
    made: list[harness.Backend] = []

    def make(name: str, status: int = 200, extra_headers: dict | None = None, address="127.0.0.1"):
        b = harness.Backend(name, status, extra_headers, address)
        made.append(b)
        return b

    yield make
    for b in made:
        b.kill()


@pytest.fixture
def host(request):
    """A host name no other test uses (the router caches routes per host)."""
    name = request.node.name.lower().replace("_", "-").replace("[", "-").replace("]", "")
    return f"{name}-{next(_counter)}.apps.example.test"
