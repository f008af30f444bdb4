"""The project-cycle requests of the registry: who may make them, and the record they lead to.

The registry records the JCM project cycle in the same journal as the credits (docs/architecture.md,
"One engine, several registries"). The transitions themselves are the pure functions of
:mod:`jcm.core.cycle`; this module defines the cycle's request kinds, finds the record a request
concerns in the registry's state, adds the checks only the registry can make (the actor is one of
the project's participants, or the Joint Committee of the project's partner; the project exists; a
monitoring report's calculation was made with the PDD's methodology), applies the partner's
ruleset, and returns the new record.

Each step records its **whole new record** as its effects (:class:`ProjectStepEffects`,
:class:`PeriodStepEffects`), with the ruleset and periods that decided it: replaying the journal
stores the records, it never runs the transitions again, so a later ruleset cannot change the past
(docs/api.md, "One truth").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from jcm.core import cycle
from jcm.core.cycle import PeriodRecord, ProjectRecord
from jcm.core.party import Principal, Role
from jcm.core.period import CreditingPeriod, MonitoringPeriod
from jcm.core.project import AllocationShare, Project, check_allocation
from jcm.core.ruleset import Rulesets, ruleset_for
from jcm.errors import InvalidValueError, NotAuthorizedError, RegistryError
from jcm.registry.kind import NO_RULES, Context, Decision, Kind, Rules
from jcm.registry.request_base import RequestBase, ident, is_int, party, text
from jcm.registry.state import State, period_key
from jcm.serialization import converter

if TYPE_CHECKING:
    from jcm.registry.journal import Entry

__all__ = [
    "CYCLE_KINDS",
    "Calculation",
    "ClosePublicInputRequest",
    "DecideIssuanceRequest",
    "DecideNoObjectionRequest",
    "PeriodStepEffects",
    "ProjectStepEffects",
    "RegisterProjectRequest",
    "RequestIssuanceRequest",
    "StartPublicInputRequest",
    "SubmitMonitoringReportRequest",
    "SubmitPddRequest",
    "SubmitPinRequest",
    "SubmitValidationReportRequest",
    "SubmitVerificationReportRequest",
    "VintageQuantities",
    "advance",
    "period_record",
    "project_record",
]


# --------------------------------------------------------------------------- requests


@attrs.frozen
class SubmitPinRequest(RequestBase):
    """Submit a Project Idea Note (actor: a project participant), docs/rules.md §2.3.2."""

    type: ClassVar[str] = "submit_pin"
    project: str = attrs.field(validator=ident)
    partner: str = attrs.field(validator=party)
    title: str = attrs.field(validator=text)
    sector: str
    participants: tuple[str, ...]


@attrs.frozen
class DecideNoObjectionRequest(RequestBase):
    """The Joint Committee's no objection to a planned project (docs/rules.md §2.3.2)."""

    type: ClassVar[str] = "decide_no_objection"
    project: str = attrs.field(validator=ident)


@attrs.frozen
class SubmitPddRequest(RequestBase):
    """Submit the PDD with its methodology, crediting period and credit allocation (§2.3.2)."""

    type: ClassVar[str] = "submit_pdd"
    project: str = attrs.field(validator=ident)
    methodology: str = attrs.field(validator=ident)
    methodology_version: str = attrs.field(validator=ident)
    crediting_period: CreditingPeriod
    allocation: tuple[AllocationShare, ...]


@attrs.frozen
class StartPublicInputRequest(RequestBase):
    """Start the PDD's public input on a date (actor: the Joint Committee)."""

    type: ClassVar[str] = "start_public_input"
    project: str = attrs.field(validator=ident)
    on: dt.date


@attrs.frozen
class ClosePublicInputRequest(RequestBase):
    """Close the PDD's public input on a date (actor: the Joint Committee)."""

    type: ClassVar[str] = "close_public_input"
    project: str = attrs.field(validator=ident)
    on: dt.date


@attrs.frozen
class SubmitValidationReportRequest(RequestBase):
    """A third-party entity's validation report on the PDD (ACT-57-3 [P])."""

    type: ClassVar[str] = "submit_validation_report"
    project: str = attrs.field(validator=ident)
    positive: bool


@attrs.frozen
class RegisterProjectRequest(RequestBase):
    """The Joint Committee registers the project (both governments' consent, API.md)."""

    type: ClassVar[str] = "register_project"
    project: str = attrs.field(validator=ident)


