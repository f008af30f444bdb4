"""Each Party's NDC implementation period and corresponding-adjustment method, as data.

Decision 2/CMA.3 annex para 7 [M] (docs/rules.md §7.4) lets a Party with a
single-year NDC apply corresponding adjustments by an indicative multi-year trajectory or budget,
or by **averaging**; a Party with a multi-year NDC applies them annually and cumulatively. Each
Party applies one method consistently through its NDC period.

Japan's NDC is a single-year target for FY2030 (−46 % against FY2013) [S], and Japan applies the
averaging method over the implementation period 2021–2030 [SEED] (docs/rules.md §7.5)::

    >>> JAPAN_NDC.period, JAPAN_NDC.method.value, JAPAN_NDC.target_year
    ((2021, 2030), 'averaging', 2030)
    >>> JAPAN_NDC.elapsed_years(2023)
    3

Its second NDC runs to FY2035 (2031–2035). The periods themselves are data of
:mod:`jcm.core.ndc` (recorded by a registry for each Party); this module adds the method of each.
The NDCs of the partner countries are not in the sources. :data:`DEFAULT_NDCS` therefore assumes,
for any Party without an entry, the periods of :func:`jcm.core.ndc.ndc_periods_of` and the
averaging method mirroring Japan's (the government overview's symmetric reading, docs/rules.md
§7.5 caveat) — a design decision [I] that :class:`NdcBook` makes configurable;
``NdcBook(..., default=None)`` fails closed instead (``MISSING_NDC``). The FY2040 horizon of
Japan's JCM targets (docs/rules.md METI-JCM [P]) is why the period is a parameter, never a
constant in the formulas.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final

import attrs

from jcm.core.ndc import ndc_periods_of
from jcm.core.party import JAPAN, check_party_code
from jcm.errors import Article6Error, InvalidValueError

__all__ = [
    "DEFAULT_NDCS",
    "JAPAN_NDC",
    "JAPAN_NDC_2035",
    "CaMethod",
    "Ndc",
    "NdcBook",
    "NdcKind",
]


class NdcKind(enum.Enum):
    """Whether an NDC sets a target for one year or for several (2/CMA.3 annex para 7 [M])."""

    SINGLE_YEAR = "single_year"
    MULTI_YEAR = "multi_year"


class CaMethod(enum.Enum):
    """The method by which a Party applies corresponding adjustments (docs/rules.md §7.4 [M])."""

    AVERAGING = "averaging"
    """Single-year NDC: cumulative amount divided by the elapsed years (para 7(a)(ii))."""
    TRAJECTORY = "trajectory"
    """Single-year NDC: indicative multi-year trajectory or budget, annual (para 7(a)(i))."""
    MULTI_YEAR = "multi_year"
    """Multi-year NDC: annual and cumulative adjustments (para 7(b))."""


def _party(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    check_party_code(attribute.name, value)


def _year(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise InvalidValueError(attribute.name, value, "must be a calendar year 1990-2100")


@attrs.frozen
class Ndc:
    """One Party's NDC implementation period and its corresponding-adjustment method.

    Parameters
    ----------
    party
        ISO alpha-3 code of the Party.
    first_year, last_year
        First and last calendar year of the NDC implementation period (AEF Table 1 fields 7, 8).
    kind
        Single-year or multi-year NDC.
    method
        The corresponding-adjustment method applied through the whole period.
    target_year
        For a single-year NDC, the NDC year (default ``last_year``); ``None`` for a multi-year one.
    assumed
        True when the entry is a default assumption [I] rather than the Party's stated NDC.
    """

    party: str = attrs.field(validator=_party)
    first_year: int = attrs.field(validator=_year)
    last_year: int = attrs.field(validator=_year)
    kind: NdcKind = NdcKind.SINGLE_YEAR
    method: CaMethod = CaMethod.AVERAGING
    target_year: int | None = attrs.field(default=None)
    assumed: bool = False

    def __attrs_post_init__(self) -> None:
        if self.last_year < self.first_year:
            raise InvalidValueError(
                "last_year", self.last_year, f"must not precede first_year ({self.first_year})"
            )
        if self.kind is NdcKind.SINGLE_YEAR and self.target_year is None:
            object.__setattr__(self, "target_year", self.last_year)
        if self.target_year is not None and not self.contains(self.target_year):
            raise InvalidValueError(
                "target_year", self.target_year, f"must lie in the NDC period {self.period}"
            )
        if self.kind is NdcKind.MULTI_YEAR and self.method is CaMethod.AVERAGING:
            raise InvalidValueError(
                "method", self.method.value, "averaging applies only to a single-year NDC"
            )

    @property
    def period(self) -> tuple[int, int]:
        """``(first_year, last_year)``."""
        return (self.first_year, self.last_year)

    @property
    def years(self) -> range:
        """The calendar years of the period, in order."""
        return range(self.first_year, self.last_year + 1)

    @property
    def length(self) -> int:
        """Number of years of the period [y] (10 for 2021–2030)."""
        return self.last_year - self.first_year + 1

    def contains(self, year: int) -> bool:
        """True when ``year`` lies in the NDC period."""
        return self.first_year <= year <= self.last_year

    def elapsed_years(self, year: int) -> int:
        """Years elapsed in the period up to and including ``year`` [y] (``year − 2020``)."""
        if not self.contains(year):
            raise InvalidValueError("year", year, f"must lie in the NDC period {self.period}")
        return year - self.first_year + 1


JAPAN_NDC: Final = Ndc(JAPAN, 2021, 2030, NdcKind.SINGLE_YEAR, CaMethod.AVERAGING, 2030)
"""Japan: single-year NDC for FY2030 [S], averaging over 2021–2030 [SEED] (docs/rules.md §7.5)."""

JAPAN_NDC_2035: Final = Ndc(JAPAN, 2031, 2035, NdcKind.SINGLE_YEAR, CaMethod.AVERAGING, 2035)
"""Japan's second NDC, for FY2035 [S]; averaging assumed as for the first [I]."""


