"""``app-deploy``'s upload: the app's files packed into a gzipped tar in memory.

What goes in:

- One directory given (the default ``.``): its contents, at the archive's
  root. Several paths, or a file: each at its base name.
- ``.git`` directories are always left out. A ``.slipwayignore`` or
  ``.tsuruignore`` file at the root of a directory given lists globs to
  leave out, one per line (blank lines and ``#`` comments are skipped). A
  glob without ``/`` matches a file or directory name at any depth
  (``*.pyc``, ``node_modules``); with ``/`` it matches the path from that
  root (``docs/build``, ``/local.cfg``); a trailing ``/`` matches only
  directories. An ignored directory is left out with everything in it.
- Symbolic links are stored as links, never followed, so nothing outside
  the tree gets into the archive. Links that point outside the tree
  (absolute, or climbing out with ``..``) would dangle on the server: they
  are left out, and reported. The paths named on the command line are
  followed, as the user chose them.
- File modes are kept (the executable bit matters); owners are not.
"""

from __future__ import annotations

import fnmatch
import io
import os
import stat
import tarfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from slipway.cli.errors import CliError

IGNORE_FILES = (".slipwayignore", ".tsuruignore")
ALWAYS_SKIPPED = (".git",)
MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
_MIB = 1024 * 1024


def human_size(size: int) -> str:
    """``512 B``, ``3.4 KiB``, ``100 MiB``."""
    if size < 1024:
        return f"{size} B"
    for unit, scale in (("KiB", 1024), ("MiB", _MIB)):
        if size < scale * 1024 or unit == "MiB":
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class IgnoreRules:
    """The globs of a directory's ignore files."""

    patterns: tuple[str, ...] = ()

    @classmethod
    def parse(cls, lines: Iterable[str]) -> IgnoreRules:
        """Rules from ignore-file lines; ``!`` (re-include) is refused, not guessed."""
        patterns = []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("!"):
                raise CliError(f'ignore rule "{line}": re-including with "!" is not supported')
            patterns.append(line)
        return cls(tuple(patterns))

    @classmethod
    def read(cls, directory: Path) -> IgnoreRules:
        """The rules of ``directory``'s ``.slipwayignore`` and ``.tsuruignore``, together."""
        lines: list[str] = []
        for name in IGNORE_FILES:
            path = directory / name
            if path.is_file():
                try:
                    lines.extend(path.read_text(encoding="utf-8").splitlines())
                except (OSError, UnicodeDecodeError) as exc:
                    raise CliError(f"cannot read {path}: {exc}") from exc
        return cls.parse(lines)

    def ignores(self, relative: PurePosixPath, *, is_dir: bool) -> bool:
        """Whether the path (relative to the rules' directory) is left out."""
        if relative.name in ALWAYS_SKIPPED:
            return True
        for pattern in self.patterns:
            directory_only = pattern.endswith("/")
            glob = pattern.rstrip("/")
            if not glob or (directory_only and not is_dir):
                continue
            if "/" in glob:
                if fnmatch.fnmatchcase(relative.as_posix(), glob.lstrip("/")):
                    return True
            elif fnmatch.fnmatchcase(relative.name, glob):
                return True
        return False


@dataclass
class Packed:
    """The archive and what was left out of it."""

    data: bytes
    files: int
    skipped_links: list[str] = field(default_factory=list)


def _link_escapes(link: Path, root: Path) -> bool:
    """Whether the symbolic link ``link`` points outside ``root``."""
    target = os.readlink(link)
    if os.path.isabs(target):
        return True
    top = os.path.abspath(root)
    resolved = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(link)), target))
    return os.path.commonpath([resolved, top]) != top


def _walk(root: Path, rules: IgnoreRules) -> Iterator[tuple[Path, PurePosixPath]]:
    """Every path under ``root`` to pack (sorted, parents first), with its relative path."""
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError as exc:
        raise CliError(f"cannot read {root}: {exc.strerror or exc}") from exc
    stack = [(entry, PurePosixPath(entry.name)) for entry in reversed(entries)]
    while stack:
        entry, relative = stack.pop()
        is_dir = entry.is_dir(follow_symlinks=False)
        if rules.ignores(relative, is_dir=is_dir):
            continue
        yield Path(entry.path), relative
        if is_dir:
            try:
                children = sorted(os.scandir(entry.path), key=lambda child: child.name)
            except OSError as exc:
                raise CliError(f"cannot read {entry.path}: {exc.strerror or exc}") from exc
            stack.extend((child, relative / child.name) for child in reversed(children))


class _Watched(io.RawIOBase):
    """A file being packed; stops the packing as soon as the archive is too big."""

    def __init__(self, content: io.BufferedReader, packer: _Packer) -> None:
        super().__init__()
        self.content = content
        self.packer = packer

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.packer.check_size()
        return self.content.read(size)


class _Packer:
    def __init__(self, tar: tarfile.TarFile, buffer: io.BytesIO, limit: int) -> None:
        self.tar = tar
        self.buffer = buffer
        self.limit = limit
        self.files = 0
        self.skipped_links: list[str] = []

    def add(self, path: Path, name: PurePosixPath, *, root: Path, follow: bool) -> None:
        """Add one path (not its children) as ``name``."""
        try:
            if follow:
                path = path.resolve(strict=True)
            elif stat.S_ISLNK(path.lstat().st_mode) and _link_escapes(path, root):
                self.skipped_links.append(name.as_posix())
                return
            info = self.tar.gettarinfo(str(path), arcname=name.as_posix())
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if not (info.isfile() or info.isdir() or info.issym()):
            return  # sockets, fifos and devices have no place in an app
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        if info.isfile():
            try:
                with path.open("rb") as content:
                    self.tar.addfile(info, _Watched(content, self))
            except OSError as exc:
                raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
        else:
            self.tar.addfile(info)
        if not info.isdir():
            self.files += 1
        self.check_size()

    def check_size(self) -> None:
        if self.buffer.tell() > self.limit:
            raise CliError(
                f"the archive is over {human_size(self.limit)}: leave out what the app does not"
                " need with a .slipwayignore file"
            )

    def add_tree(self, directory: Path, prefix: PurePosixPath | None) -> None:
        rules = IgnoreRules.read(directory)
        for path, relative in _walk(directory, rules):
            self.add(path, prefix / relative if prefix else relative, root=directory, follow=False)


def pack(paths: Sequence[str | Path], *, limit: int = MAX_ARCHIVE_BYTES) -> Packed:
    """Pack ``paths`` into a tar.gz (see the module's documentation for the rules).

    Raises ``CliError`` for a missing path, an archive with no files, or one
    over ``limit`` bytes compressed.
    """
    if not paths:
        paths = ["."]
    for raw in paths:
        if not os.path.exists(raw):
            raise CliError(f"cannot deploy {raw}: no such file or directory")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        packer = _Packer(tar, buffer, limit)
        single_directory = len(paths) == 1 and os.path.isdir(paths[0])
        for raw in paths:
            path = Path(raw)
            if single_directory:
                packer.add_tree(path, None)
                continue
            name = PurePosixPath(Path(os.path.abspath(path)).name)
            if name.name in ALWAYS_SKIPPED:
                continue
            packer.add(path, name, root=path.resolve().parent, follow=True)
            if path.is_dir():
                packer.add_tree(path, name)
    packer.check_size()
    data = buffer.getvalue()
    if packer.files == 0:
        shown = " ".join(str(raw) for raw in paths)
        raise CliError(f"nothing to deploy: no files in {shown} (or every file is ignored)")
    return Packed(data, packer.files, packer.skipped_links)
