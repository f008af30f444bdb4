"""Tests of the methodology descriptor and its approval cycle (rules.md §2.3.1, §2.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core import methodology as mod
from jcm.core.cycle import Transition
from jcm.core.methodology import (
    METHODOLOGY_TRANSITIONS,
    Methodology,
    MethodologyRecord,
    MethodologyState,
    deadline,
    overdue,
)
from jcm.core.party import Role
from jcm.core.ruleset import Ruleset
from jcm.errors import (
    CycleTransitionError,
    InvalidInputError,
    InvalidValueError,
    NotAuthorizedError,
    Severity,
)
from jcm.serialization import dumps, loads, structure, unstructure

PP = Role.PROJECT_PARTICIPANT
JC = Role.JOINT_COMMITTEE

# partners.md: PH_AM004 (Philippines, water management in rice paddies, Ver01.0), approved on
# 2025-02-03 (secondary sources). The earlier dates of its cycle below are made up.
PH_AM004 = Methodology("PH_AM004", "1.0", "Water management in rice paddies", sector="agriculture")
SUBMITTED = dt.date(2024, 10, 1)
CHECKED = dt.date(2024, 10, 7)  # within the 7 days of rules.md §2.4
CLOSED = dt.date(2024, 10, 22)  # 15 days of public input (rules.md §2.4)
APPROVED = dt.date(2025, 2, 3)


def record_in(state: MethodologyState, **changes: Any) -> MethodologyRecord:
    """A record of PH_AM004 in ``state`` with every date filled."""
    rec = MethodologyRecord(
        methodology=PH_AM004,
        state=state,
        submitted_on=SUBMITTED,
        partner="PHL",
        completeness_checked_on=CHECKED,
        public_input_start=CHECKED,
        public_input_end=CLOSED,
        decided_on=APPROVED,
    )
    return attrs.evolve(rec, **changes)


Call = Callable[[MethodologyRecord, Role], MethodologyRecord]

CALLS: dict[str, Call] = {
    "completeness_ok": lambda r, role: mod.completeness_ok(r, role, CHECKED),
    "completeness_fail": lambda r, role: mod.completeness_fail(r, role, CHECKED),
    "close_methodology_public_input": lambda r, role: mod.close_methodology_public_input(
        r, role, CLOSED
    ),
    "extend_consideration": mod.extend_consideration,
    "approve_methodology": lambda r, role: mod.approve_methodology(r, role, APPROVED),
    "approve_methodology_with_revision": lambda r, role: mod.approve_methodology_with_revision(
        r, role, APPROVED, attrs.evolve(PH_AM004, title="Revised title")
    ),
    "reject_methodology": lambda r, role: mod.reject_methodology(r, role, APPROVED),
    "revise_methodology": lambda r, role: mod.revise_methodology(
        r, role, "2.0", dt.date(2025, 6, 1)
    ),
}
STEPS = [t for t in METHODOLOGY_TRANSITIONS if t.event in CALLS]


def test_every_step_has_a_call() -> None:
    """Covers every methodology step but the submission with a call in these tests."""
    assert {t.event for t in METHODOLOGY_TRANSITIONS} == {*CALLS, "submit_methodology"}
    for step in METHODOLOGY_TRANSITIONS:
        assert callable(getattr(mod, step.event))


@pytest.mark.parametrize("state", list(MethodologyState), ids=lambda s: s.value)
@pytest.mark.parametrize("step", STEPS, ids=lambda t: t.event)
def test_step_from_each_state(step: Transition, state: MethodologyState) -> None:
    """Accepts a step from each of its sources and refuses it from every other state."""
    rec = record_in(state)
    if state in step.sources:
        assert CALLS[step.event](rec, step.role).state is step.target
    else:
        with pytest.raises(CycleTransitionError) as info:
            CALLS[step.event](rec, step.role)
        assert info.value.code == "CYCLE_TRANSITION"
        assert repr(state.value) in info.value.message


@pytest.mark.parametrize(
    ("step", "role"),
    [(t, r) for t in STEPS for r in Role if r not in t.roles],
    ids=lambda v: v.event if isinstance(v, Transition) else v.value,
)
def test_step_refuses_wrong_role_before_state(step: Transition, role: Role) -> None:
    """Refuses a step by a wrong role with NOT_PERMITTED, even from a wrong state."""
    wrong_state = next(s for s in MethodologyState if s not in step.sources)
    with pytest.raises(NotAuthorizedError) as info:
        CALLS[step.event](record_in(wrong_state), role)
    assert info.value.code == "NOT_PERMITTED"


def test_revision_may_be_made_by_participants_or_jc() -> None:
    """Lets a project participant or the Joint Committee revise an approved methodology."""
    rec = record_in(MethodologyState.APPROVED)
    for role in (PP, JC):
        revised = mod.revise_methodology(rec, role, "2.0", dt.date(2025, 6, 1))
        assert (revised.methodology.version, revised.previous_versions) == ("2.0", ("1.0",))


def test_submission_by_jc_is_refused() -> None:
    """Refuses a methodology submitted by the Joint Committee (proponents submit)."""
    with pytest.raises(NotAuthorizedError):
        mod.submit_methodology(JC, PH_AM004, SUBMITTED)


def test_happy_path_to_approval_of_ph_am004() -> None:
    """Takes PH_AM004 from submission to approval on 2025-02-03 (partners.md)."""
    rec = mod.submit_methodology(PP, PH_AM004, SUBMITTED, partner="PHL")
    assert rec.state is MethodologyState.SUBMITTED
    rec = mod.completeness_ok(rec, JC, CHECKED)
    assert rec.public_input_start == CHECKED
    rec = mod.close_methodology_public_input(rec, JC, CLOSED)
    rec = mod.extend_consideration(rec, JC)
    rec = mod.approve_methodology(rec, JC, APPROVED)
    assert (rec.state, rec.decided_on, rec.approved_with_revision) == (
        MethodologyState.APPROVED,
        APPROVED,
        False,
    )
    assert overdue(rec, dt.date(2030, 1, 1)) == ()


def test_public_input_lasts_fifteen_days() -> None:
    """Refuses to close a methodology's public input before 15 days (PUBLIC_INPUT_OPEN)."""
    rec = record_in(MethodologyState.PUBLIC_INPUT, public_input_end=None)
    with pytest.raises(CycleTransitionError) as info:
        mod.close_methodology_public_input(rec, JC, CLOSED - dt.timedelta(days=1))
    assert (info.value.code, info.value.field) == ("PUBLIC_INPUT_OPEN", "on")
    assert mod.close_methodology_public_input(rec, JC, CLOSED).public_input_end == CLOSED


