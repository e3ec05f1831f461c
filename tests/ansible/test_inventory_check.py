"""The first play of site.yml rejects a bad inventory, at once, in one message.

Each case writes a small inventory into a temporary directory and runs the
real site.yml against it. The hosts point at containers that do not exist, so
a check that wrongly passed could not change anything: the run would fail as
unreachable instead, and the assertions below would catch it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_PLAYBOOK = Path(sys.executable).with_name("ansible-playbook")

pytestmark = pytest.mark.skipif(
    not ANSIBLE_PLAYBOOK.exists() and shutil.which("ansible-playbook") is None,
    reason="ansible-playbook is not installed: run `make ops-venv`",
)

GROUPS = ["api", "redis", "beanstalkd", "registry", "bind", "gandalf", "hipache", "docker_nodes"]


def good_inventory() -> dict:
    """A minimal valid inventory: one host in every required group."""
    host = {
        "ansible_connection": "community.docker.docker",
        "ansible_host": "slipway-test-no-such-container",
    }
    return {
        "hosts": {
            "all": {"hosts": {"h1": host}, "children": {g: {"hosts": {"h1": None}} for g in GROUPS}}
        },
        "group_vars": {"slipway_domain": "paas.example.org"},
    }


def run(tmp_path: Path, inventory: dict, playbook: str = "site.yml") -> subprocess.CompletedProcess:
    inv = tmp_path / "inventory"
    (inv / "group_vars" / "all").mkdir(parents=True)
    (inv / "hosts.yml").write_text(yaml.safe_dump(inventory["hosts"]))
    (inv / "group_vars" / "all" / "main.yml").write_text(yaml.safe_dump(inventory["group_vars"]))
    env = dict(os.environ)
    env.update(
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
        PATH=f"{ANSIBLE_PLAYBOOK.parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "-i", str(inv), playbook],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_rejected(result: subprocess.CompletedProcess, *messages: str) -> None:
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Inventory check failed" in out, out
    for message in messages:
        assert message in out, out
    # It failed in the first play, before any host was contacted.
    assert "Gathering Facts" not in out, out
    assert "UNREACHABLE" not in out, out
    assert out.count("Inventory check failed") <= 2, (
        out
    )  # one message (and its echo in the recap line)


def test_good_inventory_passes_the_check(tmp_path: Path) -> None:
    result = run(tmp_path, good_inventory(), "playbooks/check_inventory.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("inventory", ["inventories/sandbox", "inventories/production.sample"])
def test_shipped_inventories_pass_the_check(inventory: str) -> None:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    result = subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "-i", inventory, "playbooks/check_inventory.yml"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_group_is_rejected(tmp_path: Path) -> None:
    inventory = good_inventory()
    del inventory["hosts"]["all"]["children"]["redis"]
    assert_rejected(run(tmp_path, inventory), 'required group "redis" is missing')


def test_empty_group_is_rejected(tmp_path: Path) -> None:
    inventory = good_inventory()
    inventory["hosts"]["all"]["children"]["bind"] = {"hosts": {}}
    assert_rejected(run(tmp_path, inventory), 'required group "bind"')


@pytest.mark.parametrize(
    "domain",
    [
        "",
        "localhost",
        "Paas.Example.org",
        "paas..example.org",
        "-paas.example.org",
        "paas.example.org.",
        "a_b.example.org",
    ],
)
def test_bad_domain_is_rejected(tmp_path: Path, domain: str) -> None:
    inventory = good_inventory()
    inventory["group_vars"]["slipway_domain"] = domain
    assert_rejected(run(tmp_path, inventory), "slipway_domain")


def test_missing_domain_is_rejected(tmp_path: Path) -> None:
    inventory = good_inventory()
    del inventory["group_vars"]["slipway_domain"]
    assert_rejected(run(tmp_path, inventory), "slipway_domain is not set")


def test_unknown_variable_is_rejected(tmp_path: Path) -> None:
    inventory = good_inventory()
    inventory["group_vars"]["redis_pasword"] = "typo"
    assert_rejected(run(tmp_path, inventory), "unknown variable redis_pasword (hosts: h1)")


def test_removed_variable_is_rejected_with_its_replacement(tmp_path: Path) -> None:
    inventory = good_inventory()
    inventory["group_vars"]["slipway_paas_domain"] = "paas.example.org"
    assert_rejected(
        run(tmp_path, inventory), "slipway_paas_domain was removed: renamed to slipway_domain"
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    inventory = good_inventory()
    del inventory["hosts"]["all"]["children"]["hipache"]
    inventory["group_vars"]["slipway_domain"] = "not a domain"
    inventory["group_vars"]["beanstalkd_prot"] = 1
    assert_rejected(
        run(tmp_path, inventory),
        'required group "hipache" is missing',
        '"not a domain" is not a valid DNS domain',
        "unknown variable beanstalkd_prot",
    )
