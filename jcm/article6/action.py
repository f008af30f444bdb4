"""Article 6 action records: what a Party reports in AEF Table 3, one homogeneous block per row.

The action types and subtypes are the controlled vocabularies 25(b) and 26(b) of the UNFCCC
"List of common nomenclatures under Article 6, paragraph 2" (17 Feb 2026) [P2]
(``shared/reference/rules.md`` §8.3). :mod:`jcm.article6.first_transfer` produces these records
from registry movements (the mapping of rules.md §10); :mod:`jcm.article6.aef` turns them into
Table 3 rows; :mod:`jcm.article6.adjustment` sums them into FT[y] and U[y] (rules.md §7.4).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Final

import attrs

from jcm.article6.itmo import ItmoBlock
from jcm.core.party import check_party_code
from jcm.errors import InvalidValueError

__all__ = [
    "ALLOWED_SUBTYPES",
    "Action",
    "ActionSubtype",
    "ActionType",
    "Holding",
    "MitigationType",
    "actions_of",
]


class ActionType(enum.Enum):
    """AEF action types, nomenclature Table 25(b) [P2]."""

    AUTHORIZATION = "Authorization"
    FIRST_TRANSFER = "First transfer"
    TRANSFER = "Transfer"
    ACQUISITION = "Acquisition"
    USE = "Use"
    CANCELLATION = "Cancellation"
    VOLUNTARY_CANCELLATION = "Voluntary Cancellation"


class ActionSubtype(enum.Enum):
    """AEF action subtypes, nomenclature Table 26(b) [P2]."""

    FIRST_TRANSFER_TO_ANOTHER_PARTY = "First transfer to another Party"
    AUTHORIZATION = "Authorization"
    ISSUANCE = "Issuance"
    USE_OR_CANCELLATION = "Use or cancellation"
    MANDATORY_ADAPTATION_FUND = "Mandatory transfer to the Adaptation Fund (A6.4 ERs)"
    VOLUNTARY_ADAPTATION_FUND = "Voluntary transfer to the Adaptation Fund (A6.4 ERs)"
    MANDATORY_OMGE = "Mandatory cancellation to deliver OMGE"
    VOLUNTARY_OMGE = "Voluntary cancellation to deliver OMGE"
    OTHER_CANCELLATIONS = "Other cancellations"
    NOT_YET_DEFINED = "Not yet defined"


class MitigationType(enum.Enum):
    """Mitigation types, nomenclature Table 36(b) [P2]."""

    EMISSION_REDUCTIONS = "Emission reductions"
    REMOVALS = "Removals"
    BOTH = "Emission reductions and removals"


_S = ActionSubtype
_CANCELS: Final = frozenset({_S.MANDATORY_OMGE, _S.VOLUNTARY_OMGE, _S.OTHER_CANCELLATIONS})

ALLOWED_SUBTYPES: Final[dict[ActionType, frozenset[ActionSubtype | None]]] = {
    ActionType.AUTHORIZATION: frozenset({None, _S.AUTHORIZATION, _S.NOT_YET_DEFINED}),
    ActionType.FIRST_TRANSFER: frozenset(
        {
            _S.FIRST_TRANSFER_TO_ANOTHER_PARTY,
            _S.AUTHORIZATION,
            _S.ISSUANCE,
            _S.USE_OR_CANCELLATION,
            _S.NOT_YET_DEFINED,
            *_CANCELS,
        }
    ),
    ActionType.TRANSFER: frozenset(
        {None, _S.MANDATORY_ADAPTATION_FUND, _S.VOLUNTARY_ADAPTATION_FUND, _S.NOT_YET_DEFINED}
    ),
    ActionType.ACQUISITION: frozenset({None, _S.NOT_YET_DEFINED}),
    ActionType.USE: frozenset({None, _S.NOT_YET_DEFINED}),
    ActionType.CANCELLATION: frozenset({None, _S.NOT_YET_DEFINED, *_CANCELS}),
    ActionType.VOLUNTARY_CANCELLATION: frozenset({None, _S.NOT_YET_DEFINED, *_CANCELS}),
}
"""Which subtypes go with which action type (rules.md §8.3, from the 26(b) descriptions) [P2]."""


def _optional_party(
    _instance: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None:
        check_party_code(attribute.name, value)


def _party(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    check_party_code(attribute.name, value)


@attrs.frozen
class Action:
    """One Article 6 action on one block of ITMOs, as the reporting Party records it.

    Parameters
    ----------
    date
        Date the action was executed in the reporting Party's ITMO registry.
    type, subtype
        AEF action type (25(b)) and subtype (26(b), ``None`` where not applicable).
    reporting_party
        ISO alpha-3 code of the Party whose AEF lists the action.
    registry
        Party ITMO registry ID where the action was tracked (``JPN01``).
    block
        The ITMOs concerned (First ID to Last ID).
    authorization_id, authorization_version
        The authorization (and its version) under which the ITMOs were authorized.
    transferring_party
        Only for ``Acquisition``: the Party the ITMOs came from.
    acquiring_party
        Only for ``First transfer`` (to another Party) and ``Transfer``: the Party they went to.
    purpose
        For use or cancellation toward OIMP: the purpose (``"CORSIA"``).
    using_party, using_entity
        The Party or the authorized entity that used or cancelled them, where applicable.
    ndc_year
        Only for ``Use`` toward an NDC: the calendar year for which they are used.
    underlying_registry, underlying_start, underlying_end
        The underlying unit registry (``JCM``) and the underlying serials; by default the
        block's serials (for the JCM the ITMO serial is the JCM credit serial [I]).
    mitigation_type
        Nomenclature 36(b).
    explanation
        Additional explanatory information.
    """

    date: dt.date
    type: ActionType
    subtype: ActionSubtype | None
    reporting_party: str = attrs.field(validator=_party)
    registry: str
    block: ItmoBlock
    authorization_id: str
    authorization_version: int = 1
    transferring_party: str | None = attrs.field(default=None, validator=_optional_party)
    acquiring_party: str | None = attrs.field(default=None, validator=_optional_party)
    purpose: str | None = None
    using_party: str | None = attrs.field(default=None, validator=_optional_party)
    using_entity: str | None = None
    ndc_year: int | None = None
    underlying_registry: str | None = "JCM"
    underlying_start: int | None = None
    underlying_end: int | None = None
    mitigation_type: MitigationType = MitigationType.EMISSION_REDUCTIONS
    explanation: str = ""

    def __attrs_post_init__(self) -> None:
        if self.subtype not in ALLOWED_SUBTYPES[self.type]:
            raise InvalidValueError(
                "subtype",
                None if self.subtype is None else self.subtype.value,
                f"is not a subtype of action type {self.type.value!r} (nomenclature 26(b))",
            )
        if self.underlying_registry is not None and self.underlying_start is None:
            object.__setattr__(self, "underlying_start", self.block.start)
            object.__setattr__(self, "underlying_end", self.block.end)

    @property
    def quantity(self) -> int:
        """Number of ITMOs in the row [t CO2e]."""
        return self.block.quantity

    @property
    def cooperative_approach(self) -> str:
        """The cooperative approach ID of the ITMOs."""
        return self.block.cooperative_approach

    @property
    def first_transferring_party(self) -> str:
        """The Party in which the mitigation outcomes occurred."""
        return self.block.first_transferring_party

    @property
    def year(self) -> int:
        """The calendar year of the action date."""
        return self.date.year


def actions_of(
    actions: Iterable[Action], party: str, year: int | None = None
) -> tuple[Action, ...]:
    """The actions ``party`` reports, in the calendar ``year`` if given, in date order."""
    chosen = [
        a for a in actions if a.reporting_party == party and (year is None or a.date.year == year)
    ]
    return tuple(sorted(chosen, key=lambda a: (a.date, a.block.key, a.block.start)))


@attrs.frozen
class Holding:
    """ITMOs held in a Party's ITMO registry at a date (AEF-V2 Table 4), one ID range.

    Parameters
    ----------
    party
        ISO alpha-3 code of the Party whose registry holds them.
    registry
        Its Party ITMO registry ID (``JPN01``).
    block
        The ITMOs (First ID to Last ID).
    authorization_id
        The authorization under which they were authorized.
    underlying_registry
        The underlying unit registry (``JCM``), or ``None``.
    mitigation_type
        Nomenclature 36(b).
    """

    party: str = attrs.field(validator=_party)
    registry: str
    block: ItmoBlock
    authorization_id: str
    underlying_registry: str | None = "JCM"
    mitigation_type: MitigationType = MitigationType.EMISSION_REDUCTIONS

    @property
    def quantity(self) -> int:
        """Number of ITMOs [t CO2e]."""
        return self.block.quantity