def test_public_input_follows_the_partners_ruleset() -> None:
    """Applies a partner's own public-input period when its ruleset is given."""
    ruleset = Ruleset("PHL", "2023", methodology_public_input_days=20)
    rec = record_in(MethodologyState.PUBLIC_INPUT, public_input_end=None)
    with pytest.raises(CycleTransitionError):
        mod.close_methodology_public_input(rec, JC, CLOSED, ruleset)
    later = CHECKED + dt.timedelta(days=20)
    assert mod.close_methodology_public_input(rec, JC, later, ruleset).public_input_end == later


def test_consideration_is_extended_once() -> None:
    """Refuses a second extension of the consideration (CONSIDERATION_ALREADY_EXTENDED)."""
    rec = mod.extend_consideration(record_in(MethodologyState.UNDER_CONSIDERATION), JC)
    with pytest.raises(CycleTransitionError) as info:
        mod.extend_consideration(rec, JC)
    assert info.value.code == "CONSIDERATION_ALREADY_EXTENDED"


def test_approval_with_revision_keeps_the_id() -> None:
    """Records the revised descriptor and refuses one with another id, naming ``revised.id``."""
    rec = record_in(MethodologyState.UNDER_CONSIDERATION)
    revised = attrs.evolve(PH_AM004, title="Revised")
    approved = mod.approve_methodology_with_revision(rec, JC, APPROVED, revised)
    assert (approved.methodology, approved.approved_with_revision) == (revised, True)
    with pytest.raises(InvalidValueError) as info:
        mod.approve_methodology_with_revision(
            rec, JC, APPROVED, attrs.evolve(PH_AM004, id="PH_AM005")
        )
    assert info.value.field == "revised.id"


def test_revision_to_an_existing_version_is_refused() -> None:
    """Refuses a revision to the current or an earlier version (VERSION_EXISTS)."""
    rec = mod.revise_methodology(record_in(MethodologyState.APPROVED), PP, "2.0", APPROVED)
    for version in ("2.0", "1.0"):
        with pytest.raises(CycleTransitionError) as info:
            mod.revise_methodology(rec, PP, version, APPROVED)
        assert info.value.code == "VERSION_EXISTS"


def test_decision_before_close_of_public_input_is_refused() -> None:
    """Refuses a decision dated before the close of public input, naming ``on``."""
    rec = record_in(MethodologyState.UNDER_CONSIDERATION)
    with pytest.raises(InvalidValueError) as info:
        mod.approve_methodology(rec, JC, CLOSED - dt.timedelta(days=1))
    assert info.value.field == "on"


def test_completeness_check_before_submission_is_refused() -> None:
    """Refuses a completeness check dated before the submission, naming ``on``."""
    with pytest.raises(InvalidValueError) as info:
        mod.completeness_ok(record_in(MethodologyState.SUBMITTED), JC, SUBMITTED - dt.timedelta(1))
    assert info.value.field == "on"


