"""Writing an AEF report: CSV (one file per table), JSON, and XLSX when ``openpyxl`` is present.

:func:`export_aef` runs the consistency checks C01–C12 first
(:func:`jcm.article6.consistency.check_aef`) and reports their problems with the files written;
with ``strict=True`` it refuses to write anything while an error remains (``AEF_INCONSISTENT``).

Every format writes the template's own forms: dates ``dd/mm/yyyy`` (docs/rules.md §8.2), the
column labels of §8.2 in their order, and ``NA`` for a conditional field that does not apply.
The XLSX workbook is laid out as the AEF workbook: one sheet per table, named as the V2 template
and its public checker name them ("Table 1 Submission" ... "Table 5 Auth. entities", docs/rules.md
§8.1), a header row of the column labels, then one row per record; numbers are number cells and
dates are date cells shown ``dd/mm/yyyy``. Nothing in the files depends on the day they are
written: the only date is the report's date of submission (Table 1), which also stamps the
workbook's properties and its zip entries, so one report gives the same bytes on every run.

XLSX is an optional extra (``pip install 'jcm-engine[xlsx]'``): ``openpyxl`` is imported only
when an XLSX file is asked for, and its absence is an error naming it (``XLSX_UNAVAILABLE``);
CSV and JSON never need it.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import importlib.util
import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import attrs

from jcm.article6.aef import ActionRow, AefReport, AuthorizationRow, HoldingRow
from jcm.article6.consistency import check_aef
from jcm.errors import Article6Error, InvalidValueError, ProblemGroup

__all__ = [
    "FORMATS",
    "ExportResult",
    "export_aef",
    "file_stem",
    "require_xlsx",
    "write_csv",
    "write_json",
    "write_xlsx",
    "xlsx_available",
]

FORMATS: Final = ("csv", "json", "xlsx")
"""The formats :func:`export_aef` writes."""


def file_stem(report: AefReport) -> str:
    """``aef-<PARTY>-<YEAR>-v<VERSION>`` (``aef-JPN-2025-v1.0``)."""
    return f"aef-{report.party}-{report.year}-v{report.submission.version}"


def write_csv(report: AefReport, directory: Path) -> tuple[Path, ...]:
    """One UTF-8 CSV per table (``…-table1.csv`` … ``…-table5.csv``), headers first."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, (_name, headers, rows) in enumerate(report.tables(), start=1):
        path = directory / f"{file_stem(report)}-table{n}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows(rows)
        paths.append(path)
    return tuple(paths)


def write_json(report: AefReport, directory: Path, problems: ProblemGroup | None = None) -> Path:
    """One JSON file with the five tables (and the consistency problems, if given)."""
    directory.mkdir(parents=True, exist_ok=True)
    body: dict[str, Any] = report.to_json()
    if problems is not None:
        body["consistency"] = [
            {"code": p.code, "severity": p.severity.value, "message": p.message} for p in problems
        ]
    path = directory / f"{file_stem(report)}.json"
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def xlsx_available() -> bool:
    """True when ``openpyxl`` can be imported."""
    return importlib.util.find_spec("openpyxl") is not None


def require_xlsx() -> None:
    """Raise ``XLSX_UNAVAILABLE`` (naming the extra to install) unless ``openpyxl`` is there."""
    if not xlsx_available():
        raise Article6Error(
            "the XLSX format needs the optional package openpyxl, which is not installed "
            "(pip install 'jcm-engine[xlsx]')",
            code="XLSX_UNAVAILABLE",
            field="format",
            value="xlsx",
            rule="XLSX is the optional extra 'xlsx'",
        )


_EXCEL_DATE_FORMAT: Final = "DD/MM/YYYY"
"""Excel's number format for the template's ``dd/mm/yyyy`` (docs/rules.md §8.2)."""


