"""ansible-doc renders every slipway.paas module; the action group and the README list them all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COLLECTION = ROOT / "collections" / "ansible_collections" / "slipway" / "paas"
MODULES = sorted(
    path.stem
    for path in (COLLECTION / "plugins" / "modules").glob("*.py")
    if not path.name.startswith("_")
)


def test_there_are_eleven_modules() -> None:
    assert len(MODULES) == 11, MODULES


def test_action_group_all_lists_every_module() -> None:
    runtime = yaml.safe_load((COLLECTION / "meta" / "runtime.yml").read_text())
    assert sorted(runtime["action_groups"]["all"]) == MODULES


def test_readmes_list_every_module() -> None:
    readme = (COLLECTION / "README.md").read_text()
    guide = (ROOT / "docs" / "ansible.md").read_text()
    for module in MODULES:
        assert f"slipway.paas.{module}" in readme, module
        assert f"slipway.paas.{module}" in guide, module


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders(module: str, tmp_path: Path) -> None:
    config = tmp_path / "ansible.cfg"
    config.write_text("[defaults]\n")
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / "collections"),
        "ANSIBLE_CONFIG": str(config),
        "ANSIBLE_NOCOLOR": "1",
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-doc"), f"slipway.paas.{module}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert f"slipway.paas.{module}" in text
    for section in ("OPTIONS", "ATTRIBUTES", "EXAMPLES", "RETURN VALUES"):
        assert section in text, (module, section)
    for attribute in ("check_mode", "diff_mode", "idempotent"):
        assert attribute in text, (module, attribute)
    assert "[WARNING]" not in done.stderr, done.stderr
