"""Each Party's NDC implementation period and corresponding-adjustment method, as data.

Decision 2/CMA.3 annex para 7 [M] (``shared/reference/rules.md`` §7.4) lets a Party with a
single-year NDC apply corresponding adjustments by an indicative multi-year trajectory or budget,
or by **averaging**; a Party with a multi-year NDC applies them annually and cumulatively. Each
Party applies one method consistently through its NDC period.

Japan's NDC is a single-year target for FY2030 (−46 % against FY2013) [S], and Japan applies the
averaging method over the implementation period 2021–2030 [SEED] (rules.md §7.5)::

    >>> JAPAN_NDC.period, JAPAN_NDC.method.value, JAPAN_NDC.target_year
    ((2021, 2030), 'averaging', 2030)
    >>> JAPAN_NDC.elapsed_years(2023)
    3

The NDCs of the partner countries are not in the sources. :data:`DEFAULT_NDCS` therefore assumes,
for any Party without an entry, a period 2021–2030 and the averaging method mirroring Japan's
(the government overview's symmetric reading, rules.md §7.5 caveat) — a design decision [I] that
:class:`NdcBook` makes configurable; ``NdcBook(..., default=None)`` fails closed instead
(``MISSING_NDC``). The FY2040 horizon of Japan's JCM targets (rules.md METI-JCM [P]) is why the
period is a parameter, never a constant in the formulas.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final

import attrs

from jcm.core.party import JAPAN, check_party_code
from jcm.errors import Article6Error, InvalidValueError

__all__ = [
    "DEFAULT_NDCS",
    "JAPAN_NDC",
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
    """The method by which a Party applies corresponding adjustments (rules.md §7.4 [M])."""

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
"""Japan: single-year NDC for FY2030 [S], averaging over 2021–2030 [SEED] (rules.md §7.5)."""


def _as_tuple(value: Iterable[Ndc]) -> tuple[Ndc, ...]:
    return tuple(value)


@attrs.frozen
class NdcBook:
    """The NDCs known to a calculation, with an optional default for the other Parties.

    Parameters
    ----------
    ndcs
        The Parties' NDCs, at most one per Party.
    default
        ``(first_year, last_year, method)`` assumed for a Party without an entry [I]; ``None``
        makes an unknown Party an error (``MISSING_NDC``).
    """

    ndcs: tuple[Ndc, ...] = attrs.field(converter=_as_tuple)
    default: tuple[int, int, CaMethod] | None = (2021, 2030, CaMethod.AVERAGING)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for ndc in self.ndcs:
            if ndc.party in seen:
                raise InvalidValueError("ndcs", ndc.party, "at most one NDC per Party")
            seen.add(ndc.party)

    def for_party(self, party: str) -> Ndc:
        """The NDC of ``party``; the default assumption [I] if it has none, else fail closed."""
        for ndc in self.ndcs:
            if ndc.party == party:
                return ndc
        if self.default is None:
            raise Article6Error(
                f"no NDC is known for Party {party!r}",
                code="MISSING_NDC",
                field="party",
                value=party,
            )
        first, last, method = self.default
        kind = NdcKind.MULTI_YEAR if method is CaMethod.MULTI_YEAR else NdcKind.SINGLE_YEAR
        return Ndc(check_party_code("party", party), first, last, kind, method, assumed=True)

    def with_ndc(self, ndc: Ndc) -> NdcBook:
        """A book where ``ndc`` replaces the Party's previous entry."""
        rest = [n for n in self.ndcs if n.party != ndc.party]
        return attrs.evolve(self, ndcs=(*rest, ndc))


DEFAULT_NDCS: Final = NdcBook((JAPAN_NDC,))
"""Japan's NDC; any other Party is assumed 2021–2030 with averaging [I]."""
