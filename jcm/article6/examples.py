"""Worked examples of ``shared/reference/rules.md`` as data: the §9.6 AEF scenario, scenario 12.

They serve the tests, the documentation and the demo alike. The identifiers (``CA0099``,
``MNG-JCM-2024-001``) are the illustrative values of rules.md §9.6, not official ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from jcm.article6.adjustment import CreditPosition, Location
from jcm.article6.aef import AefReport, AuthorizationRow, generate_aef
from jcm.article6.authorization import Authorization, Purpose
from jcm.article6.first_transfer import (
    AuthorizeEvent,
    CancelEvent,
    Event,
    IssueEvent,
    ItmoTracker,
    RetireEvent,
    TransferEvent,
    replay,
)
from jcm.article6.ndc import DEFAULT_NDCS
from jcm.core.credit import CreditBlock, SerialRange

__all__ = [
    "MNG_AUTH",
    "known_authorizations",
    "mn010",
    "report",
    "scenario_12_events",
    "section_9_3_positions",
    "section_9_6_events",
    "tracker",
]

D = dt.date

MNG_AUTH: Final = Authorization(
    "MNG-JCM-2024-001",
    "MNG",
    "CA0099",
    1,
    D(2024, 11, 1),
    {Purpose.NDC},
    sectors=("Energy generation",),
)


def mn010(start: int, end: int, registry: str = "MNG01", party: str = "MNG") -> CreditBlock:
    """Credits of project MN010, vintage 2023 (rules.md §9.6)."""
    return CreditBlock(
        registry, party, "MN010", "MNG", 2023, SerialRange(start, end), D(2025, 5, 1), "iss-1"
    )


def section_9_6_events() -> list[Event]:
    """Authorized by Mongolia, first transferred to Japan 2025-06-10, 400 retired 2026-03-01."""
    return [
        AuthorizeEvent(D(2024, 11, 1), MNG_AUTH),
        IssueEvent(D(2025, 5, 1), mn010(1, 1000)),
        TransferEvent(D(2025, 6, 10), mn010(1, 1000), "MNG", "JPN"),
        RetireEvent(D(2026, 3, 1), mn010(1, 400), "JPN", 2030),
    ]


def report(events: list[Event], party: str, year: int) -> AefReport:
    """The AEF of ``party`` for ``year`` from ``events``."""
    whole = replay(events)
    at_year_end = replay(events, until=D(year, 12, 31))
    return generate_aef(
        party,
        year,
        ndc=DEFAULT_NDCS.for_party(party),
        submitted_on=D(year + 1, 4, 10),
        actions=whole.actions,
        holdings=at_year_end.holdings(party),
        authorizations=whole.authorizations.versions,
    )


def known_authorizations() -> tuple[AuthorizationRow, ...]:
    """Mongolia's Table 2 rows, known to Japan's checks."""
    return (AuthorizationRow.from_authorization(MNG_AUTH),)


def scenario_12_events() -> list[Event]:
    """10,001 credits issued into Japan's registry as 5001/1000/3000/1000 (§9.1), used in 2026."""
    pieces = [(1, 5001), (5002, 6001), (6002, 9001), (9002, 10001)]
    events: list[Event] = [AuthorizeEvent(D(2024, 11, 1), MNG_AUTH)]
    events += [IssueEvent(D(2025, 5, 1), mn010(a, b, "JPN01", "JPN")) for a, b in pieces]
    events += [
        RetireEvent(D(2026, 3, 1), mn010(1, 5001, "JPN01", "JPN"), "JPN", 2030),
        CancelEvent(D(2026, 9, 1), mn010(6002, 9001, "JPN01", "JPN"), "JPN"),
    ]
    return events


def tracker() -> ItmoTracker:
    """The tracker after the §9.6 events."""
    return replay(section_9_6_events())


def section_9_3_positions() -> tuple[CreditPosition, ...]:
    """The eight blocks A–H of Japan's registry on 2031-03-31 (rules.md §9.3).

    Retirement and first-transfer dates are not in the table; they are chosen so that blocks B
    and C are retired by the end of 2023 (the interim example) and E only in 2031.
    """
    r, c, h = Location.RETIREMENT, Location.CANCELLATION, Location.ENTITY_HOLDING
    rows = (
        ("A", "MNG", 2019, 50_000, r, D(2021, 5, 1)),
        ("B", "MNG", 2021, 100_000, r, D(2022, 6, 1)),
        ("C", "VNM", 2022, 150_000, r, D(2023, 3, 1)),
        ("D", "MNG", 2025, 250_000, r, D(2026, 7, 1)),
        ("E", "VNM", 2030, 500_000, r, D(2031, 2, 1)),
        ("F", "MNG", 2031, 10_000, r, D(2031, 3, 1)),
        ("G", "VNM", 2024, 20_000, h, None),
        ("H", "MNG", 2023, 30_000, c, None),
    )
    return tuple(
        CreditPosition(
            host,
            vintage,
            quantity,
            where,
            frozenset() if vintage < 2021 else frozenset({"JPN", host}),
            first_transferred_to="JPN",
            first_transferred_on=D(max(vintage + 1, 2022), 1, 15),
            retired_on=retired,
            label=label,
        )
        for label, host, vintage, quantity, where, retired in rows
    )
