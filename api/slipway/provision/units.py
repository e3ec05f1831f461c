"""Units: one container per process instance, started, checked and removed on a node."""

from __future__ import annotations

import contextlib
import re
import shlex
import time
import uuid
from collections.abc import Callable
from typing import Any

import docker
import requests
from docker.errors import APIError, DockerException, NotFound

from ..core.manifest import Healthcheck
from ..core.units import UnitState
from .engines import Node

APP_DIR = "/home/application/current"
APP_USER = "application"
LABEL_APP = "io.slipway.app"
LABEL_PROCESS = "io.slipway.process"
LABEL_VERSION = "io.slipway.version"
# Seconds a unit has to exit after SIGTERM (the default of docker:stop-timeout).
STOP_SECONDS = 10


class UnitError(Exception):
    """A unit could not be created, did not start, or failed its check."""


def container_name(app: str, process: str) -> str:
    return f"slipway-{app}-{process}-{uuid.uuid4().hex[:8]}"


HOOK_SIGNALS = {"after-each": "SIGUSR1", "after": "SIGUSR2"}
HOOKS_DONE = re.compile(r"^slipway-hooks: (?P<stage>[a-z-]+) exit (?P<status>\d+)$", re.M)

_RUN_HOOKS = """slipway_hooks() {
  stage=$1; shift; status=0
  for hook in "$@"; do
    echo "---> restart:$stage: $hook"
    /bin/sh -c "$hook" || { status=$?; break; }
  done
  echo "slipway-hooks: $stage exit $status"
  return $status
}"""


def _hook_call(stage: str, hooks: tuple[str, ...]) -> str:
    return " ".join(["slipway_hooks", stage, *(shlex.quote(h) for h in hooks)])


def command(process_command: str, hooks: dict[str, tuple[str, ...]]) -> list[str]:
    """The unit's command: ``before-each`` hooks, then the process.

    The nodes cannot ``docker exec`` into units, so the unit's shell runs the
    ``after-each`` and ``after`` hooks itself when the provisioner signals it
    (SIGUSR1, SIGUSR2) and reports each run on a ``slipway-hooks:`` log line.
    """
    if not process_command:
        return []
    before = hooks.get("before-each", ())
    later = {stage: hooks.get(stage, ()) for stage in HOOK_SIGNALS}
    if not any(later.values()):
        steps = [_hook_call("before-each", before)] if before else []
        body = "\n".join(["set -e", _RUN_HOOKS, *steps, f"exec {process_command}"])
        return ["/bin/sh", "-c", body if before else f"exec {process_command}"]
    lines = [_RUN_HOOKS]
    for stage, signal in HOOK_SIGNALS.items():
        call = _hook_call(stage, later[stage])
        lines.append(f"trap {shlex.quote(call)} {signal.removeprefix('SIG')}")
    lines.append("trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT")
    if before:
        lines.append(_hook_call("before-each", before) + " || exit 1")
    lines += [
        f"{process_command} &",
        "child=$!",
        "status=0",
        'while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done',
        'exit "$status"',
    ]
    return ["/bin/sh", "-c", "\n".join(lines)]


def create(
    engine: docker.DockerClient,
    node: Node,
    *,
    app: str,
    process: str,
    version: int,
    image: str,
    process_command: str,
    hooks: dict[str, tuple[str, ...]],
    env: dict[str, str],
    port: int,
) -> dict[str, Any]:
    """Start a unit and return its record (state ``starting``).

    An empty ``process_command`` runs the image's own ENTRYPOINT and CMD in its
    own WORKDIR (an image Slipway did not build).
    """
    name = container_name(app, process)
    where = {"working_dir": APP_DIR} if process_command else {}
    try:
        container = engine.containers.run(
            image,
            command(process_command, hooks) or None,
            name=name,
            detach=True,
            environment=env,
            **where,
            ports={f"{port}/tcp": None},
            labels={LABEL_APP: app, LABEL_PROCESS: process, LABEL_VERSION: str(version)},
            restart_policy={"Name": "unless-stopped"},
            # An init as PID 1 reaps zombies and forwards signals: the process gets
            # SIGTERM with its default action even when it installs no handler.
            init=True,
        )
        container.reload()
        bindings = container.attrs["NetworkSettings"]["Ports"].get(f"{port}/tcp") or []
    except (APIError, DockerException, requests.RequestException) as exc:
        raise UnitError(f"cannot start a {process} unit on {node.id}: {exc}") from None
    host_port = int(bindings[0]["HostPort"]) if bindings else None
    return {
        "id": container.id[:12],
        "container": container.id,
        "name": name,
        "app": app,
        "process": process,
        "version": version,
        "image": image,
        "node": node.id,
        "host": node.ip,
        "port": host_port,
        "status": str(UnitState.STARTING),
    }


def url(unit: dict[str, Any]) -> str:
    return f"http://{unit['host']}:{unit['port']}"


def _running(engine: docker.DockerClient, unit: dict[str, Any]) -> tuple[bool, str]:
    container = engine.containers.get(unit["container"])
    state = container.attrs.get("State", {})
    if state.get("Running") and not state.get("Restarting"):
        return True, ""
    logs = container.logs(tail=15).decode("utf-8", "replace").strip()
    code = state.get("ExitCode")
    return False, f"the process exited with status {code}" + (f":\n{logs}" if logs else "")


