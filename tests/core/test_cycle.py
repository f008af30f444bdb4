"""Tests of the project cycle (rules.md §2.3.2, §2.3.3, §2.5, §2.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import event as event_
from hypothesis import given
from hypothesis import strategies as st

from jcm.core import cycle
from jcm.core.cycle import (
    PERIOD_TRANSITIONS,
    PROJECT_TRANSITIONS,
    PeriodRecord,
    PeriodState,
    PostRegistrationChange,
    ProjectRecord,
    ProjectState,
    ProjectVersion,
    Transition,
)
from jcm.core.party import Role
from jcm.core.period import CreditingPeriod, MonitoringPeriod
from jcm.core.project import AllocationShare, Project
from jcm.core.ruleset import DEFAULT_RULESET, Ruleset
from jcm.errors import (
    CycleTransitionError,
    InvalidInputError,
    InvalidValueError,
    NotAuthorizedError,
)
from jcm.serialization import dumps, loads, structure, unstructure

PP = Role.PROJECT_PARTICIPANT
JC = Role.JOINT_COMMITTEE
TPE = Role.THIRD_PARTY_ENTITY
ADMIN = Role.REGISTRY_ADMINISTRATOR

# rules.md §2.3.3 cites the JC decision on issuance for SA001 (Saudi Arabia, partners.md #13) "for
# the monitoring period of 25 Jan 17 - 31 Aug 18": a period that straddles 31 December.
SA001 = Project("SA001", "SAU", "Energy saving at a Saudi plant", "energy", ("pp-a", "pp-b"))
SA001_PERIOD = MonitoringPeriod(dt.date(2017, 1, 25), dt.date(2018, 8, 31))
CREDITING = CreditingPeriod(dt.date(2017, 1, 1), dt.date(2026, 12, 31))
ALLOCATION = (
    AllocationShare("JPN", "JPN-GOV", Decimal("50")),
    AllocationShare("SAU", "SAU-PP-A", Decimal("50")),
)
PDD_START = dt.date(2016, 9, 1)
PDD_DAYS = 30  # rules.md §2.4: PDD public input lasts 30 days (15 days is for methodologies)
CHANGE = PostRegistrationChange(
    effective=dt.date(2019, 1, 1),
    methodology_version="2.0",
    allocation=(
        AllocationShare("JPN", "JPN-GOV", Decimal("40")),
        AllocationShare("SAU", "SAU-PP-A", Decimal("60")),
    ),
)


def record_in(state: ProjectState, **changes: Any) -> ProjectRecord:
    """A project record in ``state`` with every field filled so that the guards pass."""
    version = ProjectVersion(1, None, "SA_AM001", "1.0", ALLOCATION, SA001.participants)
    rec = ProjectRecord(
        project=SA001,
        state=state,
        methodology="SA_AM001",
        methodology_version="1.0",
        crediting_period=CREDITING,
        allocation=ALLOCATION,
        public_input_start=PDD_START,
        public_input_end=PDD_START + dt.timedelta(days=PDD_DAYS),
        validation_positive=True,
        versions=(version,),
    )
    return attrs.evolve(rec, **changes)


def period_in(state: PeriodState, **changes: Any) -> PeriodRecord:
    """A period record of SA001 in ``state`` with figures that pass the guards."""
    rec = PeriodRecord(
        project="SA001",
        period=SA001_PERIOD,
        state=state,
        calculated_reductions=1200,
        verified_reductions=1150,
        quantities_by_vintage=((2017, 600), (2018, 550)),
    )
    return attrs.evolve(rec, **changes)


ProjectCall = Callable[[ProjectRecord, Role], Any]

PROJECT_CALLS: dict[str, tuple[ProjectCall, dict[str, Any]]] = {
    "decide_no_objection": (cycle.decide_no_objection, {}),
    "submit_pdd": (
        lambda rec, role: cycle.submit_pdd(
            rec,
            role,
            methodology="SA_AM001",
            methodology_version="1.0",
            crediting_period=CREDITING,
            allocation=ALLOCATION,
        ),
        {},
    ),
    "start_public_input": (lambda rec, role: cycle.start_public_input(rec, role, PDD_START), {}),
    "close_public_input": (
        lambda rec, role: cycle.close_public_input(
            rec, role, PDD_START + dt.timedelta(days=PDD_DAYS)
        ),
        {},
    ),
    "submit_validation_report": (
        lambda rec, role: cycle.submit_validation_report(rec, role, True),
        {},
    ),
    "request_registration": (cycle.request_registration, {}),
    "register_project": (cycle.register_project, {}),
    "reject_registration": (cycle.reject_registration, {}),
    "withdraw_registration_request": (cycle.withdraw_registration_request, {}),
    "withdraw_project": (cycle.withdraw_project, {}),
    "request_post_registration_change": (
        lambda rec, role: cycle.request_post_registration_change(rec, role, CHANGE),
        {},
    ),
    "approve_post_registration_change": (
        cycle.approve_post_registration_change,
        {"pending_change": CHANGE},
    ),
    "reject_post_registration_change": (
        cycle.reject_post_registration_change,
        {"pending_change": CHANGE},
    ),
    "request_crediting_period_renewal": (
        lambda rec, role: cycle.request_crediting_period_renewal(rec, role, dt.date(2036, 12, 31)),
        {},
    ),
    "renew_crediting_period": (
        cycle.renew_crediting_period,
        {"pending_renewal": dt.date(2036, 12, 31)},
    ),
    "reject_crediting_period_renewal": (
        cycle.reject_crediting_period_renewal,
        {"pending_renewal": dt.date(2036, 12, 31)},
    ),
    "submit_monitoring_report": (
        lambda rec, role: cycle.submit_monitoring_report(rec, role, SA001_PERIOD, 1200),
        {},
    ),
}

PeriodCall = Callable[[PeriodRecord, Role], PeriodRecord]

PERIOD_CALLS: dict[str, PeriodCall] = {
    "submit_verification_report": lambda p, role: cycle.submit_verification_report(p, role, 1150),
    "request_issuance": cycle.request_issuance,
    "withdraw_issuance_request": cycle.withdraw_issuance_request,
    "decide_issuance": lambda p, role: cycle.decide_issuance(p, role, {2017: 600, 2018: 550}),
    # one issuing Party, so that the step reaches its target ISSUED
    "record_issuance": lambda p, role: cycle.record_issuance(
        attrs.evolve(p, issued_parties=frozenset()), role, "JPN", frozenset({"JPN"})
    ),
}

PROJECT_STEPS = [t for t in (*PROJECT_TRANSITIONS, *PERIOD_TRANSITIONS) if t.event in PROJECT_CALLS]
PERIOD_STEPS = [t for t in PERIOD_TRANSITIONS if t.event in PERIOD_CALLS]


def test_every_transition_has_a_test_call() -> None:
    """Covers every transition of both tables with a call in these tests."""
    events = {t.event for t in (*PROJECT_TRANSITIONS, *PERIOD_TRANSITIONS)}
    assert events == {*PROJECT_CALLS, *PERIOD_CALLS, "submit_pin"}


def test_tables_name_functions_of_the_module() -> None:
    """Names each transition after the function that implements it."""
    for step in (*PROJECT_TRANSITIONS, *PERIOD_TRANSITIONS):
        assert callable(getattr(cycle, step.event))
        assert cycle.transition(step.event) is step


def test_unknown_event_is_refused_naming_event() -> None:
    """Refuses to look up a transition that does not exist, naming ``event``."""
    with pytest.raises(InvalidValueError) as info:
        cycle.transition("teleport")
    assert info.value.field == "event"


# --------------------------------------------------------------------------- states x transitions


@pytest.mark.parametrize("state", list(ProjectState), ids=lambda s: s.value)
@pytest.mark.parametrize("step", PROJECT_STEPS, ids=lambda t: t.event)
def test_project_transition_from_each_state(step: Transition, state: ProjectState) -> None:
    """Accepts a project step from each of its sources and refuses it from every other state."""
    call, prepare = PROJECT_CALLS[step.event]
    rec = record_in(state, **prepare)
    if state in step.sources:
        result = call(rec, step.role)
        new_state = result.state
        assert new_state is step.target
    else:
        with pytest.raises(CycleTransitionError) as info:
            call(rec, step.role)
        err = info.value
        assert err.code == "CYCLE_TRANSITION"
        assert step.event in err.message
        assert repr(state.value) in err.message
        for source in step.sources:
            assert repr(source.value) in err.message


@pytest.mark.parametrize("state", list(PeriodState), ids=lambda s: s.value)
@pytest.mark.parametrize("step", PERIOD_STEPS, ids=lambda t: t.event)
def test_period_transition_from_each_state(step: Transition, state: PeriodState) -> None:
    """Accepts a period step from each of its sources and refuses it from every other state."""
    rec = period_in(state)
    call = PERIOD_CALLS[step.event]
    if state in step.sources:
        assert call(rec, step.role).state is step.target
    else:
        with pytest.raises(CycleTransitionError) as info:
            call(rec, step.role)
        assert info.value.code == "CYCLE_TRANSITION"
        assert step.event in info.value.message
        assert repr(state.value) in info.value.message


def _wrong_roles(step: Transition) -> list[tuple[Transition, Role]]:
    return [(step, role) for role in Role if role not in step.roles]


@pytest.mark.parametrize(
    ("step", "role"),
    [pair for step in PROJECT_STEPS for pair in _wrong_roles(step)],
    ids=lambda v: v.event if isinstance(v, Transition) else v.value,
)
def test_project_step_refuses_wrong_role_before_state(step: Transition, role: Role) -> None:
    """Refuses a project step by a wrong role with NOT_PERMITTED, even from a wrong state."""
    call, prepare = PROJECT_CALLS[step.event]
    wrong_state = next(s for s in ProjectState if s not in step.sources)
    with pytest.raises(NotAuthorizedError) as info:
        call(record_in(wrong_state, **prepare), role)
    assert info.value.code == "NOT_PERMITTED"
    assert info.value.field == "role"
    assert role.value in info.value.message


@pytest.mark.parametrize(
    ("step", "role"),
    [pair for step in PERIOD_STEPS for pair in _wrong_roles(step)],
    ids=lambda v: v.event if isinstance(v, Transition) else v.value,
)
def test_period_step_refuses_wrong_role_before_state(step: Transition, role: Role) -> None:
    """Refuses a period step by a wrong role with NOT_PERMITTED, even from a wrong state."""
    wrong_state = next(s for s in PeriodState if s not in step.sources)
    with pytest.raises(NotAuthorizedError) as info:
        PERIOD_CALLS[step.event](period_in(wrong_state), role)
    assert info.value.code == "NOT_PERMITTED"


@pytest.mark.parametrize("role", [r for r in Role if r is not PP], ids=lambda r: r.value)
def test_submit_pin_refuses_other_roles(role: Role) -> None:
    """Refuses a PIN submitted by anyone but a project participant."""
    with pytest.raises(NotAuthorizedError) as info:
        cycle.submit_pin(role, SA001)
    assert info.value.code == "NOT_PERMITTED"


def test_submit_pin_creates_record() -> None:
    """Creates a record in PIN_SUBMITTED holding the project."""
    rec = cycle.submit_pin(PP, SA001)
    assert rec.state is ProjectState.PIN_SUBMITTED
    assert rec.project == SA001
    assert rec.versions == ()


def test_role_must_be_a_role() -> None:
    """Refuses a role given as a plain string, naming ``role``."""
    with pytest.raises(InvalidValueError) as info:
        cycle.decide_no_objection(record_in(ProjectState.PIN_SUBMITTED), "joint_committee")  # type: ignore[arg-type]
    assert info.value.field == "role"


# --------------------------------------------------------------------------- guards


@pytest.mark.parametrize("code", ["FRA", "JPN"])
def test_submit_pin_refuses_a_country_that_is_not_a_partner(code: str) -> None:
    """Refuses a PIN hosted by a country that is not a JCM partner (partners.md), naming partner."""
    with pytest.raises(InvalidValueError) as info:
        cycle.submit_pin(PP, attrs.evolve(SA001, partner=code))
    assert info.value.code == "UNKNOWN_PARTNER"
    assert info.value.field == "partner"


def _submit_pdd(rec: ProjectRecord, role: Role = PP, **kw: Any) -> ProjectRecord:
    args: dict[str, Any] = {
        "methodology": "SA_AM001",
        "methodology_version": "1.0",
        "crediting_period": CREDITING,
        "allocation": ALLOCATION,
    }
    args.update(kw)
    return cycle.submit_pdd(rec, role, **args)


@pytest.mark.parametrize(
    "shares",
    [("50", "49.99"), ("50", "50.000001"), ("100", "0.01"), ("100",) * 2],
    ids=["below", "above", "above-by-a-cent", "twice"],
)
def test_submit_pdd_refuses_allocation_not_100(shares: tuple[str, ...]) -> None:
    """Refuses a Credit Allocation Form whose shares do not sum to exactly 100 (rules.md §3.2)."""
    allocation = tuple(
        AllocationShare("JPN" if i == 0 else "SAU", f"ACC-{i}", Decimal(s))
        for i, s in enumerate(shares)
    )
    with pytest.raises(InvalidValueError) as info:
        _submit_pdd(record_in(ProjectState.PIN_CLEARED), allocation=allocation)
    assert info.value.code == "ALLOCATION_NOT_100"
    assert info.value.field == "allocation"


def test_submit_pdd_accepts_thirds_that_sum_exactly() -> None:
    """Accepts shares 33.33 + 33.33 + 33.34 that sum to exactly 100 in Decimal."""
    allocation = (
        AllocationShare("JPN", "A", Decimal("33.33")),
        AllocationShare("JPN", "B", Decimal("33.33")),
        AllocationShare("SAU", "C", Decimal("33.34")),
    )
    rec = _submit_pdd(record_in(ProjectState.PIN_CLEARED), allocation=allocation)
    assert rec.allocation == allocation


def test_negative_share_is_refused_with_allocation_code() -> None:
    """Refuses a negative share naming ``share`` with code ALLOCATION_NOT_100."""
    with pytest.raises(InvalidValueError) as info:
        AllocationShare("JPN", "A", Decimal("-20"))
    assert (info.value.field, info.value.code) == ("share", "ALLOCATION_NOT_100")


def test_allocation_precedes_cycle_transition() -> None:
    """Reports ALLOCATION_NOT_100 before CYCLE_TRANSITION, as API.md's precedence says."""
    bad = (AllocationShare("JPN", "A", Decimal("99")),)
    with pytest.raises(InvalidValueError) as info:
        _submit_pdd(record_in(ProjectState.REGISTERED), allocation=bad)
    assert info.value.code == "ALLOCATION_NOT_100"


