"""The unit's shell: before-each hooks, the process, and hooks run when signalled.

The script runs under the real /bin/sh here, as it does as a unit's command.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

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


# A process that installs no SIGTERM handler, as the "plain Python app" was.
_NO_HANDLER = "python3 -c 'import time; print(\"up\", flush=True); time.sleep(60)'"


def _in_pid_namespace(argv: list[str]) -> subprocess.Popen:
    """``argv`` as PID 1 of a new PID namespace, as in a container (needs root and unshare)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is needed to run a process as PID 1")
    probe = subprocess.run(
        ["unshare", "--pid", "--fork", "--kill-child", "true"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot make a PID namespace here: {probe.stderr.decode().strip()}")
    unit = subprocess.Popen(
        ["unshare", "--pid", "--fork", "--kill-child", *argv], stdout=subprocess.PIPE, text=True
    )
    assert unit.stdout is not None and unit.stdout.readline().strip() == "up"
    return unit


def _namespace_init(unit: subprocess.Popen) -> int:
    """The host pid of the namespace's PID 1 (unshare's only child)."""
    children = Path(f"/proc/{unit.pid}/task/{unit.pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def test_without_an_init_the_unit_process_ignores_sigterm() -> None:
    unit = _in_pid_namespace(command(_NO_HANDLER, {}))
    try:
        os.kill(_namespace_init(unit), signal.SIGTERM)
        with pytest.raises(subprocess.TimeoutExpired):
            unit.wait(timeout=1.5)
    finally:
        unit.kill()
        unit.wait(timeout=10)


@pytest.mark.parametrize("hooks", [{}, {"after-each": ("true",)}], ids=["exec", "hook-shell"])
def test_with_an_init_as_pid_1_sigterm_reaches_the_process(hooks) -> None:
    init = shutil.which("docker-init") or shutil.which("tini")
    if init is None:
        pytest.skip("docker-init or tini (Debian's tini package) is needed")
    unit = _in_pid_namespace([init, "--", *command(_NO_HANDLER, hooks)])
    try:
        started = time.monotonic()
        os.kill(_namespace_init(unit), signal.SIGTERM)
        unit.wait(timeout=5)
        assert time.monotonic() - started < 3
    finally:
        unit.kill()
        unit.wait(timeout=10)
