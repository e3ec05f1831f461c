"""roles/api: the control plane's API, worker and collector, with its persisted admin."""

import hashlib
import json
import pathlib
import re

import pytest
import yaml
from conftest import assert_file, assert_service, http, listening, private_file
from testinfra.host import Host

CONF = "/etc/slipway/slipway.conf"
PING = """
import json, sys, greenstalk
with greenstalk.Client((sys.argv[1], 11300), use="slipway", watch="molecule-replies") as c:
    args = {"reply-to": "molecule-replies", "payload": "molecule"}
    c.put(json.dumps({"name": "ping", "args": args}))
    job = c.reserve(timeout=30)
    c.delete(job)
    print(json.loads(job.body)["pong"])
"""


@pytest.fixture(scope="module")
def api(address: str) -> str:
    return f"http://{address}:8080"


def test_credentials_kept_privately(credentials: pathlib.Path) -> None:
    for name in ("admin_password", "admin_token"):
        assert private_file(credentials / name), name


@pytest.mark.parametrize("name", ["slipway-api", "slipway-worker", "slipway-collector"])
def test_services_active_enabled_as_slipway(host: Host, name: str) -> None:
    assert_service(host, name, user="slipway")


def test_listens_on_cluster_address_only(host: Host, address: str) -> None:
    assert listening(host, 8080) == {f"tcp://{address}:8080"}
    # The worker's queue (roles/beanstalkd in this scenario).
    assert listening(host, 11300) == {f"tcp://{address}:11300"}


def test_healthcheck(api: str) -> None:
    status, body, _ = http(f"{api}/healthcheck")
    assert (status, body) == (200, b"WORKING")


def test_admin_logs_in_with_persisted_password(api: str, credentials: pathlib.Path) -> None:
    password = (credentials / "admin_password").read_text().strip()
    status, body, _ = http(
        f"{api}/users/admin%40slipway.test/tokens", method="POST", body={"password": password}
    )
    assert status < 300
    assert json.loads(body)["is_admin"]


def test_kept_token_belongs_to_admin(api: str, credentials: pathlib.Path) -> None:
    token = (credentials / "admin_token").read_text().strip()
    status, body, _ = http(f"{api}/users/info", headers={"Authorization": f"bearer {token}"})
    assert status == 200
    info = json.loads(body)
    assert info["email"] == "admin@slipway.test"
    assert "admin" in info["teams"]
    assert http(f"{api}/users/info", headers={"Authorization": "bearer nope"})[0] == 401


def test_worker_answers_a_ping_job(host: Host, address: str) -> None:
    out = host.check_output("/opt/slipway/venv/bin/python -c %s %s", PING, address)
    assert out == "molecule"


def test_collector_made_a_pass(host: Host) -> None:
    log = host.check_output("journalctl --unit slipway-collector --no-pager --output cat")
    assert re.search(r"collector pass [0-9]+. [0-9]+ apps, 1 users, 1 teams", log)


def test_config_valid_as_written(host: Host) -> None:
    out = host.check_output("/opt/slipway/venv/bin/slipway-api --config %s check-config", CONF)
    assert out == f"{CONF}: OK"


def test_deploy_settings(host: Host, address: str) -> None:
    conf = yaml.safe_load(host.file(CONF).content_string)
    tls = conf["docker"]["tls"]
    assert tls["ca-cert"] == "/etc/slipway/docker/ca.pem"
    assert tls["client-cert"] == "/etc/slipway/docker/client.pem"
    assert tls["client-key"] == "/etc/slipway/docker/client-key.pem"
    assert conf["docker"]["registry"] == f"{address}:5000"
    assert conf["hipache"]["redis-server"] == f"{address}:6379"
    assert conf["hipache"]["redis-password"] == "molecule-redis-password"
    assert conf["dns"]["server"] == f"{address}:53"
    assert conf["dns"]["zones"] == ["slipway.test"]
    assert conf["dns"]["tsig"]["name"] == "slipway-update"
    assert conf["dns"]["tsig"]["secret"] == "bW9sZWN1bGVtb2xlY3VsZW1vbGVjdWxl"
    assert conf["dns"]["tsig"]["algorithm"] == "hmac-sha256"
    assert conf["git"]["api-server"] == f"http://{address}:8000"
    assert conf["git"]["api-token"] == "molecule-gandalf-token"
    assert conf["git"]["deploy-token"] == "molecule-deploy-token"


def test_secret_files_modes_and_owners(host: Host, credentials: pathlib.Path) -> None:
    assert_file(host, CONF, 0o640, "root", "slipway")
    assert host.file("/etc/slipway/docker").mode == 0o750
    key = host.file("/etc/slipway/docker/client-key.pem")
    assert (key.mode, key.user) == (0o600, "slipway")
    ours = hashlib.sha1((credentials / "docker" / "ca.pem").read_bytes()).hexdigest()
    assert host.check_output("sha1sum /etc/slipway/docker/ca.pem").split()[0] == ours
    # The service user can read the client key it uses.
    assert (
        host.run("runuser --user=slipway -- head -c 10 /etc/slipway/docker/client-key.pem").rc == 0
    )
