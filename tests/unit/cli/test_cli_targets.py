import json
import stat


def test_add_set_list_remove(cli, home):
    result = cli("target-add", "local", "127.0.0.1:8080")
    assert (result.code, result.err) == (0, "")
    assert result.out == "New target local -> http://127.0.0.1:8080 added to target list\n"
    assert cli("target-add", "prod", "https://paas.example.com/").code == 0

    assert cli("target-list").out == (
        "  local (http://127.0.0.1:8080)\n  prod (https://paas.example.com)\n"
    )
    result = cli("target-set", "prod")
    assert result.out == "New target is prod -> https://paas.example.com\n"
    assert cli("target-list").out == (
        "  local (http://127.0.0.1:8080)\n* prod (https://paas.example.com)\n"
    )
    assert (home / ".slipway" / "target").read_text() == "https://paas.example.com\n"
    assert (home / ".slipway" / "targets").read_text() == (
        "local\thttp://127.0.0.1:8080\nprod\thttps://paas.example.com\n"
    )
    assert stat.S_IMODE((home / ".slipway").stat().st_mode) == 0o700

    result = cli("target-remove", "local")
    assert result.out == 'Target "local" successfully removed!\n'
    assert cli("target-list").out == "* prod (https://paas.example.com)\n"


def test_add_with_set_current(cli, home):
    result = cli("target-add", "dev", "http://127.0.0.1:9000", "-s")
    assert result.out == (
        "New target dev -> http://127.0.0.1:9000 added to target list\n"
        "New target is dev -> http://127.0.0.1:9000\n"
    )
    assert (home / ".slipway" / "target").read_text() == "http://127.0.0.1:9000\n"


def test_switching_target_logs_out(cli, home):
    cli("target-add", "a", "http://a:1", "-s")
    cli("target-add", "b", "http://b:1")
    (home / ".slipway" / "token").write_text("from-a\n")
    result = cli("target-set", "b")
    assert result.out == (
        "New target is b -> http://b:1\n"
        "You were logged out of the previous target: run slipway login.\n"
    )
    assert not (home / ".slipway" / "token").exists()


def test_removing_the_current_target_forgets_it_and_its_token(cli, home):
    cli("target-add", "a", "http://a:1", "-s")
    (home / ".slipway" / "token").write_text("from-a\n")
    assert cli("target-remove", "a").code == 0
    assert not (home / ".slipway" / "target").exists()
    assert not (home / ".slipway" / "token").exists()
    result = cli("app-list")
    assert result.code == 1
    assert result.err.startswith("Error: no target set: run slipway target-add")


def test_errors(cli):
    cli("target-add", "a", "http://a:1")
    result = cli("target-add", "a", "http://other:1")
    assert (result.code, result.out) == (1, "")
    assert result.err == 'Error: target "a" already exists: remove it first with target-remove\n'
    assert cli("target-set", "nope").err == (
        'Error: unknown target "nope": see slipway target-list\n'
    )
    assert cli("target-remove", "nope").code == 1
    assert cli("target-add", "bad label", "http://x").err.startswith(
        'Error: invalid target label "bad label"'
    )
    assert cli("target-add", "x", "ftp://x").err == (
        'Error: invalid target URL "ftp://x": use http(s)://host[:port]\n'
    )


def test_json_list(cli):
    cli("target-add", "a", "http://a:1", "-s")
    cli("target-add", "b", "http://b:1")
    result = cli("target-list", "--json")
    assert json.loads(result.out) == [
        {"label": "a", "url": "http://a:1", "current": True},
        {"label": "b", "url": "http://b:1", "current": False},
    ]


def test_environment_target_is_used(cli, fake_api, monkeypatch):
    fake_api.reply("GET", "/platforms", 200, [{"name": "python", "disabled": False}])
    monkeypatch.setenv("SLIPWAY_TARGET", fake_api.url)
    monkeypatch.setenv("SLIPWAY_TOKEN", "env-token")
    result = cli("platform-list")
    assert "| python | enabled |" in result.out
    assert fake_api.last().headers["Authorization"] == "bearer env-token"
