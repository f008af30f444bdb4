"""Every built-in passes the plugin conformance check, declares its units and cites its sources.

Sample inputs are the public vectors (methodologies.md §7.2).
"""

from __future__ import annotations

import copy
import inspect
import math
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from public_vectors import load_vectors

import jcm.methodologies.builtin
from jcm.errors import InvalidValueError
from jcm.methodologies import GwpSet, MethodologyHost, numeric_fields_without_units
from jcm.methodologies.result import credited
from jcm.methodologies.tables import (
    FOSSIL_CARBON,
    GWP_SETS,
    TOOL04_DECAY_RATES,
    TOOL04_DEGRADABLE_ORGANIC_CARBON,
    Table,
    global_warming_potential,
)
from jcm.testing import check_methodology

_FIRST: dict[str, dict[str, Any]] = {}
for _case in load_vectors():
    _FIRST.setdefault(_case["methodology"], _case["input"])
BUILTINS = jcm.methodologies.builtin.jcm_register_methodologies()


@pytest.mark.parametrize("methodology", BUILTINS, ids=lambda m: m.id)
def test_builtin_passes_the_conformance_check(methodology: Any) -> None:
    """Passes check_methodology with its public vector as sample (NaN, negatives, provenance)."""
    check_methodology(methodology, copy.deepcopy(_FIRST[methodology.id]))


@pytest.mark.parametrize("methodology", BUILTINS, ids=lambda m: m.id)
def test_every_numeric_input_has_a_unit(methodology: Any) -> None:
    """Declares every int or float input field (recursively) with a unit."""
    assert numeric_fields_without_units(methodology.Inputs) == ()


@pytest.mark.parametrize("methodology", BUILTINS, ids=lambda m: m.id)
def test_equation_functions_cite_their_source(methodology: Any) -> None:
    """Documents each public equation function with its source and units in brackets."""
    module = inspect.getmodule(type(methodology))
    assert module is not None
    functions = [
        getattr(module, n)
        for n in module.__all__
        if inspect.isfunction(getattr(module, n))
        and getattr(module, n).__module__ == module.__name__
        and inspect.signature(getattr(module, n)).return_annotation in ("FloatArray", "float")
    ]
    assert functions
    for fn in functions:
        doc = inspect.getdoc(fn) or ""
        assert re.search(r"\[[^\]]+\]", doc), f"{fn.__name__}: no unit in brackets"
        assert re.search(r"§|IPCC|JCM|_AM|_PM|Tool", doc), f"{fn.__name__}: no source"


def test_follows_lists_of_api_md() -> None:
    """Names the JCM methodologies that API.md lists for each built-in."""
    follows = {m.id: m.follows for m in BUILTINS}
    assert follows["awd-rice"] == ("PH_AM004",)
    assert follows["redd-plus"] == ("KH_PM004", "LA_AM004")
    assert follows["solar-pv"] == ("TH_AM001", "KH_AM002", "MV_AM001", "KE_AM002", "ID_AM017")
    assert follows["chiller"] == ("TH_AM005",)


def test_gwp_sets_match_the_cited_values() -> None:
    """Holds AR4 25/298, AR5 28/265 and AR6 27.9/273 for CH4/N2O, and CO2 1, as before."""
    assert [(GWP_SETS[s]["CH4"], GWP_SETS[s]["N2O"]) for s in ("AR4", "AR5", "AR6")] == [
        (25.0, 298.0),
        (28.0, 265.0),
        (27.9, 273.0),
    ]
    assert {GWP_SETS[s]["CO2"] for s in GWP_SETS} == {1.0}
    assert set(GWP_SETS) == {g.value for g in GwpSet}


def test_gwp_sets_give_refrigerants_and_sf6() -> None:
    """Gives SF6 22,800/23,500/25,200 and HFC-134a 1,430/1,300/1,530 in AR4/AR5/AR6 (IPCC)."""
    assert [GWP_SETS[s]["SF6"] for s in ("AR4", "AR5", "AR6")] == [22800.0, 23500.0, 25200.0]
    assert [GWP_SETS[s]["HFC134a"] for s in ("AR4", "AR5", "AR6")] == [1430.0, 1300.0, 1530.0]
    assert GWP_SETS["AR5"]["NF3"] == 16100.0
    assert len(GWP_SETS["AR6"].keys()) > 80


