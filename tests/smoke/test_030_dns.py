"""The cluster's bind server resolves any name under the domain to the router."""

from __future__ import annotations

import dns.message
import dns.query
import dns.rdatatype

from .conftest import DNS_PORT, DOMAIN


def resolve(name: str, tcp: bool = False) -> list[str]:
    query = dns.message.make_query(name, dns.rdatatype.A)
    ask = dns.query.tcp if tcp else dns.query.udp
    answer = ask(query, "127.0.0.1", port=DNS_PORT, timeout=5)
    return sorted(item.address for rrset in answer.answer for item in rrset)


def test_wildcard_resolves_to_the_router(addresses: dict[str, str]) -> None:
    assert resolve(f"anything.{DOMAIN}") == [addresses["router"]]
    assert resolve(f"deeper.name.{DOMAIN}", tcp=True) == [addresses["router"]]


def test_api_and_git_names(addresses: dict[str, str]) -> None:
    assert resolve(f"api.{DOMAIN}") == [addresses["control"]]
    assert resolve(f"git.{DOMAIN}") == [addresses["control"]]
