"""``led-lighting``: LED lighting replacing less efficient lamps (JCM ID_AM020 / TH_AM016).

An example of a third-party ``jcm`` methodology plugin. The lamps deliver the same light either
way, so the reference lamps would have consumed EC_PJ x efficacy_PJ / efficacy_RE
(methodologies.md §6.1: ID_AM020 / TH_AM016 share the structure of TH_AM005)::

    RE_p = EC_PJ,p x efficacy_PJ / efficacy_RE x EF      [tCO2]
    PE_p = EC_PJ,p x EF                                  [tCO2]

The plugin only computes emissions; the ``jcm`` host subtracts, deducts, rounds down and attaches
provenance.
"""

from __future__ import annotations

from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from jcm.core.period import MonitoringPeriod
from jcm.errors import Problem, Severity
from jcm.methodologies import (
    Emissions,
    GwpSet,
    Methodology,
    gwp_field,
    hookimpl,
    uncertainty_deduction_field,
)
from jcm.units import quantity

__all__ = [
    "MAX_LUMINOUS_EFFICACY",
    "LedLighting",
    "LedLightingInputs",
    "jcm_register_methodologies",
    "project_emissions",
    "reference_emissions",
]

FloatArray = npt.NDArray[np.float64]

MAX_LUMINOUS_EFFICACY: Final = 683.0
"""The luminous efficacy of an ideal 555 nm source [lm/W]; no lamp exceeds it."""


def reference_emissions(
    electricity_consumed: FloatArray,
    efficacy_project: FloatArray,
    efficacy_reference: FloatArray,
    emission_factor: FloatArray,
) -> FloatArray:
    """RE_p = EC_PJ,p x efficacy_PJ / efficacy_RE x EF [tCO2] (ID_AM020 / TH_AM016 structure).

    Parameters
    ----------
    electricity_consumed : FloatArray
        EC_PJ,p, electricity consumed by the project lamps [MWh].
    efficacy_project, efficacy_reference : FloatArray
        Luminous efficacy of the project and the reference lamps [lm/W].
    emission_factor : FloatArray
        EF, CO2 emission factor of the electricity [tCO2/MWh].

    Returns
    -------
    FloatArray
        Reference emissions [tCO2].
    """
    return electricity_consumed * (efficacy_project / efficacy_reference) * emission_factor


def project_emissions(electricity_consumed: FloatArray, emission_factor: FloatArray) -> FloatArray:
    """PE_p = EC_PJ,p x EF [tCO2] (ID_AM020 / TH_AM016 structure).

    Parameters
    ----------
    electricity_consumed : FloatArray
        EC_PJ,p [MWh].
    emission_factor : FloatArray
        EF [tCO2/MWh].

    Returns
    -------
    FloatArray
        Project emissions [tCO2].
    """
    return electricity_consumed * emission_factor


@attrs.frozen(kw_only=True)
class LedLightingInputs:
    """Inputs of ``led-lighting``.

    Parameters
    ----------
    period
        The monitoring period.
    electricity_consumed
        EC_PJ,p [MWh].
    efficacy_project, efficacy_reference
        Luminous efficacy [lm/W], in (0, 683].
    emission_factor
        EF [tCO2/MWh].
    gwp, uncertainty_deduction
        As for jcm's built-ins.
    """

    period: MonitoringPeriod
    electricity_consumed: float = quantity("MWh", ge=0)
    efficacy_project: float = quantity("lm/W", gt=0, le=MAX_LUMINOUS_EFFICACY)
    efficacy_reference: float = quantity("lm/W", gt=0, le=MAX_LUMINOUS_EFFICACY)
    emission_factor: float = quantity("tCO2/MWh", ge=0)
    gwp: GwpSet = gwp_field()  # noqa: RUF009 - an attrs field, not a shared default
    uncertainty_deduction: float = uncertainty_deduction_field()


class LedLighting:
    """The ``led-lighting`` methodology."""

    id = "led-lighting"
    version = "1.0"
    title = "Installation of LED lighting"
    follows: tuple[str, ...] = ("ID_AM020", "TH_AM016")
    Inputs: type[LedLightingInputs] = LedLightingInputs

    def calculate(self, inputs: LedLightingInputs) -> Emissions:
        """RE and PE [tCO2] over the period."""
        ec = np.array([inputs.electricity_consumed])
        ef = np.array([inputs.emission_factor])
        problems: tuple[Problem, ...] = ()
        if inputs.efficacy_project <= inputs.efficacy_reference:
            problems = (
                Problem(
                    "project_not_more_efficient",
                    "efficacy_project is not above efficacy_reference",
                    Severity.ERROR,
                    field="$.efficacy_project",
                ),
            )
        return Emissions(
            reference=reference_emissions(
                ec,
                np.array([inputs.efficacy_project]),
                np.array([inputs.efficacy_reference]),
                ef,
            ),
            project=project_emissions(ec, ef),
            uncertainty_deduction=inputs.uncertainty_deduction,
            gwp_set=inputs.gwp.value,
            problems=problems,
        )


@hookimpl
def jcm_register_methodologies() -> list[Methodology]:
    """The methodologies of this plugin: ``led-lighting`` 1.0."""
    return [LedLighting()]
