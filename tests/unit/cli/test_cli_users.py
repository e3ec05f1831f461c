import json
import stat

import pytest


@pytest.fixture
def target(home, fake_api):
    directory = home / ".slipway"
    directory.mkdir()
    (directory / "target").write_text(fake_api.url + "\n")
    return directory


@pytest.fixture
def typed(monkeypatch):
    """Answers for getpass on a (fake) terminal, in order."""
    answers = []

    def fake_getpass(prompt):
        return answers.pop(0)

    monkeypatch.setattr("slipway.cli.prompts.getpass.getpass", fake_getpass)
    return answers


def test_user_create_reads_the_password_from_stdin(cli, fake_api, target):
    fake_api.reply("POST", "/users", 201, {"email": "ana@example.com"})
    result = cli("user-create", "ana@example.com", stdin="s3cret!\n")
    assert (result.code, result.out, result.err) == (
        0,
        'User "ana@example.com" successfully created!\n',
        "",
    )
    assert fake_api.last().body == {"email": "ana@example.com", "password": "s3cret!"}


def test_user_create_on_a_terminal_asks_twice(cli, fake_api, target, typed):
    fake_api.reply("POST", "/users", 201, {"email": "ana@example.com"})
    typed.extend(["pw-123456", "pw-123456"])
    assert cli("user-create", "ana@example.com", tty=True).code == 0
    typed.extend(["pw-123456", "different"])
    result = cli("user-create", "ana@example.com", tty=True)
    assert (result.code, result.err) == (1, "Error: passwords didn't match\n")
    assert len(fake_api.requests) == 1


def test_user_create_without_password(cli, fake_api, target):
    result = cli("user-create", "ana@example.com", stdin="")
    assert result.err == "Error: no password given: stdin ended\n"
    assert fake_api.requests == []


def test_user_create_server_error(cli, fake_api, target):
    fake_api.reply("POST", "/users", 409, {"error": "This email is already registered"})
    result = cli("user-create", "ana@example.com", stdin="s3cret!\n")
    assert (result.code, result.err) == (1, "Error: This email is already registered\n")


def test_login_stores_a_private_token(cli, fake_api, target):
    fake_api.reply("GET", "/auth/scheme", 200, {"name": "native", "data": {}})
    fake_api.reply("POST", "/users/ana@example.com/tokens", 200, {"token": "T1", "is_admin": False})
    result = cli("login", "ana@example.com", stdin="s3cret!\n")
    assert (result.code, result.out, result.err) == (0, "Successfully logged in!\n", "")
    assert fake_api.last().body == {"password": "s3cret!"}
    token = target / "token"
    assert token.read_text() == "T1\n"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600


def test_login_json_does_not_print_the_token(cli, fake_api, target):
    fake_api.reply("GET", "/auth/scheme", 200, {"name": "native", "data": {}})
    fake_api.reply("POST", "/users/ana@example.com/tokens", 200, {"token": "T1", "is_admin": True})
    result = cli("--json", "login", "ana@example.com", stdin="pw\n")
    assert json.loads(result.out) == {
        "message": "Successfully logged in!",
        "email": "ana@example.com",
        "is_admin": True,
    }


def test_login_with_a_wrong_password_shows_the_server_message(cli, fake_api, target):
    fake_api.reply("GET", "/auth/scheme", 200, {"name": "native", "data": {}})
    fake_api.reply(
        "POST", "/users/ana@example.com/tokens", 401, {"error": "Authentication failed."}
    )
    result = cli("login", "ana@example.com", stdin="wrong\n")
    assert (result.code, result.err) == (1, "Error: Authentication failed.\n")
    assert not (target / "token").exists()


def test_login_needs_an_email_when_there_is_no_terminal(cli, fake_api, target):
    result = cli("login", stdin="pw\n")
    assert result.code == 1
    assert result.err == "Error: no email given and stdin is not a terminal to ask for it\n"


def test_login_asks_for_the_email_on_a_terminal(cli, fake_api, target, typed):
    fake_api.reply("GET", "/auth/scheme", 200, {"name": "native", "data": {}})
    fake_api.reply("POST", "/users/bo@example.com/tokens", 200, {"token": "T2", "is_admin": False})
    typed.append("pw")
    result = cli("login", stdin="bo@example.com\n", tty=True)
    assert result.out == "Email: Successfully logged in!\n"


