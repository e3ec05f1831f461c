"""SQLite backend: one table per collection, JSON bodies, WAL, safe across processes."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

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
from .documents import apply_update, upsert_seed

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(\.([A-Za-z_][A-Za-z0-9_-]*|\d+))*$")
_COMPARISONS = {"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}
BUSY_TIMEOUT_SECONDS = 30.0


def _table(collection: str) -> str:
    if not _NAME.fullmatch(collection):
        raise StoreError(f"invalid collection name {collection!r}")
    return f'"c_{collection}"'


def _json_path(field: str) -> str:
    if not _FIELD.fullmatch(field):
        raise StoreError(f"invalid field path {field!r}")
    parts = field.split(".")
    return "$" + "".join(f"[{part}]" if part.isdigit() else f'."{part}"' for part in parts)


def _type_test(column: str, value: Any) -> str:
    """SQL testing that a JSON value (type in ``column``) has the same JSON type as ``value``."""
    if isinstance(value, bool):
        return f"{column} = '{'true' if value else 'false'}'"
    if isinstance(value, int | float):
        return f"{column} IN ('integer', 'real')"
    return f"{column} = 'text'"


def _equals(path: str, value: Any, params: list[Any]) -> str:
    """Mongo equality: the field equals ``value`` (same JSON type), or is an array holding it."""
    if value is None:
        return f"(json_type(body, '{path}') IS NULL OR json_type(body, '{path}') = 'null')"
    plain = 1 if value is True else 0 if value is False else value
    params.extend([plain, plain])
    field_type = _type_test(f"json_type(body, '{path}')", value)
    return (
        f"COALESCE(({field_type} "
        f"AND json_extract(body, '{path}') = ?) "
        f"OR (json_type(body, '{path}') = 'array' AND EXISTS (SELECT 1 FROM "
        f"json_each(body, '{path}') AS item WHERE {_type_test('item.type', value)} "
        "AND item.value = ?)), 0)"
    )


def _condition(field: str, spec: Any, params: list[Any]) -> str:
    if field == "_id" and not isinstance(spec, Mapping):
        params.append(spec)
        return "id = ?"
    path = "$._id" if field == "_id" else _json_path(field)
    if not isinstance(spec, Mapping):
        return _equals(path, spec, params)
    clauses = []
    for op, value in spec.items():
        if op == "$in":
            parts = [_equals(path, item, params) for item in value] or ["0"]
            clauses.append("(" + " OR ".join(parts) + ")")
        elif op == "$ne":
            clauses.append("NOT " + _equals(path, value, params))
        elif op in _COMPARISONS:
            params.append(value)
            clauses.append(f"COALESCE(json_extract(body, '{path}') {_COMPARISONS[op]} ?, 0)")
        elif op == "$exists":
            clauses.append(f"json_type(body, '{path}') IS " + ("NOT NULL" if value else "NULL"))
    return " AND ".join(clauses)


def _where(query: Filter | None) -> tuple[str, list[Any]]:
    if not query:
        return "1", []
    check_filter(query)
    params: list[Any] = []
    clauses = [_condition(field, spec, params) for field, spec in query.items()]
    return " AND ".join(f"({c})" for c in clauses), params


def _order(sort: list[tuple[str, int]] | None) -> tuple[str, list[Any]]:
    if not sort:
        return " ORDER BY rowid", []
    terms = []
    for field, direction in sort:
        path = "$._id" if field == "_id" else _json_path(field)
        terms.append(f"json_extract(body, '{path}') " + ("DESC" if direction < 0 else "ASC"))
    return " ORDER BY " + ", ".join(terms), []


def _dump(doc: Document) -> str:
    return json.dumps(doc, separators=(",", ":"), sort_keys=True)


class SQLiteStore(Store):
    """The embedded default backend.

    Each thread of each process keeps its own connection; every write runs in a
    ``BEGIN IMMEDIATE`` transaction so read-modify-write updates are atomic
    across gunicorn workers, the worker and the collector.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._unique: dict[str, tuple[tuple[str, ...], ...]] = {}
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise StoreUnavailableError(f"database directory {directory} does not exist")
        try:
            self._conn().execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            raise StoreUnavailableError(f"cannot open {path}: {exc}") from exc

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            try:
                conn = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
                )
            except sqlite3.Error as exc:
                raise StoreUnavailableError(f"cannot open {self.path}: {exc}") from exc
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            self._local.pid = os.getpid()
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailableError(f"database is unavailable: {exc}") from exc
        try:
            yield conn
        except sqlite3.OperationalError as exc:
            conn.execute("ROLLBACK")
            raise StoreUnavailableError(f"database error: {exc}") from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreUnavailableError(f"database error on commit: {exc}") from exc

    def _integrity(self, collection: str, exc: sqlite3.IntegrityError) -> DuplicateKeyError:
        message = str(exc)
        for fields in self._unique.get(collection, ()):
            if f"u_{collection}_{'_'.join(fields)}".replace(".", "_") in message:
                return DuplicateKeyError(collection, fields)
        return DuplicateKeyError(collection, ("_id",))

    def ensure_schema(self, collections: Iterable[Collection]) -> None:
        with self._write() as conn:
            for coll in collections:
                table = _table(coll.name)
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, body TEXT NOT NULL)"
                )
                self._unique[coll.name] = coll.unique
                for fields in coll.unique:
                    name = f"u_{coll.name}_{'_'.join(fields)}".replace(".", "_")
                    exprs = ", ".join(f"json_extract(body, '{_json_path(f)}')" for f in fields)
                    conn.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS "{name}" ON {table}({exprs})')
                for field in coll.indexes:
                    name = f"i_{coll.name}_{field}".replace(".", "_")
                    expr = f"json_extract(body, '{_json_path(field)}')"
                    conn.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON {table}({expr})')

    def insert(self, collection: str, doc: Document) -> None:
        if not isinstance(doc.get("_id"), str):
            raise StoreError("documents need a string _id")
        try:
            with self._write() as conn:
                conn.execute(
                    f"INSERT INTO {_table(collection)} (id, body) VALUES (?, ?)",
                    (str(doc["_id"]), _dump(doc)),
                )
        except sqlite3.IntegrityError as exc:
            raise self._integrity(collection, exc) from exc

    def _select(
        self,
        conn: sqlite3.Connection,
        collection: str,
        query: Filter | None,
        sort: list[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int = 0,
    ) -> list[tuple[str, Document]]:
        where, params = _where(query)
        order, order_params = _order(sort)
        sql = f"SELECT id, body FROM {_table(collection)} WHERE {where}{order}"
        params = params + order_params
        if limit or skip:
            sql += " LIMIT ? OFFSET ?"
            params += [limit if limit > 0 else -1, max(skip, 0)]
        try:
            rows = conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise StoreUnavailableError(str(exc)) from exc
        return [(row[0], json.loads(row[1])) for row in rows]

    def find_one(self, collection: str, query: Filter) -> Document | None:
        found = self._select(self._conn(), collection, query, limit=1)
        return found[0][1] if found else None

    def find(
        self,
        collection: str,
        query: Filter | None = None,
        *,
        sort: list[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int = 0,
    ) -> list[Document]:
        return [doc for _, doc in self._select(self._conn(), collection, query, sort, skip, limit)]

    def count(self, collection: str, query: Filter | None = None) -> int:
        where, params = _where(query)
        try:
            row = (
                self._conn()
                .execute(f"SELECT COUNT(*) FROM {_table(collection)} WHERE {where}", params)
                .fetchone()
            )
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return 0
            raise StoreUnavailableError(str(exc)) from exc
        return int(row[0])

    def _replace(
        self, conn: sqlite3.Connection, collection: str, row_id: str, doc: Document
    ) -> None:
        try:
            conn.execute(
                f"UPDATE {_table(collection)} SET body = ? WHERE id = ?", (_dump(doc), row_id)
            )
        except sqlite3.IntegrityError as exc:
            raise self._integrity(collection, exc) from exc

    def update_one(
        self, collection: str, query: Filter, update: Update, *, upsert: bool = False
    ) -> Document | None:
        check_update(update)
        with self._write() as conn:
            found = self._select(conn, collection, query, limit=1)
            if found:
                row_id, doc = found[0]
                new = apply_update(doc, update)
                self._replace(conn, collection, row_id, new)
                return new
            if not upsert:
                return None
            new = apply_update(upsert_seed(query), update)
            if not isinstance(new.get("_id"), str):
                raise StoreError("an upsert needs a string _id in the query or the update")
            try:
                conn.execute(
                    f"INSERT INTO {_table(collection)} (id, body) VALUES (?, ?)",
                    (str(new["_id"]), _dump(new)),
                )
            except sqlite3.IntegrityError as exc:
                raise self._integrity(collection, exc) from exc
            return new

    def update_many(self, collection: str, query: Filter, update: Update) -> int:
        check_update(update)
        with self._write() as conn:
            found = self._select(conn, collection, query)
            for row_id, doc in found:
                self._replace(conn, collection, row_id, apply_update(doc, update))
            return len(found)

    def delete_one(self, collection: str, query: Filter) -> bool:
        with self._write() as conn:
            found = self._select(conn, collection, query, limit=1)
            if not found:
                return False
            conn.execute(f"DELETE FROM {_table(collection)} WHERE id = ?", (found[0][0],))
            return True

    def delete_many(self, collection: str, query: Filter) -> int:
        where, params = _where(query)
        with self._write() as conn:
            try:
                cursor = conn.execute(f"DELETE FROM {_table(collection)} WHERE {where}", params)
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return 0
                raise
            return cursor.rowcount

    def ping(self) -> None:
        try:
            self._conn().execute("SELECT 1").fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailableError(str(exc)) from exc

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            conn.close()
        self._local = threading.local()
