"""The collections the control plane keeps, and their unique keys."""

from __future__ import annotations

from ..store import Collection

USERS = "users"
TOKENS = "tokens"
TEAMS = "teams"
KEYS = "keys"
APPS = "apps"
PLATFORMS = "platforms"
RESET_TOKENS = "reset_tokens"
DEPLOYS = "deploys"
NODES = "nodes"
COUNTERS = "counters"

COLLECTIONS = (
    Collection(USERS),
    Collection(TOKENS, indexes=("user",)),
    Collection(TEAMS, indexes=("users",)),
    Collection(KEYS, unique=(("body",), ("user", "name"))),
    Collection(APPS, indexes=("owner",)),
    Collection(PLATFORMS),
    Collection(RESET_TOKENS, indexes=("user",)),
    Collection(NODES, indexes=("pool",)),
    Collection(COUNTERS),
    Collection(DEPLOYS, unique=(("app", "version"),), indexes=("app",)),
)
