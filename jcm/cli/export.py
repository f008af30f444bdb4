"""``jcm export``: write a registry's records in a shape other tools read.

::

    jcm export --db FILE offsetsdb [--table credits|projects] [--out FILE] [--json]
    jcm export --db FILE cadt [--registry-link URL] [--out FILE] [--json]

``offsetsdb`` writes one OffsetsDB table as CSV: ``credits`` (the default: issuances,
retirements and cancellations) or ``projects``; run it once per table to get both. ``cadt`` writes
the blocks held now as CADT v1 units (JSON); ``--registry-link`` sets every unit's
``unitRegistryLink`` (by default its block identifier). ``--db`` may also follow the format
(``jcm export cadt --db FILE``). The output goes to standard output unless ``--out`` names a
file. The registry file must exist; nothing in it is changed. Exit status: 0 done; 2 a missing or
unreadable file (``NO_SUCH_REGISTRY``, ``STORE_UNREADABLE``), an option of the other format, or a
registry that CADT's schema cannot take (the message names the field). With ``--json`` an error
is also one JSON object on stdout (docs/api.md, "Errors as JSON"); the export itself is the same
with and without it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jcm.cli import EXIT_OK
from jcm.cli.option import DB_HELP, open_registry
from jcm.errors import InvalidValueError
from jcm.exports import cadt_json, offsetsdb_csv
from jcm.exports.offsetsdb import TABLES

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``export`` sub-command to the ``jcm`` parser."""
    parser = subparsers.add_parser(
        "export",
        help="export a registry as OffsetsDB tables (CSV) or CADT units (JSON)",
        description=(
            "Export a registry's credits or projects (OffsetsDB CSV) or its blocks (CADT JSON)."
        ),
    )
    parser.add_argument("--db", required=True, metavar="FILE", help=DB_HELP)
    parser.add_argument(
        "format",
        choices=("offsetsdb", "cadt"),
        help="offsetsdb: one OffsetsDB table as CSV; cadt: current blocks as CADT v1 units (JSON)",
    )
    parser.add_argument(
        "--table",
        choices=TABLES,
        help="offsetsdb only: the table to write (default credits)",
    )
    parser.add_argument(
        "--registry-link",
        metavar="URL",
        help="cadt only: the unitRegistryLink of every unit (default: each unit's block id)",
    )
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument(
        "--json",
        action="store_true",
        help='report an error as JSON on stdout ({"ok": false, "error": {...}})',
    )
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    wrong = "--registry-link" if args.format == "offsetsdb" else "--table"
    given = args.registry_link if args.format == "offsetsdb" else args.table
    if given is not None:
        raise InvalidValueError(wrong, given, f"does not apply to the {args.format} format")
    with open_registry(args.db) as registry:
        if args.format == "offsetsdb":
            text = offsetsdb_csv(registry, table=args.table or "credits")
        else:
            text = cadt_json(registry, registry_link=args.registry_link)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
