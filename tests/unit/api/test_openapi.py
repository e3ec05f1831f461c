"""docs/openapi.yaml validates as OpenAPI 3.1 and describes every route of the Flask app."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from openapi_spec_validator import validate as validate_spec

from slipway.api import create_app
from slipway.config import validate

from ..conftest import REPO_ROOT, settings

SPEC = REPO_ROOT / "docs" / "openapi.yaml"
METHODS = ("get", "put", "post", "delete", "patch")


def _spec() -> dict:
    return yaml.safe_load(SPEC.read_text())


def _routes(tmp_path: Path) -> set[tuple[str, str]]:
    """Every (METHOD, /openapi/{path}) the app serves, without its version prefixes."""
    app = create_app(validate(settings(tmp_path)))
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, path))
    return found


def _documented() -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in _spec()["paths"].items()
        for method in item
        if method in METHODS
    }


def test_the_spec_validates() -> None:
    spec = _spec()
    assert spec["openapi"].startswith("3.1")
    validate_spec(spec)


def test_every_route_is_documented(tmp_path: Path) -> None:
    missing = sorted(_routes(tmp_path) - _documented())
    assert not missing, "routes missing from docs/openapi.yaml: " + ", ".join(
        f"{method} {path}" for method, path in missing
    )


def test_nothing_documented_that_the_app_does_not_serve(tmp_path: Path) -> None:
    extra = sorted(_documented() - _routes(tmp_path))
    assert not extra, "docs/openapi.yaml documents routes the app does not serve: " + ", ".join(
        f"{method} {path}" for method, path in extra
    )
