"""``jcm export``: write a registry's records in a shape other tools read.

::

    jcm export --db FILE offsetsdb [--table credits|projects] [--out FILE]
    jcm export --db FILE cadt [--registry-link URL] [--out FILE]

``offsetsdb`` writes one OffsetsDB table as CSV: ``credits`` (the default: issuances,
retirements and cancellations) or ``projects``; run it once per table to get both. ``cadt`` writes
the blocks held now as CADT v1 units (JSON); ``--registry-link`` sets every unit's
``unitRegistryLink`` (by default its block identifier). The output goes to standard output
unless ``--out`` names a file. The registry file must exist; nothing in it is changed. Exit
status: 0 done; 2 a missing or unreadable file, an option of the other format, or a registry
that CADT's schema cannot take (the message names the field).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jcm.cli import EXIT_BAD_INPUT, EXIT_OK
from jcm.errors import JcmError
from jcm.exports import cadt_json, offsetsdb_csv
from jcm.exports.offsetsdb import TABLES
from jcm.registry.engine import Registry

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
    parser.add_argument("--db", required=True, metavar="FILE", help="the registry's SQLite file")
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
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    wrong = "--registry-link" if args.format == "offsetsdb" else "--table"
    if (args.registry_link if args.format == "offsetsdb" else args.table) is not None:
        print(f"jcm: error: {wrong} does not apply to {args.format}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not Path(args.db).exists():
        print(f"jcm: error: {args.db}: no such registry file", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        registry = Registry.open(args.db)
    except JcmError as exc:
        print(f"jcm: error: {args.db}: not a registry file [{exc.code}]: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with registry:
        if args.format == "offsetsdb":
            text = offsetsdb_csv(registry, table=args.table or "credits")
        else:
            text = cadt_json(registry, registry_link=args.registry_link)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
