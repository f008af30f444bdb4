"""The bad-input tables of methodologies.md §8, one test per row (A1-A6, R1-R6, W1-W6, P1-P6,
E1-E6): each bad input is rejected with an error naming its field by ``$.path`` (or, where §8
asks for it, reported as an eligibility problem or a warning naming the field).

Base inputs are the public vectors AWD-1, REDD-1, WTE-1 y=1, PV-4 and EE-1 (methodologies.md
§7.2). Rows about data ``jcm`` does not take as input (a verified-period history in R3, the
captive-power fuel of E5, the KH_AM002 day category of P5) are tested as far as they apply: the
period itself, and the refusal of unknown keys so that such data is never silently ignored.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import pytest
from public_vectors import vectors_by_id

from jcm.errors import InvalidInputError
from jcm.methodologies import MethodologyHost

_VECTORS = vectors_by_id()
BASE = {
    "awd-rice": _VECTORS["AWD-1"]["input"],
    "redd-plus": _VECTORS["REDD-1"]["input"],
    "waste-to-energy": _VECTORS["WTE-1 y=1"]["input"],
    "solar-pv": _VECTORS["PV-4"]["input"],
    "chiller": _VECTORS["EE-1"]["input"],
}

Edit = Callable[[dict[str, Any]], None]


def _set(*keys: Any, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


def _delete(*keys: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return edit


def _period_backwards(data: dict[str, Any]) -> None:
    data["period"] = {"start": "2025-06-15", "end": "2025-03-01"}


# (row of §8, methodology, edit, path named, code or None)
REJECTED: list[tuple[str, str, Edit, str, str | None]] = [
    ("A1", "awd-rice", _set("strata", 0, "area", value=-12.5), "$.strata[0].area", None),
    (
        "A2 nan",
        "awd-rice",
        _set("strata", 0, "baseline_emission_factor", value=math.nan),
        "$.strata[0].baseline_emission_factor",
        None,
    ),
    (
        "A2 inf",
        "awd-rice",
        _set("strata", 0, "baseline_emission_factor", value=math.inf),
        "$.strata[0].baseline_emission_factor",
        None,
    ),
    (
        "A2 -inf",
        "awd-rice",
        _set("strata", 0, "baseline_emission_factor", value=-math.inf),
        "$.strata[0].baseline_emission_factor",
        None,
    ),
    ("A3 period", "awd-rice", _period_backwards, "$.period.end", None),
    (
        "A3 days",
        "awd-rice",
        _set("strata", 0, "cultivation_days", value=0),
        "$.strata[0].cultivation_days",
        None,
    ),
    (
        "A4 EF per season",
        "awd-rice",
        _set("strata", 0, "baseline_emission_factor", value=130),
        "$.strata[0].baseline_emission_factor",
        "UNIT_SUSPECT",
    ),
    (
        "A4 ROA in kg/ha",
        "awd-rice",
        _set("strata", 0, "organic_amendments", value=[{"type": "compost", "rate": 2000}]),
        "$.strata[0].organic_amendments[0].rate",
        "UNIT_SUSPECT",
    ),
    (
        "A4 ROA unit",
        "awd-rice",
        _set(
            "strata",
            0,
            "organic_amendments",
            value=[{"type": "compost", "rate": {"value": 2, "unit": "kg"}}],
        ),
        "$.strata[0].organic_amendments[0].rate.unit",
        None,
    ),
    (
        "A5 days",
        "awd-rice",
        _delete("strata", 0, "cultivation_days"),
        "$.strata[0].cultivation_days",
        "MISSING_FIELD",
    ),
    (
        "A5 regime",
        "awd-rice",
        _delete("strata", 0, "project_water_regime"),
        "$.strata[0].project_water_regime",
        "MISSING_FIELD",
    ),
    (
        "A6 SF_w percent",
        "awd-rice",
        _set("strata", 0, "project_water_regime", value=55),
        "$.strata[0].project_water_regime",
        None,
    ),
    (
        "A6 Ud 1.5",
        "awd-rice",
        _set("uncertainty_deduction", value=1.5),
        "$.uncertainty_deduction",
        None,
    ),
    (
        "A6 Ud 1",
        "awd-rice",
        _set("uncertainty_deduction", value=1.0),
        "$.uncertainty_deduction",
        None,
    ),
    (
        "R1 forest area",
        "redd-plus",
        _set("reference_forest_area", value=-100000),
        "$.reference_forest_area",
        None,
    ),
    (
        "R1 monitored",
        "redd-plus",
        _set("monitored_deforestation", value=-1.0),
        "$.monitored_deforestation",
        None,
    ),
    (
        "R2",
        "redd-plus",
        _set("forest_carbon_stock", "aboveground_biomass", value=math.nan),
        "$.forest_carbon_stock.aboveground_biomass",
        None,
    ),
    ("R3", "redd-plus", _period_backwards, "$.period.end", None),
    (
        "R4 biomass as carbon",
        "redd-plus",
        _set("forest_carbon_stock", value={"aboveground_carbon": 280, "root_to_shoot_ratio": 0.37}),
        "$.forest_carbon_stock",
        "UNIT_SUSPECT",
    ),
    (
        "R4 tCO2 as carbon",
        "redd-plus",
        _set("post_deforestation_carbon_stock", value=650.0),
        "$.post_deforestation_carbon_stock",
        "UNIT_SUSPECT",
    ),
    (
        "R4 stock unit",
        "redd-plus",
        _set("post_deforestation_carbon_stock", value={"value": 5, "unit": "t/ha"}),
        "$.post_deforestation_carbon_stock.unit",
        None,
    ),
    ("R5 leakage", "redd-plus", _delete("leakage"), "$.leakage", "MISSING_FIELD"),
    (
        "R5 rate",
        "redd-plus",
        _delete("reference_deforestation_rate"),
        "$.reference_deforestation_rate",
        "MISSING_FIELD",
    ),
    (
        "R6 rate percent",
        "redd-plus",
        _set("reference_deforestation_rate", value=1.2),
        "$.reference_deforestation_rate",
        None,
    ),
    (
        "R6 root percent",
        "redd-plus",
        _set("forest_carbon_stock", "root_to_shoot_ratio", value=37),
        "$.forest_carbon_stock.root_to_shoot_ratio",
        None,
    ),
    (
        "R6 leakage percent",
        "redd-plus",
        _set("leakage", value={"fraction_of_gross_reductions": 1.2}),
        "$.leakage.fraction_of_gross_reductions",
        None,
    ),
    (
        "W1 mass",
        "waste-to-energy",
        _set("waste", 0, "mass", value=-182500.0),
        "$.waste[0].mass",
        None,
    ),
    (
        "W1 export",
        "waste-to-energy",
        _set("net_electricity_exported", value=-5.0),
        "$.net_electricity_exported",
        None,
    ),
    (
        "W2",
        "waste-to-energy",
        _set("waste", 0, "composition", "food", value=math.nan),
        "$.waste[0].composition.food",
        None,
    ),
    ("W3 x > y", "waste-to-energy", _set("waste", 0, "year", value=3), "$.waste[0].year", None),
    ("W3 y = 0", "waste-to-energy", _set("crediting_year", value=0), "$.crediting_year", None),
    (
        "W4 unit",
        "waste-to-energy",
        _set("waste", 0, "mass", value={"value": 1, "unit": "MWh"}),
        "$.waste[0].mass.unit",
        None,
    ),
    (
        "W5",
        "waste-to-energy",
        _delete("waste", 0, "composition"),
        "$.waste[0].composition",
        "MISSING_FIELD",
    ),
    (
        "W5 type",
        "waste-to-energy",
        _set("waste", 0, "composition", "glass", value=0.1),
        "$.waste[0].composition.glass",
        "UNKNOWN_KEY",
    ),
    (
        "W6 sum 1.08",
        "waste-to-energy",
        _set("waste", 0, "composition", "food", value=0.58),
        "$.waste[0].composition",
        None,
    ),
    (
        "W6 percent",
        "waste-to-energy",
        _set("waste", 0, "composition", "food", value=50),
        "$.waste[0].composition.food",
        None,
    ),
    (
        "W6 phi",
        "waste-to-energy",
        _set("model_correction_factor", value=1.2),
        "$.model_correction_factor",
        None,
    ),
    ("W6 OX", "waste-to-energy", _set("oxidation_factor", value=0.5), "$.oxidation_factor", None),
    (
        "W6 MCF",
        "waste-to-energy",
        _set("methane_correction_factor", value=1.2),
        "$.methane_correction_factor",
        None,
    ),
    (
        "P1 EG",
        "solar-pv",
        _set("generation", 0, "electricity", value=-350),
        "$.generation[0].electricity",
        None,
    ),
    (
        "P1 meter",
        "solar-pv",
        _set(
            "generation",
            0,
            value={
                "meter_start": 158712.875,
                "meter_end": 152340.25,
                "emission_factor": 0.533,
                "displaced_source": "grid",
            },
        ),
        "$.generation[0].meter_end",
        None,
    ),
    (
        "P2",
        "solar-pv",
        _set("generation", 0, "emission_factor", value=math.nan),
        "$.generation[0].emission_factor",
        None,
    ),
    ("P3", "solar-pv", _period_backwards, "$.period.end", None),
    (
        "P4 EF g/kWh",
        "solar-pv",
        _set("generation", 1, "emission_factor", value=533),
        "$.generation[1].emission_factor",
        "UNIT_SUSPECT",
    ),
    ("P5", "solar-pv", _set("generation", value=[]), "$.generation", None),
    (
        "P5 day category",
        "solar-pv",
        _set("generation", 0, "day_category", value="outage"),
        "$.generation[0].day_category",
        "UNKNOWN_KEY",
    ),
    (
        "P6 both forms",
        "solar-pv",
        _set("generation", 0, "meter_start", value=0.0),
        "$.generation[0].meter_start",
        None,
    ),
    ("E1", "chiller", _set("electricity_consumed", value=-1.0), "$.electricity_consumed", None),
    ("E2 nan", "chiller", _set("cop_reference", value=math.nan), "$.cop_reference", None),
    ("E2 zero", "chiller", _set("cop_reference", value=0), "$.cop_reference", None),
    ("E3", "chiller", _period_backwards, "$.period.end", None),
    ("E4 EER", "chiller", _set("cop_project", value=21.5), "$.cop_project", "UNIT_SUSPECT"),
    ("E4 kW/RT", "chiller", _set("cop_project", value=0.56), "$.cop_project", "UNIT_SUSPECT"),
    ("E5", "chiller", _set("captive_fuel", value=12.0), "$.captive_fuel", "UNKNOWN_KEY"),
]


@pytest.mark.parametrize("case", REJECTED, ids=[r[0] for r in REJECTED])
def test_rejects_bad_input_naming_the_field(
    builtin_host: MethodologyHost, case: tuple[str, str, Edit, str, str | None]
) -> None:
    """Rejects the bad input of the §8 row with an error naming its $.path."""
    row, methodology, edit, path, code = case
    data = copy.deepcopy(BASE[methodology])
    edit(data)
    with pytest.raises(InvalidInputError) as info:
        builtin_host.get(methodology).calculate(data)
    named = {e.path: e for e in info.value.errors}
    assert path in named, f"{row}: {info.value}"
    assert path in str(info.value)
    if code is not None:
        assert named[path].code == code


def test_a5_reports_every_missing_parameter_at_once(builtin_host: MethodologyHost) -> None:
    """Lists all missing monitored parameters of a stratum in one error (§8.1 A5)."""
    data = copy.deepcopy(BASE["awd-rice"])
    del data["strata"][0]["cultivation_days"]
    del data["strata"][0]["project_water_regime"]
    with pytest.raises(InvalidInputError) as info:
        builtin_host.get("awd-rice").calculate(data)
    paths = {e.path for e in info.value.errors}
    assert {"$.strata[0].cultivation_days", "$.strata[0].project_water_regime"} <= paths


def test_a6_project_wetter_than_reference_is_an_eligibility_problem(
    builtin_host: MethodologyHost,
) -> None:
    """Credits 0 with an eligibility problem naming the field when the project is wetter (A6)."""
    data = copy.deepcopy(BASE["awd-rice"])
    data["strata"][0]["reference_water_regime"] = "multiple_drainage"
    data["strata"][0]["project_water_regime"] = "continuously_flooded"
    result = builtin_host.get("awd-rice").calculate(data)
    assert result.emission_reductions == 0
    problem = next(p for p in result.problems if p.code == "ineligible_water_regime")
    assert problem.field == "$.strata[0].project_water_regime"


def test_e6_less_efficient_project_is_flagged_not_credited(builtin_host: MethodologyHost) -> None:
    """Credits 0 and flags both problems when COP_PJ < COP_RE (§8.5 E6), never a negative."""
    data = copy.deepcopy(BASE["chiller"])
    data["cop_project"] = 5.0
    result = builtin_host.get("chiller").calculate(data)
    assert result.emission_reductions == 0
    assert result.emission_reductions_exact < 0
    codes = {p.code for p in result.problems}
    assert codes == {"project_not_more_efficient", "negative_emission_reductions"}


def test_w4_electricity_in_kwh_draws_a_warning_naming_the_field(
    builtin_host: MethodologyHost,
) -> None:
    """Warns about net export per tonne far outside 0.2-1.5 MWh/t, naming the field (§8.3 W4)."""
    data = copy.deepcopy(BASE["waste-to-energy"])
    data["net_electricity_exported"] = 91872000.0
    result = builtin_host.get("waste-to-energy").calculate(data)
    warning = next(p for p in result.problems if p.code == "implausible_electricity_per_tonne")
    assert warning.field == "$.net_electricity_exported"


def test_units_given_explicitly_convert_to_the_same_result(builtin_host: MethodologyHost) -> None:
    """Accepts kWh, kg and gCO2/kWh tagged with their unit, with identical results (§8 P4)."""
    pv = copy.deepcopy(BASE["solar-pv"])
    pv["generation"][0]["electricity"] = {"value": 800000, "unit": "kWh"}
    pv["generation"][1]["emission_factor"] = {"value": 533, "unit": "gCO2/kWh"}
    wte = copy.deepcopy(BASE["waste-to-energy"])
    wte["waste"][0]["mass"] = {"value": 182500000, "unit": "kg"}
    for methodology, data in (("solar-pv", pv), ("waste-to-energy", wte)):
        m = builtin_host.get(methodology)
        assert m.calculate(data).to_json() == m.calculate(BASE[methodology]).to_json()
