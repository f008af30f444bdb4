"""Tests of ``awd-rice``: its equations, eligibility, batch path and large-input fast path.

Cited values: methodologies.md §7.2 (AWD-1, AWD-2 and their intermediates), §2.5 (typical
magnitudes), §2.3 (IPCC 2019 Tables 5.12-5.14).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from public_vectors import vectors_by_id

from jcm.errors import InvalidValueError
from jcm.methodologies import MethodologyHost
from jcm.methodologies.batch import Columns
from jcm.methodologies.builtin import awd_rice
from jcm.methodologies.builtin.awd_rice import (
    AwdRice,
    AwdRiceInputs,
    daily_emission_factor,
    methane_emissions,
    nitrous_oxide_emissions,
    organic_amendment_scaling,
)
from jcm.methodologies.tables import RICE_ORGANIC_AMENDMENT_CONVERSION
from jcm.serialization import structure, unstructure

_VECTORS = vectors_by_id()
AWD1 = _VECTORS["AWD-1"]["input"]
AWD2 = _VECTORS["AWD-2"]["input"]
REGIMES = ["continuously_flooded", "single_drainage", "multiple_drainage"]
PRESEASON = [
    "non_flooded_less_than_180_days",
    "non_flooded_more_than_180_days",
    "flooded_more_than_30_days",
    "non_flooded_more_than_365_days",
]
AMENDMENTS = list(RICE_ORGANIC_AMENDMENT_CONVERSION.keys())


def test_organic_amendment_scaling_of_awd2() -> None:
    """Gives SF_o = 3^0.59 = 1.912060106 for 2 t/ha of straw < 30 days (AWD-2, §7.2)."""
    sf_o = organic_amendment_scaling(
        {"straw_less_than_30_days": np.array([2.0, 0.0])}, RICE_ORGANIC_AMENDMENT_CONVERSION, 2
    )
    assert_allclose(sf_o, [1.912060106, 1.0], rtol=1e-9)


def test_daily_emission_factors_of_awd2() -> None:
    """Gives EF_RE 5.640577 and EF_PJ 4.004810 kg CH4/ha/d for AWD-2 (§7.2)."""
    sf_o = 3.0**0.59
    ef = daily_emission_factor(np.array([2.95, 2.95]), np.array([1.0, 0.71]), 1.0, sf_o, 1.0)
    assert_allclose(ef, [5.640577, 4.004810], rtol=1e-6)


def test_methane_emissions_of_awd1() -> None:
    """Gives 341.6 and 187.88 tCO2e for AWD-1: 12,200 and 6,710 kg CH4 x 28 (§7.2)."""
    ef = daily_emission_factor(np.array([1.22, 1.22]), np.array([1.0, 0.55]), 1.0, 1.0, 1.0)
    e = methane_emissions(ef, np.array([100.0, 100.0]), np.array([100.0, 100.0]), 28.0)
    assert_allclose(e, [341.6, 187.88], rtol=1e-12)


def test_typical_magnitude_per_hectare() -> None:
    """Reduces 1.54 tCO2e/ha/season for SE Asia EF_c 1.22, 100 d, CF -> AWD (§2.5)."""
    ef = daily_emission_factor(np.array([1.22, 1.22]), np.array([1.0, 0.55]), 1.0, 1.0, 1.0)
    re, pe = methane_emissions(ef, np.array([100.0, 100.0]), np.array([1.0, 1.0]), 28.0)
    assert_allclose(re - pe, 1.5372, rtol=1e-9)


def test_nitrous_oxide_emissions() -> None:
    """Gives N x A x EF x 44/28 x 265 / 1000 for 100 kg N/ha on 10 ha (§2.2 factors)."""
    e = nitrous_oxide_emissions(
        np.array([100.0, 100.0]), np.array([10.0, 10.0]), np.array([0.003, 0.005]), 265.0
    )
    assert_allclose(
        e, [100 * 10 * 0.003 * 44 / 28 * 265 / 1000, 100 * 10 * 0.005 * 44 / 28 * 0.265]
    )


def test_nitrogen_adds_n2o_on_both_sides(builtin_host: MethodologyHost) -> None:
    """Adds drained-regime N2O to PE and flooded-regime N2O to RE (§2.2: 0.003 vs 0.005)."""
    data = copy.deepcopy(AWD1)
    data["strata"][0]["nitrogen_input"] = 100.0
    result = builtin_host.get("awd-rice").calculate(data)
    n2o = 100.0 * 100.0 * 44 / 28 * 265 / 1000
    assert_allclose(result.reference_emissions, 341.6 + n2o * 0.003, rtol=1e-12)
    assert_allclose(result.project_emissions, 187.88 + n2o * 0.005, rtol=1e-12)


def test_ar4_uses_ch4_25(builtin_host: MethodologyHost) -> None:
    """Scales AWD-1 by 25/28 with the AR4 GWP set (methodologies.md §1.5)."""
    result = builtin_host.get("awd-rice").calculate({**AWD1, "gwp": "AR4"})
    assert_allclose(result.reference_emissions, 341.6 * 25 / 28, rtol=1e-12)
    assert result.provenance.gwp_set == "AR4"


def test_ineligible_stratum_credits_zero_but_others_count(builtin_host: MethodologyHost) -> None:
    """Excludes a stratum whose project regime is not drier, keeping AWD-1's eligible stratum."""
    data = copy.deepcopy(AWD1)
    bad = {**data["strata"][0], "name": "wet", "project_water_regime": "continuously_flooded"}
    data["strata"].append(bad)
    result = builtin_host.get("awd-rice").calculate(data)
    assert_allclose(result.reference_emissions, 341.6, rtol=1e-12)
    assert result.emission_reductions == 153
    (problem,) = result.problems
    assert (problem.code, problem.field, problem.subject) == (
        "ineligible_water_regime",
        "$.strata[1].project_water_regime",
        "wet",
    )


