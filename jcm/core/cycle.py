"""The JCM project cycle as pure transitions over immutable records.

A project moves through the states of ``shared/reference/rules.md`` §2.3.2 (pre-registration), and
each of its monitoring periods through those of §2.3.3 (verification and issuance). Every step is a
pure function ``step(record, role, ...) -> new record`` that checks, in this order:

1. the **role** of the actor (participants, Joint Committee, third-party entity, registry
   administrator): a wrong role raises :class:`~jcm.errors.NotAuthorizedError` ``NOT_PERMITTED``
   before the state is even looked at;
2. the **allocation**, for the steps that carry one (``ALLOCATION_NOT_100`` comes before
   ``CYCLE_TRANSITION`` in the precedence of API.md);
3. the **state**: a step out of order raises :class:`~jcm.errors.CycleTransitionError`
   ``CYCLE_TRANSITION`` naming the step, the current state and the states it is allowed from;
4. the step's **guards**, each with its own code (``PUBLIC_INPUT_OPEN``, ``EXCEEDS_VERIFIED``, ...).

Nothing else is touched: the caller (the registry engine) stores the returned record.
:data:`PROJECT_TRANSITIONS` and :data:`PERIOD_TRANSITIONS` list every step with its role, source
states and target; the functions read their role and states from these tables, so the tables are
the rules, not a copy of them.

Worked example
--------------
A rice-paddy project in the Philippines (the partner, ``PHL``), whose credits are allocated half
to an account of Japan's registry and half to one of the Philippines' registry::

    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from jcm.core.party import Role
    >>> from jcm.core.period import CreditingPeriod, MonitoringPeriod
    >>> from jcm.core.project import AllocationShare, Project
    >>> PP, JC = Role.PROJECT_PARTICIPANT, Role.JOINT_COMMITTEE
    >>> TPE, ADMIN = Role.THIRD_PARTY_ENTITY, Role.REGISTRY_ADMINISTRATOR
    >>> rec = submit_pin(PP, Project("PH-AWD-01", "PHL", "AWD in Bohol", "agriculture", ("pp-a",)))
    >>> rec = decide_no_objection(rec, JC)                       # "no objection" (LK_PIN001)
    >>> rec = submit_pdd(rec, PP, methodology="PH_AM004", methodology_version="1.0",
    ...     crediting_period=CreditingPeriod(dt.date(2025, 1, 1), dt.date(2030, 12, 31)),
    ...                  allocation=(AllocationShare("JPN", "JPN-GOV", Decimal("50")),
    ...                              AllocationShare("PHL", "PHL-PP-A", Decimal("50"))))
    >>> rec = start_public_input(rec, JC, dt.date(2025, 3, 1))
    >>> rec = close_public_input(rec, JC, dt.date(2025, 3, 31))  # 30 days later (rules.md §2.4)
    >>> rec = submit_validation_report(rec, TPE, positive=True)
    >>> rec = register_project(request_registration(rec, PP), JC)
    >>> rec.state
    <ProjectState.REGISTERED: 'registered'>

Each monitoring period then has its own record. The period below straddles 31 December, so the
Joint Committee decides one quantity per vintage (rules.md §2.6), and both Parties issue their
share, each in its own registry (rules.md §2.3.3, "issue(side)")::

    >>> per = submit_monitoring_report(rec, PP, MonitoringPeriod(dt.date(2025, 6, 1),
    ...                                dt.date(2026, 5, 31)), calculated_reductions=1200)
    >>> per = request_issuance(submit_verification_report(per, TPE, 1150), PP)
    >>> per = decide_issuance(per, JC, {2025: 600, 2026: 550})
    >>> per = record_issuance(per, ADMIN, "JPN", issuing_parties(rec.allocation))
    >>> per.state
    <PeriodState.ISSUANCE_DECIDED: 'issuance_decided'>
    >>> record_issuance(per, ADMIN, "PHL", issuing_parties(rec.allocation)).state
    <PeriodState.ISSUED: 'issued'>

After registration, a Post-Registration Changes Request approved by the JC makes a new version of
the project's terms with an effective date; monitoring periods starting on or after that date use
the new version, and periods already submitted keep theirs (rules.md §2.5, engine rule 1). A
renewal of the crediting period extends it to a later end (rules.md §2.5).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from jcm.core.countries import partner as partner_country
from jcm.core.party import JAPAN, Role, check_party_code
from jcm.core.period import CreditingPeriod, MonitoringPeriod
from jcm.core.project import AllocationShare, Project, check_allocation
from jcm.core.ruleset import DEFAULT_RULESET, Ruleset
from jcm.core.validators import (
    instance_of,
    optional_bool,
    optional_date,
    optional_non_empty_text,
    whole_number,
)
from jcm.errors import CycleTransitionError, InvalidValueError, NotAuthorizedError

__all__ = [
    "PERIOD_TRANSITIONS",
    "PROJECT_TRANSITIONS",
    "PeriodRecord",
    "PeriodState",
    "PostRegistrationChange",
    "ProjectRecord",
    "ProjectState",
    "ProjectVersion",
    "Transition",
    "approve_post_registration_change",
    "check_actor",
    "check_source",
    "close_public_input",
    "decide_issuance",
    "decide_no_objection",
    "issuing_parties",
    "record_issuance",
    "register_project",
    "reject_crediting_period_renewal",
    "reject_post_registration_change",
    "reject_registration",
    "renew_crediting_period",
    "request_crediting_period_renewal",
    "request_issuance",
    "request_post_registration_change",
    "request_registration",
    "start_public_input",
    "submit_monitoring_report",
    "submit_pdd",
    "submit_pin",
    "submit_validation_report",
    "submit_verification_report",
    "terms_for",
    "transition",
    "withdraw_issuance_request",
    "withdraw_project",
    "withdraw_registration_request",
]


# --------------------------------------------------------------------------- states


class ProjectState(enum.Enum):
    """The states of a project before and after registration (rules.md §2.3.2, §2.3.3)."""

    PIN_SUBMITTED = "pin_submitted"
    """The Project Idea Note is submitted."""
    PIN_CLEARED = "pin_cleared"
    """The JC decided it has no objection to the planned project."""
    PDD_SUBMITTED = "pdd_submitted"
    """The PDD, methodology, crediting period and allocation are submitted."""
    PDD_PUBLIC_INPUT = "pdd_public_input"
    """The PDD is published for public input."""
    VALIDATION = "validation"
    """Public input closed; the third-party entity validates the PDD."""
    VALIDATED = "validated"
    """A positive validation report is in."""
    REGISTRATION_REQUESTED = "registration_requested"
    """The participants requested registration (form 3.6)."""
    REGISTERED = "registered"
    """The JC registered the project."""
    REJECTED = "rejected"
    """The JC refused registration (terminal)."""
    REGISTRATION_WITHDRAWN = "registration_withdrawn"
    """The registration request was withdrawn (form 3.14; terminal)."""
    WITHDRAWN = "withdrawn"
    """The registered project was withdrawn (form 3.13; terminal): no further issuance."""


class PeriodState(enum.Enum):
    """The states of one monitoring period of a registered project (rules.md §2.3.3)."""

    MONITORING_SUBMITTED = "monitoring_submitted"
    """The monitoring report is submitted."""
    VERIFIED = "verified"
    """The third-party entity's verification report is in."""
    ISSUANCE_REQUESTED = "issuance_requested"
    """The participants requested issuance (form 3.9)."""
    ISSUANCE_DECIDED = "issuance_decided"
    """The JC decided the quantities; not every Party has issued its share yet."""
    ISSUED = "issued"
    """Every issuing Party recorded its share in its registry."""


