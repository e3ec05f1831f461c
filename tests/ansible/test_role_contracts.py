"""Every role keeps the contract of style.md: prefixed variables, argument
specs that match defaults/, a README, handlers, templates and a molecule
scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "tasks" / "main.yml").exists())


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


def test_there_are_roles() -> None:
    assert ROLES


@pytest.mark.parametrize("role", ROLES)
def test_role_layout(role: str) -> None:
    base = ROOT / "roles" / role
    for part in (
        "defaults/main.yml",
        "meta/main.yml",
        "meta/argument_specs.yml",
        "handlers/main.yml",
        "tasks/main.yml",
        "README.md",
    ):
        assert (base / part).is_file(), f"roles/{role}/{part} is missing"
    assert (base / "templates").is_dir(), f"roles/{role}/templates is missing"
    assert (ROOT / "molecule" / role / "molecule.yml").is_file(), f"molecule/{role} is missing"


@pytest.mark.parametrize("role", ROLES)
def test_argument_specs_match_defaults(role: str) -> None:
    base = ROOT / "roles" / role
    defaults = load(base / "defaults" / "main.yml")
    options = load(base / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]
    assert sorted(defaults) == sorted(options), "defaults/main.yml and argument_specs disagree"
    for name, spec in options.items():
        assert "description" in spec, f"{name} has no description"
        assert spec.get("default") == defaults[name], f"{name}: spec default differs from defaults/"


@pytest.mark.parametrize("role", ROLES)
def test_variables_are_prefixed(role: str) -> None:
    base = ROOT / "roles" / role
    for name in load(base / "defaults" / "main.yml"):
        assert name.startswith(f"{role}_"), f"public variable {name} lacks the prefix {role}_"
    internal = base / "vars" / "main.yml"
    if internal.exists():
        for name in load(internal):
            assert name.startswith(f"_{role}_"), (
                f"internal variable {name} lacks the prefix _{role}_"
            )
