"""The git server's own configuration: defaults and one line per problem."""

from __future__ import annotations

import pytest

from slipway.gandalf.config import ConfigError, load, validate

from .conftest import TOKEN


def minimal(**extra):
    base = {
        "bin-path": "/usr/local/bin/slipway-gandalf-ssh",
        "database": {"url": "sqlite:////var/lib/gandalf/gandalf.db"},
        "git": {"bare": {"location": "/var/lib/gandalf/repositories"}},
        "token": TOKEN,
    }
    base.update(extra)
    return base


def test_defaults():
    config = validate(minimal())
    assert config["bind"] == "127.0.0.1:8000"
    assert config["uid"] == "git"
    assert config["database:name"] == "gandalf"
    assert config["git:ssh:use"] is False
    assert config.authorized_keys_path.endswith("/.ssh/authorized_keys")
    assert config.token() == TOKEN


def test_every_problem_on_its_own_line():
    with pytest.raises(ConfigError) as caught:
        validate(
            {
                "bin-path": "relative",
                "database": {"url": "postgres://x"},
                "git": {"bare": {}, "ssh": {"port": 70000}},
                "bind": "everywhere",
                "colour": "blue",
                "token": "short",
            }
        )
    problems = caught.value.problems
    assert any(p.startswith("bin-path:") for p in problems)
    assert any(p.startswith("database:url:") for p in problems)
    assert any(p.startswith("git:bare:location: required") for p in problems)
    assert any(p.startswith("git:ssh:port:") for p in problems)
    assert any(p.startswith("bind:") for p in problems)
    assert "colour: unknown setting" in problems
    assert any(p.startswith("token:") for p in problems)


def test_token_is_required_once():
    with pytest.raises(ConfigError, match="set exactly one"):
        validate(minimal(token=""))
    with pytest.raises(ConfigError, match="set exactly one"):
        validate(minimal(**{"token-file": "/etc/slipway/gandalf-token"}))


def test_load_reports_missing_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load(str(tmp_path / "missing.conf"))
    broken = tmp_path / "broken.conf"
    broken.write_text("a: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load(str(broken))


def test_unreadable_token_file(tmp_path):
    config = validate(minimal(token="", **{"token-file": str(tmp_path / "absent")}))
    with pytest.raises(ConfigError, match="token-file"):
        config.token()


@pytest.mark.parametrize("bin_path", ['/usr/bin/x" evil', "/usr/local/bin/with space"])
def test_bin_path_cannot_break_the_forced_command(bin_path):
    with pytest.raises(ConfigError, match="bin-path"):
        validate(minimal(**{"bin-path": bin_path}))
