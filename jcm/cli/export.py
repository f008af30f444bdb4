"""``jcm export``: write a registry's records in a shape other tools read.

::

    jcm export --db FILE offsetsdb [--out FILE]   # credit transactions, OffsetsDB credits CSV
    jcm export --db FILE cadt [--out FILE]        # current blocks, CADT units JSON

The output goes to standard output unless ``--out`` names a file. The registry file must exist;
nothing in it is changed. Exit status: 0 done; 2 a missing or unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jcm.cli import EXIT_BAD_INPUT, EXIT_OK
from jcm.errors import JcmError
from jcm.exports import cadt_json, offsetsdb_csv
from jcm.registry.engine import Registry

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``export`` sub-command to the ``jcm`` parser."""
    parser = subparsers.add_parser(
        "export",
        help="export a registry as OffsetsDB credits (CSV) or CADT units (JSON)",
        description="Export a registry's transactions (OffsetsDB CSV) or blocks (CADT JSON).",
    )
    parser.add_argument("--db", required=True, metavar="FILE", help="the registry's SQLite file")
    parser.add_argument(
        "format",
        choices=("offsetsdb", "cadt"),
        help="offsetsdb: credit transactions as CSV; cadt: current blocks as units (JSON)",
    )
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    if not Path(args.db).exists():
        print(f"jcm: error: {args.db}: no such registry file", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        registry = Registry.open(args.db)
    except JcmError as exc:
        print(f"jcm: error: {args.db}: not a registry file [{exc.code}]: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with registry:
        text = offsetsdb_csv(registry) if args.format == "offsetsdb" else cadt_json(registry)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
