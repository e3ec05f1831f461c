"""roles/mongodb where MongoDB's repository is out of reach: what can be checked.

1. mongod.conf renders to the settings we mean, for two sets of variables
   (Ansible's template settings: trim_blocks).
2. The whole role runs with `ansible-playbook --check --diff` (check_mode.yml)
   against a stand-in for the repository served by the container itself on
   127.0.0.1 (the role accepts mirrors): it fails no task and writes nothing.
3. The secrets are generated once and kept privately on the controller.
"""

import os
import pathlib
import subprocess
import sys
import time
from collections.abc import Iterator

import jinja2
import pytest
import yaml
from conftest import listening
from testinfra.host import Host

PROJECT = pathlib.Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
SCENARIO = pathlib.Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"])
STAND_IN = "/srv/mongodb-stand-in"


def render(**variables: object) -> dict:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROJECT / "roles" / "mongodb" / "templates"),
        trim_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    common = {
        "ansible_managed": "Ansible managed",
        "_mongodb_keyfile": "/etc/mongodb-keyfile",
        "mongodb_data_path": "/srv/mongo",
        "mongodb_log_path": "/var/log/mongodb",
        "mongodb_port": 27018,
        "mongodb_replica_set": "rs-test",
        "mongodb_bind_address": "10.1.2.3",
    }
    return yaml.safe_load(env.get_template("mongod.conf.j2").render(**common, **variables))


def test_template_with_loopback_and_cache_size() -> None:
    conf = render(mongodb_bind_loopback=True, mongodb_wiredtiger_cache_gb=0.5)
    assert conf["net"] == {"port": 27018, "bindIp": "127.0.0.1,10.1.2.3"}
    assert conf["storage"]["dbPath"] == "/srv/mongo"
    assert conf["storage"]["wiredTiger"]["engineConfig"]["cacheSizeGB"] == 0.5
    assert conf["replication"]["replSetName"] == "rs-test"
    assert conf["security"] == {"authorization": "enabled", "keyFile": "/etc/mongodb-keyfile"}
    assert conf["systemLog"]["path"] == "/var/log/mongodb/mongod.log"


def test_template_without_loopback_or_cache_size() -> None:
    conf = render(mongodb_bind_loopback=False, mongodb_wiredtiger_cache_gb=0)
    assert conf["net"]["bindIp"] == "10.1.2.3"
    assert "wiredTiger" not in conf["storage"]


@pytest.fixture(scope="module")
def stand_in(host: Host) -> Iterator[None]:
    """A stand-in for MongoDB's apt repository on the container's loopback."""
    release = host.check_output(". /etc/os-release && echo $VERSION_CODENAME")
    dists = f"{STAND_IN}/dists/{release}/mongodb-org/7.0"
    host.check_output("mkdir -p %s", dists)
    host.check_output("echo 'Origin: slipway molecule stand-in' > %s/Release", dists)
    host.check_output("echo 'not a real key' > %s/server-7.0.asc", STAND_IN)
    host.run("systemctl stop mongodb-stand-in")
    host.check_output(
        "systemd-run --unit=mongodb-stand-in --collect --working-directory=%s"
        " python3 -m http.server 8099 --bind 127.0.0.1",
        STAND_IN,
    )
    probe = "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8099/')"
    for _ in range(60):
        if host.run("python3 -c %s", probe).rc == 0:
            break
        time.sleep(0.5)
    yield
    host.run("systemctl stop mongodb-stand-in")


def installed(host: Host) -> bool:
    """Whether converge installed MongoDB (only where the repository answers)."""
    return host.package("mongodb-org").is_installed


def test_role_in_check_mode_fails_nothing_and_writes_nothing(host: Host, stand_in: None) -> None:
    run = subprocess.run(
        [
            pathlib.Path(sys.executable).with_name("ansible-playbook"),
            "--check",
            "--diff",
            f"--inventory={os.environ['MOLECULE_INVENTORY_FILE']}",
            f"--limit={host.backend.name}",
            SCENARIO / "check_mode.yml",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    assert "failed=0" in run.stdout
    if not installed(host):
        assert "mongodb-org is not installed yet" in run.stdout
        assert not host.file("/etc/mongod.conf").exists


def test_secrets_kept_privately(credentials: pathlib.Path) -> None:
    for name in ("mongodb_admin_password", "mongodb_slipway_password", "mongodb_keyfile"):
        path = credentials / name
        assert path.is_file(), name
        assert path.stat().st_mode & 0o777 == 0o600, name


def test_mongod_serves_where_installed(host: Host, address: str) -> None:
    if not installed(host):
        pytest.skip("MongoDB's repository is out of reach here: nothing installed to serve")
    service = host.service("mongod")
    assert service.is_running
    assert service.is_enabled
    assert listening(host, 27017) == {f"tcp://{address}:27017", "tcp://127.0.0.1:27017"}
