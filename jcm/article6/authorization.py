"""Authorizations under Article 6.3, their versions, and the cooperative approach's configuration.

An authorization is the first transferring Party's decision that mitigation outcomes of a
cooperative approach may be used toward NDCs and/or for other international mitigation purposes
(OIMP); only authorized outcomes can be first transferred (``shared/reference/rules.md`` §7.2
[M]/[S]). Its content is that of AEF-V2 Table 2 (rules.md §8.2 [P2]): ID, date, cooperative
approach, version, optional quantity, metric, GWP, sectors, activity types, purposes, authorized
Parties and entities, the OIMP specified, timeframe, terms, documentation, and — where the
purposes cover OIMP — the **first-transfer definition** (Authorisation, Issuance, or Use or
Cancellation; 2/CMA.3 annex para 2(b) [M]).

Versions (rules.md §8.4 [M: verify], engine rule [I]): each change is a new version numbered one
above the previous; a change applies only to ITMOs **not yet first transferred** — ITMOs already
first transferred keep the version they were first transferred under (see
:meth:`AuthorizationBook.applicable`).

Scope [I]: an authorization covers the units of the authorizing Party's projects; ``projects``
and ``vintages`` narrow it (empty means no restriction, as for Japan's comprehensive approval of
the JCM on 2025-03-31, rules.md MOE-20250404 [P]); ``timeframe`` is checked against the year of
the action (the "use window"). Anything an action needs and the authorization lacks fails closed
with a code naming it (:mod:`jcm.article6.first_transfer`).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from typing import Final

import attrs

from jcm.core.nomenclature import DEFAULT_APPROACH
from jcm.core.party import JAPAN, check_party_code
from jcm.errors import Article6Error, InvalidValueError

__all__ = [
    "AUTHORIZATION_ID_PATTERN",
    "JCM_APPROACH",
    "Authorization",
    "AuthorizationBook",
    "CooperativeApproach",
    "FirstTransferDefinition",
    "FirstTransferTrigger",
    "Purpose",
    "Timeframe",
    "purposes_label",
]

AUTHORIZATION_ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9 -]+$")
"""An Authorization ID (AEF-V2 Table 2 field 1) [P2]."""

_APPROACH_ID: Final = re.compile(r"^CA\d{4}$")


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

    rules.md §9.6 open point: JCM credits may be issued directly into Japan's registry under the
    Joint Committee's allocation. ``ON_ISSUANCE_TO_ACQUIRING_REGISTRY`` (the default, API.md)
    makes that issuance the first transfer; with ``ON_REGISTRY_TRANSFER`` only a transfer between
    two Parties' registries is. A transfer between registries of ITMOs not yet first transferred
    is a first transfer under either setting.
    """

    ON_ISSUANCE_TO_ACQUIRING_REGISTRY = "on_issuance_to_acquiring_registry"
    ON_REGISTRY_TRANSFER = "on_registry_transfer"