def _as_tuple(value: Iterable[Ndc]) -> tuple[Ndc, ...]:
    return tuple(value)


@attrs.frozen
class NdcBook:
    """The NDCs known to a calculation, one per Party and NDC period, with a default method.

    Parameters
    ----------
    ndcs
        The Parties' NDCs; a Party may have several, for periods that do not overlap.
    default
        The method assumed [I] for a Party without an entry, whose periods are then those of
        :func:`jcm.core.ndc.ndc_periods_of`; ``None`` makes an unknown Party an error
        (``MISSING_NDC``).
    """

    ndcs: tuple[Ndc, ...] = attrs.field(converter=_as_tuple)
    default: CaMethod | None = CaMethod.AVERAGING

    def __attrs_post_init__(self) -> None:
        for ndc in self.ndcs:
            for other in self.ndcs:
                if (
                    other is not ndc
                    and other.party == ndc.party
                    and other.first_year <= ndc.last_year
                    and ndc.first_year <= other.last_year
                ):
                    raise InvalidValueError(
                        "ndcs", ndc.party, "the NDC periods of one Party must not overlap"
                    )

    def periods_of(self, party: str) -> tuple[Ndc, ...]:
        """Every NDC of ``party``, in order; the default assumption [I] if it has none."""
        mine = sorted((n for n in self.ndcs if n.party == party), key=lambda n: n.first_year)
        if mine:
            return tuple(mine)
        if self.default is None:
            raise Article6Error(
                f"no NDC is known for Party {party!r}",
                code="MISSING_NDC",
                field="party",
                value=party,
            )
        method = self.default
        kind = NdcKind.MULTI_YEAR if method is CaMethod.MULTI_YEAR else NdcKind.SINGLE_YEAR
        return tuple(
            Ndc(party, p.first_year, p.last_year, kind, method, assumed=True)
            for p in ndc_periods_of(check_party_code("party", party))
        )

    def for_party(self, party: str, year: int | None = None) -> Ndc:
        """The NDC of ``party`` whose period holds ``year`` (without a year: its first).

        Raises
        ------
        Article6Error
            ``MISSING_NDC`` for an unknown Party without a default; ``NDC_YEAR_NOT_IN_PERIOD``
            when no period of the Party holds ``year``.
        """
        periods = self.periods_of(party)
        if year is None:
            return periods[0]
        for ndc in periods:
            if ndc.contains(year):
                return ndc
        raise Article6Error(
            f"{year} lies in none of {party}'s NDC periods "
            f"({', '.join(f'{n.first_year}-{n.last_year}' for n in periods)})",
            code="NDC_YEAR_NOT_IN_PERIOD",
            field="year",
            value=year,
        )

    def with_ndc(self, ndc: Ndc) -> NdcBook:
        """A book where ``ndc`` replaces the Party's entries whose periods overlap it."""
        rest = [
            n
            for n in self.ndcs
            if n.party != ndc.party or n.last_year < ndc.first_year or ndc.last_year < n.first_year
        ]
        return attrs.evolve(self, ndcs=(*rest, ndc))


DEFAULT_NDCS: Final = NdcBook((JAPAN_NDC, JAPAN_NDC_2035))
"""Japan's two NDCs; any other Party is assumed to average over the periods of
:func:`jcm.core.ndc.ndc_periods_of` [I]."""
