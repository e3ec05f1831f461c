#!/usr/bin/env python3
"""Deploy speed and routed throughput of the sample Python app on the sandbox (`make up`).

1. `git push` of tests/e2e/apps/python to a new app, timed to the router's first
   good answer (first deploy), then again after changing VERSION (redeploy).
2. Baseline, same run, same node: `docker build` of the same app FROM the same
   platform image plus `docker run`, timed to the unit's first good answer
   (fresh, then after the same VERSION change). Ratios are slipway / plain docker.
3. wrk through the router (Host header) and straight to the unit's published
   port: requests/s and p99, same run.
4. An app whose process ignores SIGTERM, scaled to three web units, pushed
   again: seconds until the router serves the new version on every answer,
   and until the push returns (the old units are stopped side by side, each
   after docker:stop-timeout), against the same app's first deploy.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.sandbox import (  # noqa: E402
    APPS,
    DOMAIN,
    ROUTER_URL,
    RUN,
    Admin,
    login,
)

UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wait_good(url: str, expected: str, host: str | None = None, timeout: float = 600) -> float:
    """Seconds until ``url`` answers 200 with ``expected`` in the body."""
    start = time.monotonic()
    headers = {"Host": host} if host else {}
    while time.monotonic() - start < timeout:
        try:
            answer = requests.get(url, headers=headers, timeout=5)
            if answer.status_code == 200 and expected in answer.text:
                return time.monotonic() - start
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} never served {expected!r}")


def docker_on(node: str, *argv: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["docker", "exec", "-i", node, "docker", *argv],
        input=stdin,
        capture_output=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise SystemExit(f"docker {' '.join(argv)} on {node} failed: {done.stderr.decode()[-800:]}")
    return done.stdout.decode()


def node_container(node_id: str) -> tuple[str, str]:
    """The sandbox container and address of a node id (``<ip>:2376``)."""
    ip = node_id.rsplit(":", 1)[0]
    for name in ("slipway-node1", "slipway-node2"):
        found = subprocess.run(
            ["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
             name], capture_output=True, text=True, check=False,
        ).stdout.strip()  # fmt: skip
        if found == ip:
            return name, ip
    raise SystemExit(f"no sandbox container has address {ip}")


def context_tar(app_dir: Path, dockerfile: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        data = dockerfile.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        tar.add(app_dir, arcname="app")
    return buffer.getvalue()


def plain_docker(node: str, ip: str, app_dir: Path, dockerfile: str, tag: str) -> float:
    """Seconds for `docker build` + `docker run` until the unit answers with this version."""
    version = (app_dir / "VERSION").read_text().strip()
    start = time.monotonic()
    docker_on(node, "build", "-q", "-t", tag, "-", stdin=context_tar(app_dir, dockerfile))
    subprocess.run(["docker", "exec", node, "docker", "rm", "-f", "bench-plain"],
                   capture_output=True, check=False)  # fmt: skip
    docker_on(node, "run", "-d", "--name", "bench-plain", "-e", "PORT=8888",
              "-e", "APP_MESSAGE=bench", "-p", "8888", tag,
              "/bin/sh", "-c", "exec python app.py")  # fmt: skip
    port = docker_on(node, "port", "bench-plain", "8888/tcp").splitlines()[0].rsplit(":", 1)[1]
    wait_good(f"http://{ip}:{port}/", f"version: {version}")
    return time.monotonic() - start


def wait_all_good(url: str, expected: str, host: str, in_a_row: int = 30) -> float:
    """Seconds until ``in_a_row`` consecutive answers all carry ``expected``."""
    start = time.monotonic()
    good = 0
    while good < in_a_row:
        try:
            answer = requests.get(url, headers={"Host": host}, timeout=5)
            good = good + 1 if answer.status_code == 200 and expected in answer.text else 0
        except requests.RequestException:
            good = 0
        if time.monotonic() - start > 600:
            raise SystemExit(f"{url} never served only {expected!r}")
    return time.monotonic() - start


def stubborn_redeploy(dev, work_root: Path, app: str, team: str) -> dict[str, float]:
    """First deploy of an app that ignores SIGTERM, then a redeploy at three web units."""
    source = work_root / "stubborn-src"
    shutil.copytree(APPS / "python", source)
    code = (source / "app.py").read_text()
    (source / "app.py").write_text(
        "import signal\n\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n" + code
    )
    (source / "VERSION").write_text("s1\n")
    host = f"{app}.{DOMAIN}"
    dev.ok("app-create", app, "python", "-t", team)
    work = dev.repo(source, app)
    start = time.monotonic()
    pushed = dev.push(work, app)
    if pushed.code:
        raise SystemExit(pushed.both)
    wait_good(ROUTER_URL + "/", "version: s1", host)
    first = time.monotonic() - start
    dev.ok("unit-add", "2", "-a", app)
    (work / "VERSION").write_text("s2\n")
    dev.commit(work, "s2")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        start = time.monotonic()
        push = pool.submit(dev.push, work, app)
        serving = wait_all_good(ROUTER_URL + "/", "version: s2", host)
        pushed = push.result()
        returned = time.monotonic() - start
    if pushed.code:
        raise SystemExit(pushed.both)
    units = json.loads(dev.ok("--json", "app-info", "-a", app))["units"]
    if len([u for u in units if u["ProcessName"] == "web"]) != 3:
        raise SystemExit(f"expected three web units after the redeploy: {units}")
    return {"first_s": first, "serving_s": serving, "returned_s": returned}


def wrk(url: str, host: str | None, seconds: int, connections: int) -> dict[str, float]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if host:
        cmd[1:1] = ["-H", f"Host: {host}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if not rps or not p99:
        raise SystemExit("cannot read wrk's output:\n" + out)
    return {
        "rps": float(rps[1]),
        "p99_ms": float(p99[1]) * UNITS_MS[p99[2]],
        "errors": int(errors[1]) if errors else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk round")
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing (apt install wrk)")

    admin = Admin()
    email, team, app = f"bench-{RUN}@e2e.test", f"bench{RUN}", f"bench{RUN}"
    admin.user(email, team)
    work_root = Path(tempfile.mkdtemp(prefix="slipway-bench-"))
    (work_root / "home").mkdir()
    dev = login(work_root / "home", email)
    dev.ok("key-add", "bench", str(dev.key) + ".pub")
    dev.ok("app-create", app, "python", "-t", team)
    dev.ok("env-set", "-a", app, "APP_MESSAGE=bench")
    host = f"{app}.{DOMAIN}"
    work = dev.repo(APPS / "python", app)
    results: dict[str, float] = {}
    try:
        (work / "VERSION").write_text("b1\n")
        dev.commit(work, "b1")
        start = time.monotonic()
        pushed = dev.push(work, app)
        if pushed.code:
            raise SystemExit(pushed.both)
        wait_good(ROUTER_URL + "/", "version: b1", host)
        results["first_deploy_s"] = time.monotonic() - start

        (work / "VERSION").write_text("b2\n")
        dev.commit(work, "b2")
        start = time.monotonic()
        pushed = dev.push(work, app)
        if pushed.code:
            raise SystemExit(pushed.both)
        wait_good(ROUTER_URL + "/", "version: b2", host)
        results["redeploy_s"] = time.monotonic() - start

        info = json.loads(dev.ok("--json", "app-info", "-a", app))
        unit = next(u for u in info["units"] if u["ProcessName"] == "web")
        platform = next(
            p["image"] for p in admin.call("GET", "/platforms").json() if p["name"] == "python"
        )
        node_id = admin.call("GET", "/docker/node").json()[0]["id"]
        node, ip = node_container(node_id)
        dockerfile = (
            f"FROM {platform}\nUSER root\nCOPY app/ /home/application/current/\n"
            "WORKDIR /home/application/current\nRUN /opt/slipway/deploy\n"
            "RUN jq -n --arg version \"$(cat VERSION)\" '{version: $version}' > build-info.json\n"
            "USER application\n"
        )
        plain = work_root / "plain"
        shutil.copytree(APPS / "python", plain)
        (plain / "VERSION").write_text(f"p1-{RUN}\n")
        docker_on(node, "builder", "prune", "-af")
        tag = f"bench-plain:{RUN}"
        results["plain_first_s"] = plain_docker(node, ip, plain, dockerfile, tag)
        (plain / "VERSION").write_text(f"p2-{RUN}\n")
        results["plain_redeploy_s"] = plain_docker(node, ip, plain, dockerfile, tag)

        unit_url = f"http://{unit['Address']['Host']}/"
        wrk(ROUTER_URL + "/", host, 2, args.connections)
        routed = wrk(ROUTER_URL + "/", host, args.duration, args.connections)
        direct = wrk(unit_url, None, args.duration, args.connections)
        stubborn = stubborn_redeploy(dev, work_root, f"benchs{RUN}", team)
    finally:
        subprocess.run(["docker", "exec", "slipway-node1", "docker", "rm", "-f", "bench-plain"],
                       capture_output=True, check=False)  # fmt: skip
        subprocess.run(["docker", "exec", "slipway-node2", "docker", "rm", "-f", "bench-plain"],
                       capture_output=True, check=False)  # fmt: skip
        dev.slipway("app-remove", "-a", app, "-y")
        dev.slipway("app-remove", "-a", f"benchs{RUN}", "-y")
        shutil.rmtree(work_root, ignore_errors=True)

    print("deploy benchmark (sample python app, sandbox)")
    print(
        f"  first deploy  : git push -> first good answer {results['first_deploy_s']:.1f} s; "
        f"plain docker build+run {results['plain_first_s']:.1f} s; "
        f"ratio {results['first_deploy_s'] / results['plain_first_s']:.2f}"
    )
    print(
        f"  redeploy      : git push -> first good answer {results['redeploy_s']:.1f} s; "
        f"plain docker build+run {results['plain_redeploy_s']:.1f} s; "
        f"ratio {results['redeploy_s'] / results['plain_redeploy_s']:.2f}"
    )
    print(
        f"  through router: {routed['rps']:.0f} req/s, p99 {routed['p99_ms']:.2f} ms, "
        f"{routed['errors']} errors (wrk -c{args.connections}, {args.duration} s)"
    )
    print(
        f"  direct to unit: {direct['rps']:.0f} req/s, p99 {direct['p99_ms']:.2f} ms, "
        f"{direct['errors']} errors; router/direct throughput {routed['rps'] / direct['rps']:.2f}"
    )
    ratio = stubborn["serving_s"] / stubborn["first_s"]
    print(
        f"  SIGTERM-ignoring app: first deploy {stubborn['first_s']:.1f} s; "
        f"redeploy at 3 web units serving {stubborn['serving_s']:.1f} s "
        f"(ratio {ratio:.2f}, goal <= 1.30), "
        f"push returned after {stubborn['returned_s']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
