"""platform-list, platform-add (builds, streamed) and platform-update."""

from __future__ import annotations

import json

import pytest

PLATFORMS = [
    {"name": "python", "disabled": False, "image": "reg:5000/slipway/platform-python:latest",
     "built": "2025-01-02T03:04:05Z"},
    {"name": "Go", "disabled": True, "image": "", "built": ""},
]  # fmt: skip


def test_platform_list(cli, stream_api, home):
    stream_api.json("GET", "/platforms", 200, PLATFORMS)
    assert cli("platform-list").out == (
        "+--------+---------------------+-----------------------------------------+\n"
        "| Name   | State               | Image                                   |\n"
        "+--------+---------------------+-----------------------------------------+\n"
        "| Go     | disabled, not built |                                         |\n"
        "| python | enabled             | reg:5000/slipway/platform-python:latest |\n"
        "+--------+---------------------+-----------------------------------------+\n"
    )
    assert json.loads(cli("platform-list", "--json").out) == PLATFORMS


def test_platform_list_from_an_older_api(cli, stream_api, home):
    stream_api.json("GET", "/platforms", 200, [{"name": "ruby", "disabled": False}])
    assert "| ruby | enabled |       |" in cli("platform-list").out


def test_platform_list_empty(cli, fake_api, logged_in):
    fake_api.reply("GET", "/platforms", 204)
    assert cli("platform-list").out == (
        "+------+-------+-------+\n| Name | State | Image |\n+------+-------+-------+\n"
    )
    assert json.loads(cli("platform-list", "--json").out) == []


def test_platform_add_streams_the_build(cli, stream_api, home):
    stream_api.plain("POST", "/platforms", ["---> Building platform-python", "    Step 1/4", "OK"])
    result = cli("platform-add", "python")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        '---> Building platform-python\n    Step 1/4\nPlatform "python" successfully added!\n'
    )
    assert stream_api.last().form == {"name": ["python"]}


def test_platform_add_without_a_build(cli, stream_api, home):
    """An API with no registry records the platform and answers JSON at once."""
    stream_api.json("POST", "/platforms", 201, {"name": "python", "disabled": False})
    result = cli("platform-add", "python")
    assert (result.code, result.out) == (0, 'Platform "python" successfully added!\n')


def test_platform_add_failures(cli, stream_api, home):
    stream_api.json("POST", "/platforms", 403, {"error": "You must be an admin"})
    assert cli("platform-add", "python").err == "Error: You must be an admin\n"
    stream_api.plain("POST", "/platforms", ["---> Building", "ERROR: no docker nodes"])
    result = cli("platform-add", "python")
    assert (result.code, result.err) == (1, "Error: no docker nodes\n")


@pytest.mark.parametrize(
    ("argv", "form"),
    [
        (["--disable"], {"disabled": ["true"]}),
        (["--enable"], {"disabled": ["false"]}),
    ],
)
def test_platform_update_state(cli, stream_api, home, argv, form):
    stream_api.json("PUT", "/platforms/python", 200, {"name": "python"})
    result = cli("platform-update", "python", *argv)
    assert (result.code, result.out) == (0, 'Platform "python" successfully updated!\n')
    assert stream_api.last().form == form


def test_platform_update_build_streams(cli, stream_api, home):
    stream_api.plain("PUT", "/platforms/python", ["---> Building", "OK"])
    result = cli("platform-update", "python", "--build", "--enable")
    assert result.out == '---> Building\nPlatform "python" successfully updated!\n'
    assert stream_api.last().form == {"disabled": ["false"], "build": ["true"]}
    stream_api.plain("PUT", "/platforms/python", ["---> Building", "ERROR: pip failed"])
    result = cli("platform-update", "python", "--build")
    assert (result.code, result.err) == (1, "Error: pip failed\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "Error: nothing to update: pass --disable, --enable or --build\n"),
        (["--disable", "--enable"], "Error: argument --enable: not allowed with argument"),
    ],
)
def test_platform_update_usage(cli, stream_api, home, argv, message):
    result = cli("platform-update", "python", *argv)
    assert result.code == 2
    assert result.err.startswith(message)
    assert stream_api.seen == []
