"""NDC implementation periods as data, and the rule of which credits count toward which period.

Each Party has a list of NDC implementation periods. Japan's first NDC runs from 2021 to 2030
(FY2030 target, −46 % against FY2013) and its second to 2035 (the NDC communicated in February
2025, −60 % by FY2035) [S]; the partners' periods are not in the sources, so a Party without an
entry is assumed [I] to have the same two periods (:data:`DEFAULT_NDC_PERIODS`). A registry
records the periods of each Party when it adds the Party, so a later change of these defaults
never changes the past.

The rule (docs/rules.md §4.4, §6.2 and §7.8 C10 [SEED]/[M]/[I]), in one place:

1. credits of a vintage before :data:`FIRST_NDC_VINTAGE` (2021) never count toward an NDC
   (``VINTAGE_NOT_ELIGIBLE``);
2. a retirement names the calendar year ``ndc_year`` for which it is used; the year must lie in one
   of the Party's periods (``NDC_YEAR_NOT_IN_PERIOD``), and the credits count in the
   corresponding adjustment of **that** period and of no other;
3. the vintage of every credit retired must lie in that same period (``VINTAGE_NOT_ELIGIBLE``);
4. without ``ndc_year``, the year is the last year of the period that holds the credits' vintage.

>>> periods = ndc_periods_of("JPN")
>>> [str(p) for p in periods]
['2021-2030', '2031-2035']
>>> retirement_period(periods, [2025], None)
(2030, NdcPeriod(first_year=2021, last_year=2030))
>>> retirement_period(periods, [2031], 2035)[1].label
'2031-2035'
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from jcm.core.party import JAPAN, check_party_code
from jcm.errors import InvalidValueError, RegistryError

__all__ = [
    "DEFAULT_NDC_PERIODS",
    "FIRST_NDC_VINTAGE",
    "Attribution",
    "NdcPeriod",
    "check_ndc_periods",
    "ndc_periods_of",
    "period_containing",
    "retirement_period",
]

FIRST_NDC_VINTAGE: Final = 2021
"""The first vintage that may count toward an NDC (docs/rules.md §6.2 [SEED], §4.4)."""


class Attribution(enum.Enum):
    """To which year a first transfer is attributed in the transferring Party's emissions balance.

    2/CMA.3 annex para 8(a) adds ITMOs first transferred "for the calendar year in which the
    mitigation outcomes occurred ..." — the wording is known only with an ellipsis
    (docs/rules.md §7.4 [M]), so the policy is ruleset data [I], recorded with each first
    transfer.
    """

    VINTAGE = "vintage"
    """The calendar year in which the mitigation outcome occurred."""
    TRANSFER_YEAR = "transfer_year"
    """The calendar year of the first transfer (the default)."""


def _year(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise InvalidValueError(attribute.name, value, "must be a calendar year 1990-2100")


@attrs.frozen(order=True)
class NdcPeriod:
    """One NDC implementation period, both years inclusive (AEF Table 1 fields 7 and 8)."""

    first_year: int = attrs.field(validator=_year)
    last_year: int = attrs.field(validator=_year)

    def __attrs_post_init__(self) -> None:
        if self.last_year < self.first_year:
            raise InvalidValueError(
                "ndc_period", str(self), "the last year must not precede the first"
            )

    def contains(self, year: int) -> bool:
        """True when ``year`` lies in the period."""
        return self.first_year <= year <= self.last_year

    @property
    def label(self) -> str:
        """``"2021-2030"``, the form of ``adjustments --ndc-period``."""
        return f"{self.first_year}-{self.last_year}"

    @classmethod
    def parse(cls, text: str, *, field: str = "ndc_period") -> NdcPeriod:
        """Parse ``"2021-2030"``."""
        match = re.fullmatch(r"(\d{4})-(\d{4})", text) if isinstance(text, str) else None
        if match is None:
            raise InvalidValueError(field, text, "must be FIRST-LAST years, e.g. 2021-2030")
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return self.label


def check_ndc_periods(field: str, periods: Iterable[NdcPeriod]) -> tuple[NdcPeriod, ...]:
    """Return ``periods`` as a tuple if they are in order and do not overlap; else raise."""
    items = tuple(periods)
    if not items or any(not isinstance(p, NdcPeriod) for p in items):
        raise InvalidValueError(field, items, "must be a non-empty list of NDC periods")
    for earlier, later in itertools.pairwise(items):
        if later.first_year <= earlier.last_year:
            raise InvalidValueError(
                field,
                [p.label for p in items],
                "NDC periods must follow one another without overlapping",
            )
    return items


_TWO_PERIODS: Final = (NdcPeriod(2021, 2030), NdcPeriod(2031, 2035))

DEFAULT_NDC_PERIODS: Final[Mapping[str, tuple[NdcPeriod, ...]]] = {JAPAN: _TWO_PERIODS}
"""Known NDC periods by Party; every other Party is assumed to have Japan's two [I]."""


