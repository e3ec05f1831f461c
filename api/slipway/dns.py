"""DNS records for custom app names, through dynamic updates signed with TSIG.

The cluster's bind server accepts updates for its zones only when they carry the
TSIG key the bind role generated. A name is managed only when it falls inside
one of the configured zones; anything else belongs to someone else's DNS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dns.exception
import dns.name
import dns.query
import dns.rcode
import dns.tsig
import dns.tsigkeyring
import dns.update

DEFAULT_TTL = 300
TIMEOUT_SECONDS = 5.0


class DnsError(Exception):
    """The DNS server refused or did not answer an update."""


@dataclass(frozen=True)
class TsigKey:
    name: str
    secret: str
    algorithm: str = "hmac-sha256"


class DnsUpdater:
    def __init__(
        self,
        server: str,
        zones: Iterable[str],
        key: TsigKey,
        port: int = 53,
        ttl: int = DEFAULT_TTL,
    ) -> None:
        self.server, self.port, self.ttl = server, port, ttl
        self.zones = sorted(
            (dns.name.from_text(zone) for zone in zones), key=lambda n: len(n), reverse=True
        )
        self.keyring = dns.tsigkeyring.from_text({key.name: key.secret})
        self.key_name = dns.name.from_text(key.name)
        self.algorithm = dns.name.from_text(key.algorithm)

    def zone_for(self, name: str) -> dns.name.Name | None:
        """The most specific configured zone holding ``name``, or None."""
        fqdn = dns.name.from_text(name)
        return next((zone for zone in self.zones if fqdn.is_subdomain(zone)), None)

    def manages(self, name: str) -> bool:
        return self.zone_for(name) is not None

    def _send(self, zone: dns.name.Name, update: dns.update.UpdateMessage) -> None:
        try:
            response = dns.query.tcp(update, self.server, port=self.port, timeout=TIMEOUT_SECONDS)
        except (OSError, dns.exception.DNSException) as exc:
            raise DnsError(
                f"DNS server {self.server}:{self.port} did not take the update: {exc}"
            ) from exc
        code = response.rcode()
        if code != dns.rcode.NOERROR:
            raise DnsError(f"DNS update for zone {zone} refused: {dns.rcode.to_text(code)}")

    def _update(self, name: str) -> tuple[dns.name.Name, dns.update.UpdateMessage, dns.name.Name]:
        zone = self.zone_for(name)
        if zone is None:
            raise DnsError(f"{name} is not inside a zone this cluster serves")
        update = dns.update.UpdateMessage(
            zone, keyring=self.keyring, keyname=self.key_name, keyalgorithm=self.algorithm
        )
        return zone, update, dns.name.from_text(name).relativize(zone)

    def set_cname(self, name: str, target: str) -> None:
        """Point ``name`` at ``target`` (replacing whatever ``name`` held)."""
        zone, update, relative = self._update(name)
        update.delete(relative)
        update.add(relative, self.ttl, "CNAME", dns.name.from_text(target).to_text())
        self._send(zone, update)

    def delete(self, name: str) -> None:
        zone, update, relative = self._update(name)
        update.delete(relative)
        self._send(zone, update)
