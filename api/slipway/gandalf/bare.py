"""Bare repositories on disk, hooks, and the read-only helpers built on ``git``."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from typing import Any

from .errors import BadRequest, GitError, NotFound

HOOKS = ("post-receive", "pre-receive", "update")
ARCHIVE_FORMATS = {
    "zip": "application/zip",
    "tar": "application/x-tar",
    "tar.gz": "application/x-compressed",
}
EXPORT_OK = "git-daemon-export-ok"
_FIELD = "%x1f"
_RECORD = "%x1e"
_GIT_TIMEOUT = 120


def path_for(location: str, name: str) -> str:
    """``<location>/<name>.git``, refusing anything that resolves outside ``location``."""
    root = os.path.realpath(location)
    full = os.path.realpath(os.path.join(root, f"{name}.git"))
    if os.path.commonpath([root, full]) != root or full == root:
        raise BadRequest(f"Invalid repository name {name!r}: its path leaves the bare location.")
    return full


def _git(args: list[str], cwd: str | None = None, *, text: bool = True) -> Any:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=text,
            env=env,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {args[0]} failed: {exc}") from None
    if result.returncode != 0:
        stderr = result.stderr if text else result.stderr.decode("utf-8", "replace")
        raise GitError(f"git {args[0]} failed: {stderr.strip()}")
    return result.stdout


def init(path: str, template: str = "", public: bool = False) -> None:
    """``git init --bare [--template=...]``; safe on an existing repository."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    args = ["init", "--bare", "--quiet"]
    if template:
        args.append(f"--template={template}")
    _git([*args, path])
    set_public(path, public)


def set_public(path: str, public: bool) -> None:
    marker = os.path.join(path, EXPORT_OK)
    if public:
        with open(marker, "a", encoding="utf-8"):
            pass
    elif os.path.exists(marker):
        os.unlink(marker)


def remove(path: str) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path)


def move(old: str, new: str) -> None:
    if os.path.exists(new):
        raise BadRequest("A repository directory with the new name already exists.")
    if os.path.isdir(old):
        os.makedirs(os.path.dirname(new), exist_ok=True)
        os.rename(old, new)


def write_hook(directories: Iterable[str], name: str, content: bytes) -> None:
    """Write hook ``name`` (0755) into each ``<directory>/hooks``."""
    if name not in HOOKS:
        raise BadRequest(f"Unsupported hook {name!r}: use {', '.join(HOOKS)}.")
    for directory in directories:
        hooks = os.path.join(directory, "hooks")
        os.makedirs(hooks, exist_ok=True)
        target = os.path.join(hooks, name)
        temporary = f"{target}.tmp{os.getpid()}"
        with open(temporary, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o755)
        os.replace(temporary, target)


# Read-only helpers ---------------------------------------------------------------------


def _ref(value: str | None, default: str = "master") -> str:
    ref = value or default
    if ref.startswith("-") or any(c.isspace() or c == "\x00" for c in ref) or ".." in ref:
        raise BadRequest(f"Invalid ref {ref!r}.")
    return ref


def _require(path: str) -> None:
    if not os.path.isdir(path):
        raise NotFound("Repository not found")


def _commit(path: str, ref: str) -> str:
    try:
        return _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], path).strip()
    except GitError:
        raise NotFound(f"Error when trying to obtain ref {ref}: not found") from None


def archive(path: str, name: str, ref: str | None, fmt: str | None) -> tuple[bytes, str, str]:
    """``git archive`` of ``ref``: (bytes, content type, file name)."""
    _require(path)
    fmt = fmt or "zip"
    if fmt not in ARCHIVE_FORMATS:
        raise BadRequest(f"Invalid format {fmt!r}: use zip, tar or tar.gz.")
    ref = _ref(ref)
    commit = _commit(path, ref)
    base = os.path.basename(name)
    safe_ref = ref.replace("/", "-")
    data = _git(
        ["archive", f"--format={fmt}", f"--prefix={base}-{safe_ref}/", commit], path, text=False
    )
    return data, ARCHIVE_FORMATS[fmt], f"{base}_{safe_ref}.{fmt}"


def contents(path: str, ref: str | None, file_path: str | None) -> bytes:
    _require(path)
    if not file_path:
        raise BadRequest("Missing the file path (path=...).")
    ref = _ref(ref)
    _commit(path, ref)
    try:
        return _git(["cat-file", "blob", f"{ref}:{file_path}"], path, text=False)
    except GitError:
        raise NotFound(f"Error when trying to obtain {file_path} at ref {ref}") from None


