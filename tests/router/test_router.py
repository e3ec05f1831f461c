"""The hipache-protocol router: real nginx + Lua, real Redis, real backends."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import harness
import pytest

CACHE_TTL = harness.CACHE_TTL


def wait_for(predicate, timeout: float = 5.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def names_of(router, host, n=20) -> set[str]:
    seen = set()
    for _ in range(n):
        r = router.get(host)
        assert r.status == 200, r
        seen.add(r.json()["backend"])
    return seen


# ---------------------------------------------------------------------------
# The router's own answers


def test_ping_answers_200_without_redis_lookup(router, rc):
    r = router.get("__ping__")
    assert r.status == 200
    assert r.body == b""
    assert router.get("__PING__:8080").status == 200


def test_missing_host_header_is_400(router):
    raw = harness.raw_request(router.port, b"GET / HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 400 ")
    assert raw.endswith(b"No Host header\n")


def test_unknown_frontend_is_404_and_reaches_no_backend(router, rc, backends, host):
    other = backends("other")
    rc.call("RPUSH", "frontend:known." + host, "known", other.url)
    r = router.get(host)
    assert r.status == 404
    assert r.text == "frontend not found\n"
    assert r.headers["Content-Type"].startswith("text/plain")
    assert other.hits == 0


def test_frontend_with_only_an_identifier_is_502(router, rc, host):
    rc.call("RPUSH", "frontend:" + host, "app-without-units")
    r = router.get(host)
    assert r.status == 502
    assert r.text == "Cannot find a valid backend\n"


def test_unparsable_backend_is_502(router, rc, host):
    rc.call("RPUSH", "frontend:" + host, "app", "not a url")
    r = router.get(host)
    assert r.status == 502
    assert r.text == "Cannot find a valid backend\n"


def test_unparsable_backend_is_skipped_when_others_are_valid(router, rc, backends, host):
    good = backends("good")
    rc.call("RPUSH", "frontend:" + host, "app", "ftp://127.0.0.1:21", good.url)
    assert names_of(router, host, 10) == {"good"}


# ---------------------------------------------------------------------------
# Frontend lookup


def test_exact_host_is_lowercased_and_port_stripped(router, rc, backends, host):
    b = backends("b")
    rc.call("RPUSH", "frontend:" + host, "app", b.url)
    r = router.get(host.upper() + ":8080", "/some/path?x=1")
    assert r.status == 200
    body = r.json()
    assert body["backend"] == "b"
    assert body["path"] == "/some/path?x=1"
    assert body["headers"]["Host"] == host.upper() + ":8080"  # passed through untouched


def test_wildcard_suffixes_most_specific_first(router, rc, backends, host):
    wild, exact, wider = backends("wild"), backends("exact"), backends("wider")
    base = host  # e.g. test-...-3.apps.example.test
    rc.call("RPUSH", f"frontend:*.{base}", "wild", wild.url)
    rc.call("RPUSH", f"frontend:x.{base}", "exact", exact.url)
    rc.call("RPUSH", f"frontend:*.deep.{base}", "wider", wider.url)
    assert router.get(f"a.{base}").json()["backend"] == "wild"
    assert router.get(f"x.{base}").json()["backend"] == "exact"
    assert router.get(f"y.x.{base}").json()["backend"] == "wild"
    assert router.get(f"y.deep.{base}").json()["backend"] == "wider"
    assert router.get(f"Z.Y.Deep.{base.upper()}:80").json()["backend"] == "wider"
    # the wildcard does not cover the bare name
    assert router.get(base).status == 404


def test_wildcards_use_the_last_labels_only(router, rc, backends):
    b = backends("b")
    six = "l2.l3.l4.l5.l6.wild-depth.test"  # 7 labels
    rc.call("RPUSH", "frontend:*.l4.l5.l6.wild-depth.test", "five", b.url)  # 5-label suffix
    assert router.get(f"l0.l1.{six}").json()["backend"] == "b"
    rc.call("DEL", "frontend:*.l4.l5.l6.wild-depth.test")
    rc.call("RPUSH", "frontend:*.l3.l4.l5.l6.wild-depth.test", "six", b.url)  # 6 labels: too long
    assert router.get(f"m0.m1.{six}").status == 404
    # ...but a host with that many labels still matches exactly (once the
    # cached "not found" above has expired)
    rc.call("RPUSH", f"frontend:m0.m1.{six}", "exact", b.url)
    assert wait_for(lambda: router.get(f"m0.m1.{six}").status == 200, CACHE_TTL + 2)


def test_catch_all_and_key_prefix(prefixed_router, router, rc, backends, host):
    catch_all = backends("catch-all")
    rc.call("RPUSH", "slipway-test:frontend:*", "default", catch_all.url)
    try:
        assert prefixed_router.get(host).json()["backend"] == "catch-all"
        # the unprefixed router does not read prefixed keys
        assert router.get(host).status == 404
        # ...and this router does not read unprefixed ones: hipache's 400
        rc.call("RPUSH", "frontend:only-unprefixed." + host, "x", catch_all.url)
        r = prefixed_router.get("x.only-unprefixed." + host)
        assert r.json()["backend"] == "catch-all"  # falls to its own "*"
    finally:
        rc.call("DEL", "slipway-test:frontend:*")
    assert wait_for(lambda: prefixed_router.get("new." + host).status == 400, CACHE_TTL + 2)
    assert prefixed_router.get("new." + host).text == "frontend not found\n"


# ---------------------------------------------------------------------------
# Backend choice, dead backends, retries


def test_random_backend_among_all(router, rc, backends, host):
    bs = [backends(f"b{i}") for i in range(3)]
    rc.call("RPUSH", "frontend:" + host, "app", *[b.url for b in bs])
    assert names_of(router, host, 60) == {"b0", "b1", "b2"}


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback on this host")
def test_ipv6_backends_are_routed_retried_and_marked(router, rc, backends, host):
    a, b = backends("a6", address="::1"), backends("b6", address="::1")
    rc.call("RPUSH", "frontend:" + host, "app", a.url, b.url)
    assert names_of(router, host, 20) == {"a6", "b6"}
    a.kill()
    assert names_of(router, host, 10) == {"b6"}
    assert wait_for(lambda: rc.call("SMEMBERS", "dead:" + host) == ["0"])


def test_dead_set_of_the_requested_host_is_honoured(router, rc, backends, host):
    a, b = backends("a"), backends("b")
    rc.call("RPUSH", "frontend:" + host, "app", a.url, b.url)
    rc.call("SADD", "dead:" + host, 0)
    rc.call("EXPIRE", "dead:" + host, 30)
    assert names_of(router, host, 20) == {"b"}
    assert a.hits == 0


def test_all_backends_dead_is_502(router, rc, backends, host):
    a, b = backends("a"), backends("b")
    rc.call("RPUSH", "frontend:" + host, "app", a.url, b.url)
    rc.call("SADD", "dead:" + host, 0, 1)
    rc.call("EXPIRE", "dead:" + host, 30)
    r = router.get(host)
    assert r.status == 502
    assert r.text == "Cannot find a valid backend\n"
    assert a.hits == b.hits == 0


class Subscriber:
    """Collects messages published on a Redis channel, in a thread."""

    def __init__(self, redis_server, channel):
        self.client = redis_server.client()
        self.client.call("SUBSCRIBE", channel)
        self.messages: list[str] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            while True:
                msg = self.client.read()
                if msg and msg[0] == "message":
                    self.messages.append(msg[2])
        except (OSError, ConnectionError, ValueError):
            pass

    def close(self):
        with contextlib.suppress(OSError):
            self.client.sock.shutdown(socket.SHUT_RDWR)
        self.client.close()


def test_dead_backend_is_retried_marked_and_published(router, rc, redis_server, backends, host):
    a, b = backends("a"), backends("b")
    rc.call("RPUSH", "frontend:" + host, "app", a.url, b.url)
    assert names_of(router, host, 20) == {"a", "b"}
    sub = Subscriber(redis_server, "dead")
    try:
        a.kill()
        # no client ever sees the dead backend: the router retries on b
        assert names_of(router, host, 20) == {"b"}
        assert wait_for(lambda: rc.call("SMEMBERS", "dead:" + host) == ["0"])
        assert 0 < rc.call("TTL", "dead:" + host) <= 30
        assert wait_for(lambda: sub.messages)
        assert sub.messages[0] == f"{host};{a.url};0;2"
    finally:
        sub.close()
    # the dead mark evicted the cached route: the dead backend is skipped,
    # not retried, by every worker
    refused = router.nginx.errors().count(f'upstream: "{a.url}/"')
    assert names_of(router, host, 20) == {"b"}
    assert router.nginx.errors().count(f'upstream: "{a.url}/"') == refused


def test_three_dead_backends_still_reach_the_live_one(router, rc, backends, host):
    bs = [backends(f"b{i}") for i in range(4)]
    rc.call("RPUSH", "frontend:" + host, "app", *[b.url for b in bs])
    for b in bs[:3]:
        b.kill()
    for _ in range(10):
        r = router.get(host)
        assert r.status == 200, r
        assert r.json()["backend"] == "b3"
    assert wait_for(lambda: sorted(rc.call("SMEMBERS", "dead:" + host)) == ["0", "1", "2"])


def test_single_backend_is_never_marked_dead(router, rc, backends, host):
    a = backends("a")
    rc.call("RPUSH", "frontend:" + host, "app", a.url)
    assert router.get(host).status == 200
    a.kill()
    assert router.get(host).status == 502
    time.sleep(0.3)
    assert rc.call("EXISTS", "dead:" + host) == 0


def test_no_passive_dead_marking_while_health_checker_pings(router, rc, backends, host):
    a, b = backends("a"), backends("b")
    rc.call("SET", "hchecker_ping", int(time.time()))
    try:
        rc.call("RPUSH", "frontend:" + host, "app", a.url, b.url)
        assert router.get(host).status == 200  # route (and ping) cached
        a.kill()
        assert names_of(router, host, 20) == {"b"}  # still retried
        time.sleep(0.3)
        assert rc.call("EXISTS", "dead:" + host) == 0
    finally:
        rc.call("DEL", "hchecker_ping")


def test_old_health_checker_ping_does_not_disable_marking(router, rc, backends, host):
    a, b = backends("a"), backends("b")
    rc.call("SET", "hchecker_ping", int(time.time()) - 60)
    try:
        rc.call("RPUSH", "frontend:" + host, "app", a.url, b.url)
        a.kill()
        assert names_of(router, host, 10) == {"b"}
        assert wait_for(lambda: rc.call("SMEMBERS", "dead:" + host) == ["0"])
    finally:
        rc.call("DEL", "hchecker_ping")


def test_backend_answering_5xx_is_marked_dead(router, rc, backends, host):
    broken, ok = backends("broken", status=501), backends("ok")
    rc.call("RPUSH", "frontend:" + host, "app", ok.url, broken.url)
    statuses = set()
    for _ in range(20):
        statuses.add(router.get(host).status)
        if 501 in statuses:
            break
    assert 501 in statuses  # the backend's answer is passed on, not retried
    assert wait_for(lambda: rc.call("SMEMBERS", "dead:" + host) == ["1"])
    assert names_of(router, host, 10) == {"ok"}


def test_503_with_retry_after_does_not_mark_dead(router, rc, backends, host):
    busy = backends("busy", status=503, extra_headers={"Retry-After": "5"})
    ok = backends("ok")
    rc.call("RPUSH", "frontend:" + host, "app", ok.url, busy.url)
    for _ in range(20):
        router.get(host)
    assert busy.hits > 0
    time.sleep(0.3)
    assert rc.call("EXISTS", "dead:" + host) == 0


def test_dead_marks_expire(router, rc, backends, host):
    a, b = backends("a"), backends("b")
    rc.call("RPUSH", "frontend:" + host, "app", a.url, b.url)
    rc.call("SADD", "dead:" + host, 0)
    rc.call("PEXPIRE", "dead:" + host, 300)
    assert router.get(host).json()["backend"] == "b"
    assert wait_for(lambda: "a" in names_of(router, host, 10), CACHE_TTL + 3)


# ---------------------------------------------------------------------------
# Proxying


def test_forwarded_headers(router, rc, backends, host):
    b = backends("b")
    rc.call("RPUSH", "frontend:" + host, "app", b.url)
    h = router.get(host).json()["headers"]
    assert h["X-Forwarded-For"] == "127.0.0.1"
    assert h["X-Forwarded-Proto"] == "http"
    assert h["X-Forwarded-Port"] == str(router.port)
    # an existing chain is extended; scheme and port are the router's own
    h = router.get(
        host, headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    ).json()["headers"]
    assert h["X-Forwarded-For"] == "203.0.113.7, 127.0.0.1"
    assert h["X-Forwarded-Proto"] == "http"


def test_request_body_and_method_are_proxied(router, rc, backends, host):
    b = backends("b")
    rc.call("RPUSH", "frontend:" + host, "app", b.url)
    conn_resp = harness.raw_request(
        router.port,
        f"POST /upload HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\n"
        "Connection: close\r\n\r\nhello".encode(),
    )
    assert conn_resp.startswith(b"HTTP/1.1 200 ")
    assert b'"path": "/upload"' in conn_resp


def test_websocket_upgrade_is_tunnelled(router, rc, backends, host):
    b = backends("ws")
    rc.call("RPUSH", "frontend:" + host, "app", b.url)
    with socket.create_connection(("127.0.0.1", router.port), timeout=5) as s:
        s.sendall(
            f"GET /socket HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += s.recv(4096)
        assert head.startswith(b"HTTP/1.1 101 ")
        for message in (b"first frame", b"second frame"):
            s.sendall(message)
            echoed = b""
            while len(echoed) < len(message):
                echoed += s.recv(4096)
            assert echoed == message


def test_backend_connections_are_kept_alive(router, rc, backends, host):
    b = backends("b")
    rc.call("RPUSH", "frontend:" + host, "app", b.url)
    for _ in range(50):
        assert router.get(host).status == 200
    assert b.hits == 50
    assert b.connections <= 4  # at most a few per worker, not one per request


def test_access_log_records_host_and_upstream(router, rc, backends, host):
    b = backends("b")
    rc.call("RPUSH", "frontend:" + host, "app", b.url)
    router.get(host, "/logged-path")
    log = router.workdir / "access.log"

    def logged():
        return log.exists() and f'host="{host}"' in log.read_text()

    assert wait_for(logged, 5)
    line = next(x for x in log.read_text().splitlines() if f'host="{host}"' in x)
    assert '"GET /logged-path HTTP/1.1" 200' in line
    assert f"upstream=127.0.0.1:{b.port}" in line


# ---------------------------------------------------------------------------
# Cache: route changes and Redis outages


def test_route_change_is_visible_within_the_cache_ttl(router, rc, backends, host):
    old, new = backends("old"), backends("new")
    rc.call("RPUSH", "frontend:" + host, "app", old.url)
    assert router.get(host).json()["backend"] == "old"
    rc.call("LSET", "frontend:" + host, 1, new.url)
    changed_at = time.monotonic()
    assert wait_for(lambda: router.get(host).json()["backend"] == "new", CACHE_TTL + 1)
    assert time.monotonic() - changed_at <= CACHE_TTL + 0.5
    # a removed frontend disappears the same way
    rc.call("DEL", "frontend:" + host)
    assert wait_for(lambda: router.get(host).status == 404, CACHE_TTL + 1)


def test_routes_survive_a_redis_outage(router, redis_server, rc, backends, host):
    a = backends("a")
    rc.call("RPUSH", "frontend:" + host, "app", a.url)
    assert router.get(host).json()["backend"] == "a"
    redis_server.stop()
    try:
        time.sleep(CACHE_TTL + 0.5)  # the cached route is stale now
        for _ in range(20):
            r = router.get(host)
            assert r.status == 200, r
            assert r.json()["backend"] == "a"
        # a host never seen before cannot be routed without Redis
        r = router.get("never-seen." + host)
        assert r.status == 503
        assert "Route store unavailable" in r.text
    finally:
        redis_server.start()
    # Redis is back (empty: it keeps nothing on disk in these tests)
    fresh = redis_server.client(3)
    try:
        b = backends("b")
        fresh.call("RPUSH", "frontend:" + host, "app", b.url)
        assert wait_for(lambda: router.get(host).json()["backend"] == "b", CACHE_TTL + 3)
    finally:
        fresh.close()


@pytest.mark.parametrize("header", ["", "   "])
def test_blank_host_is_400(router, header):
    raw = harness.raw_request(router.port, f"GET / HTTP/1.0\r\nHost: {header}\r\n\r\n".encode())
    assert raw.split(b"\r\n", 1)[0] in (b"HTTP/1.1 400 Bad Request",)
