"""Tests of ``jcm methodologies`` and ``jcm calculate`` (API.md "CLI", "Result JSON")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fake_plugins import install
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
    body = json.loads(capsys.readouterr().out)
    assert list(body) == ["methodologies", "broken"]
    assert body["broken"] == []
    listed = {m["id"]: m for m in body["methodologies"]}
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


@pytest.fixture
def fresh_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gives jcm.methodologies a default host of its own for the test, discarded afterwards."""
    monkeypatch.setattr(jcm.methodologies, "_default", [])


def test_methodologies_lists_a_broken_plugin_apart(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fresh_default: None,
) -> None:
    """Lists the working methodologies, then the broken plugin with its error, and exits 0."""
    install(monkeypatch, tmp_path / "site", "good", "boom")
    assert main(["methodologies"]) == 0
    out = capsys.readouterr().out
    table, _, rest = out.partition("\n\nbroken plugins")
    assert any(line.startswith("meter ") for line in table.splitlines())
    assert any(line.startswith("awd-rice ") for line in table.splitlines())
    assert rest.splitlines()[1:] == [
        "  boom (jcm-fake-boom 0.1.0): ModuleNotFoundError: No module named "
        "'jcm_no_such_module_anywhere'"
    ]


def test_methodologies_json_lists_a_broken_plugin(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fresh_default: None,
) -> None:
    """Writes the broken plugin's entry point, target, distribution and error in --json."""
    install(monkeypatch, tmp_path / "site", "good", "misspelt")
    assert main(["methodologies", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert "meter" in {m["id"] for m in body["methodologies"]}
    (broken,) = body["broken"]
    assert {k: v for k, v in broken.items() if k != "error"} == {
        "entry_point": "misspelt",
        "target": "jcm_fake_misspelt",
        "distribution": "jcm-fake-misspelt",
        "distribution_version": "0.1.0",
    }
    assert "jcm_register_methodology" in broken["error"]


def test_block_plugin_option_hides_plugins_for_one_run(
    capsys: pytest.CaptureFixture[str], fresh_default: None
) -> None:
    """Hides led-lighting and the built-ins under --block-plugin, only for that command."""
    argv = ["--block-plugin", "led", "--block-plugin", "jcm-engine", "methodologies", "--json"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"methodologies": [], "broken": []}
    assert "no methodology is available" in captured.err
    assert main(["methodologies", "--json"]) == 0
    ids = {m["id"] for m in json.loads(capsys.readouterr().out)["methodologies"]}
    assert {"led-lighting", "chiller"} <= ids


def test_block_plugin_environment_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fresh_default: None
) -> None:
    """Hides the plugins named in JCM_BLOCK_PLUGINS, comma-separated."""
    monkeypatch.setenv("JCM_BLOCK_PLUGINS", "jcm-methodology-led")
    assert main(["methodologies", "--json"]) == 0
    ids = {m["id"] for m in json.loads(capsys.readouterr().out)["methodologies"]}
    assert "led-lighting" not in ids
    assert "chiller" in ids


def test_calculate_with_a_plugin_returning_an_enum_fails_cleanly(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fresh_default: None,
) -> None:
    """Exits 1 with a CalculationError naming methodology and distribution, no traceback."""
    install(monkeypatch, tmp_path / "site", "enum")
    path = _write(tmp_path, {"electricity": 1234.567, "emission_factor": 0.533})
    assert main(["calculate", "enum-meter", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    if captured.out:  # the error as JSON on stdout (docs/api.md "Errors as JSON")
        assert json.loads(captured.out)["error"]["code"] == "CALCULATION_ERROR"
    assert "[CALCULATION_ERROR]" in captured.err
    assert "enum-meter 1.0 from jcm-fake-enum 0.1.0" in captured.err
    assert "gwp_set <GwpSet.AR5: 'AR5'>" in captured.err
