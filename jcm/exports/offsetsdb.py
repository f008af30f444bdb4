"""A registry in the two tables of OffsetsDB (CarbonPlan): credits and projects, as CSV.

OffsetsDB harmonizes the records of many registries into a credits table and a projects table,
each checked by a pandera schema of the ``offsets-db-data`` package (``offsets_db_data/models.py``:
``credit_without_id_schema`` and ``project_schema``). This module writes a registry in those
shapes (:data:`TABLES`); the tests validate both against the package's own schemas.

Credits
-------
One row per journal entry that issues, retires or cancels credits, and per (project, vintage)
within it, in journal order, sorted by project then vintage inside an entry. Only accepted
requests are in the journal, so a rejected request never appears. Columns (:data:`COLUMNS`):

``quantity``
    Credits issued, retired or cancelled [tCO2e] of that project and vintage in the entry.
``project_id``
    The JC project reference as the registry knows it (``"MN010"``), unchanged.
``vintage``
    The vintage of the credits (from the issuance of their serial numbers).
``transaction_date``
    The entry's time, ISO 8601 in UTC (``2025-06-01T00:00:31Z``).
``transaction_type``
    ``issuance`` (``issue``), ``retirement`` (``retire``: use toward an NDC) or
    ``cancellation`` (``cancel``): the types OffsetsDB's pipelines write
    (:data:`TRANSACTION_TYPES`; ``cancellation`` comes from its APX registries).
    **Transfers are not written**: a transfer between accounts, an international one included,
    moves credits without issuing them or taking them out of use, and OffsetsDB has no
    transaction for it. The journal keeps every transfer (``jcm registry history``).
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

Projects
--------
One row per project the registry knows (from its PIN on), in order of PIN submission. Columns
(:data:`PROJECT_COLUMNS`):

``project_id``, ``name``
    The JC project reference and the title of its PIN.
``registry``
    :data:`REGISTRY` (``joint-crediting-mechanism``), in OffsetsDB's lower-case, hyphenated style.
``proponent``
    The ids of the project participants, ``"; "``-separated (the registry keeps no names).
``protocol``
    **Empty**: OffsetsDB's protocol ids (``acm0002``, ``vm0007``, ...) name no JCM methodology.
``protocol_unassigned``
    The methodology of the PDD as a JSON array (``["MN_AM003"]``; OffsetsDB keeps a list of the
    protocol strings it could not map); empty before a PDD.
``category``
    ``unknown``: OffsetsDB derives the category from the protocol, and none maps.
``project_type``, ``project_type_source``
    ``Unknown`` (OffsetsDB's value for an unmapped project) and ``jcm`` (set by this export).
``status``
    The project's cycle state in OffsetsDB's harmonized statuses (:data:`PROJECT_STATUS`): before
    registration ``listed``; ``registered``; rejected or withdrawn ``completed`` (OffsetsDB maps
    Verra's "Withdrawn" and "Rejected by Administrator" so).
``country``
    The host partner country, named as OffsetsDB's harmonization names it (``country_converter``
    short names: ``"Vietnam"``, ``"Laos"``; :func:`offsetsdb_country`).
``listed_at``
    The time the PIN was submitted (UTC, as ``transaction_date``).
``first_issuance_at``, ``first_retirement_at``
    The time of the project's first issuance and first retirement row of the credits table;
    empty when there is none.
``issued``, ``retired``
    The sums of its issuance and retirement rows [tCO2e] (cancellations count in neither, as in
    OffsetsDB).
``is_compliance``
    ``False``: OffsetsDB sets it for ARB compliance offsets (protocols ``arb-*``) only.
``project_url``
    **No JCM source**: empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping
from typing import Final, Literal, TextIO

import attrs

from jcm.core.countries import partner
from jcm.core.cycle import ProjectRecord, ProjectState
from jcm.errors import InvalidValueError
from jcm.exports.lots import Issuance, JournalFacts
from jcm.registry.engine import Registry

__all__ = [
    "COLUMNS",
    "OFFSETSDB_COUNTRY_NAMES",
    "PROJECT_COLUMNS",
    "PROJECT_STATUS",
    "REGISTRY",
    "TABLES",
    "TRANSACTION_TYPES",
    "CreditTransaction",
    "OffsetsDBProject",
    "credit_transactions",
    "offsetsdb_country",
    "offsetsdb_csv",
    "offsetsdb_projects",
    "write_offsetsdb_csv",
]

Table = Literal["credits", "projects"]

TABLES: Final = ("credits", "projects")
"""The OffsetsDB tables written."""

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
"""The columns of the credits table, in order (``credit_without_id_schema``)."""

PROJECT_COLUMNS: Final = (
    "project_id",
    "name",
    "registry",
    "proponent",
    "protocol",
    "protocol_unassigned",
    "category",
    "project_type",
    "project_type_source",
    "status",
    "country",
    "listed_at",
    "first_issuance_at",
    "first_retirement_at",
    "issued",
    "retired",
    "is_compliance",
    "project_url",
)
"""The columns of the projects table, in order (the columns of ``project_schema``)."""

TRANSACTION_TYPES: Final[Mapping[str, str]] = {
    "issue": "issuance",
    "retire": "retirement",
    "cancel": "cancellation",
}
"""OffsetsDB ``transaction_type`` of each journal request type written (transfers are not)."""

REGISTRY: Final = "joint-crediting-mechanism"
"""The ``registry`` of every project row."""

PROJECT_STATUS: Final[Mapping[ProjectState, str]] = {
    ProjectState.PIN_SUBMITTED: "listed",
    ProjectState.PIN_CLEARED: "listed",
    ProjectState.PDD_SUBMITTED: "listed",
    ProjectState.PDD_PUBLIC_INPUT: "listed",
    ProjectState.VALIDATION: "listed",
    ProjectState.VALIDATED: "listed",
    ProjectState.REGISTRATION_REQUESTED: "listed",
    ProjectState.REGISTERED: "registered",
    ProjectState.REJECTED: "completed",
    ProjectState.REGISTRATION_WITHDRAWN: "completed",
    ProjectState.WITHDRAWN: "completed",
}
"""OffsetsDB's harmonized ``status`` of each project state."""