def test_not_permitted_precedes_allocation() -> None:
    """Reports NOT_PERMITTED before ALLOCATION_NOT_100."""
    bad = (AllocationShare("JPN", "A", Decimal("99")),)
    with pytest.raises(NotAuthorizedError):
        _submit_pdd(record_in(ProjectState.PIN_CLEARED), JC, allocation=bad)


def test_submit_pdd_refuses_a_third_party_in_the_allocation() -> None:
    """Refuses a share issued by a Party other than Japan and the partner, naming the line."""
    allocation = (
        AllocationShare("JPN", "A", Decimal("50")),
        AllocationShare("MNG", "B", Decimal("50")),
    )
    with pytest.raises(InvalidValueError) as info:
        _submit_pdd(record_in(ProjectState.PIN_CLEARED), allocation=allocation)
    assert info.value.field == "allocation[1].party"


def test_submit_pdd_refuses_an_account_twice() -> None:
    """Refuses an allocation that names one account twice."""
    allocation = (
        AllocationShare("JPN", "A", Decimal("50")),
        AllocationShare("JPN", "A", Decimal("50")),
    )
    with pytest.raises(InvalidValueError) as info:
        _submit_pdd(record_in(ProjectState.PIN_CLEARED), allocation=allocation)
    assert info.value.field == "allocation[1].account"


