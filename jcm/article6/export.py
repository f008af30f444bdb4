"""Writing an AEF report: CSV (one file per table), JSON, and XLSX when ``openpyxl`` is present.

:func:`export_aef` runs the consistency checks C01–C12 first
(:func:`jcm.article6.consistency.check_aef`) and reports their problems with the files written;
with ``strict=True`` it refuses to write anything while an error remains (``AEF_INCONSISTENT``).

XLSX is an optional extra: ``openpyxl`` is imported only when an XLSX file is asked for, and its
absence is an error naming it (``XLSX_UNAVAILABLE``); CSV and JSON never need it.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
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


def write_xlsx(report: AefReport, directory: Path) -> Path:
    """One workbook with the five sheets of the V2 template; needs ``openpyxl``."""
    if not xlsx_available():
        raise Article6Error(
            "XLSX export needs the optional package openpyxl, which is not installed",
            code="XLSX_UNAVAILABLE",
            field="format",
            value="xlsx",
        )
    openpyxl: Any = importlib.import_module("openpyxl")
    directory.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, headers, rows in report.tables():
        sheet = book.create_sheet(title=name)
        sheet.append(list(headers))
        for row in rows:
            sheet.append(list(row))
    path = directory / f"{file_stem(report)}.xlsx"
    book.save(path)
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
    if "xlsx" in chosen and not xlsx_available():
        write_xlsx(report, directory)  # raises XLSX_UNAVAILABLE before anything is written
    paths: list[Path] = []
    for f in chosen:
        if f == "csv":
            paths.extend(write_csv(report, directory))
        elif f == "json":
            paths.append(write_json(report, directory, problems))
        else:
            paths.append(write_xlsx(report, directory))
    return ExportResult(tuple(paths), problems)
