"""Current credit blocks as Climate Action Data Trust (CADT) v1 units, as JSON.

CADT (Chia-Network/cadt) is a metadata layer that aggregates the records of many registries. Its
``POST /v1/units`` checks each unit with a Joi schema (``src/validations/units.validations.js``
and ``issuances.validation.js``) that refuses unknown keys, requires some fields and checks the
enumerated ones against the picklists of its governance body (``src/models/governance/
governance.stub.js`` is the list CADT ships; a governance body may publish a longer one). This
module writes units that pass that schema: one unit for every block a registry holds now, account
by account in order of opening, then by issuing registry and serial. A block in a retirement or
cancellation account is cut where different retirements or cancellations put its parts there,
so that each unit has one status reason.

Keys of each unit (:data:`UNIT_KEYS`, in this order) and where each value comes from:

``projectLocationId``, ``inCountryJurisdictionOfOwner``, ``marketplace``, ``marketplaceLink``,
``marketplaceIdentifier``, ``unitTags``
    **No JCM source**: ``null`` (CADT allows ``null`` for each).
``unitOwner``
    The principal id of the holder of the account holding the block.
``countryJurisdictionOfOwner`` (required, picklist ``countries``)
    The name of the Party whose registry keeps that account, as CADT's picklist spells it
    (:func:`cadt_country`: ``"Japan"``, ``"Viet Nam"``, ``"Lao People's Democratic Republic"``).
    CADT's picklist has no entry for Moldova, Uzbekistan, the Kyrgyz Republic or Kazakhstan
    (:data:`NO_CADT_COUNTRY`): a unit held in one of their registries cannot be written and the
    export raises :class:`jcm.errors.InvalidValueError` naming the country.
``unitBlockStart``, ``unitBlockEnd`` (required, text)
    The first and last serial number, as text (``"401"``). CADT derives ``serialNumberBlock``
    (``"401-700"``) from them itself and refuses the key.
``unitCount`` (required, integer)
    Credits in the unit [tCO2e].
``vintageYear`` (required, integer 1900-3000)
    The vintage.
``unitType`` (required, picklist ``unitType``)
    ``"Reduction - nature"`` when the project's sector (free text of its PIN) names forestry,
    land use or agriculture (:data:`NATURE_SECTOR_WORDS`), else ``"Reduction - technical"``. JCM
    credits are emission reductions; no JCM record says "removal".
``unitStatus`` (required, picklist ``unitStatus``)
    ``"Retired"`` in a retirement account, ``"Cancelled"`` in a cancellation account, else
    ``"Held"`` (also for credits in another Party's registry after an international transfer:
    they are held there; the registry that transferred them no longer holds a unit).
``unitStatusReason``
    For a retired unit ``"NDC <year>"`` (and ``"; beneficiary <name>"`` when the retirement
    named one); for a cancelled unit the cancellation's ``purpose``; ``null`` for held units.
    CADT requires a reason for retired and cancelled units; every one here has one.
``unitRegistryLink`` (required, non-empty text)
    ``registry_link`` when the caller gives one (the registry's public page, say). Otherwise
    **no JCM source** for a link: no JCM registry publishes a page per block, so the unit's block
    identifier is written instead, rendered with the default template of docs/rules.md §4.6
    (``JPN01-MN010-2023-000000401-000000700``; **not** an official JCM format and not a URL). It
    names the registry that keeps the block, the project, the vintage and the serials.
``correspondingAdjustmentDeclaration`` (required, picklist)
    ``"Committed"`` when the host Party authorized the project's vintage (for any purpose) in
    this registry's records, else ``"Unknown"`` (never ``"Not Required"``: fail closed).
``correspondingAdjustmentStatus`` (required, picklist)
    ``"Not Started"`` for every unit: the registry records no application of a corresponding
    adjustment (``jcm.article6`` computes them for reporting).
``issuance``
    The CADT issuance record (:data:`ISSUANCE_KEYS`):

    * ``warehouseProjectId``: the JC project reference (``"MN010"``). CADT allows any text; once
      the project is in CADT, its warehouse id replaces the reference;
    * ``startDate``, ``endDate`` (required dates, end not before start): the monitoring period of
      the issuance that created the serials;
    * ``verificationApproach`` (required text): :data:`VERIFICATION_APPROACH`, the same for
      every JCM issuance: verification of the monitoring report by a third-party entity
      (docs/rules.md §2.2, form 3.8; §2.3.3);
    * ``verificationBody``: the third-party entity that submitted the period's verification
      report (its principal id; CADT checks no picklist here);
    * ``verificationReportDate`` (required date): the date of that entry. An issuance is decided
      only for a verified period (docs/rules.md §2.3.3), so a journal without the report is
      inconsistent, and the export raises :class:`jcm.errors.InvalidValueError`.

CADT assigns ``warehouseUnitId``, ``issuanceId``, ``orgUid``, ``serialNumberBlock``,
``createdAt``, ``updatedAt`` and the issuance's ``id`` itself; none is written (CADT refuses the
first four, and an issuance ``id`` must name an issuance already in CADT). ``labels`` is optional
and not written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from jcm.core.account import Account, AccountKind
from jcm.core.countries import partner
from jcm.core.credit import CreditBlock, SerialRange
from jcm.errors import InvalidValueError, JcmError
from jcm.exports.lots import JournalFacts, Outflow
from jcm.registry.engine import Registry

__all__ = [
    "CADT_COUNTRY_NAMES",
    "ISSUANCE_KEYS",
    "NATURE_SECTOR_WORDS",
    "NO_CADT_COUNTRY",
    "UNIT_KEYS",
    "VERIFICATION_APPROACH",
    "cadt_country",
    "cadt_json",
    "cadt_units",
]

NATURE_SECTOR_WORDS: Final = ("forest", "land", "agricultur", "afolu", "redd")
"""Words of a project's sector (lower case, as substrings) that make its units nature-based."""

