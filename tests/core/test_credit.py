"""Tests of serial ranges and credit blocks (rules.md §4.3, §4.5, §4.6)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core.credit import (
    DEFAULT_IDENTIFIER_TEMPLATE,
    CreditBlock,
    SerialRange,
    parse_identifier,
)
from jcm.errors import InvalidValueError


def _block(start: int, end: int, **changes: object) -> CreditBlock:
    values: dict[str, object] = {
        "registry": "JPN01",
        "party": "JPN",
        "project": "MN010",
        "host_party": "MNG",
        "vintage": 2023,
        "serials": SerialRange(start, end),
        "issued_on": dt.date(2025, 6, 1),
        "issuance": "7",
    }
    values.update(changes)
    return CreditBlock(**values)  # type: ignore[arg-type]


ranges = st.integers(1, 10**9).flatmap(
    lambda start: st.integers(start, start + 10**6).map(lambda end: SerialRange(start, end))
)


def test_quantity_counts_both_ends() -> None:
    """Counts 1-1000 as 1,000 credits (inclusive range, rules.md §4.3)."""
    assert SerialRange(1, 1000).quantity == 1000
    assert len(SerialRange(5, 5)) == 1


@pytest.mark.parametrize(("start", "end"), [(0, 5), (5, 4), (-1, 3), (True, 3)])
def test_rejects_bad_ranges(start: object, end: object) -> None:
    """Rejects serials below 1, reversed ranges and non-integers."""
    with pytest.raises(InvalidValueError):
        SerialRange(start, end)  # type: ignore[arg-type]


def test_split_upper_keeps_the_lower_serials() -> None:
    """Keeps 1-700 and moves 701-1000 when 300 of 1-1000 move (rules.md §11 scenario 7)."""
    assert SerialRange(1, 1000).split_upper(300) == (SerialRange(1, 700), SerialRange(701, 1000))


def test_split_upper_of_everything_keeps_nothing() -> None:
    """Moves the whole range when the quantity is its size."""
    assert SerialRange(3, 9).split_upper(7) == (None, SerialRange(3, 9))


@pytest.mark.parametrize("quantity", [0, 8, -1, 2.0])
def test_split_upper_rejects_bad_quantities(quantity: object) -> None:
    """Rejects a quantity of 0, above the range, negative or not an integer."""
    with pytest.raises(InvalidValueError):
        SerialRange(3, 9).split_upper(quantity)  # type: ignore[arg-type]


def test_take_a_named_sub_range() -> None:
    """Leaves 801-1000 when 701-800 is taken out of 701-1000 (rules.md §11 scenario 7)."""
    assert SerialRange(701, 1000).take(701, 800) == (
        (SerialRange(801, 1000),),
        SerialRange(701, 800),
    )


def test_take_from_the_middle_leaves_two_pieces() -> None:
    """Leaves the pieces below and above a sub-range cut from the middle."""
    left, taken = SerialRange(1, 10).take(4, 6)
    assert left == (SerialRange(1, 3), SerialRange(7, 10))
    assert taken == SerialRange(4, 6)


def test_take_outside_the_range_is_refused() -> None:
    """Refuses to take serials that are not in the range."""
    with pytest.raises(InvalidValueError):
        SerialRange(1, 10).take(5, 11)


def test_overlap_and_adjacency() -> None:
    """Tells overlapping ranges from adjacent ones."""
    assert SerialRange(1, 5).overlaps(SerialRange(5, 9))
    assert not SerialRange(1, 5).overlaps(SerialRange(6, 9))
    assert SerialRange(1, 5).adjacent_to(SerialRange(6, 9))
    assert SerialRange(6, 9).adjacent_to(SerialRange(1, 5))
    assert not SerialRange(1, 5).adjacent_to(SerialRange(7, 9))


def test_merge_refuses_a_gap() -> None:
    """Refuses to merge ranges with a gap between them."""
    with pytest.raises(InvalidValueError):
        SerialRange(1, 5).merge(SerialRange(7, 9))


@given(ranges, st.data())
def test_split_then_merge_is_the_identity(r: SerialRange, data: st.DataObject) -> None:
    """Gives the original range back when the two parts of a split are merged."""
    quantity = data.draw(st.integers(1, r.quantity))
    kept, moved = r.split_upper(quantity)
    assert moved.quantity == quantity
    if kept is None:
        assert moved == r
    else:
        assert kept.merge(moved) == r
        assert kept.quantity + moved.quantity == r.quantity
        assert not kept.overlaps(moved)
        assert kept.end < moved.start


@given(ranges, st.data())
def test_take_conserves_and_never_overlaps(r: SerialRange, data: st.DataObject) -> None:
    """Conserves the quantity and leaves disjoint pieces when a sub-range is taken."""
    start = data.draw(st.integers(r.start, r.end))
    end = data.draw(st.integers(start, r.end))
    left, taken = r.take(start, end)
    pieces = sorted([*left, taken])
    assert sum(p.quantity for p in pieces) == r.quantity
    for a, b in itertools.pairwise(pieces):
        assert a.end + 1 == b.start
    assert pieces[0].start == r.start
    assert pieces[-1].end == r.end


def test_block_split_keeps_attributes() -> None:
    """Keeps project, vintage and registry on both pieces of a split (rules.md §4.5 inv. 4)."""
    kept, moved = _block(1, 1000).split_upper(300)
    assert kept == _block(1, 700)
    assert moved == _block(701, 1000)
    assert kept is not None
    assert kept.can_merge(moved)
    assert kept.merge(moved) == _block(1, 1000)


def test_blocks_of_different_lots_do_not_merge() -> None:
    """Refuses to merge adjacent blocks that differ in an attribute (here the vintage)."""
    a, b = _block(1, 10), _block(11, 20, vintage=2024)
    assert not a.can_merge(b)
    with pytest.raises(InvalidValueError):
        a.merge(b)


def test_block_rejects_a_bad_vintage() -> None:
    """Rejects a vintage that is not a plausible calendar year."""
    with pytest.raises(InvalidValueError):
        _block(1, 10, vintage=23)


@given(
    st.from_regex(r"[A-Z]{3}[0-9]{2}", fullmatch=True),
    st.from_regex(r"[A-Z]{2}[0-9A-Z_-]{1,8}", fullmatch=True),
    st.integers(1990, 2100),
    ranges,
)
def test_parse_of_render_is_identity(
    registry: str, project: str, vintage: int, serials: SerialRange
) -> None:
    """Parses a rendered identifier back to its parts (rules.md §4.6: round trip only)."""
    block = _block(1, 1, registry=registry, project=project, vintage=vintage, serials=serials)
    assert parse_identifier(block.identifier()) == (registry, project, vintage, serials)


def test_identifier_uses_the_default_template() -> None:
    """Renders with the default template, which rules.md §4.6 says is not official."""
    assert DEFAULT_IDENTIFIER_TEMPLATE == "{registry}-{project}-{vintage}-{start:09d}-{end:09d}"
    assert parse_identifier(_block(1, 1000).identifier())[3] == SerialRange(1, 1000)


@pytest.mark.parametrize(
    "text", ["", "JPN01-MN010-2023-1-2", "garbage", "JP1-MN010-2023-000000001-000000002"]
)
def test_parse_rejects_other_text(text: str) -> None:
    """Rejects text that does not follow the template."""
    with pytest.raises(InvalidValueError):
        parse_identifier(text)