@pytest.mark.parametrize(
    ("field", "value"),
    [("methodology", ""), ("methodology_version", " "), ("crediting_period", "2017..2026")],
)
def test_submit_pdd_names_bad_field(field: str, value: object) -> None:
    """Refuses a PDD with an empty methodology, version or a malformed crediting period."""
    with pytest.raises(InvalidValueError) as info:
        _submit_pdd(record_in(ProjectState.PIN_CLEARED), **{field: value})
    assert info.value.field == field


def test_submit_pdd_refuses_crediting_period_longer_than_ruleset() -> None:
    """Refuses a crediting period longer than the ruleset's maximum (CREDITING_PERIOD_TOO_LONG)."""
    ruleset = Ruleset("SAU", "test", crediting_period_max_years=10)
    too_long = CreditingPeriod(dt.date(2017, 1, 1), dt.date(2027, 1, 1))
    with pytest.raises(InvalidValueError) as info:
        _submit_pdd(record_in(ProjectState.PIN_CLEARED), crediting_period=too_long, ruleset=ruleset)
    assert info.value.code == "CREDITING_PERIOD_TOO_LONG"
    ten_years = CreditingPeriod(dt.date(2017, 1, 1), dt.date(2026, 12, 31))
    rec = _submit_pdd(
        record_in(ProjectState.PIN_CLEARED), crediting_period=ten_years, ruleset=ruleset
    )
    assert rec.crediting_period == ten_years


def test_close_public_input_refuses_before_30_days() -> None:
    """Refuses to close a PDD's public input before its 30 days (rules.md §2.4), naming ``on``."""
    rec = record_in(ProjectState.PDD_PUBLIC_INPUT, public_input_end=None)
    with pytest.raises(CycleTransitionError) as info:
        cycle.close_public_input(rec, JC, PDD_START + dt.timedelta(days=PDD_DAYS - 1))
    assert (info.value.code, info.value.field) == ("PUBLIC_INPUT_OPEN", "on")
    closed = cycle.close_public_input(rec, JC, PDD_START + dt.timedelta(days=PDD_DAYS))
    assert closed.public_input_end == dt.date(2016, 10, 1)


def test_close_public_input_follows_the_partners_ruleset() -> None:
    """Applies a partner's own public-input period when its ruleset is given."""
    longer = Ruleset("SAU", "2023", pdd_public_input_days=45)
    rec = record_in(ProjectState.PDD_PUBLIC_INPUT, public_input_end=None)
    with pytest.raises(CycleTransitionError):
        cycle.close_public_input(rec, JC, PDD_START + dt.timedelta(days=44), longer)
    assert cycle.close_public_input(rec, JC, PDD_START + dt.timedelta(days=45), longer).state is (
        ProjectState.VALIDATION
    )


def test_close_public_input_fails_closed_without_start() -> None:
    """Refuses to close a public input whose start is not recorded."""
    rec = record_in(ProjectState.PDD_PUBLIC_INPUT, public_input_start=None, public_input_end=None)
    with pytest.raises(CycleTransitionError) as info:
        cycle.close_public_input(rec, JC, dt.date(2030, 1, 1))
    assert info.value.code == "PUBLIC_INPUT_OPEN"


