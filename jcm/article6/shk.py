"""Use of JCM credits under Japan's SHK reporting system (算定・報告・公表制度) and the GX-ETS.

A company reporting under SHK may deduct JCM credits it has made non-transferable; since the 2024
amendment the credits must be usable toward Japan's NDC (``shared/reference/rules.md`` §6.1
[P2]). Credits of vintage 2021 or later must therefore be **retired** (無効化, toward the NDC),
which needs Art. 6.3 approval by Japan and the host partner (BILL item 4 [P]); pre-2021 credits
cannot go toward the NDC and are **cancelled** (取消し) instead, under cut-offs.

Decision table per block (rules.md §6.2; every cut-off is [SEED], configurable through
:class:`ShkCutoffs`)::

    vintage >= 2021, approved by JP + host     -> eligible, retire, INTL_COOP_ER
    vintage >= 2021, not approved               -> not eligible,     NOT_AUTHORIZED
    vintage <  2021, issued <= 2025-03-31       -> eligible, cancel, PRE2021_LEGACY
    vintage <  2021, public input <= 2025-03-31 -> eligible, cancel, PRE2021_TRANSITIONAL
    vintage <  2021, otherwise                  -> not eligible,     PRE2021_ISSUED_AFTER_CUTOFF

    >>> import datetime as dt
    >>> from jcm.core.credit import SerialRange
    >>> b = ShkBlock(SerialRange(1, 100), "P1", "MNG", 2020, dt.date(2025, 6, 1),
    ...              public_input_start=dt.date(2025, 3, 15))
    >>> shk_eligibility(b)
    ShkDecision(eligible=True, route=<ShkRoute.CANCEL: 'cancel'>, \
reason=<ShkReason.PRE2021_TRANSITIONAL: 'PRE2021_TRANSITIONAL'>)

A date the table needs and the block lacks (the issuance date, the start of the PDD public input)
fails closed with ``MISSING_ISSUANCE_DATE`` or ``MISSING_PUBLIC_INPUT_START``. SHK reporting years
are fiscal years (April–March) while vintages are calendar years [I]: :func:`shk_statement` lists
what a company retired or cancelled in one fiscal year, separated by route.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

import attrs

from jcm.core.credit import SerialRange
from jcm.core.party import JAPAN, check_party_code
from jcm.errors import Article6Error, Problem

__all__ = [
    "DEFAULT_CUTOFFS",
    "ShkBlock",
    "ShkCutoffs",
    "ShkDecision",
    "ShkReason",
    "ShkReport",
    "ShkRoute",
    "ShkStatement",
    "ShkUse",
    "fiscal_year",
    "fiscal_year_bounds",
    "shk_eligibility",
    "shk_report",
    "shk_statement",
]


class ShkRoute(enum.Enum):
    """The registry action that makes a credit usable for SHK."""

    RETIRE = "retire"
    """無効化: into the retirement account, toward Japan's NDC."""
    CANCEL = "cancel"
    """取消し: into the cancellation account, for another purpose."""


class ShkReason(enum.Enum):
    """The row of the decision table that applied (rules.md §6.2)."""

    INTL_COOP_ER = "INTL_COOP_ER"
    NOT_AUTHORIZED = "NOT_AUTHORIZED"
    PRE2021_LEGACY = "PRE2021_LEGACY"
    PRE2021_TRANSITIONAL = "PRE2021_TRANSITIONAL"
    PRE2021_ISSUED_AFTER_CUTOFF = "PRE2021_ISSUED_AFTER_CUTOFF"


@attrs.frozen
class ShkCutoffs:
    """The boundaries of the SHK decision table — all [SEED] (government overview, 2025).

    Parameters
    ----------
    first_vintage
        First vintage that counts toward the NDC (2021).
    issued_by
        Pre-2021 credits issued on or before this date are usable (2025-03-31).
    public_input_started_by
        Pre-2021 credits of projects whose PDD public input started on or before this date are
        usable under the transitional measure (2025-03-31).
    """

    first_vintage: int = 2021
    issued_by: dt.date = dt.date(2025, 3, 31)
    public_input_started_by: dt.date = dt.date(2025, 3, 31)


