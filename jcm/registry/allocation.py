"""Allocation of an issuance over the Credit Allocation Form, and serial assignment.

Design
------
The Joint Committee decides a whole number of credits ``Q`` per vintage; the project's Credit
Allocation Form (form 3.5, rules.md §3.1 [P]) gives each line a percentage, and the shares sum to
exactly 100. Percentages of ``Q`` rarely give whole credits, and no JCM rounding rule was found, so
the engine uses the deterministic **largest remainder** method of rules.md §3.2 [I], on exact
rationals (``Fraction`` of the ``Decimal`` percentages, never floats):

1. ``exact_i = Q * share_i / 100``; ``base_i = floor(exact_i)``;
2. ``R = Q - sum(base_i)`` credits are left (``0 <= R < n``);
3. the first ``R`` lines ranked by fractional part (largest first), then by position on the form,
   get one more credit.

Worked example (rules.md §9.1): ``Q = 10,001`` at 50 / 10 / 30 / 10 gives exact shares 5000.5 /
1000.1 / 3000.3 / 1000.1, floors 5000 / 1000 / 3000 / 1000 (sum 10,000), ``R = 1`` to the largest
fraction (.5), so **5001 / 1000 / 3000 / 1000**::

    >>> from decimal import Decimal as D
    >>> largest_remainder(10_001, [D("50"), D("10"), D("30"), D("10")])
    (5001, 1000, 3000, 1000)
    >>> largest_remainder(3, [D("33.33"), D("33.33"), D("33.34")])
    (1, 1, 1)

**Serial assignment** (rules.md §3.3 [I]): each Party's registry numbers its credits from 1 in
issuance order. An issuance by one Party takes, vintage by vintage (in year order), the next free
range of that Party's registry and hands it out in the order of the allocation form, as
contiguous sub-ranges. ``Q_JP = 6,001`` split GoJ 5,001 / PP-A 1,000 from serial 1 gives GoJ
1-5001 and PP-A 5002-6001::

    >>> assign_serials(1, [5001, 1000])
    ((1, 5001), (5002, 6001))
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from jcm.core.project import ALLOCATION_TOTAL
from jcm.errors import InvalidValueError

__all__ = ["allocate", "assign_serials", "largest_remainder"]


def largest_remainder(quantity: int, shares: Sequence[Decimal]) -> tuple[int, ...]:
    """Split ``quantity`` credits by percentage shares with the largest remainder method.

    Implements rules.md §3.2 [I] (golden values §9.1).

    Parameters
    ----------
    quantity
        Whole credits to split [tCO2e], >= 0.
    shares
        Percentages [%] in the order of the allocation form; each >= 0, exactly 100 in total.

    Returns
    -------
    tuple of int
        Credits per line, in the same order; they sum to ``quantity``.

    Raises
    ------
    InvalidValueError
        ``NON_INTEGER_QUANTITY`` for a non-integer quantity; ``ALLOCATION_NOT_100`` when the
        shares do not sum to exactly 100; ``INVALID_VALUE`` for a negative share or quantity.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidValueError(
            "quantity", quantity, "must be a whole number of credits", code="NON_INTEGER_QUANTITY"
        )
    if quantity < 0:
        raise InvalidValueError("quantity", quantity, "must be >= 0 [tCO2e]")
    if not shares:
        raise InvalidValueError("shares", [], "an allocation needs at least one line")
    for index, share in enumerate(shares):
        if not isinstance(share, Decimal) or not share.is_finite() or share < 0:
            raise InvalidValueError(f"shares[{index}]", share, "must be a Decimal >= 0 [%]")
    total = sum(shares, Decimal(0))
    if total != ALLOCATION_TOTAL:
        raise InvalidValueError(
            "shares",
            [str(s) for s in shares],
            f"must sum to exactly 100 [%]; they sum to {total} (rules.md §3.2)",
            code="ALLOCATION_NOT_100",
        )
    exact = [Fraction(quantity) * Fraction(share) / 100 for share in shares]
    base = [e.numerator // e.denominator for e in exact]
    remainder = quantity - sum(base)
    ranked = sorted(range(len(shares)), key=lambda i: (-(exact[i] - base[i]), i))
    for index in ranked[:remainder]:
        base[index] += 1
    return tuple(base)


def allocate(quantity: int, shares: Sequence[Decimal]) -> tuple[int, ...]:
    """The default allocation policy (``LargestRemainder``, rules.md §3.2 [I])."""
    return largest_remainder(quantity, shares)


def assign_serials(next_serial: int, quantities: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """Contiguous serial ranges for ``quantities`` from ``next_serial`` on (rules.md §3.3 [I]).

    Lines with 0 credits get no range (they are left out of the result, which therefore has one
    range per line with credits, in order).

    Raises
    ------
    InvalidValueError
        When ``next_serial`` is not an integer >= 1 or a quantity is negative.
    """
    if isinstance(next_serial, bool) or not isinstance(next_serial, int) or next_serial < 1:
        raise InvalidValueError("next_serial", next_serial, "must be an integer >= 1")
    ranges = []
    start = next_serial
    for quantity in quantities:
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise InvalidValueError("quantity", quantity, "must be a whole number >= 0")
        if quantity:
            ranges.append((start, start + quantity - 1))
            start += quantity
    return tuple(ranges)
