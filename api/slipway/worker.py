"""``slipway-worker``: take jobs from beanstalkd and run them by name.

A job body is JSON: ``{"name": "<job>", "args": {...}}``. Each name maps to a
handler in a :class:`JobRegistry`. A job that ran is deleted; a job whose body
is malformed, whose name is unknown, or whose handler failed is buried (kept
in beanstalkd for an operator to inspect or kick) and logged.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import greenstalk

from .config import Config
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
from .store import Store

log = logging.getLogger("slipway.worker")

# How long one reserve waits for a job: it bounds how late a SIGTERM is noticed.
RESERVE_TIMEOUT = 1


class JobError(Exception):
    """A job cannot run as given (bad body, bad arguments)."""


@dataclass
class JobContext:
    """What a handler gets: settings, the store, and a way to queue a job or reply."""

    config: Config
    store: Store
    put: Callable[[str, str], None]
    job_id: int = 0


Handler = Callable[[JobContext, dict[str, Any]], None]


@dataclass
class JobRegistry:
    """Job names to handlers."""

    handlers: dict[str, Handler] = field(default_factory=dict)

    def register(self, name: str) -> Callable[[Handler], Handler]:
        def add(handler: Handler) -> Handler:
            if name in self.handlers:
                raise ValueError(f"job {name!r} is already registered")
            self.handlers[name] = handler
            return handler

        return add

    def names(self) -> list[str]:
        return sorted(self.handlers)

    def get(self, name: str) -> Handler | None:
        return self.handlers.get(name)


def encode(name: str, **args: Any) -> str:
    """The body of a job named ``name``."""
    return json.dumps({"name": name, "args": args}, separators=(",", ":"))


def decode(body: str) -> tuple[str, dict[str, Any]]:
    """A job body's name and arguments; JobError when it is not a job."""
    try:
        data = json.loads(body)
    except ValueError:
        raise JobError("body is not JSON") from None
    if not isinstance(data, dict):
        raise JobError("body is not a JSON object")
    name = data.get("name")
    args = data.get("args", {})
    if not isinstance(name, str) or not name:
        raise JobError('body has no "name" string')
    if not isinstance(args, dict):
        raise JobError('"args" is not an object')
    return name, args


JOBS = JobRegistry()


@JOBS.register("ping")
def ping(ctx: JobContext, args: dict[str, Any]) -> None:
    """Proves the worker is alive; with ``reply-to``, answers on that tube."""
    ctx.store.ping()
    reply_to = args.get("reply-to")
    if reply_to is None:
        log.info("ping (job %d): pong", ctx.job_id)
        return
    if not isinstance(reply_to, str) or not reply_to:
        raise JobError('"reply-to" must be a tube name')
    ctx.put(reply_to, json.dumps({"pong": args.get("payload"), "job": ctx.job_id}))
    log.info("ping (job %d): pong sent to tube %s", ctx.job_id, reply_to)


class Worker:
    """The reserve-dispatch loop, reconnecting with backoff when beanstalkd goes away."""

    def __init__(
        self,
        cfg: Config,
        store: Store,
        *,
        registry: JobRegistry = JOBS,
        stopper: Stopper | None = None,
        client: greenstalk.Client | None = None,
    ) -> None:
        self.cfg = cfg
        self.store = store
        self.registry = registry
        self.stopper = stopper or Stopper()
        self.client = client
        self.tube = cfg["worker:tube"]
        self.backoff = Backoff(cfg["worker:max-backoff"])
        self.done = 0
        self.buried = 0

    def _put(self, tube: str, body: str) -> None:
        assert self.client is not None
        self.client.use(tube)
        try:
            self.client.put(body)
        finally:
            self.client.use(self.tube)

    def _reconnect(self) -> None:
        while not self.stopper.stopped:
            try:
                self.client = connect_queue(self.cfg)
            except QUEUE_ERRORS as exc:
                delay = self.backoff.next()
                log.warning(
                    "beanstalkd at %s unreachable (%s); retrying in %.0fs",
                    self.cfg["queue-server"],
                    describe(exc),
                    delay,
                )
                self.stopper.sleep(delay)
                continue
            log.info("connected to beanstalkd at %s again", self.cfg["queue-server"])
            self.backoff.reset()
            return

    def handle(self, job: greenstalk.Job) -> bool:
        """Run one job; True when it ran (and was deleted), False when it was buried."""
        assert self.client is not None
        try:
            name, args = decode(job.body)
        except JobError as exc:
            log.error("job %d: malformed (%s); buried", job.id, exc)
            self.client.bury(job)
            self.buried += 1
            return False
        handler = self.registry.get(name)
        if handler is None:
            log.error(
                "job %d: unknown job %r (known: %s); buried",
                job.id,
                name,
                ", ".join(self.registry.names()) or "none",
            )
            self.client.bury(job)
            self.buried += 1
            return False
        ctx = JobContext(config=self.cfg, store=self.store, put=self._put, job_id=job.id)
        try:
            handler(ctx, args)
        except QUEUE_ERRORS:
            raise
        except Exception:
            log.exception("job %d (%s) failed; buried", job.id, name)
            self.client.bury(job)
            self.buried += 1
            return False
        self.client.delete(job)
        self.done += 1
        return True

    def run(self) -> None:
        log.info(
            "slipway-worker watching tube %s on %s; jobs: %s",
            self.tube,
            self.cfg["queue-server"],
            ", ".join(self.registry.names()),
        )
        if self.client is None:
            self._reconnect()
        while not self.stopper.stopped:
            try:
                assert self.client is not None
                job = self.client.reserve(timeout=RESERVE_TIMEOUT)
            except greenstalk.TimedOutError:
                continue
            except QUEUE_ERRORS as exc:
                log.warning("lost beanstalkd (%s)", describe(exc))
                close_quietly(self.client)
                self.client = None
                self._reconnect()
                continue
            try:
                self.handle(job)
            except greenstalk.BeanstalkdError as exc:
                # e.g. NOT_FOUND when the job's time-to-run ran out meanwhile.
                log.error("job %d: beanstalkd refused %s", job.id, type(exc).__name__)
            except QUEUE_ERRORS as exc:
                log.warning("lost beanstalkd while handling job %d (%s)", job.id, describe(exc))
                close_quietly(self.client)
                self.client = None
                self._reconnect()
        close_quietly(self.client)
        log.info("slipway-worker stopped: %d jobs done, %d buried", self.done, self.buried)


def _serve(cfg: Config) -> int:
    store = open_store_or_fail(cfg)
    client = open_queue_or_fail(cfg)
    stopper = Stopper()
    stopper.install()
    try:
        Worker(cfg, store, stopper=stopper, client=client).run()
    finally:
        store.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = base_parser("slipway-worker", __doc__.splitlines()[0] if __doc__ else None)
    args = parser.parse_args(argv)
    return run_main("slipway-worker", _serve, args.config)


if __name__ == "__main__":
    sys.exit(main())
