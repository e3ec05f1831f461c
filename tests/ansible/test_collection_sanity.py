"""ansible-test sanity passes for the slipway.paas collection (tests/ansible/run_sanity.sh)."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "run_sanity.sh"


def test_ansible_test_sanity() -> None:
    done = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=1800, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
