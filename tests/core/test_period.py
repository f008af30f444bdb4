"""Tests of vintages, monitoring periods and crediting periods (rules.md §2.3.3, §2.6)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core.period import MAX_YEAR, MIN_YEAR, CreditingPeriod, MonitoringPeriod, Vintage
from jcm.errors import InvalidInputError, InvalidValueError
from jcm.serialization import dumps, loads, structure, unstructure

# rules.md §2.3.3 quotes the JC decision on issuance for SA001 "for the monitoring period of
# 25 Jan 17 - 31 Aug 18": a period straddling 31 December 2017.
SA001 = MonitoringPeriod(dt.date(2017, 1, 25), dt.date(2018, 8, 31))


def test_straddling_period_is_split_by_calendar_year() -> None:
    """Splits the SA001 period at 31 December into one piece per vintage (rules.md §2.6)."""
    pieces = SA001.split_by_calendar_year()
    assert pieces == (
        MonitoringPeriod(dt.date(2017, 1, 25), dt.date(2017, 12, 31)),
        MonitoringPeriod(dt.date(2018, 1, 1), dt.date(2018, 8, 31)),
    )
    assert [v.year for v in SA001.vintages()] == [2017, 2018]
    assert SA001.days_by_year() == {2017: 341, 2018: 243}
    assert SA001.days == 584


def test_period_within_one_year_is_one_piece() -> None:
    """Keeps a period inside one calendar year as a single piece and a single vintage."""
    period = MonitoringPeriod(dt.date(2025, 3, 1), dt.date(2025, 11, 30))
    assert period.split_by_calendar_year() == (period,)
    assert period.vintages() == (Vintage(2025),)


def test_period_over_three_years_has_a_whole_middle_year() -> None:
    """Splits a period over three years with a whole middle year of 366 days in 2024."""
    period = MonitoringPeriod(dt.date(2023, 7, 1), dt.date(2025, 6, 30))
    assert period.days_by_year() == {2023: 184, 2024: 366, 2025: 181}
    assert [v.year for v in period.vintages()] == [2023, 2024, 2025]


@pytest.mark.parametrize(
    ("year", "days"), [(2024, 366), (2025, 365), (2000, 366), (2100, 365), (1996, 366)]
)
def test_leap_years_count_366_days(year: int, days: int) -> None:
    """Counts 366 days in a leap year (1996, 2000, 2024) and 365 otherwise (2025, 2100)."""
    assert MonitoringPeriod(dt.date(year, 1, 1), dt.date(year, 12, 31)).days == days


def test_leap_day_at_the_end_of_a_piece() -> None:
    """Counts 29 February in the piece of its year."""
    period = MonitoringPeriod(dt.date(2023, 12, 1), dt.date(2024, 2, 29))
    assert period.days_by_year() == {2023: 31, 2024: 60}


def test_one_day_period() -> None:
    """Counts a period whose start and end are the same day as one day."""
    day = dt.date(2024, 12, 31)
    assert MonitoringPeriod(day, day).days == 1
    assert CreditingPeriod(day, day).days == 1


@pytest.mark.parametrize("cls", [MonitoringPeriod, CreditingPeriod])
def test_end_before_start_is_refused_naming_end(cls: Any) -> None:
    """Refuses a period whose end precedes its start, naming ``end``."""
    with pytest.raises(InvalidValueError) as info:
        cls(dt.date(2025, 6, 1), dt.date(2025, 5, 31))
    assert info.value.field == "end"
    assert "2025-05-31" in info.value.message


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2025-01-01", dt.date(2025, 2, 1), "start"),
        (dt.date(2025, 1, 1), dt.datetime(2025, 2, 1), "end"),
        (dt.date(2025, 1, 1), None, "end"),
    ],
)
def test_period_ends_must_be_dates(start: Any, end: Any, field: str) -> None:
    """Refuses period ends that are not dates, naming the field."""
    with pytest.raises(InvalidValueError) as info:
        MonitoringPeriod(start, end)
    assert info.value.field == field


@pytest.mark.parametrize("year", [MIN_YEAR - 1, MAX_YEAR + 1, 2025.0, True, "2025"])
def test_vintage_outside_range_is_refused(year: Any) -> None:
    """Refuses a vintage that is not a whole calendar year from 1990 to 2100, naming ``year``."""
    with pytest.raises(InvalidValueError) as info:
        Vintage(year)
    assert info.value.field == "year"


def test_vintages_are_ordered_and_print_as_years() -> None:
    """Orders vintages by year and prints them as the year."""
    assert sorted([Vintage(2025), Vintage(2021)]) == [Vintage(2021), Vintage(2025)]
    assert str(Vintage(2021)) == "2021"


def test_within_and_contains() -> None:
    """Tells whether a monitoring period lies inside another or a crediting period."""
    crediting = CreditingPeriod(dt.date(2017, 1, 1), dt.date(2018, 8, 31))
    assert crediting.contains(SA001)
    assert SA001.within(crediting)
    late = MonitoringPeriod(dt.date(2018, 8, 1), dt.date(2018, 9, 1))
    assert not crediting.contains(late)
    assert not late.within(crediting)


def test_overlaps_shares_a_day() -> None:
    """Sees periods sharing one day as overlapping and adjacent ones as not."""
    first = MonitoringPeriod(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    touching = MonitoringPeriod(dt.date(2024, 6, 30), dt.date(2024, 12, 31))
    adjacent = MonitoringPeriod(dt.date(2024, 7, 1), dt.date(2024, 12, 31))
    assert first.overlaps(touching)
    assert touching.overlaps(first)
    assert not first.overlaps(adjacent)


@st.composite
def _periods(draw: st.DrawFn) -> MonitoringPeriod:
    start = draw(st.dates(dt.date(MIN_YEAR, 1, 1), dt.date(2085, 12, 31)))
    return MonitoringPeriod(start, start + dt.timedelta(days=draw(st.integers(0, 4000))))


@given(_periods())
def test_split_covers_every_day_once(period: MonitoringPeriod) -> None:
    """Splits into contiguous single-year pieces whose days add up to the period's."""
    pieces = period.split_by_calendar_year()
    assert pieces[0].start == period.start
    assert pieces[-1].end == period.end
    for left, right in itertools.pairwise(pieces):
        assert right.start == left.end + dt.timedelta(days=1)
        assert (left.end.month, left.end.day) == (12, 31)
    assert all(p.start.year == p.end.year for p in pieces)
    assert sum(p.days for p in pieces) == period.days
    assert sum(period.days_by_year().values()) == period.days
    assert [p.start.year for p in pieces] == [v.year for v in period.vintages()]


@given(_periods())
def test_periods_round_trip_through_json(period: MonitoringPeriod) -> None:
    """Round-trips monitoring and crediting periods and vintages through JSON exactly."""
    assert loads(dumps(period), MonitoringPeriod) == period
    crediting = CreditingPeriod(period.start, period.end)
    assert structure(unstructure(crediting), CreditingPeriod) == crediting
    vintage = period.vintages()[0]
    assert loads(dumps(vintage), Vintage) == vintage


def test_period_json_end_before_start_names_end() -> None:
    """Names ``$.end`` for a period given as JSON whose end precedes its start."""
    with pytest.raises(InvalidInputError) as info:
        structure({"start": "2025-06-01", "end": "2025-05-31"}, MonitoringPeriod)
    assert info.value.errors[0].path == "$.end"


def test_period_json_bad_date_names_field() -> None:
    """Names ``$.start`` for a period given as JSON whose start is not an ISO date."""
    with pytest.raises(InvalidInputError) as info:
        structure({"start": "1 June 2025", "end": "2025-06-30"}, MonitoringPeriod)
    assert info.value.errors[0].path == "$.start"
