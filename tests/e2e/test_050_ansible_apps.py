"""playbooks/apps.yml on the sandbox: an app from the inventory, kept as declared.

A static app is deployed from a directory, scaled to two web units, given
env (public and private) and a custom name; a second run changes nothing;
changing one file of the source redeploys it exactly once.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .sandbox import (
    API_URL,
    APPS,
    CUSTOM_ZONE,
    DOMAIN,
    REPO_ROOT,
    RUN,
    Developer,
    through_router,
    wait_for,
)

APP = f"fleet{RUN}"
HOST = f"{APP}.{DOMAIN}"
CNAME = f"fleet-{RUN}.{CUSTOM_ZONE}"
SECRET = f"secret-{RUN}"


def recap(output: str) -> dict[str, int]:
    """localhost's counts from the PLAY RECAP."""
    found = re.search(r"^localhost\s*:\s*(.*)$", output, re.M)
    assert found, output
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", found.group(1))}


@pytest.fixture(scope="module")
def source(developer: Developer) -> Path:
    directory = developer.home / "fleet-site"
    shutil.copytree(APPS / "static", directory)
    (directory / "index.html").write_text(f"<p>fleet one {RUN}</p>\n", encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def apply(developer: Developer, team: str, source: Path, tmp_path_factory: Any) -> Any:
    token = (developer.home / ".slipway" / "token").read_text(encoding="utf-8").strip()
    declared = {
        "slipway_apps_api_url": API_URL,
        "slipway_apps_api_token": token,
        "slipway_apps": [
            {
                "name": APP,
                "platform": "static",
                "team": team,
                "description": "deployed by playbooks/apps.yml",
                "env": {"FLEET_LEVEL": "info"},
                "private_env": {"FLEET_SECRET": SECRET},
                "prune_env": True,
                "source": str(source),
                "units": {"web": 2},
                "cnames": [CNAME],
            }
        ],
    }
    variables = tmp_path_factory.mktemp("fleet") / "apps.json"
    variables.write_text(json.dumps(declared), encoding="utf-8")

    def run(*extra: str) -> tuple[dict[str, int], str]:
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "ansible-playbook"),
                "-i",
                "inventories/sandbox",
                "playbooks/apps.yml",
                "-e",
                f"@{variables}",
                *extra,
            ],
            cwd=REPO_ROOT,
            env={**developer.env, "ANSIBLE_NOCOLOR": "1"},
            capture_output=True,
            text=True,
            timeout=1800,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, output
        assert SECRET not in output
        return recap(output), output

    return run


def _info(developer: Developer) -> dict[str, Any]:
    return json.loads(developer.ok("--json", "app-info", "-a", APP))


def test_first_run_deploys_scales_configures_and_routes(apply: Any, developer: Developer) -> None:
    counts, _ = apply()
    assert counts["changed"] > 0 and counts["failed"] == 0
    wait_for(HOST, f"fleet one {RUN}")
    info = _info(developer)
    web = [u for u in info["units"] if u["ProcessName"] == "web" and u["Status"] == "started"]
    assert len(web) == 2
    assert info["cname"] == [CNAME]
    assert f"fleet one {RUN}" in through_router(CNAME).text
    env = developer.ok("env-get", "-a", APP)
    assert "FLEET_LEVEL=info" in env and SECRET not in env


def test_second_run_changes_nothing(apply: Any, developer: Developer) -> None:
    deploys = _info(developer)["deploys"]
    counts, _ = apply()
    assert counts["changed"] == 0 and counts["failed"] == 0
    assert _info(developer)["deploys"] == deploys


def test_check_mode_reports_a_source_change_without_deploying(
    apply: Any, developer: Developer, source: Path
) -> None:
    (source / "index.html").write_text(f"<p>fleet two {RUN}</p>\n", encoding="utf-8")
    deploys = _info(developer)["deploys"]
    counts, output = apply("--check", "--diff")
    assert counts["changed"] == 1, output
    assert _info(developer)["deploys"] == deploys
    assert f"fleet one {RUN}" in through_router(HOST).text


def test_a_source_change_redeploys_once(apply: Any, developer: Developer) -> None:
    deploys = _info(developer)["deploys"]
    counts, _ = apply()
    assert counts["changed"] == 1
    wait_for(HOST, f"fleet two {RUN}")
    assert _info(developer)["deploys"] == deploys + 1
    counts, _ = apply()
    assert counts["changed"] == 0
    assert _info(developer)["deploys"] == deploys + 1