def test_area_in_square_metres_converts(builtin_host: MethodologyHost) -> None:
    """Accepts the area of AWD-1 as 1,000,000 m2 with the same result and hash."""
    data = copy.deepcopy(AWD1)
    data["strata"][0]["area"] = {"value": 1_000_000, "unit": "m2"}
    m = builtin_host.get("awd-rice")
    assert m.calculate(data).to_json() == m.calculate(AWD1).to_json()


def test_cultivation_longer_than_period_is_a_warning(builtin_host: MethodologyHost) -> None:
    """Warns when a stratum's cultivation days exceed the monitoring period's days."""
    data = copy.deepcopy(AWD1)
    data["period"] = {"start": "2025-06-01", "end": "2025-06-30"}
    result = builtin_host.get("awd-rice").calculate(data)
    assert [p.code for p in result.problems] == ["cultivation_days_exceed_period"]
    assert result.emission_reductions == 153


# --------------------------------------------------------------------------- strata strategies


@st.composite
def strata(draw: st.DrawFn, min_size: int = 1, max_size: int = 12) -> list[dict[str, Any]]:
    """Plain JSON strata of plausible values, some with optional fields."""
    n = draw(st.integers(min_size, max_size))
    out = []
    for i in range(n):
        s: dict[str, Any] = {
            "name": f"s{i}",
            "area": draw(st.one_of(st.integers(1, 500), st.floats(0.01, 500))),
            "cultivation_days": draw(st.one_of(st.integers(60, 150), st.just(100.0))),
            "baseline_emission_factor": draw(st.floats(0.0, 20.0)),
            "reference_water_regime": draw(st.sampled_from(REGIMES)),
            "project_water_regime": draw(st.sampled_from(REGIMES)),
        }
        if draw(st.booleans()):
            s["preseason_water_regime"] = draw(st.sampled_from(PRESEASON))
        if draw(st.booleans()):
            s["organic_amendments"] = [
                {"type": draw(st.sampled_from(AMENDMENTS)), "rate": draw(st.floats(0, 50))}
                for _ in range(draw(st.integers(0, 3)))
            ]
        if draw(st.booleans()):
            s["soil_scaling_factor"] = draw(st.floats(0.1, 3.0))
        if draw(st.booleans()):
            s["nitrogen_input"] = draw(st.one_of(st.integers(0, 200), st.floats(0, 200)))
        out.append(s)
    return out