VERIFICATION_APPROACH: Final = (
    "JCM verification of the monitoring report by a third-party entity (Verification Report, "
    "form 3.8 of the JCM Project Cycle Procedure)"
)
"""The ``issuance.verificationApproach`` of every unit (docs/rules.md §2.2, §2.3.3)."""

CADT_COUNTRY_NAMES: Final[Mapping[str, str]] = {
    "JPN": "Japan",
    "LAO": "Lao People's Democratic Republic",
    "TZA": "United Republic of Tanzania",
}
"""CADT's name of a Party where it is not the partner list's name (``jcm.core.countries``)."""

NO_CADT_COUNTRY: Final = frozenset({"KAZ", "KGZ", "MDA", "UZB"})
"""JCM partners that CADT's ``countries`` picklist does not list."""

UNIT_KEYS: Final = (
    "projectLocationId",
    "unitOwner",
    "countryJurisdictionOfOwner",
    "inCountryJurisdictionOfOwner",
    "unitBlockStart",
    "unitBlockEnd",
    "unitCount",
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
    "issuance",
)
"""The keys of a unit, in the order written (the order of CADT's schema)."""

ISSUANCE_KEYS: Final = (
    "warehouseProjectId",
    "startDate",
    "endDate",
    "verificationApproach",
    "verificationBody",
    "verificationReportDate",
)
"""The keys of a unit's ``issuance``, in the order written."""

_STATUS: Final = {AccountKind.RETIREMENT: "Retired", AccountKind.CANCELLATION: "Cancelled"}


def cadt_country(code: str) -> str:
    """The name CADT's ``countries`` picklist gives the Party ``code`` (ISO alpha-3).

    Raises
    ------
    jcm.errors.InvalidValueError
        For a Party the picklist does not list (:data:`NO_CADT_COUNTRY`) or an unknown code.
    """
    if code in NO_CADT_COUNTRY:
        raise InvalidValueError(
            "countryJurisdictionOfOwner",
            partner(code).name,
            "CADT's countries picklist has no entry for this Party, so CADT refuses its units",
        )
    named = CADT_COUNTRY_NAMES.get(code)
    return named if named is not None else partner(code).name


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
    def __init__(self, registry: Registry, registry_link: str | None) -> None:
        self.registry = registry
        self.registry_link = registry_link
        self.facts = JournalFacts.of(registry)
        self.committed = {
            (a.party, a.project, vintage)
            for a in registry.authorizations()
            for vintage in a.vintages
        }

    def issuance(self, block: CreditBlock) -> dict[str, Any]:
        lot = self.facts.lot(block.registry, block.serials.start)
        where = f"{block.registry} serial {block.serials.start}"
        if lot is None:
            raise InvalidValueError("issuance", where, "the journal has no issue entry for it")
        verification = self.facts.verification(lot.issuance)
        if verification is None:
            raise InvalidValueError(
                "issuance.verificationReportDate",
                f"{lot.issuance.project} {lot.issuance.period_start}..{lot.issuance.period_end}",
                "CADT requires the verification report date; the journal has no verification "
                "report for this monitoring period (docs/rules.md §2.3.3)",
            )
        return {
            "warehouseProjectId": block.project,
            "startDate": lot.issuance.period_start.isoformat(),
            "endDate": lot.issuance.period_end.isoformat(),
            "verificationApproach": VERIFICATION_APPROACH,
            "verificationBody": verification.body,
            "verificationReportDate": verification.on.isoformat(),
        }

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
            "projectLocationId": None,
            "unitOwner": account.holder,
            "countryJurisdictionOfOwner": cadt_country(account.party),
            "inCountryJurisdictionOfOwner": None,
            "unitBlockStart": str(start),
            "unitBlockEnd": str(end),
            "unitCount": end - start + 1,
            "vintageYear": block.vintage,
            "unitType": _unit_type(self.registry, block.project),
            "marketplace": None,
            "marketplaceLink": None,
            "marketplaceIdentifier": None,
            "unitTags": None,
            "unitStatus": _STATUS.get(account.kind, "Held"),
            "unitStatusReason": _reason(outflow) if account.terminal else None,
            "unitRegistryLink": self.registry_link or piece.identifier(),
            "correspondingAdjustmentDeclaration": "Committed" if committed else "Unknown",
            "correspondingAdjustmentStatus": "Not Started",
            "issuance": self.issuance(piece),
        }


def cadt_units(registry: Registry, *, registry_link: str | None = None) -> list[dict[str, Any]]:
    """Every block ``registry`` holds now as a CADT v1 unit (see the module docstring for keys).

    Parameters
    ----------
    registry
        The registry to read (nothing in it changes).
    registry_link
        The text of every unit's ``unitRegistryLink`` (a URL of the registry, say); by default
        each unit's block identifier.

    Raises
    ------
    jcm.errors.InvalidValueError
        When a unit cannot be written as CADT requires: its holder's Party is not in CADT's
        countries picklist, or the journal lacks its issuance or verification report.
    """
    if registry_link is not None and not registry_link.strip():
        raise InvalidValueError("registry_link", registry_link, "must be non-empty text")
    writer = _Writer(registry, registry_link)
    units: list[dict[str, Any]] = []
    for account in registry.accounts():
        units.extend(writer.units(account))
    return units


def cadt_json(
    registry: Registry, *, indent: int | None = 2, registry_link: str | None = None
) -> str:
    """The JSON text (a list of units) of :func:`cadt_units`, ending with a newline."""
    units = cadt_units(registry, registry_link=registry_link)
    return json.dumps(units, ensure_ascii=False, indent=indent) + "\n"
