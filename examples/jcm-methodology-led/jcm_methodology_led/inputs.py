"""The inputs of ``led-lighting``: an attrs class in which every number has a unit."""

from __future__ import annotations

from typing import Final

import attrs

from jcm.core.period import MonitoringPeriod
from jcm.methodologies import GwpSet, gwp_field, uncertainty_deduction_field
from jcm.units import quantity

__all__ = ["MAX_LUMINOUS_EFFICACY", "LedLightingInputs"]

MAX_LUMINOUS_EFFICACY: Final = 683.0
"""The luminous efficacy of an ideal 555 nm source [lm/W]; no lamp exceeds it."""


@attrs.frozen(kw_only=True)
class LedLightingInputs:
    """Inputs of ``led-lighting``: one monitoring period of one installation.

    Parameters
    ----------
    period
        The monitoring period (ISO dates, both inclusive).
    electricity_consumed
        EC_PJ,p, electricity consumed by the project lamps [MWh].
    efficacy_project, efficacy_reference
        Luminous efficacy of the project and the reference lamps [lm/W], in (0, 683].
    emission_factor
        EF, CO2 emission factor of the electricity [tCO2/MWh].
    gwp
        GWP set, recorded in the provenance (only CO2 is involved here).
    uncertainty_deduction
        Ud [1], in [0, 1); the host applies it.
    """

    period: MonitoringPeriod
    electricity_consumed: float = quantity("MWh", ge=0)
    efficacy_project: float = quantity("lm/W", gt=0, le=MAX_LUMINOUS_EFFICACY)
    efficacy_reference: float = quantity("lm/W", gt=0, le=MAX_LUMINOUS_EFFICACY)
    emission_factor: float = quantity("tCO2/MWh", ge=0)
    gwp: GwpSet = gwp_field()  # noqa: RUF009 - an attrs field, not a shared default
    uncertainty_deduction: float = uncertainty_deduction_field()
