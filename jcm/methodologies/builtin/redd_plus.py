"""``redd-plus``: avoided deforestation by the stock-difference method.

Follows the structure of JCM KH_PM004 and LA_AM004 (methodologies.md §3.2-3.3, [S12][S13]) with
IPCC 2006 Vol. 4 defaults::

    C_forest = B_AG x (1 + R) x CF        [tC/ha]   (or C_AG x (1 + R) when carbon is given)
    EF       = (C_forest - C_post) x 44/12 [tCO2/ha]
    RE_p     = A_forest x r x years_p x EF [tCO2]    (historical-rate option)
    PE_p     = A_monitored x EF            [tCO2]
    LE_p     = f x max(RE_p - PE_p, 0)     or  A_displaced x EF   [tCO2]

``years_p`` pro-rates the annual rate by the days of the period in each calendar year divided by
that year's length (leap years count 366; methodologies.md §1.6, icra/ecam#485). Worked example
(REDD-3a of §7.2): 1 Jan-30 Jun 2023 is 181/365 of a year, so RE = 100000 x 0.01 x 181/365 x
642.7373 = 318727.28 tCO2.

Leakage must be given (§8.2 R5: missing leakage data never defaults to zero).
"""

from __future__ import annotations

from typing import Final

import attrs

from jcm.core.period import MonitoringPeriod
from jcm.errors import InvalidValueError
from jcm.methodologies.protocol import (
    Emissions,
    FloatArray,
    GwpSet,
    as_float_array,
    gwp_field,
    uncertainty_deduction_field,
)
from jcm.methodologies.tables import CARBON_TO_CO2
from jcm.methodologies.union import register_keyed_union
from jcm.units import FRACTION, quantity

__all__ = [
    "MAX_PLAUSIBLE_CARBON_STOCK",
    "BiomassCarbonStock",
    "CarbonStock",
    "DisplacedDeforestation",
    "ForestCarbonStock",
    "Leakage",
    "LeakageFraction",
    "ReddPlus",
    "ReddPlusInputs",
    "carbon_stock_from_biomass",
    "deforestation_emission_factor",
    "period_years",
    "reference_emissions",
]

MAX_PLAUSIBLE_CARBON_STOCK: Final = 300.0
"""A carbon stock above this [tC/ha] is taken for biomass or CO2 (methodologies.md §8.2 R4:
"values > 300 tC/ha for a tropical non-peat class"); it also bounds EF below 1100 tCO2/ha, so
44/12 applied twice cannot pass."""


def carbon_stock_from_biomass(
    aboveground_biomass: FloatArray, root_to_shoot_ratio: FloatArray, carbon_fraction: FloatArray
) -> FloatArray:
    """C = B_AG x (1 + R) x CF [tC/ha], carbon in above- and below-ground biomass.

    IPCC 2006 Vol. 4 Eq. 2.16 form with Tables 4.3 (CF), 4.4 (R), 4.7 (B_AG); methodologies.md §3.3.

    Parameters
    ----------
    aboveground_biomass : FloatArray
        B_AG [t d.m./ha].
    root_to_shoot_ratio : FloatArray
        R [1].
    carbon_fraction : FloatArray
        CF [tC/t d.m.].

    Returns
    -------
    FloatArray
        Carbon stock [tC/ha].
    """
    return aboveground_biomass * (1.0 + root_to_shoot_ratio) * carbon_fraction


def deforestation_emission_factor(forest_carbon: FloatArray, post_carbon: FloatArray) -> FloatArray:
    """EF_i->j = (C_i - C_j) x 44/12 [tCO2/ha] (stock difference; methodologies.md §3.3).

    Parameters
    ----------
    forest_carbon : FloatArray
        C_i, carbon stock of the forest [tC/ha].
    post_carbon : FloatArray
        C_j, carbon stock after deforestation [tC/ha] (IPCC 2006 Vol. 4 Table 5.9: 5.0 for
        annual cropland one year after conversion).

    Returns
    -------
    FloatArray
        Emission factor [tCO2/ha].
    """
    return (forest_carbon - post_carbon) * CARBON_TO_CO2