@attrs.frozen
class Calculation:
    """The result JSON of ``jcm calculate`` attached to a monitoring report (API.md).

    Only ``methodology``, ``version`` and ``emission_reductions`` are used by the registry: the
    methodology and version must match the PDD's, and verified reductions may not exceed
    ``emission_reductions`` [tCO2e]. The other keys of the result are kept as given.
    """

    methodology: str = attrs.field(validator=ident)
    version: str = attrs.field(validator=ident)
    emission_reductions: int = attrs.field()
    reference_emissions: float | None = None
    project_emissions: float | None = None
    leakage_emissions: float | None = None
    emission_reductions_exact: float | None = None
    problems: Any = None
    provenance: Any = None

    @emission_reductions.validator
    def _check_reductions(self, _attribute: object, value: object) -> None:
        if not is_int(value) or value < 0:  # type: ignore[operator]
            raise InvalidValueError("emission_reductions", value, "must be an integer >= 0 [tCO2e]")


@attrs.frozen
class SubmitMonitoringReportRequest(RequestBase):
    """A project participant's monitoring report for a period, optionally with its calculation."""

    type: ClassVar[str] = "submit_monitoring_report"
    project: str = attrs.field(validator=ident)
    period: MonitoringPeriod
    calculation: Calculation | None = None


@attrs.frozen
class SubmitVerificationReportRequest(RequestBase):
    """A third-party entity's verification of the reductions of a period [tCO2e]."""

    type: ClassVar[str] = "submit_verification_report"
    project: str = attrs.field(validator=ident)
    period: MonitoringPeriod
    verified_reductions: int = attrs.field()

    @verified_reductions.validator
    def _check_reductions(self, _attribute: object, value: object) -> None:
        if not is_int(value) or value < 0:  # type: ignore[operator]
            raise InvalidValueError("verified_reductions", value, "must be an integer >= 0 [tCO2e]")


@attrs.frozen
class RequestIssuanceRequest(RequestBase):
    """A project participant's Credits Issuance Request for a verified period."""

    type: ClassVar[str] = "request_issuance"
    project: str = attrs.field(validator=ident)
    period: MonitoringPeriod


@attrs.frozen
class VintageQuantities:
    """Credits decided per vintage, ``{year: quantity}`` in JSON (``{"2023": 1000}``).

    Quantities are whole credits (docs/rules.md §3.2: a non-integer ``Q`` is
    ``NON_INTEGER_QUANTITY``).
    """

    items: tuple[tuple[int, int], ...]

    def __attrs_post_init__(self) -> None:
        years = [year for year, _ in self.items]
        for year, value in self.items:
            quantity: object = value
            if not is_int(year) or not 1990 <= year <= 2100:
                raise InvalidValueError("quantities_by_vintage", year, "a vintage is a year")
            if not is_int(quantity) or value < 0:
                raise InvalidValueError(
                    f"quantities_by_vintage.{year}",
                    quantity,
                    "must be a whole number of credits >= 0 [tCO2e]",
                    code="NON_INTEGER_QUANTITY"
                    if isinstance(quantity, float) and not quantity.is_integer()
                    else None,
                )
        if years != sorted(set(years)):
            raise InvalidValueError("quantities_by_vintage", years, "years must be distinct")
        if not self.items:
            raise InvalidValueError("quantities_by_vintage", {}, "must name at least one vintage")

    @classmethod
    def of(cls, mapping: Mapping[int, int]) -> VintageQuantities:
        """Build from a ``{year: quantity}`` mapping."""
        return cls(tuple(sorted(mapping.items())))

    def as_dict(self) -> dict[int, int]:
        """The ``{year: quantity}`` mapping, years ascending."""
        return dict(self.items)

    @property
    def total(self) -> int:
        """The sum over vintages [tCO2e]."""
        return sum(q for _, q in self.items)


@attrs.frozen
class DecideIssuanceRequest(RequestBase):
    """The Joint Committee decides the credits to issue for a period, per vintage (§2.3.3)."""

    type: ClassVar[str] = "decide_issuance"
    project: str = attrs.field(validator=ident)
    period: MonitoringPeriod
    quantities_by_vintage: VintageQuantities


