"""``jcm article6``: the AEF, corresponding adjustments and SHK eligibility of a registry file.

::

    jcm article6 --db FILE aef --party P --year Y [--format csv|json|xlsx] [--out DIR]
                               [--submitted-on DATE]
    jcm article6 --db FILE adjustments --party P [--ndc-period FIRST-LAST] [--json]
    jcm article6 --db FILE shk --account A [--json]

``--db`` may also follow the action. The registry file is only read. ``aef`` runs the consistency
checks C01–C12 before writing and prints their problems on stderr; it exits 1 when one of them is
an error. Without ``--out`` it prints the report on stdout (JSON, or the five tables as CSV one
after the other); ``--format xlsx`` writes the AEF workbook (one sheet per table, the template's
labels in the header row; needs the extra ``xlsx``) and so needs ``--out``. ``--submitted-on``
(``yyyy-mm-dd``, default today in UTC) is the Table 1 date of submission, so the same registry
exports byte for byte the same on every day given the same date. Exact amounts are written as
decimal or fraction strings in JSON; the text output rounds them for display only.

``adjustments`` reports one NDC period: ``--ndc-period``, or the period holding the latest NDC
year a retirement named, else the current one; a credit counts in the period of its ``ndc_year``
and in no other. Bad input is exit 2 with an error naming the option: an unknown ``--party``
(``NO_SUCH_PARTY``), a ``--year`` outside 2021–2100, or outside every NDC period of the Party in a
year the registry recorded nothing (``NDC_YEAR_NOT_IN_PERIOD``; a year with entries is reported,
its Table 1 giving no period), a missing registry file (``NO_SUCH_REGISTRY``), XLSX without
openpyxl (``XLSX_UNAVAILABLE``); under ``--json`` (or ``--format json``) the error is also one JSON
object on stdout (docs/api.md, "Errors as JSON").
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from jcm.article6 import view
from jcm.article6.adjustment import corresponding_adjustment
from jcm.article6.export import FORMATS, export_aef, require_xlsx
from jcm.article6.shk import shk_report
from jcm.cli import EXIT_OK, EXIT_REJECTED
from jcm.cli.option import DB_HELP, JSON_HELP, iso_date, known_party, open_registry, share_option
from jcm.cli.table import cell, render_table
from jcm.core.ndc import NdcPeriod
from jcm.core.party import JAPAN
from jcm.errors import InvalidValueError, Severity

if TYPE_CHECKING:
    from jcm.registry.engine import Registry

__all__ = ["register"]

FIRST_YEAR: Final = 2021
"""The first year an AEF can report: Article 6.2 reporting covers NDC periods from 2021 on
(docs/rules.md §7.6)."""

LAST_YEAR: Final = 2100
"""The last year accepted for ``--year``; later years cannot lie in any NDC period yet."""


def register(subparsers: Any) -> None:
    """Add the ``article6`` sub-command and its actions to the ``jcm`` parser."""
    parser = subparsers.add_parser(
        "article6",
        help="Article 6 reports of a registry: AEF, adjustments, SHK eligibility",
        description="Article 6.2 reports computed from a JCM registry file (read only).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    aef = actions.add_parser("aef", help="a Party's AEF (V2) for a reported year")
    aef.add_argument("--party", required=True, metavar="P", help="the reporting Party (JPN)")
    aef.add_argument(
        "--year",
        required=True,
        type=int,
        metavar="Y",
        help=f"the reported year ({FIRST_YEAR}-{LAST_YEAR})",
    )
    aef.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="csv (five tables), json (with the consistency findings) or xlsx (the AEF "
        "workbook, needs --out and openpyxl); default: csv",
    )
    aef.add_argument("--out", metavar="DIR", help="write files into DIR (default: stdout)")
    aef.add_argument(
        "--submitted-on",
        type=iso_date,
        metavar="DATE",
        help="Table 1 date of submission, yyyy-mm-dd (default: today, UTC)",
    )
    aef.set_defaults(handler=_aef)

    adjustments = actions.add_parser("adjustments", help="a Party's corresponding adjustment")
    adjustments.add_argument("--party", required=True, metavar="P", help="the Party (JPN)")
    adjustments.add_argument(
        "--ndc-period",
        metavar="FIRST-LAST",
        help="the NDC period (2021-2030); default: the one holding the latest NDC year a "
        "retirement named, else the current one",
    )
    adjustments.add_argument("--json", action="store_true", help=JSON_HELP)
    adjustments.set_defaults(handler=_adjustments)

    shk = actions.add_parser("shk", help="SHK eligibility of an account's blocks")
    shk.add_argument("--account", required=True, metavar="A", help="the account's id")
    shk.add_argument("--json", action="store_true", help=JSON_HELP)
    shk.set_defaults(handler=_shk)

    share_option(
        parser, (aef, adjustments, shk), "--db", required=True, metavar="FILE", help=DB_HELP
    )


def _check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidValueError(
            "--year",
            year,
            f"must be a reported year from {FIRST_YEAR} to {LAST_YEAR} (Article 6.2 reports "
            "cover NDC periods from 2021 on, docs/rules.md §7.6)",
        )
    return year


def _aef(args: argparse.Namespace) -> int:
    year = _check_year(args.year)
    if args.format == "xlsx":
        if args.out is None:
            raise InvalidValueError(
                "--out", None, "--format xlsx writes a workbook and needs --out DIR"
            )
        require_xlsx()
    submitted_on: dt.date = args.submitted_on or dt.datetime.now(dt.UTC).date()
    with open_registry(args.db) as registry:
        party = known_party(registry, args.party)
        _check_period_or_activity(registry, party, year)
        bundle = view.aef_bundle(registry, party, year, submitted_on=submitted_on)
    problems = bundle.check()
    if bundle.report.note:
        print(f"jcm: note: {bundle.report.note}", file=sys.stderr)
    for p in problems:
        print(f"jcm: {p.severity.value} [{p.code}]: {p.message}", file=sys.stderr)
    if args.out is not None:
        result = export_aef(
            bundle.report,
            Path(args.out),
            formats=(args.format,),
            previous_holdings=bundle.previous_holdings,
            known_authorizations=bundle.known_authorizations,
            earlier_actions=bundle.earlier_actions,
            counterparts=bundle.counterparts,
        )
        for path in result.paths:
            print(path)
    elif args.format == "json":
        body = bundle.report.to_json()
        body["consistency"] = [
            {"code": p.code, "severity": p.severity.value, "message": p.message} for p in problems
        ]
        print(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for name, headers, rows in bundle.report.tables():
            out.write(f"# {name}\n")
            writer.writerow(headers)
            writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    has_error = any(p.severity is Severity.ERROR for p in problems)
    return EXIT_REJECTED if has_error else EXIT_OK


def _check_period_or_activity(registry: Registry, party: str, year: int) -> None:
    """Refuse a year in none of the Party's NDC periods in which the registry recorded nothing.

    A year with entries is always reported (its Table 1 then says it lies in no NDC period).
    """
    book = view.ndcs(registry)
    if any(n.contains(year) for n in book.periods_of(party)):
        return
    if any(e.at.year == year for e in registry.entries()):
        return
    periods = ", ".join(f"{n.first_year}-{n.last_year}" for n in book.periods_of(party))
    raise InvalidValueError(
        "--year",
        year,
        f"lies in none of {party}'s NDC periods ({periods}) and the registry recorded nothing "
        "that year",
        code="NDC_YEAR_NOT_IN_PERIOD",
    )


def _period_year(registry: Registry, positions: Any, text: str | None) -> int:
    """The year that chooses the NDC period of Japan's adjustment (see ``--ndc-period``)."""
    japan = view.ndcs(registry).periods_of(JAPAN)
    if text is not None:
        period = NdcPeriod.parse(text, field="--ndc-period")
        for ndc in japan:
            if (ndc.first_year, ndc.last_year) == (period.first_year, period.last_year):
                return ndc.first_year
        raise InvalidValueError(
            "--ndc-period",
            text,
            "is not an NDC period of Japan here ("
            + ", ".join(f"{n.first_year}-{n.last_year}" for n in japan)
            + ")",
            code="NDC_YEAR_NOT_IN_PERIOD",
        )
    used: list[int] = [p.ndc_year for p in positions if p.ndc_year is not None]
    if used:
        return max(used)
    today = registry.state.last_at or dt.datetime.now(dt.UTC)
    current = [n for n in japan if n.contains(today.year)]
    chosen = current[0] if current else japan[-1] if today.year > japan[-1].last_year else japan[0]
    return chosen.first_year


