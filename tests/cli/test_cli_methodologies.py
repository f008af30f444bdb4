"""Tests of ``jcm methodologies`` and ``jcm calculate`` (API.md "CLI", "Result JSON")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from numpy.testing import assert_allclose
from public_vectors import load_vectors

import jcm.methodologies
from jcm.cli import main

RESULT_KEYS = [
    "methodology",
    "version",
    "reference_emissions",
    "project_emissions",
    "leakage_emissions",
    "emission_reductions_exact",
    "emission_reductions",
    "problems",
    "provenance",
]
PROVENANCE_KEYS = {
    "methodology",
    "version",
    "distribution",
    "distribution_version",
    "jcm_version",
    "gwp_set",
    "inputs_sha256",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize tests taking ``vector`` with the public vectors."""
    if "vector" in metafunc.fixturenames:
        cases = load_vectors()
        metafunc.parametrize("vector", cases, ids=[c["id"] for c in cases])


def _write(tmp_path: Path, data: Any, name: str = "input.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_calculate_reproduces_vector_as_json(
    vector: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Prints the result JSON of API.md for each public vector, matching it (rtol 1e-9)."""
    path = _write(tmp_path, vector["input"])
    assert main(["calculate", vector["methodology"], str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == RESULT_KEYS
    assert set(out["provenance"]) == PROVENANCE_KEYS
    for name, value in vector["expected"].items():
        if name == "emission_reductions":
            assert out[name] == value
        else:
            assert_allclose(out[name], value, rtol=1e-9, atol=0)
    assert out["methodology"] == vector["methodology"]
    assert out["provenance"]["jcm_version"] == jcm.__version__


def test_calculate_prints_an_aligned_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Prints RE, PE, LE, exact ER and credits with their unit, right-aligned (EE-1, §7.2)."""
    data = {
        "period": {"start": "2024-01-01", "end": "2024-12-31"},
        "electricity_consumed": 1500.0,
        "cop_project": 6.3,
        "cop_reference": 5.5,
        "emission_factor": 0.5,
    }
    assert main(["calculate", "chiller", str(_write(tmp_path, data))]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if line.endswith("tCO2e")]
    assert len(rows) == 5
    assert len({len(r) for r in rows}) == 1
    assert any("859.090909" in r for r in rows)
    assert rows[-1].split()[-2] == "109"
    assert "problems: none" in lines


def test_calculate_bad_input_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exits 2 and names $.strata[0].area for a negative area (methodologies.md §8.1 A1)."""
    case = load_vectors()[0]["input"]
    case["strata"][0]["area"] = -12.5
    assert main(["calculate", "awd-rice", str(_write(tmp_path, case))]) == 2
    captured = capsys.readouterr()
    assert "$.strata[0].area" in captured.err
    assert captured.out == ""


def test_calculate_unknown_methodology_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exits 2 naming the methodology and listing the available ones."""
    assert main(["calculate", "geothermal", str(_write(tmp_path, {}))]) == 2
    err = capsys.readouterr().err
    assert "geothermal" in err
    assert "awd-rice 1.0" in err


def test_calculate_unknown_version_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exits 2 for a version that is not installed."""
    assert main(["calculate", "chiller", str(_write(tmp_path, {})), "--version", "9.9"]) == 2
    assert "9.9" in capsys.readouterr().err


def test_calculate_invalid_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exits 2 naming the line of a JSON syntax error."""
    path = tmp_path / "broken.json"
    path.write_text('{"period": ', encoding="utf-8")
    assert main(["calculate", "chiller", str(path)]) == 2
    assert "line 1" in capsys.readouterr().err


def test_calculate_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exits 2 when the input file does not exist."""
    assert main(["calculate", "chiller", str(tmp_path / "absent.json")]) == 2
    assert "absent.json" in capsys.readouterr().err


def test_methodologies_json_lists_the_builtins(capsys: pytest.CaptureFixture[str]) -> None:
    """Lists the five built-ins with id, version, title, follows and distribution."""
    assert main(["methodologies", "--json"]) == 0
    listed = {m["id"]: m for m in json.loads(capsys.readouterr().out)}
    assert {"awd-rice", "redd-plus", "waste-to-energy", "solar-pv", "chiller"} <= set(listed)
    assert listed["chiller"] == {
        "id": "chiller",
        "version": "1.0",
        "title": listed["chiller"]["title"],
        "follows": ["TH_AM005"],
        "distribution": "jcm-engine",
    }
    assert listed["solar-pv"]["follows"] == [
        "TH_AM001",
        "KH_AM002",
        "MV_AM001",
        "KE_AM002",
        "ID_AM017",
    ]


def test_methodologies_table_is_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints a header and one aligned row per methodology."""
    assert main(["methodologies"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["ID", "VERSION", "DISTRIBUTION"]
    column = lines[0].index("VERSION")
    assert all(line[column - 2 : column] == "  " for line in lines[1:])
    assert any(line.startswith("awd-rice ") for line in lines)


def test_large_input_gives_the_same_result_as_the_python_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Gives, for 2,000 strata (the columnar fast path), the Python API's result exactly."""
    base = load_vectors()[1]["input"]
    stratum = base["strata"][0]
    regimes = ["single_drainage", "multiple_drainage"]
    strata = [
        {
            **stratum,
            "name": f"S{i}",
            "area": 1 + i % 97,
            "cultivation_days": 90 + i % 31,
            "project_water_regime": regimes[i % 2],
            "nitrogen_input": float(i % 7) * 10,
        }
        for i in range(2000)
    ]
    data = {**base, "strata": strata}
    assert main(["calculate", "awd-rice", str(_write(tmp_path, data)), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    m = jcm.methodologies.get("awd-rice")
    assert out == m.calculate(m.structure(data)).to_json()
