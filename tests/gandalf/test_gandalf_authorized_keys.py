"""authorized_keys: exact lines, appends under a lock, exact-match removal, mode 0600."""

from __future__ import annotations

import multiprocessing

from slipway.gandalf import authorized_keys


def test_line_format():
    line = authorized_keys.line("/usr/bin/gandalf-ssh", "ana", "ssh-ed25519 AAAA c@d")
    assert line == (
        "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty,"
        'command="/usr/bin/gandalf-ssh ana" ssh-ed25519 AAAA c@d'
    )


def test_add_remove_keeps_other_lines(tmp_path):
    path = str(tmp_path / "ssh" / "authorized_keys")
    authorized_keys.add(path, ["one", "two"])
    authorized_keys.add(path, ["two", "three"])
    assert authorized_keys.read(path) == ["one", "two", "three"]
    assert (tmp_path / "ssh" / "authorized_keys").stat().st_mode & 0o777 == 0o600
    authorized_keys.remove(path, ["two", "tw"])
    assert authorized_keys.read(path) == ["one", "three"]
    assert (tmp_path / "ssh" / "authorized_keys").stat().st_mode & 0o777 == 0o600


def test_append_to_a_file_without_final_newline(tmp_path):
    path = tmp_path / "authorized_keys"
    path.write_text("operator-key")
    authorized_keys.add(str(path), ["managed"])
    assert authorized_keys.read(str(path)) == ["operator-key", "managed"]


def _writer(path: str, prefix: str) -> None:
    for n in range(40):
        authorized_keys.add(path, [f"{prefix}-{n}"])
        if n % 3 == 0:
            authorized_keys.remove(path, [f"{prefix}-{n}"])


def test_concurrent_writers_lose_nothing(tmp_path):
    path = str(tmp_path / "authorized_keys")
    processes = [
        multiprocessing.get_context("fork").Process(target=_writer, args=(path, f"p{i}"))
        for i in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(30)
    expected = {f"p{i}-{n}" for i in range(4) for n in range(40) if n % 3}
    assert set(authorized_keys.read(path)) == expected
    assert len(authorized_keys.read(path)) == len(expected)