def ndc_periods_of(party: str) -> tuple[NdcPeriod, ...]:
    """The default NDC periods of ``party`` (:data:`DEFAULT_NDC_PERIODS`, else assumed [I])."""
    check_party_code("party", party)
    return DEFAULT_NDC_PERIODS.get(party, _TWO_PERIODS)


def period_containing(periods: Sequence[NdcPeriod], year: int) -> NdcPeriod | None:
    """The period of ``periods`` that holds ``year``, or ``None``."""
    for period in periods:
        if period.contains(year):
            return period
    return None


def retirement_period(
    periods: Sequence[NdcPeriod], vintages: Iterable[int], ndc_year: int | None
) -> tuple[int, NdcPeriod]:
    """The NDC year and period a retirement of credits of ``vintages`` counts in (rules 1-4 above).

    Raises
    ------
    jcm.errors.RegistryError
        ``VINTAGE_NOT_ELIGIBLE`` (field ``vintage``) for a vintage before 2021 or outside the
        period; ``NDC_YEAR_NOT_IN_PERIOD`` (field ``ndc_year``) for a year outside every period.
    """
    years = sorted(set(vintages))
    shown = ", ".join(p.label for p in periods)
    for vintage in years:
        if vintage < FIRST_NDC_VINTAGE:
            raise RegistryError(
                f"retire: credits of vintage {vintage} cannot count toward an NDC; only vintages "
                f"from {FIRST_NDC_VINTAGE} do (docs/rules.md §6.2)",
                code="VINTAGE_NOT_ELIGIBLE",
                field="vintage",
                value=vintage,
                rule=f"vintages from {FIRST_NDC_VINTAGE} count toward an NDC (docs/rules.md §6.2)",
            )
    if ndc_year is None:
        found = {period_containing(periods, v) for v in years}
        if None in found or len(found) != 1:
            raise RegistryError(
                f"retire: the vintages {years} do not lie in one NDC period ({shown}); name the "
                "ndc_year, or retire each period's credits apart",
                code="VINTAGE_NOT_ELIGIBLE",
                field="vintage",
                value=years,
                rule="the credits of a retirement count in one NDC period (docs/rules.md §7.8 C10)",
            )
        (period,) = found
        assert period is not None  # None was excluded above
        return period.last_year, period
    period = period_containing(periods, ndc_year)
    if period is None:
        raise RegistryError(
            f"retire: ndc_year {ndc_year} lies in none of the Party's NDC periods ({shown})",
            code="NDC_YEAR_NOT_IN_PERIOD",
            field="ndc_year",
            value=ndc_year,
            rule="a credit counts toward the NDC period of its ndc_year (docs/rules.md §7.8 C10)",
        )
    for vintage in years:
        if not period.contains(vintage):
            raise RegistryError(
                f"retire: credits of vintage {vintage} do not count toward the NDC period "
                f"{period.label} of ndc_year {ndc_year}",
                code="VINTAGE_NOT_ELIGIBLE",
                field="vintage",
                value=vintage,
                rule="the vintage lies in the NDC period of its use (docs/rules.md §7.8 C10)",
            )
    return ndc_year, period
