"""Exports of a registry for the wider ecosystem.

* :func:`offsetsdb_csv` — credit transactions (issuances, transfers, retirements, cancellations)
  in CarbonPlan's OffsetsDB credits schema, as CSV (:mod:`jcm.exports.offsetsdb`);
* :func:`cadt_json` — the blocks held now, as units in the Climate Action Data Trust shape, as
  JSON (:mod:`jcm.exports.cadt`).

Both read the registry's journal and state and change nothing. From the command line:
``jcm export --db FILE offsetsdb|cadt [--out FILE]``.
"""

from jcm.exports.cadt import cadt_json, cadt_units
from jcm.exports.offsetsdb import (
    CreditTransaction,
    credit_transactions,
    offsetsdb_csv,
    write_offsetsdb_csv,
)

__all__ = [
    "CreditTransaction",
    "cadt_json",
    "cadt_units",
    "credit_transactions",
    "offsetsdb_csv",
    "write_offsetsdb_csv",
]