def tree(path: str, ref: str | None, tree_path: str | None) -> list[dict[str, str]]:
    _require(path)
    ref = _ref(ref)
    _commit(path, ref)
    args = ["ls-tree", "-r", "-z", ref]
    if tree_path and tree_path not in (".", "/"):
        args += ["--", tree_path]
    entries = []
    for record in _git(args, path).split("\x00"):
        if not record:
            continue
        meta, _, file_name = record.partition("\t")
        mode, kind, object_id = meta.split()
        entries.append({"permission": mode, "filetype": kind, "hash": object_id, "path": file_name})
    return entries


def _person(name: str, email: str, date: str) -> dict[str, str]:
    return {"name": name, "email": f"<{email}>", "date": date}


def _refs(path: str, namespace: str, base_url: str) -> list[dict[str, Any]]:
    _require(path)
    fields = [
        "%(refname)",
        "%(refname:short)",
        "%(objectname)",
        "%(*objectname)",
        "%(authorname)",
        "%(authoremail:trim)",
        "%(authordate:iso8601-strict)",
        "%(committername)",
        "%(committeremail:trim)",
        "%(committerdate:iso8601-strict)",
        "%(*authorname)",
        "%(*authoremail:trim)",
        "%(*authordate:iso8601-strict)",
        "%(contents:subject)",
        "%(taggername)",
        "%(taggeremail:trim)",
        "%(taggerdate:iso8601-strict)",
    ]
    out = _git(
        ["for-each-ref", "--sort=refname", f"--format={'%1f'.join(fields)}%1e", namespace],
        path,
    )
    result = []
    for record in out.replace("\x1e\n", "\x1e").split("\x1e"):
        if not record.strip():
            continue
        values = record.split("\x1f")
        (ref, short, obj, peeled, an, ae, ad, cn, ce, cd, tan, tae, tad, subject, tgn, tge, tgd) = (
            values + [""] * 17
        )[:17]
        if tan:  # an annotated tag: the tagged commit's author, the tagger
            an, ae, ad = tan, tae, tad
            cn, ce, cd = tgn, tge, tgd
        short_name = short.split("/", 1)[1] if short.startswith(("heads/", "tags/")) else short
        entry: dict[str, Any] = {
            "ref": peeled or obj,
            "name": short_name,
            "author": _person(an, ae, ad),
            "committer": _person(cn, ce, cd),
            "subject": subject,
            "createdAt": cd or ad,
            "_links": {
                "zipArchive": f"{base_url}/archive?ref={short_name}&format=zip",
                "tarArchive": f"{base_url}/archive?ref={short_name}&format=tar.gz",
            },
        }
        if ref.startswith("refs/tags/"):
            entry["tagger"] = _person(tgn, tge, tgd) if tgn else entry["committer"]
        result.append(entry)
    return result


def branches(path: str, base_url: str) -> list[dict[str, Any]]:
    return _refs(path, "refs/heads/", base_url)


def tags(path: str, base_url: str) -> list[dict[str, Any]]:
    return _refs(path, "refs/tags/", base_url)


def logs(path: str, ref: str | None, file_path: str | None, total: int) -> dict[str, Any]:
    """The last ``total`` commits reachable from ``ref`` (touching ``file_path`` if given)."""
    _require(path)
    ref = _ref(ref)
    _commit(path, ref)
    fmt = _FIELD.join(["%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%s"]) + _RECORD
    args = ["log", f"--format={fmt}", f"--max-count={total + 1}", ref]
    if file_path:
        args += ["--", file_path]
    commits = []
    for record in _git(args, path).split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        commit, parents, an, ae, ad, cn, ce, cd, subject = (record.split("\x1f") + [""] * 9)[:9]
        commits.append(
            {
                "ref": commit,
                "author": _person(an, ae, ad),
                "committer": _person(cn, ce, cd),
                "subject": subject,
                "createdAt": cd,
                "parent": parents.split(),
            }
        )
    following = commits[total]["ref"] if len(commits) > total else ""
    return {"commits": commits[:total], "next": following}


def diff(path: str, previous: str | None, last: str | None) -> str:
    _require(path)
    if not previous or not last:
        raise BadRequest("Missing previous_commit or last_commit.")
    first, second = _ref(previous), _ref(last)
    _commit(path, first)
    _commit(path, second)
    return _git(["diff", first, second, "--"], path)
