import subprocess

import pytest

from slipway.cli.appname import app_from_remote_url, guess_app_name, read_git_remote
from slipway.cli.errors import CliError


@pytest.mark.parametrize(
    ("url", "app"),
    [
        ("git@git.example.com:blog.git", "blog"),
        ("git@192.168.50.4:my-app.git", "my-app"),
        ("ssh://git@host:2222:weird.git", "weird"),
        ("https://github.com/owner/blog.git", None),
        ("git@host:blog", None),
        ("git@host:.git", None),
        ("", None),
    ],
)
def test_app_from_remote_url(url, app):
    assert app_from_remote_url(url) == app


def test_explicit_name_wins(tmp_path):
    def never(name, cwd):
        raise AssertionError("git must not be asked")

    assert guess_app_name("given", tmp_path, never) == "given"


def test_slipway_remote_is_preferred_over_tsuru(tmp_path):
    remotes = {"slipway": "git@h:from-slipway.git", "tsuru": "git@h:from-tsuru.git"}
    assert guess_app_name(None, tmp_path, lambda n, c: remotes.get(n)) == "from-slipway"


def test_tsuru_remote_is_used_when_there_is_no_slipway_remote(tmp_path):
    remotes = {"tsuru": "git@h:from-tsuru.git"}
    assert guess_app_name(None, tmp_path, lambda n, c: remotes.get(n)) == "from-tsuru"


def test_a_remote_that_does_not_match_falls_back_to_the_next(tmp_path):
    remotes = {"slipway": "https://example.com/x.git", "tsuru": "git@h:app2.git"}
    assert guess_app_name(None, tmp_path, lambda n, c: remotes.get(n)) == "app2"


def test_directory_name_is_the_last_resort(tmp_path):
    directory = tmp_path / "my-project"
    directory.mkdir()
    assert guess_app_name(None, directory, lambda n, c: None) == "my-project"


def test_root_directory_has_no_name_to_guess():
    from pathlib import Path

    with pytest.raises(CliError, match="-a/--app"):
        guess_app_name(None, Path("/"), lambda n, c: None)


def test_real_git_remote_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    repo = tmp_path / "checkout"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(
        ["git", "remote", "add", "slipway", "git@git.slipway.test:shop.git"], cwd=repo, check=True
    )
    assert read_git_remote("slipway", repo) == "git@git.slipway.test:shop.git"
    assert read_git_remote("tsuru", repo) is None
    assert guess_app_name(None, repo) == "shop"


def test_git_failures_are_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    assert read_git_remote("slipway", tmp_path) is None
    directory = tmp_path / "fallback"
    directory.mkdir()
    assert guess_app_name(None, directory) == "fallback"
