"""Smoke tests of a running sandbox (`make up`): each component answers, for real.

Traffic goes to 127.0.0.1 (the published ports) or to the sandbox's own
containers, whose addresses come from `docker inspect`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = REPO_ROOT / ".sandbox" / "credentials"
DOMAIN = "slipway.test"
API_URL = "http://127.0.0.1:8080"
ROUTER_URL = "http://127.0.0.1:8000"
DNS_PORT = 5353
CONTAINERS = {
    "control": "slipway-control",
    "router": "slipway-router",
    "node1": "slipway-node1",
    "node2": "slipway-node2",
}


def container_address(host: str) -> str:
    """The sandbox network address of one of the sandbox's containers."""
    result = subprocess.run(
        ["docker", "inspect", CONTAINERS[host]], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"sandbox container {CONTAINERS[host]} is missing: run `make up`")
    networks = json.loads(result.stdout)[0]["NetworkSettings"]["Networks"]
    return next(iter(networks.values()))["IPAddress"]


def credential(name: str) -> str:
    path = CREDENTIALS / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the sandbox was not converged by `make up`")
    return path.read_text(encoding="utf-8").strip()


@pytest.fixture(scope="session")
def addresses() -> dict[str, str]:
    return {host: container_address(host) for host in CONTAINERS}
