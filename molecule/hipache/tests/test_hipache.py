"""roles/hipache: nginx + Lua routing by the hipache protocol, routes read from Redis."""

import pathlib
import time
from collections.abc import Callable, Iterator

import pytest
from conftest import assert_file, assert_service, http, listening, wait_for_port
from testinfra.host import Host

BACKEND_PORT = 8081
BACKEND_DIR = "/srv/molecule-backend"


@pytest.fixture(scope="module")
def redis(host: Host, credentials: pathlib.Path) -> Callable[..., str]:
    """redis-cli in the container, the password in REDISCLI_AUTH."""
    password = (credentials / "redis_password").read_text().strip()

    def run(*command: str) -> str:
        args = " ".join(["%s"] * len(command))
        return host.check_output(
            f"REDISCLI_AUTH=%s redis-cli -h 127.0.0.1 {args}", password, *command
        )

    return run


@pytest.fixture(scope="module")
def backend(host: Host) -> Iterator[None]:
    """A tiny HTTP server on the container's loopback, stopped afterwards."""
    host.check_output("mkdir -p %s", BACKEND_DIR)
    host.check_output("echo 'served by the molecule backend' > %s/index.html", BACKEND_DIR)
    host.run("systemctl stop molecule-backend")
    host.check_output(
        "systemd-run --unit=molecule-backend --collect"
        " python3 -m http.server %s --bind 127.0.0.1 --directory %s",
        str(BACKEND_PORT),
        BACKEND_DIR,
    )
    probe = f"import socket; socket.create_connection(('127.0.0.1', {BACKEND_PORT}), 1)"
    for _ in range(60):
        if host.run("python3 -c %s", probe).rc == 0:
            break
        time.sleep(0.5)
    yield
    host.run("systemctl stop molecule-backend")


def get(address: str, hostname: str) -> tuple[int, str]:
    status, body, _ = http(f"http://{address}/", headers={"Host": hostname})
    return status, body.decode(errors="replace")


def test_service_active_and_enabled(host: Host) -> None:
    assert_service(host, "nginx")
    assert_service(host, "redis-server")


def test_listens_on_port_80_only(host: Host, address: str) -> None:
    assert listening(host, 80) == {"tcp://0.0.0.0:80"}
    assert listening(host, 443) == set()
    # The route store: the cluster address and loopback.
    assert listening(host, 6379) == {f"tcp://{address}:6379", "tcp://127.0.0.1:6379"}


def test_config_files(host: Host, credentials: pathlib.Path) -> None:
    # The Redis password lives in config.lua: root only.
    assert_file(host, "/etc/nginx/hipache/config.lua", 0o600, "root", "root")
    password = (credentials / "redis_password").read_text().strip()
    assert password in host.file("/etc/nginx/hipache/config.lua").content_string
    assert_file(host, "/etc/nginx/hipache/router.conf", 0o644, "root", "root")
    assert_file(host, "/etc/nginx/nginx.conf", 0o644, "root", "root")
    assert host.run("nginx -t -q").rc == 0


def test_ping_and_unknown_host(address: str) -> None:
    wait_for_port(address, 80)
    assert get(address, "__ping__")[0] == 200
    status, body = get(address, "nobody.example.com")
    assert status == 404
    assert "frontend not found" in body


def test_routes_written_in_redis(
    host: Host, address: str, redis: Callable[..., str], backend: None
) -> None:
    redis("DEL", "frontend:x.example.com", "frontend:dead.example.com")
    redis("RPUSH", "frontend:x.example.com", "x", f"http://127.0.0.1:{BACKEND_PORT}")
    redis("RPUSH", "frontend:dead.example.com", "dead", "http://127.0.0.1:9")
    for _ in range(20):
        status, body = get(address, "x.example.com")
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200
    assert "served by the molecule backend" in body
    assert get(address, "dead.example.com")[0] == 502
    for _ in range(10):
        logged = host.run("grep -c 'host=\"x.example.com\"' /var/log/nginx/hipache-access.log")
        if logged.rc == 0:
            break
        time.sleep(0.5)
    assert int(logged.stdout) >= 1
