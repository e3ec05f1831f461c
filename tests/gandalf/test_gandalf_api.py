"""The REST API through Flask's test client: every route, its errors, and the token."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from slipway.gandalf import authorized_keys
from slipway.gandalf.api import create_app
from slipway.store import StoreUnavailableError

from .conftest import TOKEN, commit_into, fake_key, make_env


def managed(genv, user, key):
    return authorized_keys.line(genv.bin_path, user, key)


def create_repo(client, name="app", users=("ana@example.com",), **extra):
    body = {"name": name, "users": list(users), **extra}
    return client.post("/repository", json=body)


# authentication ------------------------------------------------------------------------


def test_every_route_but_healthcheck_needs_the_token(genv):
    app = create_app(genv.config)
    raw = app.test_client()
    assert raw.get("/healthcheck").status_code == 200
    for headers in (
        {},
        {"Authorization": "bearer wrong-token-xxxxxxxxx"},
        {"Authorization": TOKEN},
    ):
        response = raw.post("/user", json={"name": "u"}, headers=headers)
        assert response.status_code == 401
        assert "token" in response.get_data(as_text=True)
    ok = raw.post("/user", json={"name": "u"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200


def test_errors_are_text_or_json_as_accepted(client):
    text = client.delete("/user/nobody")
    assert text.status_code == 404
    assert text.mimetype == "text/plain"
    assert text.get_data(as_text=True) == "User not found\n"
    as_json = client.delete("/user/nobody", headers={"Accept": "application/json"})
    assert as_json.status_code == 404
    assert as_json.get_json() == {"error": "User not found"}


def test_token_file(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("from-a-file-0123456789\n")
    env = make_env(tmp_path, token="", **{"token-file": str(token_file)})
    raw = create_app(env.config).test_client()
    ok = raw.get("/user/x/keys", headers={"Authorization": "bearer from-a-file-0123456789"})
    assert ok.status_code == 404  # authenticated, the user does not exist


def test_unknown_route_is_404_for_authenticated_clients(client):
    assert client.get("/nothing-here").status_code == 404


# users and keys ------------------------------------------------------------------------


def test_create_user_with_keys_writes_authorized_keys(client, genv):
    key = fake_key("ana@laptop")
    response = client.post("/user", json={"name": "ana@example.com", "keys": {"laptop": key}})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == 'User "ana@example.com" successfully created'
    expected = (
        "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty,"
        f'command="{genv.bin_path} ana@example.com" {key}'
    )
    assert authorized_keys.read(str(genv.authorized_keys)) == [expected]
    assert genv.authorized_keys.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("name", ["", "has space", "semi;colon", "under_score", None, 7])
def test_create_user_rejects_invalid_names(client, name):
    response = client.post("/user", json={"name": name})
    assert response.status_code == 400


def test_create_user_conflicts(client):
    assert client.post("/user", json={"name": "ana"}).status_code == 200
    assert client.post("/user", json={"name": "ana"}).status_code == 409


def test_create_user_with_a_taken_key_creates_nothing(client, genv):
    key = fake_key()
    client.post("/user", json={"name": "ana", "keys": {"k": key}})
    response = client.post("/user", json={"name": "bob", "keys": {"k": key}})
    assert response.status_code == 409
    assert response.get_data(as_text=True).strip() == "Key already exists."
    assert client.get("/user/bob/keys").status_code == 404
    assert len(authorized_keys.read(str(genv.authorized_keys))) == 1


def test_bad_json_is_400(client):
    response = client.post("/user", data="{nope", content_type="application/json")
    assert response.status_code == 400


def test_keys_add_list_remove(client, genv):
    client.post("/user", json={"name": "ana"})
    first, second = fake_key("one"), fake_key()
    response = client.post("/user/ana/key", json={"one": first, "two": second})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "Key(s) successfully created"
    listed = client.get("/user/ana/keys")
    assert listed.status_code == 200
    assert listed.get_json() == {"one": first, "two": second}
    assert len(authorized_keys.read(str(genv.authorized_keys))) == 2

    removed = client.delete("/user/ana/key/one")
    assert removed.status_code == 200
    assert removed.get_data(as_text=True) == 'Key "one" successfully removed'
    assert authorized_keys.read(str(genv.authorized_keys)) == [managed(genv, "ana", second)]
    assert client.delete("/user/ana/key/one").status_code == 404
    assert client.get("/user/ana/keys").get_json() == {"two": second}


def test_key_errors(client):
    client.post("/user", json={"name": "ana"})
    key = fake_key()
    assert client.post("/user/nobody/key", json={"k": key}).status_code == 404
    assert client.post("/user/ana/key", json={}).status_code == 400
    assert client.post("/user/ana/key", json={"k": "ssh-rsa notbase64"}).status_code == 400
    assert client.post("/user/ana/key", json={"k": "hello"}).status_code == 400
    assert client.post("/user/ana/key", json={"k": key}).status_code == 200
    again = client.post("/user/ana/key", json={"other": key})
    assert again.status_code == 409
    assert again.get_data(as_text=True).strip() == "Key already exists."
    assert client.post("/user/ana/key", json={"k": fake_key()}).status_code == 409
    assert client.get("/user/nobody/keys").status_code == 404
    assert client.delete("/user/nobody/key/k").status_code == 404


def test_remove_user(client, genv):
    client.post("/user", json={"name": "ana", "keys": {"k": fake_key()}})
    client.post("/user", json={"name": "bob"})
    create_repo(client, "shared", users=["ana", "bob"], readonlyusers=["ana"])
    response = client.delete("/user/ana")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == 'User "ana" successfully removed'
    assert authorized_keys.read(str(genv.authorized_keys)) == []
    repo = genv.gandalf().get_repository("shared")
    assert repo["users"] == ["bob"]
    assert repo["readonlyusers"] == []
    assert client.delete("/user/ana").status_code == 404


def test_remove_user_refused_while_only_writer(client):
    client.post("/user", json={"name": "ana"})
    create_repo(client, "mine", users=["ana"])
    response = client.delete("/user/ana")
    assert response.status_code == 400
    assert "only one with write access" in response.get_data(as_text=True)
    assert client.get("/user/ana/keys").status_code == 200


# repositories --------------------------------------------------------------------------


def test_create_and_get_repository(client, genv):
    response = create_repo(client, "app", ispublic=True)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == 'Repository "app" successfully created'
    bare = genv.location / "app.git"
    assert (bare / "HEAD").is_file()
    assert (bare / "git-daemon-export-ok").exists()
    info = client.get("/repository/app").get_json()
    assert info == {
        "name": "app",
        "public": True,
        "ssh_url": "git@git.example.com:app.git",
        "git_url": "git://git.example.com/app.git",
    }
    private = create_repo(client, "private-app")
    assert private.status_code == 200
    assert not (genv.location / "private-app.git" / "git-daemon-export-ok").exists()


def test_repository_urls_with_ssh_port_and_readonly_host(tmp_path):
    env = make_env(
        tmp_path,
        git={
            "bare": {"location": str(tmp_path / "r")},
            "ssh": {"use": True, "port": 2222},
        },
        **{"readonly-host": "ro.example.com"},
    )
    raw = create_app(env.config).test_client()
    headers = {"Authorization": f"bearer {TOKEN}"}
    raw.post("/repository", json={"name": "team/app", "users": ["a"]}, headers=headers)
    info = raw.get("/repository/team/app", headers=headers).get_json()
    assert info["ssh_url"] == "ssh://git@git.example.com:2222/team/app.git"
    assert info["git_url"] == "git://ro.example.com/team/app.git"
    assert (tmp_path / "r" / "team" / "app.git" / "HEAD").is_file()


def test_template_hooks_reach_new_repositories(client, genv):
    response = client.post(
        "/hook/pre-receive", data=b"#!/bin/sh\necho template\n", content_type="text/plain"
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "hook pre-receive successfully created"
    assert (genv.template / "hooks" / "pre-receive").stat().st_mode & 0o777 == 0o755
    create_repo(client, "app")
    hook = genv.location / "app.git" / "hooks" / "pre-receive"
    assert hook.read_text() == "#!/bin/sh\necho template\n"


def test_hook_into_listed_repositories(client, genv):
    create_repo(client, "one")
    create_repo(client, "two")
    body = {"repositories": ["one"], "content": "#!/bin/sh\necho one\n"}
    assert client.post("/hook/post-receive", json=body).status_code == 200
    assert (genv.location / "one.git" / "hooks" / "post-receive").read_text().endswith("one\n")
    assert not (genv.location / "two.git" / "hooks" / "post-receive").exists()
    assert not (genv.template / "hooks" / "post-receive").exists()
    bad = client.post("/hook/pre-commit", data=b"#!/bin/sh\n", content_type="text/plain")
    assert bad.status_code == 400
    missing = {"repositories": ["ghost"], "content": "#!/bin/sh\n"}
    assert client.post("/hook/update", json=missing).status_code == 404
    assert client.post("/hook/update", data=b"", content_type="text/plain").status_code == 400


@pytest.mark.parametrize(
    "name", ["", "has space", "../escape", "a/../../b", "a/b/c", ".hidden", "ns/", "app.git"]
)
def test_invalid_repository_names(client, name):
    assert create_repo(client, name).status_code == 400


def test_repository_needs_a_user_and_is_unique(client):
    assert create_repo(client, "app", users=[]).status_code == 400
    assert client.post("/repository", json={"name": "app"}).status_code == 400
    assert create_repo(client, "app").status_code == 200
    assert create_repo(client, "app").status_code == 409
    assert create_repo(client, "x", ispublic="yes").status_code == 400


def test_remove_repository(client, genv):
    create_repo(client, "app")
    response = client.delete("/repository/app")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == 'Repository "app" successfully removed'
    assert not (genv.location / "app.git").exists()
    assert client.delete("/repository/app").status_code == 404
    assert client.get("/repository/app").status_code == 404


def test_update_repository_renames_and_moves(client, genv):
    create_repo(client, "old", ispublic=True)
    response = client.put("/repository/old", json={"name": "new", "ispublic": False})
    assert response.status_code == 200
    assert not (genv.location / "old.git").exists()
    assert (genv.location / "new.git" / "HEAD").is_file()
    assert not (genv.location / "new.git" / "git-daemon-export-ok").exists()
    assert client.get("/repository/old").status_code == 404
    assert client.get("/repository/new").get_json()["public"] is False
    assert client.put("/repository/new", json={"readonlyusers": ["bob"]}).status_code == 200
    assert genv.gandalf().get_repository("new")["readonlyusers"] == ["bob"]
    assert client.put("/repository/ghost", json={"name": "x"}).status_code == 404
    assert client.put("/repository/new", json={"name": "../x"}).status_code == 400
    assert client.put("/repository/new", json={"users": []}).status_code == 400
    assert client.put("/repository/new", json={"colour": "red"}).status_code == 400
    create_repo(client, "other")
    assert client.put("/repository/new", json={"name": "other"}).status_code == 400
    assert (genv.location / "new.git").is_dir()


def test_grant_and_revoke(client, genv):
    create_repo(client, "one")
    create_repo(client, "two")
    body = {"repositories": ["one", "two"], "users": ["bob"]}
    granted = client.post("/repository/grant", json=body)
    assert granted.status_code == 200
    assert granted.get_data(as_text=True).startswith("Successfully granted")
    readonly = client.post("/repository/grant?readonly=yes", json={**body, "users": ["eve"]})
    assert readonly.status_code == 200
    g = genv.gandalf()
    assert g.get_repository("one")["users"] == ["ana@example.com", "bob"]
    assert g.get_repository("two")["readonlyusers"] == ["eve"]

    revoke = {"repositories": ["one", "two"], "users": ["bob", "eve"]}
    revoked = client.delete("/repository/revoke", json=revoke)
    assert revoked.status_code == 200
    assert revoked.get_data(as_text=True).startswith("Successfully revoked")
    assert g.get_repository("one")["users"] == ["ana@example.com"]
    assert g.get_repository("two")["readonlyusers"] == []


def test_grant_and_revoke_errors(client):
    create_repo(client, "one")
    assert client.post("/repository/grant", json={"users": ["bob"]}).status_code == 400
    assert client.post("/repository/grant", json={"repositories": ["one"]}).status_code == 400
    ghost = {"repositories": ["ghost"], "users": ["bob"]}
    assert client.post("/repository/grant", json=ghost).status_code == 404
    assert client.delete("/repository/revoke", json=ghost).status_code == 404
    assert client.delete("/repository/revoke", json={"users": ["bob"]}).status_code == 400


def test_healthcheck(client, genv, monkeypatch):
    response = client.get("/healthcheck")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "WORKING"

    def down():
        raise StoreUnavailableError("database is gone")

    gandalf = client.raw.application.extensions["gandalf"]
    monkeypatch.setattr(gandalf.store, "ping", down)
    failed = client.get("/healthcheck")
    assert failed.status_code == 500
    assert "database is gone" in failed.get_data(as_text=True)


# read-only helpers ---------------------------------------------------------------------


@pytest.fixture
def populated(client, genv, tmp_path: Path):
    create_repo(client, "app")
    work = tmp_path / "work"
    first = commit_into(genv.location / "app.git", work, {"README": "hello\n"}, "first")
    second = commit_into(
        genv.location / "app.git", work, {"src/main.py": "print(1)\n"}, "second commit"
    )
    from .conftest import git

    git("tag", "-a", "v1", "-m", "release one", cwd=work)
    git("tag", "light", first, cwd=work)
    git("branch", "feature", first, cwd=work)
    git("push", "-q", str(genv.location / "app.git"), "--tags", "feature", cwd=work)
    return first, second


def test_archive_formats(client, populated):
    as_zip = client.get("/repository/app/archive?ref=master&format=zip")
    assert as_zip.status_code == 200
    assert as_zip.mimetype == "application/zip"
    assert "app_master.zip" in as_zip.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(as_zip.data)).namelist()
    assert "app-master/README" in names
    assert "app-master/src/main.py" in names

    as_tar = client.get("/repository/app/archive?format=tar")
    assert as_tar.mimetype == "application/x-tar"
    with tarfile.open(fileobj=io.BytesIO(as_tar.data)) as archive:
        assert "app-master/README" in archive.getnames()

    gz = client.get("/repository/app/archive?ref=feature&format=tar.gz")
    assert gz.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(gz.data), mode="r:gz") as archive:
        names = archive.getnames()
    assert "app-feature/README" in names
    assert "app-feature/src/main.py" not in names


def test_archive_errors(client, populated):
    assert client.get("/repository/app/archive?format=rar").status_code == 400
    assert client.get("/repository/app/archive?ref=nope").status_code == 404
    assert client.get("/repository/app/archive?ref=--output=/tmp/x").status_code == 400
    assert client.get("/repository/ghost/archive").status_code == 404


def test_branches_and_tags(client, populated):
    first, second = populated
    branches = client.get("/repository/app/branches").get_json()
    by_name = {b["name"]: b for b in branches}
    assert set(by_name) == {"feature", "master"}
    assert by_name["master"]["ref"] == second
    assert by_name["feature"]["ref"] == first
    assert by_name["master"]["subject"] == "second commit"
    assert by_name["master"]["author"]["email"] == "<ana@example.com>"
    assert by_name["master"]["_links"]["zipArchive"].endswith(
        "/repository/app/archive?ref=master&format=zip"
    )
    tags = {t["name"]: t for t in client.get("/repository/app/tags").get_json()}
    assert set(tags) == {"light", "v1"}
    assert tags["v1"]["ref"] == second
    assert tags["v1"]["subject"] == "release one"
    assert tags["light"]["ref"] == first
    assert client.get("/repository/ghost/branches").status_code == 404


def test_contents_tree_logs_diff(client, populated):
    first, second = populated
    contents = client.get("/repository/app/contents?path=README")
    assert contents.status_code == 200
    assert contents.data == b"hello\n"
    assert client.get("/repository/app/contents?path=missing").status_code == 404
    assert client.get("/repository/app/contents").status_code == 400

    tree = client.get("/repository/app/tree?ref=master").get_json()
    assert {entry["path"] for entry in tree} == {"README", "src/main.py"}
    sub = client.get("/repository/app/tree?path=src").get_json()
    assert [entry["path"] for entry in sub] == ["src/main.py"]

    logs = client.get("/repository/app/logs?ref=master&total=1").get_json()
    assert [c["ref"] for c in logs["commits"]] == [second]
    assert logs["next"] == first
    assert logs["commits"][0]["parent"] == [first]
    everything = client.get("/repository/app/logs?total=10").get_json()
    assert len(everything["commits"]) == 2
    assert everything["next"] == ""
    assert client.get("/repository/app/logs?total=zero").status_code == 400

    diff = client.get(f"/repository/app/diff/commits?previous_commit={first}&last_commit={second}")
    assert diff.status_code == 200
    assert "+print(1)" in diff.get_data(as_text=True)
    assert client.get("/repository/app/diff/commits?previous_commit=x").status_code == 400