def _approach_id(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not _APPROACH_ID.match(value):
        raise InvalidValueError(attribute.name, value, "must be 'CA' and 4 digits (CA0099)")


def _party(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    check_party_code(attribute.name, value)


def _registries(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((check_party_code("registries", p), r) for p, r in value)


@attrs.frozen
class CooperativeApproach:
    """A cooperative approach and its settings.

    Parameters
    ----------
    id
        Cooperative approach ID (``CA0099``; nomenclature Table 9(a)); the JCM's real ID is not
        in the sources, so :data:`JCM_APPROACH` uses the illustrative ``CA0099`` of rules.md §9.6.
    name
        Its name.
    acquiring_party
        The Party acquiring the ITMOs (Japan for the JCM).
    first_transfer_trigger
        See :class:`FirstTransferTrigger` (rules.md §9.6 open point) [I].
    registries
        ``(party, Party ITMO registry ID)`` pairs (``("JPN", "JPN01")``).
    """

    id: str = attrs.field(validator=_approach_id)
    name: str = "Joint Crediting Mechanism"
    acquiring_party: str = attrs.field(default=JAPAN, validator=_party)
    first_transfer_trigger: FirstTransferTrigger = (
        FirstTransferTrigger.ON_ISSUANCE_TO_ACQUIRING_REGISTRY
    )
    registries: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_registries)

    def registry_of(self, party: str) -> str:
        """The Party ITMO registry ID of ``party`` (default ``<party>01`` [I])."""
        for p, r in self.registries:
            if p == party:
                return r
        return f"{party}01"


JCM_APPROACH: Final = CooperativeApproach(DEFAULT_APPROACH)
"""The JCM with the default trigger; ``CA0099`` is illustrative (rules.md §9.6)."""


@attrs.frozen(order=True)
class Timeframe:
    """An authorized timeframe ``dddd - dddd`` (AEF-V2 Table 2 field 15), both years inclusive."""

    first_year: int
    last_year: int

    def __attrs_post_init__(self) -> None:
        if self.last_year < self.first_year:
            raise InvalidValueError(
                "timeframe", str(self), "the last year must not precede the first"
            )

    @classmethod
    def parse(cls, text: str) -> Timeframe:
        """Parse ``"2021 - 2030"``."""
        match = re.fullmatch(r"(\d{4}) - (\d{4})", text) if isinstance(text, str) else None
        if match is None:
            raise InvalidValueError("timeframe", text, "must be 'dddd - dddd' (2021 - 2030)")
        return cls(int(match[1]), int(match[2]))

    def contains(self, year: int) -> bool:
        """True when ``year`` lies in the timeframe."""
        return self.first_year <= year <= self.last_year

    def __str__(self) -> str:
        return f"{self.first_year} - {self.last_year}"


def _auth_id(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not AUTHORIZATION_ID_PATTERN.match(value):
        raise InvalidValueError(attribute.name, value, "must match [A-Za-z0-9 -]+")


def _version(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError(attribute.name, value, "must be an integer >= 1")


def _optional_quantity(
    _instance: object, attribute: attrs.Attribute[int | None], value: object
) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidValueError(attribute.name, value, "must be a whole number >= 0 [tCO2e]")


def _purposes(value: Iterable[Purpose]) -> frozenset[Purpose]:
    return frozenset(value)


def _parties(value: Iterable[str]) -> frozenset[str]:
    return frozenset(check_party_code("authorized_parties", p) for p in value)


def _strings(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _ints(value: Iterable[int]) -> frozenset[int]:
    return frozenset(value)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Authorization:
    """One version of an authorization (AEF-V2 Table 2, rules.md §8.2 [P2]).

    Parameters
    ----------
    id
        Authorization ID assigned by the authorizing Party (``MNG-JCM-2024-001``).
    party
        ISO alpha-3 code of the authorizing (first transferring) Party.
    cooperative_approach
        Cooperative approach ID (``CA0099``).
    version
        Version number, 1 for the first.
    date
        Date of the authorization; ``None`` when unknown, and then every first transfer under it
        fails closed (``MISSING_AUTHORIZATION_DATE``).
    purposes
        The purposes authorized (at least one).
    projects, vintages
        The projects and vintages covered; empty means no restriction [I].
    authorized_quantity
        Maximum quantity authorized [tCO2e], if any.
    authorized_parties
        Parties that may acquire the ITMOs; empty means any Party.
    authorized_entities
        Entities authorized to use or hold them.
    oimp
        The OIMP specified (``"use under CORSIA"``); Table 2 requires it when a purpose covers
        OIMP, which consistency check C12 reports.
    timeframe
        The authorized timeframe, if any.
    first_transfer_definition
        Required when a purpose covers OIMP (22(b)).
    metric, gwp, sectors, activity_types, terms, documentation, explanation
        The remaining fields of Table 2, carried into the AEF.
    revoked
        True when this version revokes the authorization (for ITMOs not yet first transferred).
    """

    id: str = attrs.field(validator=_auth_id)
    party: str = attrs.field(validator=_party)
    cooperative_approach: str = attrs.field(validator=_approach_id)
    version: int = attrs.field(validator=_version)
    date: dt.date | None
    purposes: frozenset[Purpose] = attrs.field(converter=_purposes)
    projects: frozenset[str] = attrs.field(converter=_strings, factory=frozenset)
    vintages: frozenset[int] = attrs.field(converter=_ints, factory=frozenset)
    authorized_quantity: int | None = attrs.field(default=None, validator=_optional_quantity)
    authorized_parties: frozenset[str] = attrs.field(converter=_parties, factory=frozenset)
    authorized_entities: tuple[str, ...] = attrs.field(converter=_texts, default=())
    oimp: str | None = None
    timeframe: Timeframe | None = None
    first_transfer_definition: FirstTransferDefinition | None = None
    metric: str = "GHG"
    gwp: str | None = None
    sectors: tuple[str, ...] = attrs.field(converter=_texts, default=())
    activity_types: tuple[str, ...] = attrs.field(converter=_texts, default=())
    terms: str = ""
    documentation: str = ""
    explanation: str = ""
    revoked: bool = False

    def __attrs_post_init__(self) -> None:
        if not self.purposes:
            raise InvalidValueError("purposes", (), "at least one purpose is required")
        if self.covers_oimp and self.first_transfer_definition is None:
            raise Article6Error(
                f"authorization {self.id} covers OIMP but states no first-transfer definition",
                code="MISSING_FIRST_TRANSFER_DEFINITION",
                field="first_transfer_definition",
                rule="2/CMA.3 annex para 2(b); AEF-V2 Table 2 field 18",
            )
        if self.metric not in ("GHG", "non-GHG"):
            raise InvalidValueError("metric", self.metric, "must be 'GHG' or 'non-GHG' (12(b))")

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

    def covers(self, project: str, vintage: int) -> bool:
        """True when the authorization's scope includes units of ``project`` and ``vintage``."""
        return (not self.projects or project in self.projects) and (
            not self.vintages or vintage in self.vintages
        )


@attrs.frozen
class AuthorizationBook:
    """Every version of every authorization, in the order they were made.

    >>> day = dt.date(2024, 5, 1)
    >>> a1 = Authorization("MNG-JCM-2024-001", "MNG", "CA0099", 1, day, {Purpose.NDC})
    >>> book = AuthorizationBook().add(a1)
    >>> book.latest("MNG-JCM-2024-001").version
    1
    """

    versions: tuple[Authorization, ...] = ()

    def add(self, authorization: Authorization) -> AuthorizationBook:
        """The book with a new authorization or a new version of one.

        Raises
        ------
        Article6Error
            ``AUTHORIZATION_VERSION`` when the version is not one above the previous (or not 1
            for a new ID), or the Party or approach differs from the previous version's.
        """
        previous = self.history(authorization.id)
        expected = previous[-1].version + 1 if previous else 1
        if authorization.version != expected:
            raise Article6Error(
                f"authorization {authorization.id} version {authorization.version}: "
                f"the next version must be {expected}",
                code="AUTHORIZATION_VERSION",
                field="version",
                value=authorization.version,
                rule="rules.md §8.4: versions are numbered in order",
            )
        if previous and (
            previous[-1].party != authorization.party
            or previous[-1].cooperative_approach != authorization.cooperative_approach
        ):
            raise Article6Error(
                f"authorization {authorization.id}: a new version must keep the Party and the "
                "cooperative approach",
                code="AUTHORIZATION_VERSION",
                field="party",
                value=authorization.party,
            )
        return AuthorizationBook((*self.versions, authorization))

    def history(self, authorization_id: str) -> tuple[Authorization, ...]:
        """Every version of one authorization, oldest first."""
        return tuple(a for a in self.versions if a.id == authorization_id)

    def latest(self, authorization_id: str) -> Authorization:
        """The newest version; ``NO_SUCH_AUTHORIZATION`` if the ID is unknown."""
        history = self.history(authorization_id)
        if not history:
            raise Article6Error(
                f"no authorization {authorization_id!r}",
                code="NO_SUCH_AUTHORIZATION",
                field="authorization_id",
                value=authorization_id,
            )
        return history[-1]

    def version(self, authorization_id: str, version: int) -> Authorization:
        """One given version; ``NO_SUCH_AUTHORIZATION`` if unknown."""
        for a in self.history(authorization_id):
            if a.version == version:
                return a
        raise Article6Error(
            f"no version {version} of authorization {authorization_id!r}",
            code="NO_SUCH_AUTHORIZATION",
            field="version",
            value=version,
        )

    def applicable(
        self, authorization_id: str, first_transferred_version: int | None
    ) -> Authorization:
        """The version that governs an ITMO (rules.md §8.4 [M]).

        ITMOs already first transferred keep the version they were first transferred under; the
        others follow the newest version.
        """
        if first_transferred_version is not None:
            return self.version(authorization_id, first_transferred_version)
        return self.latest(authorization_id)

    def latest_versions(self) -> tuple[Authorization, ...]:
        """The newest version of each authorization, in order of first appearance."""
        ids = list(dict.fromkeys(a.id for a in self.versions))
        return tuple(self.latest(i) for i in ids)

    def covering(
        self, party: str, cooperative_approach: str, project: str, vintage: int
    ) -> tuple[Authorization, ...]:
        """The newest unrevoked versions by ``party`` covering units of ``project``, ``vintage``."""
        return tuple(
            a
            for a in self.latest_versions()
            if a.party == party
            and a.cooperative_approach == cooperative_approach
            and not a.revoked
            and a.covers(project, vintage)
        )