@given(strata(), st.sampled_from(["AR4", "AR5", "AR6"]), st.floats(0, 0.99))
def test_fast_path_is_identical_to_the_ordinary_path(
    rows: list[dict[str, Any]], gwp: str, ud: float
) -> None:
    """Gives bit-identical emissions, problems and normalised inputs on the fast path."""
    data = {
        "period": {"start": "2025-06-01", "end": "2025-10-31"},
        "strata": rows,
        "gwp": gwp,
        "uncertainty_deduction": ud,
    }
    plugin = AwdRice()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(awd_rice, "FAST_PATH_MIN_STRATA", 1)
        fast = plugin.calculate_json(copy.deepcopy(data))
    assert fast is not None
    emissions, document = fast
    inputs = structure(data, AwdRiceInputs)
    slow = plugin.calculate(inputs)
    assert document == unstructure(inputs)
    assert_array_equal(emissions.reference, slow.reference)
    assert_array_equal(emissions.project, slow.project)
    assert emissions.problems == slow.problems
    assert emissions.uncertainty_deduction == slow.uncertainty_deduction


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.__setitem__("area", -1.0),
        lambda s: s.__setitem__("area", {"value": 1, "unit": "ha"}),
        lambda s: s.__setitem__("cultivation_days", 100.5),
        lambda s: s.__setitem__("colour", "green"),
        lambda s: s.__setitem__("baseline_emission_factor", True),
        lambda s: s.__setitem__("project_water_regime", "dry"),
        lambda s: s.__setitem__("organic_amendments", [{"type": "compost"}]),
    ],
)
def test_fast_path_leaves_anything_unusual_to_the_ordinary_path(edit: Any) -> None:
    """Returns None (so the ordinary path reports or converts) for unusual or bad strata."""
    rows = [copy.deepcopy(AWD1["strata"][0]) for _ in range(3)]
    edit(rows[1])
    data = {**AWD1, "strata": rows}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(awd_rice, "FAST_PATH_MIN_STRATA", 1)
        assert AwdRice().calculate_json(data) is None


def test_small_inputs_take_the_ordinary_path() -> None:
    """Leaves inputs below FAST_PATH_MIN_STRATA strata to the ordinary path."""
    assert AwdRice().calculate_json(AWD1) is None


# --------------------------------------------------------------------------- batch


def _columns(rows: list[dict[str, Any]]) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "area": [float(r["area"]) for r in rows],
        "cultivation_days": [r["cultivation_days"] for r in rows],
        "baseline_emission_factor": [r["baseline_emission_factor"] for r in rows],
        "reference_water_regime": np.array([r["reference_water_regime"] for r in rows]),
        "project_water_regime": np.array([r["project_water_regime"] for r in rows]),
        "preseason_water_regime": [r.get("preseason_water_regime", PRESEASON[0]) for r in rows],
        "soil_scaling_factor": np.array([r.get("soil_scaling_factor", 1.0) for r in rows]),
        "nitrogen_input": np.array([float(r.get("nitrogen_input", 0.0)) for r in rows]),
    }
    for a in AMENDMENTS:
        rates = [
            sum((x["rate"] for x in r.get("organic_amendments", []) if x["type"] == a), 0.0)
            for r in rows
        ]
        if any(rates):
            cols[f"organic_amendment_{a}"] = np.array(rates)
    return cols


@given(strata(max_size=8))
def test_batch_rows_equal_single_stratum_calculations(rows: list[dict[str, Any]]) -> None:
    """Gives per row the RE and PE of each stratum calculated alone (same equations)."""
    amended = [
        r
        for r in rows
        if len({x["type"] for x in r.get("organic_amendments", [])})
        == len(r.get("organic_amendments", []))
    ]
    if not amended:
        return
    host = MethodologyHost(entry_points=False)
    host.register(awd_rice_plugin(), name="awd", distribution=("jcm", "test"))
    m = host.get("awd-rice")
    batch = m.calculate_batch(_columns(amended))
    for i, row in enumerate(amended):
        single = m.calculate({"period": AWD1["period"], "strata": [row]})
        assert batch.reference_emissions[i] == single.reference_emissions
        assert batch.project_emissions[i] == single.project_emissions
        if not single.problems or single.problems[0].code != "ineligible_water_regime":
            assert batch.emission_reductions[i] == single.emission_reductions


