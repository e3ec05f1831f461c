"""app-update, plan-list, pool-list and router-list."""

from __future__ import annotations

import json


def test_app_update_sends_only_what_is_given(cli, stream_api, home):
    stream_api.plain("PUT", "/apps/blog", ['App "blog" has been updated.', "OK"])
    result = cli("app-update", "-a", "blog", "-d", "my blog", "-t", "ops")
    assert (result.code, result.err) == (0, "")
    assert result.out == 'App "blog" has been updated.\nApp "blog" has been updated!\n'
    assert stream_api.last().form == {"description": ["my blog"], "teamOwner": ["ops"]}
    result = cli("app-update", "-a", "blog", "-l", "nodejs", "-p", "default", "--json")
    assert json.loads(result.out)["platform"] == "nodejs"
    assert stream_api.last().form == {"plan": ["default"], "platform": ["nodejs"]}


def test_app_update_needs_a_change_and_reports_refusals(cli, stream_api, home):
    result = cli("app-update", "-a", "blog")
    assert result.code == 2
    assert "nothing to change" in result.err
    stream_api.json("PUT", "/apps/blog", 400, {"error": "Plan 'huge' not found."})
    result = cli("app-update", "-a", "blog", "-p", "huge")
    assert (result.code, result.err) == (1, "Error: Plan 'huge' not found.\n")


def test_plan_pool_and_router_lists(cli, fake_api, logged_in):
    plan = {"name": "default", "memory": 0, "swap": 0, "cpushare": 0, "default": True}
    fake_api.reply("GET", "/plans", body=[plan])
    fake_api.reply("GET", "/pools", status=204)
    fake_api.reply(
        "GET", "/routers", body=[{"name": "hipache", "type": "hipache", "default": True}]
    )
    assert "| default | unlimited | unlimited | yes     |" in cli("plan-list").out
    assert cli("pool-list").code == 0
    assert json.loads(cli("pool-list", "--json").out) == []
    assert "| hipache | hipache | yes     |" in cli("router-list").out
