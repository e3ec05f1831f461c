import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slipway.cli.stream import StreamError, StreamEvent, iter_stream, parse_line


def test_message_lines():
    assert parse_line(b'{"Message": "restarting\\n"}') == StreamEvent(message="restarting\n")
    assert parse_line('{"Message": "x", "Error": ""}') == StreamEvent(message="x")


def test_error_lines():
    assert parse_line('{"Message": "", "Error": "boom"}') == StreamEvent(error="boom")


@pytest.mark.parametrize("line", ["", "\n", "   ", "{}", '{"Message": ""}', "null", "[1]"])
def test_lines_that_carry_nothing(line):
    assert parse_line(line) is None


def test_plain_text_lines_are_messages():
    assert parse_line(b"---> Building\n") == StreamEvent(message="---> Building")
    assert parse_line('"a json string"') == StreamEvent(message="a json string")


def test_invalid_utf8_does_not_crash():
    assert parse_line(b"\xff\xfe oops") == StreamEvent(message="\ufffd\ufffd oops")


def test_messages_are_yielded_in_order_until_an_error():
    lines = [
        b'{"Message": "one\\n"}',
        b"",
        b'{"Message": "two\\n"}',
        b'{"Message": "last words\\n", "Error": "unit failed to start"}',
        b'{"Message": "never seen"}',
    ]
    seen = []
    with pytest.raises(StreamError, match=r"^unit failed to start$"):
        for message in iter_stream(lines):
            seen.append(message)
    assert seen == ["one\n", "two\n", "last words\n"]


def test_stream_without_error_ends_normally():
    assert list(iter_stream(['{"Message": "a"}', '{"Message": "b"}'])) == ["a", "b"]


@given(st.lists(st.text(min_size=1)))
def test_any_messages_survive_encoding(messages):
    lines = [json.dumps({"Message": message, "Error": ""}).encode() for message in messages]
    assert list(iter_stream(lines)) == messages
