"""The Agreed Electronic Format, second iteration (CMA.6): its five tables and their generation.

A participating Party reports its Article 6.2 actions of each calendar year by 15 April of the next
year in the AEF (``shared/reference/rules.md`` §7.6 [M]). The second iteration has five tables
(rules.md §8.2 [P2], sheet names of the public checker):

=========================  ==========================================================
sheet                      one row per
=========================  ==========================================================
Table 1 Submission         Party and reported year (versions 1.0, 1.1, ...)
Table 2 Authorizations     authorization version made in the reported year
Table 3 Actions            homogeneous block of ITMOs per action in the reported year
Table 4 Holdings           ID range held in the Party's ITMO registry at 31 December
Table 5 Auth. entities     entity authorized in the reported year
=========================  ==========================================================

The row classes keep the column order of §8.2 (``COLUMNS``: label and attribute) and the
controlled vocabularies of §8.3 are the constants below. :func:`generate_aef` builds a Party's
report from plain inputs: :class:`~jcm.article6.action.Action` records (produced from registry
movements by :mod:`jcm.article6.first_transfer`, following the mapping of rules.md §10),
:class:`~jcm.article6.action.Holding` positions at 31 December, the authorizations and the
authorized entities. Rows are plain values without validators, so a table read back or edited
by hand can be checked by :mod:`jcm.article6.consistency` (C01–C12).

Formats: every date is written as the template's tables give it, ``dd/mm/yyyy`` (Table 1 date of
submission, Table 2 date of authorization, Table 3 action date, Table 5 date of the authorization;
docs/rules.md §8.2), so one report never mixes two date forms. The ISO 8601 UTC form of the Feb
2026 metadata (``2025-06-10T00:00:00.000Z``, docs/rules.md §9.6) is :func:`format_action_date`, and
:func:`parse_date` reads both. Conditional fields that do not apply are ``NA``; optional and
CARP-filled fields are left blank. First and Last ID are written as full ITMO identifiers
(rules.md §7.7 open point [I]).

Each row gives its cells as text (:meth:`_Table.cells`, for CSV and JSON) and as typed values
(:meth:`_Table.values`: ``int`` for numbers, :class:`datetime.date` for dates, text otherwise, for
a workbook whose cells keep their types); :meth:`AefReport.tables` and :meth:`AefReport.sheets`
give the five tables in either form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar, Final

import attrs

from jcm.article6.action import Action, Holding, actions_of
from jcm.article6.authorization import Authorization
from jcm.article6.ndc import Ndc
from jcm.core.nomenclature import ACTIVITY_TYPES, SECTORS
from jcm.errors import Article6Error

__all__ = [
    "ACTIVITY_TYPES",
    "DATE_COLUMNS",
    "DATE_FORMAT",
    "NA",
    "SECTORS",
    "TABLE_NAMES",
    "UNDERLYING_UNIT_REGISTRIES",
    "ActionRow",
    "AefReport",
    "AuthorizationRow",
    "AuthorizedEntity",
    "AuthorizedEntityRow",
    "HoldingRow",
    "SubmissionRow",
    "Value",
    "format_action_date",
    "format_date",
    "generate_aef",
    "parse_date",
]

NA: Final = "NA"
"""The value of a conditional field that does not apply."""

TABLE_NAMES: Final = (
    "Table 1 Submission",
    "Table 2 Authorizations",
    "Table 3 Actions",
    "Table 4 Holdings",
    "Table 5 Auth. entities",
)
"""Sheet names of the V2 template (AEF-CHK [P2])."""

UNDERLYING_UNIT_REGISTRIES: Final = frozenset(
    {
        "VCS",
        "GS",
        "CAR",
        "ACR",
        "ART",
        "GCC",
        "Cercarbono",
        "Isometric",
        "ISFL",
        "FCPF",
        "T-VER",
        "JCM",
    }
)
"""Nomenclature 31(b) [P2]."""


DATE_FORMAT: Final = "%d/%m/%Y"
"""The template's date format, ``dd/mm/yyyy``, of every date in the five tables
(docs/rules.md §8.2)."""


DATE_COLUMNS: Final = frozenset(
    {"Date of submission", "Date of authorization", "Action date", "Date of the authorization"}
)
"""Labels of the date columns of Tables 1, 2, 3 and 5 (docs/rules.md §8.2)."""


def format_date(day: dt.date) -> str:
    """``dd/mm/yyyy``, the form of every date in the five tables (``10/06/2025``)."""
    return day.strftime(DATE_FORMAT)


def format_action_date(day: dt.date) -> str:
    """The Feb 2026 metadata's ISO 8601 UTC form of a date: ``2025-06-10T00:00:00.000Z``.

    Not used in the tables, which write :func:`format_date` (docs/rules.md §8.2, §9.6).
    """
    return f"{day.isoformat()}T00:00:00.000Z"


def parse_date(text: str) -> dt.date:
    """Read a date written ``dd/mm/yyyy``, ``yyyy-mm-dd`` or ``yyyy-mm-ddT...Z``."""
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    return dt.date.fromisoformat(text[:10])


Value = str | int | dt.date | None
"""A typed cell: text, a whole number, a date, or ``None`` for a blank cell."""


def _value(value: object, na: bool) -> Value:
    if value is None:
        return NA if na else None
    if value == "":
        return None
    if isinstance(value, (tuple, frozenset)):
        return "; ".join(sorted(str(v) for v in value)) or None
    if isinstance(value, (dt.date, int, str)) and not isinstance(value, bool):
        return value
    return str(value)


def _cell(value: object, na: bool) -> str:
    typed = _value(value, na)
    if typed is None:
        return ""
    if isinstance(typed, dt.date):
        return format_date(typed)
    return str(typed)


class _Table:
    """Shared rendering of a row: ``COLUMNS`` are ``(label, attribute, na_when_missing)``."""

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = ()

    @classmethod
    def headers(cls) -> tuple[str, ...]:
        """The column labels, in the order of rules.md §8.2."""
        return tuple(label for label, _attr, _na in cls.COLUMNS)

    def cells(self) -> tuple[str, ...]:
        """The row as text cells, in column order (dates ``dd/mm/yyyy``)."""
        return tuple(_cell(getattr(self, attr), na) for _label, attr, na in self.COLUMNS)

    def values(self) -> tuple[Value, ...]:
        """The row as typed cells, in column order (``None`` for a blank cell)."""
        return tuple(_value(getattr(self, attr), na) for _label, attr, na in self.COLUMNS)

    def as_dict(self) -> dict[str, str]:
        """The row as ``{label: cell}``."""
        return dict(zip(self.headers(), self.cells(), strict=True))


@attrs.frozen
class SubmissionRow(_Table):
    """Table 1: Submission (9 fields)."""

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = (
        ("Party", "party", False),
        ("Version", "version", False),
        ("Reported year", "reported_year", False),
        ("Date of submission", "submission_date", False),
        ("Review status of the initial report", "review_status", False),
        ("Result of the consistency check of this AEF submission", "consistency_result", False),
        ("First year of the NDC implementation period", "ndc_first_year", True),
        ("Last year of the NDC implementation period", "ndc_last_year", True),
        ("Reference to the Article 6 TER report of the initial report", "ter_reference", False),
    )

    party: str
    version: str
    reported_year: int
    submission_date: dt.date
    ndc_first_year: int | None
    ndc_last_year: int | None
    review_status: str | None = None
    consistency_result: str | None = None
    ter_reference: str | None = None


@attrs.frozen
class AuthorizationRow(_Table):
    """Table 2: Authorizations (19 fields), one row per authorization version."""

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = (
        ("Authorization ID", "authorization_id", False),
        ("Date of authorization", "date", False),
        ("Cooperative approach ID", "cooperative_approach", False),
        ("Version of the authorization", "version", False),
        ("Authorized quantity", "authorized_quantity", False),
        ("Metric", "metric", False),
        ("Applicable GWP value(s)", "gwp", False),
        ("Applicable non-GHG metric", "non_ghg_metric", True),
        ("Sector(s)", "sectors", False),
        ("Activity type(s)", "activity_types", False),
        ("Purposes for authorization", "purposes", False),
        ("Authorized Party(ies) ID", "authorized_parties", False),
        ("Authorized entity(ies) ID", "authorized_entities", False),
        ("OIMP authorized by the Party", "oimp", True),
        ("Authorized timeframe", "timeframe", False),
        ("Authorization terms and conditions", "terms", False),
        ("Authorization documentation", "documentation", False),
        ("First transfer definition for OIMP", "first_transfer_definition", True),
        ("Additional explanatory information", "explanation", False),
    )

    authorization_id: str
    date: dt.date
    cooperative_approach: str
    version: int
    purposes: str
    authorized_quantity: int | None = None
    metric: str = "GHG"
    gwp: str | None = None
    non_ghg_metric: str | None = None
    sectors: tuple[str, ...] = ()
    activity_types: tuple[str, ...] = ()
    authorized_parties: tuple[str, ...] = ()
    authorized_entities: tuple[str, ...] = ()
    oimp: str | None = None
    timeframe: str | None = None
    terms: str | None = None
    documentation: str | None = None
    first_transfer_definition: str | None = None
    explanation: str | None = None

    @classmethod
    def from_authorization(cls, auth: Authorization) -> AuthorizationRow:
        """The row of one authorization version; a missing date fails closed."""
        if auth.date is None:
            raise Article6Error(
                f"authorization {auth.id} v{auth.version} has no date; Table 2 requires it",
                code="MISSING_AUTHORIZATION_DATE",
                field="date",
                rule="AEF-V2 Table 2 field 2",
            )
        ft = auth.first_transfer_definition
        return cls(
            authorization_id=auth.id,
            date=auth.date,
            cooperative_approach=auth.cooperative_approach,
            version=auth.version,
            purposes=auth.purposes_label,
            authorized_quantity=auth.authorized_quantity,
            sectors=auth.sectors,
            activity_types=auth.activity_types,
            authorized_parties=tuple(sorted(auth.authorized_parties)),
            authorized_entities=auth.authorized_entities,
            oimp=auth.oimp,
            timeframe=None if auth.timeframe is None else auth.timeframe.years_label,
            terms=auth.terms or None,
            first_transfer_definition=None if ft is None else ft.value,
            explanation="this version revokes the authorization for ITMOs not yet first transferred"
            if auth.revoked
            else None,
        )


@attrs.frozen
class ActionRow(_Table):
    """Table 3: Actions (27 fields), one row per homogeneous block per action."""

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = (
        ("Action date", "action_date", False),
        ("Action type", "action_type", False),
        ("Action subtype", "action_subtype", True),
        ("Cooperative approach ID", "cooperative_approach", False),
        ("Authorization ID", "authorization_id", False),
        ("First transferring participating Party ID", "first_transferring_party", False),
        ("Party ITMO registry ID", "registry", False),
        ("First ID", "first_id", False),
        ("Last ID", "last_id", False),
        ("Underlying unit registry ID", "underlying_registry", True),
        ("First unit ID", "first_unit_id", True),
        ("Last unit ID", "last_unit_id", True),
        ("Metric", "metric", False),
        ("Applicable GWP value(s)", "gwp", False),
        ("Applicable non-GHG metric", "non_ghg_metric", True),
        ("Quantity (t CO2 eq)", "quantity", False),
        ("Quantity (in non-GHG metric)", "quantity_non_ghg", True),
        ("Mitigation type", "mitigation_type", False),
        ("Vintage", "vintage", False),
        ("Transferring participating Party ID", "transferring_party", True),
        ("Acquiring participating Party ID", "acquiring_party", True),
        (
            "Purpose for which the ITMO has been used towards or cancelled for OIMP",
            "purpose",
            True,
        ),
        ("Using/cancelling participating Party ID", "using_party", True),
        ("Using/cancelling authorized entity ID", "using_entity", True),
        ("Calendar year for which the ITMOs are used towards the Party's NDC", "ndc_year", True),
        ("Result of the consistency checks", "consistency_result", False),
        ("Additional explanatory information", "explanation", False),
    )

    action_date: dt.date
    action_type: str
    action_subtype: str | None
    cooperative_approach: str
    authorization_id: str
    first_transferring_party: str
    registry: str
    first_id: str
    last_id: str
    quantity: int
    vintage: int
    underlying_registry: str | None = None
    first_unit_id: int | None = None
    last_unit_id: int | None = None
    metric: str = "GHG"
    gwp: str | None = None
    non_ghg_metric: str | None = None
    quantity_non_ghg: str | None = None
    mitigation_type: str = "Emission reductions"
    transferring_party: str | None = None
    acquiring_party: str | None = None
    purpose: str | None = None
    using_party: str | None = None
    using_entity: str | None = None
    ndc_year: int | None = None
    consistency_result: str | None = None
    explanation: str | None = None

    @property
    def action_date_text(self) -> str:
        """The action date as written in Table 3 (``dd/mm/yyyy``)."""
        return format_date(self.action_date)

    @classmethod
    def from_action(cls, a: Action, *, gwp: str | None = None) -> ActionRow:
        """The row of one action record."""
        return cls(
            action_date=a.date,
            action_type=a.type.value,
            action_subtype=None if a.subtype is None else a.subtype.value,
            cooperative_approach=a.cooperative_approach,
            authorization_id=a.authorization_id,
            first_transferring_party=a.first_transferring_party,
            registry=a.registry,
            first_id=a.block.first.render(),
            last_id=a.block.last.render(),
            quantity=a.quantity,
            vintage=a.block.vintage,
            underlying_registry=a.underlying_registry,
            first_unit_id=a.underlying_start,
            last_unit_id=a.underlying_end,
            gwp=gwp,
            mitigation_type=a.mitigation_type.value,
            transferring_party=a.transferring_party,
            acquiring_party=a.acquiring_party,
            purpose=a.purpose,
            using_party=a.using_party,
            using_entity=a.using_entity,
            ndc_year=a.ndc_year,
            explanation=a.explanation or None,
        )


@attrs.frozen
class HoldingRow(_Table):
    """Table 4: Holdings (16 fields), the position at 31 December of the reported year."""

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = (
        ("Cooperative approach ID", "cooperative_approach", False),
        ("Authorization ID", "authorization_id", False),
        ("First transferring participating Party ID", "first_transferring_party", False),
        ("Party ITMO registry ID", "registry", False),
        ("First ID", "first_id", False),
        ("Last ID", "last_id", False),
        ("Underlying unit registry ID", "underlying_registry", True),
        ("First unit ID", "first_unit_id", True),
        ("Last unit ID", "last_unit_id", True),
        ("Metric", "metric", False),
        ("Applicable GWP value(s)", "gwp", False),
        ("Applicable non-GHG metric", "non_ghg_metric", True),
        ("Quantity (t CO2 eq)", "quantity", False),
        ("Quantity (in non-GHG metric)", "quantity_non_ghg", True),
        ("Mitigation type", "mitigation_type", False),
        ("Vintage", "vintage", False),
    )

    cooperative_approach: str
    authorization_id: str
    first_transferring_party: str
    registry: str
    first_id: str
    last_id: str
    quantity: int
    vintage: int
    underlying_registry: str | None = None
    first_unit_id: int | None = None
    last_unit_id: int | None = None
    metric: str = "GHG"
    gwp: str | None = None
    non_ghg_metric: str | None = None
    quantity_non_ghg: str | None = None
    mitigation_type: str = "Emission reductions"

    @classmethod
    def from_holding(cls, h: Holding, *, gwp: str | None = None) -> HoldingRow:
        """The row of one held ID range."""
        b = h.block
        return cls(
            cooperative_approach=b.cooperative_approach,
            authorization_id=h.authorization_id,
            first_transferring_party=b.first_transferring_party,
            registry=h.registry,
            first_id=b.first.render(),
            last_id=b.last.render(),
            quantity=b.quantity,
            vintage=b.vintage,
            underlying_registry=h.underlying_registry,
            first_unit_id=b.start if h.underlying_registry else None,
            last_unit_id=b.end if h.underlying_registry else None,
            gwp=gwp,
            mitigation_type=h.mitigation_type.value,
        )


@attrs.frozen
class AuthorizedEntity:
    """An entity a Party authorized to use or hold ITMOs (input of Table 5)."""

    party: str
    date: dt.date
    name: str
    country: str
    identification: str
    cooperative_approach: str
    conditions: str | None = None
    change_conditions: str | None = None
    explanation: str | None = None


@attrs.frozen
class AuthorizedEntityRow(_Table):
    """Table 5: Authorized entities (8 fields)."""

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = (
        ("Date of the authorization", "date", False),
        ("Name", "name", False),
        ("Country of incorporation", "country", False),
        ("Identification number", "identification", False),
        ("Cooperative approach ID", "cooperative_approach", False),
        ("Conditions", "conditions", False),
        ("Change and revocation conditions", "change_conditions", False),
        ("Additional explanatory information", "explanation", False),
    )

    date: dt.date
    name: str
    country: str
    identification: str
    cooperative_approach: str
    conditions: str | None = None
    change_conditions: str | None = None
    explanation: str | None = None


@attrs.frozen
class AefReport:
    """One Party's AEF for one reported year: the five tables."""

    submission: SubmissionRow
    authorizations: tuple[AuthorizationRow, ...]
    actions: tuple[ActionRow, ...]
    holdings: tuple[HoldingRow, ...]
    entities: tuple[AuthorizedEntityRow, ...]
    note: str | None = None
    """Why Table 1 gives no NDC period (a reported year outside every period), if so."""
    ndc_periods: tuple[tuple[int, int], ...] = ()
    """Every NDC period of the Party, ``(first, last)`` (for check C10); empty: Table 1's only."""

    @property
    def party(self) -> str:
        """The reporting Party."""
        return self.submission.party

    @property
    def year(self) -> int:
        """The reported year."""
        return self.submission.reported_year

    def _groups(self) -> tuple[tuple[str, type[_Table], tuple[_Table, ...]], ...]:
        groups: tuple[tuple[type[_Table], tuple[_Table, ...]], ...] = (
            (SubmissionRow, (self.submission,)),
            (AuthorizationRow, self.authorizations),
            (ActionRow, self.actions),
            (HoldingRow, self.holdings),
            (AuthorizedEntityRow, self.entities),
        )
        return tuple(
            (name, cls, rows) for name, (cls, rows) in zip(TABLE_NAMES, groups, strict=True)
        )

    def tables(self) -> tuple[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]], ...]:
        """``(sheet name, headers, rows of text cells)`` for the five tables, in order."""
        return tuple(
            (name, cls.headers(), tuple(r.cells() for r in rows))
            for name, cls, rows in self._groups()
        )

    def sheets(self) -> tuple[tuple[str, tuple[str, ...], tuple[tuple[Value, ...], ...]], ...]:
        """``(sheet name, headers, rows of typed cells)`` for the five tables, in order."""
        return tuple(
            (name, cls.headers(), tuple(r.values() for r in rows))
            for name, cls, rows in self._groups()
        )

    def to_json(self) -> dict[str, Any]:
        """``{sheet name: [{label: cell}, ...]}`` for the five tables."""
        return {
            name: [dict(zip(headers, row, strict=True)) for row in rows]
            for name, headers, rows in self.tables()
        }


