#!/usr/bin/env python3
"""API latency and throughput on SQLite, each against a trivial endpoint of the same server.

Starts a real ``slipway-api run`` (gunicorn) on 127.0.0.1 with a fresh SQLite
database, creates the apps through the API (that is the app-create throughput
figure), then measures app-list over all of them and app-info, sequentially
over one keep-alive connection. ``GET /healthcheck`` on the same server, in the
same run, is the baseline for every ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "api"))

from slipway.localapi import local_api


def settings(directory: Path) -> dict:
    return {
        "database": {"url": f"sqlite:///{directory}/bench.db"},
        "auth": {"user-registration": True, "hash-cost": 4},
        "log-level": "warning",
    }


def latencies(call: Callable[[], requests.Response], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = call()
        samples.append(time.perf_counter() - start)
        if response.status_code >= 400:
            raise SystemExit(f"benchmark request failed: {response.status_code} {response.text}")
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def throughput(call: Callable[[int], requests.Response], count: int, threads: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        for response in pool.map(call, range(count)):
            if response.status_code >= 400:
                raise SystemExit(
                    f"benchmark request failed: {response.status_code} {response.text}"
                )
    return count / (time.perf_counter() - start)


def session(token: str) -> requests.Session:
    http = requests.Session()
    http.headers["Authorization"] = f"bearer {token}"
    return http


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory() as tmp,
        local_api(Path(tmp), settings(Path(tmp)), workers=args.workers) as api,
    ):
        admin = session(api.admin_token)
        admin.post(f"{api.url}/platforms", json={"name": "python"}).raise_for_status()
        local = threading.local()

        def own_session() -> requests.Session:
            if not hasattr(local, "http"):
                local.http = session(api.admin_token)
            return local.http

        def create(index: int) -> requests.Response:
            body = {"name": f"app{index:05d}", "platform": "python", "teamOwner": "admin"}
            return own_session().post(f"{api.url}/apps", json=body)

        def health(_: int) -> requests.Response:
            return own_session().get(f"{api.url}/healthcheck")

        create_rate = throughput(create, args.apps, args.threads)
        health_rate = throughput(health, args.apps, args.threads)
        listed = admin.get(f"{api.url}/apps").json()
        if len(listed) != args.apps:
            raise SystemExit(f"expected {args.apps} apps, the API listed {len(listed)}")

        results = {
            "healthcheck": latencies(lambda: admin.get(f"{api.url}/healthcheck"), args.samples),
            f"app-list ({args.apps} apps)": latencies(
                lambda: admin.get(f"{api.url}/apps"), max(args.samples // 5, 20)
            ),
            "app-info": latencies(lambda: admin.get(f"{api.url}/apps/app00042"), args.samples),
        }

    base_p50 = statistics.median(results["healthcheck"])
    base_p99 = percentile(results["healthcheck"], 0.99)
    print(f"slipway bench/api — SQLite, gunicorn workers={args.workers}, {args.apps} apps")
    print(f"{'request':<24}{'p50 ms':>9}{'p99 ms':>9}{'p50 x base':>12}{'p99 x base':>12}")
    for name, samples in results.items():
        p50, p99 = statistics.median(samples), percentile(samples, 0.99)
        print(
            f"{name:<24}{p50 * 1000:>9.2f}{p99 * 1000:>9.2f}"
            f"{p50 / base_p50:>12.1f}{p99 / base_p99:>12.1f}"
        )
    print(
        f"app-create throughput: {create_rate:.0f} apps/s with {args.threads} clients; "
        f"healthcheck {health_rate:.0f} req/s; ratio {create_rate / health_rate:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
