"""End-to-end tests against the sandbox cluster (`make up`), as an app developer works.

Everything goes through the published ports on 127.0.0.1: the API (8080), git
over SSH (2222), the router (8000) and DNS (5353). Each run uses fresh user,
team and app names and removes its apps at the end, so runs can follow each
other on the same sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from .sandbox import API_URL, RUN, Admin, Developer, login


@pytest.fixture(scope="session")
def admin() -> Admin:
    try:
        requests.get(API_URL + "/healthcheck", timeout=5).raise_for_status()
    except requests.RequestException as exc:
        pytest.fail(f"the sandbox API does not answer at {API_URL} ({exc}): run `make up`")
    return Admin()


@pytest.fixture(scope="session")
def team() -> str:
    return f"e2e{RUN}"


@pytest.fixture(scope="session")
def developer(admin: Admin, team: str, tmp_path_factory) -> Iterator[Developer]:
    email = f"dev-{RUN}@e2e.test"
    admin.user(email, team)
    dev = login(tmp_path_factory.mktemp("developer"), email)
    yield dev
    for app in json.loads(dev.slipway("--json", "app-list").out or "[]"):
        name = app.get("name", "") if isinstance(app, dict) else ""
        if name.endswith(RUN):
            dev.slipway("app-remove", "-a", name, "-y")


@pytest.fixture(scope="session")
def outsider(admin: Admin, tmp_path_factory) -> Developer:
    """A user in no team of the developer's apps, with a registered key."""
    email = f"outsider-{RUN}@e2e.test"
    admin.user(email, f"out{RUN}")
    dev = login(tmp_path_factory.mktemp("outsider"), email)
    dev.ok("key-add", "laptop", str(dev.key) + ".pub")
    return dev
