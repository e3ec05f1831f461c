"""What every domain operation needs: the store, the settings, a clock, a mailer."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ..config import Config
from ..store import DuplicateKeyError, Store
from .mail import Mailer
from .schema import COLLECTIONS, TEAMS


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Context:
    store: Store
    config: Config
    mailer: Mailer
    clock: Callable[[], dt.datetime] = field(default=utcnow)

    def now(self) -> dt.datetime:
        return self.clock()

    def timestamp(self) -> str:
        return self.now().isoformat(timespec="seconds")

    @property
    def admin_team(self) -> str:
        return self.config["admin-team"]

    @property
    def domain(self) -> str:
        return self.config["hipache:domain"]


def prepare(store: Store, config: Config, mailer: Mailer | None = None) -> Context:
    """Open the domain on ``store``: create the schema and return a ready Context."""
    store.ensure_schema(COLLECTIONS)
    _ensure_admin_team(store, config["admin-team"])
    return Context(store=store, config=config, mailer=mailer or Mailer.from_config(config))


def _ensure_admin_team(store: Store, name: str) -> None:
    """The admin team exists from the first start, so no user can claim its name."""
    if store.get(TEAMS, name) is None:
        with contextlib.suppress(DuplicateKeyError):
            store.insert(
                TEAMS,
                {
                    "_id": name,
                    "name": name,
                    "users": [],
                    "created": utcnow().isoformat(timespec="seconds"),
                },
            )