def period_years(period: MonitoringPeriod) -> float:
    """years_p = Σ_years days_p,y / days_y [y]: the period as a fraction of calendar years.

    methodologies.md §1.6: pro-rate annual quantities by the days of the period in each calendar
    year over that year's length (366 in a leap year).

    Parameters
    ----------
    period : MonitoringPeriod
        The monitoring period.

    Returns
    -------
    float
        Length of the period [y].
    """
    total = 0.0
    for piece in period.split_by_calendar_year():
        year = piece.start.year
        days_in_year = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
        total += piece.days / days_in_year
    return total


def reference_emissions(
    forest_area: FloatArray,
    deforestation_rate: FloatArray,
    years: float,
    emission_factor: FloatArray,
) -> FloatArray:
    """RE_p = A_forest x r_hist x years_p x EF [tCO2] (historical-rate option; §3.3).

    Parameters
    ----------
    forest_area : FloatArray
        A_forest, forest area of the reference region [ha].
    deforestation_rate : FloatArray
        r_hist, reference deforestation rate [1/y].
    years : float
        years_p [y].
    emission_factor : FloatArray
        EF [tCO2/ha].

    Returns
    -------
    FloatArray
        Reference emissions [tCO2].
    """
    return forest_area * deforestation_rate * years * emission_factor


def _check_carbon(field: str, value: float) -> None:
    if value > MAX_PLAUSIBLE_CARBON_STOCK:
        raise InvalidValueError(
            field,
            value,
            f"must be <= {MAX_PLAUSIBLE_CARBON_STOCK:g} [tC/ha] to be plausible; biomass "
            "(t d.m./ha) or tCO2/ha given?",
            code="UNIT_SUSPECT",
        )


@attrs.frozen(kw_only=True)
class BiomassCarbonStock:
    """Forest carbon stock given as above-ground biomass (IPCC 2006 Vol. 4).

    Parameters
    ----------
    aboveground_biomass
        B_AG [t d.m./ha] (Table 4.7: 280 for Asian continental tropical rain forest).
    root_to_shoot_ratio
        R [1] in [0, 1] (Table 4.4: 0.37).
    carbon_fraction
        CF [1] in (0, 1] (Table 4.3: 0.47).
    """

    aboveground_biomass: float = quantity("tdm/ha", ge=0)
    root_to_shoot_ratio: float = quantity(FRACTION, ge=0, le=1)
    carbon_fraction: float = quantity(FRACTION, gt=0, le=1)

    def carbon(self) -> float:
        """C_forest [tC/ha]."""
        return float(
            carbon_stock_from_biomass(
                as_float_array(self.aboveground_biomass),
                as_float_array(self.root_to_shoot_ratio),
                as_float_array(self.carbon_fraction),
            )[0]
        )


@attrs.frozen(kw_only=True)
class CarbonStock:
    """Forest carbon stock given as above-ground carbon.

    Parameters
    ----------
    aboveground_carbon
        C_AG [tC/ha].
    root_to_shoot_ratio
        R [1] in [0, 1].
    """

    aboveground_carbon: float = quantity("tC/ha", ge=0)
    root_to_shoot_ratio: float = quantity(FRACTION, ge=0, le=1)

    def carbon(self) -> float:
        """C_forest = C_AG x (1 + R) [tC/ha]."""
        return self.aboveground_carbon * (1.0 + self.root_to_shoot_ratio)


ForestCarbonStock = BiomassCarbonStock | CarbonStock
"""The forest carbon stock, as biomass or as carbon (told apart by their keys)."""

register_keyed_union(
    ForestCarbonStock,
    (("aboveground_biomass", BiomassCarbonStock), ("aboveground_carbon", CarbonStock)),
)


@attrs.frozen(kw_only=True)
class LeakageFraction:
    """Leakage as a fraction of the gross reductions RE - PE.

    Parameters
    ----------
    fraction_of_gross_reductions
        f [1] in [0, 1].
    """

    fraction_of_gross_reductions: float = quantity(FRACTION, ge=0, le=1)


