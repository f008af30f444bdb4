"""``jcm demo``: the whole JCM end to end on an embedded SQLite registry.

::

    jcm demo [--db FILE] [--plot FILE.png]

Without ``--db`` the registry file is ``jcm-demo.sqlite`` in the current directory, so it can be
explored afterwards with ``jcm registry`` and ``jcm article6``. A file that already holds the
demo's history is reused: every request carries an idempotency key, so a second run records
nothing and prints the same report. ``--plot`` writes a PNG chart (needs matplotlib, the extra
``plot``; without it the demo says so and goes on). Exit status 1 when ``verify`` finds problems,
the file holds another history, or the engine accepts the transfer from the frozen account.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from jcm.cli import EXIT_OK, EXIT_REJECTED
from jcm.demo.chart import write_chart
from jcm.demo.run import AEF_YEAR, DEFAULT_DB, run_demo

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command to the ``jcm`` parser."""
    parser = subparsers.add_parser(
        "demo",
        help="run three JCM projects end to end and print a report",
        description=(
            "Build the registries of Japan, the Philippines, Viet Nam and Chile in a SQLite file, "
            "take three projects through the JCM cycle, move, retire, cancel and freeze credits, "
            "compute the Article 6 reports, and print a report."
        ),
    )
    parser.add_argument(
        "--db",
        metavar="FILE",
        default=DEFAULT_DB,
        help=f"the registry file (default: ./{DEFAULT_DB}); reused if it holds the demo already",
    )
    parser.add_argument("--plot", metavar="FILE.png", help="also write a PNG chart (matplotlib)")
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    run = run_demo(args.db)
    if run.recorded:
        print(f"jcm demo: recorded {run.recorded:,} journal entries in {run.db}")
    else:
        print(
            f"jcm demo: {run.db} already holds the demo's history; nothing recorded "
            "(every request carries an idempotency key)"
        )
    print()
    sys.stdout.write(run.report)
    if args.plot is not None:
        written = write_chart(run.figures, args.plot)
        if written is None:
            print(
                "\njcm demo: matplotlib is not installed, so no chart was written "
                "(pip install 'jcm[plot]')",
                file=sys.stderr,
            )
        else:
            print(f"\nChart: {written}")
    print("\nExplore the file further:")
    print(f"  jcm registry --db {run.db} balances")
    print(f"  jcm registry --db {run.db} history JP-BUYER")
    print(f"  jcm article6 --db {run.db} aef --party JPN --year {AEF_YEAR}")
    print(f"  jcm article6 --db {run.db} adjustments --party JPN")
    failed = run.figures.problems or run.figures.refusal is None
    return EXIT_REJECTED if failed else EXIT_OK
