"""Minimal authorization records: a Party's Article 6.3 approval of a project's credits.

Retirement (無効化) toward the NDC needs the approval of both Japan and the partner country under
Paris Agreement Art. 6.3 (rules.md §4.2 and §4.4 [P] BILL item 4; §6.2). The engine records each
``authorize`` request as an :class:`Authorization` and answers one question: has ``party``
authorized ``project``'s credits of ``vintage`` for ``purpose``? The rest of Article 6 (first
transfer, adjustments, AEF tables) reads these records and lives in ``jcm.article6``.

Purposes are the atoms of the AEF nomenclature Table 16(b) (rules.md §7.2, §8.3 [P2]): ``NDC``,
``OIMP``, ``IMP``, ``OP``; a combination such as "NDC and OIMP" is given as two purposes.

An authorization carries the content of AEF-V2 Table 2 (rules.md §8.2 [P2]) and a version: a
change is a new version of the same id by the same Party, numbered one above the last, and applies
only to credits not yet first transferred (rules.md §8.4 [M: verify]); the engine records, in the
effects of each first international transfer, the id and version each credit left under, and
enforces the authorized Parties, timeframe and quantity there (rules.md §4.4, §7.3 [M]).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, Final

import attrs

from jcm.core.nomenclature import ACTIVITY_TYPES, DEFAULT_APPROACH, SECTORS
from jcm.core.party import check_party_code
from jcm.errors import InvalidValueError

__all__ = [
    "OIMP_PURPOSES",
    "PURPOSES",
    "Authorization",
    "Timeframe",
    "check_authorization_fields",
    "check_purposes",
]

PURPOSES: Final = frozenset({"NDC", "OIMP", "IMP", "OP"})
"""Authorized purposes (AEF nomenclature Table 16(b), rules.md §8.3 [P2])."""

OIMP_PURPOSES: Final = frozenset({"OIMP", "IMP", "OP"})
"""Purposes that cover other international mitigation purposes (rules.md §7.2 [M])."""

_APPROACH_ID: Final = re.compile(r"^CA\d{4}$")


def check_purposes(purposes: Iterable[Any], *, field: str = "purposes") -> tuple[str, ...]:
    """Return ``purposes`` as a tuple if every one is a known purpose, at least one, no repeats.

    Raises
    ------
    InvalidValueError
        Naming ``field`` and the known purposes.
    """
    values = tuple(purposes)
    if not values or any(p not in PURPOSES for p in values) or len(set(values)) != len(values):
        raise InvalidValueError(
            field, list(values), f"must be distinct purposes among {', '.join(sorted(PURPOSES))}"
        )
    return values


def _distinct_in(field: str, values: Any, allowed: frozenset[str], what: str) -> None:
    items = tuple(values) if isinstance(values, (list, tuple)) else None
    if (
        not items
        or any(not isinstance(v, str) or v not in allowed for v in items)
        or len(set(items)) != len(items)
    ):
        raise InvalidValueError(field, values, f"must be a non-empty list of distinct {what}")


def check_authorization_fields(request: Any) -> None:
    """Check the optional Table 2 fields of an ``authorize`` request; raise naming the field.

    ``purposes`` are distinct known purposes; ``version`` an integer >= 1;
    ``cooperative_approach`` ``CA`` and four digits; ``date`` a date; ``sectors`` and
    ``activity_types`` non-empty lists of distinct values of nomenclature 15(b) and 51(b)
    (rules.md §8.3 [P2]); ``authorized_parties`` distinct alpha-3 codes; ``authorized_entities``
    distinct non-empty texts (rules.md §8.2 [P2]).

    Raises
    ------
    InvalidValueError
        Naming the first bad field.
    """
    check_purposes(request.purposes)
    version = request.version
    if version is not None and (
        isinstance(version, bool) or not isinstance(version, int) or version < 1
    ):
        raise InvalidValueError("version", version, "must be an integer >= 1")
    approach = request.cooperative_approach
    if approach is not None and (not isinstance(approach, str) or not _APPROACH_ID.match(approach)):
        raise InvalidValueError(
            "cooperative_approach", approach, "must be 'CA' and 4 digits (CA0099)"
        )
    day = request.date
    if day is not None and (not isinstance(day, dt.date) or isinstance(day, dt.datetime)):
        raise InvalidValueError("date", day, "must be an ISO date (2024-06-24)")
    if request.sectors is not None:
        _distinct_in("sectors", request.sectors, SECTORS, "sectors of nomenclature 15(b)")
    if request.activity_types is not None:
        _distinct_in(
            "activity_types",
            request.activity_types,
            ACTIVITY_TYPES,
            "activity types of nomenclature 51(b)",
        )
    parties = request.authorized_parties
    if parties is not None:
        items = tuple(parties)
        for party in items:
            check_party_code("authorized_parties", party)
        if not items or len(set(items)) != len(items):
            raise InvalidValueError(
                "authorized_parties", parties, "must be a non-empty list of distinct Parties"
            )
    entities = request.authorized_entities
    if entities is not None:
        items = tuple(entities)
        if (
            not items
            or any(not isinstance(e, str) or not e for e in items)
            or len(set(items)) != len(items)
        ):
            raise InvalidValueError(
                "authorized_entities", entities, "must be a non-empty list of distinct names"
            )


@attrs.frozen
class Timeframe:
    """The period during which an authorization may be used (AEF Table 2, rules.md §7.2 [P2])."""

    start: dt.date
    end: dt.date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValueError("end", self.end.isoformat(), "must not precede start")


@attrs.frozen
class Authorization:
    """One Party's authorization of a project's credits (rules.md §7.2 [M], §8.2 [P2]).

    Parameters
    ----------
    id
        The authorization id (``"MNG-JCM-2024-001"``).
    party
        The authorizing Party (ISO alpha-3).
    project
        The JC project reference.
    vintages
        The vintages covered.
    purposes
        The authorized purposes (``NDC``, ``OIMP``, ``IMP``, ``OP``).
    first_transfer_definition
        For OIMP: ``Authorisation``, ``Issuance`` or ``Use or Cancellation`` (rules.md §7.2).
    authorized_quantity
        An optional cap [tCO2e].
    timeframe
        An optional period of validity: a first transfer on a day outside it is refused.
    entry
        The journal entry that recorded it.
    version
        Its version, 1 for the first; a change is the next version (rules.md §8.4 [M: verify]).
    cooperative_approach
        The cooperative approach ID (``CA0099``).
    date
        The date of the authorization (AEF-V2 Table 2 field 2); the day of its entry if not given.
    sectors, activity_types
        Values of nomenclature 15(b) and 51(b) (rules.md §8.3 [P2]).
    authorized_parties
        The Parties that may acquire the credits on their first transfer; empty: any Party.
    authorized_entities
        Entities authorized to use or hold them (Table 2 field 13).
    oimp
        The OIMP specified (Table 2 field 14); required to first transfer under an OIMP purpose.
    terms
        Terms and conditions (Table 2 field 16).
    """

    id: str
    party: str
    project: str
    vintages: frozenset[int]
    purposes: frozenset[str]
    first_transfer_definition: str | None = None
    authorized_quantity: int | None = None
    timeframe: Timeframe | None = None
    entry: int = 0
    version: int = 1
    cooperative_approach: str = DEFAULT_APPROACH
    date: dt.date | None = None
    sectors: tuple[str, ...] = ()
    activity_types: tuple[str, ...] = ()
    authorized_parties: frozenset[str] = frozenset()
    authorized_entities: tuple[str, ...] = ()
    oimp: str | None = None
    terms: str | None = None

    def covers(self, project: str, vintage: int, purpose: str) -> bool:
        """True when this authorization covers ``project``'s ``vintage`` for ``purpose``."""
        return project == self.project and vintage in self.vintages and purpose in self.purposes

    @property
    def covers_ndc(self) -> bool:
        """True when NDC use is authorized."""
        return "NDC" in self.purposes

    @property
    def covers_oimp(self) -> bool:
        """True when a purpose covers OIMP (OIMP, IMP or OP)."""
        return not self.purposes.isdisjoint(OIMP_PURPOSES)