@attrs.frozen(kw_only=True)
class DisplacedDeforestation:
    """Leakage as deforestation displaced outside the project area (KH_PM004 displaced emissions).

    Parameters
    ----------
    displaced_deforestation
        A_displaced [ha].
    """

    displaced_deforestation: float = quantity("ha", ge=0)


Leakage = LeakageFraction | DisplacedDeforestation
"""Leakage, as a fraction of gross reductions or as displaced deforestation."""

register_keyed_union(
    Leakage,
    (
        ("fraction_of_gross_reductions", LeakageFraction),
        ("displaced_deforestation", DisplacedDeforestation),
    ),
)


@attrs.frozen(kw_only=True)
class ReddPlusInputs:
    """Inputs of ``redd-plus`` (API.md "redd-plus").

    Parameters
    ----------
    period
        The monitoring period (pro-rated by days in each calendar year).
    forest_carbon_stock
        C_forest, as biomass or as carbon.
    post_deforestation_carbon_stock
        C_post [tC/ha].
    reference_forest_area
        A_forest [ha].
    reference_deforestation_rate
        r_hist [1/y] in [0, 1].
    monitored_deforestation
        A_monitored, deforestation monitored in the project area during the period [ha].
    leakage
        Leakage (required).
    gwp, uncertainty_deduction
        As for every built-in (API.md).
    """

    period: MonitoringPeriod
    forest_carbon_stock: ForestCarbonStock
    post_deforestation_carbon_stock: float = quantity("tC/ha", ge=0)
    reference_forest_area: float = quantity("ha", ge=0)
    reference_deforestation_rate: float = quantity("1/y", ge=0, le=1)
    monitored_deforestation: float = quantity("ha", ge=0)
    leakage: Leakage = attrs.field(
        validator=attrs.validators.instance_of((LeakageFraction, DisplacedDeforestation))
    )
    gwp: GwpSet = gwp_field()  # noqa: RUF009 - an attrs field, not a shared default
    uncertainty_deduction: float = uncertainty_deduction_field()

    def __attrs_post_init__(self) -> None:
        _check_carbon("post_deforestation_carbon_stock", self.post_deforestation_carbon_stock)
        forest = self.forest_carbon_stock.carbon()
        _check_carbon("forest_carbon_stock", forest)
        if self.post_deforestation_carbon_stock > forest:
            raise InvalidValueError(
                "post_deforestation_carbon_stock",
                self.post_deforestation_carbon_stock,
                f"must not exceed the forest carbon stock ({forest:g} tC/ha)",
            )


class ReddPlus:
    """The ``redd-plus`` methodology (see the module docstring)."""

    id = "redd-plus"
    version = "1.0"
    title = "Reducing emissions from deforestation (stock-difference method)"
    follows: tuple[str, ...] = ("KH_PM004", "LA_AM004")
    Inputs: type[ReddPlusInputs] = ReddPlusInputs

    def calculate(self, inputs: ReddPlusInputs) -> Emissions:
        """RE, PE and LE [tCO2] over the period."""
        ef = deforestation_emission_factor(
            as_float_array(inputs.forest_carbon_stock.carbon()),
            as_float_array(inputs.post_deforestation_carbon_stock),
        )
        reference = reference_emissions(
            as_float_array(inputs.reference_forest_area),
            as_float_array(inputs.reference_deforestation_rate),
            period_years(inputs.period),
            ef,
        )
        project = as_float_array(inputs.monitored_deforestation) * ef
        leak = inputs.leakage
        if isinstance(leak, LeakageFraction):
            gross = max(float(reference[0] - project[0]), 0.0)
            leakage = as_float_array(leak.fraction_of_gross_reductions * gross)
        else:
            leakage = as_float_array(leak.displaced_deforestation) * ef
        return Emissions(
            reference=reference,
            project=project,
            leakage=leakage,
            uncertainty_deduction=inputs.uncertainty_deduction,
            gwp_set=inputs.gwp.value,
        )
