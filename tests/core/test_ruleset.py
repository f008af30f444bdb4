"""Tests of the rulesets and their periods (rules.md §2.4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core.ruleset import DEFAULT_RULESET, DEFAULT_RULESETS, Ruleset, Rulesets, ruleset_for
from jcm.errors import InvalidInputError, InvalidValueError
from jcm.serialization import dumps, loads, structure, unstructure


def test_defaults_are_those_of_rules_2_4() -> None:
    """Holds the periods of rules.md §2.4: 7, 15, 30, 60 and 90 days."""
    r = DEFAULT_RULESET
    assert (
        r.methodology_completeness_days,
        r.methodology_public_input_days,
        r.pdd_public_input_days,
        r.methodology_consideration_days,
        r.methodology_consideration_max_days,
    ) == (7, 15, 30, 60, 90)
    assert r.crediting_period_max_years is None
    assert r.partner is None


def test_deadlines_count_calendar_days() -> None:
    """Counts deadlines in calendar days, across a leap day."""
    start = dt.date(2024, 2, 20)
    assert DEFAULT_RULESET.methodology_completeness_due(start) == dt.date(2024, 2, 27)
    assert DEFAULT_RULESET.methodology_public_input_closes(start) == dt.date(2024, 3, 6)
    assert DEFAULT_RULESET.pdd_public_input_closes(start) == dt.date(2024, 3, 21)
    assert DEFAULT_RULESET.methodology_consideration_due(start) == dt.date(2024, 4, 20)
    assert DEFAULT_RULESET.methodology_consideration_due(start, extended=True) == dt.date(
        2024, 5, 20
    )


def test_crediting_period_latest_end() -> None:
    """Ends a crediting period of N years the day before the N-th anniversary of its start."""
    ten = Ruleset(None, "x", crediting_period_max_years=10)
    assert ten.crediting_period_latest_end(dt.date(2021, 1, 1)) == dt.date(2030, 12, 31)
    assert ten.crediting_period_latest_end(dt.date(2020, 2, 29)) == dt.date(2030, 2, 27)
    assert DEFAULT_RULESET.crediting_period_latest_end(dt.date(2021, 1, 1)) is None


def test_partner_without_rules_gets_the_defaults() -> None:
    """Gives a partner with no rules of its own the default ruleset."""
    assert ruleset_for("MNG") is DEFAULT_RULESET
    assert ruleset_for(None) is DEFAULT_RULESET


def test_partner_override() -> None:
    """Applies one partner's own periods and leaves other partners on the defaults."""
    georgia = Ruleset("GEO", "2024", pdd_public_input_days=21)
    table = DEFAULT_RULESETS.with_ruleset(georgia)
    assert ruleset_for("GEO", rulesets=table) == georgia
    assert ruleset_for("GEO", rulesets=table).methodology_public_input_days == 15
    assert ruleset_for("LKA", rulesets=table) is DEFAULT_RULESET
    assert ruleset_for("GEO", rulesets=[georgia]) == georgia


def test_version_selects_an_earlier_ruleset() -> None:
    """Picks the latest ruleset of a partner unless a version is asked for."""
    old = Ruleset("UZB", "2015", pdd_public_input_days=30)
    new = Ruleset("UZB", "2025", pdd_public_input_days=20)
    table = DEFAULT_RULESETS.with_ruleset(old).with_ruleset(new)
    assert ruleset_for("UZB", rulesets=table) == new
    assert ruleset_for("UZB", "2015", rulesets=table) == old
    assert ruleset_for("UZB", "default", rulesets=table) is DEFAULT_RULESET


def test_with_ruleset_replaces_same_key() -> None:
    """Replaces a ruleset of the same partner and version instead of adding a second."""
    table = DEFAULT_RULESETS.with_ruleset(Ruleset("KEN", "1")).with_ruleset(
        Ruleset("KEN", "1", pdd_public_input_days=40)
    )
    assert len(table.rulesets) == 2
    assert ruleset_for("KEN", rulesets=table).pdd_public_input_days == 40


def test_unknown_version_is_refused_naming_version() -> None:
    """Refuses a version that neither the partner nor the defaults have, naming ``version``."""
    with pytest.raises(InvalidValueError) as info:
        ruleset_for("MNG", "1999")
    assert info.value.field == "version"


def test_bad_partner_code_is_refused() -> None:
    """Refuses a partner that is not an alpha-3 code, naming ``partner``."""
    with pytest.raises(InvalidValueError) as info:
        ruleset_for("Mongolia")
    assert info.value.field == "partner"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("methodology_completeness_days", 0),
        ("methodology_public_input_days", -15),
        ("pdd_public_input_days", 30.0),
        ("methodology_consideration_days", True),
        ("crediting_period_max_years", 0),
        ("version", ""),
        ("partner", "JP"),
    ],
)
def test_ruleset_names_bad_field(field: str, value: object) -> None:
    """Refuses a period that is not a whole number of days >= 1, naming the field."""
    args: dict[str, Any] = {"partner": "MNG", "version": "1"}
    args[field] = value
    with pytest.raises(InvalidValueError) as info:
        Ruleset(**args)
    assert info.value.field == field


def test_maximum_consideration_not_below_consideration() -> None:
    """Refuses an extended consideration shorter than the normal one."""
    with pytest.raises(InvalidValueError) as info:
        Ruleset(None, "x", methodology_consideration_days=60, methodology_consideration_max_days=45)
    assert info.value.field == "methodology_consideration_max_days"


@pytest.mark.parametrize(
    "rulesets",
    [(), (Ruleset("MNG", "1"),), (DEFAULT_RULESET, DEFAULT_RULESET), (DEFAULT_RULESET, "x")],
    ids=["empty", "no-default", "duplicate", "not-a-ruleset"],
)
def test_rulesets_table_is_checked(rulesets: tuple[Any, ...]) -> None:
    """Refuses a table that is empty, has no default, repeats a key or holds a non-ruleset."""
    with pytest.raises(InvalidValueError) as info:
        Rulesets(rulesets)
    assert info.value.field is not None
    assert info.value.field.startswith("rulesets")


_rulesets = st.builds(
    Ruleset,
    partner=st.none() | st.sampled_from(["MNG", "GEO", "PHL"]),
    version=st.text(st.characters(min_codepoint=48, max_codepoint=57), min_size=1, max_size=4),
    methodology_completeness_days=st.integers(1, 30),
    methodology_public_input_days=st.integers(1, 60),
    pdd_public_input_days=st.integers(1, 60),
    methodology_consideration_days=st.integers(1, 60),
    methodology_consideration_max_days=st.integers(60, 120),
    crediting_period_max_years=st.none() | st.integers(1, 30),
)


@given(_rulesets)
def test_ruleset_round_trips_through_json(ruleset: Ruleset) -> None:
    """Round-trips a ruleset and a table of rulesets through the converter and JSON exactly."""
    assert structure(unstructure(ruleset), Ruleset) == ruleset
    assert loads(dumps(ruleset), Ruleset) == ruleset
    table = DEFAULT_RULESETS.with_ruleset(ruleset)
    assert loads(dumps(table), Rulesets) == table


def test_ruleset_json_names_bad_field() -> None:
    """Names a period given as a fraction of days by its path."""
    data = unstructure(DEFAULT_RULESET)
    data["pdd_public_input_days"] = 30.5
    with pytest.raises(InvalidInputError) as info:
        structure(data, Ruleset)
    assert info.value.errors[0].path == "$.pdd_public_input_days"
