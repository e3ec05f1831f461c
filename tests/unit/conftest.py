"""Shared fixtures: a configured API on a fresh SQLite store, and a live API process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from slipway.api import create_app
from slipway.config import Config, validate
from slipway.localapi import ADMIN_EMAIL, ADMIN_PASSWORD, LocalApi, local_api

REPO_ROOT = Path(__file__).resolve().parents[2]


def settings(tmp_path: Path, **sections: Any) -> dict[str, Any]:
    """A valid config mapping for tests; keyword arguments replace whole top-level keys."""
    base: dict[str, Any] = {
        "listen": "127.0.0.1:8080",
        "host": "http://127.0.0.1:8080",
        "database": {"url": f"sqlite:///{tmp_path}/slipway.db"},
        "admin-team": "admin",
        "auth": {"user-registration": True, "hash-cost": 4},
        "hipache": {"domain": "apps.example.com"},
        "git": {"rw-host": "git.example.com"},
    }
    base.update(sections)
    return base


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return validate(settings(tmp_path))


@pytest.fixture
def app(config: Config) -> Flask:
    return create_app(config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"bearer {token}"}


class ApiDriver:
    """Set up users, teams and apps through the API, as a client would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        ctx = client.application.extensions["slipway"]
        from slipway.core.users import ensure_admin

        ensure_admin(ctx, ADMIN_EMAIL, ADMIN_PASSWORD)
        self.admin = self.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        self.ok(self.client.post("/platforms", json={"name": "python"}, headers=self.admin))

    @staticmethod
    def ok(response: Any) -> Any:
        assert response.status_code < 300, (response.status_code, response.get_data(as_text=True))
        return response

    def login(self, email: str, password: str) -> dict[str, str]:
        response = self.client.post(f"/users/{email}/tokens", json={"password": password})
        return bearer(self.ok(response).json["token"])

    def user(self, email: str, team: str | None = None, password: str = "123456") -> dict[str, str]:
        self.ok(self.client.post("/users", json={"email": email, "password": password}))
        headers = self.login(email, password)
        if team:
            self.ok(self.client.post("/teams", json={"name": team}, headers=headers))
        return headers

    def app(self, name: str, headers: dict[str, str], team: str | None = None) -> None:
        body = {"name": name, "platform": "python", "teamOwner": team}
        self.ok(self.client.post("/apps", json=body, headers=headers))


@pytest.fixture
def api(client: FlaskClient) -> ApiDriver:
    return ApiDriver(client)


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    """A real ``slipway-api run`` (gunicorn) process on 127.0.0.1, SQLite, registration open."""
    directory = tmp_path_factory.mktemp("live-api")
    with local_api(directory, settings(directory)) as api:
        requests.post(
            f"{api.url}/platforms",
            json={"name": "python"},
            headers=bearer(api.admin_token),
            timeout=10,
        ).raise_for_status()
        yield api


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], dict[str, list[dict[str, Any]]]]:
    """Every stored document, to compare before and after a refused request."""
    from slipway.core.schema import COLLECTIONS

    store = app.extensions["slipway"].store

    def take() -> dict[str, list[dict[str, Any]]]:
        return {c.name: store.find(c.name, sort=[("_id", 1)]) for c in COLLECTIONS}

    return take


def ssh_key(comment: str = "dev@laptop", seed: int | None = None) -> str:
    """A well-formed OpenSSH ed25519 public key line (random key material)."""
    import base64
    import os as _os
    import struct

    material = _os.urandom(32) if seed is None else bytes([seed % 256]) * 32
    kind = b"ssh-ed25519"
    blob = struct.pack(">I", len(kind)) + kind + struct.pack(">I", 32) + material
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {comment}".rstrip()
