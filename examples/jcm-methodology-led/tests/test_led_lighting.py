"""Tests of the plugin ``led-lighting``: the jcm conformance check and cited numbers.

Reference values: LED lighting (ID_AM020 / TH_AM016) has the structure of the chiller methodology
TH_AM005 with luminous efficacy in place of the COP, so jcm's worked case EE-1 (EC 1,500 MWh,
COP 6.3 against 5.5, EF 0.5 tCO2/MWh: RE 859.090909, PE 750, ER 109.090909, 109 credits) carries
over to efficacies of the same ratio, 126 and 110 lm/W.
"""

from __future__ import annotations

import math

import jcm_methodology_led
import numpy as np
import pytest
from jcm_methodology_led import LedLighting, project_emissions, reference_emissions
from numpy.testing import assert_allclose

from jcm.errors import InvalidInputError
from jcm.methodologies import MethodologyHost
from jcm.testing import check_methodology

EE1_LIKE = {
    "period": {"start": "2024-01-01", "end": "2024-12-31"},
    "electricity_consumed": 1500.0,
    "efficacy_project": 126.0,
    "efficacy_reference": 110.0,
    "emission_factor": 0.5,
}


def test_passes_the_conformance_check() -> None:
    """Passes jcm's conformance check for plugins."""
    check_methodology(LedLighting(), EE1_LIKE)


def test_reproduces_the_ee1_structure(host: MethodologyHost) -> None:
    """Gives RE 859.090909, PE 750 and 109 credits for EE-1's ratio of efficiencies."""
    host.register(jcm_methodology_led)
    result = host.get("led-lighting").calculate(EE1_LIKE)
    assert_allclose(result.reference_emissions, 859.0909090909091, rtol=1e-9)
    assert_allclose(result.project_emissions, 750.0, rtol=1e-9)
    assert_allclose(result.emission_reductions_exact, 109.09090909090912, rtol=1e-9)
    assert result.emission_reductions == 109
    assert result.provenance.distribution == "jcm-methodology-led"


def test_equations_are_vectorized() -> None:
    """Computes RE and PE element-wise over arrays (EE-1 and a doubled EE-1)."""
    ec = np.array([1500.0, 3000.0])
    ef = np.array([0.5, 0.5])
    re = reference_emissions(ec, np.array([126.0, 126.0]), np.array([110.0, 110.0]), ef)
    assert_allclose(re, [859.0909090909091, 1718.1818181818182], rtol=1e-12)
    assert_allclose(project_emissions(ec, ef), [750.0, 1500.0], rtol=1e-12)


def test_no_gain_in_efficacy_is_an_eligibility_problem(host: MethodologyHost) -> None:
    """Reports project_not_more_efficient and credits 0 when the LEDs are no better."""
    host.register(jcm_methodology_led)
    result = host.get("led-lighting").calculate({**EE1_LIKE, "efficacy_project": 100.0})
    assert result.emission_reductions == 0
    assert "project_not_more_efficient" in {p.code for p in result.problems}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("efficacy_reference", 0.0),
        ("efficacy_project", 1000.0),
        ("electricity_consumed", -5.0),
        ("emission_factor", math.inf),
    ],
)
def test_rejects_bad_values_naming_the_field(
    host: MethodologyHost, field: str, value: float
) -> None:
    """Rejects a zero or super-physical efficacy, a negative EC and an infinite EF by name."""
    host.register(jcm_methodology_led)
    with pytest.raises(InvalidInputError) as info:
        host.get("led-lighting").calculate({**EE1_LIKE, field: value})
    assert info.value.errors[0].path == f"$.{field}"


def test_is_found_through_its_entry_point() -> None:
    """Is loaded from the entry-point group jcm.methodologies and names its distribution."""
    info = {i.id: i for i in MethodologyHost().available()}["led-lighting"]
    assert info.distribution == "jcm-methodology-led"
    assert info.follows == ("ID_AM020", "TH_AM016")
