"""roles/registry: docker-registry on the cluster address with its persisted HTTP secret."""

import json
import pathlib

from conftest import assert_file, assert_service, http, listening, private_file
from testinfra.host import Host


def test_service_active_and_enabled(host: Host) -> None:
    assert_service(host, "docker-registry")


def test_listens_on_cluster_address_only(host: Host, address: str) -> None:
    assert listening(host, 5000) == {f"tcp://{address}:5000"}


def test_config_holds_the_persisted_secret(host: Host, credentials: pathlib.Path) -> None:
    secret_file = credentials / "registry_http_secret"
    assert private_file(secret_file)
    config = "/etc/docker/registry/config.yml"
    assert_file(host, config, 0o640, "root", "docker-registry")
    assert f"secret: {secret_file.read_text().strip()}" in host.file(config).content_string
    assert_file(host, "/var/lib/docker-registry", 0o750, "docker-registry", "docker-registry")


def test_v2_api_answers(address: str) -> None:
    status, _, headers = http(f"http://{address}:5000/v2/")
    assert status == 200
    assert headers.get("Docker-Distribution-Api-Version") == "registry/2.0"
    status, body, _ = http(f"http://{address}:5000/v2/_catalog")
    assert status == 200
    assert json.loads(body)["repositories"] == []
