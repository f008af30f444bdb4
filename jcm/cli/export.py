"""``jcm export``: write a registry's records in a shape other tools read.

::

    jcm export --db FILE offsetsdb [--out FILE] [--json]   # credit transactions, OffsetsDB CSV
    jcm export --db FILE cadt [--out FILE] [--json]        # current blocks, CADT units JSON

``--db`` may also follow the format (``jcm export cadt --db FILE``). The output goes to standard
output unless ``--out`` names a file. The registry file must exist; nothing in it is changed.
Exit status: 0 done; 2 a missing or unreadable file (``NO_SUCH_REGISTRY``, ``STORE_UNREADABLE``).
With ``--json`` an error is also one JSON object on stdout (docs/api.md, "Errors as JSON"); the
export itself is the same with and without it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jcm.cli import EXIT_OK
from jcm.cli.option import DB_HELP, open_registry
from jcm.exports import cadt_json, offsetsdb_csv

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``export`` sub-command to the ``jcm`` parser."""
    parser = subparsers.add_parser(
        "export",
        help="export a registry as OffsetsDB credits (CSV) or CADT units (JSON)",
        description="Export a registry's transactions (OffsetsDB CSV) or blocks (CADT JSON).",
    )
    parser.add_argument("--db", required=True, metavar="FILE", help=DB_HELP)
    parser.add_argument(
        "format",
        choices=("offsetsdb", "cadt"),
        help="offsetsdb: credit transactions as CSV; cadt: current blocks as units (JSON)",
    )
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument(
        "--json",
        action="store_true",
        help='report an error as JSON on stdout ({"ok": false, "error": {...}})',
    )
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    with open_registry(args.db) as registry:
        text = offsetsdb_csv(registry) if args.format == "offsetsdb" else cadt_json(registry)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
