"""app-deploy's archive: what is packed, what is left out, and the limits."""

from __future__ import annotations

import io
import os
import stat
import tarfile
from pathlib import Path, PurePosixPath

import pytest

from slipway.cli.archive import IgnoreRules, human_size, pack
from slipway.cli.errors import CliError


def members(data: bytes) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {member.name: member for member in tar.getmembers()}


def content(data: bytes, name: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        extracted = tar.extractfile(name)
        assert extracted is not None
        return extracted.read()


def write(path: Path, text: str = "x", mode: int = 0o644) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    root = tmp_path / "blog"
    write(root / "app.py", "print('hi')\n")
    write(root / "Procfile", "web: python app.py\n")
    write(root / "bin" / "start", "#!/bin/sh\n", mode=0o755)
    write(root / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(root / "static" / "site.css", "body {}\n")
    return root


def test_a_directory_is_packed_at_the_root_with_modes_and_without_git(app_dir):
    packed = pack([app_dir])
    found = members(packed.data)
    assert sorted(found) == ["Procfile", "app.py", "bin", "bin/start", "static", "static/site.css"]
    assert packed.files == 4
    assert stat.S_IMODE(found["bin/start"].mode) == 0o755
    assert stat.S_IMODE(found["app.py"].mode) == 0o644
    assert found["bin"].isdir()
    assert {(m.uid, m.gid, m.uname, m.gname) for m in found.values()} == {(0, 0, "", "")}
    assert content(packed.data, "app.py") == b"print('hi')\n"


def test_the_default_is_the_current_directory(app_dir, monkeypatch):
    monkeypatch.chdir(app_dir)
    assert "Procfile" in members(pack([]).data)


def test_nested_git_directories_are_skipped_too(app_dir):
    write(app_dir / "vendor" / "lib" / ".git" / "config")
    write(app_dir / "vendor" / "lib" / "lib.py")
    found = members(pack([app_dir]).data)
    assert "vendor/lib/lib.py" in found
    assert not any(".git" in PurePosixPath(name).parts for name in found)


@pytest.mark.parametrize("ignore_file", [".slipwayignore", ".tsuruignore"])
def test_ignore_files(app_dir, ignore_file):
    write(app_dir / ignore_file, "# build output\n\n*.pyc\nnode_modules\n/local.cfg\ndocs/build\n")
    write(app_dir / "cache.pyc")
    write(app_dir / "pkg" / "mod.pyc")
    write(app_dir / "pkg" / "mod.py")
    write(app_dir / "node_modules" / "left-pad" / "index.js")
    write(app_dir / "web" / "node_modules" / "x.js")
    write(app_dir / "local.cfg")
    write(app_dir / "pkg" / "local.cfg")
    write(app_dir / "docs" / "build" / "index.html")
    write(app_dir / "docs" / "index.md")
    found = members(pack([app_dir]).data)
    for kept in ("pkg/mod.py", "pkg/local.cfg", "docs/index.md", "web", ignore_file):
        assert kept in found, kept
    for left_out in (
        "cache.pyc",
        "pkg/mod.pyc",
        "node_modules",
        "web/node_modules",
        "local.cfg",
        "docs/build",
        "docs/build/index.html",
    ):
        assert left_out not in found, left_out


def test_both_ignore_files_apply(app_dir):
    write(app_dir / ".slipwayignore", "*.log\n")
    write(app_dir / ".tsuruignore", "*.tmp\n")
    write(app_dir / "a.log")
    write(app_dir / "a.tmp")
    found = members(pack([app_dir]).data)
    assert "a.log" not in found
    assert "a.tmp" not in found


def test_a_trailing_slash_matches_only_directories():
    rules = IgnoreRules.parse(["build/"])
    assert rules.ignores(PurePosixPath("build"), is_dir=True)
    assert rules.ignores(PurePosixPath("src/build"), is_dir=True)
    assert not rules.ignores(PurePosixPath("build"), is_dir=False)


def test_re_including_is_refused_rather_than_guessed():
    with pytest.raises(CliError, match=r'"!keep\.pyc": re-including with "!" is not supported'):
        IgnoreRules.parse(["*.pyc", "!keep.pyc"])


def test_symbolic_links_are_stored_as_links_and_never_followed(app_dir, tmp_path):
    secret = write(tmp_path / "secret.txt", "do not upload")
    os.symlink("app.py", app_dir / "main.py")
    os.symlink("../static", app_dir / "bin" / "static")
    os.symlink(secret, app_dir / "absolute")
    os.symlink("../secret.txt", app_dir / "climbing")
    os.symlink("bin/../../secret.txt", app_dir / "sneaky")
    os.symlink("missing", app_dir / "dangling")
    os.symlink(tmp_path, app_dir / "outside-dir")
    packed = pack([app_dir])
    found = members(packed.data)
    assert found["main.py"].issym()
    assert found["main.py"].linkname == "app.py"
    assert found["bin/static"].issym()
    assert found["dangling"].issym()
    assert sorted(packed.skipped_links) == ["absolute", "climbing", "outside-dir", "sneaky"]
    for name in packed.skipped_links:
        assert name not in found
    with tarfile.open(fileobj=io.BytesIO(packed.data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                extracted = tar.extractfile(member)
                assert extracted is not None
                assert b"do not upload" not in extracted.read()


def test_several_paths_are_packed_under_their_names(app_dir, monkeypatch):
    monkeypatch.chdir(app_dir)
    os.symlink("app.py", app_dir / "alias.py")
    found = members(pack(["Procfile", "static", "alias.py"]).data)
    assert sorted(found) == ["Procfile", "alias.py", "static", "static/site.css"]
    # A path named on the command line is the user's choice: it is followed.
    assert found["alias.py"].isfile()
    assert found["alias.py"].size == len("print('hi')\n")


def test_a_missing_path_is_an_error(tmp_path):
    with pytest.raises(CliError, match=r"^cannot deploy .*/nope: no such file or directory$"):
        pack([tmp_path / "nope"])


def test_an_empty_archive_is_an_error(tmp_path):
    empty = tmp_path / "empty"
    write(empty / ".git" / "HEAD")
    (empty / "only-dirs" / "deeper").mkdir(parents=True)
    with pytest.raises(CliError, match=r"^nothing to deploy: no files in .*empty"):
        pack([empty])
    write(empty / ".slipwayignore", "*\n")
    write(empty / "app.py")
    with pytest.raises(CliError, match=r"every file is ignored"):
        pack([empty])


def test_an_archive_over_the_limit_is_refused(app_dir):
    write(app_dir / "big.bin", "")
    (app_dir / "big.bin").write_bytes(os.urandom(300_000))
    with pytest.raises(CliError, match=r"^the archive is over 195.3 KiB: leave out"):
        pack([app_dir], limit=200_000)
    assert pack([app_dir], limit=400_000).files == 5


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (1023, "1023 B"), (3482, "3.4 KiB"), (100 * 1024 * 1024, "100 MiB")],
)
def test_human_size(size, text):
    assert human_size(size) == text
