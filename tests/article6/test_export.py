"""Export of AEF reports to CSV and JSON, optional XLSX, checks run first."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import attrs
import pytest

from jcm.article6.aef import AefReport
from jcm.article6.examples import report, section_9_6_events
from jcm.article6.export import export_aef, xlsx_available
from jcm.errors import Article6Error, InvalidValueError


def jpn(year: int) -> AefReport:
    return report(section_9_6_events(), "JPN", year)


def test_csv_has_one_file_per_table_with_headers(tmp_path: Path) -> None:
    """Writes five CSV files whose first rows are the §8.2 headers."""
    result = export_aef(jpn(2025), tmp_path, previous_holdings=())
    assert len(result.paths) == 5
    with result.paths[3].open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "Cooperative approach ID"
    assert rows[1][4] == "CA0099-MNG01-MNG-1-2023"


def test_json_carries_the_tables_and_the_problems(tmp_path: Path) -> None:
    """Writes one JSON file with the five tables and the consistency findings."""
    (path,) = export_aef(jpn(2025), tmp_path, formats=("json",)).paths
    body = json.loads(path.read_text(encoding="utf-8"))
    assert body["Table 1 Submission"][0]["Party"] == "JPN"
    assert {p["code"] for p in body["consistency"]} == {"C02"}  # Table 2 of Mongolia not given


def test_strict_export_refuses_an_inconsistent_report(tmp_path: Path) -> None:
    """Refuses to write a report failing C09 when strict, and writes nothing."""
    bad = jpn(2026)
    bad = attrs.evolve(bad, holdings=(attrs.evolve(bad.holdings[0], quantity=601),))
    with pytest.raises(Article6Error) as info:
        export_aef(bad, tmp_path / "out", strict=True, previous_holdings=jpn(2025).holdings)
    assert info.value.code == "AEF_INCONSISTENT"
    assert not (tmp_path / "out").exists()


def test_unknown_format_is_rejected(tmp_path: Path) -> None:
    """Rejects a format other than csv, json or xlsx."""
    with pytest.raises(InvalidValueError):
        export_aef(jpn(2025), tmp_path, formats=("pdf",))


def test_xlsx_needs_openpyxl(tmp_path: Path) -> None:
    """Writes XLSX when openpyxl is importable and otherwise fails with XLSX_UNAVAILABLE."""
    if xlsx_available():
        (path,) = export_aef(jpn(2025), tmp_path, formats=("xlsx",)).paths
        assert path.suffix == ".xlsx"
    else:
        with pytest.raises(Article6Error) as info:
            export_aef(jpn(2025), tmp_path, formats=("xlsx",))
        assert info.value.code == "XLSX_UNAVAILABLE"
        assert list(tmp_path.iterdir()) == []
