"""Tests of jcm.units: exact conversions, the quantity() field helper, the one rounding."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from jcm.errors import InvalidValueError
from jcm.units import (
    FRACTION,
    QUANTITY_KEY,
    UNITS,
    QuantitySpec,
    check_quantity,
    convert,
    floor_tonnes,
    floor_tonnes_array,
    quantity,
    quantity_spec,
)


@attrs.frozen
class _Parcel:
    area: float = quantity("ha", ge=0)
    share: float = quantity(FRACTION, ge=0, le=1, default=0.5)
    days: int = quantity("d", gt=0, integer=True, default=1)


def test_converts_kwh_to_mwh_exactly() -> None:
    """Converts the API.md example of 10,000,000 kWh to exactly 10,000 MWh."""
    assert convert(10_000_000, "kWh", "MWh") == 10_000.0


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (1.0, "GWh", "MWh", 1000.0),
        (3.6, "GJ", "MWh", 1.0),  # 1 MWh = 3.6 GJ exactly
        (1.0, "TJ", "MWh", 1000 / 3.6),
        (2500.0, "kg", "t", 2.5),
        (20_000.0, "m2", "ha", 2.0),
        (1.0, "km2", "ha", 100.0),
        (0.5, "kgCO2/kWh", "tCO2/MWh", 0.5),
        (500.0, "gCO2/kWh", "tCO2/MWh", 0.5),
        (1.0, "tCO2/MWh", "tCO2/TJ", 1 / 0.0036),
    ],
)
def test_converts_between_units_of_one_dimension(
    value: float, src: str, dst: str, expected: float
) -> None:
    """Converts each unit of API.md's table to its canonical unit within one rounding step."""
    assert math.isclose(convert(value, src, dst), expected, rel_tol=1e-15)


def test_rejects_incompatible_unit_naming_the_field() -> None:
    """Rejects a mass unit for an energy field, naming the field's unit."""
    with pytest.raises(InvalidValueError) as info:
        convert(1.0, "t", "MWh", field="electricity")
    assert info.value.field == "electricity.unit"
    assert "incompatible" in str(info.value)


def test_rejects_unknown_unit() -> None:
    """Rejects a unit symbol that is not in the table."""
    with pytest.raises(InvalidValueError, match="unknown unit"):
        convert(1.0, "furlong", "MWh")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_conversion_round_trips_within_one_ulp(value: float) -> None:
    """Round-trips kWh -> MWh -> kWh to within one unit in the last place."""
    back = convert(convert(value, "kWh", "MWh"), "MWh", "kWh")
    assert math.isclose(back, value, rel_tol=2.3e-16, abs_tol=1e-300)


def test_every_unit_has_a_positive_factor() -> None:
    """Keeps every unit's factor to its canonical unit strictly positive."""
    assert all(u.factor > 0 for u in UNITS.values())


def test_quantity_records_unit_in_metadata() -> None:
    """Records the unit and bounds of a quantity field in its attrs metadata."""
    spec = quantity_spec(attrs.fields(_Parcel).area)
    assert spec == QuantitySpec(unit="ha", ge=0)
    assert attrs.fields(_Parcel).share.metadata[QUANTITY_KEY].le == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"area": -1.0}, "area", ">= 0 [ha]"),
        ({"area": math.nan}, "area", "non-finite"),
        ({"area": math.inf}, "area", "non-finite"),
        ({"area": True}, "area", "finite number"),
        ({"area": "3"}, "area", "finite number"),
        ({"area": 1.0, "share": 55}, "share", "not a percentage"),
        ({"area": 1.0, "days": 2.5}, "days", "integer"),
        ({"area": 1.0, "days": 0}, "days", "> 0"),
    ],
)
def test_quantity_rejects_bad_values_naming_field(
    kwargs: dict[str, object], field: str, fragment: str
) -> None:
    """Rejects NaN, infinities, negatives, bools, strings, percentages and fractional days."""
    with pytest.raises(InvalidValueError) as info:
        _Parcel(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert fragment in str(info.value)


def test_check_quantity_returns_int_for_integer_specs() -> None:
    """Returns an int for an integral value of an integer quantity."""
    result = check_quantity(QuantitySpec("d", integer=True), "days", 3.0)
    assert result == 3
    assert isinstance(result, int)


def test_floor_tonnes_credits_an_integer_result_as_that_integer() -> None:
    """Credits 4.35 * 100 (434.99999999999994 in binary) as 435 (API.md rounding)."""
    value = 4.35 * 100
    assert value < 435
    assert floor_tonnes(value) == 435


@pytest.mark.parametrize(
    ("exact", "credited"),
    [(153.72, 153), (1070.6097768226919, 1070), (347078.16000000003, 347078), (0.0, 0)],
)
def test_floor_tonnes_matches_public_vectors(exact: float, credited: int) -> None:
    """Floors the exact reductions of vectors-public.json (AWD-1, AWD-2, REDD-1) to credits."""
    assert floor_tonnes(exact) == credited


def test_floor_tonnes_rounds_down_below_the_quantum() -> None:
    """Rounds 9.9999989 down to 9: only differences below 1e-6 are quantised away."""
    assert floor_tonnes(9.9999989) == 9
    assert floor_tonnes(9.9999999997) == 10


def test_floor_tonnes_rejects_nan() -> None:
    """Rejects a non-finite amount instead of crediting it."""
    with pytest.raises(InvalidValueError):
        floor_tonnes(math.nan)


@given(st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), max_size=50))
def test_floor_tonnes_array_agrees_with_scalar(values: list[float]) -> None:
    """Gives the same credits vectorised as one value at a time."""
    arr = np.array(values, dtype=np.float64)
    assert_array_equal(floor_tonnes_array(arr), [floor_tonnes(v) for v in values])
