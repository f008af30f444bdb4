"""``jcm registry``: apply requests to a registry file and query it (API.md, "CLI").

::

    jcm registry --db FILE [--operator NAME] apply REQUESTS.jsonl [--import] [--json]
    jcm registry --db FILE balances [--party P] [--json]
    jcm registry --db FILE history (SERIAL | ACCOUNT) [--json]
    jcm registry --db FILE verify [--json]
    jcm registry --db FILE certificate ACCOUNT [--json]

``apply`` reads one JSON request per line, checks every line first (a malformed line is exit 2,
naming the line and the field, and nothing is applied), then submits them through the engine's
batch API (1,000 requests per store transaction) and prints one receipt per request, as JSON lines
with ``--json`` or as an aligned table; on a terminal a progress bar is drawn on stderr. Exit 1
when any request was rejected. ``--operator`` names the operator when the file is created. Every
command but ``apply`` needs an existing registry file (exit 2 otherwise).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from jcm.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_REJECTED
from jcm.cli.progress import Progress
from jcm.errors import FieldError, InvalidInputError, InvalidValueError, JcmError
from jcm.registry.engine import Registry
from jcm.registry.receipt import Receipt, Rejection
from jcm.registry.requests import Request, parse_request

__all__ = ["register"]

_BATCH: Final = 1000
"""Requests per store transaction when applying a file."""


def register(subparsers: Any) -> None:
    """Add the ``registry`` sub-command and its actions to the ``jcm`` parser."""
    parser = subparsers.add_parser(
        "registry",
        help="apply requests to a registry file and query it",
        description="Apply requests to a JCM registry file (SQLite) and query it.",
    )
    parser.add_argument("--db", required=True, metavar="FILE", help="the registry's SQLite file")
    parser.add_argument(
        "--operator",
        default="operator",
        metavar="NAME",
        help="the operator's principal id when the file is created (default: operator)",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    apply_ = actions.add_parser("apply", help="apply a JSON-lines file of requests")
    apply_.add_argument("requests", metavar="REQUESTS.jsonl")
    apply_.add_argument(
        "--import",
        dest="import_mode",
        action="store_true",
        help="import history: requests may carry 'at' (operator only)",
    )
    apply_.add_argument("--json", action="store_true", help="print receipts as JSON lines")
    apply_.set_defaults(handler=_apply)

    balances = actions.add_parser("balances", help="the balance of every account")
    balances.add_argument("--party", metavar="P", help="only the accounts of Party P")
    balances.add_argument("--json", action="store_true")
    balances.set_defaults(handler=_balances)

    history = actions.add_parser("history", help="the entries that concern a serial or account")
    history.add_argument(
        "subject",
        metavar="SERIAL|ACCOUNT",
        help="an account id, REGISTRY:SERIAL (JPN01:900), a block identifier, or a serial "
        "number when the file holds one registry",
    )
    history.add_argument("--json", action="store_true")
    history.set_defaults(handler=_history)

    verify = actions.add_parser("verify", help="check the hash chain and every invariant")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_verify)

    certificate = actions.add_parser("certificate", help="a certificate of an account's records")
    certificate.add_argument("account", metavar="ACCOUNT")
    certificate.add_argument("--json", action="store_true")
    certificate.set_defaults(handler=_certificate)


# --------------------------------------------------------------------------- helpers


def _open(args: argparse.Namespace, *, create: bool) -> Registry | None:
    """The registry of ``--db``; ``None`` (after a message) when it is missing or unreadable."""
    if not create and not Path(args.db).exists():
        print(f"jcm: error: {args.db}: no such registry file", file=sys.stderr)
        return None
    try:
        return Registry.open(args.db, operator=args.operator)
    except JcmError as exc:
        print(f"jcm: error: {args.db}: not a registry file [{exc.code}]: {exc}", file=sys.stderr)
        return None


def _open_existing(args: argparse.Namespace) -> Registry | None:
    return _open(args, create=False)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])


def _read_requests(path: str, importing: bool) -> list[Request] | None:
    """Parse every line; print each malformed one (line and field) and return None if any."""
    requests: list[Request] = []
    bad = False
    text = Path(path).read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            print(f"jcm: error: line {number}: not valid JSON: {exc.msg}", file=sys.stderr)
            bad = True
            continue
        try:
            request = parse_request(data)
            if request.actor is None:
                raise InvalidInputError(
                    [FieldError("$.actor", None, "every request names its actor")]
                )
            if request.at is not None and not importing:
                raise InvalidInputError(
                    [FieldError("$.at", str(request.at), "is accepted only with --import")]
                )
        except InvalidValueError as exc:
            print(f"jcm: error: line {number}: {exc}", file=sys.stderr)
            bad = True
            continue
        requests.append(request)
    return None if bad else requests


def _receipt_row(number: int, result: Receipt | Rejection) -> list[str]:
    if isinstance(result, Receipt):
        return [str(number), "ok", str(result.entry), result.type, str(result.fee), ""]
    return [str(number), "rejected", "", "", "", f"{result.code}: {result.error.message}"]


# --------------------------------------------------------------------------- actions


def _apply(args: argparse.Namespace) -> int:
    requests = _read_requests(args.requests, args.import_mode)
    if requests is None:
        return EXIT_BAD_INPUT
    opened = _open(args, create=True)
    if opened is None:
        return EXIT_BAD_INPUT
    with opened as registry:
        import_by = registry.operator if args.import_mode else None
        results: list[Receipt | Rejection] = []
        with Progress(len(requests), label="apply", enabled=not args.json) as progress:
            for first in range(0, len(requests), _BATCH):
                chunk = requests[first : first + _BATCH]
                results.extend(registry.submit_batch(chunk, import_by=import_by))
                progress.advance(len(chunk))
    if args.json:
        for result in results:
            print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        rows = [_receipt_row(i, r) for i, r in enumerate(results, start=1)]
        print(_table(["#", "result", "entry", "type", "fee", "error"], rows, {0, 2, 4}))
    for index, result in enumerate(results, start=1):
        if isinstance(result, Rejection):
            print(f"jcm: request {index} rejected [{result.code}]", file=sys.stderr)
    return EXIT_REJECTED if any(isinstance(r, Rejection) for r in results) else EXIT_OK


def _balances(args: argparse.Namespace) -> int:
    registry = _open_existing(args)
    if registry is None:
        return EXIT_BAD_INPUT
    with registry:
        balances = registry.balances(args.party)
        accounts = {a.id: a for a in registry.accounts(args.party)}
    if args.json:
        print(json.dumps(balances))
        return EXIT_OK
    rows = [
        [a, accounts[a].party, accounts[a].kind.value, accounts[a].holder, str(b)]
        for a, b in balances.items()
    ]
    print(_table(["account", "party", "kind", "holder", "balance"], rows, {4}))
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    registry = _open_existing(args)
    if registry is None:
        return EXIT_BAD_INPUT
    with registry:
        records = registry.history(args.subject)
    if args.json:
        print(json.dumps([r.to_json() for r in records]))
        return EXIT_OK
    rows = [
        [
            str(r.entry),
            r.at.isoformat().replace("+00:00", "Z"),
            r.type,
            r.actor,
            r.source or "",
            r.target or "",
            " ".join(f"{reg}:{s}-{e}" for reg, s, e in r.serials),
            str(r.quantity),
            str(r.fee),
        ]
        for r in records
    ]
    header = ["entry", "at", "type", "actor", "from", "to", "serials", "qty", "fee"]
    print(_table(header, rows, {0, 7, 8}))
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    registry = _open_existing(args)
    if registry is None:
        return EXIT_BAD_INPUT
    with registry:
        problems = registry.verify()
        entries = len(registry.store)
    if args.json:
        body = {
            "ok": not problems,
            "entries": entries,
            "problems": [
                {"code": p.code, "message": p.message, "subject": p.subject} for p in problems
            ],
        }
        print(json.dumps(body, ensure_ascii=False))
    elif problems:
        rows = [[p.code, p.subject or "", p.message] for p in problems]
        print(_table(["code", "subject", "message"], rows, set()))
    else:
        print(f"ok: {entries} entries, chain and invariants hold")
    return EXIT_REJECTED if problems else EXIT_OK


def _certificate(args: argparse.Namespace) -> int:
    registry = _open_existing(args)
    if registry is None:
        return EXIT_BAD_INPUT
    with registry:
        try:
            certificate = registry.certificate(args.account)
        except JcmError as exc:
            print(f"jcm: error [{exc.code}]: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(certificate.to_json(), ensure_ascii=False))
    else:
        print(certificate.render())
    return EXIT_OK
