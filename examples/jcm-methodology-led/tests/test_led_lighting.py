"""Tests of the example plugin ``led-lighting``.

Reference values: ``shared/reference/methodologies.md`` §6.1 states that ID_AM020 / TH_AM016 (LED
lighting) share the structure of TH_AM005, whose worked case EE-1 (§7.2) has EC 1500 MWh,
efficiency 6.3 vs 5.5 and EF 0.5 tCO2/MWh: RE 859.090909, PE 750, ER 109.090909, 109 credits. The
efficacies 126 and 110 lm/W below have the same ratio (6.3 / 5.5 = 126 / 110).
"""

from __future__ import annotations

import math

import pytest
from jcm_methodology_led import LedLighting, project_emissions, reference_emissions
from numpy.testing import assert_allclose

from jcm.errors import InvalidInputError, PluginError
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
    """Reproduces EE-1 of methodologies.md §7.2 with the same efficiency ratio."""
    import jcm_methodology_led

    host.register(jcm_methodology_led)
    result = host.get("led-lighting").calculate(EE1_LIKE)
    assert_allclose(result.reference_emissions, 859.0909090909091, rtol=1e-9)
    assert_allclose(result.project_emissions, 750.0, rtol=1e-9)
    assert_allclose(result.emission_reductions_exact, 109.09090909090912, rtol=1e-9)
    assert result.emission_reductions == 109
    assert result.provenance.distribution == "jcm-methodology-led"


def test_equations_are_vectorized() -> None:
    """Computes RE and PE element-wise over arrays (EE-1 and a doubled EE-1)."""
    import numpy as np

    ec = np.array([1500.0, 3000.0])
    re = reference_emissions(ec, np.array([126.0, 126.0]), np.array([110.0, 110.0]), 0.5)
    assert_allclose(re, [859.0909090909091, 1718.1818181818182], rtol=1e-12)
    assert_allclose(project_emissions(ec, 0.5), [750.0, 1500.0], rtol=1e-12)


def test_is_found_through_its_entry_point() -> None:
    """Is loaded from the entry point group jcm.methodologies and names its distribution."""
    host = MethodologyHost()
    info = {i.id: i for i in host.available()}["led-lighting"]
    assert info.distribution == "jcm-methodology-led"
    assert info.follows == ("ID_AM020", "TH_AM016")


def test_can_be_blocked_by_plugin_name() -> None:
    """Disappears from the host when its entry point name is blocked."""
    host = MethodologyHost()
    host.set_blocked("led")
    assert "led-lighting" not in {i.id for i in host.available()}


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
    import jcm_methodology_led

    host.register(jcm_methodology_led)
    with pytest.raises(InvalidInputError) as info:
        host.get("led-lighting").calculate({**EE1_LIKE, field: value})
    assert info.value.errors[0].path == f"$.{field}"


def test_a_duplicate_registration_is_refused(host: MethodologyHost) -> None:
    """Refuses a second plugin providing led-lighting 1.0, naming both distributions."""
    import jcm_methodology_led

    class Again:
        from jcm.methodologies import hookimpl

        @hookimpl
        def jcm_register_methodologies(self) -> list[object]:
            """The same methodology again."""
            return [LedLighting()]

    host.register(jcm_methodology_led)
    host.register(Again(), name="again", distribution=("copycat", "9.9"))
    with pytest.raises(PluginError, match=r"copycat 9\.9"):
        host.available()
