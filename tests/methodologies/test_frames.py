"""``BatchResult.to_frame()``: the rows of a batch as a pandas DataFrame, pandas imported lazily."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from jcm.errors import MethodologyError
from jcm.methodologies import MethodologyHost

AWD = {
    "area": [100.0, 250.0],
    "cultivation_days": [100, 110],
    "baseline_emission_factor": [1.22, 2.95],
    "reference_water_regime": ["continuously_flooded", "continuously_flooded"],
    "project_water_regime": ["multiple_drainage", "single_drainage"],
    "organic_amendment_straw_less_than_30_days": [0.0, 2.0],
}
"""AWD-1 and AWD-2 (without its Ud) of the public vectors as two batch rows: 153 and 1,259."""

COLUMNS = [
    "reference_emissions",
    "project_emissions",
    "leakage_emissions",
    "emission_reductions_exact",
    "emission_reductions",
]


def test_to_frame_holds_every_row_and_column(builtin_host: MethodologyHost) -> None:
    """Gives one row per batch row, the five result columns in order, and the same numbers."""
    result = builtin_host.get("awd-rice").calculate_batch(AWD)
    frame = result.to_frame()
    assert list(frame.columns) == COLUMNS
    assert frame.index.name == "row"
    assert list(frame.index) == [0, 1]
    assert frame["emission_reductions"].tolist() == [153, 1259]
    assert str(frame["emission_reductions"].dtype) == "int64"
    assert_array_equal(frame["reference_emissions"].to_numpy(), result.reference_emissions)
    assert frame["reference_emissions"].tolist() == pytest.approx([341.6, 4343.244530720858])
    assert int(frame["emission_reductions"].sum()) == result.total_credits()


def test_to_frame_carries_provenance_and_copies(builtin_host: MethodologyHost) -> None:
    """Keeps methodology, version and provenance in attrs; editing the frame leaves the result."""
    result = builtin_host.get("awd-rice").calculate_batch(AWD, gwp="AR6")
    frame = result.to_frame()
    assert frame.attrs["methodology"] == "awd-rice"
    assert frame.attrs["provenance"] == result.provenance.to_json()
    assert frame.attrs["provenance"]["gwp_set"] == "AR6"
    assert frame.attrs["problems"] == []
    frame.loc[0, "reference_emissions"] = -1.0
    assert result.reference_emissions[0] > 0
    assert isinstance(frame, pd.DataFrame)


def test_to_frame_without_pandas_is_a_clear_error(
    builtin_host: MethodologyHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raises MethodologyError MISSING_OPTIONAL_DEPENDENCY naming the pandas extra."""
    result = builtin_host.get("awd-rice").calculate_batch(AWD)
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(MethodologyError, match=r"jcm-engine\[pandas\]") as info:
        result.to_frame()
    assert info.value.code == "MISSING_OPTIONAL_DEPENDENCY"
    assert info.value.field == "pandas"


def test_a_batch_does_not_import_pandas() -> None:
    """Calculates a batch from numpy columns without importing pandas."""
    code = (
        "import sys, jcm.methodologies as m; "
        "m.get('awd-rice').calculate_batch({'area': [1.0], 'cultivation_days': [100], "
        "'baseline_emission_factor': [1.22], 'reference_water_regime': ['continuously_flooded'], "
        "'project_water_regime': ['multiple_drainage']}); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
