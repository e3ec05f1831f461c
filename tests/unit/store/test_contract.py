"""The contract every store backend honours."""

from __future__ import annotations

import pytest

from slipway.store import DuplicateKeyError, Store, StoreError

from .conftest import SCHEMA


def test_insert_and_get_round_trip(store: Store) -> None:
    doc = {"_id": "a", "email": "a@x.io", "nested": {"n": 1}, "tags": ["x", "y"], "ok": True}
    store.insert("things", doc)
    assert store.get("things", "a") == doc
    assert store.get("things", "missing") is None


def test_duplicate_id_is_refused_and_keeps_the_original(store: Store) -> None:
    store.insert("things", {"_id": "a", "email": "first@x.io"})
    with pytest.raises(DuplicateKeyError) as caught:
        store.insert("things", {"_id": "a", "email": "second@x.io"})
    assert caught.value.fields == ("_id",)
    assert store.get("things", "a")["email"] == "first@x.io"


def test_unique_field_is_enforced(store: Store) -> None:
    store.insert("things", {"_id": "a", "email": "same@x.io"})
    with pytest.raises(DuplicateKeyError) as caught:
        store.insert("things", {"_id": "b", "email": "same@x.io"})
    assert caught.value.fields == ("email",)
    assert store.count("things") == 1


def test_compound_unique_key(store: Store) -> None:
    store.insert("things", {"_id": "a", "owner": "o", "label": "l"})
    store.insert("things", {"_id": "b", "owner": "o", "label": "other"})
    store.insert("things", {"_id": "c", "owner": "p", "label": "l"})
    with pytest.raises(DuplicateKeyError) as caught:
        store.insert("things", {"_id": "d", "owner": "o", "label": "l"})
    assert caught.value.fields == ("owner", "label")


def test_missing_unique_fields_do_not_collide(store: Store) -> None:
    store.insert("things", {"_id": "a"})
    store.insert("things", {"_id": "b"})
    assert store.count("things") == 2


def test_update_cannot_break_a_unique_key(store: Store) -> None:
    store.insert("things", {"_id": "a", "email": "a@x.io"})
    store.insert("things", {"_id": "b", "email": "b@x.io"})
    with pytest.raises(DuplicateKeyError):
        store.update_one("things", {"_id": "b"}, {"$set": {"email": "a@x.io"}})
    assert store.get("things", "b")["email"] == "b@x.io"


def test_filters(store: Store) -> None:
    store.insert("things", {"_id": "a", "n": 1, "teams": ["red", "blue"], "kind": "x"})
    store.insert("things", {"_id": "b", "n": 5, "teams": ["green"], "kind": "y"})
    store.insert("things", {"_id": "c", "n": 9, "teams": [], "sub": {"k": "v"}})

    def ids(query: dict) -> list[str]:
        return sorted(d["_id"] for d in store.find("things", query))

    assert ids({"teams": "red"}) == ["a"]
    assert ids({"teams": {"$in": ["blue", "green"]}}) == ["a", "b"]
    assert ids({"teams": {"$in": []}}) == []
    assert ids({"kind": "x"}) == ["a"]
    assert ids({"kind": {"$ne": "x"}}) == ["b", "c"]
    assert ids({"n": {"$gt": 1, "$lte": 9}}) == ["b", "c"]
    assert ids({"n": {"$lt": 5}}) == ["a"]
    assert ids({"n": {"$gte": 5}}) == ["b", "c"]
    assert ids({"sub.k": "v"}) == ["c"]
    assert ids({"sub": {"$exists": True}}) == ["c"]
    assert ids({"kind": {"$exists": False}}) == ["c"]
    assert ids({"kind": None}) == ["c"]
    assert ids({"_id": {"$in": ["a", "c", "zz"]}}) == ["a", "c"]
    assert ids({"teams.1": {"$exists": True}}) == ["a"]
    assert ids({"teams.0": "green"}) == ["b"]
    assert store.count("things", {"n": {"$gt": 1}}) == 2


def test_sort_skip_limit(store: Store) -> None:
    for name, n in (("b", 2), ("c", 3), ("a", 1)):
        store.insert("things", {"_id": name, "n": n})
    assert [d["_id"] for d in store.find("things", sort=[("n", -1)])] == ["c", "b", "a"]
    assert [d["_id"] for d in store.find("things", sort=[("_id", 1)], skip=1, limit=1)] == ["b"]
    assert [d["_id"] for d in store.find("things", sort=[("_id", 1)], limit=2)] == ["a", "b"]


