"""The equations of ``led-lighting``, one pure numpy function each (JCM ID_AM020 / TH_AM016).

The lamps give the same light either way, so the reference lamps would have consumed
EC_PJ x efficacy_PJ / efficacy_RE of electricity::

    RE_p = EC_PJ,p x efficacy_PJ / efficacy_RE x EF      [tCO2]
    PE_p = EC_PJ,p x EF                                  [tCO2]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["FloatArray", "project_emissions", "reference_emissions"]

FloatArray = npt.NDArray[np.float64]
"""A float64 numpy array: what every equation takes and returns."""


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
