"""``jcm registry``: apply requests to a registry file and query it (API.md, "CLI").

::

    jcm registry --db FILE [--operator NAME] apply REQUESTS.jsonl [--import] [--json]
    jcm registry --db FILE balances [--party P] [--json]
    jcm registry --db FILE history (SERIAL | ACCOUNT) [--json]
    jcm registry --db FILE verify [--json]
    jcm registry --db FILE certificate ACCOUNT [--json]

``--db`` and ``--operator`` may also follow the action (``jcm registry balances --db FILE``).

``apply`` reads one JSON request per line, checks every line first (a malformed line is exit 2,
naming the line and the field, and nothing is applied), then submits them through the engine's
batch API (1,000 requests per store transaction) and prints one receipt per request, as JSON lines
with ``--json`` or as an aligned table; on a terminal a progress bar is drawn on stderr. Exit 1
when any request was rejected. ``--operator`` names the operator when the file is created. Every
command but ``apply`` needs an existing registry file (exit 2, ``NO_SUCH_REGISTRY``, and no file is
created). Errors are raised and reported by :func:`jcm.cli.main` (JSON on stdout with ``--json``);
an unknown ``--party`` is ``NO_SUCH_PARTY`` (exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Final

from jcm.cli import EXIT_OK, EXIT_REJECTED
from jcm.cli.failure import BadRowsError
from jcm.cli.option import DB_HELP, JSON_HELP, known_party, open_registry, read_text, share_option
from jcm.cli.progress import Progress
from jcm.cli.table import render_table
from jcm.errors import FieldError, InvalidInputError, InvalidValueError
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
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    apply_ = actions.add_parser("apply", help="apply a JSON-lines file of requests")
    apply_.add_argument(
        "requests", metavar="REQUESTS.jsonl", help="one JSON request per line (UTF-8)"
    )
    apply_.add_argument(
        "--import",
        dest="import_mode",
        action="store_true",
        help="import history: requests may carry 'at' (operator only)",
    )
    apply_.add_argument("--json", action="store_true", help="print receipts as JSON lines")
    apply_.set_defaults(handler=_apply)

    balances = actions.add_parser("balances", help="the balance of every account")
    balances.add_argument("--party", metavar="P", help="only the accounts of Party P (JPN)")
    balances.add_argument("--json", action="store_true", help=JSON_HELP)
    balances.set_defaults(handler=_balances)

    history = actions.add_parser("history", help="the entries that concern a serial or account")
    history.add_argument(
        "subject",
        metavar="SERIAL|ACCOUNT",
        help="an account id, REGISTRY:SERIAL (JPN01:900), a block identifier, or a serial "
        "number when the file holds one registry",
    )
    history.add_argument("--json", action="store_true", help=JSON_HELP)
    history.set_defaults(handler=_history)

    verify = actions.add_parser("verify", help="check the hash chain and every invariant")
    verify.add_argument("--json", action="store_true", help=JSON_HELP)
    verify.set_defaults(handler=_verify)

    certificate = actions.add_parser("certificate", help="a certificate of an account's records")
    certificate.add_argument("account", metavar="ACCOUNT", help="the account's id")
    certificate.add_argument("--json", action="store_true", help=JSON_HELP)
    certificate.set_defaults(handler=_certificate)

    every = (apply_, balances, history, verify, certificate)
    share_option(parser, every, "--db", required=True, metavar="FILE", help=DB_HELP)
    share_option(
        parser,
        every,
        "--operator",
        default="operator",
        metavar="NAME",
        help="the operator's principal id when the file is created (default: operator)",
    )


# --------------------------------------------------------------------------- helpers


def _read_requests(path: str, importing: bool) -> list[Request]:
    """Parse every line; raise naming every malformed one (line and field) if any."""
    requests: list[Request] = []
    bad: list[dict[str, Any]] = []
    text = read_text(path, "REQUESTS.jsonl")
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            message = f"not valid JSON: {exc.msg} (column {exc.colno})"
            bad.append({"row": number, "column": None, "code": "NOT_JSON", "message": message})
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
            bad.append({"row": number, "column": exc.field, "code": exc.code, "message": str(exc)})
            continue
        requests.append(request)
    if bad:
        raise BadRowsError("REQUESTS.jsonl", path, bad)
    return requests


def _receipt_row(number: int, result: Receipt | Rejection) -> list[object]:
    if isinstance(result, Receipt):
        return [number, "ok", str(result.entry), result.type, result.fee, ""]
    return [number, "rejected", "", "", "", f"{result.code}: {result.error.message}"]


# --------------------------------------------------------------------------- actions


def _apply(args: argparse.Namespace) -> int:
    requests = _read_requests(args.requests, args.import_mode)
    with open_registry(args.db, create=True, operator=args.operator) as registry:
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
        print(render_table(["#", "result", "entry", "type", "fee", "error"], rows, right={0, 2, 4}))
    for index, result in enumerate(results, start=1):
        if isinstance(result, Rejection):
            print(f"jcm: request {index} rejected [{result.code}]", file=sys.stderr)
    return EXIT_REJECTED if any(isinstance(r, Rejection) for r in results) else EXIT_OK


def _balances(args: argparse.Namespace) -> int:
    with open_registry(args.db, operator=args.operator) as registry:
        party = None if args.party is None else known_party(registry, args.party)
        balances = registry.balances(party)
        accounts = {a.id: a for a in registry.accounts(party)}
    if args.json:
        print(json.dumps(balances))
        return EXIT_OK
    rows = [
        [a, accounts[a].party, accounts[a].kind.value, accounts[a].holder, b]
        for a, b in balances.items()
    ]
    print(render_table(["account", "party", "kind", "holder", "balance"], rows, right={4}))
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    with open_registry(args.db, operator=args.operator) as registry:
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
            r.quantity,
            r.fee,
        ]
        for r in records
    ]
    header = ["entry", "at", "type", "actor", "from", "to", "serials", "qty", "fee"]
    print(render_table(header, rows, right={0, 7, 8}))
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    with open_registry(args.db, operator=args.operator) as registry:
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
        print(render_table(["code", "subject", "message"], rows, right=()))
    else:
        print(f"ok: {entries} entries, chain and invariants hold")
    return EXIT_REJECTED if problems else EXIT_OK


def _certificate(args: argparse.Namespace) -> int:
    with open_registry(args.db, operator=args.operator) as registry:
        certificate = registry.certificate(args.account)
    if args.json:
        print(json.dumps(certificate.to_json(), ensure_ascii=False))
    else:
        print(certificate.render())
    return EXIT_OK
