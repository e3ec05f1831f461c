"""What ``slipway-worker`` and ``slipway-collector`` share: start-up checks,
the beanstalkd connection with backoff, and a clean stop on SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

import greenstalk

from . import config as config_module
from .config import Config, ConfigError
from .store import Store, StoreError, open_store

log = logging.getLogger("slipway.daemon")

# Errors that mean "the connection to beanstalkd is gone or never came up"
# (greenstalk reports a closed socket as ConnectionError, an OSError).
QUEUE_ERRORS: tuple[type[BaseException], ...] = (OSError, greenstalk.UnknownResponseError)


class StartupError(Exception):
    """The daemon cannot start; the message is the one line an operator reads."""


def queue_address(value: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port`` too) from the ``queue-server`` setting."""
    host, _, port = value.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


class Stopper:
    """A stop flag set by SIGTERM/SIGINT; sleeping on it wakes at once on a signal."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        log.info("received %s, stopping", signal.Signals(signum).name)
        self._event.set()

    def stop(self) -> None:
        self._event.set()

    @property
    def stopped(self) -> bool:
        return self._event.is_set()

    def sleep(self, seconds: float) -> bool:
        """Wait up to ``seconds``; True when asked to stop meanwhile."""
        return self._event.wait(seconds)


class Backoff:
    """Doubling delays, 1 s up to ``ceiling``; ``reset`` after a success."""

    def __init__(self, ceiling: float, first: float = 1.0) -> None:
        self.ceiling = ceiling
        self.first = first
        self._next = first

    def next(self) -> float:
        delay = min(self._next, self.ceiling)
        self._next = min(self._next * 2, self.ceiling)
        return delay

    def reset(self) -> None:
        self._next = self.first


def connect_queue(cfg: Config, *, watch: str | None = None) -> greenstalk.Client:
    """Open a beanstalkd connection using (and watching) the worker tube."""
    tube = watch or cfg["worker:tube"]
    host, port = queue_address(cfg["queue-server"])
    return greenstalk.Client((host, port), use=tube, watch=tube)


def open_queue_or_fail(cfg: Config) -> greenstalk.Client:
    """The first connection: failing here ends the process with one readable line."""
    try:
        client = connect_queue(cfg)
        client.stats()
    except QUEUE_ERRORS as exc:
        raise StartupError(
            f"cannot reach beanstalkd at {cfg['queue-server']} (queue-server): {describe(exc)}"
        ) from None
    return client


def open_store_or_fail(cfg: Config) -> Store:
    """Open the store and make sure it answers."""
    from .core.schema import COLLECTIONS

    try:
        store = open_store(cfg["database:url"], cfg["database:name"])
        store.ensure_schema(COLLECTIONS)
        store.ping()
    except StoreError as exc:
        where = redact(cfg["database:url"])
        raise StartupError(f"cannot use the database {where}: {exc}") from None
    return store


def describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def redact(url: str) -> str:
    """A database URL without its password, for logs."""
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest:
        creds, _, host = rest.rpartition("@")
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def close_quietly(client: greenstalk.Client | None) -> None:
    if client is None:
        return
    with contextlib.suppress(*QUEUE_ERRORS):
        client.close()


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )


def base_parser(prog: str, description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "--config",
        help=f"config file (default ${config_module.CONFIG_ENV} or {config_module.DEFAULT_PATH})",
    )
    return parser


def run_main(prog: str, body: Callable[[Config], int], config_path: str | None) -> int:
    """Load the config, run ``body``; turn start-up failures into one line and an exit code."""
    try:
        cfg = config_module.load(config_path)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"{prog}: config error: {problem}", file=sys.stderr)
        return 2
    configure_logging(cfg["log-level"])
    try:
        return body(cfg)
    except StartupError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
