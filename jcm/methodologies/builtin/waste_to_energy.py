"""``waste-to-energy``: incineration of municipal solid waste with power generation.

Reference emissions are the landfill methane avoided, by the first-order-decay model of CDM Tool 04
(application B; :mod:`jcm.methodologies.decay`), plus the grid electricity displaced; project
emissions are the fossil CO2 of the waste burnt and of the auxiliary fuel (IPCC 2006 Vol. 5 Ch. 5,
Vol. 2 Ch. 1; methodologies.md §4.2)::

    RE_y   = BE_CH4,SWDS,y + EG_net,y x EF_grid,y
    PE_y   = PE_COM,y + PE_FC,y
    PE_COM = Σ_j W_j,y x dm_j x CF_j x FCF_j x OF x 44/12
    PE_FC  = Σ_fuel FC x NCV x EF_CO2 x 10^-3

Worked example (WTE-1 of methodologies.md §7.2): 182500 t in year 1, 91872 MWh x 0.6 exported,
101.4 t of diesel: RE 93923.0168, PE 77487.3758, ER 16435.6410 tCO2e. Avoided methane ramps up
over the years while fossil CO2 is immediate, so year 1 can be small or negative.
"""

from __future__ import annotations

import enum
from typing import Any, Final

import attrs
import numpy as np

from jcm.errors import InvalidValueError, Problem, Severity
from jcm.methodologies.decay import first_order_decay_methane, tool04_prefactor
from jcm.methodologies.protocol import (
    Emissions,
    FloatArray,
    GwpSet,
    gwp_field,
    uncertainty_deduction_field,
)
from jcm.methodologies.tables import (
    CARBON_TO_CO2,
    FOSSIL_CARBON,
    GWP_SETS,
    INCINERATION_OXIDATION_FACTOR,
    TOOL04_DECAY_RATES,
    TOOL04_DEGRADABLE_ORGANIC_CARBON,
    TOOL04_PARAMETERS,
)
from jcm.units import FRACTION, quantity

__all__ = [
    "ALLOWED_OXIDATION_FACTORS",
    "COMPOSITION_TOLERANCE",
    "PLAUSIBLE_ELECTRICITY_PER_TONNE",
    "AuxiliaryFuel",
    "Climate",
    "WasteComposition",
    "WasteDelivery",
    "WasteToEnergy",
    "WasteToEnergyInputs",
    "auxiliary_fuel_emissions",
    "displaced_grid_emissions",
    "fossil_combustion_emissions",
]

COMPOSITION_TOLERANCE: Final = 1e-6
"""Waste fractions must sum to 1 within this [1] (methodologies.md §8.3 W6)."""
ALLOWED_OXIDATION_FACTORS: Final = (0.0, 0.1)
"""OX is 0.1 for a managed SWDS covered with oxidising material, else 0 (IPCC 2006 Vol. 5 Table
3.2; methodologies.md §8.3 W6)."""
PLAUSIBLE_ELECTRICITY_PER_TONNE: Final = (0.2, 1.5)
"""Net export per tonne incinerated outside this range [MWh/t] draws a warning (§8.3 W4)."""


class Climate(enum.Enum):
    """Climate zone of the SWDS, which selects the decay rates k_j (IPCC 2006 Vol. 5 Table 3.3)."""

    BOREAL_TEMPERATE_DRY = "boreal_temperate_dry"
    BOREAL_TEMPERATE_WET = "boreal_temperate_wet"
    TROPICAL_DRY = "tropical_dry"
    TROPICAL_WET = "tropical_wet"


def fossil_combustion_emissions(
    waste_mass: FloatArray,
    dry_matter: FloatArray,
    carbon: FloatArray,
    fossil: FloatArray,
    oxidation: float,
) -> FloatArray:
    """PE_COM,j = W_j x dm_j x CF_j x FCF_j x OF x 44/12 [tCO2] (IPCC 2006 Vol. 5 Eq. 5.2).

    methodologies.md §4.2 (defaults of Table 2.4/2.6 in
    :data:`~jcm.methodologies.tables.FOSSIL_CARBON`).

    Parameters
    ----------
    waste_mass : FloatArray
        W_j, wet waste of type j incinerated in year y [t].
    dry_matter : FloatArray
        dm_j [t d.m./t].
    carbon : FloatArray
        CF_j [tC/t d.m.].
    fossil : FloatArray
        FCF_j [1].
    oxidation : float
        OF [1].

    Returns
    -------
    FloatArray
        Fossil CO2 [tCO2].
    """
    return waste_mass * dry_matter * carbon * fossil * oxidation * CARBON_TO_CO2


def auxiliary_fuel_emissions(
    mass: FloatArray, net_calorific_value: FloatArray, emission_factor: FloatArray
) -> FloatArray:
    """PE_FC = FC x NCV x EF_CO2 / 1000 [tCO2] (IPCC 2006 Vol. 2 Eq. 2.1; methodologies.md §4.2).

    Parameters
    ----------
    mass : FloatArray
        FC, fuel burnt [t].
    net_calorific_value : FloatArray
        NCV [GJ/t].
    emission_factor : FloatArray
        EF_CO2 [tCO2/TJ].

    Returns
    -------
    FloatArray
        CO2 [tCO2].
    """
    return mass * net_calorific_value / 1000.0 * emission_factor