def _structure_vintage_quantities(value: Any, _t: Any) -> VintageQuantities:
    if isinstance(value, VintageQuantities):
        return value
    if not isinstance(value, Mapping):
        raise InvalidValueError("quantities_by_vintage", value, 'must be {"2023": 1000, ...}')
    items = []
    for key, quantity in value.items():
        year = key
        if isinstance(key, str) and key.isdigit():
            year = int(key)
        if not is_int(year):
            raise InvalidValueError("quantities_by_vintage", key, "keys must be years")
        whole = int(quantity) if isinstance(quantity, float) and quantity.is_integer() else quantity
        if not is_int(whole) or whole < 0:
            non_integer = isinstance(whole, float)
            raise InvalidValueError(
                str(key),
                quantity,
                "must be a whole number of credits >= 0 [tCO2e]",
                code="NON_INTEGER_QUANTITY" if non_integer else None,
            )
        items.append((year, whole))
    return VintageQuantities(tuple(sorted(items, key=lambda item: item[0])))


converter().register_structure_hook(VintageQuantities, _structure_vintage_quantities)
converter().register_unstructure_hook(
    VintageQuantities, lambda v: {str(year): q for year, q in v.items}
)


# --------------------------------------------------------------------------- effects


@attrs.frozen
class ProjectStepEffects:
    """A project-cycle step decided: the project's whole new record."""

    record: ProjectRecord


@attrs.frozen
class PeriodStepEffects:
    """A monitoring-period step decided: the period's whole new record."""

    record: PeriodRecord


# --------------------------------------------------------------------------- decisions


def project_record(state: State, project: str) -> ProjectRecord:
    """The project's cycle record; ``NO_SUCH_PROJECT`` when the registry has none."""
    found = state.projects.get(project)
    if found is None:
        raise RegistryError(
            f"no project {project!r} in this registry", code="NO_SUCH_PROJECT", field="project"
        )
    return found


def _participant(p: Principal, rec: ProjectRecord, request_type: str) -> None:
    if p.id not in rec.project.participants:
        raise NotAuthorizedError(
            f"{request_type}: {p.id!r} is not a participant of project {rec.project.id!r}",
            code="NOT_PERMITTED",
            field="actor",
            value=p.id,
            rule="only the project's participants act for it (docs/rules.md §2.1)",
        )


def _committee(p: Principal, rec: ProjectRecord, request_type: str) -> None:
    if p.party != rec.project.partner:
        raise NotAuthorizedError(
            f"{request_type}: {p.id!r} is not the Joint Committee of "
            f"{rec.project.partner} (project {rec.project.id!r})",
            code="NOT_PERMITTED",
            field="actor",
            value=p.id,
            rule="the Joint Committee of the project's partner decides (docs/rules.md §2.1)",
        )


def period_record(state: State, project: str, start: dt.date, end: dt.date) -> PeriodRecord:
    """The monitoring period's record; ``CYCLE_TRANSITION`` when it was never reported."""
    found = state.periods.get(period_key(project, start, end))
    if found is None:
        raise RegistryError(
            f"project {project!r} has no monitoring report for {start}..{end}",
            code="CYCLE_TRANSITION",
            field="period",
        )
    return found


