"""Serve a Flask application under gunicorn, the way every Slipway HTTP service runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def serve(
    factory: Callable[[], Any], *, bind: str, workers: int, name: str, timeout: int = 120
) -> None:
    """Run gunicorn until it is stopped; ``factory`` builds the app in each worker.

    Building after the fork gives every worker its own database clients (pymongo's
    must never be shared across processes).
    """
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", [bind])
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", timeout)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("proc_name", name)

        def load(self) -> Any:
            return factory()

    Server().run()
