"""Uploaded app archives: checked, read for Procfile and app.yaml, re-packed as a build context."""

from __future__ import annotations

import hashlib
import io
import posixpath
import tarfile
import zlib
from dataclasses import dataclass, field

from ..core.errors import ValidationError
from ..core.manifest import MANIFEST_NAMES, Manifest, parse_manifest, parse_procfile

MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
APP_DIR = "app"


@dataclass
class AppSource:
    """An app's files as uploaded, with what the deploy reads from them."""

    members: list[tuple[tarfile.TarInfo, bytes | None]] = field(default_factory=list)
    processes: dict[str, str] | None = None
    manifest: Manifest = field(default_factory=Manifest)
    digest: str = ""


def _clean_name(name: str) -> str | None:
    """The member's path inside the app, or None for the root and paths leaving it."""
    if posixpath.isabs(name):
        return None
    path = posixpath.normpath(name)
    if path in (".", "..") or path.startswith("../"):
        return None
    return path


def _safe_link(member: tarfile.TarInfo, path: str) -> bool:
    target = member.linkname
    if posixpath.isabs(target):
        return False
    base = posixpath.dirname(path) if member.issym() else ""
    resolved = posixpath.normpath(posixpath.join(base, target))
    return not (resolved == ".." or resolved.startswith("../"))


def read(data: bytes) -> AppSource:
    """Check an uploaded tar (gzip or not) and read its Procfile and app.yaml."""
    if not data:
        raise ValidationError("The app archive is empty.")
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ValidationError(f"The app archive is larger than {MAX_ARCHIVE_BYTES >> 20} MiB.")
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")  # noqa: SIM115 - closed below
    except (tarfile.TarError, EOFError, OSError):
        raise ValidationError("The app archive is not a tar or tar.gz file.") from None
    source = AppSource()
    unpacked = 0
    texts: dict[str, bytes] = {}
    try:
        with tar:
            for member in tar:
                path = _clean_name(member.name)
                if path is None or not (member.isfile() or member.isdir() or member.issym()):
                    continue
                if member.issym() and not _safe_link(member, path):
                    raise ValidationError(f"The app archive's link {path} points outside the app.")
                content = None
                if member.isfile():
                    unpacked += member.size
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise ValidationError("The app archive unpacks to more than 1 GiB.")
                    extracted = tar.extractfile(member)
                    content = extracted.read() if extracted else b""
                    if path in ("Procfile", *MANIFEST_NAMES):
                        texts[path] = content
                copy = tarfile.TarInfo(f"{APP_DIR}/{path}")
                copy.type, copy.mode, copy.mtime = member.type, member.mode & 0o7777, member.mtime
                copy.linkname, copy.size = member.linkname, len(content or b"")
                source.members.append((copy, content))
    except (tarfile.TarError, EOFError, OSError, zlib.error):
        raise ValidationError("The app archive is damaged.") from None
    if not any(info.isfile() for info, _ in source.members):
        raise ValidationError("The app archive holds no files.")
    if "Procfile" in texts:
        source.processes = parse_procfile(_text(texts["Procfile"], "Procfile"))
    for name in MANIFEST_NAMES:
        if name in texts:
            source.manifest = parse_manifest(_text(texts[name], name), name)
            break
    source.digest = source_digest(source.members)
    return source


def source_digest(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> str:
    """``sha256:<hex>`` of the app's content, whatever the tar's order, owners and times.

    One line per file (``f``, path, ``x`` or ``-`` for the executable bit, the
    SHA-256 of its bytes) and per symbolic link (``l``, path, target), fields
    separated by NUL, sorted by path; directories are implied by their files.
    The same files packed twice give the same digest, so a client can tell
    whether the current release was built from them (docs/deploys.md).
    """
    lines = []
    for info, content in members:
        path = info.name.removeprefix(f"{APP_DIR}/")
        if info.isfile():
            executable = "x" if info.mode & 0o111 else "-"
            lines.append(f"f\0{path}\0{executable}\0{hashlib.sha256(content or b'').hexdigest()}")
        elif info.issym():
            lines.append(f"l\0{path}\0{info.linkname}")
    total = hashlib.sha256()
    for line in sorted(lines):
        total.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return f"sha256:{total.hexdigest()}"


def _text(content: bytes, name: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"invalid {name}: not UTF-8 text") from None


def build_context(dockerfile: str, source: AppSource | None = None) -> bytes:
    """An uncompressed tar: the Dockerfile and, when given, the app under ``app/``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        encoded = dockerfile.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size, info.mode = len(encoded), 0o644
        tar.addfile(info, io.BytesIO(encoded))
        app_dir = tarfile.TarInfo(APP_DIR)
        app_dir.type, app_dir.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(app_dir)
        for member, content in source.members if source else ():
            tar.addfile(member, io.BytesIO(content) if content is not None else None)
    return buffer.getvalue()
