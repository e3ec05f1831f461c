import json

from slipway.cli.keys import shorten

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmJz2Lw3r0d5i8sNq3kH6S2qNtC0v0tVJmJ6aG8xYzQ ana@laptop"


def test_key_add_from_a_file(cli, fake_api, logged_in, tmp_path):
    fake_api.reply("POST", "/users/keys", 201)
    key_file = tmp_path / "k.pub"
    key_file.write_text(KEY + "\n")
    result = cli("key-add", "laptop", str(key_file))
    assert (result.code, result.out) == (0, 'Key "laptop" successfully added!\n')
    assert fake_api.last().body == {"key": KEY, "name": "laptop"}


def test_key_add_uses_the_default_key(cli, fake_api, logged_in, home):
    fake_api.reply("POST", "/users/keys", 201)
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_rsa.pub").write_text("ssh-rsa AAAA rsa@host\n")
    assert cli("key-add", "default").code == 0
    assert fake_api.last().body["key"] == "ssh-rsa AAAA rsa@host"
    (home / ".ssh" / "id_ed25519.pub").write_text(KEY)
    assert cli("key-add", "default").code == 0
    assert fake_api.last().body["key"] == KEY


def test_key_add_from_stdin(cli, fake_api, logged_in):
    fake_api.reply("POST", "/users/keys", 201)
    assert cli("key-add", "piped", "-", stdin=KEY + "\n").code == 0
    assert fake_api.last().body == {"key": KEY, "name": "piped"}


def test_key_add_errors(cli, fake_api, logged_in, home, tmp_path):
    result = cli("key-add", "x")
    assert result.err.startswith(f"Error: no public key found in {home / '.ssh'}")
    result = cli("key-add", "x", str(tmp_path / "missing.pub"))
    assert result.err == (
        f"Error: cannot read the key file {tmp_path / 'missing.pub'}: No such file or directory\n"
    )
    private = tmp_path / "id_ed25519"
    private.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n")
    assert "holds a private key" in cli("key-add", "x", str(private)).err
    fake_api.reply("POST", "/users/keys", 409, {"error": "Key already exists"})
    assert cli("key-add", "x", "-", stdin=KEY).err == "Error: Key already exists\n"


def test_long_keys_are_cut_in_the_middle():
    short = shorten(KEY)
    assert len(short) == 60
    assert short == "ssh-ed25519 AAAAC3NzaC1lZDI1...tC0v0tVJmJ6aG8xYzQ ana@laptop"
    assert shorten("short key") == "short key"


def test_key_list_and_remove(cli, fake_api, logged_in):
    fake_api.reply("GET", "/users/keys", 200, {"laptop": KEY, "ci": "ssh-rsa AAAA ci"})
    assert cli("key-list").out == (
        "+--------+--------------------------------------------------------------+\n"
        "| Name   | Content                                                      |\n"
        "+--------+--------------------------------------------------------------+\n"
        "| ci     | ssh-rsa AAAA ci                                              |\n"
        "| laptop | ssh-ed25519 AAAAC3NzaC1lZDI1...tC0v0tVJmJ6aG8xYzQ ana@laptop |\n"
        "+--------+--------------------------------------------------------------+\n"
    )
    assert KEY in cli("key-list", "--no-truncate").out
    assert json.loads(cli("key-list", "--json").out)["laptop"] == KEY
    fake_api.reply("DELETE", "/users/keys", 200)
    assert cli("key-remove", "laptop").out == 'Key "laptop" successfully removed!\n'
    assert fake_api.last().body == {"name": "laptop"}
