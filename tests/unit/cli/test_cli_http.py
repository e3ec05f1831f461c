import pytest

from slipway.cli.errors import ApiError, CliError
from slipway.cli.http import NOT_LOGGED_IN, Client, path_segment
from slipway.cli.stream import StreamError


@pytest.fixture
def client(fake_api, home):
    return Client(fake_api.url, "tok-1")


def test_bearer_token_json_body_and_decoded_answer(fake_api, client):
    fake_api.reply("POST", "/teams", 201, {"name": "devs"})
    assert client.call("POST", "/teams", body={"name": "devs"}) == {"name": "devs"}
    request = fake_api.last()
    assert request.headers["Authorization"] == "bearer tok-1"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("slipway-cli/")
    assert request.body == {"name": "devs"}


def test_204_and_empty_bodies_decode_to_none(fake_api, client):
    fake_api.reply("GET", "/apps", 204)
    assert client.call("GET", "/apps") is None


def test_repeated_query_parameters(fake_api, client):
    fake_api.reply("GET", "/apps/a/env", 200, [])
    client.call("GET", "/apps/a/env", params={"env": ["A", "B"]})
    assert fake_api.last().query == {"env": ["A", "B"]}


def test_no_token_means_no_request_for_authenticated_endpoints(fake_api):
    with pytest.raises(CliError, match=f"^{NOT_LOGGED_IN}$"):
        Client(fake_api.url, None).call("GET", "/apps")
    assert fake_api.requests == []


def test_401_on_an_authenticated_endpoint_is_a_login_hint(fake_api, client):
    fake_api.reply("GET", "/apps", 401, {"error": "You must provide a valid Authorization header"})
    with pytest.raises(ApiError) as caught:
        client.call("GET", "/apps")
    assert caught.value.status == 401
    assert str(caught.value) == "not logged in or session expired: run slipway login"


def test_401_on_a_public_endpoint_shows_the_server_message(fake_api):
    fake_api.reply("POST", "/users/a@b.c/tokens", 401, {"error": "Authentication failed."})
    with pytest.raises(ApiError, match=r"^Authentication failed\.$"):
        Client(fake_api.url, None).call("POST", "/users/a@b.c/tokens", auth=False)
    assert "Authorization" not in fake_api.last().headers


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ({"body": {"error": "App x not found."}}, "App x not found."),
        ({"body": {"Error": "team exists"}}, "team exists"),
        ({"raw": "plain\ntext  error\n", "content_type": "text/plain"}, "plain text error"),
        ({"raw": "<html><body>Bad</body></html>", "content_type": "text/html"}, None),
        ({"raw": "", "content_type": "text/plain"}, None),
        ({"body": {"unexpected": True}}, None),
        ({"stream": [{"Message": "a"}, {"Error": "stream said no"}]}, "stream said no"),
    ],
)
def test_error_messages(fake_api, client, reply, message):
    fake_api.reply("GET", "/thing", 409, **reply)
    with pytest.raises(ApiError) as caught:
        client.call("GET", "/thing")
    expected = message or "the API answered 409 Conflict"
    assert str(caught.value) == expected
    assert caught.value.status == 409


def test_answers_that_are_not_json_are_reported(fake_api, client):
    fake_api.reply("GET", "/apps", 200, raw="WORKING", content_type="text/plain")
    with pytest.raises(CliError, match="not JSON"):
        client.call("GET", "/apps")
    assert client.text("GET", "/apps") == "WORKING"


def test_connection_refused_names_the_target(closed_port_url):
    with pytest.raises(CliError) as caught:
        Client(closed_port_url, "t").call("GET", "/apps")
    assert str(caught.value) == (
        f"cannot connect to the Slipway API at {closed_port_url}: connection refused"
    )


def test_stream_yields_messages_then_raises_the_error(fake_api, client):
    fake_api.reply(
        "POST",
        "/apps/a/env",
        stream=[{"Message": "setting\n"}, {"Message": "", "Error": "restart failed"}],
    )
    seen = []
    with pytest.raises(StreamError, match=r"^restart failed$"):
        for message in client.stream("POST", "/apps/a/env", body={"A": "1"}):
            seen.append(message)
    assert seen == ["setting\n"]


def test_stream_of_an_error_status_is_an_api_error(fake_api, client):
    fake_api.reply("DELETE", "/apps/a", 404, {"error": "App a not found."})
    with pytest.raises(ApiError, match="App a not found"):
        list(client.stream("DELETE", "/apps/a"))


def test_target_with_a_path_prefix(fake_api):
    fake_api.reply("GET", "/prefix/apps", 200, [])
    assert Client(fake_api.url + "/prefix/", "t").call("GET", "/apps") == []


def test_path_segments_are_quoted():
    assert path_segment("a+b@example.com") == "a%2Bb@example.com"
    assert path_segment("x/y z") == "x%2Fy%20z"
