"""unit-add, unit-remove, app-restart, app-start and app-stop: streamed, OK or fail."""

from __future__ import annotations

import json

import pytest


def test_unit_add(cli, stream_api, home):
    stream_api.plain("PUT", "/apps/blog/units", ["---> Starting 2 new units", "OK"])
    result = cli("unit-add", "2", "-a", "blog")
    assert (result.code, result.err) == (0, "")
    assert result.out == "---> Starting 2 new units\nUnits successfully added!\n"
    assert stream_api.last().form == {"units": ["2"]}
    assert cli("unit-add", "1", "-a", "blog", "-p", "worker").code == 0
    assert stream_api.last().form == {"units": ["1"], "process": ["worker"]}


def test_unit_remove_sends_its_fields_in_the_query_string(cli, stream_api, home):
    stream_api.plain("DELETE", "/apps/blog/units", ["---> Removing 1 unit", "OK"])
    result = cli("unit-remove", "1", "-a", "blog", "--process", "worker", "--json")
    assert json.loads(result.out) == {
        "message": "Units successfully removed!",
        "app": "blog",
        "units": 1,
        "process": "worker",
        "messages": ["---> Removing 1 unit\n"],
    }
    seen = stream_api.last()
    assert (seen.args, seen.form) == ({"units": ["1"], "process": ["worker"]}, {})


def test_unit_change_failure(cli, stream_api, home):
    stream_api.plain(
        "PUT", "/apps/blog/units", ["---> Starting 3 new units", "ERROR: quota exceeded: 2 of 2"]
    )
    result = cli("unit-add", "3", "-a", "blog")
    assert (result.code, result.out, result.err) == (
        1,
        "---> Starting 3 new units\n",
        "Error: quota exceeded: 2 of 2\n",
    )


@pytest.mark.parametrize("count", ["0", "-1", "two", "1.5"])
def test_unit_count_must_be_a_positive_number(cli, stream_api, home, count):
    result = cli("unit-add", "-a", "blog", "--", count)
    assert result.code == 2
    assert result.err.startswith(f"Error: argument units: '{count}' is not a number of units")
    assert stream_api.seen == []


@pytest.mark.parametrize(
    ("command", "action", "done"),
    [
        ("app-restart", "restart", "restarted"),
        ("app-start", "start", "started"),
        ("app-stop", "stop", "stopped"),
    ],
)
def test_lifecycle(cli, stream_api, home, command, action, done):
    stream_api.plain("POST", f"/apps/blog/{action}", [f"---> {action} web", "OK"])
    result = cli(command, "-a", "blog")
    assert (result.code, result.out) == (0, f'---> {action} web\nApp "blog" {done}.\n')
    assert stream_api.last().form == {}
    result = cli(command, "-a", "blog", "-p", "web")
    assert result.out.endswith(f'Process "web" of app "blog" {done}.\n')
    assert stream_api.last().form == {"process": ["web"]}


def test_restart_failure_and_refusal(cli, stream_api, home):
    stream_api.plain("POST", "/apps/blog/restart", ["ERROR: unit web-1 did not start"])
    result = cli("app-restart", "-a", "blog")
    assert (result.code, result.err) == (1, "Error: unit web-1 did not start\n")
    stream_api.json("POST", "/apps/blog/restart", 400, {"error": "App blog has no units."})
    result = cli("app-restart", "-a", "blog")
    assert (result.code, result.err) == (1, "Error: App blog has no units.\n")
