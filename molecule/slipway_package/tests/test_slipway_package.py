"""roles/slipway_package: the slipway wheel in a venv, every entry point the roles use.

The role installs no service: what answers here is each command.
"""

import re

import pytest
from conftest import assert_file
from testinfra.host import Host

VENV = "/opt/slipway/venv"


@pytest.mark.parametrize(
    "command", ["slipway-api", "slipway-worker", "slipway-collector", "slipway-gandalf", "slipway"]
)
def test_entry_point_runs(host: Host, command: str) -> None:
    result = host.run("%s --help", f"{VENV}/bin/{command}")
    assert result.rc == 0, result.stderr
    assert "usage" in result.stdout.lower()


def test_ssh_wrapper_wants_a_user_name(host: Host) -> None:
    result = host.run("%s", f"{VENV}/bin/slipway-gandalf-ssh")
    assert result.rc == 2
    assert "usage: slipway-gandalf-ssh" in result.stderr


def test_package_imports(host: Host) -> None:
    # The package imports as a whole: the CLI's version and the API's app factory.
    out = host.check_output(
        "%s -c %s", f"{VENV}/bin/python", "import slipway.api, slipway.cli; print('ok')"
    )
    assert out == "ok"


def test_build_recorded(host: Host) -> None:
    marker = host.file(f"{VENV}/.slipway-build")
    assert re.fullmatch(r"[0-9a-f]{20}", marker.content_string.strip())


def test_pip_configured_with_the_ca_bundle(host: Host) -> None:
    assert_file(host, f"{VENV}/pip.conf", 0o644, "root", "root")
    config = host.check_output("%s config list", f"{VENV}/bin/pip").splitlines()
    assert "global.cert='/etc/ssl/certs/ca-certificates.crt'" in config


@pytest.mark.parametrize("path", ["/opt/slipway", "/opt/slipway/wheels", "/etc/slipway"])
def test_directories_are_roots(host: Host, path: str) -> None:
    assert_file(host, path, 0o755, "root", "root")


def test_wheel_kept(host: Host) -> None:
    wheels = host.check_output("ls /opt/slipway/wheels").split()
    assert any(re.fullmatch(r"slipway-.*\.whl", w) for w in wheels), wheels
    for wheel in wheels:
        assert_file(host, f"/opt/slipway/wheels/{wheel}", 0o644, "root", "root")
