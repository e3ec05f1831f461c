"""``slipway-collector``: every ``collector:ticker-time`` seconds, look at the
cluster and log what it saw.

For now a pass counts apps, users and teams in the store and the jobs waiting
in the worker's beanstalkd tube; unit status collection comes with the
provisioner.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

import greenstalk

from .config import Config
from .core import schema
from .daemon import (
    QUEUE_ERRORS,
    Backoff,
    Stopper,
    base_parser,
    close_quietly,
    connect_queue,
    describe,
    open_queue_or_fail,
    open_store_or_fail,
    run_main,
)
from .store import Store, StoreError

log = logging.getLogger("slipway.collector")


@dataclass(frozen=True)
class Summary:
    apps: int
    users: int
    teams: int
    jobs_ready: int | None
    jobs_buried: int | None

    def line(self) -> str:
        if self.jobs_ready is None:
            queue = "queue unreachable"
        else:
            queue = f"{self.jobs_ready} jobs ready, {self.jobs_buried} buried"
        return f"{self.apps} apps, {self.users} users, {self.teams} teams; {queue}"


class Collector:
    """One pass per tick; beanstalkd going away is retried with backoff, never fatal."""

    def __init__(
        self,
        cfg: Config,
        store: Store,
        *,
        stopper: Stopper | None = None,
        client: greenstalk.Client | None = None,
    ) -> None:
        self.cfg = cfg
        self.store = store
        self.stopper = stopper or Stopper()
        self.client = client
        self.tube = cfg["worker:tube"]
        self.backoff = Backoff(cfg["worker:max-backoff"])
        self.passes = 0

    def _queue_counts(self) -> tuple[int | None, int | None]:
        if self.client is None:
            try:
                self.client = connect_queue(self.cfg)
            except QUEUE_ERRORS as exc:
                log.warning(
                    "beanstalkd at %s unreachable: %s", self.cfg["queue-server"], describe(exc)
                )
                return None, None
        try:
            stats = self.client.stats_tube(self.tube)
        except greenstalk.NotFoundError:
            # The tube exists only while someone uses or watches it.
            return 0, 0
        except QUEUE_ERRORS as exc:
            log.warning("lost beanstalkd: %s", describe(exc))
            close_quietly(self.client)
            self.client = None
            return None, None
        return int(stats["current-jobs-ready"]), int(stats["current-jobs-buried"])

    def collect(self) -> Summary:
        ready, buried = self._queue_counts()
        return Summary(
            apps=self.store.count(schema.APPS),
            users=self.store.count(schema.USERS),
            teams=self.store.count(schema.TEAMS),
            jobs_ready=ready,
            jobs_buried=buried,
        )

    def run(self, *, once: bool = False) -> None:
        ticker = self.cfg["collector:ticker-time"]
        log.info("slipway-collector: a pass every %ds", ticker)
        while not self.stopper.stopped:
            delay: float = ticker
            try:
                summary = self.collect()
            except StoreError as exc:
                delay = self.backoff.next()
                log.warning("store unavailable (%s); next pass in %.0fs", exc, delay)
            else:
                self.passes += 1
                log.info("collector pass %d: %s", self.passes, summary.line())
                if summary.jobs_ready is None:
                    delay = min(ticker, self.backoff.next())
                else:
                    self.backoff.reset()
            if once:
                break
            self.stopper.sleep(delay)
        close_quietly(self.client)
        log.info("slipway-collector stopped after %d passes", self.passes)


def _serve(cfg: Config, once: bool) -> int:
    store = open_store_or_fail(cfg)
    client = open_queue_or_fail(cfg)
    stopper = Stopper()
    stopper.install()
    try:
        Collector(cfg, store, stopper=stopper, client=client).run(once=once)
    finally:
        store.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = base_parser("slipway-collector", __doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--once", action="store_true", help="run one pass and exit")
    args = parser.parse_args(argv)
    return run_main("slipway-collector", lambda cfg: _serve(cfg, args.once), args.config)


if __name__ == "__main__":
    sys.exit(main())