def advance(
    state: State, p: Principal, r: Any, rulesets: Rulesets
) -> tuple[ProjectRecord | PeriodRecord, Rules]:
    """The project or period record after a cycle request (raises on any rule), and the rules
    that decided it.

    ``rulesets`` gives the periods of the project's partner (docs/rules.md §2.4).
    """
    role = p.role
    kind = r.type
    if kind == "submit_pin":
        if p.id not in r.participants:
            raise NotAuthorizedError(
                f"submit_pin: {p.id!r} is not among the participants it names",
                code="NOT_PERMITTED",
                field="participants",
                value=p.id,
                rule="a PIN is submitted by one of its participants (docs/rules.md §2.1)",
            )
        if r.project in state.projects:
            raise RegistryError(
                f"submit_pin: project {r.project!r} already exists",
                code="CYCLE_TRANSITION",
                field="project",
            )
        project = Project(r.project, r.partner, r.title, r.sector, tuple(r.participants))
        return cycle.submit_pin(role, project), NO_RULES
    if kind == "submit_pdd":
        check_allocation(r.allocation)  # ALLOCATION_NOT_100 comes before NO_SUCH_PROJECT
    rec = project_record(state, r.project)
    if kind in ("submit_pdd", "submit_monitoring_report", "request_issuance"):
        _participant(p, rec, kind)
    elif role is Role.JOINT_COMMITTEE:
        _committee(p, rec, kind)
    if kind == "decide_no_objection":
        return cycle.decide_no_objection(rec, role), NO_RULES
    if kind == "submit_pdd":
        return cycle.submit_pdd(
            rec,
            role,
            methodology=r.methodology,
            methodology_version=r.methodology_version,
            crediting_period=r.crediting_period,
            allocation=r.allocation,
        ), NO_RULES
    if kind == "start_public_input":
        return cycle.start_public_input(rec, role, r.on), NO_RULES
    if kind == "close_public_input":
        ruleset = ruleset_for(rec.project.partner, rulesets=rulesets)
        rules = Rules(
            ruleset=ruleset.ref,
            periods=(("pdd_public_input_days", ruleset.pdd_public_input_days),),
        )
        return cycle.close_public_input(rec, role, r.on, ruleset), rules
    if kind == "submit_validation_report":
        return cycle.submit_validation_report(rec, role, r.positive), NO_RULES
    if kind == "register_project":
        return cycle.register_project(rec, role), NO_RULES
    if kind == "submit_monitoring_report":
        existing = [state.periods[key] for key in state.periods_of.get(r.project, ())]
        calc = r.calculation
        record = cycle.submit_monitoring_report(
            rec,
            role,
            r.period,
            None if calc is None else calc.emission_reductions,
            existing=existing,
        )
        if calc is not None:
            terms = cycle.terms_for(rec, r.period)
            if (calc.methodology, calc.version) != (
                terms.methodology,
                terms.methodology_version,
            ):
                raise InvalidValueError(
                    "calculation.methodology",
                    f"{calc.methodology} {calc.version}",
                    f"must be the PDD's methodology {terms.methodology} "
                    f"{terms.methodology_version}",
                    code="METHODOLOGY_MISMATCH",
                )
        return record, NO_RULES
    prec = period_record(state, r.project, r.period.start, r.period.end)
    if kind == "submit_verification_report":
        return cycle.submit_verification_report(prec, role, r.verified_reductions), NO_RULES
    if kind == "request_issuance":
        return cycle.request_issuance(prec, role, project=rec), NO_RULES
    if kind == "decide_issuance":
        decided = cycle.decide_issuance(prec, role, r.quantities_by_vintage.as_dict(), project=rec)
        return decided, NO_RULES
    raise InvalidValueError("type", kind, "is not a project-cycle request")  # pragma: no cover


def _decide(ctx: Context, p: Principal, r: Any) -> Decision[Any]:
    record, rules = advance(ctx.state, p, r, ctx.rulesets)
    if isinstance(record, ProjectRecord):
        return Decision(ProjectStepEffects(record), 0, rules)
    return Decision(PeriodStepEffects(record), 0, rules)


def _apply_project(state: State, e: ProjectStepEffects, _entry: Entry) -> None:
    state.set(state.projects, e.record.project.id, e.record)


def _apply_period(state: State, e: PeriodStepEffects, _entry: Entry) -> None:
    store_period(state, e.record)


def store_period(state: State, record: PeriodRecord) -> None:
    """Store a period record (the first record of a period also lists it under its project)."""
    key = period_key(record.project, record.period.start, record.period.end)
    if key not in state.periods:
        listed = state.periods_of.get(record.project)
        if listed is None:
            listed = []
            state.set(state.periods_of, record.project, listed)
        state.append(listed, key)
    state.set(state.periods, key, record)


_PP = Role.PROJECT_PARTICIPANT
_JC = Role.JOINT_COMMITTEE
_TPE = Role.THIRD_PARTY_ENTITY


def _project_kind(request: type[Any], role: Role) -> Kind[ProjectStepEffects]:
    return Kind(
        request.type, request, ProjectStepEffects, frozenset({role}), _decide, _apply_project
    )


def _period_kind(request: type[Any], role: Role) -> Kind[PeriodStepEffects]:
    return Kind(request.type, request, PeriodStepEffects, frozenset({role}), _decide, _apply_period)


CYCLE_KINDS: Final[tuple[Kind[Any], ...]] = (
    _project_kind(SubmitPinRequest, _PP),
    _project_kind(DecideNoObjectionRequest, _JC),
    _project_kind(SubmitPddRequest, _PP),
    _project_kind(StartPublicInputRequest, _JC),
    _project_kind(ClosePublicInputRequest, _JC),
    _project_kind(SubmitValidationReportRequest, _TPE),
    _project_kind(RegisterProjectRequest, _JC),
    _period_kind(SubmitMonitoringReportRequest, _PP),
    _period_kind(SubmitVerificationReportRequest, _TPE),
    _period_kind(RequestIssuanceRequest, _PP),
    _period_kind(DecideIssuanceRequest, _JC),
)
"""The project-cycle kinds, in the order of the request table of docs/api.md."""
