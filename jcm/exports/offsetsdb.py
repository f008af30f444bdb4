"""Credit transactions in the OffsetsDB credits schema (CarbonPlan), as CSV.

OffsetsDB harmonizes the credit transactions of many registries into one table (peers.md §1.3;
``offsets_db_data/models.py``). This module writes a registry's journal in that shape: one row per
journal entry that issues or moves credits, and per (project, vintage) within it, in journal
order. Only accepted requests are in the journal, so a rejected request never appears.

Columns (:data:`COLUMNS`, in this order) and where each value comes from:

``quantity``
    Credits issued or moved [tCO2e] of that project and vintage in the entry.
``project_id``
    The JC project reference as the registry knows it (``"MN010"``), unchanged.
``vintage``
    The vintage of the credits (from the issuance of their serial numbers).
``transaction_date``
    The entry's time, ISO 8601 in UTC (``2025-06-01T00:00:31Z``).
``transaction_type``
    ``issuance`` (``issue``), ``retirement`` (``retire``: use toward an NDC), ``cancellation``
    (``cancel``) or ``transfer`` (``transfer``, including international transfers). OffsetsDB's
    own data mostly has issuances and retirements; ``cancellation`` and ``transfer`` keep the JCM's
    distinctions instead of folding them into retirements.
``retirement_account``
    For a retirement or cancellation, the account debited (the holder's account, not the
    Party's retirement or cancellation account); empty otherwise.
``retirement_reason``
    For a retirement, ``NDC <year>`` (the NDC year it counts toward); for a cancellation, the
    request's ``purpose``; empty otherwise.
``retirement_note``
    **No JCM source**: always empty.
``retirement_beneficiary``
    The retirement's optional ``beneficiary``; empty when not given and for other rows.
``retirement_beneficiary_harmonized``
    **No JCM source** (harmonizing names is OffsetsDB's own step): always empty.
``transaction_url``
    **No JCM source** (the JCM registry publishes no per-transaction page): always empty.

An issuance of several vintages, or a move of blocks of several projects or vintages, gives one
row for each (project, vintage), sorted by project then vintage.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Final, TextIO

import attrs

from jcm.exports.lots import JournalFacts
from jcm.registry.engine import Registry
from jcm.registry.journal import Entry

__all__ = [
    "COLUMNS",
    "TRANSACTION_TYPES",
    "CreditTransaction",
    "credit_transactions",
    "offsetsdb_csv",
    "write_offsetsdb_csv",
]

COLUMNS: Final = (
    "quantity",
    "project_id",
    "vintage",
    "transaction_date",
    "transaction_type",
    "retirement_account",
    "retirement_reason",
    "retirement_note",
    "retirement_beneficiary",
    "retirement_beneficiary_harmonized",
    "transaction_url",
)
"""The columns of the OffsetsDB credits table written, in order (peers.md §1.3)."""

TRANSACTION_TYPES: Final = {
    "issue": "issuance",
    "transfer": "transfer",
    "retire": "retirement",
    "cancel": "cancellation",
}
"""OffsetsDB ``transaction_type`` of each journal request type that issues or moves credits."""


@attrs.frozen
class CreditTransaction:
    """One row of the OffsetsDB credits table (see the module docstring for each field)."""

    quantity: int
    project_id: str
    vintage: int
    transaction_date: str
    transaction_type: str
    retirement_account: str = ""
    retirement_reason: str = ""
    retirement_note: str = ""
    retirement_beneficiary: str = ""
    retirement_beneficiary_harmonized: str = ""
    transaction_url: str = ""
    entry: int = attrs.field(default=0, eq=False)
    """The journal entry of the row (not a column)."""

    def row(self) -> tuple[str | int, ...]:
        """The row's values in the order of :data:`COLUMNS`."""
        return tuple(getattr(self, name) for name in COLUMNS)


def _rows_of(entry: Entry, facts: JournalFacts) -> list[CreditTransaction]:
    kind = str(entry.type)
    effects = entry.effects
    quantities: dict[tuple[str, int], int] = {}
    if kind == "issue":
        project = entry.request["project"]
        for _account, vintage, start, end in effects["blocks"]:
            key = (project, vintage)
            quantities[key] = quantities.get(key, 0) + end - start + 1
    else:
        for registry, start, end in effects["serials"]:
            for s, e, lot in facts.lots.pieces(registry, start, end):
                key = (lot.issuance.project, lot.vintage)
                quantities[key] = quantities.get(key, 0) + e - s + 1
    extra: dict[str, str] = {}
    if kind == "retire":
        extra = {
            "retirement_account": effects["from"],
            "retirement_reason": f"NDC {effects['ndc_year']}",
            "retirement_beneficiary": effects.get("beneficiary") or "",
        }
    elif kind == "cancel":
        extra = {"retirement_account": effects["from"], "retirement_reason": effects["purpose"]}
    when = entry.at.isoformat().replace("+00:00", "Z")
    return [
        CreditTransaction(
            quantity, project, vintage, when, TRANSACTION_TYPES[kind], **extra, entry=entry.seq
        )
        for (project, vintage), quantity in sorted(quantities.items())
    ]


def credit_transactions(registry: Registry) -> tuple[CreditTransaction, ...]:
    """Every issuance, transfer, retirement and cancellation of ``registry``, in journal order."""
    return _transactions(registry.store.entries())


def _transactions(entries: Iterable[Entry]) -> tuple[CreditTransaction, ...]:
    facts = JournalFacts(entries)
    rows: list[CreditTransaction] = []
    for entry in facts.entries:
        if entry.type in TRANSACTION_TYPES:
            rows.extend(_rows_of(entry, facts))
    return tuple(rows)


def write_offsetsdb_csv(registry: Registry, stream: TextIO) -> int:
    """Write the header and every row of :func:`credit_transactions`; return the row count."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = credit_transactions(registry)
    writer.writerows(r.row() for r in rows)
    return len(rows)


def offsetsdb_csv(registry: Registry) -> str:
    """The CSV text of :func:`write_offsetsdb_csv`."""
    buffer = io.StringIO()
    write_offsetsdb_csv(registry, buffer)
    return buffer.getvalue()
