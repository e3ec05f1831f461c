"""An in-memory stand-in for the Docker SDK client, for provisioner tests without an engine.

``FakeDocker`` is a small cluster: one ``FakeEngine`` per node id and a shared
registry. Each engine records what the provisioner asked of it (containers
run with their arguments, stops with their timeouts) and answers the calls
the provisioner makes: ``containers.run/get``, a container's
``reload/stop/remove/kill/start/logs/wait``, ``images.get/remove/prune`` and
the low-level ``api.build/push/pull`` streams. Only what the provisioner uses
is here; anything else raises AttributeError, so a new call shows up at once.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from docker.errors import ImageNotFound, NotFound


@dataclass
class ImageSpec:
    """What ``docker image inspect`` would say about an image: its Config."""

    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    labels: dict[str, str] = field(default_factory=dict)

    def attrs(self) -> dict[str, Any]:
        return {"Config": {"Entrypoint": self.entrypoint, "Cmd": self.cmd, "Labels": self.labels}}


class FakeImage:
    def __init__(self, tag: str, spec: ImageSpec) -> None:
        self.tags = [tag]
        self.id = "sha256:" + uuid.uuid5(uuid.NAMESPACE_URL, tag).hex
        self.attrs = spec.attrs()
        self.labels = dict(spec.labels)


class FakeContainer:
    def __init__(self, engine: FakeEngine, image: str, command: Any, options: dict[str, Any]):
        self.engine = engine
        self.id = uuid.uuid4().hex + uuid.uuid4().hex
        self.image, self.command, self.options = image, command, options
        self.running = True
        self.seq = next(engine.docker.sequence)
        ports = {
            spec: [{"HostIp": "0.0.0.0", "HostPort": str(next(engine.ports))}]
            for spec in (options.get("ports") or {})
        }
        self.attrs: dict[str, Any] = {
            "State": {"Running": True, "Restarting": False, "ExitCode": 0},
            "NetworkSettings": {"Ports": ports},
        }

    def reload(self) -> None:
        self.attrs["State"]["Running"] = self.running

    def stop(self, timeout: int | None = None) -> None:
        started = time.monotonic()
        time.sleep(self.engine.stop_seconds)
        with self.engine.lock:
            self.engine.stops.append((self.id, timeout, started, time.monotonic()))
        self.running = False

    def start(self) -> None:
        self.running = True

    def remove(self, force: bool = False) -> None:
        with self.engine.lock:
            self.engine.containers.by_id.pop(self.id, None)

    def kill(self, signal: str | None = None) -> None:
        self.engine.signals.append((self.id, signal))

    def logs(self, **_options: Any) -> bytes:
        return b""

    def wait(self, timeout: int | None = None) -> dict[str, int]:
        self.running = False
        return {"StatusCode": 0}


class FakeContainers:
    def __init__(self, engine: FakeEngine) -> None:
        self.engine = engine
        self.by_id: dict[str, FakeContainer] = {}
        self.runs: list[FakeContainer] = []

    def run(self, image: str, command: Any = None, **options: Any) -> FakeContainer:
        if image not in self.engine.images.by_tag:
            raise ImageNotFound(f"No such image: {image}")
        container = FakeContainer(self.engine, image, command, options)
        with self.engine.lock:
            self.by_id[container.id] = container
            self.runs.append(container)
        return container

    def get(self, container_id: str) -> FakeContainer:
        found = self.by_id.get(container_id)
        if found is None:
            raise NotFound(f"No such container: {container_id}")
        return found


class FakeImages:
    def __init__(self, engine: FakeEngine) -> None:
        self.engine = engine
        self.by_tag: dict[str, FakeImage] = {}

    def add(self, tag: str, spec: ImageSpec) -> None:
        self.by_tag[tag] = FakeImage(tag, spec)

    def get(self, tag: str) -> FakeImage:
        found = self.by_tag.get(tag)
        if found is None:
            raise ImageNotFound(f"No such image: {tag}")
        return found

    def remove(self, tag: str, noprune: bool = False) -> None:
        if self.by_tag.pop(tag, None) is None:
            raise ImageNotFound(f"No such image: {tag}")

    def prune(self, filters: dict[str, Any] | None = None) -> dict[str, Any]:
        return {}


class FakeLowLevelApi:
    """``client.api``: builds make an image with no CMD (as Slipway's app images), push, pull."""

    def __init__(self, engine: FakeEngine) -> None:
        self.engine = engine
        self.builds: list[dict[str, Any]] = []

    def build(self, *, tag: str, labels: dict[str, str] | None = None, **options: Any):
        self.builds.append({"tag": tag, "labels": labels, **options})
        spec = ImageSpec(labels=dict(labels or {}))
        self.engine.images.add(tag, spec)
        return iter([{"stream": "Step 1/1 : built\n"}, {"aux": {"ID": "sha256:" + "1" * 64}}])

    def push(self, repository: str, tag: str = "latest", **_options: Any):
        image = self.engine.images.get(f"{repository}:{tag}")
        spec = ImageSpec(
            image.attrs["Config"]["Entrypoint"], image.attrs["Config"]["Cmd"], image.labels
        )
        self.engine.docker.registry[f"{repository}:{tag}"] = spec
        return iter([{"status": "Pushed"}])

    def pull(self, repository: str, tag: str = "latest", **_options: Any):
        spec = self.engine.docker.registry.get(f"{repository}:{tag}")
        if spec is None:
            return iter([{"error": f"manifest for {repository}:{tag} not found"}])
        self.engine.images.add(f"{repository}:{tag}", spec)
        return iter([{"status": "Downloaded newer image"}])


class FakeEngine:
    def __init__(self, docker: FakeDocker, node_id: str) -> None:
        self.docker, self.node_id = docker, node_id
        self.lock = threading.Lock()
        self.ports = itertools.count(32768)
        self.stop_seconds = 0.0
        self.stops: list[tuple[str, int | None, float, float]] = []
        self.signals: list[tuple[str, str | None]] = []
        self.containers = FakeContainers(self)
        self.images = FakeImages(self)
        self.api = FakeLowLevelApi(self)

    def close(self) -> None:
        pass


@dataclass
class FakeDocker:
    """Engines by node id, created on first use, and the registry they share."""

    registry: dict[str, ImageSpec] = field(default_factory=dict)
    engines: dict[str, FakeEngine] = field(default_factory=dict)
    stop_seconds: float = 0.0
    sequence: itertools.count = field(default_factory=itertools.count)

    def engine(self, node_id: str) -> FakeEngine:
        if node_id not in self.engines:
            self.engines[node_id] = FakeEngine(self, node_id)
            self.engines[node_id].stop_seconds = self.stop_seconds
        return self.engines[node_id]

    def runs(self) -> list[FakeContainer]:
        """Every container run on any node, oldest first."""
        found = [run for engine in self.engines.values() for run in engine.containers.runs]
        return sorted(found, key=lambda run: run.seq)

    def stops(self) -> list[tuple[str, int | None, float, float]]:
        return [stop for engine in self.engines.values() for stop in engine.stops]
