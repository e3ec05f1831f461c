"""What the platform image tests share: names, labels, build timings, the
app image's build context as docs/deploys.md writes it, and HTTP polling."""

from __future__ import annotations

import io
import json
import os
import socket
import tarfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import docker
import yaml

REPO = Path(__file__).resolve().parents[2]
MKROOTFS = REPO / "roles/platform_images/files/mkrootfs"
APPS = REPO / "tests/e2e/apps"
DOCKER_SOCKET = os.environ.get("SLIPWAY_TEST_DOCKER_SOCKET", "/var/run/docker.sock")
CACHE = Path(os.environ.get("SLIPWAY_TEST_CACHE", Path.home() / ".cache/slipway/platform-rootfs"))
HOST_CA_DIR = Path("/usr/local/share/ca-certificates")
# On every image (inherited from the test rootfs) and container the tests make.
LABEL = "io.slipway.test"
LABEL_VALUE = "platforms"
# On every container, with the session's token.
RUN_LABEL = "io.slipway.test-run"
KEEP_IMAGES = os.environ.get("SLIPWAY_TEST_KEEP_IMAGES") == "1"
UNIT_PORT = 8888

# (what, seconds) of every build, printed after the run.
TIMINGS: list[tuple[str, float]] = []


@dataclass
class Run:
    """The session's engine, its unique token and the images it tagged
    (``kept``: the rootfs and platform images SLIPWAY_TEST_KEEP_IMAGES keeps)."""

    client: docker.DockerClient
    token: str
    lines: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    kept: set[str] = field(default_factory=set)

    def log(self, line: str) -> None:
        self.lines.append(line)

    def tag(self, repository: str, *, keep: bool = False) -> str:
        ref = f"slipway-test/{repository}:{self.token}"
        self.images.append(ref)
        if keep:
            self.kept.add(ref)
        return ref


@dataclass(frozen=True)
class Platform:
    name: str
    tag: str
    image_id: str


def _app_config(app_dir: Path) -> dict:
    for name in ("tsuru.yaml", "tsuru.yml", "app.yaml", "app.yml"):
        if (app_dir / name).exists():
            return yaml.safe_load((app_dir / name).read_text()) or {}
    return {}


def build_hooks(app_dir: Path) -> list[str]:
    hooks = list((_app_config(app_dir).get("hooks") or {}).get("build") or [])
    assert all(isinstance(hook, str) for hook in hooks), f"{app_dir}: hooks.build: {hooks}"
    return hooks


def restart_hooks(app_dir: Path) -> dict[str, list[str]]:
    return (_app_config(app_dir).get("hooks") or {}).get("restart") or {}


def procfile(app_dir: Path) -> dict[str, str]:
    path = app_dir / "Procfile"
    processes: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, sep, command = line.partition(":")
            if sep and name.strip() and not name.startswith("#"):
                processes[name.strip()] = command.strip()
    return processes


def tar_of(files: dict[str, bytes], directories: dict[str, Path] | None = None) -> bytes:
    """An uncompressed tar: ``files`` by name, plus whole directories under a name."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, path in (directories or {}).items():
            tar.add(path, arcname=name)
    return buffer.getvalue()


def app_context(platform_tag: str, app_dir: Path) -> bytes:
    """The build context of an app image: docs/deploys.md's Dockerfile and app/."""
    lines = [
        f"FROM {platform_tag}",
        "USER root",
        "COPY app/ /home/application/current/",
        "RUN /opt/slipway/deploy",
        *(f"RUN {json.dumps(['/bin/sh', '-c', hook])}" for hook in build_hooks(app_dir)),
        "USER application",
    ]
    dockerfile = ("\n".join(lines) + "\n").encode()
    return tar_of({"Dockerfile": dockerfile}, {"app": app_dir})


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, timeout: float = 60) -> str:
    """The body of ``url`` once it answers (a unit takes a moment to listen)."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = exc
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {timeout}s: {last}")