def _adjustments(args: argparse.Namespace) -> int:
    with open_registry(args.db) as registry:
        party = known_party(registry, args.party)
        positions = view.credit_positions(registry)
        year = _period_year(registry, positions, args.ndc_period)
        result = corresponding_adjustment(positions, party, ndcs=view.ndcs(registry), year=year)
    if args.json:
        print(json.dumps(result.to_json()))
        return EXIT_OK
    sign = "subtracted from" if result.subtracted else "added to"
    first, last = result.ndc_period
    print(f"{result.party}: {result.method.value}, NDC period {first}-{last}")
    print(f"adjustment {sign} emissions: {cell(result.adjustment)} tCO2e")
    for party_code, amount in result.by_partner:
        print(f"  {party_code}: {cell(amount)} tCO2e")
    print("interim (indicative, by elapsed years):")
    for year, amount in result.interim:
        print(f"  {year}: {cell(amount)} tCO2e")
    return EXIT_OK


def _shk(args: argparse.Namespace) -> int:
    with open_registry(args.db) as registry:
        registry.account(args.account)
        report = shk_report(args.account, view.shk_blocks(registry, args.account))
    if args.json:
        print(json.dumps(report.to_json()))
        return EXIT_OK
    print(f"account {report.account}")
    rows = [
        (
            f"{block.serials.start}-{block.serials.end}",
            block.project,
            str(block.vintage),
            decision.eligible,
            decision.route.value if decision.route else "-",
            decision.reason.value,
        )
        for block, decision in report.blocks
    ]
    headers = ("serials", "project", "vintage", "eligible", "route", "reason")
    print(render_table(headers, rows, indent="  "))
    return EXIT_OK
