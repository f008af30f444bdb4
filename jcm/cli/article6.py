"""``jcm article6``: the AEF, corresponding adjustments and SHK eligibility of a registry file.

::

    jcm article6 --db FILE aef --party P --year Y [--format csv|json] [--out DIR]
    jcm article6 --db FILE adjustments --party P [--json]
    jcm article6 --db FILE shk --account A [--json]

The registry file is only read. ``aef`` runs the consistency checks C01–C12 before writing and
prints their problems on stderr; it exits 1 when one of them is an error. Without ``--out`` it
prints the report on stdout (JSON, or the five tables as CSV one after the other). Exact amounts
are written as decimal or fraction strings in JSON; the text output rounds them for display only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

from jcm.article6 import view
from jcm.article6.adjustment import corresponding_adjustment
from jcm.article6.export import export_aef
from jcm.article6.shk import shk_report
from jcm.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_REJECTED
from jcm.core.party import check_party_code
from jcm.errors import Severity
from jcm.registry.engine import Registry

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``article6`` sub-command and its actions to the ``jcm`` parser."""
    parser = subparsers.add_parser(
        "article6",
        help="Article 6 reports of a registry: AEF, adjustments, SHK eligibility",
        description="Article 6.2 reports computed from a JCM registry file (read only).",
    )
    parser.add_argument("--db", required=True, metavar="FILE", help="the registry's SQLite file")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    aef = actions.add_parser("aef", help="a Party's AEF (V2) for a reported year")
    aef.add_argument("--party", required=True, metavar="P")
    aef.add_argument("--year", required=True, type=int, metavar="Y")
    aef.add_argument("--format", choices=("csv", "json"), default="csv")
    aef.add_argument("--out", metavar="DIR", help="write files into DIR (default: stdout)")
    aef.set_defaults(handler=_aef)

    adjustments = actions.add_parser("adjustments", help="a Party's corresponding adjustment")
    adjustments.add_argument("--party", required=True, metavar="P")
    adjustments.add_argument("--json", action="store_true")
    adjustments.set_defaults(handler=_adjustments)

    shk = actions.add_parser("shk", help="SHK eligibility of an account's blocks")
    shk.add_argument("--account", required=True, metavar="A")
    shk.add_argument("--json", action="store_true")
    shk.set_defaults(handler=_shk)


def _open(args: argparse.Namespace) -> Registry | None:
    if not Path(args.db).exists():
        print(f"jcm: error: {args.db}: no such registry file", file=sys.stderr)
        return None
    return Registry.open(args.db)


def _aef(args: argparse.Namespace) -> int:
    party = check_party_code("party", args.party)
    registry = _open(args)
    if registry is None:
        return EXIT_BAD_INPUT
    with registry:
        bundle = view.aef_bundle(
            registry, party, args.year, submitted_on=dt.datetime.now(dt.UTC).date()
        )
    problems = bundle.check()
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


def _display(amount: Fraction) -> str:
    """Display rounding only (to 0.01 tCO2e); JSON keeps the exact value."""
    if amount.denominator == 1:
        return f"{amount.numerator:,}"
    return f"{float(amount):,.2f}"


def _adjustments(args: argparse.Namespace) -> int:
    party = check_party_code("party", args.party)
    registry = _open(args)
    if registry is None:
        return EXIT_BAD_INPUT
    with registry:
        positions = view.credit_positions(registry)
        result = corresponding_adjustment(positions, party, ndcs=view.ndcs(registry))
    if args.json:
        print(json.dumps(result.to_json()))
        return EXIT_OK
    sign = "subtracted from" if result.subtracted else "added to"
    first, last = result.ndc_period
    print(f"{result.party}: {result.method.value}, NDC period {first}-{last}")
    print(f"adjustment {sign} emissions: {_display(result.adjustment)} tCO2e")
    for party_code, amount in result.by_partner:
        print(f"  {party_code}: {_display(amount)} tCO2e")
    print("interim (indicative, by elapsed years):")
    for year, amount in result.interim:
        print(f"  {year}: {_display(amount)} tCO2e")
    return EXIT_OK


def _shk(args: argparse.Namespace) -> int:
    registry = _open(args)
    if registry is None:
        return EXIT_BAD_INPUT
    with registry:
        registry.account(args.account)
        report = shk_report(args.account, view.shk_blocks(registry, args.account))
    if args.json:
        print(json.dumps(report.to_json()))
        return EXIT_OK
    print(f"account {report.account}")
    for block, decision in report.blocks:
        route = decision.route.value if decision.route else "-"
        usable = "eligible" if decision.eligible else "not eligible"
        print(
            f"  {block.serials.start}-{block.serials.end}  {block.project}  {block.vintage}  "
            f"{usable}  {route}  {decision.reason.value}"
        )
    return EXIT_OK
