"""roles/beanstalkd: beanstalkd on the cluster address only, jobs kept in the binlog."""

import socket

from conftest import assert_file, assert_service, listening, wait_for_port
from testinfra.host import Host


def beanstalk(address: str, command: bytes) -> str:
    """Send beanstalkd protocol lines from the controller, return what it answered."""
    with socket.create_connection((address, 11300), timeout=5) as conn:
        conn.sendall(command)
        conn.settimeout(1)
        data = b""
        try:
            while chunk := conn.recv(4096):
                data += chunk
        except TimeoutError:
            pass
    return data.decode()


def test_service_active_and_enabled(host: Host) -> None:
    assert_service(host, "beanstalkd")


def test_debian_loopback_socket_masked(host: Host) -> None:
    assert host.check_output("systemctl is-enabled beanstalkd.socket || true") == "masked"


def test_listens_on_cluster_address_only(host: Host, address: str) -> None:
    assert listening(host, 11300) == {f"tcp://{address}:11300"}
    # Loopback is refused: the service binds the cluster address only.
    assert (
        host.run(
            "python3 -c %s", "import socket; socket.create_connection(('127.0.0.1', 11300), 2)"
        ).rc
        != 0
    )


def test_config_and_binlog_directory(host: Host, address: str) -> None:
    assert_file(host, "/etc/default/beanstalkd", 0o644, "root", "root")
    assert (
        f"BEANSTALKD_LISTEN_ADDR={address}" in host.file("/etc/default/beanstalkd").content_string
    )
    assert_file(host, "/var/lib/beanstalkd", 0o750, "beanstalkd", "beanstalkd")


def test_job_survives_a_restart(host: Host, address: str) -> None:
    put = beanstalk(address, b"use molecule\r\nput 0 0 60 5\r\nhello\r\n")
    assert "INSERTED" in put
    host.check_output("systemctl restart beanstalkd")
    wait_for_port(address, 11300)
    stats = beanstalk(address, b"stats-tube molecule\r\n")
    assert "current-jobs-ready: 1" in stats
    assert "OK" in beanstalk(address, b"stats\r\n")
