import stat

import pytest

from slipway.cli.config import Config, format_targets, normalize_url, parse_targets
from slipway.cli.errors import CliError


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def config(tmp_path):
    return Config(home=tmp_path, environ={})


def test_home_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Config().dir == tmp_path / ".slipway"
    assert Config(environ={"HOME": "/elsewhere"}).dir.as_posix() == "/elsewhere/.slipway"


def test_files_are_private(config, tmp_path):
    config.save_targets({"local": "http://127.0.0.1:8080"})
    config.set_current_target("http://127.0.0.1:8080")
    config.save_token("secret")
    directory = tmp_path / ".slipway"
    assert mode(directory) == 0o700
    for name in ("targets", "target", "token"):
        assert mode(directory / name) == 0o600, name
    assert sorted(p.name for p in directory.iterdir()) == ["target", "targets", "token"]


def test_a_loose_directory_is_tightened(config, tmp_path):
    (tmp_path / ".slipway").mkdir(mode=0o755)
    (tmp_path / ".slipway").chmod(0o755)
    config.save_token("secret")
    assert mode(tmp_path / ".slipway") == 0o700


def test_an_existing_loose_file_is_replaced_by_a_private_one(config, tmp_path):
    (tmp_path / ".slipway").mkdir()
    token = tmp_path / ".slipway" / "token"
    token.write_text("old\n")
    token.chmod(0o644)
    config.save_token("new")
    assert mode(token) == 0o600
    assert token.read_text() == "new\n"


def test_targets_file_format(config, tmp_path):
    config.save_targets({"prod": "https://paas.example.com", "local": "http://127.0.0.1:8080"})
    assert (tmp_path / ".slipway" / "targets").read_text() == (
        "prod\thttps://paas.example.com\nlocal\thttp://127.0.0.1:8080\n"
    )
    assert config.targets() == {
        "prod": "https://paas.example.com",
        "local": "http://127.0.0.1:8080",
    }


def test_parse_targets_skips_junk_and_accepts_spaces():
    text = "a\thttp://a\n\n  \nbroken\nb   http://b \n"
    assert parse_targets(text) == {"a": "http://a", "b": "http://b"}
    assert parse_targets(format_targets({"x": "http://x"})) == {"x": "http://x"}


def test_nothing_saved_means_nothing_current(config):
    assert config.targets() == {}
    assert config.current_target() is None
    assert config.token() is None


def test_target_and_token_files(config):
    config.set_current_target("http://127.0.0.1:8080")
    config.save_token("abc")
    assert config.current_target() == "http://127.0.0.1:8080"
    assert config.token() == "abc"
    assert config.remove_token() is True
    assert config.remove_token() is False
    assert config.token() is None


def test_environment_overrides_the_files(tmp_path):
    files = Config(home=tmp_path, environ={})
    files.save_targets({"staging": "http://staging:8080"})
    files.set_current_target("http://127.0.0.1:8080")
    files.save_token("from-file")
    env = {"SLIPWAY_TARGET": "https://other.example.com/", "SLIPWAY_TOKEN": "from-env"}
    config = Config(home=tmp_path, environ=env)
    assert config.current_target() == "https://other.example.com"
    assert config.token() == "from-env"
    by_label = Config(home=tmp_path, environ={"SLIPWAY_TARGET": "staging"})
    assert by_label.current_target() == "http://staging:8080"


def test_switching_targets_drops_the_token(config):
    config.set_current_target("http://a:8080")
    config.save_token("issued-by-a")
    assert config.set_current_target("http://a:8080") is False
    assert config.token() == "issued-by-a"
    assert config.set_current_target("http://b:8080") is True
    assert config.token() is None


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://paas.example.com/", "http://paas.example.com"),
        ("https://paas.example.com/api/", "https://paas.example.com/api"),
        ("  paas.example.com  ", "http://paas.example.com"),
    ],
)
def test_normalize_url(given, url):
    assert normalize_url(given) == url


@pytest.mark.parametrize("given", ["", "ftp://x", "http://"])
def test_bad_urls_are_refused(given):
    with pytest.raises(CliError):
        normalize_url(given)


def test_unwritable_config_dir_is_a_readable_error(tmp_path):
    (tmp_path / ".slipway").write_text("a file where the directory should be")
    config = Config(home=tmp_path, environ={})
    with pytest.raises(CliError, match=r"^cannot write .*/\.slipway/token: "):
        config.save_token("x")
    with pytest.raises(CliError, match="cannot read"):
        config.token()