def generate_aef(
    party: str,
    year: int,
    *,
    ndc: Ndc | None,
    submitted_on: dt.date,
    actions: Iterable[Action],
    holdings: Iterable[Holding],
    authorizations: Iterable[Authorization] = (),
    entities: Iterable[AuthorizedEntity] = (),
    version: str = "1.0",
    gwp: str | None = None,
    ndc_periods: Iterable[tuple[int, int]] = (),
) -> AefReport:
    """A Party's AEF for one reported year (1 January – 31 December).

    Parameters
    ----------
    party
        The reporting Party (ISO alpha-3).
    year
        The reported year.
    ndc
        The Party's NDC whose period holds ``year`` (Table 1 fields 7 and 8); ``None`` for a year
        outside every NDC period of the Party: Table 1 then writes ``NA`` there and the report's
        ``note`` says why.
    submitted_on
        Date of submission (Table 1 field 4).
    actions
        Action records of any Parties and years; those of ``party`` in ``year`` are reported.
    holdings
        Positions at 31 December of ``year``; those of ``party`` are reported.
    authorizations
        Authorization versions; those by ``party`` dated in ``year`` are reported (Table 2).
    entities
        Authorized entities; those of ``party`` authorized in ``year`` are reported (Table 5).
    version
        Submission version ``X.Y`` (``1.0`` first).
    gwp
        The applicable GWP values to print (``"AR5"``), if any.
    ndc_periods
        Every NDC period of the Party, for the check of uses (C10); Table 1 shows one.
    """
    if ndc is not None and ndc.party != party:
        raise Article6Error(
            f"the NDC given is {ndc.party}'s, not {party}'s",
            code="MISSING_NDC",
            field="ndc",
            value=ndc.party,
        )
    first, last = (None, None) if ndc is None else (ndc.first_year, ndc.last_year)
    submission = SubmissionRow(party, version, year, submitted_on, first, last)
    t2 = tuple(
        AuthorizationRow.from_authorization(a)
        for a in authorizations
        if a.party == party and (a.date is None or a.date.year == year)
    )
    t3 = tuple(ActionRow.from_action(a, gwp=gwp) for a in actions_of(actions, party, year))
    t4 = tuple(
        HoldingRow.from_holding(h, gwp=gwp)
        for h in sorted(
            (h for h in holdings if h.party == party), key=lambda h: (h.block.key, h.block.start)
        )
    )
    t5 = tuple(
        AuthorizedEntityRow(
            e.date,
            e.name,
            e.country,
            e.identification,
            e.cooperative_approach,
            e.conditions,
            e.change_conditions,
            e.explanation,
        )
        for e in entities
        if e.party == party and e.date.year == year
    )
    note = (
        f"{year} lies in none of {party}'s NDC implementation periods; Table 1 gives no period"
        if ndc is None
        else None
    )
    return AefReport(submission, t2, t3, t4, t5, note, tuple(ndc_periods))
