"""Procfile and app.yaml parsing: clear errors naming the file and the line."""

from __future__ import annotations

import pytest

from slipway.core.errors import ValidationError
from slipway.core.manifest import Healthcheck, parse_manifest, parse_procfile, routed_process


def test_procfile() -> None:
    text = (
        "# processes\nweb: gunicorn app:app --bind 0.0.0.0:$PORT\n\nworker:  celery -A app worker\n"
    )
    assert parse_procfile(text) == {
        "web": "gunicorn app:app --bind 0.0.0.0:$PORT",
        "worker": "celery -A app worker",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "it declares no process"),
        ("# only a comment\n", "it declares no process"),
        ("web gunicorn app", "line 1: expected 'name: command'"),
        ("web:\n", "line 1: expected 'name: command'"),
        ("web: a\nweb: b\n", "line 2: process web is repeated"),
        ("we b: a\n", "line 1: process name 'we b'"),
    ],
)
def test_invalid_procfiles(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_procfile(text)
    assert message in caught.value.message
    assert caught.value.message.startswith("invalid Procfile")


def test_routed_process() -> None:
    assert routed_process({"web": "a", "worker": "b"}) == "web"
    assert routed_process({"api": "a"}) == "api"
    with pytest.raises(ValidationError, match="one must be named web"):
        routed_process({"api": "a", "worker": "b"})


def test_full_manifest() -> None:
    manifest = parse_manifest(
        """
hooks:
  restart:
    before:
      - python manage.py migrate
    before-each: python manage.py local
    after: [echo done]
  build:
    - python manage.py collectstatic --noinput
healthcheck:
  path: /health
  method: get
  status: 200
  match: ok
  allowed_failures: 2
"""
    )
    assert manifest.build == ("python manage.py collectstatic --noinput",)
    assert manifest.hooks("before") == ("python manage.py migrate",)
    assert manifest.hooks("before-each") == ("python manage.py local",)
    assert manifest.hooks("after") == ("echo done",)
    assert manifest.hooks("after-each") == ()
    assert manifest.healthcheck == Healthcheck("/health", "GET", 200, "ok", 2)


def test_empty_manifest() -> None:
    assert parse_manifest("").build == ()
    assert parse_manifest("hooks:\n").healthcheck is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hooks: [a]", "hooks must be a mapping"),
        ("hooks:\n  deploy: [a]", "unknown key hooks.deploy"),
        ("hooks:\n  restart:\n    befor: [a]", "unknown key hooks.restart.befor"),
        ("hooks:\n  build: 5", "hooks.build must be a list of commands"),
        ("healthcheck:\n  path: health", "healthcheck.path must start with /"),
        ("healthcheck:\n  path: /h\n  status: 999", "healthcheck.status"),
        ("healthcheck:\n  path: /h\n  method: TRACE", "healthcheck.method TRACE"),
        ("healthcheck:\n  path: /h\n  match: '('", "healthcheck.match"),
        ("healthcheck:\n  path: /h\n  allowed_failures: -1", "allowed_failures"),
        ("hooks: {build: [a]\n", "line 2: not valid YAML"),
        ("- a list", "the file must be a mapping"),
    ],
)
def test_invalid_manifests(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_manifest(text, "tsuru.yaml")
    assert caught.value.message.startswith("invalid tsuru.yaml")
    assert message in caught.value.message
