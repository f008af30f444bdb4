"""Corresponding adjustments: Japan's averaging, the partner's mirror, the emissions balance.

Design
------
A corresponding adjustment keeps one tonne from being counted by two Parties: the Party that first
transfers ITMOs adds them to its emissions, the Party that uses them toward its NDC subtracts them
(decision 2/CMA.3 annex para 8 [M], ``shared/reference/rules.md`` §7.4). Everything here is a pure
function of plain records, and every amount is exact (``int`` tonnes, ``fractions.Fraction`` for
averages); rounding happens only for display, never inside (docs/rules.md §9.3 [I]).

**Japan's averaging** (docs/rules.md §7.5 [SEED]). Japan has a single-year NDC (FY2030) and
applies the averaging method: the credits that

1. are of vintage 2021–2030 (Japan's NDC period, :data:`jcm.article6.ndc.JAPAN_NDC`),
2. are authorized under Art. 6.3 by Japan **and** the host partner,
3. were first transferred to Japan, and
4. lie in Japan's retirement account (無効化口座),

are summed and divided by the length of the period (10). The partner adds the same amount to its
emissions (the government overview's symmetric reading [SEED]; a partner configured with another
method adds its own first transfers year by year instead, docs/rules.md §7.5 caveat [I]). Interim
figures for a biennial transparency report divide what was retired by the end of year *t*, of
vintages up to *t*, by the elapsed years ``t − 2020``.

Worked example (docs/rules.md §9.3, Japan's registry on 2031-03-31)::

    block  host  vintage  quantity   where                 counted
    A      MNG   2019       50,000   retirement account    no: vintage before 2021
    B      MNG   2021      100,000   retirement account    yes
    C      VNM   2022      150,000   retirement account    yes
    D      MNG   2025      250,000   retirement account    yes
    E      VNM   2030      500,000   retirement account    yes
    F      MNG   2031       10,000   retirement account    no: vintage after 2030
    G      VNM   2024       20,000   entity holding        no: not retired
    H      MNG   2023       30,000   cancellation account  no: cancelled

    eligible sum         = 100,000 + 150,000 + 250,000 + 500,000 = 1,000,000
    CA_JPN(2030)         = 1,000,000 / 10 = 100,000      adjusted = 760,000,000 − 100,000
    CA_MNG               = (100,000 + 250,000) / 10 = 35,000
    CA_VNM               = (150,000 + 500,000) / 10 = 65,000     35,000 + 65,000 = 100,000
    interim, end of 2023 = (B + C) / (2023 − 2020) = 250,000 / 3 = Fraction(250000, 3)

**Emissions balance** for a multi-year NDC (para 8 [M]): ``EB[y] = E[y] + FT[y] − U[y]`` where
FT[y] is what the Party first transferred and U[y] what it used toward its NDC, attributed to
year *y*; acquisitions do not enter. Which year a first transfer is attributed to is quoted with an
ellipsis in the sources, so it is a policy (:class:`Attribution`, ``TRANSFER_YEAR`` by default [I]):
docs/rules.md §9.4 gives ``EB_A(2026) = 50,000,000 + 1,200,000 = 51,200,000`` for the transferor and
``EB_B(2026) = 300,000,000 − 1,200,000 = 298,800,000`` for the acquirer.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from jcm.article6.action import Action, ActionType
from jcm.article6.ndc import DEFAULT_NDCS, JAPAN_NDC, CaMethod, Ndc, NdcBook
from jcm.core.ndc import Attribution
from jcm.core.party import JAPAN, check_party_code
from jcm.errors import Article6Error, InvalidValueError

__all__ = [
    "Adjustment",
    "Attribution",
    "CreditPosition",
    "Location",
    "average_over_elapsed",
    "averaging_balance",
    "corresponding_adjustment",
    "emissions_balance",
    "emissions_balances",
    "first_transferred_by_year",
    "japan_averaging",
    "japan_exclusion",
    "partner_adjustment",
    "used_by_year",
]


class Location(enum.Enum):
    """Where a block of credits lies; the values are those of ``jcm.core.account.AccountKind``."""

    ENTITY_HOLDING = "entity_holding"
    GOVERNMENT_HOLDING = "government_holding"
    RETIREMENT = "retirement"
    CANCELLATION = "cancellation"


def _party(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    check_party_code(attribute.name, value)


def _quantity(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError(attribute.name, value, "must be a whole number >= 1 [tCO2e]")


def _parties(value: Iterable[str]) -> frozenset[str]:
    return frozenset(check_party_code("authorized_by", p) for p in value)


@attrs.frozen
class CreditPosition:
    """A block of credits where it lies, with what the adjustment rules need to know about it.

    Parameters
    ----------
    host_party
        ISO alpha-3 code of the partner hosting the project (the first transferring Party).
    vintage
        Calendar year in which the reductions occurred.
    quantity
        Number of credits [tCO2e].
    location
        The kind of account holding the block.
    authorized_by
        The Parties that authorized the credits under Art. 6.3 (for NDC use).
    first_transferred_to
        The Party the credits were first transferred to, or ``None`` if not first transferred.
    first_transferred_on
        Date of that first transfer (needed by the ``TRANSFER_YEAR`` attribution).
    retired_on
        Date the block entered the retirement account (needed by the interim figures).
    registry_party
        The Party whose registry holds the block (default Japan).
    label
        A free label (a block name, a serial range) carried into messages.
    ndc_year
        For a retired block: the calendar year for which it was used (recorded by the
        retirement); it counts only in the NDC period that holds that year (docs/rules.md §7.8
        C10). ``None`` for a block never retired, or retired toward no period.
    attribution
        The host's attribution policy recorded with the first transfer, if any (else the
        calculation's default).
    """

    host_party: str = attrs.field(validator=_party)
    vintage: int
    quantity: int = attrs.field(validator=_quantity)
    location: Location
    authorized_by: frozenset[str] = attrs.field(converter=_parties, factory=frozenset)
    first_transferred_to: str | None = None
    first_transferred_on: dt.date | None = None
    retired_on: dt.date | None = None
    registry_party: str = attrs.field(default=JAPAN, validator=_party)
    label: str = ""
    ndc_year: int | None = None
    attribution: Attribution | None = None


def japan_exclusion(position: CreditPosition, ndc: Ndc = JAPAN_NDC) -> str | None:
    """Why a position does not count in Japan's averaging adjustment, or ``None`` if it counts.

    The reasons, checked in this order (docs/rules.md §7.5 [SEED]): ``"registry"`` (not in
    Japan's registry), ``"vintage"`` (outside the NDC period), ``"not_retired"`` (not in the
    retirement account), ``"other_period"`` (retired toward another NDC period: its ``ndc_year``
    lies outside this one), ``"not_authorized"`` (not authorized by Japan and the host),
    ``"not_first_transferred"`` (not first transferred to Japan).
    """
    if position.registry_party != ndc.party:
        return "registry"
    if not ndc.contains(position.vintage):
        return "vintage"
    if position.location is not Location.RETIREMENT:
        return "not_retired"
    if position.ndc_year is not None and not ndc.contains(position.ndc_year):
        return "other_period"
    if not {ndc.party, position.host_party} <= position.authorized_by:
        return "not_authorized"
    if position.first_transferred_to != ndc.party:
        return "not_first_transferred"
    return None


@attrs.frozen
class Adjustment:
    """A Party's corresponding adjustment over its NDC period.

    Parameters
    ----------
    party
        ISO alpha-3 code of the Party.
    method
        The method applied.
    ndc_period
        ``(first_year, last_year)`` of the NDC period.
    adjustment
        The amount [tCO2e], exact: subtracted from the emissions of the using Party (Japan),
        added to those of a first transferring Party (a partner).
    interim
        ``(year, amount)`` pairs for each year of the period: the indicative average by elapsed
        years (averaging) or the annual amount (annual methods) [tCO2e].
    by_partner
        ``(party, amount)`` pairs: for Japan its partners' shares; for a partner, Japan's.
    subtracted
        True when the adjustment is subtracted from the Party's emissions (the using Party).
    """

    party: str
    method: CaMethod
    ndc_period: tuple[int, int]
    adjustment: Fraction
    interim: tuple[tuple[int, Fraction], ...]
    by_partner: tuple[tuple[str, Fraction], ...]
    subtracted: bool

    def adjusted_emissions(self, emissions: int | Fraction) -> Fraction:
        """The emissions after the adjustment [tCO2e] (760,000,000 → 759,900,000, §9.3)."""
        sign = -1 if self.subtracted else 1
        return Fraction(emissions) + sign * self.adjustment

    def to_json(self) -> dict[str, Any]:
        """The JSON of API.md: amounts as decimal or fraction strings (``"250000/3"``)."""
        return {
            "party": self.party,
            "method": self.method.value,
            "ndc_period": [self.ndc_period[0], self.ndc_period[1]],
            "adjustment": str(self.adjustment),
            "interim": {str(year): str(amount) for year, amount in self.interim},
            "by_partner": {party: str(amount) for party, amount in self.by_partner},
        }


def _eligible(positions: Iterable[CreditPosition], ndc: Ndc) -> list[CreditPosition]:
    return [p for p in positions if japan_exclusion(p, ndc) is None]


def _interim(eligible: list[CreditPosition], ndc: Ndc) -> tuple[tuple[int, Fraction], ...]:
    out = []
    for year in ndc.years:
        total = 0
        for p in eligible:
            if p.retired_on is None:
                raise Article6Error(
                    f"the retirement date of block {p.label or p} is missing; interim figures "
                    "count retirements by the end of each year",
                    code="MISSING_RETIREMENT_DATE",
                    field="retired_on",
                    value=p.label,
                    rule="docs/rules.md §7.5 interim figures by elapsed years",
                )
            if p.vintage <= year and p.retired_on.year <= year:
                total += p.quantity
        out.append((year, Fraction(total, ndc.elapsed_years(year))))
    return tuple(out)


def japan_averaging(positions: Iterable[CreditPosition], ndc: Ndc = JAPAN_NDC) -> Adjustment:
    """Japan's averaging adjustment (docs/rules.md §7.5 [SEED]): eligible credits summed ÷ 10.

    Parameters
    ----------
    positions
        The blocks of Japan's registry (every account kind; only eligible ones count).
    ndc
        Japan's NDC (period and target year); configurable for the FY2040 horizon.

    Returns
    -------
    Adjustment
        ``adjustment`` = Σ eligible / length of the period [tCO2e]; ``interim`` by elapsed
        years; ``by_partner`` the mirror amount of each host partner.
    """
    eligible = _eligible(positions, ndc)
    total = sum(p.quantity for p in eligible)
    by_host: dict[str, int] = {}
    for p in eligible:
        by_host[p.host_party] = by_host.get(p.host_party, 0) + p.quantity
    return Adjustment(
        party=ndc.party,
        method=CaMethod.AVERAGING,
        ndc_period=ndc.period,
        adjustment=Fraction(total, ndc.length),
        interim=_interim(eligible, ndc),
        by_partner=tuple((h, Fraction(q, ndc.length)) for h, q in sorted(by_host.items())),
        subtracted=True,
    )


def partner_adjustment(
    positions: Iterable[CreditPosition],
    partner: str,
    *,
    ndcs: NdcBook = DEFAULT_NDCS,
    japan_ndc: Ndc = JAPAN_NDC,
    attribution: Attribution = Attribution.TRANSFER_YEAR,
) -> Adjustment:
    """The amount a JCM partner adds to its emissions for credits first transferred to Japan.

    With the averaging method (the default assumption [I]) it mirrors Japan's: the partner's
    share of Japan's eligible credits ÷ 10, and the same interim figures. With an annual method
    (``TRAJECTORY`` or ``MULTI_YEAR``, configured in ``ndcs``) it adds its first transfers to
    Japan year by year, attributed by ``attribution``; ``interim`` then lists the annual amounts
    and ``adjustment`` their cumulative sum over the NDC period (para 7(b) [M]).
    """
    check_party_code("partner", partner)
    if partner == japan_ndc.party:
        raise InvalidValueError("partner", partner, "must be a partner, not the acquiring Party")
    ndc = _overlapping(ndcs, partner, japan_ndc)
    positions = list(positions)
    if ndc.method is CaMethod.AVERAGING:
        mine = [p for p in positions if p.host_party == partner]
        japan = japan_averaging(mine, japan_ndc)
        return Adjustment(
            party=partner,
            method=CaMethod.AVERAGING,
            ndc_period=ndc.period,
            adjustment=japan.adjustment,
            interim=japan.interim,
            by_partner=((japan_ndc.party, japan.adjustment),),
            subtracted=False,
        )
    annual = dict.fromkeys(ndc.years, 0)
    for p in positions:
        if p.host_party != partner or p.first_transferred_to != japan_ndc.party:
            continue
        if not {partner, japan_ndc.party} <= p.authorized_by:
            continue
        year = _attributed_year(p, p.attribution or attribution)
        if year in annual:
            annual[year] += p.quantity
    total = Fraction(sum(annual.values()))
    return Adjustment(
        party=partner,
        method=ndc.method,
        ndc_period=ndc.period,
        adjustment=total,
        interim=tuple((y, Fraction(q)) for y, q in annual.items()),
        by_partner=((japan_ndc.party, total),),
        subtracted=False,
    )


def _overlapping(ndcs: NdcBook, partner: str, japan_ndc: Ndc) -> Ndc:
    """The partner's NDC for the period of Japan's ``japan_ndc`` (the one holding its target)."""
    target = japan_ndc.target_year or japan_ndc.last_year
    for ndc in ndcs.periods_of(partner):
        if ndc.contains(target):
            return ndc
    return ndcs.periods_of(partner)[0]


def _attributed_year(p: CreditPosition, attribution: Attribution) -> int:
    if attribution is Attribution.VINTAGE:
        return p.vintage
    if p.first_transferred_on is None:
        raise Article6Error(
            f"the first-transfer date of block {p.label or p} is missing; the transfer-year "
            "attribution needs it",
            code="MISSING_FIRST_TRANSFER_DATE",
            field="first_transferred_on",
            value=p.label,
            rule="docs/rules.md §7.4 attribution policy",
        )
    return p.first_transferred_on.year


def corresponding_adjustment(
    positions: Iterable[CreditPosition],
    party: str,
    *,
    ndcs: NdcBook = DEFAULT_NDCS,
    attribution: Attribution = Attribution.TRANSFER_YEAR,
    year: int | None = None,
) -> Adjustment:
    """Japan's averaging adjustment if ``party`` is Japan, else the partner's adjustment.

    ``year`` chooses the NDC period (the one that holds it; default Japan's first): a credit
    counts in the period that holds its ``ndc_year`` and in no other (docs/rules.md §7.8 C10).
    """
    japan_ndc = ndcs.for_party(JAPAN, year)
    if party == JAPAN:
        return japan_averaging(positions, japan_ndc)
    return partner_adjustment(
        positions,
        party,
        ndcs=ndcs,
        japan_ndc=japan_ndc,
        attribution=attribution,
    )


# --------------------------------------------------------------------------- para 8, generic


def first_transferred_by_year(
    actions: Iterable[Action],
    party: str,
    attribution: Attribution = Attribution.TRANSFER_YEAR,
) -> dict[int, int]:
    """FT[y]: ITMOs ``party`` first transferred, by attributed year [tCO2e] (para 8(a) [M])."""
    out: dict[int, int] = {}
    for a in actions:
        if a.reporting_party != party or a.type is not ActionType.FIRST_TRANSFER:
            continue
        year = a.block.vintage if attribution is Attribution.VINTAGE else a.date.year
        out[year] = out.get(year, 0) + a.quantity
    return dict(sorted(out.items()))


def used_by_year(actions: Iterable[Action], party: str) -> dict[int, int]:
    """U[y]: ITMOs ``party`` used toward its NDC, by the NDC year of the use [tCO2e] (para 8(b))."""
    out: dict[int, int] = {}
    for a in actions:
        if a.reporting_party != party or a.type is not ActionType.USE or a.ndc_year is None:
            continue
        out[a.ndc_year] = out.get(a.ndc_year, 0) + a.quantity
    return dict(sorted(out.items()))


def emissions_balance(emissions: int, first_transferred: int, used: int) -> int:
    """EB = E + FT − U for one year [tCO2e] (2/CMA.3 annex para 8 [M]; docs/rules.md §9.4)."""
    return emissions + first_transferred - used


def emissions_balances(
    emissions: Mapping[int, int],
    first_transferred: Mapping[int, int],
    used: Mapping[int, int],
    ndc: Ndc,
) -> dict[int, int]:
    """EB[y] for every year of the NDC period that has inventory emissions [tCO2e].

    A year with first transfers or uses but no emissions figure fails closed
    (``MISSING_EMISSIONS``): the balance cannot be computed without it.
    """
    out: dict[int, int] = {}
    for year in ndc.years:
        ft, u = first_transferred.get(year, 0), used.get(year, 0)
        if year not in emissions:
            if ft or u:
                raise Article6Error(
                    f"no inventory emissions for {year}, which has first transfers or uses",
                    code="MISSING_EMISSIONS",
                    field="emissions",
                    value=year,
                    rule="2/CMA.3 annex para 8",
                )
            continue
        out[year] = emissions_balance(emissions[year], ft, u)
    return out


def average_over_elapsed(series: Mapping[int, int], ndc: Ndc, year: int) -> Fraction:
    """Σ_{y=first..year} series[y] / (year − first + 1), exact (para 7(a)(ii) [M])."""
    total = sum(q for y, q in series.items() if ndc.first_year <= y <= year)
    return Fraction(total, ndc.elapsed_years(year))


def averaging_balance(
    emissions: int,
    first_transferred: Mapping[int, int],
    used: Mapping[int, int],
    ndc: Ndc,
    year: int | None = None,
) -> Fraction:
    """EB[T] = E[T] + avg_FT(T) − avg_U(T) for a single-year NDC (docs/rules.md §7.4) [tCO2e]."""
    t = ndc.target_year if year is None else year
    if t is None:
        raise InvalidValueError("year", year, "a multi-year NDC has no target year; give one")
    return (
        emissions
        + average_over_elapsed(first_transferred, ndc, t)
        - average_over_elapsed(used, ndc, t)
    )
