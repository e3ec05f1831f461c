"""Rebuild users, keys, repositories and ``authorized_keys`` from the control plane.

The description is what the control plane knows::

    {"users": [{"name": "ana@example.com", "keys": {"laptop": "ssh-ed25519 AAAA... c"}}],
     "repositories": [{"name": "blog", "users": ["ana@example.com"],
                       "readonlyusers": [], "ispublic": true}]}

Everything is validated before anything changes. Afterwards the database
holds exactly the described users, keys and repositories; every listed
repository has its bare directory (created when missing) and export marker;
``authorized_keys`` holds exactly the described keys' lines plus any lines
this server did not write. Repositories that are no longer described lose
their record (nobody can push or clone them) but keep their directory on
disk. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from . import authorized_keys, bare
from .errors import BadRequest, Conflict
from .service import KEYS, REPOSITORIES, USERS, Gandalf, ParsedKey, parse_keys, user_name


def _validate(gandalf: Gandalf, description: Any) -> tuple[dict[str, list[ParsedKey]], list[dict]]:
    if not isinstance(description, dict):
        raise BadRequest('The description must be {"users": [...], "repositories": [...]}')
    unknown = set(description) - {"users", "repositories"}
    if unknown:
        raise BadRequest(f"Unknown field(s) in the description: {', '.join(sorted(unknown))}")
    users_in = description.get("users") or []
    repositories_in = description.get("repositories") or []
    if not isinstance(users_in, list) or not isinstance(repositories_in, list):
        raise BadRequest("users and repositories must be lists")
    users: dict[str, list[ParsedKey]] = {}
    owners: dict[str, str] = {}
    for entry in users_in:
        if not isinstance(entry, dict):
            raise BadRequest('Each user must be {"name": ..., "keys": {...}}')
        name = user_name(entry.get("name"))
        if name in users:
            raise BadRequest(f'User "{name}" is described twice')
        keys = parse_keys(entry.get("keys"), allow_empty=True)
        for key in keys:
            if key.body in owners:
                raise Conflict(
                    f'Key already exists: "{key.name}" of "{name}" is also a key of '
                    f'"{owners[key.body]}"'
                )
            owners[key.body] = name
        users[name] = keys
    repositories = []
    seen: set[str] = set()
    for entry in repositories_in:
        if not isinstance(entry, dict):
            raise BadRequest("Each repository must be a JSON object")
        doc = gandalf.repository_doc(entry)
        if doc["_id"] in seen:
            raise BadRequest(f'Repository "{doc["_id"]}" is described twice')
        seen.add(doc["_id"])
        repositories.append(doc)
    return users, repositories


def apply(gandalf: Gandalf, description: Any) -> dict[str, Any]:
    """Make the server match ``description``; return what changed."""
    users, repositories = _validate(gandalf, description)
    store = gandalf.store
    summary: dict[str, Any] = {
        "users": {"created": [], "removed": []},
        "keys": {"created": [], "removed": []},
        "repositories": {"created": [], "updated": [], "removed": []},
    }

    existing_users = {doc["_id"] for doc in store.find(USERS)}
    for name in sorted(existing_users - set(users)):
        store.delete_one(USERS, {"_id": name})
        summary["users"]["removed"].append(name)
    for name in users:
        if name not in existing_users:
            store.insert(USERS, {"_id": name})
            summary["users"]["created"].append(name)

    wanted_keys = {
        f"{name}\n{key.name}": (name, key) for name, keys in users.items() for key in keys
    }
    for doc in store.find(KEYS):
        want = wanted_keys.get(doc["_id"])
        same = (
            want is not None
            and doc.get("username") == want[0]
            and doc.get("body") == want[1].body
            and doc.get("comment", "") == want[1].comment
        )
        if same:
            del wanted_keys[doc["_id"]]
        else:
            store.delete_one(KEYS, {"_id": doc["_id"]})
            summary["keys"]["removed"].append(f"{doc.get('username')}/{doc.get('name')}")
    stamp = _now()
    for doc_id, (name, key) in wanted_keys.items():
        store.insert(
            KEYS,
            {
                "_id": doc_id,
                "name": key.name,
                "body": key.body,
                "comment": key.comment,
                "username": name,
                "createdat": stamp,
            },
        )
        summary["keys"]["created"].append(f"{name}/{key.name}")

    existing = {doc["_id"]: doc for doc in store.find(REPOSITORIES)}
    wanted_names = {doc["_id"] for doc in repositories}
    for name in sorted(set(existing) - wanted_names):
        store.delete_one(REPOSITORIES, {"_id": name})
        summary["repositories"]["removed"].append(name)
    for doc in repositories:
        name = doc["_id"]
        path = gandalf.repository_path(name)
        current = existing.get(name)
        if current is None:
            store.insert(REPOSITORIES, doc)
            summary["repositories"]["created"].append(name)
        elif current != doc:
            fields = {k: v for k, v in doc.items() if k != "_id"}
            store.update_one(REPOSITORIES, {"_id": name}, {"$set": fields})
            summary["repositories"]["updated"].append(name)
        if not os.path.isdir(path):
            bare.init(path, gandalf.config.template, doc["ispublic"])
            if current is not None:
                summary["repositories"]["updated"].append(name)
        else:
            bare.set_public(path, doc["ispublic"])

    lines = [
        gandalf.key_line(doc["username"], doc)
        for doc in store.find(KEYS, sort=[("username", 1), ("name", 1)])
    ]
    authorized_keys.replace_managed(gandalf.authorized_keys, gandalf.is_managed_line, lines)
    summary["changed"] = any(
        items
        for section in ("users", "keys", "repositories")
        for items in summary[section].values()
    )
    return summary


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
