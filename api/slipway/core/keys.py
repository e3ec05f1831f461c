"""Users' SSH public keys: what the git server lets push."""

from __future__ import annotations

import hashlib
from typing import Any

from ..store import DuplicateKeyError
from . import gitserver, schema, validation
from .context import Context
from .errors import Conflict, NotFound
from .principal import Principal, require_user


def add(ctx: Context, principal: Principal, name: Any, key: Any) -> dict[str, Any]:
    email = require_user(principal)
    parsed = validation.public_key(key)
    key_name = validation.key_name(name) if name not in (None, "") else _default_name(parsed)
    doc = {
        "_id": f"{email}\n{key_name}",
        "user": email,
        "name": key_name,
        "body": parsed.body,
        "comment": parsed.comment,
        "created": ctx.timestamp(),
    }
    try:
        ctx.store.insert(schema.KEYS, doc)
    except DuplicateKeyError as exc:
        if exc.fields == ("body",):
            raise Conflict("Key already exists.") from exc
        raise Conflict(f"You already have a key named {key_name}.") from exc
    gitserver.add_key(
        ctx,
        email,
        key_name,
        _view(doc)["key"],
        undo=lambda: ctx.store.delete_one(schema.KEYS, {"_id": doc["_id"]}),
    )
    return _view(doc)


def _default_name(parsed: validation.PublicKey) -> str:
    if parsed.comment and validation.KEY_NAME.fullmatch(parsed.comment):
        return parsed.comment
    fingerprint = hashlib.sha256(parsed.blob.encode("ascii")).hexdigest()[:12]
    return f"{parsed.kind.split('-')[0]}-{fingerprint}"


def _view(doc: dict[str, Any]) -> dict[str, Any]:
    line = f"{doc['body']} {doc.get('comment', '')}".rstrip()
    return {"name": doc["name"], "key": line}


def list_for(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    email = require_user(principal)
    return [_view(d) for d in ctx.store.find(schema.KEYS, {"user": email}, sort=[("name", 1)])]


def remove(ctx: Context, principal: Principal, name: Any = None, key: Any = None) -> str:
    """Remove one of your keys, named by its name or by its body."""
    email = require_user(principal)
    if name not in (None, ""):
        query: dict[str, Any] = {"user": email, "name": validation.key_name(name)}
    elif key not in (None, ""):
        query = {"user": email, "body": validation.public_key(key).body}
    else:
        raise validation.ValidationError("Name the key to remove (name or key).")
    found = ctx.store.find_one(schema.KEYS, query)
    if found is not None:
        gitserver.remove_key(ctx, email, found["name"])
    if found is None or not ctx.store.delete_one(schema.KEYS, {"_id": found["_id"]}):
        raise NotFound("Key not found.")
    return found["name"]
