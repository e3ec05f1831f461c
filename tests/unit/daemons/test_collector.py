"""slipway-collector against a real beanstalkd: a pass summarises the store and
the worker's tube, survives beanstalkd going away, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import greenstalk
import pytest
import yaml

from slipway.collector import Collector
from slipway.config import Config, validate
from slipway.core import schema
from slipway.daemon import Stopper
from slipway.store import open_store

from .conftest import Beanstalkd, daemon_settings, free_port


def test_a_pass_counts_the_store_and_the_tube(
    daemon_config: Config, beanstalkd: Beanstalkd
) -> None:
    store = open_store(daemon_config["database:url"])
    store.ensure_schema(schema.COLLECTIONS)
    store.insert(schema.APPS, {"_id": "web", "name": "web"})
    store.insert(schema.APPS, {"_id": "api", "name": "api"})
    store.insert(schema.USERS, {"_id": "a@example.com", "email": "a@example.com"})
    with greenstalk.Client(("127.0.0.1", beanstalkd.port), use="slipway-test") as producer:
        producer.put("one")
        producer.put("two")
        summary = Collector(daemon_config, store).collect()
    assert (summary.apps, summary.users, summary.teams) == (2, 1, 0)
    assert (summary.jobs_ready, summary.jobs_buried) == (2, 0)
    assert summary.line() == "2 apps, 1 users, 0 teams; 2 jobs ready, 0 buried"


def test_an_unused_tube_counts_as_empty(daemon_config: Config, beanstalkd: Beanstalkd) -> None:
    store = open_store(daemon_config["database:url"])
    store.ensure_schema(schema.COLLECTIONS)
    summary = Collector(daemon_config, store).collect()
    assert (summary.jobs_ready, summary.jobs_buried) == (0, 0)


def test_passes_go_on_while_beanstalkd_is_away(
    daemon_config: Config, beanstalkd: Beanstalkd, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="slipway.collector")
    store = open_store(daemon_config["database:url"])
    store.ensure_schema(schema.COLLECTIONS)
    collector = Collector(daemon_config, store, stopper=Stopper())
    thread = threading.Thread(target=collector.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while collector.passes < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        beanstalkd.stop()
        while "queue unreachable" not in caplog.text:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        beanstalkd.start()
        seen = collector.passes
        while not (
            collector.passes > seen and "0 jobs ready" in caplog.text.split("unreachable")[-1]
        ):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        collector.stopper.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert "collector pass 1: 0 apps, 0 users, 0 teams; 0 jobs ready, 0 buried" in caplog.text


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slipway.collector", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_once_runs_one_pass_and_exits(config_file: Path) -> None:
    result = run_cli("--config", str(config_file), "--once")
    assert result.returncode == 0, result.stderr
    assert "collector pass 1: 0 apps, 0 users, 0 teams" in result.stderr


def test_bad_ticker_time_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "slipway.conf"
    data = daemon_settings(tmp_path, "127.0.0.1:11300", collector={"ticker-time": 0})
    path.write_text(yaml.safe_dump(data))
    result = run_cli("--config", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "slipway-collector: config error: collector:ticker-time: must be between 1 and 86400 "
        "(got 0)"
    )


def test_unreachable_beanstalkd_at_start_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "slipway.conf"
    port = free_port()
    path.write_text(yaml.safe_dump(daemon_settings(tmp_path, f"127.0.0.1:{port}")))
    result = run_cli("--config", str(path))
    assert result.returncode == 1
    assert result.stderr.strip().startswith(
        f"slipway-collector: cannot reach beanstalkd at 127.0.0.1:{port}"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_process_stops_on_sigterm(config_file: Path) -> None:
    env = {**os.environ, "SLIPWAY_CONFIG": str(config_file)}
    process = subprocess.Popen(
        [sys.executable, "-m", "slipway.collector"], stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        time.sleep(1.5)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = process.stderr.read() if process.stderr else ""
    assert "received SIGTERM, stopping" in log
    assert "slipway-collector stopped after" in log


@pytest.mark.parametrize("tube", ["-leading-hyphen", "has space", "x" * 201, ""])
def test_bad_tube_names_are_rejected(tmp_path: Path, tube: str) -> None:
    from slipway.config import ConfigError

    with pytest.raises(ConfigError, match="worker:tube"):
        validate(daemon_settings(tmp_path, "127.0.0.1:11300", worker={"tube": tube}))
