"""roles/common: base packages, the operator's extra CA trusted, timesyncd configured."""

import pathlib

from conftest import assert_file
from testinfra.host import Host

CA_NAME = "molecule-test-ca"
CA_FILE = f"/usr/local/share/ca-certificates/slipway/{CA_NAME}.crt"


def test_base_and_extra_packages(host: Host) -> None:
    for name in ("curl", "gnupg", "jq", "systemd-timesyncd", "ca-certificates", "iproute2"):
        assert host.package(name).is_installed, name
    # The extra package works.
    assert host.check_output("echo '{\"ok\": 42}' | jq .ok") == "42"


def test_extra_ca_certificate_trusted(host: Host) -> None:
    assert_file(host, "/usr/local/share/ca-certificates/slipway", 0o755, "root", "root")
    assert_file(host, CA_FILE, 0o644, "root", "root")
    ours = (pathlib.Path(__file__).parents[1] / "files" / "test-ca.pem").read_text()
    body = ours.replace("-----BEGIN CERTIFICATE-----", "").strip().splitlines()[0]
    assert body in host.file("/etc/ssl/certs/ca-certificates.crt").content_string
    # A TLS client (OpenSSL with the system store) trusts the CA.
    result = host.run("openssl verify %s", CA_FILE)
    assert result.rc == 0, result.stderr
    assert result.stdout.strip() == f"{CA_FILE}: OK"


def test_timesyncd_configured_and_enabled(host: Host) -> None:
    dropin = "/etc/systemd/timesyncd.conf.d/slipway.conf"
    assert_file(host, dropin, 0o644, "root", "root")
    assert "NTP=ntp.example.org" in host.file(dropin).content_string.splitlines()
    # Enabled; a container has no clock to set, so the unit's condition
    # keeps it inactive here (roles/common starts it on real hosts only).
    assert host.service("systemd-timesyncd").is_enabled


def test_no_unit_failed(host: Host) -> None:
    failed = host.check_output("systemctl --failed --no-legend --plain")
    assert failed.strip() == "", f"failed units: {failed}"
