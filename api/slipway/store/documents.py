"""Pure-Python evaluation of the store's filter and update subset.

The SQLite backend filters in SQL; it uses these helpers to apply updates and
to build the document an upsert creates.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .base import Document, Filter, StoreError, Update, check_update

_MISSING = object()


def _parent(doc: Document, path: str, create: bool) -> tuple[dict[str, Any] | None, str]:
    parts = path.split(".")
    node: Any = doc
    for part in parts[:-1]:
        if not isinstance(node, dict):
            return None, parts[-1]
        if part not in node:
            if not create:
                return None, parts[-1]
            node[part] = {}
        node = node[part]
    if not isinstance(node, dict):
        if create:
            raise StoreError(f"cannot set {path}: a parent is not a document")
        return None, parts[-1]
    return node, parts[-1]


def get_path(doc: Mapping[str, Any], path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def apply_update(doc: Document, update: Update) -> Document:
    """Return a copy of ``doc`` with the update operators applied."""
    check_update(update)
    new = copy.deepcopy(doc)
    for op, fields in update.items():
        for path, value in fields.items():
            if path == "_id" and op != "$set":
                raise StoreError("_id cannot be modified")
            if path == "_id" and value != new.get("_id"):
                raise StoreError("_id cannot be modified")
            _apply(new, op, path, value)
    return new


def _apply(doc: Document, op: str, path: str, value: Any) -> None:
    if op == "$unset":
        parent, key = _parent(doc, path, create=False)
        if parent is not None:
            parent.pop(key, None)
        return
    parent, key = _parent(doc, path, create=True)
    assert parent is not None
    current = parent.get(key, _MISSING)
    if op == "$set":
        parent[key] = copy.deepcopy(value)
    elif op == "$inc":
        if current is _MISSING:
            current = 0
        if not _is_number(current) or not _is_number(value):
            raise StoreError(f"$inc needs numbers at {path}")
        parent[key] = current + value
    elif op in ("$push", "$addToSet", "$pull"):
        if current is _MISSING:
            current = []
            parent[key] = current
        if not isinstance(current, list):
            raise StoreError(f"{op} needs an array at {path}")
        if op == "$push":
            current.append(copy.deepcopy(value))
        elif op == "$addToSet":
            if value not in current:
                current.append(copy.deepcopy(value))
        else:
            parent[key] = [item for item in current if item != value]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def upsert_seed(query: Filter) -> Document:
    """The document an upsert starts from: the query's plain equality fields."""
    seed: Document = {}
    for path, value in query.items():
        if isinstance(value, Mapping):
            continue
        _apply(seed, "$set", path, value)
    return seed