@pytest.mark.parametrize(
    ("state", "changes", "due"),
    [
        (MethodologyState.SUBMITTED, {}, dt.date(2024, 10, 8)),  # submission + 7 days
        (MethodologyState.PUBLIC_INPUT, {}, dt.date(2024, 10, 22)),  # start + 15 days
        (MethodologyState.UNDER_CONSIDERATION, {}, dt.date(2024, 12, 21)),  # close + 60 days
        (
            MethodologyState.UNDER_CONSIDERATION,
            {"consideration_extended": True},
            dt.date(2025, 1, 20),  # close + 90 days
        ),
        (MethodologyState.APPROVED, {}, None),
        (MethodologyState.REJECTED, {}, None),
        (MethodologyState.INCOMPLETE, {}, None),
    ],
)
def test_deadlines_of_rules_2_4(
    state: MethodologyState, changes: dict[str, Any], due: dt.date | None
) -> None:
    """Computes the deadline of each stage from the periods of rules.md §2.4."""
    assert deadline(record_in(state, **changes)) == due


@pytest.mark.parametrize(
    ("state", "code"),
    [
        (MethodologyState.SUBMITTED, "COMPLETENESS_CHECK_OVERDUE"),
        (MethodologyState.PUBLIC_INPUT, "PUBLIC_INPUT_NOT_CLOSED"),
        (MethodologyState.UNDER_CONSIDERATION, "CONSIDERATION_OVERDUE"),
    ],
)
def test_overdue_reports_problems_instead_of_raising(state: MethodologyState, code: str) -> None:
    """Reports a stage past its deadline as a warning, and nothing on the deadline itself."""
    rec = record_in(state)
    due = deadline(rec)
    assert due is not None
    assert overdue(rec, due) == ()
    problems = overdue(rec, due + dt.timedelta(days=3))
    assert [p.code for p in problems] == [code]
    assert problems[0].severity is Severity.WARNING
    assert "3 days late" in problems[0].message


def test_extension_moves_the_consideration_deadline() -> None:
    """Stops reporting the consideration overdue after 60 days once it is extended to 90."""
    rec = record_in(MethodologyState.UNDER_CONSIDERATION)
    day = CLOSED + dt.timedelta(days=75)
    assert [p.code for p in overdue(rec, day)] == ["CONSIDERATION_OVERDUE"]
    assert overdue(mod.extend_consideration(rec, JC), day) == ()


def test_overdue_follows_the_ruleset() -> None:
    """Uses a partner ruleset's completeness period when given."""
    rec = record_in(MethodologyState.SUBMITTED)
    slow = Ruleset("PHL", "x", methodology_completeness_days=14)
    assert overdue(rec, SUBMITTED + dt.timedelta(days=10), slow) == ()
    assert overdue(rec, SUBMITTED + dt.timedelta(days=10)) != ()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"id": ""}, "id"),
        ({"id": "PH AM004"}, "id"),
        ({"version": ""}, "version"),
        ({"title": None}, "title"),
        ({"follows": ["PH_AM004"]}, "follows"),
        ({"follows": ("",)}, "follows[0]"),
        ({"sector": 3}, "sector"),
    ],
)
def test_methodology_names_bad_field(kwargs: dict[str, Any], field: str) -> None:
    """Refuses a descriptor with a bad id, version, title, follows or sector, naming it."""
    args: dict[str, Any] = {"id": "awd-rice", "version": "1.0", "title": "AWD"}
    args.update(kwargs)
    with pytest.raises(InvalidValueError) as info:
        Methodology(**args)
    assert info.value.field == field


def test_record_names_bad_partner() -> None:
    """Refuses a methodology record whose partner is not an alpha-3 code."""
    with pytest.raises(InvalidValueError) as info:
        record_in(MethodologyState.SUBMITTED, partner="PH")
    assert info.value.field == "partner"


_text = st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=8)
_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,10}", fullmatch=True)
_days = st.none() | st.dates(dt.date(2013, 1, 1), dt.date(2040, 12, 31))
_methodologies = st.builds(
    Methodology,
    id=_ids,
    version=_text,
    title=st.text(max_size=20),
    follows=st.lists(_ids, max_size=3).map(tuple),
    sector=st.text(max_size=10),
)
_records = st.builds(
    MethodologyRecord,
    methodology=_methodologies,
    state=st.sampled_from(MethodologyState),
    submitted_on=st.dates(dt.date(2013, 1, 1), dt.date(2040, 12, 31)),
    partner=st.none() | st.sampled_from(["PHL", "MNG"]),
    completeness_checked_on=_days,
    public_input_start=_days,
    public_input_end=_days,
    consideration_extended=st.booleans(),
    decided_on=_days,
    approved_with_revision=st.booleans(),
    previous_versions=st.lists(_text, max_size=3).map(tuple),
)


@given(st.one_of(_methodologies, _records))
def test_methodology_types_round_trip_through_json(value: Any) -> None:
    """Round-trips descriptors and approval records through the converter and JSON exactly."""
    assert structure(unstructure(value), type(value)) == value
    assert loads(dumps(value), type(value)) == value


def test_methodology_json_names_bad_fields() -> None:
    """Names the bad fields of a descriptor given as JSON by their paths."""
    with pytest.raises(InvalidInputError) as info:
        structure({"id": "awd-rice", "version": 1, "title": "AWD", "colour": "red"}, Methodology)
    assert {e.path for e in info.value.errors} == {"$.version", "$.colour"}
