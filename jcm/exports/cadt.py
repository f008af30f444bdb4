"""Current credit blocks as units in the Climate Action Data Trust (CADT) shape, as JSON.

CADT is a metadata layer that aggregates registry records; its units are records with status
fields (peers.md §1.2; ``src/models/units/units.modeltypes.cjs``). This module writes one unit
for every block a registry holds now, account by account in order of opening, then by issuing
registry and serial. A block in a retirement or cancellation account is cut where different
retirements or cancellations put its parts there, so that each unit has one status reason.

Keys of each unit (:data:`UNIT_KEYS`, in this order) and where each value comes from:

``issuanceId``
    ``"<registry>-<entry>"``: the issuing registry and the journal entry of the ``issue``.
``projectLocationId``
    **No JCM source**: ``null``.
``unitOwner``
    The principal id of the holder of the account holding the block.
``countryJurisdictionOfOwner``
    The name of the Party whose registry keeps that account (``"Japan"``, ``"Mongolia"``).
``inCountryJurisdictionOfOwner``
    **No JCM source**: ``null``.
``serialNumberBlock``
    The block identifier rendered with the default template of rules.md §4.6 [I]
    (``JPN01-MN010-2023-000000001-000000500``; **not** an official JCM format).
``serialNumberPattern``
    :data:`SERIAL_NUMBER_PATTERN`, a regular expression whose two groups are the first and last
    serial of such an identifier.
``vintageYear``
    The vintage (an integer).
``unitType``
    ``"Reduction - nature"`` when the project's sector (free text of its PIN) names forestry,
    land use or agriculture (:data:`NATURE_SECTOR_WORDS`), else ``"Reduction - technical"``. JCM
    credits are emission reductions; no JCM record says "removal".
``marketplace``, ``marketplaceLink``, ``marketplaceIdentifier``, ``unitTags``
    **No JCM source**: ``null``.
``unitStatus``
    ``"Retired"`` in a retirement account, ``"Cancelled"`` in a cancellation account, else
    ``"Held"`` (also for credits in another Party's registry after an international transfer).
``unitStatusReason``
    For a retired unit ``"NDC <year>"`` (and ``"; beneficiary <name>"`` when the retirement
    named one); for a cancelled unit the cancellation's ``purpose``; ``null`` for held units.
``unitRegistryLink``
    **No JCM source**: ``null``.
``correspondingAdjustmentDeclaration``
    ``"Committed"`` when the host Party authorized the project's vintage (for any purpose) in
    this registry's records, else ``"Unknown"`` (never ``"Not Required"``: fail closed).
``correspondingAdjustmentStatus``
    ``"Not Started"`` for every unit: the registry records no application of a corresponding
    adjustment (``jcm.article6`` computes them for reporting).
``unitBlockStart``, ``unitBlockEnd``
    The first and last serial number, as strings (CADT keeps them as text).
``unitCount``
    Credits in the unit [tCO2e].
``issuance``
    The CADT issuance record: ``id`` (as ``issuanceId``), ``warehouseProjectId`` (the JC project
    reference), ``startDate`` and ``endDate`` (the monitoring period), ``verificationBody`` and
    ``verificationReportDate`` (the third-party entity that submitted the period's verification
    report and the date of that entry; ``null`` if the journal has none), and
    ``verificationApproach`` (**no JCM source**: ``null``).

CADT assigns ``warehouseUnitId``, ``orgUid``, ``createdAt`` and ``updatedAt`` itself; they are not
written.
"""

from __future__ import annotations

import json
from typing import Any, Final

from jcm.core.account import Account, AccountKind
from jcm.core.countries import partner
from jcm.core.credit import CreditBlock, SerialRange
from jcm.errors import InvalidValueError, JcmError
from jcm.exports.lots import JournalFacts, Lot, Outflow
from jcm.registry.engine import Registry

__all__ = [
    "NATURE_SECTOR_WORDS",
    "SERIAL_NUMBER_PATTERN",
    "UNIT_KEYS",
    "cadt_json",
    "cadt_units",
]

SERIAL_NUMBER_PATTERN: Final = r"^[A-Z]{3}[0-9]{2}-.+-[0-9]{4}-([0-9]+)-([0-9]+)$"
"""Extracts the first and last serial from an identifier of the default template."""

NATURE_SECTOR_WORDS: Final = ("forest", "land", "agricultur", "afolu", "redd")
"""Words of a project's sector (lower case, as substrings) that make its units nature-based."""

UNIT_KEYS: Final = (
    "issuanceId",
    "projectLocationId",
    "unitOwner",
    "countryJurisdictionOfOwner",
    "inCountryJurisdictionOfOwner",
    "serialNumberBlock",
    "serialNumberPattern",
    "vintageYear",
    "unitType",
    "marketplace",
    "marketplaceLink",
    "marketplaceIdentifier",
    "unitTags",
    "unitStatus",
    "unitStatusReason",
    "unitRegistryLink",
    "correspondingAdjustmentDeclaration",
    "correspondingAdjustmentStatus",
    "unitBlockStart",
    "unitBlockEnd",
    "unitCount",
    "issuance",
)
"""The keys of a unit, in the order written."""