@attrs.frozen
class Transition:
    """One step of the cycle: who may take it, from which states, and where it leads.

    Parameters
    ----------
    event
        The step's name, the name of its function (``"register_project"``).
    role
        The role that takes the step.
    sources
        The states it is allowed from (project states, or for ``submit_monitoring_report`` the
        project state, or period states); empty for ``submit_pin``, which creates the record.
    target
        The state reached on success. A negative validation report keeps ``VALIDATION``; an
        issuance keeps ``ISSUANCE_DECIDED`` until every issuing Party has issued; the steps of
        post-registration changes and renewals keep ``REGISTERED``.
    rule
        The paragraph of rules.md (and form) the step implements.
    guards
        The codes of the step's guards, for documentation.
    also_by
        Other roles that may take the step, if any.
    """

    event: str
    role: Role
    sources: frozenset[enum.Enum]
    target: enum.Enum
    rule: str
    guards: tuple[str, ...] = ()
    also_by: frozenset[Role] = frozenset()

    @property
    def roles(self) -> frozenset[Role]:
        """Every role that may take the step."""
        return frozenset({self.role}) | self.also_by


_PP = Role.PROJECT_PARTICIPANT
_JC = Role.JOINT_COMMITTEE
_TPE = Role.THIRD_PARTY_ENTITY
_ADMIN = Role.REGISTRY_ADMINISTRATOR
_P = ProjectState
_M = PeriodState

PROJECT_TRANSITIONS: Final[tuple[Transition, ...]] = (
    Transition("submit_pin", _PP, frozenset(), _P.PIN_SUBMITTED, "§2.3.2 PIN (form 3.1)",
               ("UNKNOWN_PARTNER",)),
    Transition("decide_no_objection", _JC, frozenset({_P.PIN_SUBMITTED}), _P.PIN_CLEARED,
               "§2.3.2 no objection to the planned project"),
    Transition("submit_pdd", _PP, frozenset({_P.PIN_CLEARED}), _P.PDD_SUBMITTED,
               "§2.3.2 PDD and Credit Allocation Form (form 3.5)",
               ("ALLOCATION_NOT_100", "CREDITING_PERIOD_TOO_LONG")),
    Transition("start_public_input", _JC, frozenset({_P.PDD_SUBMITTED}), _P.PDD_PUBLIC_INPUT,
               "§2.3.2 submit_pdd_for_public_input"),
    Transition("close_public_input", _JC, frozenset({_P.PDD_PUBLIC_INPUT}), _P.VALIDATION,
               "§2.3.2 public_input_closed; §2.4 PDD public input 30 days",
               ("PUBLIC_INPUT_OPEN",)),
    Transition("submit_validation_report", _TPE, frozenset({_P.VALIDATION}), _P.VALIDATED,
               "§2.3.2 validation_positive (form 3.4); Act Art. 57-3"),
    Transition("request_registration", _PP, frozenset({_P.VALIDATED}),
               _P.REGISTRATION_REQUESTED, "§2.3.2 request_registration (form 3.6)"),
    Transition("register_project", _JC, frozenset({_P.VALIDATED, _P.REGISTRATION_REQUESTED}),
               _P.REGISTERED, "§2.3.2 register", ("VALIDATION_NOT_POSITIVE", "PUBLIC_INPUT_OPEN")),
    Transition("reject_registration", _JC, frozenset({_P.VALIDATED, _P.REGISTRATION_REQUESTED}),
               _P.REJECTED, "§2.3.2 reject"),
    Transition("withdraw_registration_request", _PP, frozenset({_P.REGISTRATION_REQUESTED}),
               _P.REGISTRATION_WITHDRAWN, "§2.3.2 withdraw_registration_request (form 3.14)"),
    Transition("withdraw_project", _PP, frozenset({_P.REGISTERED}), _P.WITHDRAWN,
               "§2.3.3 withdraw_project (form 3.13)"),
    Transition("request_post_registration_change", _PP, frozenset({_P.REGISTERED}),
               _P.REGISTERED, "§2.3.3, §2.5 Post-Registration Changes Request (form 3.12)",
               ("ALLOCATION_NOT_100", "CHANGE_PENDING")),
    Transition("approve_post_registration_change", _JC, frozenset({_P.REGISTERED}),
               _P.REGISTERED, "§2.3.3 approve_prc; §2.5 engine rule 1", ("NO_PENDING_CHANGE",)),
    Transition("reject_post_registration_change", _JC, frozenset({_P.REGISTERED}),
               _P.REGISTERED, "§2.3.3 reject_prc", ("NO_PENDING_CHANGE",)),
    Transition("request_crediting_period_renewal", _PP, frozenset({_P.REGISTERED}),
               _P.REGISTERED, "§2.3.3, §2.5 Renewal of Crediting Period Request (form 3.10)",
               ("RENEWAL_PENDING", "RENEWAL_NOT_LATER", "CREDITING_PERIOD_TOO_LONG")),
    Transition("renew_crediting_period", _JC, frozenset({_P.REGISTERED}), _P.REGISTERED,
               "§2.3.3 renew", ("NO_PENDING_RENEWAL",)),
    Transition("reject_crediting_period_renewal", _JC, frozenset({_P.REGISTERED}),
               _P.REGISTERED, "§2.3.3 renewal refused [I]", ("NO_PENDING_RENEWAL",)),
)  # fmt: skip
"""Every step of a project's cycle (rules.md §2.3.2, §2.3.3, §2.5)."""

