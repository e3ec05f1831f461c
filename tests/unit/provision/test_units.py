"""The unit's shell: before-each hooks, the process, and hooks run when signalled.

The script runs under the real /bin/sh here, as it does as a unit's command.
"""

from __future__ import annotations

import signal
import subprocess
import time

from slipway.provision.units import HOOKS_DONE, command


def _start(tmp_path, hooks):
    argv = command(f"echo started > {tmp_path}/process; exec sleep 30", hooks)
    return subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, cwd=tmp_path)


def _wait_for(path, timeout=5.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), path


def test_without_hooks_the_process_replaces_the_shell() -> None:
    assert command("python app.py", {}) == ["/bin/sh", "-c", "exec python app.py"]
    assert command("", {"after": ("x",)}) == []


def test_before_each_runs_first_and_a_failure_stops_the_unit(tmp_path) -> None:
    unit = _start(tmp_path, {"before-each": ("echo before > before", "exit 3")})
    assert unit.wait(timeout=10) != 0
    assert (tmp_path / "before").exists()
    assert not (tmp_path / "process").exists()


def test_signals_run_after_hooks_and_report_them(tmp_path) -> None:
    hooks = {
        "before-each": ("touch before",),
        "after-each": ("echo each > each",),
        "after": ("echo once > once", "false"),
    }
    unit = _start(tmp_path, hooks)
    _wait_for(tmp_path / "process")
    assert (tmp_path / "before").exists()
    unit.send_signal(signal.SIGUSR1)
    _wait_for(tmp_path / "each")
    unit.send_signal(signal.SIGUSR2)
    _wait_for(tmp_path / "once")
    time.sleep(0.3)
    unit.send_signal(signal.SIGTERM)
    out, _ = unit.communicate(timeout=10)
    reports = {(m["stage"], m["status"]) for m in HOOKS_DONE.finditer(out)}
    assert ("after-each", "0") in reports
    assert ("after", "1") in reports
    assert unit.returncode != 0
