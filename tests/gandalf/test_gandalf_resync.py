"""resync: the control plane's description becomes the whole state, idempotently."""

from __future__ import annotations

import json
import subprocess
import sys

from slipway.gandalf import authorized_keys

from .conftest import fake_key

ANA_KEY, BOB_KEY, OLD_KEY = fake_key("ana@laptop"), fake_key(), fake_key()
FOREIGN = "ssh-ed25519 AAAAforeign operator@host"


def description():
    return {
        "users": [
            {"name": "ana@example.com", "keys": {"laptop": ANA_KEY}},
            {"name": "bob@example.com", "keys": {"desk": BOB_KEY}},
        ],
        "repositories": [
            {"name": "blog", "users": ["ana@example.com"], "ispublic": True},
            {
                "name": "shop",
                "users": ["bob@example.com"],
                "readonlyusers": ["ana@example.com"],
                "ispublic": False,
            },
        ],
    }


def test_resync_through_the_api(client, genv):
    # state that must go: a stale user and key, a stale repository, a changed repository
    client.post("/user", json={"name": "gone@example.com", "keys": {"old": OLD_KEY}})
    client.post("/user", json={"name": "ana@example.com", "keys": {"laptop": BOB_KEY}})
    client.post("/repository", json={"name": "stale", "users": ["gone@example.com"]})
    client.post("/repository", json={"name": "blog", "users": ["gone@example.com"]})
    with open(genv.authorized_keys, "a") as handle:
        handle.write(FOREIGN + "\n")

    response = client.post("/resync", json=description())
    assert response.status_code == 200
    summary = response.get_json()
    assert summary["changed"] is True
    assert summary["users"] == {
        "created": ["bob@example.com"],
        "removed": ["gone@example.com"],
    }
    assert summary["repositories"]["removed"] == ["stale"]
    assert summary["repositories"]["updated"] == ["blog"]
    assert summary["repositories"]["created"] == ["shop"]

    g = genv.gandalf()
    assert g.get_user("gone@example.com") is None
    assert g.list_keys("ana@example.com") == {"laptop": ANA_KEY}
    assert g.list_keys("bob@example.com") == {"desk": BOB_KEY}
    assert g.get_repository("stale") is None
    assert (genv.location / "stale.git").is_dir()  # data is kept on disk
    assert g.get_repository("blog")["users"] == ["ana@example.com"]
    assert (genv.location / "blog.git" / "git-daemon-export-ok").exists()
    assert (genv.location / "shop.git" / "HEAD").is_file()
    assert not (genv.location / "shop.git" / "git-daemon-export-ok").exists()
    lines = authorized_keys.read(str(genv.authorized_keys))
    assert FOREIGN in lines
    assert sorted(lines) == sorted(
        [
            FOREIGN,
            authorized_keys.line(genv.bin_path, "ana@example.com", ANA_KEY),
            authorized_keys.line(genv.bin_path, "bob@example.com", BOB_KEY),
        ]
    )

    again = client.post("/resync", json=description()).get_json()
    assert again["changed"] is False
    assert authorized_keys.read(str(genv.authorized_keys)) == lines


def test_resync_recreates_missing_directories(client, genv):
    client.post("/resync", json=description())
    (genv.location / "blog.git" / "HEAD").unlink()
    import shutil

    shutil.rmtree(genv.location / "blog.git")
    summary = client.post("/resync", json=description()).get_json()
    assert summary["repositories"]["updated"] == ["blog"]
    assert (genv.location / "blog.git" / "git-daemon-export-ok").exists()


def test_resync_validates_before_changing_anything(client, genv):
    client.post("/user", json={"name": "keep"})
    shared = description()
    shared["users"][1]["keys"]["desk"] = ANA_KEY
    assert client.post("/resync", json=shared).status_code == 409
    bad_repo = description()
    bad_repo["repositories"][0]["name"] = "../escape"
    assert client.post("/resync", json=bad_repo).status_code == 400
    assert client.post("/resync", json={"users": "nope"}).status_code == 400
    assert client.post("/resync", json={"teams": []}).status_code == 400
    twice = description()
    twice["users"].append(twice["users"][0])
    assert client.post("/resync", json=twice).status_code == 400
    assert genv.gandalf().get_user("keep") is not None


def test_resync_cli(genv, tmp_path):
    path = tmp_path / "description.json"
    path.write_text(json.dumps(description()))
    env_args = [sys.executable, "-m", "slipway.gandalf.server", "--config", str(genv.config_path)]
    first = subprocess.run(
        [*env_args, "resync", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["changed"] is True
    second = subprocess.run(
        [*env_args, "resync", "-"],
        input=json.dumps(description()),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["changed"] is False
    bad = subprocess.run(
        [*env_args, "resync", "-"], input="{", capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2
    check = subprocess.run(
        [*env_args, "check-config"], capture_output=True, text=True, timeout=60, check=False
    )
    assert check.returncode == 0
    assert check.stdout.strip().endswith(": OK")
