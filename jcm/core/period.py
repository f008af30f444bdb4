"""Vintages, monitoring periods and crediting periods, and the split of a period by calendar year.

A credit's **vintage** is the calendar year in which the mitigation outcome occurred (AEF footnote
j; ``shared/reference/rules.md`` §2.6). A monitoring period that straddles 31 December is therefore
split into calendar-year pieces, each of which gives one vintage::

    >>> p = MonitoringPeriod(dt.date(2024, 11, 1), dt.date(2025, 2, 28))
    >>> [(q.start.isoformat(), q.end.isoformat(), q.days) for q in p.split_by_calendar_year()]
    [('2024-11-01', '2024-12-31', 61), ('2025-01-01', '2025-02-28', 59)]
    >>> [v.year for v in p.vintages()]
    [2024, 2025]

Both ends of a period are inclusive; ``days`` counts both (a one-day period has ``days == 1``).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import attrs

from jcm.core.validators import date_value
from jcm.errors import InvalidValueError

__all__ = ["MAX_YEAR", "MIN_YEAR", "CreditingPeriod", "DateSpan", "MonitoringPeriod", "Vintage"]

MIN_YEAR: Final = 1990
"""Earliest vintage year accepted (the UNFCCC base year)."""
MAX_YEAR: Final = 2100
"""Latest vintage year accepted."""


def _year_validator(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        raise InvalidValueError(
            attribute.name, value, f"must be a calendar year from {MIN_YEAR} to {MAX_YEAR}"
        )


@attrs.frozen(order=True)
class Vintage:
    """The calendar year in which a mitigation outcome occurred (AEF-V2 Table 3 field 19)."""

    year: int = attrs.field(validator=_year_validator)

    def __str__(self) -> str:
        return str(self.year)


@attrs.frozen
class DateSpan:
    """Two dates, both inclusive, the end not before the start: what every period shares.

    Parameters
    ----------
    start, end
        First and last day; ``end`` may not precede ``start`` (an error naming ``end``).
    """

    start: dt.date = attrs.field(validator=date_value)
    end: dt.date = attrs.field(validator=date_value)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValueError(
                "end", self.end.isoformat(), f"must not precede start ({self.start.isoformat()})"
            )

    @property
    def days(self) -> int:
        """Number of days in the span, both ends included [d]."""
        return (self.end - self.start).days + 1


@attrs.frozen
class MonitoringPeriod(DateSpan):
    """A monitoring period, both ends inclusive (rules.md §2.3.3).

    Parameters
    ----------
    start, end
        First and last day of the period; ``end`` may not precede ``start``.
    """

    def split_by_calendar_year(self) -> tuple[MonitoringPeriod, ...]:
        """The calendar-year pieces of the period, in order; one piece if it does not straddle."""
        pieces = []
        start = self.start
        while start.year < self.end.year:
            year_end = dt.date(start.year, 12, 31)
            pieces.append(MonitoringPeriod(start, year_end))
            start = dt.date(start.year + 1, 1, 1)
        pieces.append(MonitoringPeriod(start, self.end))
        return tuple(pieces)

    def vintages(self) -> tuple[Vintage, ...]:
        """The vintages the period covers, one per calendar year, in order."""
        return tuple(Vintage(y) for y in range(self.start.year, self.end.year + 1))

    def days_by_year(self) -> dict[int, int]:
        """Days of the period in each calendar year [d]; leap years count 366."""
        return {p.start.year: p.days for p in self.split_by_calendar_year()}

    def within(self, other: MonitoringPeriod | CreditingPeriod) -> bool:
        """True when this period lies entirely inside ``other``."""
        return other.start <= self.start and self.end <= other.end

    def overlaps(self, other: MonitoringPeriod) -> bool:
        """True when the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end


@attrs.frozen
class CreditingPeriod(DateSpan):
    """A project's crediting period, both ends inclusive (rules.md §2.5, §2.6).

    Reductions are credited only for monitoring periods inside it; it can be renewed through the
    Renewal of Crediting Period Request (JC decision).
    """

    def contains(self, period: MonitoringPeriod) -> bool:
        """True when ``period`` lies entirely inside this crediting period."""
        return self.start <= period.start and period.end <= self.end
