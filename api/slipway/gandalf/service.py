"""Users, keys and repositories: Gandalf's rules on top of :mod:`slipway.store`.

Each operation keeps three things in step: the database, the bare
repositories under ``git:bare:location`` and the git user's
``authorized_keys``. A failure part way undoes what was already done.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..core.errors import ValidationError
from ..core.validation import public_key
from ..store import Collection, DuplicateKeyError, Store, open_store
from . import authorized_keys, bare
from .config import GandalfConfig
from .errors import BadRequest, Conflict, NotFound

USERS = "users"
KEYS = "keys"
REPOSITORIES = "repositories"
COLLECTIONS = (
    Collection(USERS),
    Collection(KEYS, unique=(("body",), ("username", "name")), indexes=("username",)),
    Collection(REPOSITORIES, indexes=("users", "readonlyusers")),
)

USER_NAME = re.compile(r"^[A-Za-z0-9+.@-]+$")
REPOSITORY_NAME = re.compile(r"^([\w+@-][\w+.@-]*/)?[\w-]+$")
KEY_NAME = re.compile(r"^[^\s/\x00]{1,128}$")
KEY_EXISTS = "Key already exists."


def user_name(value: Any) -> str:
    if not isinstance(value, str) or not value or not USER_NAME.match(value):
        raise BadRequest(
            "Validation Error: user name is not valid: use letters, digits and - + . @ "
            "without whitespace"
        )
    return value


def repository_name(value: Any) -> str:
    if not isinstance(value, str) or not REPOSITORY_NAME.match(value):
        raise BadRequest(
            f"Validation Error: repository name is not valid ({value!r}): use letters, "
            "digits, _ and -, with an optional namespace/"
        )
    return value


def _string_list(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadRequest(f"{field} must be a list of user names")
    return [user_name(item) for item in dict.fromkeys(value)]


@dataclass(frozen=True)
class ParsedKey:
    name: str
    body: str
    comment: str

    @property
    def line(self) -> str:
        return f"{self.body} {self.comment}".rstrip()


def parse_keys(keys: Any, *, allow_empty: bool = False) -> list[ParsedKey]:
    """``{"keyname": "<type> <base64> [comment]"}`` to parsed keys (400 on anything wrong)."""
    if keys is None:
        keys = {}
    if not isinstance(keys, dict):
        raise BadRequest("keys must be a JSON object of key name to public key")
    if not keys and not allow_empty:
        raise BadRequest("A key is required: send at least one key")
    parsed = []
    for name, body in keys.items():
        if not KEY_NAME.match(name):
            raise BadRequest(f"Invalid key name {name!r}")
        try:
            key = public_key(body)
        except ValidationError:
            raise BadRequest(f"Invalid key {name!r}: not an OpenSSH public key") from None
        parsed.append(ParsedKey(name, key.body, key.comment.replace("\n", " ")))
    bodies = [key.body for key in parsed]
    if len(set(bodies)) != len(bodies):
        raise Conflict(KEY_EXISTS)
    return parsed


class Gandalf:
    """The git server's state: database, bare repositories, authorized_keys."""

    def __init__(self, config: GandalfConfig, store: Store | None = None) -> None:
        self.config = config
        self.store = store or open_store(config["database:url"], config["database:name"])
        self.store.ensure_schema(COLLECTIONS)

    # paths and lines ---------------------------------------------------------------------

    @property
    def authorized_keys(self) -> str:
        return self.config.authorized_keys_path

    def repository_path(self, name: str) -> str:
        return bare.path_for(self.config.location, name)

    def key_line(self, username: str, key: ParsedKey | dict[str, Any]) -> str:
        if isinstance(key, dict):
            body = f"{key['body']} {key.get('comment', '')}".rstrip()
        else:
            body = key.line
        return authorized_keys.line(self.config["bin-path"], username, body)

    def is_managed_line(self, entry: str) -> bool:
        return entry.startswith(authorized_keys.managed_prefix(self.config["bin-path"]))

    # users -------------------------------------------------------------------------------

    def get_user(self, name: str) -> dict[str, Any] | None:
        return self.store.get(USERS, name)

    def create_user(self, name: Any, keys: Any = None) -> None:
        name = user_name(name)
        parsed = parse_keys(keys, allow_empty=True)
        try:
            self.store.insert(USERS, {"_id": name})
        except DuplicateKeyError:
            raise Conflict(f'Could not create user: user "{name}" already exists') from None
        try:
            self._insert_keys(name, parsed)
        except Exception:
            self.store.delete_one(USERS, {"_id": name})
            raise

    def remove_user(self, name: str) -> None:
        if self.get_user(name) is None:
            raise NotFound("User not found")
        for repository in self.store.find(REPOSITORIES, {"users": name}):
            if repository.get("users") == [name]:
                raise BadRequest(
                    f'Could not remove user "{name}": it is the only one with write access '
                    f'to repository "{repository["_id"]}"'
                )
        self.store.update_many(REPOSITORIES, {"users": name}, {"$pull": {"users": name}})
        self.store.update_many(
            REPOSITORIES, {"readonlyusers": name}, {"$pull": {"readonlyusers": name}}
        )
        keys = self.store.find(KEYS, {"username": name})
        authorized_keys.remove(self.authorized_keys, [self.key_line(name, k) for k in keys])
        self.store.delete_many(KEYS, {"username": name})
        self.store.delete_one(USERS, {"_id": name})

    # keys --------------------------------------------------------------------------------

    def _insert_keys(self, username: str, keys: list[ParsedKey]) -> None:
        inserted: list[str] = []
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        try:
            for key in keys:
                doc_id = f"{username}\n{key.name}"
                self.store.insert(
                    KEYS,
                    {
                        "_id": doc_id,
                        "name": key.name,
                        "body": key.body,
                        "comment": key.comment,
                        "username": username,
                        "createdat": now,
                    },
                )
                inserted.append(doc_id)
            authorized_keys.add(self.authorized_keys, [self.key_line(username, k) for k in keys])
        except DuplicateKeyError:
            self.store.delete_many(KEYS, {"_id": {"$in": inserted}})
            raise Conflict(KEY_EXISTS) from None
        except Exception:
            self.store.delete_many(KEYS, {"_id": {"$in": inserted}})
            raise

    def add_keys(self, username: str, keys: Any) -> None:
        if self.get_user(username) is None:
            raise NotFound("User not found")
        self._insert_keys(username, parse_keys(keys))

    def remove_key(self, username: str, key_name: str) -> None:
        if self.get_user(username) is None:
            raise NotFound("User not found")
        key = self.store.get(KEYS, f"{username}\n{key_name}")
        if key is None:
            raise NotFound("Key not found")
        authorized_keys.remove(self.authorized_keys, [self.key_line(username, key)])
        self.store.delete_one(KEYS, {"_id": key["_id"]})

    def list_keys(self, username: str) -> dict[str, str]:
        if self.get_user(username) is None:
            raise NotFound("User not found")
        keys = self.store.find(KEYS, {"username": username}, sort=[("name", 1)])
        return {k["name"]: f"{k['body']} {k.get('comment', '')}".rstrip() for k in keys}

    # repositories ------------------------------------------------------------------------

    def get_repository(self, name: str) -> dict[str, Any] | None:
        return self.store.get(REPOSITORIES, name)

    def require_repository(self, name: str) -> dict[str, Any]:
        repository = self.get_repository(name)
        if repository is None:
            raise NotFound("Repository not found")
        return repository

    def repository_doc(self, body: dict[str, Any]) -> dict[str, Any]:
        name = repository_name(body.get("name"))
        self.repository_path(name)
        users = _string_list(body.get("users"), "users")
        if not users:
            raise BadRequest("Validation Error: repository should have at least one user")
        public = body.get("ispublic", False)
        if not isinstance(public, bool):
            raise BadRequest("ispublic must be true or false")
        return {
            "_id": name,
            "users": users,
            "readonlyusers": _string_list(body.get("readonlyusers"), "readonlyusers"),
            "ispublic": public,
        }

    def create_repository(self, body: Any) -> str:
        if not isinstance(body, dict):
            raise BadRequest("The body must be a JSON object describing the repository")
        doc = self.repository_doc(body)
        try:
            self.store.insert(REPOSITORIES, doc)
        except DuplicateKeyError:
            raise Conflict(
                f'Could not create repository: a repository named "{doc["_id"]}" already exists'
            ) from None
        try:
            bare.init(self.repository_path(doc["_id"]), self.config.template, doc["ispublic"])
        except Exception:
            self.store.delete_one(REPOSITORIES, {"_id": doc["_id"]})
            raise
        return doc["_id"]

    def remove_repository(self, name: str) -> None:
        self.require_repository(name)
        path = self.repository_path(name)
        self.store.delete_one(REPOSITORIES, {"_id": name})
        bare.remove(path)

    def update_repository(self, name: str, body: Any) -> None:
        current = self.require_repository(name)
        if not isinstance(body, dict):
            raise BadRequest("The body must be a JSON object with the fields to change")
        unknown = set(body) - {"name", "users", "readonlyusers", "ispublic"}
        if unknown:
            raise BadRequest(f"Unknown repository field(s): {', '.join(sorted(unknown))}")
        merged = {
            "name": name,
            "users": current.get("users", []),
            "readonlyusers": current.get("readonlyusers", []),
            "ispublic": current.get("ispublic", False),
        }
        merged.update(body)
        doc = self.repository_doc(merged)
        old_path = self.repository_path(name)
        if doc["_id"] == name:
            fields = {k: v for k, v in doc.items() if k != "_id"}
            self.store.update_one(REPOSITORIES, {"_id": name}, {"$set": fields})
            bare.set_public(old_path, doc["ispublic"])
            return
        try:
            self.store.insert(REPOSITORIES, doc)
        except DuplicateKeyError:
            raise BadRequest(
                f'Could not rename repository: "{doc["_id"]}" already exists'
            ) from None
        new_path = self.repository_path(doc["_id"])
        try:
            bare.move(old_path, new_path)
        except Exception:
            self.store.delete_one(REPOSITORIES, {"_id": doc["_id"]})
            raise
        self.store.delete_one(REPOSITORIES, {"_id": name})
        bare.set_public(new_path, doc["ispublic"])

    def repository_info(self, name: str) -> dict[str, Any]:
        repository = self.require_repository(name)
        uid, host = self.config["uid"], self.config["host"]
        if self.config["git:ssh:use"]:
            port = self.config["git:ssh:port"]
            where = host if port == 22 else f"{host}:{port}"
            ssh_url = f"ssh://{uid}@{where}/{name}.git"
        else:
            ssh_url = f"{uid}@{host}:{name}.git"
        read_host = self.config["readonly-host"] or host
        return {
            "name": name,
            "public": repository.get("ispublic", False),
            "ssh_url": ssh_url,
            "git_url": f"git://{read_host}/{name}.git",
        }

    def _access_lists(self, body: Any) -> tuple[list[str], list[str]]:
        if not isinstance(body, dict):
            raise BadRequest('The body must be {"repositories": [...], "users": [...]}')
        repositories = body.get("repositories")
        users = body.get("users")
        if not repositories or not isinstance(repositories, list):
            raise BadRequest("It is need a repository list")
        if not users or not isinstance(users, list):
            raise BadRequest("It is need a user list")
        if not all(isinstance(r, str) for r in repositories):
            raise BadRequest("repositories must be a list of names")
        return list(dict.fromkeys(repositories)), _string_list(users, "users")

    def grant(self, body: Any, readonly: bool = False) -> tuple[list[str], list[str]]:
        repositories, users = self._access_lists(body)
        field = "readonlyusers" if readonly else "users"
        for user in users:
            self.store.update_many(
                REPOSITORIES,
                {"_id": {"$in": repositories}},
                {"$addToSet": {field: user}},
            )
        if not self.store.count(REPOSITORIES, {"_id": {"$in": repositories}}):
            raise NotFound("Repository not found")
        return repositories, users

    def revoke(self, body: Any) -> tuple[list[str], list[str]]:
        repositories, users = self._access_lists(body)
        if not self.store.count(REPOSITORIES, {"_id": {"$in": repositories}}):
            raise NotFound("Repository not found")
        for user in users:
            for field in ("users", "readonlyusers"):
                self.store.update_many(
                    REPOSITORIES, {"_id": {"$in": repositories}}, {"$pull": {field: user}}
                )
        return repositories, users

    # hooks -------------------------------------------------------------------------------

    def write_hook(self, name: str, content: bytes, repositories: list[str] | None) -> None:
        if name not in bare.HOOKS:
            raise BadRequest(f"Unsupported hook, valid options are: {', '.join(bare.HOOKS)}")
        if repositories:
            for repository in repositories:
                if not isinstance(repository, str):
                    raise BadRequest("repositories must be a list of names")
                self.require_repository(repository)
            directories = [self.repository_path(r) for r in repositories]
        else:
            if not self.config.template:
                raise BadRequest("git:bare:template is not configured; name the repositories")
            directories = [self.config.template]
        bare.write_hook(directories, name, content)

    def ping(self) -> None:
        self.store.ping()
