"""The one aligned-text table of ``jcm``: a header, a rule, rows; numbers right-aligned.

Every table that the command line (and the demo's report) prints goes through
:func:`table_lines`, so they look alike and a script can read them the same way::

    >>> print(render_table(("account", "balance"), [("GOJ", 1200), ("B", 5), ("RET", "-")]))
    account  balance
    -------  -------
    GOJ        1,200
    B              5
    RET            -

Cells are written by :func:`cell`: ``None`` as nothing, ``True``/``False`` as ``yes``/``no``, ints
(and whole fractions) with thousands separators, floats with one decimal, other exact fractions
rounded to 0.01 for display only, everything else with ``str``. A column is right-aligned when
every cell of it is a number (``"-"`` or ``None`` standing for none) and at least one is, or when
``right`` names it; other columns are left-aligned. Trailing blanks are cut from every line.

Nothing here needs a third-party package: the tables are small, their layout is part of what the
tests check byte for byte, and the number formats are the project's own.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

__all__ = ["cell", "render_table", "table_lines"]

_NONE = ("-", "", None)
"""Cells that stand for "no value" in a column of numbers."""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Fraction | Decimal) and not isinstance(value, bool)


def cell(value: object) -> str:
    """The text of one cell (see the module docstring).

    >>> [cell(v) for v in (None, True, 1234567, 2.25, Fraction(250000, 3), Fraction(10, 1))]
    ['', 'yes', '1,234,567', '2.2', '83,333.33', '10']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return f"{value.numerator:,}"
        return f"{float(value):,.2f}"
    if isinstance(value, float | Decimal):
        return f"{value:,.1f}"
    return str(value)


def table_lines(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    right: Collection[int] | None = None,
    rule: bool = True,
    indent: str = "",
) -> list[str]:
    """The lines of an aligned table.

    Parameters
    ----------
    headers
        The column labels.
    rows
        The rows, each with one value per column (written by :func:`cell`).
    right
        Indexes of columns to right-align whatever they hold; ``None`` decides by content.
    rule
        Draw a line of dashes under the header.
    indent
        Text put before every line.

    Raises
    ------
    ValueError
        When a row has not one value per column.
    """
    values = [tuple(row) for row in rows]
    for number, row in enumerate(values, start=1):
        if len(row) != len(headers):
            raise ValueError(f"row {number} has {len(row)} cells for {len(headers)} columns")
    texts = [[cell(v) for v in row] for row in values]
    if right is None:
        aligned = {
            i
            for i in range(len(headers))
            if any(_is_number(row[i]) for row in values)
            and all(_is_number(row[i]) or row[i] in _NONE for row in values)
        }
    else:
        aligned = set(right)
    widths = [max([len(h), *(len(t[i]) for t in texts)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if i in aligned else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return (indent + "  ".join(parts)).rstrip()

    out = [line(headers)]
    if rule:
        out.append(line(["-" * w for w in widths]))
    out.extend(line(t) for t in texts)
    return out


def render_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    right: Collection[int] | None = None,
    rule: bool = True,
    indent: str = "",
) -> str:
    """:func:`table_lines` joined by newlines (no final newline)."""
    return "\n".join(table_lines(headers, rows, right=right, rule=rule, indent=indent))