def test_start_public_input_day_must_be_a_date() -> None:
    """Refuses a public-input start that is not a date, naming ``on``."""
    with pytest.raises(InvalidValueError) as info:
        cycle.start_public_input(record_in(ProjectState.PDD_SUBMITTED), JC, "2016-09-01")  # type: ignore[arg-type]
    assert info.value.field == "on"


def test_close_public_input_day_must_be_a_date() -> None:
    """Refuses a public-input close given as a date-time, naming ``on``."""
    rec = record_in(ProjectState.PDD_PUBLIC_INPUT, public_input_end=None)
    with pytest.raises(InvalidValueError) as info:
        cycle.close_public_input(rec, JC, dt.datetime(2016, 10, 1, 12))
    assert info.value.field == "on"


def test_negative_validation_keeps_validation() -> None:
    """Keeps the project in VALIDATION after a negative validation report."""
    rec = cycle.submit_validation_report(record_in(ProjectState.VALIDATION), TPE, False)
    assert rec.state is ProjectState.VALIDATION
    assert rec.validation_positive is False
    assert cycle.submit_validation_report(rec, TPE, True).state is ProjectState.VALIDATED


def test_validation_conclusion_must_be_bool() -> None:
    """Refuses a validation conclusion that is not true or false, naming ``positive``."""
    with pytest.raises(InvalidValueError) as info:
        cycle.submit_validation_report(record_in(ProjectState.VALIDATION), TPE, "yes")  # type: ignore[arg-type]
    assert info.value.field == "positive"


def test_register_fails_closed_without_positive_validation() -> None:
    """Refuses registration without a positive validation report (VALIDATION_NOT_POSITIVE)."""
    rec = record_in(ProjectState.VALIDATED, validation_positive=None)
    with pytest.raises(CycleTransitionError) as info:
        cycle.register_project(rec, JC)
    assert info.value.code == "VALIDATION_NOT_POSITIVE"


def test_register_fails_closed_without_closed_public_input() -> None:
    """Refuses registration while the public input is not closed (PUBLIC_INPUT_OPEN)."""
    rec = record_in(ProjectState.REGISTRATION_REQUESTED, public_input_end=None)
    with pytest.raises(CycleTransitionError) as info:
        cycle.register_project(rec, JC)
    assert info.value.code == "PUBLIC_INPUT_OPEN"


def test_register_makes_version_one() -> None:
    """Makes version 1 of the terms from the PDD on registration."""
    rec = cycle.register_project(record_in(ProjectState.VALIDATED, versions=()), JC)
    assert rec.version == 1
    assert rec.versions == (
        ProjectVersion(1, None, "SA_AM001", "1.0", ALLOCATION, SA001.participants),
    )


def test_request_change_refuses_second_pending_change() -> None:
    """Refuses a change request while another awaits the JC (CHANGE_PENDING)."""
    rec = record_in(ProjectState.REGISTERED, pending_change=CHANGE)
    with pytest.raises(CycleTransitionError) as info:
        cycle.request_post_registration_change(rec, PP, CHANGE)
    assert info.value.code == "CHANGE_PENDING"


def test_request_change_refuses_bad_allocation_first() -> None:
    """Refuses a change whose allocation does not sum to 100, before looking at the state."""
    change = attrs.evolve(CHANGE, allocation=(AllocationShare("JPN", "A", Decimal("10")),))
    with pytest.raises(InvalidValueError) as info:
        cycle.request_post_registration_change(record_in(ProjectState.VALIDATED), PP, change)
    assert info.value.code == "ALLOCATION_NOT_100"


def test_request_change_refuses_effective_date_not_after_current_version() -> None:
    """Refuses a change effective on or before the current version's effective date."""
    rec = cycle.approve_post_registration_change(
        record_in(ProjectState.REGISTERED, pending_change=CHANGE), JC
    )
    with pytest.raises(InvalidValueError) as info:
        cycle.request_post_registration_change(rec, PP, attrs.evolve(CHANGE))
    assert info.value.field == "effective"


@pytest.mark.parametrize(
    "call", [cycle.approve_post_registration_change, cycle.reject_post_registration_change]
)
def test_decision_on_change_needs_a_pending_change(call: Callable[..., ProjectRecord]) -> None:
    """Refuses to decide on a change when none was requested (NO_PENDING_CHANGE)."""
    with pytest.raises(CycleTransitionError) as info:
        call(record_in(ProjectState.REGISTERED), JC)
    assert info.value.code == "NO_PENDING_CHANGE"


def test_reject_change_keeps_the_terms() -> None:
    """Keeps the project's terms when the JC rejects a change."""
    rec = record_in(ProjectState.REGISTERED, pending_change=CHANGE)
    rejected = cycle.reject_post_registration_change(rec, JC)
    assert rejected == attrs.evolve(rec, pending_change=None)


def test_change_must_change_something() -> None:
    """Refuses a post-registration change that changes nothing, naming ``change``."""
    with pytest.raises(InvalidValueError) as info:
        PostRegistrationChange(effective=dt.date(2020, 1, 1))
    assert info.value.field == "change"


def test_change_of_methodology_needs_its_version() -> None:
    """Refuses a new methodology without its version, naming ``methodology_version``."""
    with pytest.raises(InvalidValueError) as info:
        PostRegistrationChange(effective=dt.date(2020, 1, 1), methodology="SA_AM002")
    assert info.value.field == "methodology_version"


def test_renewal_must_end_later() -> None:
    """Refuses a renewal not ending after the current crediting period (RENEWAL_NOT_LATER)."""
    with pytest.raises(CycleTransitionError) as info:
        cycle.request_crediting_period_renewal(
            record_in(ProjectState.REGISTERED), PP, CREDITING.end
        )
    assert (info.value.code, info.value.field) == ("RENEWAL_NOT_LATER", "new_end")


def test_renewal_refuses_second_pending_request() -> None:
    """Refuses a renewal request while another awaits the JC (RENEWAL_PENDING)."""
    rec = record_in(ProjectState.REGISTERED, pending_renewal=dt.date(2030, 12, 31))
    with pytest.raises(CycleTransitionError) as info:
        cycle.request_crediting_period_renewal(rec, PP, dt.date(2031, 12, 31))
    assert info.value.code == "RENEWAL_PENDING"