DEFAULT_CUTOFFS = ShkCutoffs()
"""The cut-offs of rules.md §2.4 and §6.2 [SEED]."""


def _parties(value: Iterable[str]) -> frozenset[str]:
    return frozenset(check_party_code("authorized_by", p) for p in value)


@attrs.frozen
class ShkBlock:
    """What the decision table needs to know about one block of credits.

    Parameters
    ----------
    serials
        The block's serial range.
    project
        The JC project reference.
    host_party
        ISO alpha-3 code of the host partner.
    vintage
        Calendar year of the reductions.
    issued_on
        Issuance date in Japan's registry (``None`` if unknown).
    public_input_start
        Start date of the project's PDD public input (``None`` if unknown).
    authorized_by
        Parties that approved the credits under Art. 6.3 for NDC use.
    """

    serials: SerialRange
    project: str
    host_party: str
    vintage: int
    issued_on: dt.date | None
    public_input_start: dt.date | None = None
    authorized_by: frozenset[str] = attrs.field(converter=_parties, factory=frozenset)

    @property
    def quantity(self) -> int:
        """Number of credits [tCO2e]."""
        return self.serials.quantity


@attrs.frozen
class ShkDecision:
    """The outcome of the decision table for one block."""

    eligible: bool
    route: ShkRoute | None
    reason: ShkReason


def shk_eligibility(block: ShkBlock, cutoffs: ShkCutoffs = DEFAULT_CUTOFFS) -> ShkDecision:
    """Whether ``block`` is usable for SHK, by which route, and why (rules.md §6.2 [SEED]).

    Raises
    ------
    Article6Error
        ``MISSING_ISSUANCE_DATE`` or ``MISSING_PUBLIC_INPUT_START`` when a pre-2021 block lacks
        the date its row of the table needs.
    """
    if block.vintage >= cutoffs.first_vintage:
        if {JAPAN, block.host_party} <= block.authorized_by:
            return ShkDecision(True, ShkRoute.RETIRE, ShkReason.INTL_COOP_ER)
        return ShkDecision(False, None, ShkReason.NOT_AUTHORIZED)
    where = f"block {block.serials} of project {block.project}"
    if block.issued_on is None:
        raise Article6Error(
            f"{where}: the issuance date is missing; the SHK table needs it for a pre-"
            f"{cutoffs.first_vintage} vintage",
            code="MISSING_ISSUANCE_DATE",
            field="issued_on",
            value=None,
            rule="rules.md §6.2",
        )
    if block.issued_on <= cutoffs.issued_by:
        return ShkDecision(True, ShkRoute.CANCEL, ShkReason.PRE2021_LEGACY)
    if block.public_input_start is None:
        raise Article6Error(
            f"{where}: the start date of the PDD public input is missing; the SHK transitional "
            "measure needs it",
            code="MISSING_PUBLIC_INPUT_START",
            field="public_input_start",
            value=None,
            rule="rules.md §6.2",
        )
    if block.public_input_start <= cutoffs.public_input_started_by:
        return ShkDecision(True, ShkRoute.CANCEL, ShkReason.PRE2021_TRANSITIONAL)
    return ShkDecision(False, None, ShkReason.PRE2021_ISSUED_AFTER_CUTOFF)


def _block_json(block: ShkBlock, decision: ShkDecision) -> dict[str, Any]:
    return {
        "serials": [block.serials.start, block.serials.end],
        "project": block.project,
        "vintage": block.vintage,
        "issued_on": None if block.issued_on is None else block.issued_on.isoformat(),
        "eligible": decision.eligible,
        "route": None if decision.route is None else decision.route.value,
        "reason": decision.reason.value,
    }


@attrs.frozen
class ShkReport:
    """The SHK eligibility of every block held in one account."""

    account: str
    blocks: tuple[tuple[ShkBlock, ShkDecision], ...]

    def to_json(self) -> dict[str, Any]:
        """The JSON of API.md: ``{"account": A, "blocks": [{"serials": [s, e], ...}]}``."""
        return {"account": self.account, "blocks": [_block_json(b, d) for b, d in self.blocks]}


