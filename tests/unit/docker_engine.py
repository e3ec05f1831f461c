"""A real Docker engine on a 127.0.0.1 TCP port, for the node tests.

The host's engine listens on its unix socket only; ``EngineProxy`` forwards a
loopback TCP port to it byte for byte, optionally terminating mutual TLS with
certificates made by ``make_pki`` (the openssl command). Tests that need it
skip, saying why, when the socket or openssl is missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

DOCKER_SOCKET = os.environ.get("SLIPWAY_TEST_DOCKER_SOCKET", "/var/run/docker.sock")


def docker_socket_or_skip() -> str:
    """The host engine's socket, or skip the test with the reason."""
    if not os.path.exists(DOCKER_SOCKET):
        pytest.skip(f"no Docker engine: {DOCKER_SOCKET} does not exist")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(DOCKER_SOCKET)
    except OSError as exc:
        pytest.skip(f"no Docker engine answering on {DOCKER_SOCKET}: {exc}")
    finally:
        probe.close()
    return DOCKER_SOCKET


def refused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(directory: Path, name: str = "test") -> Pki:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all EC P-256."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    directory.mkdir(parents=True, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    _openssl(
        "req", "-x509", *ec, "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2",
        "-subj", f"/CN={name} CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=directory,
    )  # fmt: skip
    for who, usage, san in (
        ("server", "serverAuth", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"),
        ("client", "clientAuth", ""),
    ):
        (directory / f"{who}.ext").write_text(
            f"{san}extendedKeyUsage={usage}\nkeyUsage=critical,digitalSignature\n"
            "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
        )
        _openssl(
            "req", *ec, "-keyout", f"{who}-key.pem", "-out", f"{who}.csr",
            "-subj", f"/CN={name} {who}", cwd=directory,
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", f"{who}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
            "-CAcreateserial", "-days", "2", "-out", f"{who}.pem", "-extfile", f"{who}.ext",
            cwd=directory,
        )  # fmt: skip
    return Pki(
        ca=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server-key.pem",
        client_cert=directory / "client.pem",
        client_key=directory / "client-key.pem",
    )


class EngineProxy:
    """Forward 127.0.0.1:<port> to a unix socket; with ``pki``, require mutual TLS first."""

    def __init__(self, target: str, pki: Pki | None = None) -> None:
        self.target = target
        self.context: ssl.SSLContext | None = None
        if pki is not None:
            self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=pki.ca)
            self.context.verify_mode = ssl.CERT_REQUIRED
            self.context.load_cert_chain(pki.server_cert, pki.server_key)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            if self.context is not None:
                client = self.context.wrap_socket(client, server_side=True)
            upstream.connect(self.target)
            back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
            back.start()
            _pump(client, upstream)
            back.join(timeout=30)
        except (OSError, ssl.SSLError):
            pass
        finally:
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.close()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            # shutdown wakes the accept() blocked in the other thread; close alone does not.
            self.listener.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.listener.close()
        self._thread.join(timeout=5)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except (OSError, ssl.SSLError):
        pass
    finally:
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