def displaced_grid_emissions(electricity: FloatArray, emission_factor: FloatArray) -> FloatArray:
    """RE_elec = EG_net,y x EF_grid,y [tCO2] (methodologies.md §4.2).

    Parameters
    ----------
    electricity : FloatArray
        EG_net,y, net electricity exported in year y [MWh].
    emission_factor : FloatArray
        EF_grid,y [tCO2/MWh].

    Returns
    -------
    FloatArray
        Displaced grid emissions [tCO2].
    """
    return electricity * emission_factor


def _fraction(default: float = 0.0) -> Any:
    return quantity(FRACTION, ge=0, le=1, default=default)


@attrs.frozen(kw_only=True)
class WasteComposition:
    """Wet-weight fractions of each waste type [1]; absent types are 0; they sum to 1.

    Parameters
    ----------
    food, garden, paper, wood, textiles, nappies, sludge, rubber_leather, plastics, inert
        p_j [1] in [0, 1].
    """

    food: float = _fraction()
    garden: float = _fraction()
    paper: float = _fraction()
    wood: float = _fraction()
    textiles: float = _fraction()
    nappies: float = _fraction()
    sludge: float = _fraction()
    rubber_leather: float = _fraction()
    plastics: float = _fraction()
    inert: float = _fraction()

    def __attrs_post_init__(self) -> None:
        total = sum(self.fractions().values())
        if abs(total - 1.0) > COMPOSITION_TOLERANCE:
            raise InvalidValueError(
                "composition",
                {k: v for k, v in self.fractions().items() if v},
                f"fractions must sum to 1 (± {COMPOSITION_TOLERANCE:g}), not {total:g}; "
                "fractions, not percentages",
            )

    def fractions(self) -> dict[str, float]:
        """The fractions by waste type, in field order."""
        return {f.name: getattr(self, f.name) for f in attrs.fields(WasteComposition)}


@attrs.frozen(kw_only=True)
class WasteDelivery:
    """Waste prevented from disposal (incinerated) in year ``year`` of the crediting period.

    Parameters
    ----------
    year
        x, year of the crediting period (1 = first) [y].
    mass
        W_x, wet mass [t].
    composition
        Fractions by type.
    """

    year: int = quantity("y", ge=1, integer=True)
    mass: float = quantity("t", ge=0)
    composition: WasteComposition = attrs.field(
        validator=attrs.validators.instance_of(WasteComposition)
    )


@attrs.frozen(kw_only=True)
class AuxiliaryFuel:
    """Fossil fuel burnt in the incinerator in year y.

    Parameters
    ----------
    mass
        FC [t].
    net_calorific_value
        NCV [GJ/t] (gas/diesel oil 43.0).
    emission_factor
        EF_CO2 [tCO2/TJ] (gas/diesel oil 74.1).
    """

    mass: float = quantity("t", ge=0)
    net_calorific_value: float = quantity("GJ/t", gt=0)
    emission_factor: float = quantity("tCO2/TJ", ge=0)


