"""roles/bind: a primary and a secondary serving the PaaS zone and the custom zones.

side_effect.yml made signed updates on the primary before the second
idempotence run; the names it added must still resolve on both servers.
"""

import pathlib
import re
import time

import pytest
import testinfra
from conftest import assert_file, assert_service, listening, private_file
from testinfra.host import Host

PRIMARY = "slipway-molecule-bind"
SERVERS = [PRIMARY, "slipway-molecule-bind2"]
ROUTERS = ["192.0.2.11", "192.0.2.12"]
KEY = "/etc/bind/slipway-update.key"


def is_primary(host: Host) -> bool:
    return host.backend.name == PRIMARY


def dig(host: Host, server: str, name: str, rtype: str = "A") -> list[str]:
    return host.check_output("dig +short @%s %s %s", server, name, rtype).splitlines()


def nsupdate(host: Host, zone: str, *updates: str, signed: bool = True) -> str:
    """One dynamic update to the server on loopback; stdout and stderr together."""
    script = "\n".join(["server 127.0.0.1", f"zone {zone}", *updates, "send", ""])
    key = f"-k {KEY}" if signed else ""
    result = host.run(f"echo %s | nsupdate {key}", script)
    return f"{result.rc} {result.stdout} {result.stderr}"


def resolve_eventually(host: Host, name: str, rtype: str, expected: list[str]) -> list[str]:
    """The secondary gets the primary's updates by NOTIFY and transfer: wait for them."""
    for _ in range(30):
        answer = dig(host, "127.0.0.1", name, rtype)
        if answer == expected:
            break
        time.sleep(1)
    return answer


@pytest.fixture(scope="session")
def servers() -> list[str]:
    """Both servers' cluster addresses (ns.slipway.test's A records)."""
    hosts = [testinfra.get_host(f"docker://{name}") for name in SERVERS]
    return sorted(h.interface.default("inet").addresses[0] for h in hosts)


@pytest.fixture(scope="session")
def updates() -> dict[str, str]:
    """The signed updates a verifier makes on the primary, as the control plane does."""
    primary = testinfra.get_host(f"docker://{PRIMARY}")
    return {
        "probe": nsupdate(
            primary, "slipway.test", "update add probe.slipway.test 60 A 198.51.100.8"
        ),
        "custom": nsupdate(
            primary,
            "custom.test",
            "update delete shop.custom.test",
            "update add shop.custom.test 60 CNAME myapp.slipway.test.",
        ),
        # A type the custom zones' update policy does not grant.
        "custom_mx": nsupdate(
            primary, "custom.test", "update add custom.test 60 MX 10 mail.custom.test."
        ),
    }


def test_tsig_secret_persisted_privately(credentials: pathlib.Path) -> None:
    secret = credentials / "bind_tsig_secret"
    assert private_file(secret)
    assert len(secret.read_text().strip()) == 44


def test_service_active_and_enabled(host: Host) -> None:
    assert_service(host, "named")


def test_listens_on_cluster_address_and_loopback_only(host: Host, address: str) -> None:
    expected = {f"{address}:53", "127.0.0.1:53"}
    for proto in ("tcp", "udp"):
        assert listening(host, 53, proto) == {f"{proto}://{a}" for a in expected}


def test_config_and_key_files(host: Host) -> None:
    assert_file(host, KEY, 0o640, "root", "bind")
    for name in ("named.conf.options", "named.conf.local"):
        assert_file(host, f"/etc/bind/{name}", 0o644, "root", "bind")
    if is_primary(host):
        for zone in ("slipway.test", "custom.test", "shop.example"):
            assert_file(host, f"/var/lib/bind/db.{zone}", 0o644, "bind", "bind")


@pytest.mark.parametrize("zone", ["slipway.test", "custom.test", "shop.example"])
def test_zone_served_in_its_role(host: Host, zone: str) -> None:
    status = host.check_output("rndc zonestatus %s", zone)
    expected = "type: (primary|master)" if is_primary(host) else "type: (secondary|slave)"
    assert re.search(expected, status), status


def test_names_resolve_on_loopback(host: Host, servers: list[str]) -> None:
    names = {
        "anything.slipway.test": ROUTERS,
        "deep.name.slipway.test": ROUTERS,
        "slipway.test": ROUTERS,
        "api.slipway.test": ["192.0.2.21"],
        "git.slipway.test": ["192.0.2.31"],
        "registry.slipway.test": ["192.0.2.41"],
        "ns.slipway.test": servers,
        # Added by side_effect.yml, kept by the second converge.
        "custom.slipway.test": ["198.51.100.7"],
    }
    answers = {name: sorted(dig(host, "127.0.0.1", name)) for name in names}
    assert answers == {name: sorted(value) for name, value in names.items()}


def test_wildcard_ns_and_cname_on_cluster_address(host: Host, address: str) -> None:
    assert sorted(dig(host, address, "other-app.slipway.test")) == ROUTERS
    assert dig(host, address, "slipway.test", "NS") == ["ns.slipway.test."]
    assert dig(host, address, "www.slipway.test", "CNAME") == ["api.slipway.test."]


def test_signed_update_reaches_both_servers(host: Host, updates: dict[str, str]) -> None:
    assert updates["probe"].startswith("0 ")
    assert resolve_eventually(host, "probe.slipway.test", "A", ["198.51.100.8"]) == ["198.51.100.8"]


def test_unsigned_update_refused(host: Host) -> None:
    out = nsupdate(
        host, "slipway.test", "update add intruder.slipway.test 60 A 203.0.113.66", signed=False
    )
    assert not out.startswith("0 ")
    assert "REFUSED" in out
    # Only the wildcard answers for the name.
    assert sorted(dig(host, "127.0.0.1", "intruder.slipway.test")) == ROUTERS


def test_custom_zones_soa_ns_and_side_effect_name(host: Host, address: str) -> None:
    soa = dig(host, address, "custom.test", "SOA")
    assert len(soa) == 1
    assert re.match(r"ns[.]slipway[.]test[.] hostmaster[.]slipway[.]test[.] [0-9]+ ", soa[0])
    assert dig(host, address, "custom.test", "NS") == ["ns.slipway.test."]
    assert dig(host, address, "shop.example", "SOA")[0].startswith("ns.slipway.test. ")
    assert dig(host, address, "www.custom.test", "CNAME") == ["shop.slipway.test."]


def test_custom_zone_update_policy(host: Host, updates: dict[str, str]) -> None:
    assert updates["custom"].startswith("0 ")
    expected = ["myapp.slipway.test."]
    assert resolve_eventually(host, "shop.custom.test", "CNAME", expected) == expected
    assert not updates["custom_mx"].startswith("0 ")
    assert "REFUSED" in updates["custom_mx"]
    unsigned = nsupdate(
        host, "custom.test", "update add intruder.custom.test 60 CNAME evil.example.", signed=False
    )
    assert not unsigned.startswith("0 ")
    assert "REFUSED" in unsigned
    assert dig(host, "127.0.0.1", "custom.test", "MX") == []
    assert dig(host, "127.0.0.1", "intruder.custom.test", "CNAME") == []
