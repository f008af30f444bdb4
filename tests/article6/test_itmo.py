"""ITMO unique identifiers and blocks (rules.md §7.7, §9.5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.article6.itmo import ITMO_ID_PATTERN, ItmoBlock, ItmoId, merge_ranges, subtract_ranges
from jcm.errors import InvalidValueError


def test_parses_the_example_with_thousands_comma() -> None:
    """Parses CA0099-MNG01-MNG-1,000-2023 into its five components (§9.5)."""
    itmo = ItmoId.parse("CA0099-MNG01-MNG-1,000-2023")
    assert (
        itmo.cooperative_approach,
        itmo.registry,
        itmo.first_transferring_party,
        itmo.serial,
        itmo.vintage,
    ) == ("CA0099", "MNG01", "MNG", 1000, 2023)


def test_renders_with_and_without_thousands_separator() -> None:
    """Renders the serial plain by default and with commas on request (§7.7)."""
    itmo = ItmoId("CA0099", "MNG01", "MNG", 1000, 2023)
    assert itmo.render() == "CA0099-MNG01-MNG-1000-2023"
    assert itmo.render(thousands=True) == "CA0099-MNG01-MNG-1,000-2023"
    assert ITMO_ID_PATTERN.match(itmo.render(thousands=True))


@pytest.mark.parametrize(
    ("text", "component"),
    [
        ("CA99-MNG01-MNG-1-2023", "cooperative_approach"),
        ("CA0099-MNG-MNG-1-2023", "registry"),
        ("CA0099-MNG01-MNG-01-2023", "serial"),
    ],
)
def test_rejects_the_three_bad_identifiers_naming_the_component(text: str, component: str) -> None:
    """Rejects each malformed identifier of §9.5 with an error naming the bad component."""
    with pytest.raises(InvalidValueError) as info:
        ItmoId.parse(text)
    assert info.value.field == component
    assert info.value.code == "INVALID_ITMO_ID"
    assert ITMO_ID_PATTERN.match(text) is None


def test_rejects_a_wrong_number_of_components() -> None:
    """Rejects an identifier without five dash-separated components."""
    with pytest.raises(InvalidValueError, match="5 components"):
        ItmoId.parse("CA0099-MNG01-1-2023")


def test_block_from_first_and_last_id_has_quantity_1000() -> None:
    """A block from …-1-2023 to …-1000-2023 holds 1000 ITMOs (§9.5)."""
    block = ItmoBlock.from_ids("CA0099-MNG01-MNG-1-2023", "CA0099-MNG01-MNG-1000-2023")
    assert block.quantity == 1000
    assert block.first.render() == "CA0099-MNG01-MNG-1-2023"
    assert block.last.render() == "CA0099-MNG01-MNG-1000-2023"


def test_block_rejects_ids_of_different_vintages() -> None:
    """Refuses a First and Last ID that differ in a shared component, naming it."""
    with pytest.raises(InvalidValueError) as info:
        ItmoBlock.from_ids("CA0099-MNG01-MNG-1-2023", "CA0099-MNG01-MNG-1000-2024")
    assert info.value.field == "vintage"


def test_block_rejects_last_below_first() -> None:
    """Refuses a block whose last serial is below its first."""
    with pytest.raises(InvalidValueError):
        ItmoBlock("CA0099", "MNG01", "MNG", 2023, 10, 9)


def test_range_arithmetic_follows_the_roll_forward_example() -> None:
    """Subtracts 1–400 from 1–1000 leaving 401–1000 (§9.6 C09 example)."""
    assert subtract_ranges([(1, 1000)], [(1, 400)]) == ((401, 1000),)
    assert merge_ranges([(401, 1000), (1, 400)]) == ((1, 1000),)


@given(
    serial=st.integers(min_value=1, max_value=10**12),
    vintage=st.integers(min_value=1990, max_value=2100),
    thousands=st.booleans(),
)
def test_parse_render_round_trips(serial: int, vintage: int, thousands: bool) -> None:
    """Parsing a rendered identifier gives back the same identifier."""
    itmo = ItmoId("CA0001", "JPN01", "MNG", serial, vintage)
    text = itmo.render(thousands=thousands)
    assert ITMO_ID_PATTERN.match(text)
    assert ItmoId.parse(text) == itmo
