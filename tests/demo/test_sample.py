"""Tests of the demo's sample monitoring data and the requests of its history."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core.period import MonitoringPeriod
from jcm.demo.sample import calculate, load_samples
from jcm.demo.scenario import build_requests, split_by_vintage

OVERVIEW_ANNUAL_REDUCTIONS = {"DEMO-VN01": 42_000, "DEMO-CL01": 20_000}
"""About 4.2万 and 2.0万 t-CO2/year (moej-jcm-overview-2025.txt, section 7)."""


def test_samples_cover_three_methodologies_and_partners() -> None:
    """Loads one sample project per methodology, hosted by the Philippines, Viet Nam and Chile."""
    samples = load_samples()
    assert {s.methodology for s in samples} == {"awd-rice", "waste-to-energy", "solar-pv"}
    assert {s.partner for s in samples} == {"PHL", "VNM", "CHL"}
    assert all("moej-jcm-overview-2025.txt" in s.source for s in samples)


def test_every_sample_period_credits_without_problems() -> None:
    """Calculates every sample period to positive reductions with no problems."""
    for sample in load_samples():
        for period in sample.periods:
            result = calculate(sample, period)
            assert result.problems == ()
            assert result.emission_reductions > 0


@pytest.mark.parametrize("project", sorted(OVERVIEW_ANNUAL_REDUCTIONS))
def test_full_year_matches_the_overview_magnitude(project: str) -> None:
    """Credits a full year within 10 % of the reductions the overview expects."""
    sample = next(s for s in load_samples() if s.project == project)
    full_year = [p for p in sample.periods if p.period.days >= 365]
    assert full_year
    result = calculate(sample, full_year[-1])
    expected = OVERVIEW_ANNUAL_REDUCTIONS[project]
    assert abs(result.emission_reductions - expected) <= 0.1 * expected


@given(
    start=st.dates(dt.date(2021, 1, 1), dt.date(2029, 12, 31)),
    days=st.integers(0, 900),
    quantity=st.integers(0, 10**7),
)
def test_split_by_vintage_adds_up(start: dt.date, days: int, quantity: int) -> None:
    """Splits credits over the calendar years of a period, adding up to the whole."""
    period = MonitoringPeriod(start, start + dt.timedelta(days=days))
    parts = split_by_vintage(period, quantity)
    assert sum(parts.values()) == quantity
    assert list(parts) == [str(y) for y in range(period.start.year, period.end.year + 1)]
    assert all(q >= 0 for q in parts.values())


def test_requests_are_keyed_and_in_time_order() -> None:
    """Gives every request a distinct idempotency key, an actor, and times that never go back."""
    samples = load_samples()
    results = {(s.project, i): calculate(s, p) for s in samples for i, p in enumerate(s.periods)}
    requests = build_requests(samples, results)
    keys = [r["idempotency_key"] for r in requests]
    assert len(set(keys)) == len(keys)
    assert all(r["actor"] for r in requests)
    times = [dt.datetime.fromisoformat(r["at"]) for r in requests]
    assert times == sorted(times)
    assert (times[0].year, times[-1].year) == (2024, 2026)