def awd_rice_plugin() -> object:
    """A plugin object providing only awd-rice."""
    from jcm.methodologies import hookimpl

    class Plugin:
        @hookimpl
        def jcm_register_methodologies(self) -> list[object]:
            return [AwdRice()]

    return Plugin()


def test_batch_of_awd_vectors(builtin_host: MethodologyHost) -> None:
    """Reproduces AWD-1 and AWD-2 (without its Ud) as two rows of a batch (§7.2)."""
    columns = {
        "name": ["AWD-1", "AWD-2"],
        "area": [100.0, 250.0],
        "cultivation_days": [100, 110],
        "baseline_emission_factor": [1.22, 2.95],
        "reference_water_regime": ["continuously_flooded", "continuously_flooded"],
        "project_water_regime": ["multiple_drainage", "single_drainage"],
        "organic_amendment_straw_less_than_30_days": [0.0, 2.0],
    }
    result = builtin_host.get("awd-rice").calculate_batch(columns)
    assert_allclose(result.reference_emissions, [341.6, 4343.244530720858], rtol=1e-9)
    assert_allclose(result.project_emissions, [187.88, 3083.703616811809], rtol=1e-9)
    assert_array_equal(result.emission_reductions, [153, 1259])
    assert len(result) == 2
    assert result.total_credits() == 153 + 1259
    with_ud = builtin_host.get("awd-rice").calculate_batch(columns, uncertainty_deduction=0.15)
    assert with_ud.emission_reductions[1] == 1070


def test_batch_accepts_a_dataframe_with_categoricals(builtin_host: MethodologyHost) -> None:
    """Gives identical results and hash for a DataFrame with categorical regime columns."""
    columns = {
        "area": [100.0, 250.0, 3.5],
        "cultivation_days": [100, 110, 95],
        "baseline_emission_factor": [1.22, 2.95, 1.46],
        "reference_water_regime": ["continuously_flooded"] * 2 + ["single_drainage"],
        "project_water_regime": ["multiple_drainage", "single_drainage", "multiple_drainage"],
    }
    frame = pd.DataFrame(columns)
    for c in ("reference_water_regime", "project_water_regime"):
        frame[c] = frame[c].astype("category")
    m = builtin_host.get("awd-rice")
    a, b = m.calculate_batch(columns), m.calculate_batch(frame)
    assert_array_equal(a.emission_reductions_exact, b.emission_reductions_exact)
    assert a.provenance.inputs_sha256 == b.provenance.inputs_sha256


def test_batch_flags_ineligible_rows(builtin_host: MethodologyHost) -> None:
    """Credits 0 to rows whose project regime is not drier and reports the first such row."""
    columns = {
        "area": [100.0, 100.0],
        "cultivation_days": [100, 100],
        "baseline_emission_factor": [1.22, 1.22],
        "reference_water_regime": ["continuously_flooded", "single_drainage"],
        "project_water_regime": ["multiple_drainage", "single_drainage"],
    }
    result = builtin_host.get("awd-rice").calculate_batch(columns)
    assert_array_equal(result.emission_reductions, [153, 0])
    assert result.problems[0].subject == "row 1"


@pytest.mark.parametrize(
    ("column", "values", "named"),
    [
        ("area", [1.0, 2.0, -3.0], "area[2]"),
        ("area", [1.0, float("nan"), 3.0], "area[1]"),
        ("cultivation_days", [100, 100.5, 90], "cultivation_days[1]"),
        ("baseline_emission_factor", [1.0, 130.0, 1.0], "baseline_emission_factor[1]"),
        (
            "project_water_regime",
            ["single_drainage", "dry", "multiple_drainage"],
            "project_water_regime[1]",
        ),
        ("area", [1.0, 2.0], "area"),
        ("area", ["1", "2", "3"], "area[0]"),
        ("soil_colour", [1.0, 2.0, 3.0], "soil_colour"),
    ],
)
def test_batch_errors_name_column_and_first_bad_row(
    builtin_host: MethodologyHost, column: str, values: list[Any], named: str
) -> None:
    """Rejects a bad column naming it and its first bad row (or the column for its length)."""
    columns: dict[str, Any] = {
        "area": [1.0, 2.0, 3.0],
        "cultivation_days": [100, 100, 90],
        "baseline_emission_factor": [1.0, 1.2, 1.4],
        "reference_water_regime": ["continuously_flooded"] * 3,
        "project_water_regime": ["single_drainage"] * 3,
    }
    columns[column] = values
    with pytest.raises(InvalidValueError) as info:
        builtin_host.get("awd-rice").calculate_batch(columns)
    assert info.value.field == named


