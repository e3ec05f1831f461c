"""``slipway-api dev``: the one-line local run on SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from slipway.localapi import free_port

from .conftest import REPO_ROOT


def test_dev_server_bootstraps_an_admin_and_platforms(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "api")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "slipway.server",
            "dev",
            "--dir",
            str(tmp_path / "dev"),
            "--listen",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{url}/healthcheck", timeout=1).text == "WORKING":
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        password_file = tmp_path / "dev" / "admin-password"
        assert oct(password_file.stat().st_mode & 0o777) == "0o600"
        password = password_file.read_text().strip()
        login = requests.post(
            f"{url}/users/admin@slipway.dev/tokens", json={"password": password}, timeout=5
        )
        assert login.json()["is_admin"] is True
        headers = {"Authorization": f"bearer {login.json()['token']}"}
        names = [
            p["name"] for p in requests.get(f"{url}/platforms", headers=headers, timeout=5).json()
        ]
        assert names == ["nodejs", "python", "static"]
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    assert f"Slipway API (development) on http://127.0.0.1:{port}" in output
    assert "slipway login admin@slipway.dev" in output
