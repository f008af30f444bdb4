"""JCM projects: their static description, their participants and the credit allocation.

A ``Project`` is what a Project Idea Note describes (``shared/reference/rules.md`` §2.3.2): an id,
the partner country that hosts it, a title, a sector and the ids of its project participants. What
changes along the project cycle (the methodology of the PDD, the crediting period, the allocation)
lives on the cycle's ``ProjectRecord`` (:mod:`jcm.core.cycle`).

The **credit allocation** is the "(Percentage of) Credit Allocation Form" (form 3.5, rules.md §3.1):
percentages of each issuance, per Party and account, that sum to exactly 100::

    >>> from decimal import Decimal
    >>> shares = (AllocationShare("JPN", "GOJ-1", Decimal("50")),
    ...           AllocationShare("MNG", "PP-B", Decimal("50")))
    >>> check_allocation(shares) == shares
    True
    >>> try:
    ...     check_allocation(shares[:1])
    ... except InvalidValueError as err:
    ...     print(err.code, err.field)
    ALLOCATION_NOT_100 allocation
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

import attrs

from jcm.core.ids import check_identifier, check_text
from jcm.core.validators import (
    identifier,
    optional_party_code,
    party_code,
    text,
)
from jcm.errors import InvalidValueError

__all__ = ["ALLOCATION_TOTAL", "AllocationShare", "Participant", "Project", "check_allocation"]

ALLOCATION_TOTAL: Final = Decimal(100)
"""The exact sum of the shares of a credit allocation [%] (rules.md §3.2)."""


def _share(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidValueError(
            attribute.name, value, "must be a finite Decimal percentage such as Decimal('50')"
        )
    if not Decimal(0) <= value <= ALLOCATION_TOTAL:
        raise InvalidValueError(
            attribute.name,
            value,
            "must be from 0 to 100 [%] (rules.md §3.2)",
            code="ALLOCATION_NOT_100",
        )


def _title(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_text(attribute.name, value)


def _free_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_text(attribute.name, value, empty=True)


def _participants(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise InvalidValueError(
            attribute.name, value, "must be a non-empty tuple of participant ids"
        )
    for index, item in enumerate(value):
        check_identifier(f"{attribute.name}[{index}]", item)
    if len(set(value)) != len(value):
        raise InvalidValueError(attribute.name, value, "must not name a participant twice")


@attrs.frozen
class Participant:
    """A project participant (PP): proposes methodologies, submits the PDD and reports (§2.1).

    Parameters
    ----------
    id
        The participant's principal id (``"pp-a"``).
    name
        Its legal name, if known.
    party
        ISO alpha-3 code of the Party where it is established, if known.
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(default="", validator=text)
    party: str | None = attrs.field(default=None, validator=optional_party_code)


@attrs.frozen
class AllocationShare:
    """One line of the Credit Allocation Form: a percentage of each issuance to one account.

    Parameters
    ----------
    party
        ISO alpha-3 code of the Party whose registry issues this share (``"JPN"`` or the partner).
    account
        The account in that registry that receives the share.
    share
        The percentage of the issuance [%], from 0 to 100; JSON writes it as a string (``"50"``).
        A share outside [0, 100] is an ``InvalidValueError`` with code ``ALLOCATION_NOT_100``.
    """

    party: str = attrs.field(validator=party_code)
    account: str = attrs.field(validator=identifier)
    share: Decimal = attrs.field(validator=_share)


@attrs.frozen
class Project:
    """A JCM project as its Project Idea Note describes it (rules.md §2.3.2).

    Parameters
    ----------
    id
        The project's id (``"MN010"``, ``"PH-AWD-01"``).
    partner
        ISO alpha-3 code of the partner country hosting the project (``"MNG"``).
    title
        The project's title.
    sector
        Its sector, free text (``"agriculture"``, ``"energy industries"``).
    participants
        Ids of its project participants, at least one, each once.
    """

    id: str = attrs.field(validator=identifier)
    partner: str = attrs.field(validator=party_code)
    title: str = attrs.field(validator=_title)
    sector: str = attrs.field(validator=_free_text)
    participants: tuple[str, ...] = attrs.field(validator=_participants)


def check_allocation(
    allocation: Iterable[AllocationShare],
    *,
    parties: Iterable[str] | None = None,
    field: str = "allocation",
) -> tuple[AllocationShare, ...]:
    """Check a credit allocation and return it as a tuple (rules.md §3.1, §3.2).

    Parameters
    ----------
    allocation
        The lines of the Credit Allocation Form, in the form's order.
    parties
        When given, the only Parties that may issue (Japan and the project's partner).
    field
        The name of the allocation in error messages.

    Raises
    ------
    InvalidValueError
        Code ``ALLOCATION_NOT_100`` when the shares [%] do not sum to exactly 100 (Decimal
        arithmetic, no rounding); code ``INVALID_VALUE`` when a line is not an
        ``AllocationShare``, names an account twice, or names a Party outside ``parties``.
    """
    shares = tuple(allocation)
    for index, line in enumerate(shares):
        if not isinstance(line, AllocationShare):
            raise InvalidValueError(f"{field}[{index}]", line, "must be an AllocationShare")
    allowed = None if parties is None else frozenset(parties)
    seen: set[tuple[str, str]] = set()
    for index, line in enumerate(shares):
        if allowed is not None and line.party not in allowed:
            raise InvalidValueError(
                f"{field}[{index}].party",
                line.party,
                f"must be one of the project's Parties: {', '.join(sorted(allowed))}",
            )
        key = (line.party, line.account)
        if key in seen:
            raise InvalidValueError(
                f"{field}[{index}].account", line.account, "must not appear twice for one Party"
            )
        seen.add(key)
    total = sum((line.share for line in shares), Decimal(0))
    if total != ALLOCATION_TOTAL:
        raise InvalidValueError(
            field,
            [str(line.share) for line in shares],
            f"shares must sum to exactly 100 [%]; they sum to {total} (rules.md §3.2)",
            code="ALLOCATION_NOT_100",
        )
    return shares