def test_batch_missing_column_is_named(builtin_host: MethodologyHost) -> None:
    """Rejects a batch without a required column, naming it."""
    with pytest.raises(InvalidValueError) as info:
        builtin_host.get("awd-rice").calculate_batch({"area": [1.0]})
    assert info.value.field == "cultivation_days"


# --------------------------------------------------------------------------- text columns

_ROWS = 20_000  # more than two blocks of the text-column coding


def _text_column(categories: list[str], rows: int = _ROWS) -> np.ndarray:
    return np.array(categories)[np.arange(rows) % len(categories)]


def _expected_codes(values: list[Any], categories: list[str]) -> list[int]:
    return [categories.index(v) for v in values]


@pytest.mark.parametrize(
    "bad",
    [
        "single_drainagf",  # differs in the last character only
        "single_drainage ",  # one character longer
        "single_drainag",  # one character shorter
        "Single_drainage",  # differs in the first character only
        "",
        "continuously_floodedX",  # a category followed by more text
        "\u0173ingle_drainage",  # a first character whose low byte is that of "s"
        "multiple_drainage\u0000x",
    ],
)
@pytest.mark.parametrize("row", [0, 8191, 8192, 12_345, _ROWS - 1])
def test_batch_text_columns_match_categories_exactly(bad: str, row: int) -> None:
    """Rejects any text that is not exactly a category, naming its row, wherever it is."""
    values = _text_column(REGIMES).astype("<U24")
    values[row] = bad
    with pytest.raises(InvalidValueError) as info:
        Columns({"regime": values}).category("regime", REGIMES)
    assert info.value.field == f"regime[{row}]"
    assert info.value.value == values[row]


@pytest.mark.parametrize(
    "form",
    [
        lambda a: a,
        lambda a: a.astype(object),
        lambda a: a.astype(a.dtype.newbyteorder(">")),
        lambda a: a.astype("<U40"),
        lambda a: np.stack([a, a], axis=1)[:, 1],  # not contiguous
        lambda a: pd.Series(a.astype(object)),
        lambda a: pd.Series(a, dtype="category"),
        lambda a: a.tolist(),
    ],
)
@pytest.mark.parametrize("categories", [REGIMES, PRESEASON])
def test_batch_text_columns_in_any_form_give_the_same_codes(
    form: Any, categories: list[str]
) -> None:
    """Codes numpy text (any width, byte order, layout), object, pandas and list columns alike."""
    rng = np.random.default_rng(7)
    values = np.array(categories)[rng.integers(0, len(categories), _ROWS)]
    codes = Columns({"c": form(values)}).category("c", categories)
    assert codes.dtype == np.int8
    assert_array_equal(codes, _expected_codes(values.tolist(), categories))


def test_batch_text_column_narrower_than_a_category() -> None:
    """Never matches a category longer than the column to its truncated text."""
    narrow = np.array(["single_drainage", "continuously_fl"])  # <U15
    assert narrow.dtype == np.dtype("<U15")
    with pytest.raises(InvalidValueError) as info:
        Columns({"regime": narrow}).category("regime", REGIMES)
    assert info.value.field == "regime[1]"
    assert_array_equal(Columns({"regime": narrow[:1]}).category("regime", REGIMES), [1])


def test_batch_text_columns_with_categories_alike_at_most_positions() -> None:
    """Codes categories that share their first characters and their length."""
    categories = ["aa_x", "aa_y", "ab_x", "ab_y", "ba_x"]
    rng = np.random.default_rng(3)
    values = np.array(categories)[rng.integers(0, len(categories), _ROWS)]
    assert_array_equal(
        Columns({"c": values}).category("c", categories),
        _expected_codes(values.tolist(), categories),
    )
    values[9000] = "ab_z"
    with pytest.raises(InvalidValueError) as info:
        Columns({"c": values}).category("c", categories)
    assert info.value.field == "c[9000]"


