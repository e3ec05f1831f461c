"""The hipache router answers on its published port."""

from __future__ import annotations

import requests

from .conftest import DOMAIN, ROUTER_URL


def test_ping() -> None:
    response = requests.get(ROUTER_URL, headers={"Host": "__ping__"}, timeout=10)
    assert response.status_code == 200


def test_unknown_host_is_404() -> None:
    response = requests.get(ROUTER_URL, headers={"Host": f"no-such-app.{DOMAIN}"}, timeout=10)
    assert response.status_code == 404
