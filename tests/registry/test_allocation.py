"""Tests of the largest-remainder allocation and serial assignment (rules.md §3.2, §3.3, §9.1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.errors import InvalidValueError
from jcm.registry.allocation import assign_serials, largest_remainder


def test_ten_thousand_and_one_at_50_10_30_10() -> None:
    """Gives 5001/1000/3000/1000: the one left goes to the .5 remainder (rules.md §9.1)."""
    shares = [Decimal("50"), Decimal("10"), Decimal("30"), Decimal("10")]
    assert largest_remainder(10_001, shares) == (5001, 1000, 3000, 1000)


def test_three_at_a_third_each() -> None:
    """Gives 1/1/1 for Q = 3 at 33.33/33.33/33.34 (rules.md §9.1)."""
    shares = [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert largest_remainder(3, shares) == (1, 1, 1)


def test_ties_go_to_the_earlier_line() -> None:
    """Breaks equal remainders by the order of the allocation form (rules.md §3.2)."""
    assert largest_remainder(1, [Decimal("50"), Decimal("50")]) == (1, 0)


def test_shares_must_sum_to_exactly_100() -> None:
    """Refuses shares summing to 99.99 with ALLOCATION_NOT_100 (rules.md §9.1)."""
    with pytest.raises(InvalidValueError) as info:
        largest_remainder(100, [Decimal("50"), Decimal("49.99")])
    assert info.value.code == "ALLOCATION_NOT_100"


def test_quantity_must_be_whole() -> None:
    """Refuses Q = 100.5 with NON_INTEGER_QUANTITY (rules.md §9.1)."""
    with pytest.raises(InvalidValueError) as info:
        largest_remainder(100.5, [Decimal("100")])  # type: ignore[arg-type]
    assert info.value.code == "NON_INTEGER_QUANTITY"


def test_floats_are_not_shares() -> None:
    """Refuses float shares: percentages are exact decimals."""
    with pytest.raises(InvalidValueError):
        largest_remainder(10, [50.0, Decimal("50")])  # type: ignore[list-item]


def _shares(n: int) -> st.SearchStrategy[list[Decimal]]:
    """n percentages with two decimals summing to exactly 100."""
    return st.lists(st.integers(0, 10_000), min_size=n - 1, max_size=n - 1).map(
        lambda cuts: [
            Decimal(b - a) / 100
            for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 10_000], strict=True)
        ]
    )


@given(st.integers(0, 10**9), st.integers(1, 8).flatmap(_shares))
def test_allocation_conserves_and_stays_near_the_exact_share(
    quantity: int, shares: list[Decimal]
) -> None:
    """Sums to Q and gives each line its exact share rounded down or up by one."""
    result = largest_remainder(quantity, shares)
    assert sum(result) == quantity
    for amount, share in zip(result, shares, strict=True):
        exact = Decimal(quantity) * share / 100
        assert exact - 1 < amount < exact + 1


def test_serials_are_contiguous_in_allocation_order() -> None:
    """Gives GoJ 1-5001 and PP-A 5002-6001 for 5,001 / 1,000 from serial 1 (rules.md §3.3)."""
    assert assign_serials(1, [5001, 1000]) == ((1, 5001), (5002, 6001))
    assert assign_serials(7, [0, 2]) == ((7, 8),)
