import io
import json

import pytest

from slipway.cli.output import Output, display_width, limit_text, render_table


def test_table_has_tsuru_borders_header_and_sorted_rows():
    table = render_table(
        ["Application", "Units State Summary", "Address"],
        [
            ("zeta", "1 of 1 units in-service", "zeta.example.com"),
            ("Alpha", "0 of 2 units in-service", "10.0.0.1"),
            ("beta", "0 of 0 units in-service", ""),
        ],
    )
    assert table == (
        "+-------------+-------------------------+------------------+\n"
        "| Application | Units State Summary     | Address          |\n"
        "+-------------+-------------------------+------------------+\n"
        "| Alpha       | 0 of 2 units in-service | 10.0.0.1         |\n"
        "| beta        | 0 of 0 units in-service |                  |\n"
        "| zeta        | 1 of 1 units in-service | zeta.example.com |\n"
        "+-------------+-------------------------+------------------+\n"
    )


def test_sort_is_case_insensitive_and_stable():
    table = render_table(["K", "V"], [("b", 1), ("B", 2), ("a", 3), ("A", 4)])
    rows = [line for line in table.splitlines() if line.startswith("| ") and "K" not in line]
    assert rows == ["| a | 3 |", "| A | 4 |", "| b | 1 |", "| B | 2 |"]


def test_sorting_can_be_turned_off():
    table = render_table(["K"], [("b",), ("a",)], sort=False)
    assert table.splitlines()[3:5] == ["| b |", "| a |"]


def test_empty_table_is_a_closed_header_box():
    assert render_table(["Team", "Users"], []) == (
        "+------+-------+\n| Team | Users |\n+------+-------+\n"
    )


def test_multiline_cells_span_several_lines_of_one_row():
    table = render_table(["Team", "Users"], [("devs", "a@x.com\nbob@x.com")])
    assert table == (
        "+------+-----------+\n"
        "| Team | Users     |\n"
        "+------+-----------+\n"
        "| devs | a@x.com   |\n"
        "|      | bob@x.com |\n"
        "+------+-----------+\n"
    )


def test_wide_characters_take_two_columns():
    assert display_width("日本") == 4
    assert display_width("e\u0301") == 1
    table = render_table(["Name"], [("日本",)])
    assert table.splitlines()[0] == "+------+"
    assert table.splitlines()[3] == "| 日本 |"


def test_rows_must_match_the_header():
    with pytest.raises(ValueError):
        render_table(["A", "B"], [("only one",)])


@pytest.mark.parametrize(
    ("limit", "text"), [(-1, "unlimited"), (None, "unlimited"), (0, "0"), (5, "5")]
)
def test_limit_text(limit, text):
    assert limit_text(limit) == text


def test_output_for_people_prints_text_and_no_json():
    stdout, stderr = io.StringIO(), io.StringIO()
    out = Output(stdout, stderr)
    out.progress("step one\n")
    out.progress("dots.")
    out.progress(".")
    out.done("Done!", extra=1)
    out.data({"a": 1}, lambda data: out.line(f"a is {data['a']}"))
    assert stdout.getvalue() == "step one\ndots..\nDone!\na is 1\n"


def test_json_mode_prints_exactly_one_document_per_result():
    stdout, stderr = io.StringIO(), io.StringIO()
    out = Output(stdout, stderr, json_mode=True)
    out.line("for people only")
    out.table(["A"], [("x",)])
    out.progress("working")
    out.done("Done!", app="x")
    assert json.loads(stdout.getvalue()) == {
        "message": "Done!",
        "app": "x",
        "messages": ["working"],
    }


def test_warnings_go_to_stderr():
    stdout, stderr = io.StringIO(), io.StringIO()
    Output(stdout, stderr).warn("careful")
    assert stdout.getvalue() == ""
    assert stderr.getvalue() == "Warning: careful\n"
