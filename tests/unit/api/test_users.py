"""Accounts, sessions, passwords and API keys through the HTTP API."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient

from slipway.core.context import Context

from ..conftest import ADMIN_EMAIL, ApiDriver, bearer


class RecordingMailer:
    """Captures what would be mailed: the unit boundary, not the SMTP component."""

    delivers = True

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


def ctx_of(client: FlaskClient) -> Context:
    return client.application.extensions["slipway"]


def test_create_user_and_login(client: FlaskClient) -> None:
    response = client.post("/users", json={"email": "Dev@Example.com", "password": "123456"})
    assert response.status_code == 201
    assert response.json["email"] == "dev@example.com"
    login = client.post("/users/dev@example.com/tokens", json={"password": "123456"})
    assert login.status_code == 200
    assert login.json["is_admin"] is False
    info = client.get("/users/info", headers=bearer(login.json["token"]))
    assert info.json == {
        "email": "dev@example.com",
        "teams": [],
        "created": info.json["created"],
        "is_admin": False,
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "not-an-email", "password": "123456"}, "Invalid email."),
        ({"email": "a@b.com", "password": "12345"}, "Password length"),
        ({"email": "a@b.com", "password": "x" * 51}, "Password length"),
        ({"email": "a@b.com"}, "password is required"),
        ({"password": "123456"}, "email is required"),
        ({"email": 7, "password": "123456"}, "email is required"),
    ],
)
def test_create_user_rejects_bad_input(client: FlaskClient, body: dict, message: str) -> None:
    response = client.post("/users", json=body)
    assert response.status_code == 400
    assert message in response.json["error"]


def test_duplicate_user_is_a_conflict(client: FlaskClient) -> None:
    client.post("/users", json={"email": "a@b.com", "password": "123456"})
    response = client.post("/users", json={"email": "A@b.com", "password": "654321"})
    assert response.status_code == 409
    assert client.post("/users/a@b.com/tokens", json={"password": "123456"}).status_code == 200


def test_registration_closed_needs_an_admin(tmp_path) -> None:
    from slipway.api import create_app
    from slipway.config import validate

    from ..conftest import settings

    conf = settings(tmp_path, auth={"user-registration": False, "hash-cost": 4})
    closed = create_app(validate(conf)).test_client()
    closed_api = ApiDriver(closed)
    body = {"email": "new@example.com", "password": "123456"}
    assert closed.post("/users", json=body).status_code == 401
    closed_api.ok(
        closed.post(
            "/users",
            json={"email": "u@example.com", "password": "123456"},
            headers=closed_api.admin,
        )
    )
    user = closed_api.login("u@example.com", "123456")
    assert closed.post("/users", json=body, headers=user).status_code == 403
    assert closed.post("/users", json=body, headers=closed_api.admin).status_code == 201


def test_wrong_password_and_unknown_user_get_the_same_401(client: FlaskClient) -> None:
    client.post("/users", json={"email": "a@b.com", "password": "123456"})
    wrong = client.post("/users/a@b.com/tokens", json={"password": "nope-nope"})
    unknown = client.post("/users/z@b.com/tokens", json={"password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert client.post("/users/a@b.com/tokens", json={}).status_code == 400


def test_logout_revokes_only_that_session(api: ApiDriver) -> None:
    first = api.user("a@b.com")
    second = api.login("a@b.com", "123456")
    assert api.client.delete("/users/tokens", headers=first).status_code == 200
    assert api.client.get("/users/info", headers=first).status_code == 401
    assert api.client.get("/users/info", headers=second).status_code == 200


def test_change_password(api: ApiDriver) -> None:
    headers = api.user("a@b.com")
    body = {"old": "wrong-one", "new": "abcdef"}
    assert api.client.put("/users/password", json=body, headers=headers).status_code == 403
    body = {"old": "123456", "new": "abc"}
    assert api.client.put("/users/password", json=body, headers=headers).status_code == 400
    body = {"old": "123456", "new": "abcdef"}
    assert api.client.put("/users/password", json=body, headers=headers).status_code == 200
    assert api.client.post("/users/a@b.com/tokens", json={"password": "abcdef"}).status_code == 200


def test_reset_password_flow(api: ApiDriver) -> None:
    mailer = RecordingMailer()
    ctx_of(api.client).mailer = mailer
    session = api.user("a@b.com")
    assert api.client.post("/users/a@b.com/password").status_code == 200
    to, _, body = mailer.sent[-1]
    token = body.split("Reset token: ")[1].split()[0]
    assert to == "a@b.com"
    bad = api.client.post("/users/a@b.com/password?token=forged")
    assert bad.status_code == 403
    done = api.client.post(f"/users/a@b.com/password?token={token}", json={"password": "brand-new"})
    assert done.status_code == 200
    assert api.client.get("/users/info", headers=session).status_code == 401
    assert (
        api.client.post("/users/a@b.com/tokens", json={"password": "brand-new"}).status_code == 200
    )
    again = api.client.post(f"/users/a@b.com/password?token={token}")
    assert again.status_code == 403
    assert api.client.post("/users/nobody@b.com/password").status_code == 200


def test_reset_without_a_new_password_mails_a_generated_one(api: ApiDriver) -> None:
    mailer = RecordingMailer()
    ctx_of(api.client).mailer = mailer
    api.user("a@b.com")
    api.client.post("/users/a@b.com/password")
    token = mailer.sent[-1][2].split("Reset token: ")[1].split()[0]
    assert api.client.post(f"/users/a@b.com/password?token={token}").status_code == 200
    generated = mailer.sent[-1][2].split("Your new password is: ")[1].strip()
    assert api.client.post("/users/a@b.com/tokens", json={"password": generated}).status_code == 200


def test_tokens_expire(api: ApiDriver) -> None:
    headers = api.user("a@b.com")
    ctx = ctx_of(api.client)
    later = ctx.now() + dt.timedelta(days=8)
    ctx.clock = lambda: later
    response = api.client.get("/users/info", headers=headers)
    assert response.status_code == 401
    assert "expired" in response.json["error"]


def test_oldest_sessions_are_purged(tmp_path) -> None:
    from slipway.api import create_app
    from slipway.config import validate

    from ..conftest import settings

    conf = settings(
        tmp_path, auth={"hash-cost": 4, "user-registration": True, "max-simultaneous-sessions": 2}
    )
    client = create_app(validate(conf)).test_client()
    client.post("/users", json={"email": "a@b.com", "password": "123456"})
    sessions = [
        bearer(client.post("/users/a@b.com/tokens", json={"password": "123456"}).json["token"])
        for _ in range(3)
    ]
    statuses = [client.get("/users/info", headers=h).status_code for h in sessions]
    assert statuses == [401, 200, 200]


def test_api_key_is_a_credential_shown_once(api: ApiDriver) -> None:
    headers = api.user("a@b.com")
    first = api.client.get("/users/api-key", headers=headers).json
    assert api.client.get("/users/info", headers=bearer(first)).json["email"] == "a@b.com"
    hidden = api.client.get("/users/api-key", headers=headers).json
    assert first not in hidden and "hidden" in hidden
    key = api.client.post("/users/api-key", headers=headers).json
    assert api.client.get("/users/info", headers=bearer(first)).status_code == 401
    assert api.client.get("/users/info", headers=bearer(key)).json["email"] == "a@b.com"
    newer = api.client.post("/users/api-key", headers=headers).json
    assert api.client.get("/users/info", headers=bearer(key)).status_code == 401
    assert api.client.get("/users/info", headers=bearer(newer)).status_code == 200


def test_remove_user(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    helper = api.user("helper@b.com")
    api.ok(api.client.put("/teams/devs/helper@b.com", headers=owner))
    assert api.client.delete("/users", headers=helper).status_code == 200
    assert api.client.get("/teams/devs", headers=owner).json["users"] == ["owner@b.com"]
    last = api.client.delete("/users", headers=owner)
    assert last.status_code == 403
    assert "last member of the team devs" in last.json["error"]


def test_admin_removes_another_user(api: ApiDriver) -> None:
    user = api.user("a@b.com")
    assert api.client.delete("/users?user=b@b.com", headers=user).status_code == 403
    assert api.client.delete("/users?user=a@b.com", headers=api.admin).status_code == 200
    assert api.client.get("/users/info", headers=user).status_code == 401
    assert ADMIN_EMAIL in [u["email"] for u in api.client.get("/users", headers=api.admin).json]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/users", {"email": "bob@x.com\n", "password": "123456"}),
        ("/users", {"email": "b`o$b@x.com", "password": "123456"}),
    ],
)
def test_trailing_newlines_and_shell_characters_are_refused(
    client: FlaskClient, path: str, body: dict
) -> None:
    assert client.post(path, json=body).status_code == 400


def test_names_with_a_trailing_newline_are_refused(api: ApiDriver) -> None:
    owner = api.user("owner@b.com", team="devs")
    assert api.client.post("/teams", json={"name": "beta\n"}, headers=owner).status_code == 400
    body = {"name": "api\n", "platform": "python"}
    assert api.client.post("/apps", json=body, headers=owner).status_code == 400
    api.app("web", owner)
    assert api.client.post("/apps/web/env", json={"FOO\n": "x"}, headers=owner).status_code == 400


def test_changing_the_password_ends_other_sessions(api: ApiDriver) -> None:
    current = api.user("a@b.com")
    other = api.login("a@b.com", "123456")
    body = {"old": "123456", "new": "abcdef"}
    api.ok(api.client.put("/users/password", json=body, headers=current))
    assert api.client.get("/users/info", headers=current).status_code == 200
    assert api.client.get("/users/info", headers=other).status_code == 401


def test_reset_never_reveals_who_has_an_account(api: ApiDriver) -> None:
    known = api.client.post("/users/a@b.com/password")
    api.user("a@b.com")
    unknown = api.client.post("/users/nobody@b.com/password")
    assert known.status_code == unknown.status_code == 200
    assert known.json == unknown.json


def test_reset_without_smtp_needs_the_new_password(api: ApiDriver, caplog) -> None:
    api.user("a@b.com")
    with caplog.at_level("WARNING", logger="slipway.mail"):
        api.client.post("/users/a@b.com/password")
    token = caplog.text.split("Reset token: ")[1].split()[0]
    refused = api.client.post(f"/users/a@b.com/password?token={token}")
    assert refused.status_code == 400
    assert "Give the new password" in refused.json["error"]
    done = api.client.post(f"/users/a@b.com/password?token={token}", json={"password": "new-one"})
    assert done.status_code == 200
