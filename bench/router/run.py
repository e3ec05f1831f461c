#!/usr/bin/env python3
"""Router throughput and p99 latency: direct vs static nginx proxy vs the Lua router.

Everything runs on 127.0.0.1 in one temporary directory and is stopped at
the end:
  - backend: a one-worker nginx answering a static body;
  - static:  nginx proxying to it through an upstream with keepalive (the
             best case for any nginx-based router);
  - router:  the hipache role's own configuration (rendered from its
             templates), routes in a real redis-server.
wrk drives each target in turn, round after round, so the ratios come from
the same run. Usage: bench/router/run.py [--duration 5] [--rounds 3].
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "router"))

import harness

HOST = "bench-app.apps.example.test"
BODY = "hello from the backend\n"

# Proxy settings shared by the static proxy, so both proxies do the same work
# per request (headers, HTTP/1.1 keepalive, buffered access log).
PROXY_LOCATION = """
        proxy_pass http://bench_backend;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $bench_connection;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Port $server_port;
        proxy_redirect off;
"""


def nginx_conf(workdir: Path, http_block: str, workers: int) -> Path:
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes {workers};
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    server_tokens off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
{http_block}
}}
"""
    )
    return conf


def backend_block(port: int) -> str:
    return f"""
    access_log off;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            default_type text/plain;
            return 200 "{BODY.strip()}\\n";
        }}
    }}
"""


def static_block(port: int, backend_port: int, workdir: Path) -> str:
    return f"""
    log_format bench '$remote_addr - $remote_user [$time_local] "$request" '
                     '$status $body_bytes_sent "$http_referer" "$http_user_agent" '
                     'host="$http_host" upstream=$upstream_addr '
                     'upstream_status=$upstream_status '
                     'request_time=$request_time upstream_time=$upstream_response_time';
    access_log {workdir}/access.log bench buffer=64k flush=1s;
    map $http_upgrade $bench_connection {{
        default upgrade;
        "" "";
    }}
    upstream bench_backend {{
        server 127.0.0.1:{backend_port};
        keepalive 128;
        keepalive_timeout 30s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{{PROXY_LOCATION}        }}
    }}
"""


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    if not rps or not p99:
        raise RuntimeError("cannot read wrk's output:\n" + output)
    return {
        "rps": float(rps.group(1)),
        "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)],
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(0) if socket_errors else "",
    }


def wrk(port: int, seconds: float, connections: int, threads: int) -> dict:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{int(seconds)}s",
        "--latency",
        "-H",
        f"Host: {HOST}",
        f"http://127.0.0.1:{port}/",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 30)
    return parse_wrk(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per target")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="nginx workers of each proxy")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    missing = harness.missing_components()
    if not shutil.which("wrk"):
        missing.append("wrk (apt: wrk)")
    if missing:
        print("cannot run: missing " + ", ".join(missing), file=sys.stderr)
        return 2

    started: list = []
    with tempfile.TemporaryDirectory(prefix="slipway-bench-router-") as tmp:
        root = Path(tmp)
        try:
            backend_dir, static_dir, router_dir, redis_dir = (
                root / n for n in ("backend", "static", "router", "redis")
            )
            for d in (backend_dir, static_dir, router_dir, redis_dir):
                d.mkdir()
            ports = {name: harness.free_port() for name in ("direct", "static", "router")}

            backend = harness.Nginx(
                backend_dir,
                nginx_conf(backend_dir, backend_block(ports["direct"]), 1),
                ports["direct"],
            )
            started.append(backend.start())

            static = harness.Nginx(
                static_dir,
                nginx_conf(
                    static_dir,
                    static_block(ports["static"], ports["direct"], static_dir),
                    args.workers,
                ),
                ports["static"],
            )
            started.append(static.start())

            redis = harness.Redis(redis_dir, harness.free_port(), "bench-password")
            started.append(redis.start())
            client = redis.client()
            client.call(
                "RPUSH", f"frontend:{HOST}", "bench-app", f"http://127.0.0.1:{ports['direct']}"
            )
            client.close()

            conf, _ = harness.render_router(
                router_dir,
                {
                    "hipache_listen_port": ports["router"],
                    "hipache_redis_port": redis.port,
                    "hipache_redis_password": "bench-password",
                    "hipache_worker_processes": args.workers,
                    "hipache_worker_connections": 4096,
                },
            )
            router = harness.Nginx(router_dir, conf, ports["router"])
            started.append(router.start())

            for name, port in ports.items():  # every target answers before measuring
                r = harness.request(port, HOST)
                if r.status != 200 or r.text != BODY:
                    raise RuntimeError(f"{name} answered {r!r}")

            results: dict[str, list[dict]] = {name: [] for name in ports}
            for port in ports.values():  # warm-up: pools, caches, JIT
                wrk(port, 1, args.connections, args.threads)
            for _ in range(args.rounds):
                for name, port in ports.items():
                    results[name].append(wrk(port, args.duration, args.connections, args.threads))
        finally:
            for proc in reversed(started):
                proc.stop()

    summary = {}
    for name, runs in results.items():
        summary[name] = {
            "rps": statistics.median(r["rps"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "runs": runs,
        }
    ratios = {
        "router/static rps": summary["router"]["rps"] / summary["static"]["rps"],
        "router/direct rps": summary["router"]["rps"] / summary["direct"]["rps"],
        "router/static p99": summary["router"]["p99_ms"] / summary["static"]["p99_ms"],
        "router/direct p99": summary["router"]["p99_ms"] / summary["direct"]["p99_ms"],
    }

    if args.json:
        print(json.dumps({"settings": vars(args), "targets": summary, "ratios": ratios}, indent=2))
        return 0
    print(
        f"router benchmark: wrk -t{args.threads} -c{args.connections}, "
        f"{args.rounds} x {args.duration}s per target (median), "
        f"{args.workers} nginx worker(s) per proxy"
    )
    print(f"{'target':<8} {'req/s':>10} {'p99 ms':>8} {'non-2xx':>8}  runs (req/s)")
    for name, s in summary.items():
        runs = ", ".join(f"{r['rps']:.0f}" for r in s["runs"])
        print(f"{name:<8} {s['rps']:>10.0f} {s['p99_ms']:>8.2f} {s['non_2xx']:>8}  {runs}")
    for label, value in ratios.items():
        print(f"{label:<18} {value:.2f}")
    failed = sum(s["non_2xx"] for s in summary.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
