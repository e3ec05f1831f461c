"""Slipway's platform images: their Dockerfiles, build contexts, builds and pushes.

Each platform (``base``, ``nodejs``, ``python``, ``static``) is a directory
holding a ``Dockerfile`` that starts ``ARG ROOTFS`` / ``FROM ${ROOTFS}`` and,
for some, a ``dependencies.sh`` step; ``shared/`` holds what every platform
image copies in (``setup``, ``deploy``). The contract these images keep is in
docs/deploys.md ("Platform images").

``build`` and ``push`` talk to one Docker engine with the SDK's low-level API
and stream the engine's output, line by line and indented, to a ``log``
callable; ``run_build`` is the same streaming build for any context (the
provisioner builds app images with it).
"""

from __future__ import annotations

import io
import re
import tarfile
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

import docker
import docker.errors
from docker.utils import parse_repository_tag

__all__ = [
    "PLATFORMS",
    "PlatformBuildError",
    "build",
    "build_context",
    "push",
    "run_build",
]

PLATFORMS: tuple[str, ...] = ("base", "nodejs", "python", "static")
SHARED = "shared"
# Prefix of every line of engine output sent to ``log`` (build output is
# indented in deploy streams; progress lines start with "---> ").
INDENT = "    "
# Files in the build context: scripts are executable, the rest readable.
_EXECUTABLE = 0o755
_READABLE = 0o644

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
# The classic builder's bookkeeping between steps: container and layer ids.
_BUILD_NOISE = re.compile(
    r"^(?: ---> (?:Running in )?|Removing intermediate container )[0-9a-f]{12}$"
)
# Push progress that would repeat once per layer and per chunk.
_PUSH_NOISE = frozenset({"Preparing", "Waiting", "Pushing"})


class PlatformBuildError(Exception):
    """A build, pull or push the engine refused or could not finish."""


def _files(name: str) -> dict[str, bytes]:
    root = resources.files(__name__)
    files: dict[str, bytes] = {}
    for directory in (SHARED, name):
        for entry in root.joinpath(directory).iterdir():
            if entry.is_file() and not entry.name.startswith((".", "__")):
                if entry.name in files:
                    raise RuntimeError(f"platform {name}: {entry.name} is also a shared file")
                files[entry.name] = entry.read_bytes()
    return files


def build_context(name: str) -> bytes:
    """The build context of platform ``name``: an uncompressed tar of its
    Dockerfile and the shared files, with fixed owners, modes and times so
    the same files give the same context (and the engine's cache hits)."""
    if name not in PLATFORMS:
        raise ValueError(f"unknown platform {name!r}: one of {', '.join(PLATFORMS)}")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for filename, data in sorted(_files(name).items()):
            info = tarfile.TarInfo(filename)
            info.size = len(data)
            info.mode = _READABLE if filename == "Dockerfile" else _EXECUTABLE
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class _Lines:
    """Turns a stream of text pieces into clean lines for ``log``: a piece may
    end mid-line, ANSI codes go, and a carriage return (a progress counter
    redrawing itself) keeps only the line's last state."""

    def __init__(self, log: Callable[[str], None], skip: re.Pattern[str] | None = None) -> None:
        self._log = log
        self._skip = skip
        self._pending = ""

    def feed(self, text: str) -> None:
        *complete, self._pending = (self._pending + text).split("\n")
        for line in complete:
            self._emit(line)

    def flush(self) -> None:
        pending, self._pending = self._pending, ""
        self._emit(pending)

    def _emit(self, line: str) -> None:
        line = _ANSI.sub("", line).rstrip("\r").rsplit("\r", 1)[-1].rstrip()
        if line and not (self._skip and self._skip.match(line)):
            self._log(INDENT + line)


def _error(chunk: Mapping[str, Any]) -> str | None:
    if "error" in chunk or "errorDetail" in chunk:
        detail = chunk.get("errorDetail") or {}
        message = chunk.get("error") or detail.get("message") or "unknown error"
        return _ANSI.sub("", str(message)).strip()
    return None


