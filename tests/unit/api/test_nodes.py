"""/docker/node: validation, authorization, duplicates, and real engines.

The success paths talk to the host's real Docker engine through
``EngineProxy`` (a loopback TCP port forwarded to its unix socket, plain or
behind mutual TLS with certificates made by openssl). They skip, saying why,
when no engine socket is available. Failure paths (refused port, wrong CA,
missing client certificate, engine too old) are real connections too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest
from flask.testing import FlaskClient

from slipway.api import create_app
from slipway.config import ConfigError, validate
from slipway.core import nodes

from ..conftest import ApiDriver, settings
from ..docker_engine import EngineProxy, Pki, docker_socket_or_skip, make_pki, refused_port


def tls_settings(pki: Pki) -> dict[str, Any]:
    return {
        "tls": {
            "ca-cert": str(pki.ca),
            "client-cert": str(pki.client_cert),
            "client-key": str(pki.client_key),
        }
    }


@pytest.fixture(scope="module")
def engine_socket() -> str:
    return docker_socket_or_skip()


@pytest.fixture(scope="module")
def engine_version(engine_socket: str) -> str:
    client = docker.APIClient(base_url=f"unix://{engine_socket}", version=nodes.API_VERSION)
    try:
        return client.version(api_version=False)["Version"]
    finally:
        client.close()


@pytest.fixture
def plain_engine(engine_socket: str) -> Iterator[EngineProxy]:
    proxy = EngineProxy(engine_socket)
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), "cluster")


@pytest.fixture(scope="module")
def foreign_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("foreign"), "foreign")


@pytest.fixture
def tls_engine(engine_socket: str, pki: Pki) -> Iterator[EngineProxy]:
    proxy = EngineProxy(engine_socket, pki)
    yield proxy
    proxy.close()


def tls_api(tmp_path: Path, client_pki: Pki, ca: Path | None = None) -> ApiDriver:
    docker_section = tls_settings(client_pki)
    if ca is not None:
        docker_section["tls"]["ca-cert"] = str(ca)
    config = validate(settings(tmp_path, docker=docker_section))
    return ApiDriver(create_app(config).test_client())


def nodes_in_store(client: FlaskClient) -> list[dict[str, Any]]:
    return client.application.extensions["slipway"].store.find("nodes")


# --- validation and authorization (no engine needed) ------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "address is required"),
        ({"address": ""}, "address is required"),
        ({"address": 42}, "address is required"),
        ({"address": "ftp://127.0.0.1:2375"}, "use https://"),
        ({"address": "127.0.0.1:2375"}, "use https://"),
        ({"address": "tcp://127.0.0.1:2375/v1.41"}, "only scheme, host and port"),
        ({"address": "tcp://user:pw@127.0.0.1:2375"}, "only scheme, host and port"),
        ({"address": "tcp://bad_host!:2375"}, "Invalid node address"),
        ({"address": "tcp://127.0.0.1:99999"}, "Invalid node address"),
        ({"address": "tcp://127.0.0.1:0"}, "port must be"),
        ({"address": "tcp://127.0.0.1:2375", "pool": "Bad Pool"}, "Invalid pool name"),
        ({"address": "tcp://127.0.0.1:2375", "pool": ["x"]}, "pool is required"),
    ],
)
def test_add_validates_the_request(api: ApiDriver, snapshot, body, words) -> None:
    before = snapshot()
    response = api.client.post("/docker/node", json=body, headers=api.admin)
    assert response.status_code == 400, response.json
    assert words in response.json["error"]
    assert snapshot() == before


def test_only_admins_manage_nodes(api: ApiDriver) -> None:
    user = api.user("dev@b.com", team="devs")
    address = f"tcp://127.0.0.1:{refused_port()}"
    for method, path, body in (
        ("POST", "/docker/node", {"address": address}),
        ("GET", "/docker/node", None),
        ("DELETE", "/docker/node/127.0.0.1:2375", None),
    ):
        response = api.client.open(path, method=method, json=body, headers=user)
        assert response.status_code == 403, (method, path)
        assert response.json["error"] == "You must be an admin"
        assert api.client.open(path, method=method, json=body).status_code == 401


def test_https_needs_the_tls_settings(api: ApiDriver) -> None:
    response = api.client.post(
        "/docker/node", json={"address": "https://127.0.0.1:2376"}, headers=api.admin
    )
    assert response.status_code == 400
    assert "docker:tls:ca-cert" in response.json["error"]


def test_a_refused_port_is_unreachable(api: ApiDriver, snapshot) -> None:
    before = snapshot()
    address = f"tcp://127.0.0.1:{refused_port()}"
    response = api.client.post("/docker/node", json={"address": address}, headers=api.admin)
    assert response.status_code == 400
    error = response.json["error"]
    assert error.startswith(f"Docker node http://{address[6:]} is unreachable: cannot connect")
    assert snapshot() == before


def test_a_server_that_is_not_docker_is_refused(api: ApiDriver, tmp_path) -> None:
    import http.server
    import threading

    class NotDocker(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"hello": "world"}')

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotDocker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        address = f"tcp://127.0.0.1:{server.server_address[1]}"
        response = api.client.post("/docker/node", json={"address": address}, headers=api.admin)
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 400
    assert "not a Docker engine answer" in response.json["error"]


def test_removing_an_unknown_node_is_404(api: ApiDriver) -> None:
    response = api.client.delete("/docker/node/127.0.0.1:2375", headers=api.admin)
    assert response.status_code == 404
    assert response.json["error"] == "Docker node 127.0.0.1:2375 not found."


def test_listing_no_nodes(api: ApiDriver) -> None:
    assert api.ok(api.client.get("/docker/node", headers=api.admin)).json == []


# --- a real engine over plain TCP (no docker:tls settings) ------------------


def test_add_list_remove_a_real_engine(api: ApiDriver, plain_engine, engine_version) -> None:
    body = {"address": f"tcp://{plain_engine.netloc}", "pool": "main"}
    added = api.ok(api.client.post("/docker/node", json=body, headers=api.admin))
    assert added.status_code == 201
    node = added.json
    assert node["id"] == plain_engine.netloc
    assert node["address"] == f"http://{plain_engine.netloc}"
    assert (node["pool"], node["status"], node["version"]) == ("main", "ready", engine_version)

    listed = api.ok(api.client.get("/docker/node", headers=api.admin)).json
    assert [(n["id"], n["status"], n["version"]) for n in listed] == [
        (plain_engine.netloc, "ready", engine_version)
    ]

    removed = api.client.delete(f"/docker/node/{plain_engine.netloc}", headers=api.admin)
    assert api.ok(removed).json["message"] == f"Docker node http://{plain_engine.netloc} removed."
    assert nodes_in_store(api.client) == []


def test_a_node_is_added_once(api: ApiDriver, plain_engine) -> None:
    api.ok(
        api.client.post(
            "/docker/node", json={"address": f"tcp://{plain_engine.netloc}"}, headers=api.admin
        )
    )
    # The same engine under another spelling of its address is the same node.
    for address in (f"http://{plain_engine.netloc}", f"tcp://{plain_engine.netloc}/"):
        response = api.client.post("/docker/node", json={"address": address}, headers=api.admin)
        assert response.status_code == 409
        assert response.json["error"] == f"Docker node {plain_engine.netloc} already exists."
    assert len(nodes_in_store(api.client)) == 1


def test_an_engine_older_than_the_minimum_is_refused(
    api: ApiDriver, plain_engine, engine_version, monkeypatch
) -> None:
    monkeypatch.setattr(nodes, "MIN_DOCKER_VERSION", (999, 0, 0))
    response = api.client.post(
        "/docker/node", json={"address": f"tcp://{plain_engine.netloc}"}, headers=api.admin
    )
    assert response.status_code == 400
    assert (
        f"runs Docker {engine_version}, older than the minimum 999.0.0" in (response.json["error"])
    )
    assert nodes_in_store(api.client) == []


def test_a_node_that_goes_away_is_listed_unreachable(api: ApiDriver, engine_socket) -> None:
    proxy = EngineProxy(engine_socket)
    try:
        body = {"address": f"tcp://{proxy.netloc}"}
        api.ok(api.client.post("/docker/node", json=body, headers=api.admin))
    finally:
        proxy.close()
    [node] = api.ok(api.client.get("/docker/node", headers=api.admin)).json
    assert node["status"] == "unreachable"
    assert node["error"].startswith("cannot connect")
    # It can still be removed.
    api.ok(api.client.delete(f"/docker/node/{proxy.netloc}", headers=api.admin))
    assert nodes_in_store(api.client) == []


# --- a real engine behind mutual TLS ----------------------------------------


def test_add_a_real_engine_over_mutual_tls(tmp_path, tls_engine, pki, engine_version) -> None:
    api = tls_api(tmp_path, pki)
    address = f"https://{tls_engine.netloc}"
    response = api.client.post("/docker/node", json={"address": address}, headers=api.admin)
    assert response.status_code == 201, response.json
    assert (response.json["address"], response.json["version"]) == (address, engine_version)
    [listed] = api.ok(api.client.get("/docker/node", headers=api.admin)).json
    assert listed["status"] == "ready"


def test_with_tls_configured_plain_addresses_are_refused(tmp_path, tls_engine, pki) -> None:
    api = tls_api(tmp_path, pki)
    body = {"address": f"tcp://{tls_engine.netloc}"}
    response = api.client.post("/docker/node", json=body, headers=api.admin)
    assert response.status_code == 400
    assert f"use https://{tls_engine.netloc}" in response.json["error"]


def test_a_client_certificate_from_another_ca_is_refused(
    tmp_path, tls_engine, pki, foreign_pki
) -> None:
    # The control plane trusts the node's CA but presents a foreign client certificate.
    api = tls_api(tmp_path, foreign_pki, ca=pki.ca)
    address = f"https://{tls_engine.netloc}"
    response = api.client.post("/docker/node", json={"address": address}, headers=api.admin)
    assert response.status_code == 400
    assert "is unreachable" in response.json["error"]
    assert nodes_in_store(api.client) == []


def test_a_node_certificate_from_another_ca_is_refused(tmp_path, tls_engine, foreign_pki) -> None:
    api = tls_api(tmp_path, foreign_pki)
    address = f"https://{tls_engine.netloc}"
    response = api.client.post("/docker/node", json={"address": address}, headers=api.admin)
    assert response.status_code == 400
    assert "TLS handshake failed" in response.json["error"]
    assert "certificate verify failed" in response.json["error"]


def test_unreadable_tls_files_are_reported(tmp_path, pki) -> None:
    settings_ = settings(tmp_path, docker=tls_settings(pki))
    settings_["docker"]["tls"]["client-key"] = str(tmp_path / "missing-key.pem")
    api = ApiDriver(create_app(validate(settings_)).test_client())
    body = {"address": "https://127.0.0.1:2376"}
    response = api.client.post("/docker/node", json=body, headers=api.admin)
    assert response.status_code == 400
    assert "docker:tls settings are unusable" in response.json["error"]


# --- pure rules -------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "url", "ident"),
    [
        ("https://10.0.0.5:2376", "https://10.0.0.5:2376", "10.0.0.5:2376"),
        ("https://Node1.Example.com", "https://node1.example.com:2376", "node1.example.com:2376"),
        ("tcp://10.0.0.5", "http://10.0.0.5:2375", "10.0.0.5:2375"),
        ("HTTP://[fd00::5]:2375/", "http://[fd00::5]:2375", "[fd00::5]:2375"),
    ],
)
def test_addresses_are_canonical(address: str, url: str, ident: str) -> None:
    parsed = nodes.parse_address(address)
    assert (parsed.url, parsed.netloc) == (url, ident)
    assert nodes.node_id(address) == ident
    assert nodes.node_id(ident) == ident


@pytest.mark.parametrize(
    ("version", "supported"),
    [
        ("20.10.24+dfsg1", True),
        ("20.10", True),
        ("28.2.2", True),
        ("19.03.15", False),
        ("1.13.1", False),
        ("", False),
        ("dev", False),
    ],
)
def test_minimum_version(version: str, supported: bool) -> None:
    assert nodes.is_supported(version) is supported


def test_tls_settings_are_read_nested_and_all_or_none(tmp_path, pki) -> None:
    config = validate(settings(tmp_path, docker=tls_settings(pki)))
    assert config["docker:tls:ca-cert"] == str(pki.ca)
    assert nodes.tls_configured(config)
    assert not nodes.tls_configured(validate(settings(tmp_path)))

    with pytest.raises(ConfigError) as partial:
        validate(settings(tmp_path, docker={"tls": {"ca-cert": str(pki.ca)}}))
    assert "docker:tls:client-cert, docker:tls:client-key missing" in str(partial.value)

    relative = tls_settings(pki)
    relative["tls"]["client-key"] = "client-key.pem"
    with pytest.raises(ConfigError) as bad:
        validate(settings(tmp_path, docker=relative))
    assert "docker:tls:client-key: must be an absolute path" in str(bad.value)

    with pytest.raises(ConfigError) as not_mapping:
        validate(settings(tmp_path, docker={"tls": "yes"}))
    assert "docker:tls: must be a mapping" in str(not_mapping.value)


# --- a node built by roles/docker_node (opt-in) ------------------------------


def test_add_a_node_built_by_the_role(tmp_path) -> None:
    """Set SLIPWAY_TEST_DOCKER_NODE=https://<addr>:2376 and SLIPWAY_TEST_DOCKER_PKI=<dir with
    ca.pem, client.pem, client-key.pem> (e.g. after `molecule converge -s docker_node`:
    <ephemeral dir>/credentials/docker) to check the role's certificates with the API."""
    address = os.environ.get("SLIPWAY_TEST_DOCKER_NODE")
    pki_dir = os.environ.get("SLIPWAY_TEST_DOCKER_PKI")
    if not address or not pki_dir:
        pytest.skip(
            "no docker_node-built node: set SLIPWAY_TEST_DOCKER_NODE and SLIPWAY_TEST_DOCKER_PKI"
        )
    directory = Path(pki_dir)
    docker_section = {
        "tls": {
            "ca-cert": str(directory / "ca.pem"),
            "client-cert": str(directory / "client.pem"),
            "client-key": str(directory / "client-key.pem"),
        }
    }
    api = ApiDriver(create_app(validate(settings(tmp_path, docker=docker_section))).test_client())
    response = api.client.post("/docker/node", json={"address": address}, headers=api.admin)
    assert response.status_code == 201, response.json
    assert nodes.is_supported(response.json["version"])
    [listed] = api.ok(api.client.get("/docker/node", headers=api.admin)).json
    assert listed["status"] == "ready"
