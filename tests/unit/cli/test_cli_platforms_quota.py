import json


def test_quota_view_for_yourself(cli, fake_api, logged_in):
    fake_api.reply(
        "GET", "/users/info", 200, {"email": "ana@x.com", "teams": [], "is_admin": False}
    )
    fake_api.reply("GET", "/quota/ana@x.com", 200, {"limit": -1, "inuse": 2})
    assert cli("quota-view").out == "User: ana@x.com\nApps usage: 2/unlimited\n"


def test_quota_view_for_someone_else(cli, fake_api, logged_in):
    fake_api.reply("GET", "/quota/bo@x.com", 200, {"limit": 5, "inuse": 1})
    assert cli("quota-view", "bo@x.com").out == "User: bo@x.com\nApps usage: 1/5\n"
    assert json.loads(cli("quota-view", "bo@x.com", "--json").out) == {
        "user": "bo@x.com",
        "limit": 5,
        "inuse": 1,
    }