def _non_empty(_instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    if not value:
        raise InvalidValueError(attribute.name, [], "must list at least one waste delivery")


def _check_oxidation(value: float) -> None:
    if value not in ALLOWED_OXIDATION_FACTORS:
        raise InvalidValueError(
            "oxidation_factor",
            value,
            "must be 0.1 (managed SWDS covered with oxidising material) or 0 (IPCC 2006 Vol. 5 "
            "Table 3.2)",
        )


@attrs.frozen(kw_only=True)
class WasteToEnergyInputs:
    """Inputs of ``waste-to-energy`` for crediting year y (API.md "waste-to-energy").

    Parameters
    ----------
    crediting_year
        y [y], >= 1; results are for that year.
    climate
        Climate zone (selects k_j).
    waste
        Waste incinerated in years 1..y (each year's deliveries; used for FOD, and year y's for
        the fossil CO2).
    net_electricity_exported
        EG_net,y [MWh].
    grid_emission_factor
        EF_grid,y [tCO2/MWh].
    auxiliary_fuel
        Fossil fuel burnt in year y.
    model_correction_factor, oxidation_factor, methane_correction_factor, fraction_methane_captured
        φ, OX, MCF, f [1] (defaults 0.85, 0.1, 1.0, 0).
    gwp, uncertainty_deduction
        As for every built-in (API.md).
    """

    crediting_year: int = quantity("y", ge=1, integer=True)
    climate: Climate = attrs.field(validator=attrs.validators.instance_of(Climate))
    waste: tuple[WasteDelivery, ...] = attrs.field(converter=tuple, validator=_non_empty)
    net_electricity_exported: float = quantity("MWh", ge=0)
    grid_emission_factor: float = quantity("tCO2/MWh", ge=0)
    auxiliary_fuel: tuple[AuxiliaryFuel, ...] = attrs.field(default=(), converter=tuple)
    model_correction_factor: float = quantity(
        FRACTION, gt=0, le=1, default=TOOL04_PARAMETERS["model_correction_factor"]
    )
    oxidation_factor: float = quantity(
        FRACTION, ge=0, le=1, default=TOOL04_PARAMETERS["oxidation_factor"]
    )
    methane_correction_factor: float = quantity(
        FRACTION, gt=0, le=1, default=TOOL04_PARAMETERS["methane_correction_factor"]
    )
    fraction_methane_captured: float = quantity(
        FRACTION, ge=0, le=1, default=TOOL04_PARAMETERS["fraction_methane_captured"]
    )
    gwp: GwpSet = gwp_field()  # noqa: RUF009 - an attrs field, not a shared default
    uncertainty_deduction: float = uncertainty_deduction_field()

    def __attrs_post_init__(self) -> None:
        _check_oxidation(self.oxidation_factor)
        for i, delivery in enumerate(self.waste):
            if delivery.year > self.crediting_year:
                raise InvalidValueError(
                    f"waste[{i}].year",
                    delivery.year,
                    f"must not be after crediting_year ({self.crediting_year}); Tool 04 sums "
                    "x = 1..y",
                )


class WasteToEnergy:
    """The ``waste-to-energy`` methodology (see the module docstring)."""

    id = "waste-to-energy"
    version = "1.0"
    title = "Waste-to-energy: MSW incineration with power generation (CDM Tool 04 FOD)"
    follows: tuple[str, ...] = ()
    Inputs: type[WasteToEnergyInputs] = WasteToEnergyInputs

    def calculate(self, inputs: WasteToEnergyInputs) -> Emissions:
        """RE (avoided methane terms, displaced electricity) and PE (fossil CO2 terms) [tCO2e]."""
        y = inputs.crediting_year
        k = TOOL04_DECAY_RATES[inputs.climate.value]
        prefactor = tool04_prefactor(
            model_correction_factor=inputs.model_correction_factor,
            fraction_methane_captured=inputs.fraction_methane_captured,
            gwp_ch4=GWP_SETS[inputs.gwp.value]["CH4"],
            oxidation_factor=inputs.oxidation_factor,
            methane_fraction=TOOL04_PARAMETERS["methane_fraction_in_landfill_gas"],
            fraction_doc_decomposing=TOOL04_PARAMETERS["fraction_doc_decomposing"],
            methane_correction_factor=inputs.methane_correction_factor,
        )
        masses: list[float] = []
        docs: list[float] = []
        rates: list[float] = []
        ages: list[float] = []
        burnt: list[float] = []
        dm: list[float] = []
        cf: list[float] = []
        fcf: list[float] = []
        incinerated_in_y = 0.0
        for delivery in inputs.waste:
            for waste_type, fraction in delivery.composition.fractions().items():
                if fraction == 0.0:
                    continue
                mass = delivery.mass * fraction
                doc = TOOL04_DEGRADABLE_ORGANIC_CARBON[waste_type]
                if doc > 0:
                    masses.append(mass)
                    docs.append(doc)
                    rates.append(k[waste_type])
                    ages.append(float(y - delivery.year))
                if delivery.year == y:
                    defaults = FOSSIL_CARBON[waste_type]
                    burnt.append(mass)
                    dm.append(defaults.dry_matter)
                    cf.append(defaults.carbon)
                    fcf.append(defaults.fossil)
            if delivery.year == y:
                incinerated_in_y += delivery.mass
        methane = first_order_decay_methane(
            prefactor, np.array(masses), np.array(docs), np.array(rates), np.array(ages)
        )
        electricity = displaced_grid_emissions(
            np.array([inputs.net_electricity_exported]), np.array([inputs.grid_emission_factor])
        )
        combustion = fossil_combustion_emissions(
            np.array(burnt),
            np.array(dm),
            np.array(cf),
            np.array(fcf),
            INCINERATION_OXIDATION_FACTOR,
        )
        fuel = auxiliary_fuel_emissions(
            np.array([f.mass for f in inputs.auxiliary_fuel]),
            np.array([f.net_calorific_value for f in inputs.auxiliary_fuel]),
            np.array([f.emission_factor for f in inputs.auxiliary_fuel]),
        )
        return Emissions(
            reference=np.concatenate([methane, electricity]),
            project=np.concatenate([combustion, fuel, np.zeros(1)]),
            uncertainty_deduction=inputs.uncertainty_deduction,
            gwp_set=inputs.gwp.value,
            problems=_plausibility(inputs.net_electricity_exported, incinerated_in_y),
        )


def _plausibility(exported: float, incinerated: float) -> tuple[Problem, ...]:
    low, high = PLAUSIBLE_ELECTRICITY_PER_TONNE
    if exported > 0 and incinerated > 0 and not low <= exported / incinerated <= high:
        return (
            Problem(
                "implausible_electricity_per_tonne",
                f"net export {exported:g} MWh for {incinerated:g} t incinerated is "
                f"{exported / incinerated:.3g} MWh/t, outside {low:g}-{high:g}: kWh or kg given?",
                Severity.WARNING,
                field="$.net_electricity_exported",
            ),
        )
    return ()
