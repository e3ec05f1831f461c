"""Backends under contract: SQLite always, MongoDB when SLIPWAY_TEST_MONGODB_URL names a server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from slipway.store import Collection, Store, open_store

MONGODB_URL = os.environ.get("SLIPWAY_TEST_MONGODB_URL", "")
SKIP_MONGODB = (
    "MongoDB backend NOT tested: set SLIPWAY_TEST_MONGODB_URL=mongodb://host:port to run "
    "the store contract against a real server (none can be installed on this machine)"
)

SCHEMA = (
    Collection("things", unique=(("email",), ("owner", "label")), indexes=("owner",)),
    Collection("counters"),
)


def store_url(backend: str, tmp_path: object) -> tuple[str, str]:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}/contract.db", "unused"
    return MONGODB_URL, f"slipway_contract_{uuid.uuid4().hex[:12]}"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "mongodb",
            marks=[
                pytest.mark.mongodb,
                pytest.mark.skipif(not MONGODB_URL, reason=SKIP_MONGODB),
            ],
        ),
    ]
)
def backend_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[tuple[str, str]]:
    url, name = store_url(request.param, tmp_path)
    yield url, name
    if request.param == "mongodb":
        import pymongo

        pymongo.MongoClient(url).drop_database(name)


@pytest.fixture
def store(backend_url: tuple[str, str]) -> Iterator[Store]:
    opened = open_store(*backend_url)
    opened.ensure_schema(SCHEMA)
    yield opened
    opened.close()