def test_renewal_longer_than_ruleset_is_refused() -> None:
    """Refuses a renewal longer than the ruleset's maximum (CREDITING_PERIOD_TOO_LONG)."""
    ruleset = Ruleset("SAU", "test", crediting_period_max_years=5)
    rec = record_in(ProjectState.REGISTERED)
    with pytest.raises(InvalidValueError) as info:
        cycle.request_crediting_period_renewal(rec, PP, dt.date(2032, 1, 1), ruleset)
    assert (info.value.code, info.value.field) == ("CREDITING_PERIOD_TOO_LONG", "new_end")
    ok = cycle.request_crediting_period_renewal(rec, PP, dt.date(2031, 12, 31), ruleset)
    assert ok.pending_renewal == dt.date(2031, 12, 31)


@pytest.mark.parametrize(
    "call", [cycle.renew_crediting_period, cycle.reject_crediting_period_renewal]
)
def test_decision_on_renewal_needs_a_request(call: Callable[..., ProjectRecord]) -> None:
    """Refuses to decide on a renewal when none was requested (NO_PENDING_RENEWAL)."""
    with pytest.raises(CycleTransitionError) as info:
        call(record_in(ProjectState.REGISTERED), JC)
    assert info.value.code == "NO_PENDING_RENEWAL"


def test_monitoring_period_outside_crediting_period_is_refused() -> None:
    """Refuses a monitoring period that leaves the crediting period (rules.md §2.6)."""
    late = MonitoringPeriod(dt.date(2026, 6, 1), dt.date(2027, 5, 31))
    with pytest.raises(CycleTransitionError) as info:
        cycle.submit_monitoring_report(record_in(ProjectState.REGISTERED), PP, late)
    assert (info.value.code, info.value.field) == ("PERIOD_OUTSIDE_CREDITING_PERIOD", "period")


def test_monitoring_period_overlapping_another_is_refused() -> None:
    """Refuses a monitoring period that overlaps one already submitted (PERIOD_OVERLAP)."""
    rec = record_in(ProjectState.REGISTERED)
    first = cycle.submit_monitoring_report(rec, PP, SA001_PERIOD)
    overlapping = MonitoringPeriod(dt.date(2018, 8, 31), dt.date(2019, 3, 31))
    with pytest.raises(CycleTransitionError) as info:
        cycle.submit_monitoring_report(rec, PP, overlapping, existing=[first])
    assert info.value.code == "PERIOD_OVERLAP"
    following = MonitoringPeriod(dt.date(2018, 9, 1), dt.date(2019, 3, 31))
    assert cycle.submit_monitoring_report(rec, PP, following, existing=[first]).period == following


def test_calculation_with_another_methodology_is_refused() -> None:
    """Refuses a calculation made with another methodology than the PDD's (METHODOLOGY_MISMATCH)."""
    rec = record_in(ProjectState.REGISTERED)
    with pytest.raises(CycleTransitionError) as info:
        cycle.submit_monitoring_report(
            rec, PP, SA001_PERIOD, 1200, calculated_with=("SA_AM001", "2.0")
        )
    assert (info.value.code, info.value.field) == (
        "METHODOLOGY_MISMATCH",
        "calculation.methodology",
    )
    ok = cycle.submit_monitoring_report(
        rec, PP, SA001_PERIOD, 1200, calculated_with=("SA_AM001", "1.0")
    )
    assert ok.calculated_reductions == 1200


@pytest.mark.parametrize(("value", "code"), [(-1, "INVALID_VALUE"), (1.5, "NON_INTEGER_QUANTITY")])
def test_calculated_reductions_must_be_whole_tonnes(value: object, code: str) -> None:
    """Refuses calculated reductions that are negative or fractional, naming the field."""
    with pytest.raises(InvalidValueError) as info:
        cycle.submit_monitoring_report(record_in(ProjectState.REGISTERED), PP, SA001_PERIOD, value)  # type: ignore[arg-type]
    assert (info.value.field, info.value.code) == ("calculated_reductions", code)


def test_verification_above_calculation_is_refused() -> None:
    """Refuses verified reductions above the report's calculation (EXCEEDS_CALCULATION)."""
    rec = period_in(PeriodState.MONITORING_SUBMITTED, verified_reductions=None)
    with pytest.raises(CycleTransitionError) as info:
        cycle.submit_verification_report(rec, TPE, 1201)
    assert (info.value.code, info.value.field) == ("EXCEEDS_CALCULATION", "verified_reductions")
    assert cycle.submit_verification_report(rec, TPE, 1200).verified_reductions == 1200


def test_verification_without_calculation_has_no_ceiling() -> None:
    """Accepts any whole verified amount when the report carried no calculation."""
    rec = period_in(PeriodState.MONITORING_SUBMITTED, calculated_reductions=None)
    assert cycle.submit_verification_report(rec, TPE, 10**9).verified_reductions == 10**9


@pytest.mark.parametrize(
    ("value", "code"),
    [(-5, "INVALID_VALUE"), (2.5, "NON_INTEGER_QUANTITY"), (True, "INVALID_VALUE")],
)
def test_verified_reductions_must_be_whole_tonnes(value: object, code: str) -> None:
    """Refuses verified reductions that are negative, fractional or a bool, naming the field."""
    rec = period_in(PeriodState.MONITORING_SUBMITTED, verified_reductions=None)
    with pytest.raises(InvalidValueError) as info:
        cycle.submit_verification_report(rec, TPE, value)  # type: ignore[arg-type]
    assert (info.value.field, info.value.code) == ("verified_reductions", code)


def test_decision_with_vintage_outside_period_is_refused() -> None:
    """Refuses a vintage that is not a calendar year of the period (VINTAGE_OUTSIDE_PERIOD)."""
    rec = period_in(PeriodState.ISSUANCE_REQUESTED)
    with pytest.raises(CycleTransitionError) as info:
        cycle.decide_issuance(rec, JC, {2017: 600, 2019: 550})
    assert (info.value.code, info.value.value) == ("VINTAGE_OUTSIDE_PERIOD", 2019)


def test_decision_above_verified_is_refused() -> None:
    """Refuses a total above the verified reductions (EXCEEDS_VERIFIED)."""
    rec = period_in(PeriodState.ISSUANCE_REQUESTED)
    with pytest.raises(CycleTransitionError) as info:
        cycle.decide_issuance(rec, JC, {2017: 600, 2018: 551})
    assert (info.value.code, info.value.value) == ("EXCEEDS_VERIFIED", 1151)


