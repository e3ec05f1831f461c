import json
import subprocess

BLOG = {
    "name": "blog",
    "platform": "python",
    "teams": ["devs", "ops"],
    "owner": "ana@example.com",
    "teamowner": "devs",
    "ip": "blog.slipway.test",
    "cname": ["www.blog.test"],
    "repository": "git@git.slipway.test:blog.git",
    "description": "",
    "deploys": 3,
    "plan": {"name": "small"},
    "pool": "default",
    "ready": True,
    "units": [
        {
            "ID": "9f8e7d6c5b4a3f2e1d0c",
            "Status": "started",
            "ProcessName": "web",
            "Address": {"Host": "10.0.0.5:49153"},
        },
        {
            "ID": "0a1b2c3d4e5f6a7b8c9d",
            "Status": "error",
            "ProcessName": "worker",
            "Address": {"Host": "10.0.0.6:49154"},
        },
    ],
}


def test_app_create(cli, fake_api, logged_in):
    fake_api.reply(
        "POST",
        "/apps",
        201,
        {"status": "success", "repository_url": "git@git.slipway.test:blog.git", "ip": "x"},
    )
    result = cli("app-create", "blog", "python", "-t", "devs", "-d", "my blog")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        'App "blog" has been created!\n'
        "Use app-info to check the status of the app and its units.\n"
        'Your repository for "blog" project is "git@git.slipway.test:blog.git"\n'
    )
    assert fake_api.last().body == {
        "name": "blog",
        "platform": "python",
        "teamOwner": "devs",
        "description": "my blog",
    }
    answer = json.loads(cli("app-create", "blog", "python", "--json").out)
    assert answer["repository_url"] == "git@git.slipway.test:blog.git"
    assert answer["app"] == "blog"
    assert fake_api.last().body["teamOwner"] == ""


def test_app_create_quota_exceeded(cli, fake_api, logged_in):
    fake_api.reply("POST", "/apps", 403, {"error": "Quota exceeded"})
    result = cli("app-create", "blog", "python")
    assert (result.code, result.out, result.err) == (1, "", "Error: Quota exceeded\n")


def test_app_list(cli, fake_api, logged_in):
    shop = {"name": "Shop", "ip": "10.0.0.9", "cname": [], "units": []}
    fake_api.reply("GET", "/apps", 200, [BLOG, shop])
    assert cli("app-list").out == (
        "+-------------+-------------------------+-------------------+\n"
        "| Application | Units State Summary     | Address           |\n"
        "+-------------+-------------------------+-------------------+\n"
        "| blog        | 1 of 2 units in-service | www.blog.test     |\n"
        "|             |                         | blog.slipway.test |\n"
        "| Shop        | 0 of 0 units in-service | 10.0.0.9          |\n"
        "+-------------+-------------------------+-------------------+\n"
    )
    assert json.loads(cli("app-list", "--json").out) == [BLOG, shop]


def test_app_list_empty(cli, fake_api, logged_in):
    fake_api.reply("GET", "/apps", 204)
    assert cli("app-list").out == (
        "+-------------+---------------------+---------+\n"
        "| Application | Units State Summary | Address |\n"
        "+-------------+---------------------+---------+\n"
    )


def test_app_info(cli, fake_api, logged_in):
    app = {
        **BLOG,
        "processes": {"web": "gunicorn blog:app", "worker": "python worker.py"},
        "release": {"version": 3, "image": "10.0.0.2:5000/app-blog:v3"},
    }
    fake_api.reply("GET", "/apps/blog", 200, app)
    fake_api.reply("GET", "/apps/blog/quota", 200, {"InUse": 2, "Limit": -1})
    result = cli("app-info", "-a", "blog")
    assert result.out == (
        "Application: blog\n"
        "Repository: git@git.slipway.test:blog.git\n"
        "Platform: python\n"
        "Teams: devs, ops\n"
        "Address: www.blog.test, blog.slipway.test\n"
        "Owner: ana@example.com\n"
        "Team owner: devs\n"
        "Deploys: 3\n"
        "Release: v3 (10.0.0.2:5000/app-blog:v3)\n"
        "Pool: default\n"
        "Plan: small\n"
        "Quota: 2/unlimited units\n"
        "\n"
        "Processes: 2\n"
        "+---------+-------------------+\n"
        "| Process | Command           |\n"
        "+---------+-------------------+\n"
        "| web     | gunicorn blog:app |\n"
        "| worker  | python worker.py  |\n"
        "+---------+-------------------+\n"
        "\n"
        "Units: 2\n"
        "+--------------+---------+---------+----------------+\n"
        "| Unit         | Process | State   | Host:Port      |\n"
        "+--------------+---------+---------+----------------+\n"
        "| 0a1b2c3d4e5f | worker  | error   | 10.0.0.6:49154 |\n"
        "| 9f8e7d6c5b4a | web     | started | 10.0.0.5:49153 |\n"
        "+--------------+---------+---------+----------------+\n"
    )


