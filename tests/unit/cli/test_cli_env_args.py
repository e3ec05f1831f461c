import pytest
from hypothesis import given
from hypothesis import strategies as st

from slipway.cli.env import check_name, format_env, parse_assignments
from slipway.cli.errors import CliError


def test_pairs_are_split_on_the_first_equals_sign():
    assert parse_assignments(["A=1", "URL=postgres://u:p@h/db?x=y", "EMPTY="]) == {
        "A": "1",
        "URL": "postgres://u:p@h/db?x=y",
        "EMPTY": "",
    }


def test_values_keep_spaces_and_quotes():
    assert parse_assignments(['MSG=hello "world" ']) == {"MSG": 'hello "world" '}


@pytest.mark.parametrize("argument", ["NOEQUALS", "", "lonely"])
def test_an_argument_without_equals_is_refused(argument):
    with pytest.raises(CliError, match="is not NAME=value"):
        parse_assignments([argument])


@pytest.mark.parametrize("argument", ["=value", "1ABC=x", "A-B=x", "A B=x", "É=x", "A.B=x"])
def test_invalid_names_are_refused(argument):
    with pytest.raises(CliError, match="invalid variable name"):
        parse_assignments([argument])


def test_a_name_given_twice_is_refused():
    with pytest.raises(CliError, match="A is given twice"):
        parse_assignments(["A=1", "A=2"])


def test_nothing_to_set_is_refused():
    with pytest.raises(CliError, match="nothing to set"):
        parse_assignments([])


@pytest.mark.parametrize("name", ["_", "A", "a1", "_PRIVATE_9", "DATABASE_URL"])
def test_valid_names(name):
    assert check_name(name) == name


@given(
    name=st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True),
    value=st.text(),
)
def test_any_valid_pair_round_trips(name, value):
    assert parse_assignments([f"{name}={value}"]) == {name: value}


def test_env_lines_are_sorted_by_name():
    variables = [
        {"name": "ZED", "value": "1", "public": True},
        {"name": "DB", "value": "*** (private variable)", "public": False},
        {"name": "APP", "value": "a=b", "public": True},
    ]
    assert format_env(variables) == "APP=a=b\nDB=*** (private variable)\nZED=1\n"
    assert format_env([]) == ""
