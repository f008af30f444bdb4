"""``jcm methodologies`` and ``jcm calculate``: list the installed methodologies, run one.

docs/api.md "CLI"::

    jcm [--block-plugin NAME] methodologies [--json]
    jcm [--block-plugin NAME] calculate METHODOLOGY INPUT.json [--version V] [--json]

``methodologies`` lists the methodologies and, apart, the plugins that failed to load (each with
its distribution, entry point and error); with ``--json`` it prints
``{"methodologies": [{"id", "version", "title", "follows", "distribution"}, ...], "broken":
[{"entry_point", "target", "distribution", "distribution_version", "error"}, ...]}``. It exits 0
unless no methodology at all is available (1). ``calculate`` prints the result JSON of docs/api.md
"Result JSON" with ``--json``, else an aligned table. Exit status: 0 done (problems, if any, are
listed); 2 bad input (the message names the field, with its ``$.path``) or an unknown methodology;
1 a plugin that fails to calculate or returns a result that is not JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jcm.cli.progress import Progress
from jcm.errors import InvalidValueError, UnknownMethodologyError
from jcm.methodologies import CalculationResult, MethodologyHost, default_host

__all__ = ["register", "render_methodologies", "render_result"]

EXIT_OK = 0
EXIT_NONE_AVAILABLE = 1
EXIT_BAD_INPUT = 2


def register(subparsers: Any) -> None:
    """Add the ``methodologies`` and ``calculate`` sub-commands."""
    listing = subparsers.add_parser(
        "methodologies",
        help="list the installed methodologies",
        description="List the installed methodologies (built-in and plugins).",
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_methodologies)

    calc = subparsers.add_parser(
        "calculate",
        help="calculate emission reductions for one monitoring period",
        description="Calculate reference, project and leakage emissions and the credits.",
    )
    calc.add_argument("methodology", metavar="METHODOLOGY", help="methodology id (awd-rice, ...)")
    calc.add_argument("input", metavar="INPUT.json", help="input file ('-' for standard input)")
    calc.add_argument(
        "--version",
        dest="methodology_version",
        default=None,
        metavar="V",
        help="methodology version (default: the newest)",
    )
    calc.add_argument("--json", action="store_true", help="print the result JSON")
    calc.set_defaults(handler=_calculate)


def _host() -> MethodologyHost:
    return default_host()


def render_methodologies(host: MethodologyHost) -> str:
    """The aligned text table of installed methodologies, then the broken plugins, if any."""
    rows = [("ID", "VERSION", "DISTRIBUTION", "FOLLOWS", "TITLE")]
    for info in host.available():
        rows.append(
            (info.id, info.version, info.distribution, ", ".join(info.follows) or "-", info.title)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    broken = host.broken()
    if broken:
        lines += ["", "broken plugins (not loaded; block one with jcm --block-plugin NAME):"]
        lines += [f"  {b.describe()}" for b in broken]
    return "\n".join(line.rstrip() for line in lines)


def _methodologies(args: argparse.Namespace) -> int:
    host = _host()
    available = host.available()
    if args.json:
        body = {
            "methodologies": [
                {
                    "id": i.id,
                    "version": i.version,
                    "title": i.title,
                    "follows": list(i.follows),
                    "distribution": i.distribution,
                }
                for i in available
            ],
            "broken": [b.to_json() for b in host.broken()],
        }
        print(json.dumps(body, ensure_ascii=False))
    else:
        print(render_methodologies(host))
    if not available:
        print("jcm: error: no methodology is available", file=sys.stderr)
        return EXIT_NONE_AVAILABLE
    return EXIT_OK


def render_result(result: CalculationResult) -> str:
    """The aligned text table of one result (display rounding only here)."""
    p = result.provenance
    rows: list[tuple[str, str, str]] = [
        ("reference emissions", f"{result.reference_emissions:,.6f}", "tCO2e"),
        ("project emissions", f"{result.project_emissions:,.6f}", "tCO2e"),
        ("leakage emissions", f"{result.leakage_emissions:,.6f}", "tCO2e"),
        ("emission reductions (exact)", f"{result.emission_reductions_exact:,.6f}", "tCO2e"),
        ("emission reductions credited", f"{result.emission_reductions:,d}", "tCO2e"),
    ]
    label = max(len(r[0]) for r in rows)
    number = max(len(r[1]) for r in rows)
    lines = [
        f"{result.methodology} {result.version} "
        f"({p.distribution} {p.distribution_version}; GWP {p.gwp_set or '-'})",
    ]
    lines += [f"  {name.ljust(label)}  {value.rjust(number)} {unit}" for name, value, unit in rows]
    if result.problems:
        lines.append("problems:")
        lines += [f"  [{q.severity.value}] {q.code}: {q.message}" for q in result.problems]
    else:
        lines.append("problems: none")
    lines.append(f"inputs sha256: {p.inputs_sha256}")
    return "\n".join(lines)


def _read(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidValueError("INPUT", path, f"cannot be read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidValueError(
            "$", path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _calculate(args: argparse.Namespace) -> int:
    try:
        methodology = _host().get(args.methodology, args.methodology_version)
    except UnknownMethodologyError as exc:
        print(f"jcm: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with Progress(None, label=f"calculate {methodology.id}", enabled=not args.json):
        data = _read(args.input)
        if not isinstance(data, dict):
            raise InvalidValueError("$", type(data).__name__, "must be a JSON object")
        result = methodology.calculate(data)
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    else:
        print(render_result(result))
    return EXIT_OK
