"""Tests of an account's holdings: sorted blocks, merges, and the moves' selection (§4.3)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core.credit import CreditBlock, SerialRange
from jcm.registry.state import Holdings, LedgerError


def _block(start: int, end: int, registry: str = "JPN01", issuance: str = "1") -> CreditBlock:
    return CreditBlock(
        registry,
        "JPN",
        "MN010",
        "MNG",
        2023,
        SerialRange(start, end),
        dt.date(2025, 6, 1),
        issuance,
    )


def _ranges(h: Holdings) -> list[tuple[str, int, int]]:
    return [(b.registry, b.serials.start, b.serials.end) for b in h.blocks()]


def test_adjacent_blocks_of_one_lot_merge() -> None:
    """Merges 1-10, 21-30 and then 11-20 of the same issuance into 1-30."""
    h = Holdings()
    for start, end in ((1, 10), (21, 30), (11, 20)):
        h.add(_block(start, end))
    assert _ranges(h) == [("JPN01", 1, 30)]
    assert h.total == 30


def test_blocks_of_different_lots_stay_apart() -> None:
    """Keeps adjacent blocks of two issuances apart."""
    h = Holdings()
    h.add(_block(1, 10, issuance="1"))
    h.add(_block(11, 20, issuance="2"))
    assert len(h) == 2


def test_an_overlapping_block_is_refused() -> None:
    """Refuses a block that overlaps one already held."""
    h = Holdings()
    h.add(_block(1, 10))
    with pytest.raises(LedgerError):
        h.add(_block(10, 12))


def test_removing_serials_not_held_is_refused() -> None:
    """Refuses to remove serials the account does not hold."""
    h = Holdings()
    h.add(_block(1, 10))
    with pytest.raises(LedgerError):
        h.remove("JPN01", 5, 11)
    with pytest.raises(LedgerError):
        h.remove("MNG01", 1, 1)


def test_select_range_spanning_two_lots() -> None:
    """Selects a named range that spans two adjacent lots, piece by piece."""
    h = Holdings()
    h.add(_block(1, 10, issuance="1"))
    h.add(_block(11, 20, issuance="2"))
    pieces = h.select_range("JPN01", 5, 15)
    assert pieces is not None
    assert [(b.issuance, start, end) for b, start, end in pieces] == [
        ("1", 5, 10),
        ("2", 11, 15),
    ]
    assert h.select_range("JPN01", 5, 25) is None
    assert [b.serials for b in h.remove("JPN01", 5, 15)] == [
        SerialRange(5, 10),
        SerialRange(11, 15),
    ]
    assert _ranges(h) == [("JPN01", 1, 4), ("JPN01", 16, 20)]


def test_highest_serials_come_from_the_last_registry_first() -> None:
    """Takes the highest registry id first, then the highest serials."""
    h = Holdings()
    h.add(_block(1, 10, registry="JPN01"))
    h.add(_block(1, 5, registry="MNG01"))
    pieces = h.select_highest(7)
    assert [(b.registry, start, end) for b, start, end in pieces] == [
        ("MNG01", 1, 5),
        ("JPN01", 9, 10),
    ]


@given(st.lists(st.tuples(st.integers(1, 60), st.integers(0, 5)), max_size=25), st.data())
def test_moves_conserve_and_keep_blocks_sorted_and_disjoint(
    cuts: list[tuple[int, int]], data: st.DataObject
) -> None:
    """Conserves credits between two accounts and keeps every run sorted and disjoint."""
    a, b = Holdings(), Holdings()
    a.add(_block(1, 60))
    for start, length in cuts:
        source, target = (a, b) if data.draw(st.booleans()) else (b, a)
        end = min(60, start + length)
        pieces = source.select_range("JPN01", start, end)
        if pieces is None:
            continue
        for piece in source.remove("JPN01", start, end):
            target.add(piece)
        if data.draw(st.booleans()) and source.total:
            quantity = data.draw(st.integers(1, source.total))
            for block, first, last in source.select_highest(quantity):
                for taken in source.remove(block.registry, first, last):
                    target.add(taken)
    assert a.total + b.total == 60
    spans = sorted(_ranges(a) + _ranges(b))
    assert sum(e - s + 1 for _, s, e in spans) == 60
    for (_, _, e1), (_, s2, _) in itertools.pairwise(spans):
        assert e1 < s2
    for h in (a, b):
        blocks = list(h.blocks())
        for x, y in itertools.pairwise(blocks):
            assert x.serials.end + 1 < y.serials.start  # merged whenever adjacent


def test_same_blocks_compares_serials_and_attributes() -> None:
    """Tells holdings apart by a serial or by an attribute of a lot, and equal ones alike."""
    a, b = Holdings(), Holdings()
    a.add(_block(1, 10))
    b.add(_block(1, 4))
    b.add(_block(5, 10))  # an equal lot of another object merges
    assert len(b) == 1
    assert a.same_blocks(b)
    c = Holdings()
    c.add(_block(1, 10, issuance="2"))
    assert not a.same_blocks(c)
    d = Holdings()
    d.add(_block(1, 9))
    assert not a.same_blocks(d)
    e = Holdings()
    e.add(_block(1, 10, registry="MNG01"))
    assert not a.same_blocks(e)


def test_spans_and_blocks_agree_after_splits() -> None:
    """Gives the same serials from spans() as from blocks(), with the lot's attributes."""
    h = Holdings()
    h.add(_block(1, 30))
    for lot, start, end in h.take("JPN01", 11, 20):
        assert (lot.issuance, start, end) == ("1", 11, 20)
    assert [(s, e) for _lot, s, e in h.spans()] == [(1, 10), (21, 30)]
    assert [b.serials for b in h.blocks()] == [SerialRange(1, 10), SerialRange(21, 30)]
    with pytest.raises(LedgerError):
        h.take("JPN01", 12, 11)
    with pytest.raises(LedgerError):
        h.put(_block(1, 1), 40, 39)
    assert h.total == 20
