#!/usr/bin/env python3
"""Cluster bring-up: wall time of site.yml on a fresh sandbox and of an immediate re-run.

Runs `make down`, then `make up` (fresh containers, then site.yml), then
site.yml again against the same containers, and prints each wall time with the
changed/failed counts from Ansible's recap. The re-run is the same playbook on
a converged cluster, so its time is the baseline cost of checking everything;
its changed count must be 0.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)")


def run(target: str, log: Path) -> tuple[float, dict[str, tuple[int, int, int]]]:
    start = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(["make", target], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"make {target} failed after {elapsed:.0f}s: see {log}")
    hosts: dict[str, tuple[int, int, int]] = {}
    for line in log.read_text().splitlines():
        match = RECAP.match(line.strip())
        if match:
            host = match[1]
            ok, changed, failed = int(match[2]), int(match[3]), int(match[5])
            previous = hosts.get(host, (0, 0, 0))
            hosts[host] = (previous[0] + ok, previous[1] + changed, previous[2] + failed)
    return elapsed, hosts


def summary(hosts: dict[str, tuple[int, int, int]]) -> str:
    ok = sum(v[0] for v in hosts.values())
    changed = sum(v[1] for v in hosts.values())
    failed = sum(v[2] for v in hosts.values())
    return f"ok={ok} changed={changed} failed={failed} over {len(hosts)} hosts"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep", action="store_true", help="keep the running sandbox (no make down)"
    )
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=0.3,
        help="fail when the re-run takes more than this share of the fresh bring-up (default 0.3)",
    )
    args = parser.parse_args()
    logs = ROOT / ".sandbox" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    if not args.keep:
        run("down", logs / "down.log")
    up_time, up_hosts = run("up", logs / "up.log")
    rerun_time, rerun_hosts = run("site", logs / "rerun.log")
    changed = sum(v[1] for v in rerun_hosts.values())
    print("slipway bench/cluster — the sandbox (4 containers) on this machine")
    print(f"make up (fresh containers + site.yml): {up_time:7.1f} s  {summary(up_hosts)}")
    print(f"site.yml again (converged cluster):    {rerun_time:7.1f} s  {summary(rerun_hosts)}")
    ratio = rerun_time / up_time
    print(f"re-run / fresh: {ratio:.2f} (target at most {args.max_ratio:.2f})")
    if changed:
        print(f"NOT IDEMPOTENT: the re-run changed {changed} task(s); see {logs / 'rerun.log'}")
        return 1
    if ratio > args.max_ratio:
        print(f"TOO SLOW: the re-run took {ratio:.2f} of the bring-up, over {args.max_ratio:.2f}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