_STATUS: Final = {AccountKind.RETIREMENT: "Retired", AccountKind.CANCELLATION: "Cancelled"}


def _country(code: str) -> str:
    if code == "JPN":
        return "Japan"
    try:
        return partner(code).name
    except (InvalidValueError, JcmError, KeyError):
        return code


def _unit_type(registry: Registry, project: str) -> str:
    try:
        sector = registry.project(project).project.sector.lower()
    except JcmError:
        sector = ""
    nature = any(word in sector for word in NATURE_SECTOR_WORDS)
    return "Reduction - nature" if nature else "Reduction - technical"


def _reason(outflow: Outflow | None) -> str | None:
    if outflow is None:
        return None
    if outflow.type == "cancel":
        return outflow.purpose
    text = f"NDC {outflow.ndc_year}"
    return text + (f"; beneficiary {outflow.beneficiary}" if outflow.beneficiary else "")


class _Writer:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.facts = JournalFacts(registry.store.entries())
        self.committed = {
            (a.party, a.project, vintage)
            for a in registry.authorizations()
            for vintage in a.vintages
        }

    def issuance(self, block: CreditBlock) -> dict[str, Any]:
        issuance_id = f"{block.registry}-{block.issuance}"
        lots = self.facts.lots.pieces(block.registry, block.serials.start, block.serials.start)
        lot: Lot | None = lots[0][2] if lots else None
        record: dict[str, Any] = {
            "id": issuance_id,
            "warehouseProjectId": block.project,
            "startDate": None,
            "endDate": None,
            "verificationApproach": None,
            "verificationBody": None,
            "verificationReportDate": None,
        }
        if lot is not None:
            record["startDate"] = lot.issuance.period_start.isoformat()
            record["endDate"] = lot.issuance.period_end.isoformat()
            verification = self.facts.verification(lot.issuance)
            if verification is not None:
                record["verificationBody"] = verification.body
                record["verificationReportDate"] = verification.on.isoformat()
        return record

    def units(self, account: Account) -> list[dict[str, Any]]:
        units = []
        for block in self.registry.holdings(account.id):
            pieces: list[tuple[int, int, Outflow | None]]
            if account.terminal:
                parts = self.facts.outflows.pieces(
                    block.registry, block.serials.start, block.serials.end
                )
                pieces = [(s, e, o) for s, e, o in parts] or [
                    (block.serials.start, block.serials.end, None)
                ]
            else:
                pieces = [(block.serials.start, block.serials.end, None)]
            for start, end, outflow in pieces:
                units.append(self.unit(account, block, start, end, outflow))
        return units

    def unit(
        self, account: Account, block: CreditBlock, start: int, end: int, outflow: Outflow | None
    ) -> dict[str, Any]:
        piece = block.with_serials(SerialRange(start, end))
        committed = (block.host_party, block.project, block.vintage) in self.committed
        return {
            "issuanceId": f"{block.registry}-{block.issuance}",
            "projectLocationId": None,
            "unitOwner": account.holder,
            "countryJurisdictionOfOwner": _country(account.party),
            "inCountryJurisdictionOfOwner": None,
            "serialNumberBlock": piece.identifier(),
            "serialNumberPattern": SERIAL_NUMBER_PATTERN,
            "vintageYear": block.vintage,
            "unitType": _unit_type(self.registry, block.project),
            "marketplace": None,
            "marketplaceLink": None,
            "marketplaceIdentifier": None,
            "unitTags": None,
            "unitStatus": _STATUS.get(account.kind, "Held"),
            "unitStatusReason": _reason(outflow) if account.terminal else None,
            "unitRegistryLink": None,
            "correspondingAdjustmentDeclaration": "Committed" if committed else "Unknown",
            "correspondingAdjustmentStatus": "Not Started",
            "unitBlockStart": str(start),
            "unitBlockEnd": str(end),
            "unitCount": end - start + 1,
            "issuance": self.issuance(block),
        }


def cadt_units(registry: Registry) -> list[dict[str, Any]]:
    """Every block ``registry`` holds now as a CADT unit (see the module docstring for keys)."""
    writer = _Writer(registry)
    units: list[dict[str, Any]] = []
    for account in registry.accounts():
        units.extend(writer.units(account))
    return units


def cadt_json(registry: Registry, *, indent: int | None = 2) -> str:
    """The JSON text (a list of units) of :func:`cadt_units`, ending with a newline."""
    return json.dumps(cadt_units(registry), ensure_ascii=False, indent=indent) + "\n"
