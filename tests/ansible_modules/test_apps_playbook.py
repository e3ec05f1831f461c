"""playbooks/apps.yml against the live API, for what needs no node: settings and env.

(Deploys, units and custom names need the sandbox: tests/e2e/test_040_ansible_apps.py.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, Live


def _run(live: Live, variables: Path, tmp_path: Path, *extra: str) -> tuple[dict[str, int], str]:
    config = tmp_path / "ansible.cfg"
    config.write_text("[defaults]\n")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLIPWAY_")},
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / "collections"),
        "ANSIBLE_CONFIG": str(config),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            str(ROOT / "playbooks" / "apps.yml"),
            "-e",
            f"@{variables}",
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    found = re.search(r"^localhost\s*:\s*(.*)$", output, re.M)
    assert found, output
    counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", found.group(1))}
    return counts, output


def test_apps_playbook_is_idempotent_and_masks_secrets(live: Live, tmp_path: Path) -> None:
    variables = tmp_path / "apps.json"
    declared = {
        "slipway_apps_api_url": live.url,
        "slipway_apps_api_token": live.dev.token,
        "slipway_apps": [
            {
                "name": "fleet",
                "platform": "python",
                "team": "devs",
                "description": "from the inventory",
                "env": {"LEVEL": "info"},
                "private_env": {"TOKEN": "fleet-hunter2"},
                "prune_env": True,
            }
        ],
    }
    variables.write_text(json.dumps(declared))
    counts, output = _run(live, variables, tmp_path, "--check", "--diff")
    assert counts["failed"] == 0 and counts["changed"] >= 1, output
    assert live.dev.get("/apps/fleet") is None
    counts, output = _run(live, variables, tmp_path, "--diff")
    assert counts["failed"] == 0 and counts["changed"] == 2, output
    assert "fleet-hunter2" not in output
    env = {e["name"]: e for e in live.dev.get("/apps/fleet/env")}
    assert env["LEVEL"]["value"] == "info" and not env["TOKEN"]["public"]
    assert live.dev.get("/apps/fleet")["description"] == "from the inventory"
    counts, output = _run(live, variables, tmp_path)
    assert counts["failed"] == 0 and counts["changed"] == 0, output
    declared["slipway_apps"][0]["state"] = "absent"
    variables.write_text(json.dumps(declared))
    counts, output = _run(live, variables, tmp_path)
    assert counts["changed"] == 1 and live.dev.get("/apps/fleet") is None, output
