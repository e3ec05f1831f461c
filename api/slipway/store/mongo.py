"""MongoDB backend for clustered control planes, through pymongo."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pymongo
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError as MongoDuplicateKeyError
from pymongo.errors import PyMongoError

from .base import (
    Collection,
    Document,
    DuplicateKeyError,
    Filter,
    Store,
    StoreError,
    StoreUnavailableError,
    Update,
    check_filter,
    check_update,
)

SERVER_SELECTION_TIMEOUT_MS = 5000


class MongoStore(Store):
    def __init__(self, url: str, database: str) -> None:
        self._client: pymongo.MongoClient[Document] = pymongo.MongoClient(
            url, serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS, tz_aware=True
        )
        self._db = self._client[database]
        self._unique: dict[str, tuple[tuple[str, ...], ...]] = {}

    def _duplicate(self, collection: str, exc: MongoDuplicateKeyError) -> DuplicateKeyError:
        pattern = (exc.details or {}).get("keyPattern") or {}
        fields = tuple(pattern) or ("_id",)
        return DuplicateKeyError(collection, fields)

    def _run(self, collection: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MongoDuplicateKeyError as exc:
            raise self._duplicate(collection, exc) from exc
        except PyMongoError as exc:
            raise StoreUnavailableError(str(exc)) from exc

    def ensure_schema(self, collections: Iterable[Collection]) -> None:
        for coll in collections:
            self._unique[coll.name] = coll.unique
            target = self._db[coll.name]
            for fields in coll.unique:
                self._run(
                    coll.name,
                    target.create_index,
                    [(f, pymongo.ASCENDING) for f in fields],
                    name=f"u_{'_'.join(fields)}",
                    unique=True,
                    partialFilterExpression={fields[0]: {"$exists": True}},
                )
            for field in coll.indexes:
                self._run(coll.name, target.create_index, [(field, pymongo.ASCENDING)])

    def insert(self, collection: str, doc: Document) -> None:
        if not isinstance(doc.get("_id"), str):
            raise StoreError("documents need a string _id")
        self._run(collection, self._db[collection].insert_one, dict(doc))

    def find_one(self, collection: str, query: Filter) -> Document | None:
        check_filter(query)
        return self._run(collection, self._db[collection].find_one, dict(query))

    def find(
        self,
        collection: str,
        query: Filter | None = None,
        *,
        sort: list[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int = 0,
    ) -> list[Document]:
        check_filter(query or {})

        def run() -> list[Document]:
            cursor = self._db[collection].find(dict(query or {}))
            cursor = cursor.sort(sort or [("$natural", 1)])
            return list(cursor.skip(max(skip, 0)).limit(max(limit, 0)))

        return self._run(collection, run)

    def count(self, collection: str, query: Filter | None = None) -> int:
        check_filter(query or {})
        return self._run(collection, self._db[collection].count_documents, dict(query or {}))

    def update_one(
        self, collection: str, query: Filter, update: Update, *, upsert: bool = False
    ) -> Document | None:
        check_filter(query)
        check_update(update)
        return self._run(
            collection,
            self._db[collection].find_one_and_update,
            dict(query),
            dict(update),
            upsert=upsert,
            return_document=ReturnDocument.AFTER,
        )

    def update_many(self, collection: str, query: Filter, update: Update) -> int:
        check_filter(query)
        check_update(update)
        result = self._run(collection, self._db[collection].update_many, dict(query), dict(update))
        return result.matched_count

    def delete_one(self, collection: str, query: Filter) -> bool:
        check_filter(query)
        result = self._run(collection, self._db[collection].delete_one, dict(query))
        return result.deleted_count == 1

    def delete_many(self, collection: str, query: Filter) -> int:
        check_filter(query)
        return self._run(collection, self._db[collection].delete_many, dict(query)).deleted_count

    def ping(self) -> None:
        self._run("admin", self._client.admin.command, "ping")

    def close(self) -> None:
        self._client.close()
