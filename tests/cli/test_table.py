"""The one table renderer: alignment, number formats, the header rule."""

from __future__ import annotations

from fractions import Fraction

import pytest

from jcm.cli.table import cell, render_table, table_lines


def test_numbers_are_right_aligned_with_separators() -> None:
    """Right-aligns a column of numbers (with '-' for none) and writes thousands separators."""
    lines = table_lines(("account", "balance"), [("GOJ", 1_234_567), ("B", 5), ("RET", "-")])
    assert lines == [
        "account    balance",
        "-------  ---------",
        "GOJ      1,234,567",
        "B                5",
        "RET              -",
    ]


def test_text_columns_are_left_aligned_and_lines_trimmed() -> None:
    """Left-aligns text, a column mixing text and numbers, and cuts trailing blanks."""
    lines = table_lines(("id", "note"), [("A", "x"), ("BBBB", 7)], rule=False)
    assert lines == ["id    note", "A     x", "BBBB  7"]
    assert all(line == line.rstrip() for line in lines)


def test_right_overrides_the_guess() -> None:
    """Right-aligns exactly the columns named by right, whatever they hold."""
    assert table_lines(("n", "name"), [("1", "ab"), ("10", "c")], right={0}, rule=False) == [
        " n  name",
        " 1  ab",
        "10  c",
    ]
    assert table_lines(("q",), [(1,), (100,)], right=(), rule=False) == ["q", "1", "100"]


def test_cells_are_written_for_display() -> None:
    """Writes None blank, booleans yes/no, exact fractions rounded to 0.01, floats to 0.1."""
    assert [cell(v) for v in (None, False, 2500, Fraction(200, 6), Fraction(40), 0.25)] == [
        "",
        "no",
        "2,500",
        "33.33",
        "40",
        "0.2",
    ]


def test_indent_and_join() -> None:
    """Puts the indent before every line and joins the lines without a final newline."""
    text = render_table(("a", "b"), [(1, "x")], indent="  ")
    assert text == "  a  b\n  -  -\n  1  x"


def test_an_empty_table_has_its_header() -> None:
    """Writes the header and the rule of a table without rows."""
    assert table_lines(("code", "message"), []) == ["code  message", "----  -------"]


def test_a_row_of_the_wrong_length_is_refused() -> None:
    """Refuses a row that has not one value per column."""
    with pytest.raises(ValueError, match="row 2 has 1 cells for 2 columns"):
        table_lines(("a", "b"), [(1, 2), (3,)])
