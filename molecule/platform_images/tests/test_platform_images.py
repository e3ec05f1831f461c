"""roles/platform_images: the rootfs image built from its recipe and pushed to the registry.

A new CA certificate on the node makes a new image (rebuild.yml runs the role
again from the controller, with molecule's inventory).
"""

import json
import os
import pathlib
import subprocess
import sys

import pytest
from conftest import assert_service, http, listening
from testinfra.host import Host

MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
PROBE = (
    "cat /etc/slipway-rootfs;"
    " find /usr/local/share/ca-certificates -name '*.crt' -printf 'ca %P\\n';"
    " grep -c 'BEGIN CERTIFICATE' /etc/ssl/certs/ca-certificates.crt;"
    " cat /etc/apt/apt.conf.d/90slipway;"
    " ls /var/lib/apt/lists | wc -l;"
    " command -v useradd"
)


@pytest.fixture(scope="module")
def registry(address: str) -> str:
    return f"{address}:5000"


@pytest.fixture(scope="module")
def ref(registry: str) -> str:
    return f"{registry}/slipway/rootfs:bookworm"


def digest(registry: str) -> str:
    status, _, headers = http(
        f"http://{registry}/v2/slipway/rootfs/manifests/bookworm",
        method="HEAD",
        headers={"Accept": MANIFEST},
    )
    assert status == 200
    return headers["Docker-Content-Digest"]


def test_services_active_and_enabled(host: Host, address: str) -> None:
    assert_service(host, "docker-registry")
    assert_service(host, "docker")
    assert listening(host, 5000) == {f"tcp://{address}:5000"}


def test_registry_holds_the_image(registry: str) -> None:
    status, body, _ = http(f"http://{registry}/v2/slipway/rootfs/tags/list")
    assert status == 200
    assert json.loads(body)["tags"] == ["bookworm"]


def test_image_made_from_the_recipe(host: Host, ref: str) -> None:
    recipe = host.file("/var/lib/slipway/platform-images/recipe").sha256sum
    label = host.check_output(
        "docker image inspect --format %s %s", '{{index .Config.Labels "io.slipway.recipe"}}', ref
    )
    assert label == recipe[:16]


def test_image_pulled_back_has_the_nodes_ca(host: Host, ref: str) -> None:
    host.check_output("docker image rm %s >/dev/null", ref)
    host.check_output("docker pull -q %s", ref)
    inside = host.check_output("docker run --rm %s /bin/sh -c %s", ref, PROBE).splitlines()
    assert "suite=bookworm" in inside
    assert "ca slipway-controller.crt" in inside
    assert 'APT::Install-Recommends "false";' in inside
    assert inside[-2] == "0"
    assert inside[-1] == "/usr/sbin/useradd"


def test_new_ca_certificate_makes_a_new_image(host: Host, registry: str, ref: str) -> None:
    before = digest(registry)
    host.check_output(
        "test -e /usr/local/share/ca-certificates/molecule-extra.crt"
        " || openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '/CN=Molecule extra CA'"
        " -keyout /root/molecule-ca.key -out /usr/local/share/ca-certificates/molecule-extra.crt"
        " 2>/dev/null"
    )
    playbook = pathlib.Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"]) / "rebuild.yml"
    run = subprocess.run(
        [
            pathlib.Path(sys.executable).with_name("ansible-playbook"),
            "-i",
            os.environ["MOLECULE_INVENTORY_FILE"],
            str(playbook),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    assert digest(registry) != before
    found = host.check_output(
        "docker run --rm %s find /usr/local/share/ca-certificates -name molecule-extra.crt", ref
    )
    assert found == "/usr/local/share/ca-certificates/molecule-extra.crt"
