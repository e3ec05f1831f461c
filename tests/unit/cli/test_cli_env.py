import json

VARIABLES = [
    {"name": "SECRET", "value": "*** (private variable)", "public": False},
    {"name": "DEBUG", "value": "0", "public": True},
]


def test_env_get(cli, fake_api, logged_in):
    fake_api.reply("GET", "/apps/blog/env", 200, VARIABLES)
    result = cli("env-get", "-a", "blog")
    assert result.out == "DEBUG=0\nSECRET=*** (private variable)\n"
    assert fake_api.last().query == {}
    cli("env-get", "-a", "blog", "DEBUG", "SECRET")
    assert fake_api.last().query == {"env": ["DEBUG", "SECRET"]}
    assert json.loads(cli("env-get", "-a", "blog", "--json").out) == VARIABLES


def test_env_set(cli, fake_api, logged_in):
    fake_api.reply("POST", "/apps/blog/env", stream=[{"Message": "---> Restarting\n"}])
    result = cli("env-set", "-a", "blog", "DEBUG=1", "URL=pg://h/db?a=b")
    assert (result.code, result.err) == (0, "")
    assert result.out == ('---> Restarting\nEnvironment variables set on app "blog": DEBUG, URL\n')
    assert fake_api.last().body == {"DEBUG": "1", "URL": "pg://h/db?a=b"}
    assert fake_api.last().query == {}


def test_env_set_private_without_restart(cli, fake_api, logged_in):
    fake_api.reply("POST", "/apps/blog/env", stream=[])
    result = cli("env-set", "-a", "blog", "-p", "--no-restart", "TOKEN=abc")
    assert result.out == 'Private environment variables set on app "blog": TOKEN\n'
    assert fake_api.last().query == {"private": ["1"], "noRestart": ["1"]}


def test_env_set_refuses_bad_arguments_before_calling_the_api(cli, fake_api, logged_in):
    result = cli("env-set", "-a", "blog", "DEBUG")
    assert (result.code, result.err) == (
        1,
        'Error: "DEBUG" is not NAME=value: env-set takes NAME=value pairs\n',
    )
    result = cli("env-set", "-a", "blog", "9LIVES=x")
    assert result.err.startswith('Error: invalid variable name "9LIVES"')
    assert fake_api.requests == []


def test_env_set_error_in_stream(cli, fake_api, logged_in):
    fake_api.reply("POST", "/apps/blog/env", stream=[{"Error": "restart failed"}])
    result = cli("env-set", "-a", "blog", "A=1")
    assert (result.code, result.out, result.err) == (1, "", "Error: restart failed\n")


def test_env_unset(cli, fake_api, logged_in):
    fake_api.reply("DELETE", "/apps/blog/env", stream=[{"Message": "done\n"}])
    result = cli("env-unset", "-a", "blog", "A", "B", "--no-restart")
    assert result.out == 'done\nEnvironment variables removed from app "blog": A, B\n'
    assert fake_api.last().body == ["A", "B"]
    assert fake_api.last().query == {"noRestart": ["1"]}
    assert cli("env-unset", "-a", "blog", "BAD-NAME").code == 1