def test_update_operators(store: Store) -> None:
    store.insert("things", {"_id": "a", "n": 1, "tags": ["x"], "env": {"A": 1}})
    new = store.update_one(
        "things",
        {"_id": "a"},
        {
            "$inc": {"n": 2},
            "$set": {"env.B": {"value": "v"}, "name": "thing"},
            "$unset": {"env.A": ""},
            "$addToSet": {"tags": "y"},
        },
    )
    assert new == {
        "_id": "a",
        "n": 3,
        "tags": ["x", "y"],
        "env": {"B": {"value": "v"}},
        "name": "thing",
    }
    store.update_one("things", {"_id": "a"}, {"$addToSet": {"tags": "y"}})
    store.update_one("things", {"_id": "a"}, {"$push": {"tags": "z"}})
    assert store.get("things", "a")["tags"] == ["x", "y", "z"]
    store.update_one("things", {"_id": "a"}, {"$pull": {"tags": "x"}})
    assert store.get("things", "a")["tags"] == ["y", "z"]


def test_conditional_update_matches_or_returns_none(store: Store) -> None:
    store.insert("things", {"_id": "a", "n": 1})
    assert store.update_one("things", {"_id": "a", "n": {"$lt": 1}}, {"$inc": {"n": 1}}) is None
    assert store.update_one("things", {"_id": "a", "n": {"$lt": 2}}, {"$inc": {"n": 1}})["n"] == 2
    assert store.update_one("things", {"_id": "zz"}, {"$set": {"n": 1}}) is None


def test_upsert_creates_from_the_query(store: Store) -> None:
    doc = store.update_one("counters", {"_id": "c"}, {"$inc": {"n": 1}}, upsert=True)
    assert doc == {"_id": "c", "n": 1}
    doc = store.update_one("counters", {"_id": "c"}, {"$inc": {"n": 1}}, upsert=True)
    assert doc == {"_id": "c", "n": 2}


def test_update_many_and_deletes(store: Store) -> None:
    for name in "abc":
        store.insert("things", {"_id": name, "group": "g" if name != "c" else "h"})
    assert store.update_many("things", {"group": "g"}, {"$set": {"seen": True}}) == 2
    assert store.count("things", {"seen": True}) == 2
    assert store.delete_one("things", {"group": "h"}) is True
    assert store.delete_one("things", {"group": "h"}) is False
    assert store.delete_many("things", {"group": "g"}) == 2
    assert store.count("things") == 0


def test_unsupported_operators_are_refused(store: Store) -> None:
    with pytest.raises(StoreError):
        store.find("things", {"n": {"$where": "1"}})
    with pytest.raises(StoreError):
        store.update_one("things", {"_id": "a"}, {"$rename": {"a": "b"}})
    with pytest.raises(StoreError):
        store.insert("things", {"no": "id"})


def test_ensure_schema_is_repeatable(store: Store) -> None:
    store.ensure_schema(SCHEMA)
    store.ensure_schema(SCHEMA)
    store.insert("things", {"_id": "a", "email": "e"})
    with pytest.raises(DuplicateKeyError):
        store.insert("things", {"_id": "b", "email": "e"})


def test_ping(store: Store) -> None:
    store.ping()


def test_equality_is_type_exact(store: Store) -> None:
    store.insert("things", {"_id": "a", "flag": True, "n": 1, "teams": ["x", "y"], "s": "1"})
    store.insert("things", {"_id": "b", "flag": 1, "n": True, "mixed": [1, "1", True]})

    def ids(query: dict) -> list[str]:
        return sorted(d["_id"] for d in store.find("things", query))

    assert ids({"flag": True}) == ["a"]
    assert ids({"flag": 1}) == ["b"]
    assert ids({"n": 1}) == ["a"]
    assert ids({"teams": '["x","y"]'}) == []
    assert ids({"s": 1}) == []
    assert ids({"s": "1"}) == ["a"]
    assert ids({"mixed": "1"}) == ["b"]
    assert ids({"mixed": True}) == ["b"]
    assert ids({"mixed": False}) == []


@pytest.mark.parametrize(
    "query",
    [
        {"sub": {"k": "v"}},
        {"teams": ["x"]},
        {"n": {"$in": [{"k": 1}]}},
        {"n": {"$in": "x"}},
        {"n": {"$exists": "yes"}},
        {"n": {"$gt": [1]}},
    ],
)
def test_unsupported_filter_shapes_are_refused(store: Store, query: dict) -> None:
    with pytest.raises(StoreError):
        store.find("things", query)
