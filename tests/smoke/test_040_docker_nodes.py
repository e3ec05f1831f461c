"""Each docker node answers its Engine API over mutual TLS and refuses anyone else."""

from __future__ import annotations

import pytest
import requests

from .conftest import CREDENTIALS

NODES = ["node1", "node2"]
TLS_DIR = CREDENTIALS / "docker"


@pytest.mark.parametrize("node", NODES)
def test_engine_answers_the_cluster_client(addresses: dict[str, str], node: str) -> None:
    response = requests.get(
        f"https://{addresses[node]}:2376/version",
        cert=(str(TLS_DIR / "client.pem"), str(TLS_DIR / "client-key.pem")),
        verify=str(TLS_DIR / "ca.pem"),
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json()["ApiVersion"]


@pytest.mark.parametrize("node", NODES)
def test_engine_refuses_a_client_without_certificate(addresses: dict[str, str], node: str) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(
            f"https://{addresses[node]}:2376/version", verify=str(TLS_DIR / "ca.pem"), timeout=10
        )
