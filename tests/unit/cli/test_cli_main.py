import json
import os
import subprocess
import sys

import pytest

from slipway import __version__
from slipway.cli import apps
from slipway.cli.main import COMMAND_MODULES, build_parser

REQUIRED_COMMANDS = {
    "target-add", "target-list", "target-set", "target-remove", "user-create", "login",
    "logout", "change-password", "reset-password", "team-create", "team-list", "team-remove",
    "team-user-add", "team-user-remove", "team-user-list", "key-add", "key-remove", "key-list",
    "app-create", "app-list", "app-info", "app-remove", "app-grant", "app-revoke", "env-get",
    "env-set", "env-unset", "platform-list", "platform-add", "quota-view",
}  # fmt: skip


def test_every_command_is_registered():
    assert set(build_parser().command_names) >= REQUIRED_COMMANDS
    assert all(hasattr(module, "register") for module in COMMAND_MODULES)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "Error: the following arguments are required: <command> (see slipway --help)\n"),
        (["app-lis"], 'Error: unknown command "app-lis" (did you mean app-list?) (see slipway'),
        (["env-set", "-a", "x"], "Error: the following arguments are required: NAME=value"),
        (["app-list", "--bogus"], "Error: unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(cli, argv, message):
    result = cli(*argv)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith(message)
    assert result.err.count("\n") == 1


def test_json_flag_before_or_after_the_command(cli, fake_api, logged_in):
    fake_api.reply("GET", "/platforms", 200, [{"name": "go", "disabled": False}])
    expected = [{"name": "go", "disabled": False}]
    assert json.loads(cli("--json", "platform-list").out) == expected
    assert json.loads(cli("platform-list", "--json").out) == expected
    assert cli("platform-list").out.splitlines()[3] == "| go   | enabled |       |"


def test_not_logged_in(cli, fake_api, home):
    cli("target-add", "fake", fake_api.url, "-s")
    result = cli("app-list")
    assert (result.code, result.out) == (1, "")
    assert result.err == "Error: not logged in or session expired: run slipway login\n"
    assert fake_api.requests == []


def test_expired_session(cli, fake_api, logged_in):
    fake_api.reply("GET", "/apps", 401, {"error": "You must provide a valid Authorization header"})
    result = cli("app-list")
    assert result.err == "Error: not logged in or session expired: run slipway login\n"


def test_connection_refused_is_one_line_naming_the_target(cli, home, closed_port_url):
    cli("target-add", "down", closed_port_url, "-s")
    expected = (
        f"Error: cannot connect to the Slipway API at {closed_port_url}: connection refused\n"
    )
    result = cli("user-create", "ana@example.com", stdin="pw-123456\n")
    assert (result.code, result.err) == (1, expected)
    (home / ".slipway" / "token").write_text("tok\n")
    result = cli("platform-list")
    assert (result.code, result.err) == (1, expected)


def test_unexpected_failures_are_not_tracebacks(cli, fake_api, logged_in, monkeypatch):
    def broken(units):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(apps, "units_summary", broken)
    fake_api.reply("GET", "/apps", 200, [{"name": "a", "units": []}])
    result = cli("app-list")
    assert result.code == 1
    assert result.err == (
        "Error: unexpected failure: ZeroDivisionError: division by zero"
        " (set SLIPWAY_DEBUG=1 to see where)\n"
    )
    monkeypatch.setenv("SLIPWAY_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli("app-list")


def test_interrupt(cli, fake_api, logged_in, monkeypatch):
    def interrupted(units):
        raise KeyboardInterrupt

    monkeypatch.setattr(apps, "units_summary", interrupted)
    fake_api.reply("GET", "/apps", 200, [{"name": "a", "units": []}])
    result = cli("app-list")
    assert (result.code, result.err) == (130, "\nError: interrupted\n")


def _run_module(*argv, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLIPWAY_")}
    env["HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "slipway.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_python_dash_m_entry_point(tmp_path):
    version = _run_module("--version", home=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"slipway {__version__}\n")
    failure = _run_module("app-list", home=tmp_path)
    assert failure.returncode == 1
    assert failure.stdout == ""
    assert failure.stderr == (
        "Error: no target set: run slipway target-add <label> <url> --set-current,"
        " or set SLIPWAY_TARGET\n"
    )


def test_help_lists_every_command(cli):
    result = cli("help")
    assert result.code == 0 and result.err == ""
    assert result.out == build_parser().format_help()
    for command in ("app-deploy", "token-create", "help"):
        assert command in result.out
    listed = json.loads(cli("help", "--json").out)
    assert {"command": "token-list", "summary": "list named tokens"} in listed
    assert {entry["command"] for entry in listed} == set(build_parser().command_names)


def test_help_for_one_command_is_its_help(cli, capsys):
    result = cli("help", "app-deploy")
    assert result.code == 0 and result.err == ""
    assert result.out.startswith("usage: slipway app-deploy")
    assert "--image" in result.out
    with pytest.raises(SystemExit):
        build_parser().parse_args(["app-deploy", "--help"])
    assert capsys.readouterr().out == result.out


def test_help_for_an_unknown_command_is_a_usage_error(cli):
    result = cli("help", "app-lis")
    assert result.code == 2 and result.out == ""
    assert result.err == (
        'Error: unknown command "app-lis" (did you mean app-list?): slipway help lists them\n'
    )
