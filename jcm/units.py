"""Units of measure, the ``quantity()`` field helper, and the single rounding function.

Every numeric input of ``jcm`` has a canonical unit (``shared/design/API.md``, "Numbers and units in
JSON"). A value may be given in any unit of the same dimension; conversion uses exact rational
factors and a single correctly rounded step to float64::

    >>> convert(10_000_000, "kWh", "MWh")
    10000.0
    >>> convert(1, "tCO2/MWh", "tCO2/TJ")   # 1 MWh = 3.6 GJ = 0.0036 TJ
    277.77777777777777

Units that have no alternatives here (``kgCH4/ha/d``, ``lm/W``, ``1``, ...) still form their own
dimension, so a wrong unit is always an error naming the field. A fraction is the unit ``"1"`` in
[0, 1]: a percentage written as 55 is rejected, never silently divided by 100.

Rounding: credits are whole tCO2e. :func:`floor_tonnes` is the only rounding function of ``jcm``;
it is called only where a rule says to round down (API.md "Rounding of emission reductions").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from jcm.errors import InvalidValueError

__all__ = [
    "FRACTION",
    "QUANTITY_KEY",
    "UNITS",
    "QuantitySpec",
    "Unit",
    "check_quantity",
    "convert",
    "floor_tonnes",
    "floor_tonnes_array",
    "quantity",
    "quantity_spec",
    "unit_of",
]

QUANTITY_KEY: Final = "jcm_quantity"
"""The key under which ``quantity()`` stores its ``QuantitySpec`` in attrs field metadata."""

FRACTION: Final = "1"
"""The unit symbol of a dimensionless fraction or ratio."""


@attrs.frozen
class Unit:
    """A unit: its symbol, its dimension, and the exact factor to the dimension's canonical unit.

    ``value_in_canonical = value * factor``.
    """

    symbol: str
    dimension: str
    factor: Fraction


def _table() -> dict[str, Unit]:
    rows: list[tuple[str, str, Fraction]] = [
        # energy, canonical MWh
        ("MWh", "energy", Fraction(1)),
        ("kWh", "energy", Fraction(1, 1000)),
        ("GWh", "energy", Fraction(1000)),
        ("GJ", "energy", Fraction(10, 36)),  # 1 GJ = 1/3.6 MWh
        ("TJ", "energy", Fraction(10_000, 36)),
        # mass, canonical t
        ("t", "mass", Fraction(1)),
        ("kg", "mass", Fraction(1, 1000)),
        # area, canonical ha
        ("ha", "area", Fraction(1)),
        ("m2", "area", Fraction(1, 10_000)),
        ("km2", "area", Fraction(100)),
        # emission factor per energy, canonical tCO2/MWh
        ("tCO2/MWh", "emission_factor_energy", Fraction(1)),
        ("kgCO2/kWh", "emission_factor_energy", Fraction(1)),
        ("gCO2/kWh", "emission_factor_energy", Fraction(1, 1000)),
        ("tCO2/GJ", "emission_factor_energy", Fraction(36, 10)),
        ("tCO2/TJ", "emission_factor_energy", Fraction(36, 10_000)),
        ("kgCO2/GJ", "emission_factor_energy", Fraction(36, 10_000)),
        # emissions, canonical tCO2e
        ("tCO2e", "emissions", Fraction(1)),
        ("tCO2", "emissions", Fraction(1)),
        ("ktCO2e", "emissions", Fraction(1000)),
        # time
        ("d", "time_days", Fraction(1)),
        ("y", "time_years", Fraction(1)),
        # stand-alone units of the methodologies (no alternatives offered)
        ("1", "dimensionless", Fraction(1)),
        ("1/y", "rate_per_year", Fraction(1)),
        ("kgCH4/ha/d", "methane_flux", Fraction(1)),
        ("kgN/ha", "nitrogen_rate", Fraction(1)),
        ("t/ha", "mass_per_area", Fraction(1)),
        ("tC/ha", "carbon_stock", Fraction(1)),
        ("tdm/ha", "biomass_stock", Fraction(1)),
        ("GJ/t", "calorific_value", Fraction(1)),
        ("lm/W", "luminous_efficacy", Fraction(1)),
        ("MW", "power", Fraction(1)),
        ("kW", "power", Fraction(1, 1000)),
        ("t/d", "mass_flow", Fraction(1)),
    ]
    return {sym: Unit(sym, dim, fac) for sym, dim, fac in rows}


UNITS: Final[Mapping[str, Unit]] = _table()
"""Every unit ``jcm`` understands, by symbol."""


def unit_of(symbol: str, *, field: str = "unit") -> Unit:
    """The ``Unit`` for a symbol, or ``InvalidValueError`` naming the field."""
    try:
        return UNITS[symbol]
    except (KeyError, TypeError):
        raise InvalidValueError(
            field, symbol, f"unknown unit; known units: {', '.join(sorted(UNITS))}"
        ) from None


def convert(value: float, from_unit: str, to_unit: str, *, field: str = "value") -> float:
    """Convert ``value`` from one unit to another of the same dimension, exactly.

    The factor is rational and applied to the exact binary value of ``value``; the result is the
    float64 nearest to the exact product, so ``convert(10_000_000, "kWh", "MWh") == 10000.0``.

    Raises
    ------
    InvalidValueError
        When the units are unknown or of different dimensions (names ``field``).
    """
    src = unit_of(from_unit, field=f"{field}.unit")
    dst = unit_of(to_unit, field=f"{field}.unit")
    if src.dimension != dst.dimension:
        raise InvalidValueError(
            f"{field}.unit",
            from_unit,
            f"incompatible unit: expected a unit convertible to {to_unit} ({dst.dimension})",
        )
    if src.factor == dst.factor:
        return float(value)
    if not math.isfinite(value):
        raise InvalidValueError(field, value, "must be a finite number")
    return float(Fraction(value) * src.factor / dst.factor)


@attrs.frozen
class QuantitySpec:
    """What a numeric field accepts: its canonical unit, its bounds and whether it is an integer.

    Bounds are inclusive (``ge``, ``le``) or exclusive (``gt``, ``lt``); ``None`` means unbounded.
    """

    unit: str
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    integer: bool = False

    def describe(self) -> str:
        """The rule in words, with the unit: ``"a number >= 0 [ha]"``."""
        parts = []
        if self.ge is not None:
            parts.append(f">= {self.ge:g}")
        if self.gt is not None:
            parts.append(f"> {self.gt:g}")
        if self.le is not None:
            parts.append(f"<= {self.le:g}")
        if self.lt is not None:
            parts.append(f"< {self.lt:g}")
        kind = "an integer" if self.integer else "a finite number"
        return f"{kind}{' ' + ' and '.join(parts) if parts else ''} [{self.unit}]"


def check_quantity(spec: QuantitySpec, field: str, value: object) -> float | int:
    """Check one value against its spec; return it (int for integer specs, else float).

    Raises ``InvalidValueError`` naming ``field``, the value and the rule for a non-number (a bool
    is not a number), a non-finite number, a fractional value for an integer field, or a value out
    of bounds.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidValueError(field, value, f"must be {spec.describe()}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidValueError(field, value, f"must be {spec.describe()}; got a non-finite value")
    if spec.integer and not number.is_integer():
        raise InvalidValueError(field, value, f"must be {spec.describe()}")
    if (
        (spec.ge is not None and number < spec.ge)
        or (spec.gt is not None and number <= spec.gt)
        or (spec.le is not None and number > spec.le)
        or (spec.lt is not None and number >= spec.lt)
    ):
        rule = f"must be {spec.describe()}"
        if spec.unit == FRACTION and 1 in (spec.le, spec.lt) and number > 1:
            rule += " (a fraction, not a percentage: write 0.55, not 55)"
        raise InvalidValueError(field, value, rule)
    if spec.integer:
        return int(number)
    return number


def quantity_spec(field: attrs.Attribute[Any]) -> QuantitySpec | None:
    """The ``QuantitySpec`` of an attrs field made by ``quantity()``, or None."""
    spec = field.metadata.get(QUANTITY_KEY)
    return spec if isinstance(spec, QuantitySpec) else None


def _validator(spec: QuantitySpec) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def validate(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_quantity(spec, attribute.name, value)

    return validate


def quantity(
    unit: str,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    integer: bool = False,
    default: Any = attrs.NOTHING,
    doc: str | None = None,
) -> Any:
    """An attrs field for a number in ``unit``, validated for type, finiteness and range.

    The unit and bounds are recorded in the field's metadata (``QUANTITY_KEY``), where the JSON
    converter reads them to accept ``{"value": ..., "unit": ...}`` and the conformance checks read
    them to ensure that every number has a unit.

    Examples
    --------
    >>> @attrs.frozen
    ... class Stratum:
    ...     area: float = quantity("ha", ge=0)
    >>> Stratum(area=-1)
    Traceback (most recent call last):
    ...
    jcm.errors.InvalidValueError: area: -1 is invalid: must be a finite number >= 0 [ha]
    """
    unit_of(unit, field="unit")
    spec = QuantitySpec(unit=unit, ge=ge, gt=gt, le=le, lt=lt, integer=integer)
    metadata: dict[str, Any] = {QUANTITY_KEY: spec}
    if doc is not None:
        metadata["doc"] = doc
    return attrs.field(default=default, validator=_validator(spec), metadata=metadata)


def floor_tonnes(value: float) -> int:
    """Whole tCO2e credited for an exact amount: ``floor`` after quantising to 1e-6.

    Quantising first means that a result which is mathematically an integer but lands a few ulps
    below it in binary floating point (``4.35 * 100 = 434.99999999999994``) is still credited as
    that integer. Negative values floor as usual; the caller decides what a negative amount means.

    Implements API.md "Rounding of emission reductions"; methodologies.md §1.4 (JCM rounds emission
    reductions down to whole tCO2e).

    Parameters
    ----------
    value : float
        Exact emission reductions [tCO2e].

    Returns
    -------
    int
        Whole credits [tCO2e].
    """
    if not math.isfinite(value):
        raise InvalidValueError("emission_reductions_exact", value, "must be a finite number")
    return math.floor(round(value, 6))


def floor_tonnes_array(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Vectorised :func:`floor_tonnes` over an array [tCO2e] -> int64 [tCO2e]."""
    arr = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)][0]
        raise InvalidValueError("emission_reductions_exact", float(bad), "must be finite")
    return np.floor(np.round(arr, 6)).astype(np.int64)