PERIOD_TRANSITIONS: Final[tuple[Transition, ...]] = (
    Transition("submit_monitoring_report", _PP, frozenset({_P.REGISTERED}),
               _M.MONITORING_SUBMITTED, "§2.3.3 submit_monitoring_report; §2.6",
               ("PERIOD_OUTSIDE_CREDITING_PERIOD", "PERIOD_OVERLAP", "METHODOLOGY_MISMATCH")),
    Transition("submit_verification_report", _TPE, frozenset({_M.MONITORING_SUBMITTED}),
               _M.VERIFIED, "§2.3.3 verification_positive (form 3.8); Act Art. 57-3(2)(ii)",
               ("EXCEEDS_CALCULATION",)),
    Transition("request_issuance", _PP, frozenset({_M.VERIFIED}), _M.ISSUANCE_REQUESTED,
               "§2.3.3 request_issuance (form 3.9)"),
    Transition("withdraw_issuance_request", _PP, frozenset({_M.ISSUANCE_REQUESTED}),
               _M.VERIFIED, "§2.3.3 withdraw_issuance_request (form 3.15)"),
    Transition("decide_issuance", _JC, frozenset({_M.ISSUANCE_REQUESTED}), _M.ISSUANCE_DECIDED,
               "§2.3.3 decide_issuance; §2.6 vintages",
               ("VINTAGE_OUTSIDE_PERIOD", "EXCEEDS_VERIFIED")),
    Transition("record_issuance", _ADMIN, frozenset({_M.ISSUANCE_DECIDED}), _M.ISSUED,
               "§2.3.3 issue(side); JCM-SPEC def. 1", ("ALREADY_ISSUED", "PARTY_NOT_ISSUING")),
)  # fmt: skip
"""Every step of a monitoring period's cycle (rules.md §2.3.3, §2.6)."""

_BY_EVENT: Final[Mapping[str, Transition]] = {
    t.event: t for t in (*PROJECT_TRANSITIONS, *PERIOD_TRANSITIONS)
}


def transition(event: str) -> Transition:
    """The ``Transition`` of a step by its name; ``InvalidValueError`` naming ``event`` if none."""
    found = _BY_EVENT.get(event)
    if found is None:
        raise InvalidValueError("event", event, f"must be one of {sorted(_BY_EVENT)}")
    return found


def _project_target(step: Transition) -> ProjectState:
    if not isinstance(step.target, ProjectState):  # pragma: no cover - the tables are fixed
        raise TypeError(f"{step.event} does not lead to a ProjectState")
    return step.target


def _period_target(step: Transition) -> PeriodState:
    if not isinstance(step.target, PeriodState):  # pragma: no cover - the tables are fixed
        raise TypeError(f"{step.event} does not lead to a PeriodState")
    return step.target


# --------------------------------------------------------------------------- records


def _opt_tonnes(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check_tonnes(attribute.name, value)


def _check_tonnes(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        code = "NON_INTEGER_QUANTITY" if isinstance(value, float) else None
        raise InvalidValueError(field, value, "must be a whole number of tCO2e [tCO2e]", code=code)
    if value < 0:
        raise InvalidValueError(field, value, "must be >= 0 [tCO2e]")
    return value


def _allocation_tuple(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, AllocationShare) for v in value):
        raise InvalidValueError(attribute.name, value, "must be a tuple of AllocationShare")


def _text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_text(attribute.name, value)


def _parties(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset):
        raise InvalidValueError(attribute.name, value, "must be a frozenset of Party codes")
    for code in sorted(value, key=str):
        check_party_code(attribute.name, code)


def _versions(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, ProjectVersion) for v in value):
        raise InvalidValueError(attribute.name, value, "must be a tuple of ProjectVersion")


@attrs.frozen
class ProjectVersion:
    """One version of a registered project's terms (rules.md §2.5, engine rule 1).

    Version 1 is what the JC registered; each approved Post-Registration Changes Request adds the
    next one, effective from its date.

    Parameters
    ----------
    number
        1, 2, ...
    effective
        First day the version applies to (monitoring periods starting on or after it); ``None``
        for version 1, which applies from the start of the crediting period.
    methodology, methodology_version
        The approved methodology applied (``"PH_AM004"``, ``"1.0"``).
    allocation
        The Credit Allocation Form in force.
    participants
        The project participants' ids.
    """

    number: int = attrs.field(validator=whole_number(1))
    effective: dt.date | None = attrs.field(validator=optional_date)
    methodology: str
    methodology_version: str
    allocation: tuple[AllocationShare, ...] = attrs.field(validator=_allocation_tuple)
    participants: tuple[str, ...]


@attrs.frozen
class PostRegistrationChange:
    """A Post-Registration Changes Request (form 3.12; rules.md §2.5): what changes, from when.

    Fields left ``None`` do not change. A new methodology version is requested here too (the
    Approved Methodology Revision Request, form 3.11, folded in [I]).

    Parameters
    ----------
    effective
        First day the changed terms apply to (monitoring periods starting on or after it).
    methodology, methodology_version
        A new methodology and/or version.
    allocation
        A new Credit Allocation Form; applies to issuance decisions taken after approval
        (rules.md §2.5, engine rule 2).
    participants
        New project participants' ids.
    description
        What the request says, for the record.
    """

    effective: dt.date = attrs.field(validator=optional_date)
    methodology: str | None = attrs.field(default=None, validator=optional_non_empty_text)
    methodology_version: str | None = attrs.field(default=None, validator=optional_non_empty_text)
    allocation: tuple[AllocationShare, ...] | None = attrs.field(
        default=None, validator=attrs.validators.optional(_allocation_tuple)
    )
    participants: tuple[str, ...] | None = None
    description: str = attrs.field(default="", validator=instance_of(str))

    def __attrs_post_init__(self) -> None:
        if (
            self.methodology is None
            and self.methodology_version is None
            and self.allocation is None
            and self.participants is None
        ):
            raise InvalidValueError(
                "change", self.description, "must change at least one of methodology, "
                "methodology_version, allocation, participants",
            )  # fmt: skip
        if self.methodology is not None and self.methodology_version is None:
            raise InvalidValueError(
                "methodology_version", None, "is required with a new methodology"
            )