def test_app_info_without_units_or_quota(cli, fake_api, logged_in):
    app = {
        **BLOG,
        "units": [],
        "cname": [],
        "pool": "",
        "plan": {},
        "description": "notes",
        "processes": {},
        "release": None,
    }
    fake_api.reply("GET", "/apps/blog", 200, app)
    fake_api.reply("GET", "/apps/blog/quota", 404, {"error": "not here"})
    assert cli("app-info", "--app", "blog").out == (
        "Application: blog\n"
        "Description: notes\n"
        "Repository: git@git.slipway.test:blog.git\n"
        "Platform: python\n"
        "Teams: devs, ops\n"
        "Address: blog.slipway.test\n"
        "Owner: ana@example.com\n"
        "Team owner: devs\n"
        "Deploys: 3\n"
    )


def test_app_info_json_is_the_app_object(cli, fake_api, logged_in):
    fake_api.reply("GET", "/apps/blog", 200, BLOG)
    assert json.loads(cli("app-info", "-a", "blog", "--json").out) == BLOG


def test_app_name_is_guessed_from_the_git_remote(cli, fake_api, logged_in, home):
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run(["git", "remote", "add", "slipway", "git@git.slipway.test:blog.git"], check=True)
    fake_api.reply("GET", "/apps/blog", 200, BLOG)
    assert cli("app-info").out.startswith("Application: blog\n")


def test_app_name_falls_back_to_the_directory(cli, fake_api, logged_in):
    fake_api.reply("GET", "/apps/workdir", 404, {"error": "App workdir not found."})
    result = cli("app-info")
    assert (result.code, result.err) == (1, "Error: App workdir not found.\n")


def test_app_remove_streams_progress(cli, fake_api, logged_in):
    fake_api.reply(
        "DELETE",
        "/apps/blog",
        stream=[{"Message": "removing units\n"}, {"Message": "removing routes\n"}],
    )
    result = cli("app-remove", "-a", "blog", "-y")
    assert (result.code, result.err) == (0, "")
    assert result.out == 'removing units\nremoving routes\nApp "blog" has been removed!\n'
    result = cli("app-remove", "-a", "blog", "-y", "--json")
    assert json.loads(result.out) == {
        "message": 'App "blog" has been removed!',
        "app": "blog",
        "messages": ["removing units\n", "removing routes\n"],
    }


def test_app_remove_needs_confirmation(cli, fake_api, logged_in):
    result = cli("app-remove", "-a", "blog")
    assert result.code == 1
    assert result.err == (
        'Error: refusing to remove app "blog" without confirmation: stdin is not a terminal,'
        " pass -y/--assume-yes\n"
    )
    fake_api.reply("DELETE", "/apps/blog", stream=[])
    result = cli("app-remove", "-a", "blog", stdin="yes\n", tty=True)
    assert result.out == (
        'Are you sure you want to remove app "blog"? (y/n) App "blog" has been removed!\n'
    )


def test_app_remove_failure_in_the_stream(cli, fake_api, logged_in):
    fake_api.reply(
        "DELETE",
        "/apps/blog",
        stream=[{"Message": "removing units\n"}, {"Error": "cannot remove unit 9f8e"}],
    )
    result = cli("app-remove", "-a", "blog", "-y")
    assert (result.code, result.out, result.err) == (
        1,
        "removing units\n",
        "Error: cannot remove unit 9f8e\n",
    )


def test_app_grant_and_revoke(cli, fake_api, logged_in):
    fake_api.reply("PUT", "/apps/blog/teams/ops", 200)
    fake_api.reply("DELETE", "/apps/blog/teams/ops", 200)
    assert cli("app-grant", "ops", "-a", "blog").out == 'Team "ops" was added to the "blog" app\n'
    assert cli("app-revoke", "ops", "-a", "blog").out == (
        'Team "ops" was removed from the "blog" app\n'
    )
    assert [(r.method, r.path) for r in fake_api.requests] == [
        ("PUT", "/apps/blog/teams/ops"),
        ("DELETE", "/apps/blog/teams/ops"),
    ]
