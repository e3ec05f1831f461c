"""Building images on a node and moving them through the cluster registry."""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import docker
import requests
from docker.errors import APIError, DockerException, ImageNotFound

from .. import platform_images

Log = Callable[[str], None]


class ImageError(Exception):
    """A build, push or pull failed; the message is the engine's own words."""


@contextlib.contextmanager
def _engine_errors(what: str) -> Iterator[None]:
    """Turn the engine's and the SDK's errors into ImageError naming ``what`` failed."""
    try:
        yield
    except platform_images.PlatformBuildError as exc:
        raise ImageError(str(exc)) from None
    except (DockerException, requests.RequestException) as exc:
        raise ImageError(f"{what}: {exc}") from None


def build(
    engine: docker.DockerClient,
    context: bytes,
    tag: str,
    log: Log,
    *,
    labels: dict[str, str] | None = None,
) -> str:
    """Build ``context`` (an uncompressed tar) as ``tag``, logging each output line indented."""
    with _engine_errors(f"the build of {tag} failed"):
        return platform_images.run_build(engine, context, tag=tag, log=log, labels=labels)


def push(engine: docker.DockerClient, tag: str, log: Log) -> None:
    with _engine_errors(f"cannot push {tag}"):
        platform_images.push(engine, tag, log)


def ensure(engine: docker.DockerClient, tag: str, log: Log) -> None:
    """Make ``tag`` present on the node, pulling it from its registry when missing."""
    with _engine_errors(f"cannot pull {tag}"):
        platform_images.ensure_image(engine, tag, log)


def prune(engine: docker.DockerClient) -> None:
    """Drop the dangling layers a failed build leaves behind."""
    with contextlib.suppress(DockerException, requests.RequestException):
        engine.images.prune(filters={"dangling": True})


def labels(engine: docker.DockerClient, tag: str) -> dict[str, str]:
    try:
        return dict(engine.images.get(tag).labels or {})
    except (APIError, DockerException, requests.RequestException) as exc:
        raise ImageError(f"inspect {tag}: {exc}") from None


@dataclass(frozen=True)
class ImageConfig:
    """What an image runs when a container gives no command, and its labels."""

    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def command(self) -> str:
        """ENTRYPOINT then CMD as one shell-quoted line; empty when the image has neither."""
        return shlex.join(self.entrypoint + self.cmd)


def _words(value: object) -> tuple[str, ...]:
    if isinstance(value, str):  # an old engine's shell-form string
        return (value,) if value else ()
    return tuple(str(word) for word in value) if isinstance(value, list) else ()


def config(engine: docker.DockerClient, tag: str) -> ImageConfig:
    """Inspect ``tag`` (present on the node) for its ENTRYPOINT, CMD and labels."""
    try:
        attrs = engine.images.get(tag).attrs
    except (APIError, DockerException, requests.RequestException) as exc:
        raise ImageError(f"inspect {tag}: {exc}") from None
    found = attrs.get("Config") or {}
    return ImageConfig(
        entrypoint=_words(found.get("Entrypoint")),
        cmd=_words(found.get("Cmd")),
        labels=dict(found.get("Labels") or {}),
    )


def remove(engine: docker.DockerClient, tag: str) -> None:
    """Remove ``tag`` from the node; an image that is gone already is fine."""
    try:
        engine.images.remove(tag, noprune=False)
    except ImageNotFound:
        pass
    except (APIError, DockerException, requests.RequestException):
        # Still used by a container: it goes with the next cleanup.
        pass


def delete_from_registry(tag: str, timeout: float = 10.0) -> bool:
    """Delete ``<registry>/<repo>:<version>``'s manifest from a plain-HTTP v2 registry."""
    registry, _, rest = tag.partition("/")
    repository, _, version = rest.rpartition(":")
    accept = "application/vnd.docker.distribution.manifest.v2+json"
    try:
        head = requests.head(
            f"http://{registry}/v2/{repository}/manifests/{version}",
            headers={"Accept": accept},
            timeout=timeout,
        )
        digest = head.headers.get("Docker-Content-Digest")
        if head.status_code != 200 or not digest:
            return False
        gone = requests.delete(
            f"http://{registry}/v2/{repository}/manifests/{digest}", timeout=timeout
        )
    except requests.RequestException:
        return False
    return gone.status_code in (200, 202, 404)
