"""Fixtures of the platform image tests: the host's Docker engine, a real
Debian root filesystem imported into it, the four platform images built
from it, and units of the sample apps (tests/e2e/apps).

The root filesystem is made by the platform_images role's own script
(roles/platform_images/files/mkrootfs: debootstrap minbase, the host's extra
CA certificates), so these tests build what a cluster builds. Its tarball is
cached under $SLIPWAY_TEST_CACHE (default ~/.cache/slipway/platform-rootfs),
keyed by a hash of the script and of those certificates; making it needs root
and debootstrap (`make host` installs it), importing a cached one does not.

Every image and container made here carries the label io.slipway.test=platforms
and is removed at the end. SLIPWAY_TEST_KEEP_IMAGES=1 keeps the rootfs and
platform images, so that a next run's platform builds come from the engine's
cache (app images are always built without it); remove them later with
`docker image rm $(docker images -q --filter label=io.slipway.test=platforms)`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import docker.errors
import pytest
from docker.models.containers import Container

from slipway import platform_images

from .harness import (
    CACHE,
    DOCKER_SOCKET,
    HOST_CA_DIR,
    KEEP_IMAGES,
    LABEL,
    LABEL_VALUE,
    MKROOTFS,
    RUN_LABEL,
    TIMINGS,
    UNIT_PORT,
    Platform,
    Run,
    free_port,
    procfile,
    restart_hooks,
)


def pytest_terminal_summary(terminalreporter) -> None:
    if TIMINGS:
        terminalreporter.section("platform image build times")
        for what, seconds in TIMINGS:
            terminalreporter.write_line(f"{what:<42} {seconds:7.1f} s")


def _engine_or_skip() -> docker.DockerClient:
    if not os.path.exists(DOCKER_SOCKET):
        pytest.skip(f"no Docker engine: {DOCKER_SOCKET} does not exist")
    try:
        client = docker.DockerClient(base_url=f"unix://{DOCKER_SOCKET}", timeout=900)
        client.ping()
    except (docker.errors.DockerException, OSError) as exc:
        pytest.skip(f"no Docker engine answering on {DOCKER_SOCKET}: {exc}")
    return client


@pytest.fixture(scope="session")
def run() -> Iterator[Run]:
    client = _engine_or_skip()
    session = Run(client=client, token=uuid.uuid4().hex[:10])
    yield session
    for container in client.containers.list(
        all=True, filters={"label": f"{RUN_LABEL}={session.token}"}
    ):
        container.remove(force=True, v=True)
    for ref in reversed(session.images):
        if not (KEEP_IMAGES and ref in session.kept):
            with contextlib.suppress(docker.errors.ImageNotFound):
                client.images.remove(ref, force=True)
    # A failed build leaves the layers of its finished steps, untagged.
    client.images.prune(filters={"dangling": True, "label": f"{LABEL}={LABEL_VALUE}"})
    client.close()


def _rootfs_recipe() -> str:
    digest = hashlib.sha256(MKROOTFS.read_bytes())
    if HOST_CA_DIR.is_dir():
        for crt in sorted(HOST_CA_DIR.rglob("*.crt")):
            digest.update(str(crt.relative_to(HOST_CA_DIR)).encode() + b"\0" + crt.read_bytes())
    return digest.hexdigest()[:16]


def _make_rootfs_tarball(tarball: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip(f"making the rootfs needs root (debootstrap), and {tarball} is not cached")
    if shutil.which("debootstrap") is None:
        pytest.skip(f"debootstrap is not installed (make host), and {tarball} is not cached")
    for old in CACHE.glob("rootfs-*.tar"):
        old.unlink()
    command = [str(MKROOTFS), "--cache-dir", str(CACHE / "debs"), "--work-dir", "/var/tmp"]
    if HOST_CA_DIR.is_dir():
        command += ["--ca-dir", str(HOST_CA_DIR)]
    started = time.monotonic()
    done = subprocess.run([*command, str(tarball)], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        pytest.fail(f"mkrootfs failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    TIMINGS.append(("rootfs: mkrootfs (debootstrap)", time.monotonic() - started))


@pytest.fixture(scope="session")
def rootfs(run: Run) -> str:
    """The test tag of the rootfs image, imported from the cached tarball."""
    recipe = _rootfs_recipe()
    ref = f"slipway-test/rootfs:{recipe}"
    run.images.append(ref)
    run.kept.add(ref)
    try:
        run.client.images.get(ref)
        return ref
    except docker.errors.ImageNotFound:
        pass
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"rootfs-{recipe}.tar"
    if not tarball.exists():
        _make_rootfs_tarball(tarball)
    started = time.monotonic()
    subprocess.run(
        ["docker", "import", "--change", f"LABEL {LABEL}={LABEL_VALUE}", str(tarball), ref],
        check=True,
        capture_output=True,
        timeout=600,
    )
    TIMINGS.append(("rootfs: docker import", time.monotonic() - started))
    return ref


@pytest.fixture(scope="session")
def platforms(run: Run, rootfs: str) -> dict[str, Platform]:
    """Every platform image, built once per session."""
    built: dict[str, Platform] = {}
    for name in platform_images.PLATFORMS:
        tag = run.tag(f"platform-{name}", keep=True)
        started = time.monotonic()
        image_id = platform_images.build(run.client, name, rootfs=rootfs, tag=tag, log=run.log)
        TIMINGS.append((f"platform {name}: first build", time.monotonic() - started))
        built[name] = Platform(name=name, tag=tag, image_id=image_id)
    return built


@pytest.fixture
def start_unit(run: Run) -> Callable[..., tuple[Container, str]]:
    """Start a unit as docs/deploys.md says; returns the container and its URL."""

    def start(
        image: str, app_dir: Path, env: dict[str, str], process: str = "web"
    ) -> tuple[Container, str]:
        command = procfile(app_dir).get(process)
        if command is None:
            command = (run.client.images.get(image).labels or {})["io.slipway.default-web"]
        before = restart_hooks(app_dir).get("before-each") or []
        port = free_port()
        container = run.client.containers.run(
            image,
            ["/bin/sh", "-c", " && ".join([*before, f"exec {command}"])],
            detach=True,
            labels={LABEL: LABEL_VALUE, RUN_LABEL: run.token},
            environment={
                "PORT": str(UNIT_PORT),
                "TSURU_APPNAME": app_dir.name,
                "TSURU_APPDIR": "/home/application/current",
                "TSURU_PROCESSNAME": process,
                "TSURU_HOST": "http://127.0.0.1:8080",
                **env,
            },
            ports={f"{UNIT_PORT}/tcp": ("127.0.0.1", port)},
        )
        return container, f"http://127.0.0.1:{port}"

    return start