@pytest.mark.parametrize(
    ("quantities", "field"),
    [
        ({}, "quantities_by_vintage"),
        ({2017: -1}, "quantities_by_vintage[2017]"),
        ({2017: 1.5}, "quantities_by_vintage[2017]"),
        ({"2017": 5}, "quantities_by_vintage"),
    ],
    ids=["empty", "negative", "fraction", "string-year"],
)
def test_decision_quantities_name_their_field(quantities: Any, field: str) -> None:
    """Refuses an empty, negative, fractional or mis-keyed decision, naming the field."""
    with pytest.raises(InvalidValueError) as info:
        cycle.decide_issuance(period_in(PeriodState.ISSUANCE_REQUESTED), JC, quantities)
    assert info.value.field == field


def test_decision_for_a_withdrawn_project_is_refused() -> None:
    """Refuses issuance steps for a withdrawn project (no further issuance, rules.md §2.3.3)."""
    withdrawn = record_in(ProjectState.WITHDRAWN)
    with pytest.raises(CycleTransitionError) as info:
        cycle.decide_issuance(
            period_in(PeriodState.ISSUANCE_REQUESTED), JC, {2017: 1}, project=withdrawn
        )
    assert info.value.code == "CYCLE_TRANSITION"
    with pytest.raises(CycleTransitionError):
        cycle.request_issuance(period_in(PeriodState.VERIFIED), PP, project=withdrawn)


def test_decision_with_another_projects_record_is_refused() -> None:
    """Refuses a decision given the record of another project, naming ``project``."""
    other = record_in(ProjectState.REGISTERED, project=attrs.evolve(SA001, id="SA002"))
    with pytest.raises(InvalidValueError) as info:
        cycle.decide_issuance(
            period_in(PeriodState.ISSUANCE_REQUESTED), JC, {2017: 1}, project=other
        )
    assert info.value.field == "project"


def test_same_party_cannot_issue_twice() -> None:
    """Refuses a second issuance by the same Party (ALREADY_ISSUED)."""
    parties = frozenset({"JPN", "SAU"})
    rec = cycle.record_issuance(period_in(PeriodState.ISSUANCE_DECIDED), ADMIN, "JPN", parties)
    with pytest.raises(CycleTransitionError) as info:
        cycle.record_issuance(rec, ADMIN, "JPN", parties)
    assert (info.value.code, info.value.field) == ("ALREADY_ISSUED", "party")


def test_party_outside_the_allocation_cannot_issue() -> None:
    """Refuses an issuance by a Party that has no share (PARTY_NOT_ISSUING)."""
    with pytest.raises(CycleTransitionError) as info:
        cycle.record_issuance(
            period_in(PeriodState.ISSUANCE_DECIDED), ADMIN, "MNG", frozenset({"JPN", "SAU"})
        )
    assert info.value.code == "PARTY_NOT_ISSUING"


@pytest.mark.parametrize(
    ("party", "parties", "field"),
    [
        ("jpn", frozenset({"JPN"}), "party"),
        ("JPN", frozenset(), "parties"),
        ("JPN", ["JPN"], "parties"),
    ],
)
def test_record_issuance_names_bad_party(party: str, parties: Any, field: str) -> None:
    """Refuses a malformed Party or set of issuing Parties, naming the field."""
    with pytest.raises(InvalidValueError) as info:
        cycle.record_issuance(period_in(PeriodState.ISSUANCE_DECIDED), ADMIN, party, parties)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"issued_parties": frozenset({"jp"})}, "issued_parties"),
        ({"issued_parties": {"JPN"}}, "issued_parties"),
        ({"quantities_by_vintage": ((2017, -1),)}, "quantities_by_vintage[0]"),
        ({"quantities_by_vintage": ((2017, 1), (2017, 2))}, "quantities_by_vintage"),
        ({"project": ""}, "project"),
        ({"project_version": 0}, "project_version"),
        ({"period": (dt.date(2017, 1, 1), dt.date(2017, 2, 1))}, "period"),
        ({"calculated_reductions": 1.5}, "calculated_reductions"),
    ],
)
def test_period_record_names_bad_field(changes: dict[str, Any], field: str) -> None:
    """Refuses a period record with bad Parties, vintages, project or version, naming the field."""
    with pytest.raises(InvalidValueError) as info:
        period_in(PeriodState.ISSUED, **changes)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"renewals": -1}, "renewals"),
        ({"validation_positive": "yes"}, "validation_positive"),
        ({"crediting_period": (dt.date(2017, 1, 1), dt.date(2026, 12, 31))}, "crediting_period"),
        ({"versions": [None]}, "versions"),
        ({"allocation": [ALLOCATION[0]]}, "allocation"),
        ({"public_input_start": "2016-09-01"}, "public_input_start"),
        ({"project": "SA001"}, "project"),
        ({"pending_change": "change"}, "pending_change"),
    ],
)
def test_project_record_names_bad_field(changes: dict[str, Any], field: str) -> None:
    """Refuses a project record with a field of the wrong kind, naming the field."""
    with pytest.raises(InvalidValueError) as info:
        record_in(ProjectState.REGISTERED, **changes)
    assert info.value.field == field


def test_issuing_parties_skip_zero_shares() -> None:
    """Counts only the Parties with a share above 0 as issuing."""
    allocation = (
        AllocationShare("JPN", "A", Decimal("100")),
        AllocationShare("SAU", "B", Decimal("0")),
    )
    assert cycle.issuing_parties(allocation) == frozenset({"JPN"})
    assert cycle.issuing_parties(ALLOCATION) == frozenset({"JPN", "SAU"})


# --------------------------------------------------------------------------- whole paths


def _registered() -> ProjectRecord:
    rec = cycle.submit_pin(PP, SA001)
    rec = cycle.decide_no_objection(rec, JC)
    rec = _submit_pdd(rec)
    rec = cycle.start_public_input(rec, JC, PDD_START)
    rec = cycle.close_public_input(rec, JC, PDD_START + dt.timedelta(days=PDD_DAYS))
    rec = cycle.submit_validation_report(rec, TPE, True)
    rec = cycle.request_registration(rec, PP)
    return cycle.register_project(rec, JC)


