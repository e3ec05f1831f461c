import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slipway.cli.stream import (
    NO_OUTCOME,
    StreamError,
    StreamEvent,
    iter_plain,
    iter_stream,
    parse_line,
    split_lines,
)


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


def test_split_lines_cuts_at_line_feeds_across_chunks():
    chunks = [b"---> Bui", b"lding\n  step 1\r\n", b"", b"  50%\r100%\nOK"]
    assert list(split_lines(chunks)) == ["---> Building", "  step 1", "  50%\r100%", "OK"]


def test_split_lines_keeps_utf8_split_between_chunks():
    data = "caf\u00e9 \u2713\n".encode()
    assert list(split_lines([data[:4], data[4:]])) == ["caf\u00e9 \u2713"]


def collect(lines):
    shown = []
    try:
        for line in iter_plain(lines):
            shown.append(line)
    except StreamError as exc:
        return shown, exc.message
    return shown, None


def test_plain_stream_ending_with_ok_succeeds_and_ok_is_not_shown():
    assert collect(["---> Building", "    pip install", "", "OK", ""]) == (
        ["---> Building", "    pip install", ""],
        None,
    )


def test_plain_stream_ending_with_error_fails_with_its_message():
    assert collect(["---> Building", "ERROR:   exit   status 1  "]) == (
        ["---> Building"],
        "exit status 1",
    )


def test_outcome_lines_that_are_not_last_are_shown_in_order():
    lines = ["OK", "", "ERROR: not yet", "---> more", "ERROR: real failure"]
    assert collect(lines) == (["OK", "", "ERROR: not yet", "---> more"], "real failure")
    assert collect(["ERROR: transient", "OK"]) == (["ERROR: transient"], None)


@pytest.mark.parametrize(
    "lines",
    [[], [""], ["---> Building"], ["    OK"], ["OK then more"], ["  ERROR: indented"]],
)
def test_plain_stream_without_an_outcome_fails(lines):
    shown, error = collect(lines)
    assert error == NO_OUTCOME
    assert shown == lines


def test_an_empty_error_line_still_fails():
    assert collect(["ERROR:"]) == ([], "the operation failed")
