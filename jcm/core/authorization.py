"""Authorizations under Article 6.3: the one record of what a Party authorized, and its versions.

An authorization is a Party's decision that mitigation outcomes of a cooperative approach may be
used toward NDCs and/or for other international mitigation purposes (OIMP); only authorized
outcomes can be first transferred (docs/rules.md §7.2 [M]/[S]). Its content is that of AEF-V2
Table 2 (docs/rules.md §8.2 [P2]): ID, date, cooperative approach, version, optional quantity,
metric, sectors, activity types, purposes, authorized Parties and entities, the OIMP specified,
timeframe, terms, and — where the purposes cover OIMP — the **first-transfer definition**
(Authorisation, Issuance, or Use or Cancellation; 2/CMA.3 annex para 2(b) [M]).

This module is the only place that knows these rules; the registry engine applies them when it
decides a request and records the outcome (the version and what it covers) in the journal, and
``jcm.article6`` reports from those records (docs/architecture.md, "Where each rule lives").

Versions (docs/rules.md §8.4 [M: verify], engine rule [I]): a change is a new version of the same
ID by the same Party under the same cooperative approach, numbered one above the previous
(:func:`check_next_version`); it applies only to credits **not yet first transferred**, which
credits already first transferred keep the version they left under. A revocation is a new version
with ``revoked`` set.

Scope [I]: an authorization covers credits of one ``project`` of the authorizing Party, of the
listed ``vintages``; ``timeframe`` is the window of days in which credits may be covered and first
transferred under it; ``authorized_quantity`` caps the credits it covers [tCO2e].

>>> import datetime as dt
>>> auth = Authorization("MNG-JCM-2024-001", "MNG", "MN010", frozenset({2024}),
...                      frozenset({Purpose.NDC}), date=dt.date(2025, 3, 1))
>>> auth.purposes_label, auth.covers_project("MN010", 2024), auth.covers_project("MN010", 2023)
('NDC', True, False)
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs

from jcm.core.ids import check_identifier, check_text
from jcm.core.nomenclature import ACTIVITY_TYPES, DEFAULT_APPROACH, SECTORS
from jcm.core.party import check_party_code
from jcm.errors import InvalidValueError, RegistryError

__all__ = [
    "APPROACH_ID_PATTERN",
    "AUTHORIZATION_ID_PATTERN",
    "Authorization",
    "FirstTransferDefinition",
    "FirstTransferTrigger",
    "Purpose",
    "Timeframe",
    "check_next_version",
    "purposes_label",
]

AUTHORIZATION_ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9 -]+$")
"""An Authorization ID (AEF-V2 Table 2 field 1) [P2]."""

APPROACH_ID_PATTERN: Final = re.compile(r"^CA\d{4}$")
"""A cooperative approach ID (nomenclature Table 9(a)) [P2]."""


class Purpose(enum.Enum):
    """A purpose of authorization (nomenclature 16(b) [P2]); IMP and OP are kinds of OIMP."""

    NDC = "NDC"
    OIMP = "OIMP"
    IMP = "IMP"
    OP = "OP"

    @property
    def oimp(self) -> bool:
        """True for OIMP and its kinds (IMP, OP)."""
        return self is not Purpose.NDC


def purposes_label(purposes: Iterable[Purpose]) -> str:
    """The controlled value of 16(b) for a set of purposes (``"NDC and OIMP"``).

    >>> purposes_label({Purpose.NDC, Purpose.IMP})
    'NDC and IMP'
    """
    chosen = set(purposes)
    if not chosen:
        raise InvalidValueError("purposes", (), "at least one purpose is required")
    other = {p for p in chosen if p.oimp}
    if len(other) > 1:
        other = {Purpose.OIMP}
    parts = (["NDC"] if Purpose.NDC in chosen else []) + [p.value for p in other]
    return " and ".join(parts)


class FirstTransferDefinition(enum.Enum):
    """When OIMP-authorized outcomes are first transferred (22(b) [P2]; para 2(b) [M])."""

    AUTHORISATION = "Authorisation"
    ISSUANCE = "Issuance"
    USE_OR_CANCELLATION = "Use or Cancellation"


class FirstTransferTrigger(enum.Enum):
    """What counts as the first international transfer of NDC-authorized JCM credits [I].

    docs/rules.md §9.6 open point: JCM credits may be issued directly into Japan's registry under
    the Joint Committee's allocation. ``ON_ISSUANCE_TO_ACQUIRING_REGISTRY`` (the default, API)
    makes that issuance the first transfer; with ``ON_REGISTRY_TRANSFER`` only a transfer between
    two Parties' registries is. A transfer between registries of credits not yet first
    transferred is a first transfer under either setting. The trigger is ruleset data of the
    partner (:class:`jcm.core.ruleset.Ruleset`), and every first transfer records the one applied.
    """

    ON_ISSUANCE_TO_ACQUIRING_REGISTRY = "on_issuance_to_acquiring_registry"
    ON_REGISTRY_TRANSFER = "on_registry_transfer"


@attrs.frozen
class Timeframe:
    """The days in which an authorization may be used (AEF Table 2 field 15), both inclusive.

    The AEF writes it as years (:attr:`years_label`, ``"2021 - 2030"``).
    """

    start: dt.date
    end: dt.date

    def __attrs_post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise InvalidValueError(f"timeframe.{name}", value, "must be a date")
        if self.end < self.start:
            raise InvalidValueError("timeframe.end", self.end.isoformat(), "must not precede start")

    def contains(self, day: dt.date) -> bool:
        """True when ``day`` lies in the timeframe."""
        return self.start <= day <= self.end

    @property
    def years_label(self) -> str:
        """The AEF form ``dddd - dddd`` (Table 2 field 15 [P2])."""
        return f"{self.start.year} - {self.end.year}"

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def _authorization_id(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_identifier(attribute.name, value)
    if not AUTHORIZATION_ID_PATTERN.match(str(value)):
        raise InvalidValueError(
            attribute.name, value, "an Authorization ID matches [A-Za-z0-9 -]+ (AEF-V2 Table 2)"
        )


def _party(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_party_code(attribute.name, value)


def _project(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_identifier(attribute.name, value)


def _vintages(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        not isinstance(value, frozenset)
        or not value
        or any(
            isinstance(v, bool) or not isinstance(v, int) or not 1990 <= v <= 2100 for v in value
        )
    ):
        raise InvalidValueError(attribute.name, value, "must be a non-empty set of years")


def _purposes(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        not isinstance(value, frozenset)
        or not value
        or any(not isinstance(p, Purpose) for p in value)
    ):
        raise InvalidValueError(
            attribute.name, value, f"must be purposes among {', '.join(p.value for p in Purpose)}"
        )


def _whole(minimum: int) -> Any:
    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidValueError(attribute.name, value, f"must be a whole number >= {minimum}")
        if isinstance(value, int) and value < minimum:
            raise InvalidValueError(attribute.name, value, f"must be a whole number >= {minimum}")

    return validate


def _approach(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not APPROACH_ID_PATTERN.match(value):
        raise InvalidValueError(attribute.name, value, "must be 'CA' and 4 digits (CA0099)")


def _vocabulary(allowed: frozenset[str], what: str) -> Any:
    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if (
            not isinstance(value, tuple)
            or any(v not in allowed for v in value)
            or len(set(value)) != len(value)
        ):
            raise InvalidValueError(attribute.name, value, f"must be distinct {what}")

    return validate


def _parties(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset):
        raise InvalidValueError(attribute.name, value, "must be a set of Parties")
    for party in value:
        check_party_code(attribute.name, party)


def _entities(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or len(set(value)) != len(value):
        raise InvalidValueError(attribute.name, value, "must be distinct names")
    for item in value:
        check_text(attribute.name, item)


def _optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_text(attribute.name, value)


@attrs.frozen
class Authorization:
    """One version of one Party's authorization (docs/rules.md §7.2 [M], §8.2 [P2]).

    Parameters
    ----------
    id
        The authorization ID assigned by the authorizing Party (``"MNG-JCM-2024-001"``).
    party
        ISO alpha-3 code of the authorizing Party (for the host: the first transferring Party).
    project
        The JC project reference whose credits it covers.
    vintages
        The vintages covered.
    purposes
        The purposes authorized (at least one).
    version
        Its version, 1 for the first; a change is the next version (docs/rules.md §8.4).
    cooperative_approach
        The cooperative approach ID (``CA0099``, illustrative: the JCM's real ID is not known).
    date
        The date of the authorization (AEF-V2 Table 2 field 2).
    first_transfer_definition
        Required when a purpose covers OIMP (22(b)).
    authorized_quantity
        The most credits it may cover [tCO2e]; ``None`` for no cap.
    timeframe
        The days in which credits may be covered and first transferred under it; ``None``: any.
    sectors, activity_types
        Values of nomenclature 15(b) and 51(b) (docs/rules.md §8.3 [P2]).
    authorized_parties
        The Parties that may acquire the credits on their first transfer; empty: any Party.
    authorized_entities
        Entities authorized to use or hold them (Table 2 field 13).
    oimp
        The OIMP specified (Table 2 field 14); required when a purpose covers OIMP.
    terms
        Terms and conditions (Table 2 field 16).
    revoked
        True when this version revokes the authorization for credits not yet first transferred.
    entry
        The journal entry that recorded this version (0 outside a registry).
    """

    id: str = attrs.field(validator=_authorization_id)
    party: str = attrs.field(validator=_party)
    project: str = attrs.field(validator=_project)
    vintages: frozenset[int] = attrs.field(validator=_vintages)
    purposes: frozenset[Purpose] = attrs.field(validator=_purposes)
    version: int = attrs.field(default=1, validator=_whole(1), kw_only=True)
    cooperative_approach: str = attrs.field(
        default=DEFAULT_APPROACH, validator=_approach, kw_only=True
    )
    date: dt.date | None = attrs.field(default=None, kw_only=True)
    first_transfer_definition: FirstTransferDefinition | None = attrs.field(
        default=None, kw_only=True
    )
    authorized_quantity: int | None = attrs.field(default=None, validator=_whole(0), kw_only=True)
    timeframe: Timeframe | None = attrs.field(default=None, kw_only=True)
    sectors: tuple[str, ...] = attrs.field(
        default=(), validator=_vocabulary(SECTORS, "sectors of nomenclature 15(b)"), kw_only=True
    )
    activity_types: tuple[str, ...] = attrs.field(
        default=(),
        validator=_vocabulary(ACTIVITY_TYPES, "activity types of nomenclature 51(b)"),
        kw_only=True,
    )
    authorized_parties: frozenset[str] = attrs.field(
        default=frozenset(), validator=_parties, kw_only=True
    )
    authorized_entities: tuple[str, ...] = attrs.field(
        default=(), validator=_entities, kw_only=True
    )
    oimp: str | None = attrs.field(default=None, validator=_optional_text, kw_only=True)
    terms: str | None = attrs.field(default=None, validator=_optional_text, kw_only=True)
    revoked: bool = attrs.field(default=False, kw_only=True)
    entry: int = attrs.field(default=0, validator=_whole(0), kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.date is not None and (
            not isinstance(self.date, dt.date) or isinstance(self.date, dt.datetime)
        ):
            raise InvalidValueError("date", self.date, "must be a date (YYYY-MM-DD)")
        if self.covers_oimp and self.first_transfer_definition is None:
            raise InvalidValueError(
                "first_transfer_definition",
                None,
                "is required when the purposes cover OIMP (2/CMA.3 annex para 2(b); AEF-V2 "
                "Table 2 field 18)",
                code="MISSING_FIRST_TRANSFER_DEFINITION",
            )
        if not self.covers_oimp and self.first_transfer_definition is not None:
            raise InvalidValueError(
                "first_transfer_definition",
                self.first_transfer_definition.value,
                "applies only to purposes that cover OIMP (AEF-V2 Table 2 field 18)",
            )
        if self.covers_oimp and self.oimp is None:
            raise InvalidValueError(
                "oimp",
                None,
                "the OIMP authorized must be stated when the purposes cover OIMP (AEF-V2 "
                "Table 2 field 14; fail closed)",
                code="MISSING_OIMP",
            )

    @property
    def covers_ndc(self) -> bool:
        """True when NDC use is authorized."""
        return Purpose.NDC in self.purposes

    @property
    def covers_oimp(self) -> bool:
        """True when a purpose covers OIMP (OIMP, IMP or OP)."""
        return any(p.oimp for p in self.purposes)

    @property
    def purposes_label(self) -> str:
        """The 16(b) value (``"NDC"``, ``"NDC and OIMP"``, ...)."""
        return purposes_label(self.purposes)

    def covers_project(self, project: str, vintage: int) -> bool:
        """True when credits of ``project`` and ``vintage`` are in this version's scope."""
        return not self.revoked and project == self.project and vintage in self.vintages

    def in_force_on(self, day: dt.date) -> bool:
        """True when credits may be covered or first transferred under it on ``day``.

        It must not be revoked, its date must not be after ``day`` (docs/rules.md §7.8 C05;
        fail closed: no date, never), and ``day`` must lie in its timeframe.
        """
        if self.revoked or self.date is None or self.date > day:
            return False
        return self.timeframe is None or self.timeframe.contains(day)


def check_next_version(previous: Sequence[Authorization], new: Authorization) -> None:
    """Raise unless ``new`` may follow ``previous`` (every earlier version of its ID, oldest first).

    A new ID starts at version 1 (``AUTHORIZATION_VERSION``); a change is made by the same Party
    (``AUTHORIZATION_EXISTS``), numbered one above the last (``AUTHORIZATION_VERSION``), under the
    same cooperative approach and for the same project (``AUTHORIZATION_VERSION``)
    (docs/rules.md §8.4 [M: verify]).
    """
    if not previous:
        if new.version != 1:
            raise RegistryError(
                f"authorization {new.id!r} does not exist; its first version is 1, not "
                f"{new.version}",
                code="AUTHORIZATION_VERSION",
                field="version",
                value=new.version,
                rule="versions are numbered from 1 (docs/rules.md §8.4)",
            )
        return
    last = previous[-1]
    if last.party != new.party or new.version <= last.version:
        wrong_party = last.party != new.party
        raise RegistryError(
            f"authorization {new.id!r} exists (version {last.version} by {last.party}); a "
            f"change is version {last.version + 1} by {last.party}",
            code="AUTHORIZATION_EXISTS",
            field="authorization" if wrong_party else "version",
            value=new.id if wrong_party else new.version,
            rule="only the authorizing Party changes its authorization (docs/rules.md §8.4)",
        )
    if new.version != last.version + 1:
        raise RegistryError(
            f"authorization {new.id!r}: the next version is {last.version + 1}, not "
            f"{new.version} (docs/rules.md §8.4)",
            code="AUTHORIZATION_VERSION",
            field="version",
            value=new.version,
            rule="versions are numbered in order (docs/rules.md §8.4)",
        )
    for name in ("cooperative_approach", "project"):
        if getattr(new, name) != getattr(last, name):
            raise RegistryError(
                f"authorization {new.id!r}: a new version keeps the {name.replace('_', ' ')} "
                f"{getattr(last, name)}",
                code="AUTHORIZATION_VERSION",
                field=name,
                value=getattr(new, name),
                rule="a change keeps the approach and the project (docs/rules.md §8.4)",
            )
