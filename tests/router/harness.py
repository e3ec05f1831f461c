"""Real components for router tests and benchmarks.

Renders the hipache role's own templates with jinja2 (the same options
Ansible's template module uses), and runs a real redis-server, a real nginx
and small HTTP backends, all on 127.0.0.1 ephemeral ports under one
temporary directory.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jinja2
import yaml

REPO = Path(__file__).resolve().parents[2]
ROLE = REPO / "roles" / "hipache"

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
)
LUA_MODULE = Path("/usr/share/nginx/modules/ngx_http_lua_module.so")

# Route cache TTL (seconds) of the routers the tests start
CACHE_TTL = 1


def missing_components() -> list[str]:
    """What is absent for the router to run here (empty when all is present)."""
    missing = []
    if not NGINX:
        missing.append("nginx (apt: nginx)")
    if not LUA_MODULE.exists():
        missing.append("ngx_http_lua_module (apt: libnginx-mod-http-lua)")
    if not any(
        Path(p).exists()
        for p in ("/usr/share/lua/5.1/nginx/redis.lua", "/usr/share/lua/5.1/resty/redis.lua")
    ):
        missing.append("lua-resty-redis (apt: lua-nginx-redis)")
    if not REDIS_SERVER:
        missing.append("redis-server (apt: redis-server)")
    return missing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def stop_process(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


# ---------------------------------------------------------------------------
# Rendering the role


def role_vars() -> dict:
    """defaults/main.yml overlaid with vars/main.yml, as Ansible would."""
    variables = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    variables.update(yaml.safe_load((ROLE / "vars" / "main.yml").read_text()))
    return variables


def render(template: str, variables: dict) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ROLE / "templates")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    return env.get_template(template).render(**variables)


def render_router(workdir: Path, overrides: dict) -> tuple[Path, dict]:
    """Write the role's nginx.conf, router.conf, config.lua and Lua files.

    Paths point into workdir; returns the nginx.conf path and the variables.
    """
    conf_dir = workdir / "conf"
    lua_dir = workdir / "lua"
    temp_dir = workdir / "temp"
    for d in (conf_dir, temp_dir):
        d.mkdir(parents=True, exist_ok=True)
    if lua_dir.exists():
        shutil.rmtree(lua_dir)
    shutil.copytree(ROLE / "files" / "lua", lua_dir)
    variables = role_vars()
    variables.update(
        {
            "_hipache_conf_dir": str(conf_dir),
            "_hipache_lua_dir": str(lua_dir),
            "_hipache_nginx_pid": str(workdir / "nginx.pid"),
            "_hipache_nginx_user": "root" if os.geteuid() == 0 else "",
            "_hipache_nginx_temp_dir": str(temp_dir),
            "hipache_listen_address": "127.0.0.1",
            "hipache_error_log": str(workdir / "error.log"),
            "hipache_access_log": str(workdir / "access.log"),
            "hipache_worker_processes": 2,
            "hipache_worker_connections": 1024,
        }
    )
    variables.update(overrides)
    nginx_conf = workdir / "nginx.conf"
    nginx_conf.write_text(render("nginx.conf.j2", variables))
    (conf_dir / "router.conf").write_text(render("router.conf.j2", variables))
    config_lua = conf_dir / "config.lua"
    config_lua.write_text(render("config.lua.j2", variables))
    config_lua.chmod(0o600)
    return nginx_conf, variables


# ---------------------------------------------------------------------------
# Processes


class Nginx:
    """An nginx master in the foreground, with its own prefix and logs."""

    def __init__(self, workdir: Path, conf: Path, port: int):
        self.workdir = workdir
        self.conf = conf
        self.port = port
        self.error_log = workdir / "error.log"
        self.proc: subprocess.Popen | None = None

    def _cmd(self, *extra: str) -> list[str]:
        return [
            NGINX,
            "-e",
            str(self.workdir / "startup-error.log"),
            "-p",
            str(self.workdir),
            "-c",
            str(self.conf),
            *extra,
        ]

    def check(self) -> str:
        """nginx -t on the configuration; raises with nginx's output on failure."""
        result = subprocess.run(
            self._cmd("-t"), capture_output=True, text=True, timeout=30, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{result.stderr}")
        return result.stderr

    def start(self) -> Nginx:
        self.check()
        with open(self.workdir / "nginx.stderr", "ab") as stderr:
            self.proc = subprocess.Popen(
                self._cmd("-g", "daemon off;"), stdout=subprocess.DEVNULL, stderr=stderr
            )
        wait_port(self.port, proc=self.proc)
        return self

    def reload(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, signal.SIGQUIT)
            self.proc = None

    def errors(self) -> str:
        return self.error_log.read_text() if self.error_log.exists() else ""


class Redis:
    """A throwaway redis-server: no persistence, a password, 127.0.0.1 only."""

    def __init__(self, workdir: Path, port: int, password: str = ""):
        self.workdir = workdir
        self.port = port
        self.password = password
        self.proc: subprocess.Popen | None = None

    def start(self) -> Redis:
        cmd = [
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.workdir),
            "--logfile",
            str(self.workdir / "redis.log"),
        ]
        if self.password:
            cmd += ["--requirepass", self.password]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, proc=self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            self.proc = None

    def client(self, db: int = 0) -> RespClient:
        return RespClient(self.port, self.password, db)


