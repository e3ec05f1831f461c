"""SSH keys: valid OpenSSH public keys, unique across users."""

from __future__ import annotations

import pytest

from ..conftest import ApiDriver, ssh_key


def test_add_list_remove(api: ApiDriver) -> None:
    user = api.user("a@b.com")
    key = ssh_key("a@laptop")
    assert (
        api.client.post(
            "/users/keys", json={"name": "laptop", "key": key}, headers=user
        ).status_code
        == 201
    )
    assert api.client.get("/users/keys", headers=user).json == {"laptop": key}
    again = api.client.post("/users/keys", json={"name": "other", "key": key}, headers=user)
    assert again.status_code == 409
    assert again.json["error"] == "Key already exists."
    same_name = api.client.post(
        "/users/keys", json={"name": "laptop", "key": ssh_key()}, headers=user
    )
    assert same_name.status_code == 409
    assert (
        api.client.delete("/users/keys", json={"name": "laptop"}, headers=user).status_code == 200
    )
    assert api.client.get("/users/keys", headers=user).json == {}
    assert api.client.delete("/users/keys/laptop", headers=user).status_code == 404


def test_a_key_belongs_to_one_user_only(api: ApiDriver) -> None:
    first = api.user("a@b.com")
    second = api.user("b@b.com")
    key = ssh_key()
    api.ok(api.client.post("/users/keys", json={"name": "k", "key": key}, headers=first))
    body = {"name": "k", "key": key.rsplit(" ", 1)[0] + " another-comment"}
    response = api.client.post("/users/keys", json=body, headers=second)
    assert response.status_code == 409


def test_remove_by_key_body(api: ApiDriver) -> None:
    user = api.user("a@b.com")
    key = ssh_key()
    api.ok(api.client.post("/users/keys", json={"name": "k", "key": key}, headers=user))
    assert api.client.delete("/users/keys", json={"key": key}, headers=user).status_code == 200


@pytest.mark.parametrize(
    "key",
    [
        "",
        "not a key",
        "ssh-rsa",
        "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
        "ssh-ed25519 !!!notbase64",
        "ssh-rsa " + ssh_key().split()[1],
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5",
        ssh_key() + "\nssh-ed25519 AAAA",
    ],
)
def test_invalid_keys_are_refused(api: ApiDriver, key: str) -> None:
    user = api.user("a@b.com")
    response = api.client.post("/users/keys", json={"name": "k", "key": key}, headers=user)
    assert response.status_code == 400
    assert response.json["error"]
    assert api.client.get("/users/keys", headers=user).json == {}


def test_key_name_defaults_to_the_comment(api: ApiDriver) -> None:
    user = api.user("a@b.com")
    api.ok(api.client.post("/users/keys", json={"key": ssh_key("work")}, headers=user))
    assert list(api.client.get("/users/keys", headers=user).json) == ["work"]


@pytest.mark.parametrize("separator", ["\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
def test_comments_cannot_smuggle_a_second_key_line(api: ApiDriver, separator: str) -> None:
    user = api.user("a@b.com")
    smuggled = ssh_key("me") + separator + ssh_key("pwn")
    response = api.client.post("/users/keys", json={"name": "k", "key": smuggled}, headers=user)
    assert response.status_code == 400
    assert api.client.get("/users/keys", headers=user).json == {}


def test_default_names_are_removable(api: ApiDriver) -> None:
    user = api.user("a@b.com")
    key = ssh_key("")
    api.ok(api.client.post("/users/keys", json={"key": key}, headers=user))
    (name,) = api.client.get("/users/keys", headers=user).json
    assert api.client.delete(f"/users/keys/{name}", headers=user).status_code == 200
