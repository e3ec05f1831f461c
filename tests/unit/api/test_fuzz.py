"""Generated requests against every body-taking endpoint: never a 5xx, and a refused
request leaves every stored document exactly as it was."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slipway.api import create_app
from slipway.config import validate
from slipway.core.schema import COLLECTIONS

from ..conftest import ApiDriver
from ..conftest import settings as api_settings

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "name",
        "email",
        "password",
        "key",
        "platform",
        "teamOwner",
        "description",
        "limit",
        "old",
        "new",
        "disabled",
        "private",
        "noRestart",
        "Envs.0.Name",
        "Envs.0.Value",
        "token",
    ]
)
plausible_objects = st.dictionaries(field_names, json_values, max_size=5)
form_bodies = st.dictionaries(field_names | st.text(max_size=10), st.text(max_size=30), max_size=5)
raw_bodies = st.binary(max_size=60)
KNOWN_SEGMENTS = ["web", "devs", "python", "owner@b.com", "admin", "admin@example.com"]
garbage_segments = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"),
    min_size=1,
    max_size=12,
)
segments = st.one_of(
    st.sampled_from(KNOWN_SEGMENTS), st.sampled_from(KNOWN_SEGMENTS), garbage_segments
)

EXAMPLES = 100
ENDPOINTS = [
    ("POST", "/users"),
    ("POST", "/users/{x}/tokens"),
    ("POST", "/users/{x}/password"),
    ("PUT", "/users/password"),
    ("POST", "/users/keys"),
    ("DELETE", "/users/keys"),
    ("POST", "/teams"),
    ("PUT", "/teams/{x}/{y}"),
    ("DELETE", "/teams/{x}/{y}"),
    ("POST", "/apps"),
    ("PUT", "/apps/{x}/teams/{y}"),
    ("DELETE", "/apps/{x}/teams/{y}"),
    ("POST", "/apps/{x}/env"),
    ("DELETE", "/apps/{x}/env"),
    ("GET", "/apps/{x}/env"),
    ("PUT", "/apps/{x}/quota"),
    ("POST", "/platforms"),
    ("PUT", "/platforms/{x}"),
    ("PUT", "/quota/{x}"),
]


def _world(tmp_path) -> tuple[ApiDriver, dict[str, str], dict[str, str]]:
    client = create_app(validate(api_settings(tmp_path))).test_client()
    api = ApiDriver(client)
    owner = api.user("owner@b.com", team="devs")
    api.app("web", owner)
    api.ok(client.post("/apps/web/env", json={"KEEP": "me"}, headers=owner))
    return api, owner, api.admin


def _state(api: ApiDriver) -> dict[str, list[dict[str, Any]]]:
    store = api.client.application.extensions["slipway"].store
    return {c.name: store.find(c.name, sort=[("_id", 1)]) for c in COLLECTIONS}


body_kinds = st.one_of(
    json_values.map(lambda v: ("json", v)),
    plausible_objects.map(lambda v: ("json", v)),
    form_bodies.map(lambda v: ("form", v)),
    raw_bodies.map(lambda v: ("raw", v)),
)


def _send(api: ApiDriver, method: str, url: str, kind: str, body: Any, headers: dict[str, str]):
    if kind == "json":
        return api.client.open(
            url,
            method=method,
            data=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
    if kind == "form":
        return api.client.open(url, method=method, data=body, headers=headers)
    return api.client.open(url, method=method, data=body, headers=headers)


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
def test_fuzz_json_endpoints(tmp_path, method: str, template: str) -> None:
    api, owner, admin = _world(tmp_path)

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        x=segments,
        y=segments,
        body=body_kinds,
        as_admin=st.booleans(),
        query=st.dictionaries(field_names, st.text(max_size=10), max_size=2),
    )
    def check(x, y, body, as_admin, query) -> None:
        url = template.format(x=quote(x, safe="@"), y=quote(y, safe="@"))
        if query:
            url += "?" + urlencode(query)
        before = _state(api)
        response = _send(api, method, url, *body, admin if as_admin else owner)
        assert response.status_code < 500, (method, url, body, response.get_data(as_text=True))
        if response.status_code >= 400:
            payload = response.get_json(silent=True)
            assert isinstance(payload, dict) and isinstance(payload.get("error"), str), payload
            assert _state(api) == before, (method, url, body, response.status_code)

    check()