def test_happy_path_from_pin_to_issued_by_both_parties() -> None:
    """Takes a project from PIN to ISSUED, with Japan and the partner each issuing its share."""
    rec = _registered()
    assert rec.state is ProjectState.REGISTERED
    assert (rec.public_input_start, rec.public_input_end) == (
        dt.date(2016, 9, 1),
        dt.date(2016, 10, 1),
    )
    per = cycle.submit_monitoring_report(rec, PP, SA001_PERIOD, calculated_reductions=1200)
    assert per.state is PeriodState.MONITORING_SUBMITTED
    per = cycle.submit_verification_report(per, TPE, 1150)
    per = cycle.request_issuance(per, PP, project=rec)
    per = cycle.decide_issuance(per, JC, {2018: 550, 2017: 600}, project=rec)
    assert per.quantities_by_vintage == ((2017, 600), (2018, 550))
    assert per.decided_quantity == 1150
    assert per.allocation == ALLOCATION
    parties = cycle.issuing_parties(rec.allocation)
    per = cycle.record_issuance(per, ADMIN, "SAU", parties)
    assert per.state is PeriodState.ISSUANCE_DECIDED
    assert per.issued_parties == frozenset({"SAU"})
    per = cycle.record_issuance(per, ADMIN, "JPN", parties)
    assert per.state is PeriodState.ISSUED
    assert per.issued_parties == frozenset({"JPN", "SAU"})


def test_withdrawn_issuance_request_returns_to_verified() -> None:
    """Returns a withdrawn issuance request to VERIFIED, from where it can be requested again."""
    per = period_in(PeriodState.VERIFIED, quantities_by_vintage=())
    requested = cycle.request_issuance(per, PP)
    withdrawn = cycle.withdraw_issuance_request(requested, PP)
    assert withdrawn == per
    again = cycle.request_issuance(withdrawn, PP)
    assert cycle.decide_issuance(again, JC, {2017: 1150}).state is PeriodState.ISSUANCE_DECIDED


