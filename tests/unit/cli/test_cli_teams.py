import json


def test_team_create(cli, fake_api, logged_in):
    fake_api.reply("POST", "/teams", 201)
    result = cli("team-create", "devs")
    assert (result.code, result.out) == (0, 'Team "devs" successfully created!\n')
    assert fake_api.last().body == {"name": "devs"}


def test_team_list_table(cli, fake_api, logged_in):
    fake_api.reply(
        "GET",
        "/teams",
        200,
        [
            {"name": "ops", "users": ["zoe@x.com", "Al@x.com"]},
            {"name": "Devs", "users": ["bo@x.com"]},
        ],
    )
    assert cli("team-list").out == (
        "+------+-----------+\n"
        "| Team | Users     |\n"
        "+------+-----------+\n"
        "| Devs | bo@x.com  |\n"
        "| ops  | Al@x.com  |\n"
        "|      | zoe@x.com |\n"
        "+------+-----------+\n"
    )


def test_team_list_when_there_are_none(cli, fake_api, logged_in):
    fake_api.reply("GET", "/teams", 204)
    assert cli("team-list").out == "+------+-------+\n| Team | Users |\n+------+-------+\n"
    assert json.loads(cli("team-list", "--json").out) == []


def test_team_remove_asks_first(cli, fake_api, logged_in):
    fake_api.reply("DELETE", "/teams/devs", 200)
    result = cli("team-remove", "devs")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        'Error: refusing to remove team "devs" without confirmation: stdin is not a terminal,'
        " pass -y/--assume-yes\n"
    )
    assert fake_api.requests == []

    result = cli("team-remove", "devs", stdin="n\n", tty=True)
    assert result.out == 'Are you sure you want to remove team "devs"? (y/n) '
    assert result.err == 'Error: aborted: did not remove team "devs"\n'
    assert fake_api.requests == []

    result = cli("team-remove", "devs", stdin="y\n", tty=True)
    assert result.out == (
        'Are you sure you want to remove team "devs"? (y/n) Team "devs" successfully removed!\n'
    )
    assert cli("team-remove", "devs", "-y").code == 0
    assert [r.path for r in fake_api.requests] == ["/teams/devs", "/teams/devs"]


def test_team_members(cli, fake_api, logged_in):
    fake_api.reply("PUT", "/teams/devs/bo@x.com", 200)
    fake_api.reply("DELETE", "/teams/devs/bo@x.com", 200)
    fake_api.reply("GET", "/teams/devs", 200, {"name": "devs", "users": ["zoe@x.com", "bo@x.com"]})
    assert cli("team-user-add", "devs", "bo@x.com").out == (
        'User "bo@x.com" was added to the "devs" team\n'
    )
    assert cli("team-user-remove", "devs", "bo@x.com").out == (
        'User "bo@x.com" was removed from the "devs" team\n'
    )
    assert cli("team-user-list", "devs").out == "- bo@x.com\n- zoe@x.com\n"


def test_unknown_team(cli, fake_api, logged_in):
    fake_api.reply("GET", "/teams/nope", 404, {"error": "Team not found"})
    result = cli("team-user-list", "nope")
    assert (result.code, result.out, result.err) == (1, "", "Error: Team not found\n")


def test_with_json_the_question_goes_to_stderr(cli, fake_api, logged_in):
    fake_api.reply("DELETE", "/teams/devs", 200)
    result = cli("team-remove", "devs", "--json", stdin="y\n", tty=True)
    assert result.code == 0
    assert json.loads(result.out) == {
        "message": 'Team "devs" successfully removed!',
        "team": "devs",
    }
    assert result.err == 'Are you sure you want to remove team "devs"? (y/n) '