def _stamp(data: bytes, day: dt.date) -> bytes:
    """The zip archive ``data`` again, every entry dated ``day`` at 00:00 (reproducible bytes)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(
                info.filename, date_time=(day.year, day.month, day.day, 0, 0, 0)
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def write_xlsx(report: AefReport, directory: Path) -> Path:
    """One workbook with the five sheets of the V2 template; needs ``openpyxl``.

    Sheet names are :data:`~jcm.article6.aef.TABLE_NAMES`; each sheet has a bold, frozen header
    row with the column labels of docs/rules.md §8.2 and one row per record, typed as
    :meth:`~jcm.article6.aef.AefReport.sheets` gives it (dates shown ``dd/mm/yyyy``).
    """
    require_xlsx()
    openpyxl: Any = importlib.import_module("openpyxl")
    excel: Any = importlib.import_module("openpyxl.writer.excel")
    styles: Any = importlib.import_module("openpyxl.styles")
    directory.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = styles.Font(bold=True)
    for name, headers, rows in report.sheets():
        sheet = book.create_sheet(title=name)
        sheet.append(list(headers))
        for header in sheet[1]:
            header.font = bold
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append(list(row))
            for value, target in zip(row, sheet[sheet.max_row], strict=True):
                if isinstance(value, dt.date):
                    target.number_format = _EXCEL_DATE_FORMAT
        for column, header in zip(sheet.columns, headers, strict=True):
            width = max([len(header), *(len(str(c.value or "")) for c in column)])
            sheet.column_dimensions[column[0].column_letter].width = min(width, 60) + 2
    submitted = report.submission.submission_date
    book.properties.creator = "jcm"
    book.properties.created = book.properties.modified = dt.datetime(
        submitted.year, submitted.month, submitted.day
    )
    buffer = io.BytesIO()
    excel.ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    path = directory / f"{file_stem(report)}.xlsx"
    path.write_bytes(_stamp(buffer.getvalue(), submitted))
    return path


@attrs.frozen
class ExportResult:
    """The files written and the consistency problems found before writing them."""

    paths: tuple[Path, ...]
    problems: ProblemGroup


def export_aef(
    report: AefReport,
    directory: Path,
    *,
    formats: Iterable[str] = ("csv",),
    strict: bool = False,
    previous_holdings: Iterable[HoldingRow] | None = None,
    known_authorizations: Iterable[AuthorizationRow] = (),
    earlier_actions: Iterable[ActionRow] = (),
    counterparts: Iterable[AefReport] = (),
) -> ExportResult:
    """Check ``report`` (C01–C12), then write it in each of ``formats`` into ``directory``.

    Raises
    ------
    InvalidValueError
        For a format other than ``csv``, ``json``, ``xlsx``.
    Article6Error
        ``AEF_INCONSISTENT`` when ``strict`` and a check found an error (nothing is written);
        ``XLSX_UNAVAILABLE`` for XLSX without ``openpyxl``.
    """
    chosen = tuple(formats)
    for f in chosen:
        if f not in FORMATS:
            raise InvalidValueError("format", f, f"must be one of {', '.join(FORMATS)}")
    problems = check_aef(
        report,
        previous_holdings=previous_holdings,
        known_authorizations=known_authorizations,
        earlier_actions=earlier_actions,
        counterparts=counterparts,
    )
    if strict and not problems.ok:
        raise Article6Error(
            f"the AEF of {report.party} for {report.year} fails {len(problems.errors)} "
            f"consistency check(s): {', '.join(sorted({p.code for p in problems.errors}))}",
            code="AEF_INCONSISTENT",
            field="report",
        )
    if "xlsx" in chosen:
        require_xlsx()  # before anything is written
    paths: list[Path] = []
    for f in chosen:
        if f == "csv":
            paths.extend(write_csv(report, directory))
        elif f == "json":
            paths.append(write_json(report, directory, problems))
        else:
            paths.append(write_xlsx(report, directory))
    return ExportResult(tuple(paths), problems)
