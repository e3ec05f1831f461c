"""The config file: tsuru key names, one clear line per problem, no insecure defaults."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from slipway.config import ConfigError, load, validate

from .conftest import REPO_ROOT, settings


def test_valid_config_and_defaults(tmp_path: Path) -> None:
    cfg = validate(settings(tmp_path))
    assert cfg["auth:token-expire-days"] == 7
    assert cfg["quota:apps-per-user"] == -1
    assert cfg["database:name"] == "slipway"
    assert cfg["hipache:domain"] == "apps.example.com"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"listen": "8080"}, "listen: must be host:port"),
        ({"host": "ftp://x"}, "host: must be an http(s) URL"),
        ({"database": {"url": "postgres://x"}}, "database:url: must be sqlite"),
        ({"database": {}}, "database:url: required setting is missing"),
        ({"auth": {"hash-cost": 3}}, "auth:hash-cost: must be between 4 and 31"),
        ({"auth": {"hash-cost": "12"}}, "auth:hash-cost: must be an integer"),
        ({"auth": {"user-registration": "yes"}}, "auth:user-registration: must be true or false"),
        ({"auth": {"token-expire-days": True}}, "auth:token-expire-days: must be an integer"),
        ({"hipache": {"domain": "Not A Domain"}}, "hipache:domain: must be a DNS domain"),
        ({"admin-team": "9"}, "admin-team: must be a valid team name"),
        ({"quota": {"apps-per-user": -2}}, "quota:apps-per-user: must be -1 or more"),
        ({"auth": "nope"}, "auth: must be a mapping"),
        ({"lisen": "127.0.0.1:1"}, "lisen: unknown setting"),
        ({"auth": {"hash_cost": 10}}, "auth:hash_cost: unknown setting"),
    ],
)
def test_each_problem_is_one_clear_line(tmp_path: Path, change: dict, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate(settings(tmp_path, **change))
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(problem)


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        validate({"listen": "x", "bogus": 1})
    assert caught.value.problems == [
        "bogus: unknown setting",
        "listen: must be host:port, e.g. 127.0.0.1:8080 (got 'x')",
        "host: required setting is missing",
        "database:url: required setting is missing",
    ]


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load(str(tmp_path / "missing.conf"))
    bad = tmp_path / "bad.conf"
    bad.write_text("listen: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load(str(bad))
    scalar = tmp_path / "scalar.conf"
    scalar.write_text("just a string\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must hold a YAML mapping"):
        load(str(scalar))


def run_server(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "slipway.server", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PYTHONPATH": str(REPO_ROOT / "api"), "PATH": "/usr/bin:/bin"},
    )


def test_bad_config_stops_the_process_with_one_line_per_problem(tmp_path: Path) -> None:
    path = tmp_path / "slipway.conf"
    path.write_text(yaml.safe_dump({"listen": "nowhere", "host": "http://x"}), encoding="utf-8")
    for command in ("run", "check-config"):
        result = run_server("--config", str(path), command)
        assert result.returncode == 2
        prefix = "slipway-api: config error: "
        assert result.stderr.splitlines() == [
            prefix + "listen: must be host:port, e.g. 127.0.0.1:8080 (got 'nowhere')",
            prefix + "database:url: required setting is missing",
        ]
        assert "Traceback" not in result.stderr


def test_check_config_accepts_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "slipway.conf"
    path.write_text(yaml.safe_dump(settings(tmp_path)), encoding="utf-8")
    result = run_server("--config", str(path), "check-config")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{path}: OK"


def test_create_admin_is_idempotent_and_validates(tmp_path: Path) -> None:
    path = tmp_path / "slipway.conf"
    path.write_text(yaml.safe_dump(settings(tmp_path)), encoding="utf-8")
    secret = tmp_path / "pw"
    secret.write_text("long-enough\n", encoding="utf-8")
    args = (
        "--config",
        str(path),
        "create-admin",
        "root@example.com",
        "--password-file",
        str(secret),
    )
    assert run_server(*args).stdout.strip() == "changed"
    assert run_server(*args).stdout.strip() == "ok"
    secret.write_text("another-one\n", encoding="utf-8")
    assert run_server(*args).stdout.strip() == "changed"
    secret.write_text("123\n", encoding="utf-8")
    short = run_server(*args)
    assert short.returncode == 1
    assert short.stderr.strip() == (
        "slipway-api: Password length should be least 6 characters and at most 50 characters."
    )


def test_secrets_never_appear_in_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        validate(settings(tmp_path, smtp={"password": 12345}))
    assert caught.value.problems == ["smtp:password: must be a string, got <hidden>"]
    with pytest.raises(ConfigError) as caught:
        validate(settings(tmp_path, database={"url": "postgres://admin:hunter2@db/x"}))
    assert "hunter2" not in caught.value.problems[0]


def test_directories_and_binary_files_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load(str(tmp_path))
    binary = tmp_path / "bin.conf"
    binary.write_bytes(b"\xff\xfe\x00listen")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load(str(binary))
