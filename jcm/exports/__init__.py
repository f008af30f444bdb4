"""Exports of a registry for the wider ecosystem, in the ecosystems' own formats.

* :func:`offsetsdb_csv` — CarbonPlan's OffsetsDB tables as CSV: ``credits`` (issuances,
  retirements, cancellations; transfers are not OffsetsDB transactions) and ``projects``
  (:mod:`jcm.exports.offsetsdb`);
* :func:`cadt_json` — the blocks held now, as Climate Action Data Trust v1 units, as JSON
  (:mod:`jcm.exports.cadt`).

Both read the registry's journal (through :mod:`jcm.exports.lots`, their one journal reader) and
state, and change nothing. From the command line:
``jcm export --db FILE offsetsdb [--table credits|projects] [--out FILE]`` and
``jcm export --db FILE cadt [--registry-link URL] [--out FILE]``.
"""

from jcm.exports.cadt import cadt_json, cadt_units
from jcm.exports.offsetsdb import (
    CreditTransaction,
    OffsetsDBProject,
    credit_transactions,
    offsetsdb_csv,
    offsetsdb_projects,
    write_offsetsdb_csv,
)

__all__ = [
    "CreditTransaction",
    "OffsetsDBProject",
    "cadt_json",
    "cadt_units",
    "credit_transactions",
    "offsetsdb_csv",
    "offsetsdb_projects",
    "write_offsetsdb_csv",
]
