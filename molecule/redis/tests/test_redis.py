"""roles/redis: a password-protected Redis on the cluster address and loopback, with AOF."""

import pathlib

import pytest
from conftest import assert_file, assert_service, listening, private_file, wait_for_port
from testinfra.host import Host


@pytest.fixture(scope="module")
def password(credentials: pathlib.Path) -> str:
    return (credentials / "redis_password").read_text().strip()


def cli(host: Host, password: str, address: str, *command: str) -> str:
    """redis-cli in the container, the password in REDISCLI_AUTH."""
    args = " ".join(["%s"] * len(command))
    return host.check_output(
        f"REDISCLI_AUTH=%s redis-cli -h %s {args}", password, address, *command
    )


def test_password_persisted_privately(credentials: pathlib.Path, password: str) -> None:
    assert private_file(credentials / "redis_password")
    assert len(password) == 40


def test_service_active_and_enabled(host: Host) -> None:
    assert_service(host, "redis-server")


def test_listens_on_cluster_address_and_loopback_only(host: Host, address: str) -> None:
    assert listening(host, 6379) == {f"tcp://{address}:6379", "tcp://127.0.0.1:6379"}


def test_config_is_private_to_redis(host: Host, password: str) -> None:
    assert_file(host, "/etc/redis/redis.conf", 0o640, "redis", "redis")
    assert f"requirepass {password}" in host.file("/etc/redis/redis.conf").content_string


def test_refuses_clients_without_the_password(host: Host, address: str) -> None:
    assert "NOAUTH" in host.check_output("redis-cli -h %s ping", address)


def test_answers_with_the_password(host: Host, address: str, password: str) -> None:
    assert cli(host, password, address, "ping") == "PONG"
    assert cli(host, password, "127.0.0.1", "config", "get", "appendonly").split() == [
        "appendonly",
        "yes",
    ]
    assert cli(host, password, "127.0.0.1", "config", "get", "maxmemory").split() == [
        "maxmemory",
        str(64 * 1024 * 1024),
    ]


def test_key_survives_a_restart(host: Host, address: str, password: str) -> None:
    cli(host, password, "127.0.0.1", "set", "molecule:probe", "ok")
    host.check_output("systemctl restart redis-server")
    wait_for_port(address, 6379)
    assert cli(host, password, "127.0.0.1", "get", "molecule:probe") == "ok"
