"""Tests of jcm.serialization: the one converter, strict types, units, paths of every bad field."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.errors import InvalidInputError
from jcm.serialization import (
    canonical_json,
    dumps,
    loads,
    register_tagged_union,
    structure,
    unstructure,
)
from jcm.units import FRACTION, quantity


class _Regime(enum.Enum):
    FLOODED = "continuously_flooded"
    DRAINED = "multiple_drainage"


@attrs.frozen
class _Amendment:
    type: str
    rate: float = quantity("t/ha", ge=0)


@attrs.frozen
class _Stratum:
    name: str
    area: float = quantity("ha", ge=0)
    cultivation_days: int = quantity("d", gt=0, integer=True)
    regime: _Regime = _Regime.FLOODED
    organic_amendments: tuple[_Amendment, ...] = ()


@attrs.frozen
class _Input:
    start: dt.date
    strata: tuple[_Stratum, ...]
    share: Decimal = Decimal("100")
    average: Fraction = Fraction(0)
    deduction: float = quantity(FRACTION, ge=0, lt=1, default=0.0)


@attrs.frozen
class _PingRequest:
    actor: str


@attrs.frozen
class _TransferRequest:
    actor: str
    quantity: int


_Request = _PingRequest | _TransferRequest
register_tagged_union(_Request, {_PingRequest: "ping", _TransferRequest: "transfer"})


def _paths(exc: InvalidInputError) -> list[str]:
    return [e.path for e in exc.errors]


def test_accepts_quantity_with_unit_and_converts_exactly() -> None:
    """Converts {"value": 20000, "unit": "m2"} to 2 ha."""
    data = {
        "start": "2025-06-01",
        "strata": [{"name": "S", "area": {"value": 20000, "unit": "m2"}, "cultivation_days": 100}],
    }
    result = structure(data, _Input)
    assert result.strata[0].area == 2.0
    assert result.start == dt.date(2025, 6, 1)


def test_reports_every_bad_field_at_once_with_paths() -> None:
    """Reports every failing field of a nested input at once, each with its JSON path."""
    data = {
        "start": "2025-13-01",
        "strata": [
            {"name": "ok", "area": 1, "cultivation_days": 1},
            {
                "name": 5,
                "area": -1,
                "cultivation_days": 2.5,
                "regime": "wet",
                "colour": "red",
                "organic_amendments": [{"type": "compost", "rate": {"value": 1, "unit": "MWh"}}],
            },
        ],
        "share": 1.5,
        "extra": True,
    }
    with pytest.raises(InvalidInputError) as info:
        structure(data, _Input)
    assert sorted(_paths(info.value)) == sorted(
        [
            "$.start",
            "$.strata[1].name",
            "$.strata[1].area",
            "$.strata[1].cultivation_days",
            "$.strata[1].regime",
            "$.strata[1].colour",
            "$.strata[1].organic_amendments[0].rate.unit",
            "$.share",
            "$.extra",
        ]
    )
    codes = {e.path: e.code for e in info.value.errors}
    assert codes["$.strata[1].colour"] == "UNKNOWN_KEY"
    assert codes["$.strata[1].cultivation_days"] == "NON_INTEGER_QUANTITY"


def test_reports_missing_required_field() -> None:
    """Names a missing required field by its path."""
    with pytest.raises(InvalidInputError) as info:
        structure({"strata": []}, _Input)
    assert _paths(info.value) == ["$.start"]
    assert info.value.errors[0].code == "MISSING_FIELD"


@pytest.mark.parametrize(
    ("patch", "path", "fragment"),
    [
        ({"strata": "abc"}, "$.strata", "must be a list"),
        ({"deduction": 15}, "$.deduction", "not a percentage"),
        ({"deduction": float("nan")}, "$.deduction", "non-finite"),
        ({"deduction": True}, "$.deduction", "finite number"),
        ({"share": 33.33}, "$.share", "not a float"),
        ({"average": "1/0"}, "$.average", "fraction"),
        ({"start": 20250601}, "$.start", "ISO 8601"),
    ],
)
def test_rejects_loose_types(patch: dict[str, object], path: str, fragment: str) -> None:
    """Rejects strings for lists, percentages for fractions, NaN, bools, float decimals."""
    data: dict[str, object] = {"start": "2025-06-01", "strata": []}
    data.update(patch)
    with pytest.raises(InvalidInputError) as info:
        structure(data, _Input)
    assert _paths(info.value) == [path]
    assert fragment in str(info.value)


def test_names_the_value_of_a_quantity_with_unit_when_not_finite() -> None:
    """Names $.….area.value, not its unit, for NaN given with a unit."""
    data = {
        "start": "2025-06-01",
        "strata": [
            {"name": "S", "area": {"value": float("nan"), "unit": "m2"}, "cultivation_days": 1}
        ],
    }
    with pytest.raises(InvalidInputError) as info:
        structure(data, _Input)
    assert _paths(info.value) == ["$.strata[0].area.value"]


def test_reports_conversion_result_when_out_of_range() -> None:
    """Rejects a converted quantity that leaves its range, showing the converted value."""
    data = {
        "start": "2025-06-01",
        "strata": [{"name": "S", "area": {"value": -5, "unit": "km2"}, "cultivation_days": 1}],
    }
    with pytest.raises(InvalidInputError) as info:
        structure(data, _Input)
    assert _paths(info.value) == ["$.strata[0].area"]
    assert "-500" in str(info.value)


def test_unstructures_dates_decimals_fractions_and_enums() -> None:
    """Writes dates ISO 8601, decimals and fractions as strings, enums by value."""
    value = _Input(
        start=dt.date(2031, 3, 31),
        strata=(_Stratum("S", 1.0, 3, _Regime.DRAINED),),
        share=Decimal("33.33"),
        average=Fraction(250000, 3),
    )
    data = unstructure(value)
    assert data["start"] == "2031-03-31"
    assert data["share"] == "33.33"
    assert data["average"] == "250000/3"
    assert data["strata"][0]["regime"] == "multiple_drainage"
    assert structure(data, _Input) == value


def test_tagged_union_structures_by_type() -> None:
    """Structures a request union by its "type" tag and writes the tag back."""
    request = structure({"type": "transfer", "actor": "pp-a", "quantity": 5}, _Request)
    assert request == _TransferRequest("pp-a", 5)
    assert unstructure(request) == {"type": "transfer", "actor": "pp-a", "quantity": 5}


def test_tagged_union_rejects_unknown_type() -> None:
    """Names $.type and lists the known tags for an unknown request type."""
    with pytest.raises(InvalidInputError) as info:
        structure({"type": "teleport", "actor": "x"}, _Request)
    assert _paths(info.value) == ["$.type"]
    assert "ping, transfer" in str(info.value)


def test_loads_rejects_bad_json() -> None:
    """Reports text that is not JSON at the root path."""
    with pytest.raises(InvalidInputError) as info:
        loads("{not json", _Input)
    assert _paths(info.value) == ["$"]


def test_canonical_json_is_order_independent() -> None:
    """Gives the same canonical text for equal mappings built in different orders."""
    assert canonical_json({"b": 1, "a": [1, 2]}) == canonical_json({"a": [1, 2], "b": 1})
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


_stratum = st.builds(
    _Stratum,
    name=st.text(max_size=8),
    area=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    cultivation_days=st.integers(min_value=1, max_value=400),
    regime=st.sampled_from(_Regime),
    organic_amendments=st.lists(
        st.builds(
            _Amendment,
            type=st.text(max_size=5),
            rate=st.floats(min_value=0, max_value=100, allow_nan=False),
        ),
        max_size=3,
    ).map(tuple),
)
_input = st.builds(
    _Input,
    start=st.dates(),
    strata=st.lists(_stratum, max_size=4).map(tuple),
    share=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
    average=st.fractions(),
    deduction=st.floats(min_value=0, max_value=0.99, allow_nan=False),
)


@given(_input)
def test_round_trips_exactly_through_json_text(value: _Input) -> None:
    """Round-trips any input through JSON text to an equal value."""
    assert loads(dumps(value), _Input) == value
