"""The control plane answers through its published port and the admin can log in."""

from __future__ import annotations

import requests

from .conftest import API_URL, DOMAIN, credential

ADMIN_EMAIL = f"admin@{DOMAIN}"


def test_healthcheck_through_the_published_port() -> None:
    response = requests.get(f"{API_URL}/healthcheck", timeout=10)
    assert response.status_code == 200
    assert response.text == "WORKING"


def test_admin_login_works() -> None:
    email = ADMIN_EMAIL
    password = credential("admin_password")
    response = requests.post(
        f"{API_URL}/users/{email}/tokens", json={"password": password}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.json()["is_admin"] is True
    token = response.json()["token"]
    info = requests.get(
        f"{API_URL}/users/info", headers={"Authorization": f"bearer {token}"}, timeout=10
    )
    assert info.json()["email"] == email


def test_wrong_password_is_refused() -> None:
    email = ADMIN_EMAIL
    response = requests.post(
        f"{API_URL}/users/{email}/tokens", json={"password": "not-the-password"}, timeout=30
    )
    assert response.status_code == 401
