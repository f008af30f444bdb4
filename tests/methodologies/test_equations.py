"""Equation functions of redd-plus, waste-to-energy, solar-pv and chiller against cited values.

Values: methodologies.md §7.2 (REDD-1, REDD-3a, WTE-1, WTE-3, PV-1/4/6, EE-1), §3.4 (EF of Asian
rain forest -> cropland ~643 tCO2/ha), §5.3 (captive diesel EF 0.533 tCO2/MWh), §4.2 (Tool 04
prefactor 7.14).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from numpy.testing import assert_allclose

from jcm.core.period import MonitoringPeriod
from jcm.methodologies.builtin.chiller import (
    efficiency_project_emissions,
    efficiency_reference_emissions,
)
from jcm.methodologies.builtin.redd_plus import (
    carbon_stock_from_biomass,
    deforestation_emission_factor,
    period_years,
    reference_emissions,
)
from jcm.methodologies.builtin.solar_pv import displaced_emissions, metered_electricity
from jcm.methodologies.builtin.waste_to_energy import (
    auxiliary_fuel_emissions,
    displaced_grid_emissions,
    fossil_combustion_emissions,
)
from jcm.methodologies.decay import decayed_fraction, first_order_decay_methane, tool04_prefactor


def test_forest_carbon_and_emission_factor() -> None:
    """Gives C_forest 180.292 tC/ha and EF 642.737333 tCO2/ha for REDD-1 (§7.2, §3.4)."""
    c = carbon_stock_from_biomass(np.array([280.0]), np.array([0.37]), np.array([0.47]))
    assert_allclose(c, [180.292], rtol=1e-12)
    assert_allclose(deforestation_emission_factor(c, np.array([5.0])), [642.737333], rtol=1e-9)


def test_period_years_pro_rates_by_calendar_year() -> None:
    """Counts 181/365 for Jan-Jun 2023 (REDD-3a), 1 for 2023, and 366-day 2024 in halves."""
    half = MonitoringPeriod(dt.date(2023, 1, 1), dt.date(2023, 6, 30))
    assert_allclose(period_years(half), 0.49589041, rtol=1e-8)
    assert period_years(MonitoringPeriod(dt.date(2023, 1, 1), dt.date(2023, 12, 31))) == 1.0
    leap = MonitoringPeriod(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert period_years(leap) == 1.0
    straddle = MonitoringPeriod(dt.date(2023, 7, 1), dt.date(2024, 6, 30))
    assert_allclose(period_years(straddle), 184 / 365 + 182 / 366, rtol=1e-15)


def test_redd_reference_emissions_of_redd1_and_redd3a() -> None:
    """Gives RE 642,737.333 (1 year) and 318,727.280 (181/365) tCO2 (§7.2)."""
    ef = np.array([642.7373333333334])
    re = reference_emissions(np.array([100000.0]), np.array([0.01]), 1.0, ef)
    assert_allclose(re, [642737.333333], rtol=1e-9)
    re = reference_emissions(np.array([100000.0]), np.array([0.01]), 181 / 365, ef)
    assert_allclose(re, [318727.280365], rtol=1e-9)


def test_tool04_prefactor_is_7_14() -> None:
    """Gives φ(1-f)GWP(1-OX)(16/12)F·DOC_f·MCF = 7.14 with the defaults (§7.2 WTE)."""
    p = tool04_prefactor(
        model_correction_factor=0.85,
        fraction_methane_captured=0.0,
        gwp_ch4=28.0,
        oxidation_factor=0.1,
        methane_fraction=0.5,
        fraction_doc_decomposing=0.5,
        methane_correction_factor=1.0,
    )
    assert_allclose(p, 7.14, rtol=1e-12)


def test_first_order_decay_of_wte3_and_later_years() -> None:
    """Gives 353.087231 tCO2e in year 1 (WTE-3) and decays by e^-0.4 a year after (§4.2)."""
    year1 = first_order_decay_methane(
        7.14, np.array([1000.0]), np.array([0.15]), np.array([0.40]), np.array([0.0])
    )
    assert_allclose(year1, [353.087231], rtol=1e-9)
    assert_allclose(year1, [1071 * (1 - math.exp(-0.4))], rtol=1e-12)
    year2 = decayed_fraction(np.array([0.40]), np.array([1.0]))
    assert_allclose(year2, decayed_fraction(np.array([0.40]), np.array([0.0])) * math.exp(-0.4))


def test_fossil_and_fuel_emissions_of_wte1() -> None:
    """Gives PE_COM 77,164.285 and auxiliary diesel 323.090820 tCO2 for WTE-1 (§7.2)."""
    w = 182500.0 * np.array([0.15, 0.03, 0.10])
    com = fossil_combustion_emissions(
        w, np.array([1.0, 0.8, 0.9]), np.array([0.75, 0.5, 0.46]), np.array([1.0, 0.2, 0.01]), 1.0
    )
    assert_allclose(com.sum(), 77164.285, rtol=1e-9)
    fuel = auxiliary_fuel_emissions(np.array([101.4]), np.array([43.0]), np.array([74.1]))
    assert_allclose(fuel, [323.090820], rtol=1e-9)
    assert_allclose(displaced_grid_emissions(np.array([91872.0]), 0.6), [55123.2], rtol=1e-12)


def test_solar_pv_equations() -> None:
    """Gives EG 6,372.625 MWh and RE 3,396.609125 (PV-6), and PV-1/PV-4 RE (§7.2)."""
    eg = metered_electricity(np.array([152340.25]), np.array([158712.875]))
    assert_allclose(eg, [6372.625], rtol=1e-12)
    assert_allclose(displaced_emissions(eg, np.array([0.533])), [3396.609125], rtol=1e-9)
    re = displaced_emissions(np.array([1234.567, 800.0, 200.0]), np.array([0.533, 0.6, 0.533]))
    assert_allclose([re[0], re[1:].sum()], [658.024211, 586.6], rtol=1e-9)


def test_captive_diesel_emission_factor_arithmetic() -> None:
    """Reproduces the conservative captive diesel EF 72.6 x 3.6 / 0.49 / 1000 = 0.5334 (§5.3)."""
    assert_allclose(72.6 * 3.6 / 0.49 / 1000, 0.5334, rtol=1e-4)


def test_chiller_equations_of_ee1() -> None:
    """Gives RE 859.090909 and PE 750 tCO2 for EE-1, and ER/RE 12.7 % (§6.1, §7.2)."""
    re = efficiency_reference_emissions(
        np.array([1500.0]), np.array([6.3]), np.array([5.5]), np.array([0.5])
    )
    pe = efficiency_project_emissions(np.array([1500.0]), np.array([0.5]))
    assert_allclose(re, [859.090909], rtol=1e-9)
    assert_allclose(pe, [750.0], rtol=1e-12)
    assert_allclose((re - pe) / re, [0.127], atol=5e-4)


def test_waste_decays_over_the_crediting_years() -> None:
    """Gives 1071 x e^-0.4 x (1 - e^-0.4) tCO2e in year 2 for WTE-3's waste of year 1 (§4.2)."""
    import jcm.methodologies

    m = jcm.methodologies.get("waste-to-energy")
    base = {
        "climate": "tropical_wet",
        "waste": [{"year": 1, "mass": 1000.0, "composition": {"food": 1.0}}],
        "net_electricity_exported": 0.0,
        "grid_emission_factor": 0.0,
    }
    year2 = m.calculate({**base, "crediting_year": 2})
    assert_allclose(
        year2.reference_emissions, 1071 * math.exp(-0.4) * (1 - math.exp(-0.4)), rtol=1e-12
    )
    assert year2.project_emissions == 0.0
    ar4 = m.calculate({**base, "crediting_year": 1, "gwp": "AR4"})
    assert_allclose(ar4.reference_emissions, 353.08723069583027 * 25 / 28, rtol=1e-12)