def test_batch_object_column_with_other_values_names_the_first() -> None:
    """Rejects a non-text value (hashable or not) of an object column, naming its row."""
    for odd in (3, None, ["single_drainage"]):
        values = _text_column(REGIMES, 10).astype(object)
        values[4] = odd
        with pytest.raises(InvalidValueError) as info:
            Columns({"regime": values}).category("regime", REGIMES)
        assert info.value.field == "regime[4]"


@pytest.mark.parametrize("fertilised", [True, False])
@pytest.mark.parametrize("amended", [True, False])
def test_strata_columns_compute_exactly_the_published_equations(
    fertilised: bool, amended: bool
) -> None:
    """Gives bit for bit what the equation functions give, over several blocks and all regimes."""
    rng = np.random.default_rng(11)
    n = 40_000
    rates = (
        {a: np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0, 50, n)) for a in AMENDMENTS[:3]}
        if amended
        else {}
    )
    columns = awd_rice.StrataColumns(
        area=rng.uniform(0.01, 1e4, n),
        cultivation_days=rng.integers(1, 366, n).astype(np.float64),
        baseline_emission_factor=rng.uniform(0, 20, n),
        reference_regime=rng.integers(0, 3, n).astype(np.int8),
        project_regime=rng.integers(0, 3, n).astype(np.int8),
        preseason_regime=rng.integers(0, 4, n).astype(np.int8),
        amendment_rates=rates,
        soil_scaling_factor=rng.uniform(0.1, 3.0, n),
        nitrogen_input=rng.uniform(0, 300, n) if fertilised else np.zeros(n),
    )
    sf_w = np.array([awd_rice.RICE_WATER_REGIME_SCALING[r] for r in REGIMES])
    sf_p = np.array([awd_rice.RICE_PRESEASON_SCALING[p] for p in PRESEASON])
    ef_n2o = np.array([awd_rice.RICE_N2O_EMISSION_FACTORS[r] for r in REGIMES])
    for gwp in awd_rice.GwpSet:
        gases = awd_rice.GWP_SETS[gwp.value]
        flooded = methane_emissions(
            daily_emission_factor(
                columns.baseline_emission_factor,
                1.0,
                sf_p[columns.preseason_regime],
                organic_amendment_scaling(rates, RICE_ORGANIC_AMENDMENT_CONVERSION, n),
                columns.soil_scaling_factor,
            ),
            columns.cultivation_days,
            columns.area,
            gases["CH4"],
        )
        eligible = columns.project_regime > columns.reference_regime
        reference, project = columns.emissions(gwp)
        for regime, got in (
            (columns.reference_regime, reference),
            (columns.project_regime, project),
        ):
            expected = flooded * sf_w[regime]
            if fertilised:
                expected = expected + nitrous_oxide_emissions(
                    columns.nitrogen_input, columns.area, ef_n2o[regime], gases["N2O"]
                )
            assert got.tobytes() == (expected * eligible).tobytes()


@pytest.mark.parametrize("extra_categories", [0, 200])  # int8 and int16 pandas codes
def test_batch_categorical_columns_name_the_first_missing_or_unknown_value(
    extra_categories: int,
) -> None:
    """Codes a Categorical through its categories and names its first missing or unknown row."""
    values = _text_column(REGIMES).tolist()
    categories = [f"other_{i}" for i in range(extra_categories)] + REGIMES[::-1]
    column = pd.Series(pd.Categorical(values, categories=categories))
    assert_array_equal(
        Columns({"c": column}).category("c", REGIMES), _expected_codes(values, REGIMES)
    )
    for bad, row in ((None, 9000), ("other_0", 15_000)):
        if bad is not None and not extra_categories:
            continue
        odd = pd.Series(pd.Categorical(values, categories=categories))
        odd[row] = bad
        with pytest.raises(InvalidValueError) as info:
            Columns({"c": odd}).category("c", REGIMES)
        assert info.value.field == f"c[{row}]"
