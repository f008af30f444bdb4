"""Export of AEF reports to CSV and JSON, optional XLSX, checks run first."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from pathlib import Path

import attrs
import openpyxl
import pytest

from jcm.article6.aef import (
    DATE_COLUMNS,
    TABLE_NAMES,
    ActionRow,
    AefReport,
    AuthorizationRow,
    AuthorizedEntityRow,
    HoldingRow,
    SubmissionRow,
)
from jcm.article6.examples import known_authorizations, report, section_9_6_registry
from jcm.article6.export import export_aef, write_xlsx, xlsx_available
from jcm.errors import Article6Error, InvalidValueError

SECTION_9_6 = section_9_6_registry()

D = dt.date


def jpn(year: int) -> AefReport:
    return report(SECTION_9_6, "JPN", year)


def full() -> AefReport:
    """Japan's 2025 report (rules.md §9.6) with a Table 2 row and a Table 5 row added."""
    entity = AuthorizedEntityRow(D(2025, 3, 1), "ACME Corp.", "JPN", "1234-5678", "CA0099")
    return attrs.evolve(jpn(2025), authorizations=known_authorizations(), entities=(entity,))


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


def test_xlsx_without_openpyxl_fails_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails with XLSX_UNAVAILABLE, naming the extra, and writes no file, without openpyxl."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert not xlsx_available()
    with pytest.raises(Article6Error) as info:
        export_aef(jpn(2025), tmp_path / "out", formats=("csv", "xlsx"))
    assert info.value.code == "XLSX_UNAVAILABLE"
    assert "jcm-engine[xlsx]" in info.value.message
    assert not (tmp_path / "out").exists()


def _read_back(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_xlsx_is_laid_out_as_the_aef_workbook(tmp_path: Path) -> None:
    """Writes one sheet per table, named as the template, with its labels and typed rows."""
    aef = full()
    (path,) = export_aef(aef, tmp_path, formats=("xlsx",)).paths
    assert path.name == "aef-JPN-2025-v1.0.xlsx"
    sheets = _read_back(path)
    assert tuple(sheets) == TABLE_NAMES
    classes = (SubmissionRow, AuthorizationRow, ActionRow, HoldingRow, AuthorizedEntityRow)
    for (name, headers, rows), cls in zip(aef.sheets(), classes, strict=True):
        header, *data = sheets[name]
        assert header == cls.headers() == headers
        assert len(data) == len(rows) >= 1
        for got, want in zip(data, rows, strict=True):
            dates = tuple(g.date() if isinstance(g, dt.datetime) else g for g in got)
            assert dates == want
    table1 = dict(zip(*sheets["Table 1 Submission"], strict=True))
    assert table1["Date of submission"] == dt.datetime(2026, 4, 10)
    assert table1["Reported year"] == 2025
    table3 = dict(zip(*sheets["Table 3 Actions"], strict=True))
    assert table3["Action date"] == dt.datetime(2025, 6, 10)
    assert (table3["First ID"], table3["Last ID"]) == (
        "CA0099-MNG01-MNG-1-2023",
        "CA0099-MNG01-MNG-1000-2023",
    )
    assert (table3["Quantity (t CO2 eq)"], table3["Vintage"]) == (1000, 2023)
    assert (table3["Action subtype"], table3["Acquiring participating Party ID"]) == ("NA", "NA")
    assert table3["Applicable GWP value(s)"] is None  # optional and blank
    table4 = dict(zip(*sheets["Table 4 Holdings"], strict=True))
    assert (table4["First unit ID"], table4["Last unit ID"], table4["Quantity (t CO2 eq)"]) == (
        1,
        1000,
        1000,
    )
    table5 = dict(zip(*sheets["Table 5 Auth. entities"], strict=True))
    assert table5["Date of the authorization"] == dt.datetime(2025, 3, 1)
    assert sheets["Table 2 Authorizations"][1][:2] == ("MNG-JCM-2024-001", dt.datetime(2024, 11, 1))


def test_xlsx_dates_are_shown_dd_mm_yyyy(tmp_path: Path) -> None:
    """Gives every date cell, and only the date columns, the template's dd/mm/yyyy format."""
    book = openpyxl.load_workbook(write_xlsx(full(), tmp_path))
    dated = set()
    for sheet in book.worksheets:
        labels = [c.value for c in sheet[1]]
        assert sheet.freeze_panes == "A2"
        for row in sheet.iter_rows(min_row=2):
            for label, c in zip(labels, row, strict=True):
                if isinstance(c.value, dt.datetime):
                    assert c.number_format == "DD/MM/YYYY"
                    dated.add(label)
    assert dated == DATE_COLUMNS


def test_the_same_report_gives_the_same_bytes(tmp_path: Path) -> None:
    """Writes byte-identical CSV, JSON and XLSX files for one report, run after run."""
    first = export_aef(full(), tmp_path / "a", formats=("csv", "json", "xlsx")).paths
    second = export_aef(full(), tmp_path / "b", formats=("csv", "json", "xlsx")).paths
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    props = openpyxl.load_workbook(first[-1]).properties
    assert props.created == props.modified == dt.datetime(2026, 4, 10)


DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def test_every_csv_date_is_dd_mm_yyyy(tmp_path: Path) -> None:
    """Writes every date of the five CSV tables as dd/mm/yyyy, none in ISO form."""
    paths = export_aef(full(), tmp_path).paths
    seen = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "T00:00" not in text
        header, *rows = csv.reader(text.splitlines())
        for label in DATE_COLUMNS & set(header):
            index = header.index(label)
            seen += [(label, r[index]) for r in rows]
    assert sorted(seen) == [
        ("Action date", "10/06/2025"),
        ("Date of authorization", "01/11/2024"),
        ("Date of submission", "10/04/2026"),
        ("Date of the authorization", "01/03/2025"),
    ]
    assert all(DATE.match(value) for _label, value in seen)
