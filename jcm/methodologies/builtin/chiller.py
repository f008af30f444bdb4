"""``chiller``: a high-efficiency chiller replacing a reference one (JCM TH_AM005 structure).

TH_AM005 Ver3.0 (methodologies.md §6.1, [S9]): the cooling delivered is the same with either
chiller, so the reference chiller would have consumed EC_PJ x COP_PJ / COP_RE::

    RE_p = EC_PJ,p x COP_PJ / COP_RE x EF_elec      [tCO2]
    PE_p = EC_PJ,p x EF_elec                        [tCO2]

Worked example (EE-1 of methodologies.md §7.2): EC 1500 MWh, COP 6.3 vs 5.5, EF 0.5 tCO2/MWh give
RE 859.0909, PE 750, ER 109.0909 tCO2. A project chiller no more efficient than the reference is
an eligibility problem (§8.5 E6), never a negative credit. A COP outside 1-12 is taken for an EER
or a kW/RT figure and rejected (§8.5 E4, code ``UNIT_SUSPECT``).
"""

from __future__ import annotations

from typing import Final

import attrs

from jcm.core.period import MonitoringPeriod
from jcm.errors import InvalidValueError, Problem, Severity
from jcm.methodologies.protocol import (
    Emissions,
    FloatArray,
    GwpSet,
    as_float_array,
    gwp_field,
    uncertainty_deduction_field,
)
from jcm.units import FRACTION, quantity

__all__ = [
    "COP_PLAUSIBLE_RANGE",
    "Chiller",
    "ChillerInputs",
    "efficiency_project_emissions",
    "efficiency_reference_emissions",
]

COP_PLAUSIBLE_RANGE: Final = (1.0, 12.0)
"""COP outside this range [1] is taken for EER (Btu/Wh) or kW/RT (methodologies.md §8.5 E4)."""


def efficiency_reference_emissions(
    electricity_consumed: FloatArray,
    efficiency_project: FloatArray,
    efficiency_reference: FloatArray,
    emission_factor: FloatArray,
) -> FloatArray:
    """RE_p = EC_PJ,p x η_PJ / η_RE x EF [tCO2]: the reference equipment's emissions.

    TH_AM005 Ver3.0 (COP of chillers) and its siblings ID_AM004, ID_AM020 / TH_AM016 (luminous
    efficacy of lamps); methodologies.md §6.1.

    Parameters
    ----------
    electricity_consumed : FloatArray
        EC_PJ,p, electricity consumed by the project equipment [MWh].
    efficiency_project, efficiency_reference : FloatArray
        η_PJ and η_RE: COP [1] or luminous efficacy [lm/W], in the same unit.
    emission_factor : FloatArray
        EF_elec, CO2 emission factor of the electricity [tCO2/MWh].

    Returns
    -------
    FloatArray
        Reference emissions [tCO2].
    """
    return electricity_consumed * (efficiency_project / efficiency_reference) * emission_factor


def efficiency_project_emissions(
    electricity_consumed: FloatArray, emission_factor: FloatArray
) -> FloatArray:
    """PE_p = EC_PJ,p x EF [tCO2] (TH_AM005 Ver3.0; methodologies.md §6.1).

    Parameters
    ----------
    electricity_consumed : FloatArray
        EC_PJ,p [MWh].
    emission_factor : FloatArray
        EF_elec [tCO2/MWh].

    Returns
    -------
    FloatArray
        Project emissions [tCO2].
    """
    return electricity_consumed * emission_factor


def _check_cop(name: str, value: float) -> None:
    low, high = COP_PLAUSIBLE_RANGE
    if not low <= value <= high:
        raise InvalidValueError(
            name,
            value,
            f"must be a COP from {low:g} to {high:g} [1] to be plausible; an EER (Btu/Wh) or a "
            "kW/RT figure given?",
            code="UNIT_SUSPECT",
        )


@attrs.frozen(kw_only=True)
class ChillerInputs:
    """Inputs of ``chiller`` (API.md "chiller").

    Parameters
    ----------
    period
        The monitoring period.
    electricity_consumed
        EC_PJ,p, electricity consumed by the project chiller [MWh].
    cop_project, cop_reference
        COP_PJ and COP_RE [1], > 0.
    emission_factor
        EF_elec [tCO2/MWh].
    gwp, uncertainty_deduction
        As for every built-in (API.md).
    """

    period: MonitoringPeriod
    electricity_consumed: float = quantity("MWh", ge=0)
    cop_project: float = quantity(FRACTION, gt=0)
    cop_reference: float = quantity(FRACTION, gt=0)
    emission_factor: float = quantity("tCO2/MWh", ge=0)
    gwp: GwpSet = gwp_field()  # noqa: RUF009 - an attrs field, not a shared default
    uncertainty_deduction: float = uncertainty_deduction_field()

    def __attrs_post_init__(self) -> None:
        _check_cop("cop_project", self.cop_project)
        _check_cop("cop_reference", self.cop_reference)


class Chiller:
    """The ``chiller`` methodology (see the module docstring)."""

    id = "chiller"
    version = "1.0"
    title = "Installation of high-efficiency chillers"
    follows: tuple[str, ...] = ("TH_AM005",)
    Inputs: type[ChillerInputs] = ChillerInputs

    def calculate(self, inputs: ChillerInputs) -> Emissions:
        """RE and PE [tCO2] of the project chiller over the period."""
        ec = as_float_array(inputs.electricity_consumed)
        ef = as_float_array(inputs.emission_factor)
        problems: tuple[Problem, ...] = ()
        if inputs.cop_project <= inputs.cop_reference:
            problems = (
                Problem(
                    "project_not_more_efficient",
                    f"cop_project {inputs.cop_project} is not above cop_reference "
                    f"{inputs.cop_reference}: the project chiller is not more efficient "
                    "(methodologies.md §8.5 E6)",
                    Severity.ERROR,
                    field="$.cop_project",
                ),
            )
        return Emissions(
            reference=efficiency_reference_emissions(
                ec, as_float_array(inputs.cop_project), as_float_array(inputs.cop_reference), ef
            ),
            project=efficiency_project_emissions(ec, ef),
            uncertainty_deduction=inputs.uncertainty_deduction,
            gwp_set=inputs.gwp.value,
            problems=problems,
        )