def _pull(client: docker.DockerClient, image: str, log: Callable[[str], None]) -> None:
    repository, tag = parse_repository_tag(image)
    log(f"{INDENT}pulling {image}")
    try:
        for chunk in client.api.pull(repository, tag=tag or "latest", stream=True, decode=True):
            error = _error(chunk)
            if error:
                raise PlatformBuildError(f"cannot pull {image}: {error}")
    except docker.errors.APIError as exc:
        raise PlatformBuildError(f"cannot pull {image}: {exc.explanation or exc}") from None


def ensure_image(client: docker.DockerClient, image: str, log: Callable[[str], None]) -> None:
    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        _pull(client, image, log)
    except docker.errors.APIError as exc:
        raise PlatformBuildError(f"cannot inspect {image}: {exc.explanation or exc}") from None


def run_build(
    client: docker.DockerClient,
    context: bytes,
    *,
    tag: str,
    log: Callable[[str], None],
    buildargs: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    nocache: bool = False,
) -> str:
    """Build ``context`` (an uncompressed tar holding a Dockerfile) as ``tag``.

    Streams each output line to ``log``, indented and without ANSI codes or
    the builder's container and layer ids; raises PlatformBuildError with the
    engine's error; returns the image id. The FROM image is not refreshed
    (pull=False): have it on the engine first. ``nocache`` runs every step
    again instead of reusing the engine's layers.
    """
    image_id = ""
    lines = _Lines(log, skip=_BUILD_NOISE)
    try:
        stream = client.api.build(
            fileobj=io.BytesIO(context),
            custom_context=True,
            tag=tag,
            buildargs=dict(buildargs or {}),
            labels=dict(labels) if labels else None,
            decode=True,
            rm=True,
            forcerm=True,
            pull=False,
            nocache=nocache,
        )
        for chunk in stream:
            error = _error(chunk)
            if error:
                raise PlatformBuildError(error)
            lines.feed(str(chunk.get("stream") or ""))
            if chunk.get("status"):
                lines.feed(f"{chunk['status']}\n")
            aux = chunk.get("aux")
            if isinstance(aux, dict) and aux.get("ID"):
                image_id = str(aux["ID"])
        if not image_id:
            image_id = client.images.get(tag).id or ""
    except docker.errors.APIError as exc:
        raise PlatformBuildError(f"build of {tag} failed: {exc.explanation or exc}") from None
    finally:
        lines.flush()
    if not image_id:
        raise PlatformBuildError(f"build of {tag} finished without an image")
    return image_id


def build(
    client: docker.DockerClient,
    name: str,
    *,
    rootfs: str,
    tag: str,
    log: Callable[[str], None],
    nocache: bool = False,
    pull_rootfs: bool = False,
) -> str:
    """Build platform ``name`` FROM the root filesystem image ``rootfs`` as ``tag``.

    Pulls ``rootfs`` first when the engine does not have it (from the cluster
    registry), or always with ``pull_rootfs``: an engine keeps the rootfs it
    pulled once, so platform-update pulls again to start from the newest one,
    and passes ``nocache`` to run every step again (Debian's updates).
    Returns the image id; raises ValueError for an unknown platform and
    PlatformBuildError when the pull or the build fails. The caller pushes
    ``tag`` (``push``).
    """
    context = build_context(name)
    if pull_rootfs:
        _pull(client, rootfs, log)
    else:
        ensure_image(client, rootfs, log)
    return run_build(
        client, context, tag=tag, log=log, buildargs={"ROOTFS": rootfs}, nocache=nocache
    )


def push(client: docker.DockerClient, tag: str, log: Callable[[str], None]) -> None:
    """Push ``tag`` to its registry; raises PlatformBuildError on an error in the stream."""
    repository, version = parse_repository_tag(tag)
    lines = _Lines(log)
    try:
        for chunk in client.api.push(repository, tag=version or "latest", stream=True, decode=True):
            error = _error(chunk)
            if error:
                raise PlatformBuildError(f"cannot push {tag}: {error}")
            status = str(chunk.get("status") or "")
            if not status or status in _PUSH_NOISE:
                continue
            layer = chunk.get("id")
            lines.feed(f"{layer}: {status}\n" if layer else f"{status}\n")
    except docker.errors.APIError as exc:
        raise PlatformBuildError(f"cannot push {tag}: {exc.explanation or exc}") from None
    finally:
        lines.flush()
