"""``jcm article6 aef``: the template's formats, a reproducible date of submission, XLSX, checks.

The registry (tests/support/cli_world.py ``ARTICLE6``) records Japan's and Mongolia's
authorizations, the issuance of Japan's 1,000 MN010 credits on 2025-06-01 (their first transfer
to Japan, docs/rules.md §10) and a retirement of 200 toward Japan's NDC on the same day.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from cli_world import Run

from jcm.article6 import view
from jcm.article6.aef import TABLE_NAMES
from jcm.registry import Registry

AEF = ("aef", "--party", "JPN", "--year", "2025")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_submitted_on_makes_the_report_reproducible(
    article6_db: Path, run: Callable[..., Run]
) -> None:
    """Prints the same bytes on every run for one --submitted-on, dated in Table 1."""
    args = ("article6", "--db", article6_db, *AEF, "--submitted-on", "2026-04-10")
    first, second = run(*args), run(*args)
    assert first.status == 0, first.err
    assert first.out == second.out
    lines = first.out.splitlines()
    assert lines[2] == "JPN,1.0,2025,10/04/2026,,,2021,2030,"
    body = run(*args, "--format", "json").json()
    assert body["Table 1 Submission"][0]["Date of submission"] == "10/04/2026"


def test_submitted_on_defaults_to_today(article6_db: Path, run: Callable[..., Run]) -> None:
    """Dates the submission today (UTC) when --submitted-on is not given."""
    before = dt.datetime.now(dt.UTC).date()
    body = run("article6", "--db", article6_db, *AEF, "--format", "json").json()
    after = dt.datetime.now(dt.UTC).date()
    stamped = body["Table 1 Submission"][0]["Date of submission"]
    assert stamped in {before.strftime("%d/%m/%Y"), after.strftime("%d/%m/%Y")}


def test_every_date_is_dd_mm_yyyy(article6_db: Path, run: Callable[..., Run]) -> None:
    """Writes the Table 1, 2 and 3 dates as dd/mm/yyyy and no date in ISO form."""
    body = run("article6", "--db", article6_db, *AEF, "--format", "json").json()
    del body["consistency"]
    assert not ISO.search(json.dumps(body))
    assert [r["Date of authorization"] for r in body["Table 2 Authorizations"]] == ["01/06/2025"]
    actions = body["Table 3 Actions"]
    assert [(r["Action date"], r["Action type"]) for r in actions] == [
        ("01/06/2025", "Acquisition"),
        ("01/06/2025", "Acquisition"),
        ("01/06/2025", "Use"),
    ]


def test_xlsx_from_the_command_line(
    article6_db: Path, tmp_path: Path, run: Callable[..., Run]
) -> None:
    """Writes the workbook into --out, the same bytes twice, with the tables of the report."""
    args = ("article6", "--db", article6_db, *AEF, "--format", "xlsx", "--submitted-on")
    one = run(*args, "2026-04-10", "--out", tmp_path / "one")
    two = run(*args, "2026-04-10", "--out", tmp_path / "two")
    assert (one.status, two.status) == (0, 0), one.err
    path = tmp_path / "one" / "aef-JPN-2025-v1.0.xlsx"
    assert one.out.strip() == str(path)
    assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes()
    book = openpyxl.load_workbook(path)
    assert tuple(book.sheetnames) == TABLE_NAMES
    with Registry.open(article6_db) as registry:
        report = view.aef_bundle(registry, "JPN", 2025, submitted_on=dt.date(2026, 4, 10)).report
    for name, headers, rows in report.sheets():
        header, *data = book[name].iter_rows(values_only=True)
        assert header == headers
        back = [tuple(v.date() if isinstance(v, dt.datetime) else v for v in r) for r in data]
        assert back == list(rows)
    holdings = dict(zip(*book["Table 4 Holdings"].iter_rows(values_only=True), strict=True))
    assert (holdings["Quantity (t CO2 eq)"], holdings["Last ID"]) == (
        800,
        "CA0099-JPN01-MNG-800-2023",
    )


def test_xlsx_needs_out(article6_db: Path, tmp_path: Path, run: Callable[..., Run]) -> None:
    """Refuses --format xlsx without --out (a workbook is not written to stdout), exit 2."""
    result = run("article6", "--db", article6_db, *AEF, "--format", "xlsx")
    assert (result.status, result.out) == (2, "")
    assert "--out: None is invalid: --format xlsx writes a workbook and needs --out DIR" in (
        result.err
    )


def test_xlsx_without_openpyxl_is_a_clear_error(
    article6_db: Path, tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails with XLSX_UNAVAILABLE (exit 2) and writes nothing when openpyxl is absent."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = run("article6", "--db", article6_db, *AEF, "--format", "xlsx", "--out", tmp_path / "x")
    assert result.status == 2
    assert "jcm: error [XLSX_UNAVAILABLE]" in result.err
    assert "pip install 'jcm-engine[xlsx]'" in result.err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("year", ["2021", "2035"])
def test_the_first_and_last_years_of_the_ndc_periods_are_accepted(
    year: str, article6_db: Path, run: Callable[..., Run]
) -> None:
    """Reports 2021 and 2035, the ends of Japan's two NDC periods, with exit 0."""
    args = ("aef", "--party", "JPN", "--year", year, "--submitted-on", "2026-04-10")
    result = run("article6", "--db", article6_db, *args, "--format", "json")
    assert result.status == 0, result.err
    assert result.json()["Table 1 Submission"][0]["Reported year"] == year


def test_a_year_of_no_ndc_period_without_entries_is_refused(
    article6_db: Path, run: Callable[..., Run]
) -> None:
    """Refuses 2040 (no NDC period of Japan, no entry that year) with NDC_YEAR_NOT_IN_PERIOD."""
    args = ("aef", "--party", "JPN", "--year", "2040", "--submitted-on", "2041-04-10")
    result = run("article6", "--db", article6_db, *args, "--format", "json")
    assert result.status == 2
    assert result.json()["error"]["code"] == "NDC_YEAR_NOT_IN_PERIOD"


@pytest.mark.parametrize("year", ["1999", "2020", "2101"])
def test_an_impossible_year_is_refused(
    year: str, article6_db: Path, run: Callable[..., Run]
) -> None:
    """Refuses a year before 2021 or after 2100 with exit 2, naming --year."""
    result = run("article6", "--db", article6_db, "aef", "--party", "JPN", "--year", year)
    assert (result.status, result.out) == (2, "")
    assert f"jcm: error [INVALID_VALUE]: --year: {year} is invalid: must be a reported year" in (
        result.err
    )


def test_an_unknown_party_is_refused(article6_db: Path, run: Callable[..., Run]) -> None:
    """Refuses a Party with no registry in the file (NO_SUCH_PARTY, exit 2), naming those there."""
    result = run("article6", "--db", article6_db, "aef", "--party", "XXX", "--year", "2025")
    assert (result.status, result.out) == (2, "")
    assert "(there: JPN, MNG)" in result.err
    assert "NO_SUCH_PARTY" in result.err
