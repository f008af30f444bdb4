"""The ``led-lighting`` methodology: its identity, its inputs and ``calculate``."""

from __future__ import annotations

import numpy as np

from jcm.errors import Problem, Severity
from jcm.methodologies import Emissions
from jcm_methodology_led.equations import project_emissions, reference_emissions
from jcm_methodology_led.inputs import LedLightingInputs

__all__ = ["LedLighting"]


class LedLighting:
    """LED lighting replacing less efficient lamps (structure of JCM ID_AM020 / TH_AM016)."""

    id = "led-lighting"
    version = "1.0"
    title = "Installation of LED lighting"
    follows: tuple[str, ...] = ("ID_AM020", "TH_AM016")
    Inputs: type[LedLightingInputs] = LedLightingInputs

    def calculate(self, inputs: LedLightingInputs) -> Emissions:
        """RE and PE [tCO2] over the period, unsubtracted; the host does the rest."""
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
                ec, np.array([inputs.efficacy_project]), np.array([inputs.efficacy_reference]), ef
            ),
            project=project_emissions(ec, ef),
            uncertainty_deduction=inputs.uncertainty_deduction,
            gwp_set=inputs.gwp.value,
            problems=problems,
        )