def test_post_registration_change_applies_to_later_periods_only() -> None:
    """Applies an approved change to periods starting from its effective date only (§2.5)."""
    rec = _registered()
    early = cycle.submit_monitoring_report(rec, PP, SA001_PERIOD, 1200)
    assert early.project_version == 1
    decided_before = cycle.decide_issuance(
        attrs.evolve(early, state=PeriodState.ISSUANCE_REQUESTED, verified_reductions=1150),
        JC,
        {2017: 600},
        project=rec,
    )
    rec = cycle.request_post_registration_change(rec, PP, CHANGE)
    assert rec.pending_change == CHANGE
    rec = cycle.approve_post_registration_change(rec, JC)
    assert (rec.version, rec.methodology_version, rec.allocation) == (2, "2.0", CHANGE.allocation)
    assert rec.pending_change is None
    late_period = MonitoringPeriod(dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    late = cycle.submit_monitoring_report(rec, PP, late_period, existing=[early])
    assert late.project_version == 2
    assert cycle.terms_for(rec, SA001_PERIOD).methodology_version == "1.0"
    assert cycle.terms_for(rec, SA001_PERIOD).allocation == ALLOCATION
    assert cycle.terms_for(rec, late_period).methodology_version == "2.0"
    # a decision taken before the approval keeps the allocation it was taken under (rule 2)
    assert decided_before.allocation == ALLOCATION
    decided_after = cycle.decide_issuance(
        attrs.evolve(early, state=PeriodState.ISSUANCE_REQUESTED, verified_reductions=1150),
        JC,
        {2017: 600},
        project=rec,
    )
    assert decided_after.allocation == CHANGE.allocation
    assert early.project_version == 1


def test_change_of_participants_updates_the_project() -> None:
    """Replaces the participants of the project when a change of participants is approved."""
    change = PostRegistrationChange(effective=dt.date(2020, 1, 1), participants=("pp-c",))
    rec = cycle.request_post_registration_change(record_in(ProjectState.REGISTERED), PP, change)
    rec = cycle.approve_post_registration_change(rec, JC)
    assert rec.project.participants == ("pp-c",)
    assert rec.versions[-1].participants == ("pp-c",)
    assert rec.versions[0].participants == SA001.participants


def test_renewal_extends_the_crediting_period() -> None:
    """Extends the crediting period to the renewed end, so later periods are accepted (§2.5)."""
    rec = _registered()
    later = MonitoringPeriod(dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    with pytest.raises(CycleTransitionError):
        cycle.submit_monitoring_report(rec, PP, later)
    rec = cycle.request_crediting_period_renewal(rec, PP, dt.date(2036, 12, 31))
    assert rec.crediting_period == CREDITING
    rec = cycle.renew_crediting_period(rec, JC)
    assert rec.crediting_period == CreditingPeriod(CREDITING.start, dt.date(2036, 12, 31))
    assert (rec.renewals, rec.pending_renewal) == (1, None)
    assert cycle.submit_monitoring_report(rec, PP, later).period == later


def test_rejected_renewal_keeps_the_crediting_period() -> None:
    """Keeps the crediting period when the JC refuses a renewal."""
    rec = cycle.request_crediting_period_renewal(_registered(), PP, dt.date(2036, 12, 31))
    rec = cycle.reject_crediting_period_renewal(rec, JC)
    assert (rec.crediting_period, rec.pending_renewal, rec.renewals) == (CREDITING, None, 0)


def test_withdrawn_project_takes_no_more_reports() -> None:
    """Refuses a monitoring report for a withdrawn project."""
    rec = cycle.withdraw_project(_registered(), PP)
    with pytest.raises(CycleTransitionError) as info:
        cycle.submit_monitoring_report(rec, PP, SA001_PERIOD)
    assert "'withdrawn'" in info.value.message


def test_terms_need_registration() -> None:
    """Refuses to give the terms of a project that is not registered."""
    with pytest.raises(CycleTransitionError):
        cycle.terms_for(cycle.submit_pin(PP, SA001), SA001_PERIOD)


def test_default_ruleset_is_the_default() -> None:
    """Uses the 30-day PDD public input of rules.md §2.4 by default."""
    assert DEFAULT_RULESET.pdd_public_input_days == PDD_DAYS


# --------------------------------------------------------------------------- JSON round trips

_text = st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=8)
_days = st.dates(dt.date(2013, 1, 1), dt.date(2060, 12, 31))


@st.composite
def _allocations(draw: st.DrawFn) -> tuple[AllocationShare, ...]:
    cents = draw(st.integers(0, 10_000))
    return (
        AllocationShare("JPN", draw(_text), Decimal(cents) / 100),
        AllocationShare("SAU", draw(_text), Decimal(10_000 - cents) / 100),
    )


@st.composite
def _periods(draw: st.DrawFn) -> MonitoringPeriod:
    start = draw(_days)
    return MonitoringPeriod(start, start + dt.timedelta(days=draw(st.integers(0, 800))))


@st.composite
def _crediting(draw: st.DrawFn) -> CreditingPeriod:
    start = draw(_days)
    return CreditingPeriod(start, start + dt.timedelta(days=draw(st.integers(0, 8000))))


_projects = st.builds(
    Project,
    id=_text,
    partner=st.sampled_from(["SAU", "MNG", "PHL"]),
    title=_text,
    sector=st.text(st.characters(codec="ascii", categories=("L", "N", "Zs")), max_size=10),
    participants=st.lists(_text, min_size=1, max_size=3, unique=True).map(tuple),
)
_versions = st.builds(
    ProjectVersion,
    number=st.integers(1, 9),
    effective=st.none() | _days,
    methodology=_text,
    methodology_version=_text,
    allocation=_allocations(),
    participants=st.lists(_text, max_size=3).map(tuple),
)
_changes = st.builds(
    PostRegistrationChange,
    effective=_days,
    methodology=st.none(),
    methodology_version=_text,
    allocation=st.none() | _allocations(),
    participants=st.none() | st.lists(_text, min_size=1, max_size=2).map(tuple),
    description=st.text(max_size=20),
)
_records = st.builds(
    ProjectRecord,
    project=_projects,
    state=st.sampled_from(ProjectState),
    methodology=st.none() | _text,
    methodology_version=st.none() | _text,
    crediting_period=st.none() | _crediting(),
    allocation=_allocations(),
    public_input_start=st.none() | _days,
    public_input_end=st.none() | _days,
    validation_positive=st.none() | st.booleans(),
    pending_change=st.none() | _changes,
    pending_renewal=st.none() | _days,
    version=st.integers(1, 5),
    versions=st.lists(_versions, max_size=2).map(tuple),
    renewals=st.integers(0, 3),
)
_period_records = st.builds(
    PeriodRecord,
    project=_text,
    period=_periods(),
    state=st.sampled_from(PeriodState),
    calculated_reductions=st.none() | st.integers(0, 10**12),
    verified_reductions=st.none() | st.integers(0, 10**12),
    quantities_by_vintage=st.dictionaries(st.integers(1990, 2100), st.integers(0, 10**9)).map(
        lambda d: tuple(sorted(d.items()))
    ),
    issued_parties=st.frozensets(st.sampled_from(["JPN", "SAU", "MNG"])),
    project_version=st.integers(1, 5),
    allocation=_allocations() | st.just(()),
)


@given(st.one_of(_records, _period_records, _changes, _versions))
def test_cycle_records_round_trip_through_json(value: Any) -> None:
    """Round-trips every cycle record through the converter and JSON text exactly."""
    assert structure(unstructure(value), type(value)) == value
    assert loads(dumps(value), type(value)) == value


def test_project_record_json_names_bad_fields() -> None:
    """Names every bad field of a project record given as JSON, with its path."""
    data = unstructure(record_in(ProjectState.REGISTERED))
    data["state"] = "registred"
    data["allocation"][1]["share"] = "fifty"
    data["crediting_period"]["end"] = "2016-01-01"
    with pytest.raises(InvalidInputError) as info:
        structure(data, ProjectRecord)
    paths = {e.path for e in info.value.errors}
    assert {"$.state", "$.allocation[1].share", "$.crediting_period.end"} <= paths


@pytest.mark.parametrize(
    ("key", "value"),
    [("verified_reductions", -3), ("quantities_by_vintage", [[2018, 1], [2017, 1]])],
)
def test_period_record_json_names_bad_fields(key: str, value: object) -> None:
    """Names a negative verified amount or an unsorted vintage list by its path."""
    data = unstructure(period_in(PeriodState.VERIFIED))
    data[key] = value
    with pytest.raises(InvalidInputError) as info:
        structure(data, PeriodRecord)
    assert info.value.errors[0].path == f"$.{key}"


def test_project_record_state_must_be_a_state() -> None:
    """Refuses a project record whose state is a plain string, naming ``state``."""
    with pytest.raises(InvalidValueError) as info:
        ProjectRecord(project=SA001, state="registered")  # type: ignore[arg-type]
    assert info.value.field == "state"


_PROJECT_EVENTS = sorted(e for e in PROJECT_CALLS if e != "submit_monitoring_report")


@given(st.data())
def test_random_steps_keep_the_record_consistent(data: st.DataObject) -> None:
    """Keeps a project consistent whatever steps are tried: refusals change nothing."""
    rec = cycle.submit_pin(PP, SA001)
    for _ in range(data.draw(st.integers(0, 30), label="steps")):
        # mostly a step allowed from the current state, sometimes any step by any role
        allowed = [e for e in _PROJECT_EVENTS if rec.state in cycle.transition(e).sources]
        event = data.draw(
            st.sampled_from(allowed)
            if allowed and data.draw(st.integers(0, 3))
            else st.sampled_from(_PROJECT_EVENTS),
            label="event",
        )
        role = data.draw(
            st.sampled_from(Role) | st.just(cycle.transition(event).role), label="role"
        )
        step = cycle.transition(event)
        call, _ = PROJECT_CALLS[event]
        try:
            new = call(rec, role)
        except NotAuthorizedError:
            assert role not in step.roles
            continue
        except (CycleTransitionError, InvalidValueError):
            assert role in step.roles
            continue
        assert role in step.roles
        assert rec.state in step.sources
        rec = new
        event_(f"reached {rec.state.value}")
        if rec.state in (ProjectState.REGISTERED, ProjectState.WITHDRAWN):
            assert rec.versions
            assert rec.version == rec.versions[-1].number == len(rec.versions)
            assert rec.allocation == rec.versions[-1].allocation
            assert sum(s.share for s in rec.allocation) == Decimal(100)
            assert rec.validation_positive is True
            assert rec.public_input_start is not None
            assert rec.public_input_end is not None
            assert rec.public_input_end >= rec.public_input_start + dt.timedelta(days=PDD_DAYS)
            assert rec.crediting_period is not None
            assert rec.crediting_period.start == CREDITING.start