@attrs.frozen
class ProjectRecord:
    """A project and where it stands in the cycle (rules.md §2.3.2, §2.3.3).

    Parameters
    ----------
    project
        The project as its PIN describes it (participants updated by approved changes).
    state
        Its ``ProjectState``.
    methodology, methodology_version
        The methodology of the PDD (current version of the terms once registered).
    crediting_period
        The crediting period (extended by renewals).
    allocation
        The Credit Allocation Form in force (current version once registered).
    public_input_start, public_input_end
        When the PDD's public input started and closed.
    validation_positive
        The conclusion of the latest validation report; ``None`` before any.
    pending_change
        A Post-Registration Changes Request awaiting the JC's decision.
    pending_renewal
        The new end of the crediting period requested by a pending renewal request.
    version
        Number of the project's current terms: 1 until a change is approved.
    versions
        Every version of the terms since registration, oldest first (empty before).
    renewals
        How many times the crediting period was renewed.
    """

    project: Project = attrs.field(validator=instance_of(Project))
    state: ProjectState = attrs.field(validator=instance_of(ProjectState))
    methodology: str | None = attrs.field(default=None, validator=optional_non_empty_text)
    methodology_version: str | None = attrs.field(default=None, validator=optional_non_empty_text)
    crediting_period: CreditingPeriod | None = attrs.field(
        default=None,
        validator=instance_of(CreditingPeriod, optional=True),
    )
    allocation: tuple[AllocationShare, ...] = attrs.field(default=(), validator=_allocation_tuple)
    public_input_start: dt.date | None = attrs.field(default=None, validator=optional_date)
    public_input_end: dt.date | None = attrs.field(default=None, validator=optional_date)
    validation_positive: bool | None = attrs.field(default=None, validator=optional_bool)
    pending_change: PostRegistrationChange | None = attrs.field(
        default=None,
        validator=instance_of(PostRegistrationChange, optional=True),
    )
    pending_renewal: dt.date | None = attrs.field(default=None, validator=optional_date)
    version: int = attrs.field(default=1, validator=whole_number(1))
    versions: tuple[ProjectVersion, ...] = attrs.field(
        default=(),
        validator=_versions,
    )
    renewals: int = attrs.field(default=0, validator=whole_number(0))


