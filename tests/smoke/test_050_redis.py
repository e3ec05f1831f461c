"""Redis answers only clients that know its password."""

from __future__ import annotations

import socket

from .conftest import credential

REDIS_PORT = 6379


def command(address: str, *parts: str) -> bytes:
    payload = f"*{len(parts)}\r\n".encode()
    for part in parts:
        payload += f"${len(part.encode())}\r\n{part}\r\n".encode()
    with socket.create_connection((address, REDIS_PORT), timeout=5) as sock:
        sock.sendall(payload)
        return sock.recv(1024)


def test_redis_refuses_a_client_without_password(addresses: dict[str, str]) -> None:
    assert command(addresses["control"], "PING").startswith(b"-NOAUTH")


def test_redis_accepts_the_password(addresses: dict[str, str]) -> None:
    reply = command(addresses["control"], "AUTH", credential("redis_password"))
    assert reply == b"+OK\r\n"