def test_gwp_sets_are_the_data_package_columns() -> None:
    """Holds exactly the 100-year columns of globalwarmingpotentials, plus CO2 = 1."""
    import globalwarmingpotentials

    for name, table in GWP_SETS.items():
        column = globalwarmingpotentials.data[f"{name}GWP100"]
        assert table.as_dict() == {"CO2": 1.0, **column}
        assert table.version == globalwarmingpotentials.__version__
        assert f"{name}GWP100" in table.source


def test_ar6_methane_names_its_table_and_kind() -> None:
    """Says AR6 CH4 27.9 is Table 7.SM.7's value, for non-fossil methane, and fossil differs."""
    source = GWP_SETS["AR6"].source
    assert "Table 7.SM.7" in source
    assert "non-fossil" in source
    assert "29.8" in source


def test_global_warming_potential_looks_up_a_species() -> None:
    """Returns SF6 in AR6 by name or GwpSet, and names the set or species it does not know."""
    assert global_warming_potential("SF6", GwpSet.AR6) == 25200.0
    assert global_warming_potential("CH4") == 28.0
    with pytest.raises(InvalidValueError, match="gwp") as info:
        global_warming_potential("CH4", "AR7")
    assert info.value.value == "AR7"
    with pytest.raises(InvalidValueError, match="species") as info:
        global_warming_potential("unobtainium", "AR5")
    assert info.value.value == "unobtainium"


def test_waste_tables_cover_every_waste_type() -> None:
    """Gives every waste type a DOC, a k per climate and fossil-carbon defaults (§8.3 W2)."""
    types = set(TOOL04_DEGRADABLE_ORGANIC_CARBON.keys())
    assert types == set(FOSSIL_CARBON)
    for table in TOOL04_DECAY_RATES.values():
        assert set(table.keys()) == types
        assert all(0 <= table[t] <= 1 for t in types)
    assert TOOL04_DECAY_RATES["tropical_wet"]["food"] == 0.40
    assert TOOL04_DEGRADABLE_ORGANIC_CARBON["paper"] == 0.40


def test_every_table_names_its_source_and_version() -> None:
    """Gives every default table a name, a version and a source."""
    tables = [v for v in vars(jcm.methodologies.tables).values() if isinstance(v, Table)]
    tables += [t for group in (GWP_SETS, TOOL04_DECAY_RATES) for t in group.values()]
    assert len(tables) >= 10
    for table in tables:
        assert table.name
        assert table.version
        assert "IPCC" in table.source or "methodologies.md" in table.source


def test_mathematically_integer_result_is_credited_as_that_integer(
    builtin_host: MethodologyHost,
) -> None:
    """Credits 5 for 1 MWh x 0.1 + 7 MWh x 0.7 and 42 for a chiller, though floats land below."""
    pv = builtin_host.get("solar-pv").calculate(
        {
            "period": {"start": "2024-01-01", "end": "2024-12-31"},
            "generation": [
                {"electricity": 1, "emission_factor": 0.1, "displaced_source": "grid"},
                {"electricity": 7, "emission_factor": 0.7, "displaced_source": "grid"},
            ],
        }
    )
    assert pv.emission_reductions_exact < 5
    assert pv.emission_reductions == 5
    chiller = builtin_host.get("chiller").calculate(
        {
            "period": {"start": "2024-01-01", "end": "2024-12-31"},
            "electricity_consumed": 300,
            "cop_project": 6.0,
            "cop_reference": 5.0,
            "emission_factor": 0.7,
        }
    )
    assert chiller.emission_reductions_exact < 42
    assert chiller.emission_reductions == 42


@given(st.integers(0, 10**7), st.integers(0, 64))
def test_credited_recovers_integers_a_few_ulps_below(whole: int, ulps: int) -> None:
    """Credits n for any float up to 64 ulps (< 5e-7) below the integer n (API.md rounding)."""
    value = float(whole)
    for _ in range(ulps):
        value = math.nextafter(value, -math.inf)
    credits, problems = credited(value)
    assert credits == whole
    assert problems == ()


@given(st.floats(-1e9, -1e-3))
def test_credited_negative_is_zero_with_a_problem(value: float) -> None:
    """Credits 0 and reports negative_emission_reductions for a negative amount."""
    credits, problems = credited(value)
    assert credits == 0
    assert [p.code for p in problems] == ["negative_emission_reductions"]


@given(st.floats(0, 1e9))
def test_credited_never_exceeds_the_exact_amount_by_more_than_the_quantum(value: float) -> None:
    """Credits at most the exact amount plus 1e-6 and more than the amount minus 1."""
    credits, _ = credited(value)
    assert value - 1 < credits <= value + 1e-6
    assert np.floor(value) <= credits
