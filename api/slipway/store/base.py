"""The document-store contract every backend implements.

Documents are JSON-compatible dicts keyed by ``_id``. Filters and updates use a
small subset of MongoDB's query language so the MongoDB backend passes them
through unchanged and the SQLite backend translates them:

- filter: ``{"field": value}`` (matches a scalar equal to ``value`` or an array
  containing it), ``{"field": {"$in": [...]}}``, ``{"field": {"$ne": v}}``,
  ``{"field": {"$lt"|"$lte"|"$gt"|"$gte": n}}``, ``{"field": {"$exists": bool}}``.
  Dotted paths reach into nested documents.
- update: ``$set``, ``$unset``, ``$inc``, ``$push``, ``$pull``, ``$addToSet``.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Document = dict[str, Any]
Filter = Mapping[str, Any]
Update = Mapping[str, Mapping[str, Any]]

FILTER_OPERATORS = frozenset({"$in", "$ne", "$lt", "$lte", "$gt", "$gte", "$exists"})
UPDATE_OPERATORS = frozenset({"$set", "$unset", "$inc", "$push", "$pull", "$addToSet"})


class StoreError(Exception):
    """The store could not carry out an operation."""


class DuplicateKeyError(StoreError):
    """An insert or update would break a unique key."""

    def __init__(self, collection: str, fields: tuple[str, ...]) -> None:
        super().__init__(f"duplicate key in {collection}: {', '.join(fields)}")
        self.collection = collection
        self.fields = fields


class StoreUnavailableError(StoreError):
    """The backend cannot be reached."""


@dataclass(frozen=True)
class Collection:
    """A collection and the unique keys the store must enforce on it."""

    name: str
    unique: tuple[tuple[str, ...], ...] = ()
    indexes: tuple[str, ...] = field(default=())


class Store(abc.ABC):
    """A narrow document store: every backend passes the same contract tests."""

    @abc.abstractmethod
    def ensure_schema(self, collections: Iterable[Collection]) -> None:
        """Create collections, unique keys and indexes; safe to run repeatedly."""

    @abc.abstractmethod
    def insert(self, collection: str, doc: Document) -> None:
        """Insert ``doc``; raise DuplicateKeyError when ``_id`` or a unique key is taken."""

    @abc.abstractmethod
    def find_one(self, collection: str, query: Filter) -> Document | None:
        """Return one matching document or None."""

    @abc.abstractmethod
    def find(
        self,
        collection: str,
        query: Filter | None = None,
        *,
        sort: list[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int = 0,
    ) -> list[Document]:
        """Return the matching documents; ``limit=0`` means no limit."""

    @abc.abstractmethod
    def count(self, collection: str, query: Filter | None = None) -> int:
        """Count the matching documents."""

    @abc.abstractmethod
    def update_one(
        self, collection: str, query: Filter, update: Update, *, upsert: bool = False
    ) -> Document | None:
        """Atomically apply ``update`` to the first match and return the new document.

        Returns None when nothing matched (and ``upsert`` is false). With
        ``upsert``, a missing document is created from the query's equality
        fields plus the update.
        """

    @abc.abstractmethod
    def update_many(self, collection: str, query: Filter, update: Update) -> int:
        """Atomically apply ``update`` to every match; return how many changed."""

    @abc.abstractmethod
    def delete_one(self, collection: str, query: Filter) -> bool:
        """Delete the first match; return whether one was deleted."""

    @abc.abstractmethod
    def delete_many(self, collection: str, query: Filter) -> int:
        """Delete every match; return how many."""

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailableError unless the backend answers."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    def get(self, collection: str, doc_id: str) -> Document | None:
        return self.find_one(collection, {"_id": doc_id})


SCALARS = (str, int, float, bool, type(None))


def _check_scalar(value: object, key: str) -> None:
    if not isinstance(value, SCALARS):
        raise StoreError(f"filter on {key} compares scalars only")


def check_filter(query: Filter) -> None:
    """Refuse, on every backend alike, what the contract does not define."""
    for key, value in query.items():
        if key.startswith("$"):
            raise StoreError(f"unsupported top-level operator {key}")
        if not isinstance(value, Mapping):
            _check_scalar(value, key)
            continue
        unknown = set(value) - FILTER_OPERATORS
        if unknown:
            raise StoreError(f"unsupported filter operator {sorted(unknown)[0]}")
        for op, operand in value.items():
            if op == "$in":
                if not isinstance(operand, list | tuple):
                    raise StoreError("$in needs a list")
                for item in operand:
                    _check_scalar(item, key)
            elif op == "$exists":
                if not isinstance(operand, bool):
                    raise StoreError("$exists needs true or false")
            else:
                _check_scalar(operand, key)


def check_update(update: Update) -> None:
    if not update:
        raise StoreError("empty update")
    unknown = set(update) - UPDATE_OPERATORS
    if unknown:
        raise StoreError(f"unsupported update operator {sorted(unknown)[0]}")
