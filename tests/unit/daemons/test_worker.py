"""slipway-worker against a real beanstalkd: dispatch by name, burying what it cannot
run, reconnecting with backoff, stopping on SIGTERM, failing clearly at start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import greenstalk
import pytest
import yaml

from slipway.config import Config, validate
from slipway.daemon import Stopper
from slipway.store import open_store
from slipway.worker import JOBS, JobContext, JobError, JobRegistry, Worker, decode, encode

from .conftest import Beanstalkd, daemon_settings, free_port

TUBE = "slipway-test"


def client_for(server: Beanstalkd, tube: str = TUBE) -> greenstalk.Client:
    return greenstalk.Client(("127.0.0.1", server.port), use=tube, watch=tube)


class RunningWorker:
    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.thread = threading.Thread(target=worker.run, daemon=True)

    def __enter__(self) -> Worker:
        self.thread.start()
        return self.worker

    def __exit__(self, *exc: object) -> None:
        self.worker.stopper.stop()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the worker did not stop"


@pytest.fixture
def registry() -> JobRegistry:
    reg = JobRegistry()
    reg.handlers.update(JOBS.handlers)
    return reg


def make_worker(cfg: Config, registry: JobRegistry) -> Worker:
    return Worker(cfg, open_store(cfg["database:url"]), registry=registry, stopper=Stopper())


def wait_until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def stats(server: Beanstalkd, tube: str = TUBE) -> dict[str, Any]:
    with client_for(server, tube) as client:
        return dict(client.stats_tube(tube))


def test_encode_decode_round_trip() -> None:
    assert decode(encode("ping", payload=1)) == ("ping", {"payload": 1})
    assert decode('{"name": "ping"}') == ("ping", {})


@pytest.mark.parametrize(
    "body",
    ["not json", "[1]", "{}", '{"name": ""}', '{"name": 3}', '{"name": "x", "args": []}'],
)
def test_decode_rejects_bodies_that_are_not_jobs(body: str) -> None:
    with pytest.raises(JobError):
        decode(body)


def test_registry_refuses_a_second_handler_for_a_name() -> None:
    reg = JobRegistry()
    reg.register("a")(lambda ctx, args: None)
    with pytest.raises(ValueError, match="already registered"):
        reg.register("a")(lambda ctx, args: None)
    assert reg.names() == ["a"]


def test_ping_job_replies_on_the_requested_tube(
    daemon_config: Config, beanstalkd: Beanstalkd, registry: JobRegistry
) -> None:
    with client_for(beanstalkd) as producer, client_for(beanstalkd, "replies") as replies:
        producer.put(encode("ping", **{"reply-to": "replies", "payload": "hello"}))
        with RunningWorker(make_worker(daemon_config, registry)) as worker:
            job = replies.reserve(timeout=10)
            reply = json.loads(job.body)
            replies.delete(job)
            wait_until(lambda: worker.done == 1)
    assert reply["pong"] == "hello"
    assert isinstance(reply["job"], int)
    assert stats(beanstalkd)["current-jobs-ready"] == 0
    assert stats(beanstalkd)["current-jobs-buried"] == 0


def test_registered_handler_gets_its_arguments(
    daemon_config: Config, beanstalkd: Beanstalkd, registry: JobRegistry
) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    @registry.register("record")
    def record(ctx: JobContext, args: dict[str, Any]) -> None:
        seen.append((ctx.config["worker:tube"], args))

    with client_for(beanstalkd) as producer:
        producer.put(encode("record", app="web", units=2))
        with RunningWorker(make_worker(daemon_config, registry)) as worker:
            wait_until(lambda: worker.done == 1)
    assert seen == [(TUBE, {"app": "web", "units": 2})]


def test_unknown_malformed_and_failing_jobs_are_buried_and_logged(
    daemon_config: Config,
    beanstalkd: Beanstalkd,
    registry: JobRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    @registry.register("explode")
    def explode(ctx: JobContext, args: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    caplog.set_level("INFO", logger="slipway.worker")
    with client_for(beanstalkd) as producer:
        producer.put(encode("no-such-job"))
        producer.put("this is not json")
        producer.put(encode("explode"))
        producer.put(encode("ping"))
        with RunningWorker(make_worker(daemon_config, registry)) as worker:
            wait_until(lambda: worker.done + worker.buried == 4)
    assert (worker.done, worker.buried) == (1, 3)
    assert stats(beanstalkd)["current-jobs-buried"] == 3
    text = caplog.text
    assert "unknown job 'no-such-job' (known: explode, ping); buried" in text
    assert "malformed (body is not JSON); buried" in text
    assert "(explode) failed; buried" in text
    assert "boom" in text


def test_worker_reconnects_when_beanstalkd_restarts(
    daemon_config: Config,
    beanstalkd: Beanstalkd,
    registry: JobRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO", logger="slipway.worker")
    with RunningWorker(make_worker(daemon_config, registry)) as worker:
        time.sleep(0.3)
        beanstalkd.stop()
        wait_until(lambda: "unreachable" in caplog.text)
        beanstalkd.start()
        wait_until(lambda: "connected to beanstalkd" in caplog.text)
        with client_for(beanstalkd) as producer:
            producer.put(encode("ping"))
        wait_until(lambda: worker.done == 1)
    assert "lost beanstalkd" in caplog.text


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slipway.worker", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_bad_config_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    path = tmp_path / "slipway.conf"
    data = daemon_settings(tmp_path, "nowhere")
    path.write_text(yaml.safe_dump(data))
    result = run_cli("--config", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "slipway-worker: config error: queue-server: must be host:port (got 'nowhere')"
    )


def test_unreachable_beanstalkd_at_start_exits_1_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "slipway.conf"
    port = free_port()
    path.write_text(yaml.safe_dump(daemon_settings(tmp_path, f"127.0.0.1:{port}")))
    result = run_cli("--config", str(path))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"slipway-worker: cannot reach beanstalkd at 127.0.0.1:{port} (queue-server): "
        "Connection refused"
    )


def test_process_serves_jobs_and_stops_on_sigterm(
    config_file: Path, beanstalkd: Beanstalkd
) -> None:
    env = {**os.environ, "SLIPWAY_CONFIG": str(config_file)}
    process = subprocess.Popen(
        [sys.executable, "-m", "slipway.worker"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        with client_for(beanstalkd, "replies") as replies, client_for(beanstalkd) as producer:
            producer.put(encode("ping", **{"reply-to": "replies", "payload": 7}))
            job = replies.reserve(timeout=20)
            assert json.loads(job.body)["pong"] == 7
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = process.stderr.read() if process.stderr else ""
    assert "watching tube slipway-test" in log
    assert "received SIGTERM, stopping" in log
    assert "slipway-worker stopped: 1 jobs done, 0 buried" in log


def test_config_defaults_for_the_daemons(tmp_path: Path) -> None:
    from ..conftest import settings

    cfg = validate(settings(tmp_path))
    assert cfg["queue-server"] == "127.0.0.1:11300"
    assert cfg["worker:tube"] == "slipway"
    assert cfg["collector:ticker-time"] == 60