def _answers(unit: dict[str, Any], check: Healthcheck | None) -> tuple[bool, str]:
    path = check.path if check else "/"
    try:
        answer = requests.request(
            check.method if check else "GET", url(unit) + path, timeout=3, allow_redirects=False
        )
    except requests.RequestException:
        return False, "no answer yet"
    if check is None:
        return True, ""
    if answer.status_code != check.status:
        return False, f"{path} answered {answer.status_code}, expected {check.status}"
    if check.match and re.search(check.match, answer.text) is None:
        return False, f"{path} did not match {check.match!r}"
    return True, ""


def wait_ready(
    engine: docker.DockerClient,
    unit: dict[str, Any],
    *,
    routed: bool,
    healthcheck: Healthcheck | None,
    timeout: float,
    settle: float = 2.0,
) -> None:
    """Return once the unit serves (routed) or keeps running (others); raise UnitError."""
    deadline = time.monotonic() + timeout
    failures_left = healthcheck.allowed_failures if healthcheck else 0
    first_seen = None
    reason = "it did not start"
    while time.monotonic() < deadline:
        try:
            running, why = _running(engine, unit)
        except (APIError, DockerException, requests.RequestException) as exc:
            raise UnitError(f"unit {unit['id']}: {exc}") from None
        if not running:
            raise UnitError(f"unit {unit['id']} ({unit['process']}) stopped: {why}")
        if routed:
            ok, reason = _answers(unit, healthcheck)
            if ok:
                return
            if healthcheck and reason != "no answer yet":
                if failures_left <= 0:
                    raise UnitError(f"unit {unit['id']} failed its healthcheck: {reason}")
                failures_left -= 1
        else:
            first_seen = first_seen or time.monotonic()
            if time.monotonic() - first_seen >= settle:
                return
        time.sleep(0.5)
    raise UnitError(
        f"unit {unit['id']} ({unit['process']}) was not ready in {timeout:.0f} s: {reason}"
    )


def run_hooks(
    engine: docker.DockerClient,
    unit: dict[str, Any],
    stage: str,
    log: Callable[[str], None],
    timeout: float,
) -> None:
    """Have a started unit run its ``after-each`` or ``after`` hooks; log them; raise on failure."""
    since = int(time.time()) - 1
    try:
        container = engine.containers.get(unit["container"])
        container.kill(signal=HOOK_SIGNALS[stage])
    except (APIError, DockerException, requests.RequestException) as exc:
        raise UnitError(f"cannot signal unit {unit['id']} for restart:{stage}: {exc}") from None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            text = container.logs(since=since).decode("utf-8", "replace")
        except (APIError, DockerException, requests.RequestException) as exc:
            raise UnitError(f"cannot read unit {unit['id']}'s log: {exc}") from None
        done = [m for m in HOOKS_DONE.finditer(text) if m["stage"] == stage]
        if done:
            start = text.find(f"---> restart:{stage}:")
            for line in text[max(start, 0) : done[-1].start()].splitlines():
                log(f"      {line}")
            if done[-1]["status"] != "0":
                raise UnitError(
                    f"restart:{stage} failed in unit {unit['id']} (status {done[-1]['status']})"
                )
            return
        time.sleep(0.3)
    raise UnitError(f"restart:{stage} did not finish in unit {unit['id']} in {timeout:.0f} s")


def run_once(
    engine: docker.DockerClient,
    image: str,
    hook: str,
    env: dict[str, str],
    log: Callable[[str], None],
) -> None:
    """Run a hook in a throw-away container of ``image`` (``restart:before``)."""
    try:
        container = engine.containers.run(
            image,
            ["/bin/sh", "-c", hook],
            detach=True,
            environment=env,
            working_dir=APP_DIR,
            init=True,
        )
        status = container.wait(timeout=600)
        output = container.logs().decode("utf-8", "replace")
        container.remove(force=True)
    except (APIError, DockerException, requests.RequestException) as exc:
        raise UnitError(f"hook {hook!r}: {exc}") from None
    for line in output.splitlines():
        log(f"      {line}")
    if status.get("StatusCode", 1) != 0:
        raise UnitError(f"hook {shlex.quote(hook)} failed (status {status.get('StatusCode')})")


def stop(engine: docker.DockerClient, unit: dict[str, Any], *, timeout: int = STOP_SECONDS) -> None:
    """SIGTERM the unit, and SIGKILL it after ``timeout`` seconds (``docker:stop-timeout``)."""
    with contextlib.suppress(NotFound):
        engine.containers.get(unit["container"]).stop(timeout=timeout)


def start(engine: docker.DockerClient, unit: dict[str, Any]) -> dict[str, Any]:
    """Start a stopped unit again; its published port may change."""
    container = engine.containers.get(unit["container"])
    container.start()
    container.reload()
    port = next(iter(container.attrs["NetworkSettings"]["Ports"].values()), None) or []
    return {**unit, "port": int(port[0]["HostPort"]) if port else unit["port"]}


def destroy(
    engine: docker.DockerClient, unit: dict[str, Any], *, timeout: int = STOP_SECONDS
) -> None:
    """Stop (``timeout`` as in ``stop``) and remove a unit; one that is gone already is fine."""
    try:
        container = engine.containers.get(unit["container"])
    except NotFound:
        return
    with contextlib.suppress(APIError, NotFound):
        container.stop(timeout=timeout)
    with contextlib.suppress(NotFound):
        container.remove(force=True)
