"""slipway.dns against a real bind9 ``named`` on 127.0.0.1."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.update
import pytest

from slipway.dns import DnsError, DnsUpdater, TsigKey

ZONE = "custom.example"
KEY_NAME = "slipway-update"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    binary = shutil.which("named") or "/usr/sbin/named"
    if not os.path.exists(binary):
        pytest.skip("bind9 is not installed (Debian packages bind9 bind9-utils)")
    workdir = tmp_path_factory.mktemp("named")
    port = free_port()
    secret = base64.b64encode(os.urandom(32)).decode()
    (workdir / f"{ZONE}.db").write_text(
        f"$TTL 300\n@ IN SOA ns.{ZONE}. hostmaster.{ZONE}. 1 3600 600 86400 300\n"
        f"@ IN NS ns.{ZONE}.\nns IN A 127.0.0.1\n",
        encoding="utf-8",
    )
    conf = workdir / "named.conf"
    conf.write_text(
        f'options {{ directory "{workdir}"; pid-file "{workdir}/named.pid";\n'
        f"  listen-on port {port} {{ 127.0.0.1; }}; listen-on-v6 {{ none; }};\n"
        "  recursion no; dnssec-validation no; };\n"
        f'key "{KEY_NAME}" {{ algorithm hmac-sha256; secret "{secret}"; }};\n'
        f'zone "{ZONE}" {{ type primary; file "{workdir}/{ZONE}.db";\n'
        f'  allow-update {{ key "{KEY_NAME}"; }}; }};\n',
        encoding="utf-8",
    )
    log = (workdir / "named.log").open("w")
    proc = subprocess.Popen([binary, "-g", "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail((workdir / "named.log").read_text())
            try:
                if query(port, f"ns.{ZONE}") == ["127.0.0.1"]:
                    break
            except Exception:
                time.sleep(0.2)
        yield port, secret
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def answer(port: int, name: str, rdtype: str = "A") -> dns.message.Message:
    request = dns.message.make_query(name, rdtype)
    return dns.query.udp(request, "127.0.0.1", port=port, timeout=2)


def query(port: int, name: str, rdtype: str = "A") -> list[str]:
    return sorted(item.to_text() for rrset in answer(port, name, rdtype).answer for item in rrset)


@pytest.fixture
def updater(named: tuple[int, str]) -> DnsUpdater:
    port, secret = named
    return DnsUpdater("127.0.0.1", [ZONE, f"deep.{ZONE}"], TsigKey(KEY_NAME, secret), port=port)


def test_cname_is_added_and_removed(named: tuple[int, str], updater: DnsUpdater) -> None:
    port, _ = named
    updater.set_cname(f"www.{ZONE}", "web.slipway.test")
    assert query(port, f"www.{ZONE}", "CNAME") == ["web.slipway.test."]
    updater.set_cname(f"www.{ZONE}", "blog.slipway.test")
    assert query(port, f"www.{ZONE}", "CNAME") == ["blog.slipway.test."]
    updater.delete(f"www.{ZONE}")
    assert answer(port, f"www.{ZONE}", "CNAME").rcode() == dns.rcode.NXDOMAIN


def test_only_names_inside_the_zones_are_managed(updater: DnsUpdater) -> None:
    assert updater.manages(f"shop.{ZONE}")
    assert str(updater.zone_for(f"a.deep.{ZONE}")) == f"deep.{ZONE}."
    assert not updater.manages("www.elsewhere.org")
    with pytest.raises(DnsError, match="not inside a zone"):
        updater.set_cname("www.elsewhere.org", "web.slipway.test")


def test_wrong_key_is_refused(named: tuple[int, str]) -> None:
    port, _ = named
    forged = base64.b64encode(os.urandom(32)).decode()
    updater = DnsUpdater("127.0.0.1", [ZONE], TsigKey(KEY_NAME, forged), port=port)
    with pytest.raises(DnsError):
        updater.set_cname(f"evil.{ZONE}", "attacker.example")
    assert query(port, f"evil.{ZONE}", "CNAME") == []


def test_unsigned_update_is_refused(named: tuple[int, str]) -> None:
    port, _ = named
    update = dns.update.UpdateMessage(ZONE)
    update.add("unsigned", 300, "A", "10.9.9.9")
    response = dns.query.tcp(update, "127.0.0.1", port=port, timeout=5)
    assert response.rcode() == dns.rcode.REFUSED
    assert query(port, f"unsigned.{ZONE}") == []


def test_unreachable_server_is_a_clear_error() -> None:
    secret = base64.b64encode(b"x" * 32).decode()
    updater = DnsUpdater("127.0.0.1", [ZONE], TsigKey(KEY_NAME, secret), port=free_port())
    with pytest.raises(DnsError, match="did not take the update"):
        updater.set_cname(f"www.{ZONE}", "web.slipway.test")