def _vintage_pairs(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidValueError(attribute.name, value, "must be a tuple of (year, credits)")
    for index, pair in enumerate(value):
        if (
            not isinstance(pair, tuple)
            or len(pair) != 2
            or any(isinstance(v, bool) or not isinstance(v, int) for v in pair)
            or pair[1] < 0
        ):
            raise InvalidValueError(
                f"{attribute.name}[{index}]", pair, "must be (year, credits >= 0 [tCO2e])"
            )
    years = [pair[0] for pair in value]
    if years != sorted(set(years)):
        raise InvalidValueError(
            attribute.name, value, "must be (year, credits) pairs sorted by year, each year once"
        )


@attrs.frozen
class PeriodRecord:
    """One monitoring period of a registered project and where it stands (rules.md §2.3.3).

    Parameters
    ----------
    project
        The project's id.
    period
        The monitoring period.
    state
        Its ``PeriodState``.
    calculated_reductions
        Emission reductions of the monitoring report's calculation [tCO2e], if one was given.
    verified_reductions
        Emission reductions verified by the third-party entity [tCO2e].
    quantities_by_vintage
        The JC's decision: ``(year, credits)`` pairs sorted by year [tCO2e].
    issued_parties
        The Parties that have recorded their share of the issuance.
    project_version
        The version of the project's terms that applies to the period (rules.md §2.5).
    allocation
        The Credit Allocation Form in force when the JC decided the issuance, if the decision was
        taken with the project record (rules.md §2.5, engine rule 2).
    """

    project: str = attrs.field(validator=_text)
    period: MonitoringPeriod = attrs.field(validator=instance_of(MonitoringPeriod))
    state: PeriodState = attrs.field(validator=instance_of(PeriodState))
    calculated_reductions: int | None = attrs.field(default=None, validator=_opt_tonnes)
    verified_reductions: int | None = attrs.field(default=None, validator=_opt_tonnes)
    quantities_by_vintage: tuple[tuple[int, int], ...] = attrs.field(
        default=(), validator=_vintage_pairs
    )
    issued_parties: frozenset[str] = attrs.field(default=frozenset(), validator=_parties)
    project_version: int = attrs.field(default=1, validator=whole_number(1))
    allocation: tuple[AllocationShare, ...] = attrs.field(default=(), validator=_allocation_tuple)

    @property
    def decided_quantity(self) -> int:
        """Total credits decided by the JC, all vintages [tCO2e]."""
        return sum(q for _, q in self.quantities_by_vintage)


# --------------------------------------------------------------------------- checks


def _allowed(states: Iterable[enum.Enum]) -> str:
    names = sorted(repr(s.value) for s in states)
    return ", ".join(names) if names else "nowhere"


def check_actor(step: Transition, role: Role) -> Transition:
    """Rule 1 of every step: ``role`` may take ``step``, else ``NotAuthorizedError``.

    Raises ``NOT_PERMITTED`` (field ``role``) before the state is looked at; a value that is not
    a ``Role`` is an ``InvalidValueError`` naming ``role``.
    """
    if not isinstance(role, Role):
        raise InvalidValueError("role", role, f"must be a Role ({step.event})")
    if role not in step.roles:
        allowed = " or ".join(sorted(r.value for r in step.roles))
        raise NotAuthorizedError(
            f"{step.event}: role {role.value!r} may not make this request; it is for {allowed} "
            f"(rules.md {step.rule})",
            code="NOT_PERMITTED",
            field="role",
            value=role.value,
            rule=f"{step.event} is made by {allowed}",
        )
    return step


def check_source(step: Transition, subject: str, state: enum.Enum) -> None:
    """Rule 3 of every step: ``state`` is one of the step's sources, else ``CYCLE_TRANSITION``.

    The message names the step, the subject, its current state and the states allowed.
    """
    if state not in step.sources:
        raise CycleTransitionError(
            f"{step.event}: {subject} is {state.value!r}; {step.event} is allowed only from "
            f"{_allowed(step.sources)}",
            code="CYCLE_TRANSITION",
            field="state",
            value=state.value,
            rule=f"{step.event} is allowed only from {_allowed(step.sources)} "
            f"(rules.md {step.rule})",
        )


def _check_role(event: str, role: Role) -> Transition:
    return check_actor(_BY_EVENT[event], role)


def _check_state(step: Transition, subject: str, state: enum.Enum) -> None:
    check_source(step, subject, state)


def _guard(event: str, code: str, field: str, value: object, rule: str) -> CycleTransitionError:
    return CycleTransitionError(
        f"{event}: {field}: {value!r} is refused: {rule}",
        code=code,
        field=field,
        value=value,
        rule=rule,
    )


def _check_date(field: str, value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidValueError(field, value, "must be a date (YYYY-MM-DD)")
    return value


def _check_text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(field, value, "must be a non-empty string")
    return value


def _project_parties(rec: ProjectRecord) -> frozenset[str]:
    return frozenset({JAPAN, rec.project.partner})


def _subject(rec: ProjectRecord) -> str:
    return f"project {rec.project.id!r}"


def _period_subject(prec: PeriodRecord) -> str:
    return (
        f"monitoring period {prec.period.start.isoformat()}..{prec.period.end.isoformat()} "
        f"of project {prec.project!r}"
    )


def _check_crediting_length(
    event: str, field: str, start: dt.date, end: dt.date, ruleset: Ruleset
) -> None:
    latest = ruleset.crediting_period_latest_end(start)
    if latest is not None and end > latest:
        raise InvalidValueError(
            field,
            end.isoformat(),
            f"{event}: a crediting period (or renewal) starting {start.isoformat()} may last at "
            f"most {ruleset.crediting_period_max_years} years, to {latest.isoformat()} "
            f"(ruleset {ruleset.partner or 'default'} {ruleset.version})",
            code="CREDITING_PERIOD_TOO_LONG",
        )


def issuing_parties(allocation: Iterable[AllocationShare]) -> frozenset[str]:
    """The Parties that issue a share of each issuance: those with a share above 0 [%]."""
    return frozenset(line.party for line in allocation if line.share > 0)


def terms_for(rec: ProjectRecord, period: MonitoringPeriod) -> ProjectVersion:
    """The version of a registered project's terms that applies to ``period`` (rules.md §2.5).

    It is the latest version effective on or before the first day of the period.
    """
    if not rec.versions:
        raise CycleTransitionError(
            f"terms_for: {_subject(rec)} is {rec.state.value!r}; it has no registered terms",
            field="state",
            value=rec.state.value,
            rule="a project has terms only once registered (rules.md §2.5)",
        )
    chosen = rec.versions[0]
    for version in rec.versions[1:]:
        if version.effective is not None and version.effective <= period.start:
            chosen = version
    return chosen


# --------------------------------------------------------------------------- project steps


def submit_pin(role: Role, project: Project) -> ProjectRecord:
    """Submit a Project Idea Note (form 3.1): a new record in ``PIN_SUBMITTED`` (§2.3.2).

    Role: project participant. Guard: the project's partner is a JCM partner country
    (``UNKNOWN_PARTNER``, naming ``partner``).
    """
    _check_role("submit_pin", role)
    if not isinstance(project, Project):
        raise InvalidValueError("project", project, "must be a Project")
    partner_country(project.partner)
    return ProjectRecord(project=project, state=ProjectState.PIN_SUBMITTED)


def decide_no_objection(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The JC decides it has no objection to the planned project: ``PIN_CLEARED`` (§2.3.2)."""
    step = _check_role("decide_no_objection", role)
    _check_state(step, _subject(rec), rec.state)
    return attrs.evolve(rec, state=_project_target(step))


def submit_pdd(
    rec: ProjectRecord,
    role: Role,
    *,
    methodology: str,
    methodology_version: str,
    crediting_period: CreditingPeriod,
    allocation: Iterable[AllocationShare],
    ruleset: Ruleset = DEFAULT_RULESET,
) -> ProjectRecord:
    """Submit the PDD with its methodology, crediting period and allocation (§2.3.2, §3.1).

    Role: project participant; from ``PIN_CLEARED``. Guards: the allocation's shares are >= 0
    and sum to exactly 100 [%] (``ALLOCATION_NOT_100``, checked before the state as API.md's
    precedence says), name only Japan and the partner, and no account twice; the crediting
    period is not longer than the ruleset allows (``CREDITING_PERIOD_TOO_LONG``).
    """
    step = _check_role("submit_pdd", role)
    shares = check_allocation(allocation, parties=_project_parties(rec))
    _check_state(step, _subject(rec), rec.state)
    _check_text("methodology", methodology)
    _check_text("methodology_version", methodology_version)
    if not isinstance(crediting_period, CreditingPeriod):
        raise InvalidValueError(
            "crediting_period", crediting_period, "must be a CreditingPeriod {start, end}"
        )
    _check_crediting_length(
        step.event, "crediting_period.end", crediting_period.start, crediting_period.end, ruleset
    )
    return attrs.evolve(
        rec,
        state=_project_target(step),
        methodology=methodology,
        methodology_version=methodology_version,
        crediting_period=crediting_period,
        allocation=shares,
    )


def start_public_input(rec: ProjectRecord, role: Role, on: dt.date) -> ProjectRecord:
    """Publish the PDD for public input on day ``on``: ``PDD_PUBLIC_INPUT`` (§2.3.2)."""
    step = _check_role("start_public_input", role)
    _check_state(step, _subject(rec), rec.state)
    _check_date("on", on)
    return attrs.evolve(
        rec, state=_project_target(step), public_input_start=on, public_input_end=None
    )


def close_public_input(
    rec: ProjectRecord, role: Role, on: dt.date, ruleset: Ruleset = DEFAULT_RULESET
) -> ProjectRecord:
    """Close the PDD's public input on day ``on``: ``VALIDATION`` (§2.3.2, §2.4).

    Guard: ``on`` is at least ``pdd_public_input_days`` (30 by default) after the start
    (``PUBLIC_INPUT_OPEN``, naming ``on``).
    """
    step = _check_role("close_public_input", role)
    _check_state(step, _subject(rec), rec.state)
    _check_date("on", on)
    start = rec.public_input_start
    if start is None:  # fail closed: a record in PDD_PUBLIC_INPUT always has a start
        raise _guard(step.event, "PUBLIC_INPUT_OPEN", "public_input_start", None, "is missing")
    closes = ruleset.pdd_public_input_closes(start)
    if on < closes:
        raise _guard(
            step.event,
            "PUBLIC_INPUT_OPEN",
            "on",
            on.isoformat(),
            f"the public input started {start.isoformat()} lasts {ruleset.pdd_public_input_days} "
            f"days and may close on {closes.isoformat()} at the earliest (rules.md §2.4)",
        )
    return attrs.evolve(rec, state=_project_target(step), public_input_end=on)


def submit_validation_report(rec: ProjectRecord, role: Role, positive: bool) -> ProjectRecord:
    """The third-party entity's validation report (form 3.4; §2.3.2; Act Art. 57-3).

    A positive report moves the project to ``VALIDATED``; a negative one keeps it in
    ``VALIDATION`` (a later report may still be positive).
    """
    step = _check_role("submit_validation_report", role)
    _check_state(step, _subject(rec), rec.state)
    if not isinstance(positive, bool):
        raise InvalidValueError("positive", positive, "must be true or false")
    return attrs.evolve(
        rec, state=_project_target(step) if positive else rec.state, validation_positive=positive
    )


def request_registration(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The participants request registration (form 3.6): ``REGISTRATION_REQUESTED`` (§2.3.2)."""
    step = _check_role("request_registration", role)
    _check_state(step, _subject(rec), rec.state)
    return attrs.evolve(rec, state=_project_target(step))


def register_project(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The JC registers the project: ``REGISTERED``, with version 1 of its terms (§2.3.2).

    From ``VALIDATED`` or ``REGISTRATION_REQUESTED``. Guards (fail closed, API.md): a positive
    validation report (``VALIDATION_NOT_POSITIVE``) and a closed public input
    (``PUBLIC_INPUT_OPEN``).
    """
    step = _check_role("register_project", role)
    _check_state(step, _subject(rec), rec.state)
    if rec.validation_positive is not True:
        raise _guard(
            step.event,
            "VALIDATION_NOT_POSITIVE",
            "validation_positive",
            rec.validation_positive,
            "registration needs a positive validation report",
        )
    if rec.public_input_end is None:
        raise _guard(
            step.event, "PUBLIC_INPUT_OPEN", "public_input_end", None, "public input not closed"
        )
    if rec.methodology is None or rec.methodology_version is None or not rec.allocation:
        raise _guard(step.event, "CYCLE_TRANSITION", "methodology", None, "no PDD submitted")
    first = ProjectVersion(
        number=1,
        effective=None,
        methodology=rec.methodology,
        methodology_version=rec.methodology_version,
        allocation=rec.allocation,
        participants=rec.project.participants,
    )
    return attrs.evolve(rec, state=_project_target(step), version=1, versions=(first,))


def reject_registration(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The JC refuses registration: ``REJECTED`` (terminal; §2.3.2)."""
    step = _check_role("reject_registration", role)
    _check_state(step, _subject(rec), rec.state)
    return attrs.evolve(rec, state=_project_target(step))


def withdraw_registration_request(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The participants withdraw their registration request (form 3.14; terminal; §2.3.2)."""
    step = _check_role("withdraw_registration_request", role)
    _check_state(step, _subject(rec), rec.state)
    return attrs.evolve(rec, state=_project_target(step))


def withdraw_project(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The participants withdraw the registered project (form 3.13): ``WITHDRAWN`` (§2.3.3).

    No further issuance follows; credits already issued are unaffected [I].
    """
    step = _check_role("withdraw_project", role)
    _check_state(step, _subject(rec), rec.state)
    return attrs.evolve(rec, state=_project_target(step), pending_change=None, pending_renewal=None)


def request_post_registration_change(
    rec: ProjectRecord, role: Role, change: PostRegistrationChange
) -> ProjectRecord:
    """The participants request a post-registration change (form 3.12; §2.5).

    Guards: a new allocation sums to exactly 100 [%] (``ALLOCATION_NOT_100``, before the state);
    no other change is pending (``CHANGE_PENDING``); the change takes effect after the current
    version does (``INVALID_VALUE`` naming ``effective``).
    """
    step = _check_role("request_post_registration_change", role)
    if not isinstance(change, PostRegistrationChange):
        raise InvalidValueError("change", change, "must be a PostRegistrationChange")
    if change.allocation is not None:
        check_allocation(change.allocation, parties=_project_parties(rec), field="allocation")
    _check_state(step, _subject(rec), rec.state)
    if rec.pending_change is not None:
        raise _guard(
            step.event,
            "CHANGE_PENDING",
            "pending_change",
            rec.pending_change.effective.isoformat(),
            "another post-registration change awaits the JC's decision",
        )
    current = rec.versions[-1].effective if rec.versions else None
    if current is not None and change.effective <= current:
        raise InvalidValueError(
            "effective",
            change.effective.isoformat(),
            f"must be after the effective date of the current version ({current.isoformat()})",
        )
    return attrs.evolve(rec, pending_change=change)


def _pending_change(step: Transition, rec: ProjectRecord) -> PostRegistrationChange:
    if rec.pending_change is None:
        raise _guard(
            step.event, "NO_PENDING_CHANGE", "pending_change", None, "no change was requested"
        )
    return rec.pending_change


def approve_post_registration_change(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The JC approves the pending change: a new version of the terms (§2.5, engine rules 1-2).

    Monitoring periods starting on or after the change's effective date use the new version
    (:func:`terms_for`); issuance decisions taken from now on use its allocation. Periods
    already submitted keep the version they were submitted under.
    """
    step = _check_role("approve_post_registration_change", role)
    _check_state(step, _subject(rec), rec.state)
    change = _pending_change(step, rec)
    methodology = change.methodology or rec.methodology
    methodology_version = change.methodology_version or rec.methodology_version
    if methodology is None or methodology_version is None:  # pragma: no cover - registered
        raise _guard(step.event, "CYCLE_TRANSITION", "methodology", None, "no PDD submitted")
    allocation = change.allocation if change.allocation is not None else rec.allocation
    participants = (
        change.participants if change.participants is not None else rec.project.participants
    )
    project = attrs.evolve(rec.project, participants=participants)
    number = rec.version + 1
    new = ProjectVersion(
        number=number,
        effective=change.effective,
        methodology=methodology,
        methodology_version=methodology_version,
        allocation=allocation,
        participants=project.participants,
    )
    return attrs.evolve(
        rec,
        project=project,
        methodology=methodology,
        methodology_version=methodology_version,
        allocation=allocation,
        pending_change=None,
        version=number,
        versions=(*rec.versions, new),
    )


def reject_post_registration_change(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The JC rejects the pending change; the terms stay as they are (§2.3.3)."""
    step = _check_role("reject_post_registration_change", role)
    _check_state(step, _subject(rec), rec.state)
    _pending_change(step, rec)
    return attrs.evolve(rec, pending_change=None)


def request_crediting_period_renewal(
    rec: ProjectRecord, role: Role, new_end: dt.date, ruleset: Ruleset = DEFAULT_RULESET
) -> ProjectRecord:
    """The participants request renewal of the crediting period to ``new_end`` (form 3.10; §2.5).

    Guards: no renewal is pending (``RENEWAL_PENDING``); ``new_end`` is after the current end
    (``RENEWAL_NOT_LATER``); the renewal is not longer than the ruleset allows
    (``CREDITING_PERIOD_TOO_LONG``).
    """
    step = _check_role("request_crediting_period_renewal", role)
    _check_state(step, _subject(rec), rec.state)
    _check_date("new_end", new_end)
    if rec.pending_renewal is not None:
        raise _guard(
            step.event,
            "RENEWAL_PENDING",
            "pending_renewal",
            rec.pending_renewal.isoformat(),
            "another renewal request awaits the JC's decision",
        )
    current = rec.crediting_period
    if current is None:  # pragma: no cover - a registered project has one
        raise _guard(step.event, "CYCLE_TRANSITION", "crediting_period", None, "is missing")
    if new_end <= current.end:
        raise _guard(
            step.event,
            "RENEWAL_NOT_LATER",
            "new_end",
            new_end.isoformat(),
            f"must be after the end of the current crediting period ({current.end.isoformat()})",
        )
    _check_crediting_length(
        step.event, "new_end", current.end + dt.timedelta(days=1), new_end, ruleset
    )
    return attrs.evolve(rec, pending_renewal=new_end)


def _pending_renewal(step: Transition, rec: ProjectRecord) -> dt.date:
    if rec.pending_renewal is None:
        raise _guard(
            step.event, "NO_PENDING_RENEWAL", "pending_renewal", None, "no renewal was requested"
        )
    return rec.pending_renewal


def renew_crediting_period(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The JC renews the crediting period: it now ends on the requested day (§2.5)."""
    step = _check_role("renew_crediting_period", role)
    _check_state(step, _subject(rec), rec.state)
    new_end = _pending_renewal(step, rec)
    current = rec.crediting_period
    if current is None:  # pragma: no cover - a registered project has one
        raise _guard(step.event, "CYCLE_TRANSITION", "crediting_period", None, "is missing")
    return attrs.evolve(
        rec,
        crediting_period=CreditingPeriod(current.start, new_end),
        pending_renewal=None,
        renewals=rec.renewals + 1,
    )


def reject_crediting_period_renewal(rec: ProjectRecord, role: Role) -> ProjectRecord:
    """The JC refuses the pending renewal; the crediting period stays as it is [I]."""
    step = _check_role("reject_crediting_period_renewal", role)
    _check_state(step, _subject(rec), rec.state)
    _pending_renewal(step, rec)
    return attrs.evolve(rec, pending_renewal=None)


# --------------------------------------------------------------------------- period steps


def _check_project_registered(event: str, prec: PeriodRecord, project: ProjectRecord) -> None:
    if not isinstance(project, ProjectRecord):
        raise InvalidValueError("project", project, "must be a ProjectRecord")
    if project.project.id != prec.project:
        raise InvalidValueError(
            "project", project.project.id, f"must be the period's project {prec.project!r}"
        )
    if project.state is not ProjectState.REGISTERED:
        raise CycleTransitionError(
            f"{event}: {_subject(project)} is {project.state.value!r}; {event} needs a "
            f"'registered' project (a withdrawn project gets no further issuance)",
            field="state",
            value=project.state.value,
            rule=f"{event} needs a registered project (rules.md §2.3.3)",
        )


def submit_monitoring_report(
    rec: ProjectRecord,
    role: Role,
    period: MonitoringPeriod,
    calculated_reductions: int | None = None,
    *,
    existing: Iterable[PeriodRecord] = (),
    calculated_with: tuple[str, str] | None = None,
) -> PeriodRecord:
    """Submit the monitoring report of ``period``: a new period record (§2.3.3, §2.6).

    Role: project participant; the project must be ``REGISTERED``. Guards: the period lies inside
    the crediting period (``PERIOD_OUTSIDE_CREDITING_PERIOD``); it overlaps none of the
    project's ``existing`` periods (``PERIOD_OVERLAP``); ``calculated_reductions`` [tCO2e] is a
    whole number >= 0 when given; ``calculated_with``, the (methodology, version) of the
    calculation when one is attached, is those of the project's terms for the period
    (``METHODOLOGY_MISMATCH``, API.md ``submit_monitoring_report``).
    """
    step = _check_role("submit_monitoring_report", role)
    _check_state(step, _subject(rec), rec.state)
    if not isinstance(period, MonitoringPeriod):
        raise InvalidValueError("period", period, "must be a MonitoringPeriod {start, end}")
    if calculated_reductions is not None:
        _check_tonnes("calculated_reductions", calculated_reductions)
    crediting = rec.crediting_period
    if crediting is None or not crediting.contains(period):
        where = (
            f"{crediting.start.isoformat()}..{crediting.end.isoformat()}" if crediting else "none"
        )
        raise _guard(
            step.event,
            "PERIOD_OUTSIDE_CREDITING_PERIOD",
            "period",
            f"{period.start.isoformat()}..{period.end.isoformat()}",
            f"must lie inside the crediting period ({where}) (rules.md §2.6)",
        )
    for other in existing:
        if other.project == rec.project.id and other.period.overlaps(period):
            raise _guard(
                step.event,
                "PERIOD_OVERLAP",
                "period",
                f"{period.start.isoformat()}..{period.end.isoformat()}",
                f"overlaps the monitoring period {other.period.start.isoformat()}.."
                f"{other.period.end.isoformat()} already submitted",
            )
    terms = terms_for(rec, period)
    if calculated_with is not None:
        expected = (terms.methodology, terms.methodology_version)
        if tuple(calculated_with) != expected:
            raise _guard(
                step.event,
                "METHODOLOGY_MISMATCH",
                "calculation.methodology",
                f"{calculated_with[0]} {calculated_with[1]}",
                f"the calculation must use the methodology of the project's terms for the "
                f"period ({expected[0]} {expected[1]}, version {terms.number})",
            )
    return PeriodRecord(
        project=rec.project.id,
        period=period,
        state=PeriodState.MONITORING_SUBMITTED,
        calculated_reductions=calculated_reductions,
        project_version=terms.number,
    )


def submit_verification_report(
    prec: PeriodRecord, role: Role, verified_reductions: int
) -> PeriodRecord:
    """The third-party entity's verification report (form 3.8): ``VERIFIED`` (§2.3.3).

    Guards: ``verified_reductions`` [tCO2e] is a whole number >= 0, and not above the
    calculated reductions when the monitoring report carried a calculation
    (``EXCEEDS_CALCULATION``).
    """
    step = _check_role("submit_verification_report", role)
    _check_state(step, _period_subject(prec), prec.state)
    _check_tonnes("verified_reductions", verified_reductions)
    calculated = prec.calculated_reductions
    if calculated is not None and verified_reductions > calculated:
        raise _guard(
            step.event,
            "EXCEEDS_CALCULATION",
            "verified_reductions",
            verified_reductions,
            f"must not exceed the calculated emission reductions ({calculated} tCO2e)",
        )
    return attrs.evolve(prec, state=_period_target(step), verified_reductions=verified_reductions)


def request_issuance(
    prec: PeriodRecord, role: Role, *, project: ProjectRecord | None = None
) -> PeriodRecord:
    """The participants request issuance (form 3.9): ``ISSUANCE_REQUESTED`` (§2.3.3).

    When ``project`` is given it must still be ``REGISTERED`` (``CYCLE_TRANSITION``).
    """
    step = _check_role("request_issuance", role)
    _check_state(step, _period_subject(prec), prec.state)
    if project is not None:
        _check_project_registered(step.event, prec, project)
    return attrs.evolve(prec, state=_period_target(step))


def withdraw_issuance_request(prec: PeriodRecord, role: Role) -> PeriodRecord:
    """The participants withdraw their issuance request (form 3.15): back to ``VERIFIED``."""
    step = _check_role("withdraw_issuance_request", role)
    _check_state(step, _period_subject(prec), prec.state)
    return attrs.evolve(prec, state=_period_target(step))


def decide_issuance(
    prec: PeriodRecord,
    role: Role,
    quantities_by_vintage: Mapping[int, int],
    *,
    project: ProjectRecord | None = None,
) -> PeriodRecord:
    """The JC decides the credits to issue, per vintage: ``ISSUANCE_DECIDED`` (§2.3.3, §2.6).

    Parameters
    ----------
    quantities_by_vintage
        Credits per vintage year [tCO2e]: whole numbers >= 0, at least one year.
    project
        When given, the project must still be ``REGISTERED`` (``CYCLE_TRANSITION``), and its
        allocation in force is recorded on the decision (rules.md §2.5, engine rule 2).

    Guards: every vintage is a calendar year of the monitoring period (``VINTAGE_OUTSIDE_PERIOD``,
    rules.md §2.6); the total does not exceed the verified reductions (``EXCEEDS_VERIFIED``).
    """
    step = _check_role("decide_issuance", role)
    _check_state(step, _period_subject(prec), prec.state)
    if project is not None:
        _check_project_registered(step.event, prec, project)
    if not isinstance(quantities_by_vintage, Mapping) or not quantities_by_vintage:
        raise InvalidValueError(
            "quantities_by_vintage", quantities_by_vintage, "must map at least one vintage year"
        )
    years = {v.year for v in prec.period.vintages()}
    pairs: list[tuple[int, int]] = []
    for year, credits in quantities_by_vintage.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise InvalidValueError("quantities_by_vintage", year, "keys must be vintage years")
        _check_tonnes(f"quantities_by_vintage[{year}]", credits)
        if year not in years:
            raise _guard(
                step.event,
                "VINTAGE_OUTSIDE_PERIOD",
                "quantities_by_vintage",
                year,
                f"a vintage must be a calendar year of the monitoring period "
                f"({', '.join(str(y) for y in sorted(years))}) (rules.md §2.6)",
            )
        pairs.append((year, credits))
    total = sum(q for _, q in pairs)
    verified = prec.verified_reductions
    if verified is None or total > verified:
        raise _guard(
            step.event,
            "EXCEEDS_VERIFIED",
            "quantities_by_vintage",
            total,
            f"the total must not exceed the verified emission reductions ({verified} tCO2e)",
        )
    return attrs.evolve(
        prec,
        state=_period_target(step),
        quantities_by_vintage=tuple(sorted(pairs)),
        allocation=project.allocation if project is not None else prec.allocation,
    )


def record_issuance(
    prec: PeriodRecord, role: Role, party: str, parties: frozenset[str]
) -> PeriodRecord:
    """One Party records the issuance of its share in its registry (§2.3.3, "issue(side)").

    Role: registry administrator. The period stays ``ISSUANCE_DECIDED`` until every Party of
    ``parties`` (the issuing Parties, :func:`issuing_parties`) has issued, then is ``ISSUED``.
    Guards: ``party`` has not issued already (``ALREADY_ISSUED``) and is one of ``parties``
    (``PARTY_NOT_ISSUING``).
    """
    step = _check_role("record_issuance", role)
    _check_state(step, _period_subject(prec), prec.state)
    check_party_code("party", party)
    if not isinstance(parties, (frozenset, set)) or not parties:
        raise InvalidValueError("parties", parties, "must be a non-empty set of Party codes")
    for code in sorted(parties):
        check_party_code("parties", code)
    if party in prec.issued_parties:
        raise _guard(
            step.event,
            "ALREADY_ISSUED",
            "party",
            party,
            f"{party} already recorded its issuance for this period",
        )
    if party not in parties:
        raise _guard(
            step.event,
            "PARTY_NOT_ISSUING",
            "party",
            party,
            f"must be one of the issuing Parties ({', '.join(sorted(parties))})",
        )
    issued = prec.issued_parties | {party}
    done = frozenset(parties) <= issued
    return attrs.evolve(
        prec, state=_period_target(step) if done else prec.state, issued_parties=issued
    )
