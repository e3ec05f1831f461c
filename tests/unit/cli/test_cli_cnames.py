"""cname-add, cname-remove and app-swap."""

from __future__ import annotations

import json


def test_cname_add_sends_one_request_per_name(cli, stream_api, home):
    stream_api.json("POST", "/apps/blog/cname", 200, {})
    result = cli("cname-add", "www.blog.test", "blog.example.org", "-a", "blog")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        'cname "www.blog.test" successfully defined.\n'
        'cname "blog.example.org" successfully defined.\n'
    )
    assert [seen.form for seen in stream_api.seen] == [
        {"cname": ["www.blog.test"]},
        {"cname": ["blog.example.org"]},
    ]


def test_the_api_message_is_shown_when_there_is_one(cli, stream_api, home):
    message = "cname www.blog.test routes to blog (publish it in your DNS as a CNAME)."
    stream_api.json("POST", "/apps/blog/cname", 200, {"message": message})
    assert cli("cname-add", "www.blog.test", "-a", "blog").out == message + "\n"


def test_cname_add_stops_at_the_first_refusal(cli, stream_api, home):
    stream_api.json("POST", "/apps/blog/cname", 400, {"error": 'Invalid cname "bad_name".'})
    result = cli("cname-add", "bad_name", "www.blog.test", "-a", "blog")
    assert (result.code, result.out, result.err) == (1, "", 'Error: Invalid cname "bad_name".\n')
    assert len(stream_api.seen) == 1


def test_cname_remove_uses_the_query_string(cli, stream_api, home):
    stream_api.json("DELETE", "/apps/blog/cname", 200, {"message": "removed"})
    result = cli("cname-remove", "www.blog.test", "-a", "blog", "--json")
    assert json.loads(result.out) == {
        "message": "removed",
        "app": "blog",
        "cnames": ["www.blog.test"],
    }
    seen = stream_api.last()
    assert (seen.args, seen.form) == ({"cname": ["www.blog.test"]}, {})


def test_cname_commands_need_a_name(cli, stream_api, home):
    result = cli("cname-add", "-a", "blog")
    assert result.code == 2
    assert result.err.startswith("Error: the following arguments are required: cname")


def test_app_swap(cli, stream_api, home):
    stream_api.json("POST", "/swap", 200, None)
    result = cli("app-swap", "blog", "blog-next", stdin="y\n", tty=True)
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        'Are you sure you want to swap the addresses of apps "blog" and "blog-next"? (y/n) '
        "Apps successfully swapped!\n"
    )
    assert stream_api.last().form == {
        "app1": ["blog"],
        "app2": ["blog-next"],
        "cnameOnly": ["false"],
    }
    assert cli("app-swap", "blog", "blog-next", "--cname-only", "-y").code == 0
    assert stream_api.last().form["cnameOnly"] == ["true"]


def test_app_swap_refusals(cli, stream_api, home):
    result = cli("app-swap", "blog", "blog-next")
    assert result.code == 1
    assert result.err.startswith('Error: refusing to swap the addresses of apps "blog" and')
    assert stream_api.seen == []
    stream_api.json("POST", "/swap", 412, {"error": "Apps must have the same number of units."})
    result = cli("app-swap", "blog", "blog-next", "-y")
    assert (result.code, result.err) == (1, "Error: Apps must have the same number of units.\n")
