"""roles/docker_node: Docker Engine answering mutual TLS on the cluster address."""

import json
import pathlib
import ssl
import subprocess

import pytest
from conftest import assert_file, assert_service, listening, private_file, wait_for_port
from testinfra.host import Host

PORT = 2376


@pytest.fixture(scope="module")
def pki(credentials: pathlib.Path) -> pathlib.Path:
    return credentials / "docker"


def tls_context(
    pki: pathlib.Path, cert: pathlib.Path | None, key: pathlib.Path | None
) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    if cert is not None:
        context.load_cert_chain(str(cert), str(key))
    return context


def version(address: str, context: ssl.SSLContext) -> dict:
    """GET /version on the engine's TLS endpoint, from the controller."""
    import urllib.request

    with urllib.request.urlopen(
        f"https://{address}:{PORT}/version", timeout=10, context=context
    ) as r:
        return json.loads(r.read())


def test_pki_private_on_controller(pki: pathlib.Path) -> None:
    for name in ("ca-key.pem", "client-key.pem", "client.pem"):
        assert private_file(pki / name), name
    assert (pki / "ca.pem").is_file()


def test_service_active_and_enabled(host: Host) -> None:
    assert_service(host, "docker")


def test_listens_on_cluster_address_only(host: Host, address: str) -> None:
    assert listening(host, PORT) == {f"tcp://{address}:{PORT}"}
    # Nothing else of docker's on TCP: the plain API stays on the unix socket.
    assert listening(host, 2375) == set()


def test_config_and_tls_files(host: Host, pki: pathlib.Path) -> None:
    assert_file(host, "/etc/docker/daemon.json", 0o644, "root", "root")
    assert_file(host, "/etc/systemd/system/docker.service.d/slipway.conf", 0o644, "root", "root")
    assert_file(host, "/etc/docker/tls", 0o700, "root", "root")
    assert_file(host, "/etc/docker/tls/server-key.pem", 0o600, "root", "root")
    assert_file(host, "/etc/docker/tls/server-cert.pem", 0o644, "root", "root")
    assert_file(host, "/etc/docker/tls/ca.pem", 0o644, "root", "root")
    assert host.file("/etc/docker/tls/ca.pem").content_string == (pki / "ca.pem").read_text()


def test_engine_overlay2_and_insecure_registry(host: Host) -> None:
    info = host.check_output(
        "docker info --format %s", "{{.Driver}} {{json .RegistryConfig.IndexConfigs}}"
    )
    driver, configs = info.split(" ", 1)
    assert driver == "overlay2"
    assert "registry.invalid:5000" in json.loads(configs)


def test_tls_api_with_client_certificate(address: str, pki: pathlib.Path) -> None:
    context = tls_context(pki, pki / "client.pem", pki / "client-key.pem")
    assert "ApiVersion" in version(address, context)


def test_tls_api_refuses_no_certificate(address: str, pki: pathlib.Path) -> None:
    with pytest.raises(OSError):
        version(address, tls_context(pki, None, None))


def test_tls_api_refuses_foreign_certificate(
    address: str, pki: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-subj", "/CN=intruder", "-days", "1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with pytest.raises(OSError):
        version(address, tls_context(pki, cert, key))


def test_run_a_container_through_tls(host: Host, address: str, pki: pathlib.Path) -> None:
    # A tiny root filesystem (dash and its libraries) imported in the node.
    host.check_output(
        "tar -C / -chf - usr/bin/dash $(ldd /usr/bin/dash | grep -o '/[^ ]*' | sed 's|^/||')"
        " | docker import - slipway-molecule-probe:1"
    )
    docker = [
        "docker", "--tlsverify", "-H", f"tcp://{address}:{PORT}",
        "--tlscacert", str(pki / "ca.pem"),
        "--tlscert", str(pki / "client.pem"),
        "--tlskey", str(pki / "client-key.pem"),
    ]  # fmt: skip
    run = subprocess.run(
        [
            *docker,
            "run",
            "--rm",
            "slipway-molecule-probe:1",
            "/usr/bin/dash",
            "-c",
            "echo unit-$((6 * 7))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "unit-42"


def test_comes_back_after_a_restart(host: Host, address: str, pki: pathlib.Path) -> None:
    host.check_output("systemctl restart docker")
    wait_for_port(address, PORT, timeout=60)
    context = tls_context(pki, pki / "client.pem", pki / "client-key.pem")
    assert "ApiVersion" in version(address, context)