def test_login_refuses_other_schemes(cli, fake_api, target):
    fake_api.reply("GET", "/auth/scheme", 200, {"name": "oauth", "data": {}})
    result = cli("login", "ana@example.com", stdin="pw\n")
    assert result.err == (
        'Error: the target uses the "oauth" authentication scheme, which this client does not'
        " support\n"
    )


def test_logout(cli, fake_api, target):
    (target / "token").write_text("T1\n")
    fake_api.reply("DELETE", "/users/tokens", 200)
    result = cli("logout")
    assert result.out == "Successfully logged out!\n"
    assert fake_api.last().headers["Authorization"] == "bearer T1"
    assert not (target / "token").exists()


def test_logout_with_an_expired_session_still_forgets_the_token(cli, fake_api, target):
    (target / "token").write_text("T1\n")
    fake_api.reply("DELETE", "/users/tokens", 401, {"error": "invalid token"})
    assert cli("logout").code == 0
    assert not (target / "token").exists()


def test_logout_when_not_logged_in(cli, fake_api, target):
    result = cli("logout")
    assert (result.code, result.err) == (1, "Error: you are not logged in\n")
    assert fake_api.requests == []


def test_change_password_reads_two_lines(cli, fake_api, logged_in):
    fake_api.reply("PUT", "/users/password", 200)
    result = cli("change-password", stdin="old-pw\nnew-pw\n")
    assert result.out == "Password successfully updated!\n"
    assert fake_api.last().body == {"old": "old-pw", "new": "new-pw"}


def test_change_password_on_a_terminal_confirms(cli, fake_api, logged_in, typed):
    typed.extend(["old-pw", "new-pw", "new-pw-typo"])
    result = cli("change-password", tty=True)
    assert result.err == "Error: passwords didn't match\n"
    assert fake_api.requests == []


def test_reset_password_first_step(cli, fake_api, target):
    fake_api.reply("POST", "/users/ana@example.com/password", 200, {"message": "Check your email."})
    result = cli("reset-password", "ana@example.com")
    assert result.out == "Check your email.\n"
    assert fake_api.last().query == {}


def test_reset_password_with_token_and_chosen_password(cli, fake_api, target):
    fake_api.reply("POST", "/users/ana@example.com/password", 200, {})
    result = cli("reset-password", "ana@example.com", "-t", "RST", "-p", stdin="brand-new\n")
    assert result.out == 'The password of "ana@example.com" was reset.\n'
    assert fake_api.last().query == {"token": ["RST"]}
    assert fake_api.last().body == {"password": "brand-new"}


def test_reset_password_with_token_lets_the_server_choose(cli, fake_api, target):
    fake_api.reply("POST", "/users/ana@example.com/password", 200, {"message": "Mailed."})
    assert cli("reset-password", "ana@example.com", "--token", "RST").out == "Mailed.\n"
    assert fake_api.last().body is None


def test_choose_password_needs_a_token(cli, target):
    result = cli("reset-password", "ana@example.com", "-p")
    assert result.err == "Error: --choose-password goes with --token\n"


def test_user_remove_yourself(cli, fake_api, logged_in):
    fake_api.reply(
        "GET", "/users/info", 200, {"email": "ana@x.com", "teams": [], "is_admin": False}
    )
    fake_api.reply("DELETE", "/users", 200, {"message": "User ana@x.com removed."})
    refused = cli("user-remove")
    assert refused.err == (
        'Error: refusing to remove user "ana@x.com" without confirmation: stdin is not a'
        " terminal, pass -y/--assume-yes\n"
    )
    assert cli("user-remove", "-y").out == 'User "ana@x.com" successfully removed!\n'
    assert fake_api.last().query == {}
    assert not (logged_in / "token").exists()


def test_admin_removes_another_user(cli, fake_api, logged_in):
    fake_api.reply(
        "GET", "/users/info", 200, {"email": "root@x.com", "teams": [], "is_admin": True}
    )
    fake_api.reply("DELETE", "/users", 200, {})
    assert cli("user-remove", "bo@x.com", "-y").out == 'User "bo@x.com" successfully removed!\n'
    assert fake_api.last().query == {"user": ["bo@x.com"]}
    assert (logged_in / "token").exists()