class RespClient:
    """The few Redis commands the tests need, over RESP on a plain socket."""

    def __init__(self, port: int, password: str = "", db: int = 0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = self.sock.makefile("rb")
        if password:
            self.call("AUTH", password)
        if db:
            self.call("SELECT", db)

    def close(self) -> None:
        self.buf.close()
        self.sock.close()

    def send(self, *args) -> None:
        out = [f"*{len(args)}\r\n".encode()]
        for a in args:
            b = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(b), b))
        self.sock.sendall(b"".join(out))

    def read(self):
        line = self.buf.readline()
        if not line:
            raise ConnectionError("redis closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.buf.read(n + 2)[:-2]
            return data.decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError(f"unexpected reply {line!r}")

    def call(self, *args):
        self.send(*args)
        return self.read()


# ---------------------------------------------------------------------------
# Backends


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _upgrade(self):
        """Switch protocols, then echo whatever arrives (a stand-in for WebSocket)."""
        self.wfile.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        )
        while True:
            data = self.connection.recv(65536)
            if not data:
                break
            self.connection.sendall(data)
        self.close_connection = True

    def _answer(self):
        backend: Backend = self.server.backend  # type: ignore[attr-defined]
        if self.headers.get("Upgrade", "").lower() == "websocket":
            backend.hits += 1
            return self._upgrade()
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        backend.hits += 1
        body = json.dumps(
            {"backend": backend.name, "path": self.path, "headers": dict(self.headers.items())}
        ).encode()
        self.send_response(backend.status)
        for k, v in backend.extra_headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # headers and body: 2 writes
        self.backend.connections += 1  # type: ignore[attr-defined]
        self.backend.open_sockets.add(conn)  # type: ignore[attr-defined]
        return conn, addr

    def handle_error(self, request, client_address):
        pass


class _Server6(_Server):
    address_family = socket.AF_INET6


class Backend:
    """A small HTTP/1.1 server that answers with its name and the headers it got."""

    def __init__(
        self,
        name: str,
        status: int = 200,
        extra_headers: dict | None = None,
        address: str = "127.0.0.1",
    ):
        self.name = name
        self.status = status
        self.extra_headers = extra_headers or {}
        self.hits = 0
        self.connections = 0
        self.open_sockets: set[socket.socket] = set()
        ipv6 = ":" in address
        self.server = (_Server6 if ipv6 else _Server)((address, 0), _Handler)
        self.server.backend = self  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.url = f"http://[{address}]:{self.port}" if ipv6 else f"http://{address}:{self.port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.alive = True

    def kill(self) -> None:
        """Stop listening and drop every open connection: the port refuses."""
        if not self.alive:
            return
        self.alive = False
        self.server.shutdown()
        self.server.server_close()
        for s in list(self.open_sockets):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.thread.join(5)


# ---------------------------------------------------------------------------
# Client


class Response:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self) -> dict:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.body[:120]!r}>"


def request(
    port: int, host: str | None, path: str = "/", method: str = "GET", headers: dict | None = None
) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return Response(resp.status, dict(resp.getheaders()), resp.read())
    finally:
        conn.close()


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)
