"""Helpers shared by the scenarios' testinfra verifiers.

molecule runs pytest from the scenario's directory with the environment it
gives its playbooks (MOLECULE_EPHEMERAL_DIRECTORY and friends); each scenario's
molecule.yml points testinfra straight at its containers (docker backend:
one `docker exec` per command, no Ansible run per check).
"""

import json
import os
import pathlib
import socket
import ssl
import time
import urllib.error
import urllib.request

import pytest
from testinfra.host import Host


@pytest.fixture(scope="session")
def ephemeral() -> pathlib.Path:
    """molecule's per-scenario scratch directory on the controller."""
    return pathlib.Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])


@pytest.fixture(scope="session")
def credentials(ephemeral: pathlib.Path) -> pathlib.Path:
    """Where the converge playbooks keep the generated secrets."""
    return ephemeral / "credentials"


@pytest.fixture(scope="module")
def address(host: Host) -> str:
    """The container's address on its default route (ansible's default_ipv4)."""
    return host.interface.default("inet").addresses[0]


def private_file(path: pathlib.Path) -> bool:
    """True when a controller-side file exists and only its owner can read it."""
    return path.is_file() and (path.stat().st_mode & 0o777) == 0o600


def listening(host: Host, port: int, proto: str = "tcp") -> set[str]:
    """The addresses something listens on for one port, as `ss` reports them."""
    return {
        spec
        for spec in host.socket.get_listening_sockets()
        if spec.startswith(f"{proto}://") and spec.rsplit(":", 1)[1] == str(port)
    }


def assert_file(host: Host, path: str, mode: int, user: str, group: str) -> None:
    """A file or directory in the container has this mode and these owners."""
    f = host.file(path)
    assert f.exists, f"{path} is missing"
    assert (f.mode, f.user, f.group) == (mode, user, group), (
        f"{path}: {oct(f.mode)} {f.user}:{f.group}, expected {oct(mode)} {user}:{group}"
    )


def assert_service(host: Host, name: str, user: str | None = None) -> None:
    """A systemd service is active and enabled (and runs as `user`)."""
    service = host.service(name)
    assert service.is_running, f"{name} is not active"
    assert service.is_enabled, f"{name} is not enabled"
    if user is not None:
        assert service.systemd_properties["User"] == user


def wait_for_port(address: str, port: int, timeout: float = 30) -> None:
    """Wait from the controller until a TCP port accepts connections."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((address, port), timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def http(
    url: str,
    method: str = "GET",
    body: object = None,
    headers: dict[str, str] | None = None,
    context: ssl.SSLContext | None = None,
) -> tuple[int, bytes, dict[str, str]]:
    """One HTTP request from the controller: status, body, headers (errors too)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)
