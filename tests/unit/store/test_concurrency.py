"""Two processes on one database: unique keys hold and no update is lost."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable

from slipway.store import DuplicateKeyError, Store, open_store

INCREMENTS = 200
CLAIMS = 50


def _increment(store: Store) -> str:
    for _ in range(INCREMENTS):
        store.update_one("counters", {"_id": "hits"}, {"$inc": {"n": 1}}, upsert=True)
    return "done"


def _claim(store: Store, who: str) -> int:
    won = 0
    for attempt in range(CLAIMS):
        try:
            store.insert("things", {"_id": f"{who}-{attempt}", "email": f"user{attempt}@x.io"})
            won += 1
        except DuplicateKeyError:
            pass
    return won


def _worker(work: Callable[..., object], url: str, name: str, args: tuple, start, results) -> None:
    try:
        store = open_store(url, name)
        start.wait()
        results.put(work(store, *args))
        store.close()
    except Exception as exc:  # reported to the parent test instead of dying silently
        results.put(exc)


def _race(work: Callable[..., object], backend: tuple[str, str], args_each: list[tuple]) -> list:
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    procs = [
        context.Process(target=_worker, args=(work, *backend, args, start, results))
        for args in args_each
    ]
    for proc in procs:
        proc.start()
    start.set()
    outcome = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    failures = [item for item in outcome if isinstance(item, Exception)]
    assert not failures, failures
    return outcome


def test_counter_has_no_lost_update(store: Store, backend_url: tuple[str, str]) -> None:
    _race(_increment, backend_url, [(), ()])
    assert store.get("counters", "hits")["n"] == INCREMENTS * 2


def test_unique_key_race_has_exactly_one_winner_per_key(
    store: Store, backend_url: tuple[str, str]
) -> None:
    wins = _race(_claim, backend_url, [("left",), ("right",)])
    assert sum(wins) == CLAIMS
    assert store.count("things") == CLAIMS
    assert len({doc["email"] for doc in store.find("things")}) == CLAIMS
