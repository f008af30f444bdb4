"""First-order decay of waste in a solid waste disposal site (CDM Tool 04, application B).

The methane that waste *would* have produced in a SWDS had it not been incinerated (the avoided
baseline emissions of a waste-to-energy project), in year y of the crediting period, from the
waste W_j,x of each type j prevented from disposal in each year x = 1..y::

    BE_CH4,y = φ (1 - f) GWP_CH4 (1 - OX) 16/12 F DOC_f MCF
               x Σ_{x=1..y} Σ_j W_j,x DOC_j e^(-k_j (y - x)) (1 - e^(-k_j))

Timing: Tool 04 lets waste disposed in year x decay already in year x (the x = y term), one year
earlier than the IPCC 2006 Vol. 5 FOD model (methodologies.md §4.2, checked against bonsai-ipcc).

Worked example (WTE-3 of methodologies.md §7.2): 1000 t of food waste (DOC 0.15, k 0.40 for the
wet tropics) in year 1, with φ 0.85, f 0, GWP 28, OX 0.1, F 0.5, DOC_f 0.5, MCF 1: the prefactor is
7.14 and BE_CH4,1 = 7.14 x 1000 x 0.15 x (1 - e^-0.4) = 353.087231 tCO2e.
"""

from __future__ import annotations

import numpy as np

from jcm.methodologies.protocol import FloatArray
from jcm.methodologies.tables import METHANE_CARBON_TO_METHANE

__all__ = ["decayed_fraction", "first_order_decay_methane", "tool04_prefactor"]


def tool04_prefactor(
    *,
    model_correction_factor: float,
    fraction_methane_captured: float,
    gwp_ch4: float,
    oxidation_factor: float,
    methane_fraction: float,
    fraction_doc_decomposing: float,
    methane_correction_factor: float,
) -> float:
    """φ (1 - f) GWP_CH4 (1 - OX) 16/12 F DOC_f MCF [tCO2e/t C], the constant of Tool 04.

    CDM Tool 04 v07.0 (methodologies.md §4.2).

    Parameters
    ----------
    model_correction_factor : float
        φ_y [1].
    fraction_methane_captured : float
        f_y, fraction of CH4 captured and flared or used at the SWDS [1].
    gwp_ch4 : float
        GWP of CH4 [tCO2e/t CH4].
    oxidation_factor : float
        OX [1].
    methane_fraction : float
        F, fraction of CH4 in landfill gas [1].
    fraction_doc_decomposing : float
        DOC_f [1].
    methane_correction_factor : float
        MCF_y [1].

    Returns
    -------
    float
        Prefactor [tCO2e/t C].
    """
    return (
        model_correction_factor
        * (1.0 - fraction_methane_captured)
        * gwp_ch4
        * (1.0 - oxidation_factor)
        * METHANE_CARBON_TO_METHANE
        * methane_fraction
        * fraction_doc_decomposing
        * methane_correction_factor
    )


def decayed_fraction(decay_rate: FloatArray, age: FloatArray) -> FloatArray:
    """e^(-k (y - x)) (1 - e^(-k)) [1]: share of the DOC of year-x waste decaying in year y.

    CDM Tool 04 v07.0 (methodologies.md §4.2); ``age`` is y - x >= 0 (0 in the disposal year).

    Parameters
    ----------
    decay_rate : FloatArray
        k_j [1/y].
    age : FloatArray
        y - x [y].

    Returns
    -------
    FloatArray
        Fraction of the initial DOC decaying in year y [1].
    """
    return np.exp(-decay_rate * age) * (1.0 - np.exp(-decay_rate))


def first_order_decay_methane(
    prefactor: float,
    waste_mass: FloatArray,
    degradable_carbon: FloatArray,
    decay_rate: FloatArray,
    age: FloatArray,
) -> FloatArray:
    """BE_CH4,y terms: prefactor x W_j,x x DOC_j x e^(-k_j (y - x)) (1 - e^(-k_j)) [tCO2e].

    CDM Tool 04 v07.0, application B (methodologies.md §4.2); sum the terms for BE_CH4,y.

    Parameters
    ----------
    prefactor : float
        :func:`tool04_prefactor` [tCO2e/t C].
    waste_mass : FloatArray
        W_j,x, waste of type j prevented from disposal in year x [t].
    degradable_carbon : FloatArray
        DOC_j [tC/t].
    decay_rate : FloatArray
        k_j [1/y].
    age : FloatArray
        y - x [y].

    Returns
    -------
    FloatArray
        Avoided methane per (type, year) term [tCO2e].
    """
    return prefactor * (waste_mass * degradable_carbon * decayed_fraction(decay_rate, age))
