"""Persistence: one narrow document-store interface, SQLite and MongoDB backends."""

from __future__ import annotations

from urllib.parse import urlparse

from .base import (
    Collection,
    Document,
    DuplicateKeyError,
    Store,
    StoreError,
    StoreUnavailableError,
)

__all__ = [
    "Collection",
    "Document",
    "DuplicateKeyError",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "open_store",
    "sqlite_path",
]


def sqlite_path(url: str) -> str:
    """``sqlite:///relative.db`` or ``sqlite:////absolute/path.db`` to a file path."""
    parsed = urlparse(url)
    if parsed.scheme != "sqlite" or parsed.netloc or not parsed.path[1:]:
        raise StoreError(f"not a sqlite URL: {url!r} (use sqlite:////absolute/path.db)")
    return parsed.path[1:]


def open_store(url: str, name: str = "slipway") -> Store:
    """Open the backend that ``url`` names: ``sqlite:...`` or ``mongodb://...``."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        from .sqlite import SQLiteStore

        return SQLiteStore(sqlite_path(url))
    if scheme in ("mongodb", "mongodb+srv"):
        from .mongo import MongoStore

        return MongoStore(url, name)
    raise StoreError(f"unsupported database URL scheme {scheme!r}: use sqlite or mongodb")