def shk_report(
    account: str, blocks: Iterable[ShkBlock], cutoffs: ShkCutoffs = DEFAULT_CUTOFFS
) -> ShkReport:
    """The decision for each block of ``account``, in serial order."""
    ordered = sorted(blocks, key=lambda b: (b.serials.start, b.project))
    return ShkReport(account, tuple((b, shk_eligibility(b, cutoffs)) for b in ordered))


# --------------------------------------------------------------------------- fiscal-year statement


def fiscal_year(day: dt.date) -> int:
    """Japan's fiscal year of ``day`` (April–March): 2026-03-31 is in FY2025."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of fiscal year ``year`` (1 April to 31 March)."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


@attrs.frozen
class ShkUse:
    """A retirement or cancellation a company made for SHK.

    Parameters
    ----------
    company
        The reporting company (the account holder or the named beneficiary).
    account
        The account the credits left.
    on
        Date of the retirement or cancellation.
    route
        What was done: retire or cancel.
    block
        The credits.
    """

    company: str
    account: str
    on: dt.date
    route: ShkRoute
    block: ShkBlock


@attrs.frozen
class ShkStatement:
    """What a company retired and cancelled for SHK in one fiscal year, by route.

    ``retired`` and ``cancelled`` hold the uses that the decision table accepts by that route;
    ``problems`` names the others (``SHK_NOT_ELIGIBLE``, ``SHK_WRONG_ROUTE``), which count for
    nothing.
    """

    company: str
    fiscal_year: int
    retired: tuple[ShkUse, ...]
    cancelled: tuple[ShkUse, ...]
    problems: tuple[Problem, ...]

    @property
    def retired_total(self) -> int:
        """Credits retired (無効化) and usable [tCO2e]."""
        return sum(u.block.quantity for u in self.retired)

    @property
    def cancelled_total(self) -> int:
        """Credits cancelled (取消し) and usable [tCO2e]."""
        return sum(u.block.quantity for u in self.cancelled)

    @property
    def total(self) -> int:
        """All usable credits of the fiscal year [tCO2e]."""
        return self.retired_total + self.cancelled_total

    def to_json(self) -> dict[str, Any]:
        """The statement as JSON (dates ISO 8601, quantities integers)."""

        def line(u: ShkUse) -> dict[str, Any]:
            body = _block_json(u.block, shk_eligibility(u.block))
            return {
                "on": u.on.isoformat(),
                "account": u.account,
                "quantity": u.block.quantity,
                **body,
            }

        first, last = fiscal_year_bounds(self.fiscal_year)
        return {
            "company": self.company,
            "fiscal_year": self.fiscal_year,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "retired": [line(u) for u in self.retired],
            "cancelled": [line(u) for u in self.cancelled],
            "retired_total": self.retired_total,
            "cancelled_total": self.cancelled_total,
            "total": self.total,
            "problems": [{"code": p.code, "message": p.message} for p in self.problems],
        }


def shk_statement(
    company: str,
    year: int,
    uses: Iterable[ShkUse],
    cutoffs: ShkCutoffs = DEFAULT_CUTOFFS,
) -> ShkStatement:
    """The SHK statement of ``company`` for fiscal ``year`` (April ``year`` – March ``year+1``)."""
    retired: list[ShkUse] = []
    cancelled: list[ShkUse] = []
    problems: list[Problem] = []
    chosen = sorted(
        (u for u in uses if u.company == company and fiscal_year(u.on) == year),
        key=lambda u: (u.on, u.block.serials.start),
    )
    for u in chosen:
        decision = shk_eligibility(u.block, cutoffs)
        subject = f"{u.account} {u.block.serials} ({u.on.isoformat()})"
        if not decision.eligible:
            problems.append(
                Problem(
                    "SHK_NOT_ELIGIBLE",
                    f"{subject}: not usable for SHK ({decision.reason.value})",
                    subject=subject,
                )
            )
        elif decision.route is not u.route:
            want = decision.route.value if decision.route else "none"
            problems.append(
                Problem(
                    "SHK_WRONG_ROUTE",
                    f"{subject}: route {u.route.value} taken but SHK requires {want} "
                    f"({decision.reason.value})",
                    subject=subject,
                )
            )
        elif u.route is ShkRoute.RETIRE:
            retired.append(u)
        else:
            cancelled.append(u)
    return ShkStatement(company, year, tuple(retired), tuple(cancelled), tuple(problems))