OFFSETSDB_COUNTRY_NAMES: Final[Mapping[str, str]] = {"LAO": "Laos", "VNM": "Vietnam"}
"""OffsetsDB's name of a partner where it is not the partner list's (``jcm.core.countries``)."""


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


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


@attrs.frozen
class OffsetsDBProject:
    """One row of the OffsetsDB projects table (see the module docstring for each field)."""

    project_id: str
    name: str
    registry: str
    proponent: str
    protocol: tuple[str, ...] | None
    protocol_unassigned: tuple[str, ...] | None
    category: str
    project_type: str
    project_type_source: str
    status: str
    country: str
    listed_at: str | None
    first_issuance_at: str | None
    first_retirement_at: str | None
    issued: int
    """Credits issued [tCO2e]."""
    retired: int
    """Credits retired [tCO2e]."""
    is_compliance: bool
    project_url: str | None

    def row(self) -> tuple[str | int | bool | None, ...]:
        """The row's values in the order of :data:`PROJECT_COLUMNS` (lists as JSON arrays)."""
        values: list[str | int | bool | None] = []
        for name in PROJECT_COLUMNS:
            value = getattr(self, name)
            values.append(json.dumps(list(value)) if isinstance(value, tuple) else value)
        return tuple(values)


def _credit_rows(facts: JournalFacts) -> list[CreditTransaction]:
    rows: list[CreditTransaction] = []
    for event in facts.events:
        extra: dict[str, str] = {}
        if isinstance(event, Issuance):
            kind, at = "issue", event.issued_at
        else:
            kind, at = event.type, event.at
            if event.type == "retire":
                extra = {
                    "retirement_account": event.source,
                    "retirement_reason": f"NDC {event.ndc_year}",
                    "retirement_beneficiary": event.beneficiary or "",
                }
            else:
                extra = {
                    "retirement_account": event.source,
                    "retirement_reason": event.purpose or "",
                }
        when = _utc(at)
        rows.extend(
            CreditTransaction(
                quantity,
                project,
                vintage,
                when,
                TRANSACTION_TYPES[kind],
                **extra,
                entry=event.entry,
            )
            for (project, vintage), quantity in facts.quantities(event).items()
        )
    return rows


def credit_transactions(registry: Registry) -> tuple[CreditTransaction, ...]:
    """Every issuance, retirement and cancellation of ``registry``, in journal order."""
    return tuple(_credit_rows(JournalFacts.of(registry)))


def offsetsdb_country(code: str) -> str:
    """The name OffsetsDB gives the partner country ``code`` (ISO alpha-3)."""
    named = OFFSETSDB_COUNTRY_NAMES.get(code)
    return named if named is not None else partner(code).name


def _project(
    record: ProjectRecord, listed: dt.datetime | None, credits: list[CreditTransaction]
) -> OffsetsDBProject:
    project = record.project
    mine = [c for c in credits if c.project_id == project.id]
    issuances = [c for c in mine if c.transaction_type == "issuance"]
    retirements = [c for c in mine if c.transaction_type == "retirement"]
    return OffsetsDBProject(
        project_id=project.id,
        name=project.title,
        registry=REGISTRY,
        proponent="; ".join(project.participants),
        protocol=None,
        protocol_unassigned=(record.methodology,) if record.methodology else None,
        category="unknown",
        project_type="Unknown",
        project_type_source="jcm",
        status=PROJECT_STATUS[record.state],
        country=offsetsdb_country(project.partner),
        listed_at=_utc(listed) if listed is not None else None,
        first_issuance_at=min((c.transaction_date for c in issuances), default=None),
        first_retirement_at=min((c.transaction_date for c in retirements), default=None),
        issued=sum(c.quantity for c in issuances),
        retired=sum(c.quantity for c in retirements),
        is_compliance=False,
        project_url=None,
    )


def offsetsdb_projects(registry: Registry) -> tuple[OffsetsDBProject, ...]:
    """Every project of ``registry`` as an OffsetsDB project row, in order of PIN submission."""
    facts = JournalFacts.of(registry)
    credits = _credit_rows(facts)
    return tuple(
        _project(record, facts.listed.get(record.project.id), credits)
        for record in registry.state.projects.values()
    )


def write_offsetsdb_csv(registry: Registry, stream: TextIO, *, table: Table = "credits") -> int:
    """Write the header and every row of ``table`` (:data:`TABLES`); return the row count.

    Raises
    ------
    jcm.errors.InvalidValueError
        For a ``table`` that is not one of :data:`TABLES`.
    """
    writer = csv.writer(stream, lineterminator="\n")
    if table == "credits":
        credits = credit_transactions(registry)
        writer.writerow(COLUMNS)
        writer.writerows(r.row() for r in credits)
        return len(credits)
    if table == "projects":
        projects = offsetsdb_projects(registry)
        writer.writerow(PROJECT_COLUMNS)
        writer.writerows(p.row() for p in projects)
        return len(projects)
    raise InvalidValueError("table", table, f"must be one of {', '.join(TABLES)}")


def offsetsdb_csv(registry: Registry, *, table: Table = "credits") -> str:
    """The CSV text of :func:`write_offsetsdb_csv`."""
    buffer = io.StringIO()
    write_offsetsdb_csv(registry, buffer, table=table)
    return buffer.getvalue()
