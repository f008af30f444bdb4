"""Methodology descriptors, and the approval cycle of a proposed methodology.

A PDD names the approved methodology it applies by id and version (``PH_AM004`` version ``1.0``,
or a ``jcm`` methodology such as ``awd-rice``); :class:`Methodology` is that descriptor. The
calculation itself lives in :mod:`jcm.methodologies`.

A proposed methodology goes through the steps of ``shared/reference/rules.md`` §2.3.1, as pure
transitions like those of the project cycle (:mod:`jcm.core.cycle`: role first, then state, then
guards)::

    SUBMITTED --completeness_ok--> PUBLIC_INPUT --close (>= 15 d)--> UNDER_CONSIDERATION
        |                                                              |  approve / approve with
        +--completeness_fail--> INCOMPLETE                              |  revision -> APPROVED
                                                                       +- reject -> REJECTED
    APPROVED --revise--> APPROVED (new version)

The secretariat's completeness check is due within 7 days of submission, and the Joint Committee's
consideration within 60 days of the close of public input, extendable to 90 (rules.md §2.4,
OECC-FAQ). Missing those is not a reason to refuse a step: :func:`overdue` reports it as
:class:`~jcm.errors.Problem` findings. The secretariat acts with ``Role.JOINT_COMMITTEE``.

Worked example (PH_AM004, approved on 2025-02-03 per partners.md; the dates before are made up)::

    >>> import datetime as dt
    >>> from jcm.core.party import Role
    >>> PP, JC = Role.PROJECT_PARTICIPANT, Role.JOINT_COMMITTEE
    >>> m = Methodology("PH_AM004", "1.0", "Water management in rice paddies", sector="agriculture")
    >>> rec = submit_methodology(PP, m, dt.date(2024, 10, 1), partner="PHL")
    >>> rec = completeness_ok(rec, JC, dt.date(2024, 10, 7))
    >>> rec = close_methodology_public_input(rec, JC, dt.date(2024, 10, 22))
    >>> deadline(rec)
    datetime.date(2024, 12, 21)
    >>> [p.code for p in overdue(rec, dt.date(2025, 1, 1))]
    ['CONSIDERATION_OVERDUE']
    >>> approve_methodology(rec, JC, dt.date(2025, 2, 3)).state
    <MethodologyState.APPROVED: 'approved'>
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any, Final

import attrs

from jcm.core.cycle import Transition, check_actor, check_source
from jcm.core.party import Role
from jcm.core.ruleset import DEFAULT_RULESET, Ruleset
from jcm.core.validators import date_value, instance_of, non_empty_text, optional_party_code, text
from jcm.errors import CycleTransitionError, InvalidValueError, Problem, Severity

__all__ = [
    "METHODOLOGY_ID",
    "METHODOLOGY_TRANSITIONS",
    "Methodology",
    "MethodologyRecord",
    "MethodologyState",
    "approve_methodology",
    "approve_methodology_with_revision",
    "close_methodology_public_input",
    "completeness_fail",
    "completeness_ok",
    "deadline",
    "extend_consideration",
    "overdue",
    "reject_methodology",
    "revise_methodology",
    "submit_methodology",
]

METHODOLOGY_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
"""A methodology id: letters, digits, ``_``, ``.`` and ``-`` (``PH_AM004``, ``awd-rice``)."""


def _identifier(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not METHODOLOGY_ID.match(value):
        raise InvalidValueError(
            attribute.name,
            value,
            "must be a methodology id of letters, digits, '_', '.' or '-' (PH_AM004, awd-rice)",
        )


def _ids(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidValueError(attribute.name, value, "must be a tuple of methodology ids")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise InvalidValueError(f"{attribute.name}[{index}]", item, "must be a non-empty id")


def _optional_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        date_value(_instance, attribute, value)


@attrs.frozen
class Methodology:
    """An approved (or proposed) methodology as a PDD names it.

    Parameters
    ----------
    id
        The methodology's id: a JC reference (``"PH_AM004"``) or a ``jcm`` id (``"awd-rice"``).
    version
        Its version (``"1.0"``; JCM documents write ``Ver01.0``).
    title
        Its title.
    follows
        Ids of the methodologies whose structure it follows (``("PH_AM004",)``).
    sector
        Its sector, free text (``"agriculture"``).
    """

    id: str = attrs.field(validator=_identifier)
    version: str = attrs.field(validator=non_empty_text)
    title: str = attrs.field(validator=text)
    follows: tuple[str, ...] = attrs.field(default=(), validator=_ids)
    sector: str = attrs.field(default="", validator=text)


class MethodologyState(enum.Enum):
    """The states of a proposed methodology (rules.md §2.3.1)."""

    SUBMITTED = "submitted"
    """The proposed methodology form and spreadsheet are submitted."""
    INCOMPLETE = "incomplete"
    """The secretariat found the submission incomplete (terminal; submit again)."""
    PUBLIC_INPUT = "public_input"
    """Published for public input (15 days)."""
    UNDER_CONSIDERATION = "under_consideration"
    """The Joint Committee considers it (about 60 days, extendable to 90)."""
    APPROVED = "approved"
    """Approved by the Joint Committee (with or without revisions)."""
    REJECTED = "rejected"
    """Rejected by the Joint Committee (terminal)."""


_S = MethodologyState
_PP = Role.PROJECT_PARTICIPANT
_JC = Role.JOINT_COMMITTEE

METHODOLOGY_TRANSITIONS: Final[tuple[Transition, ...]] = (
    Transition("submit_methodology", _PP, frozenset(), _S.SUBMITTED,
               "§2.3.1 submit_methodology"),
    Transition("completeness_ok", _JC, frozenset({_S.SUBMITTED}), _S.PUBLIC_INPUT,
               "§2.3.1 completeness_ok (secretariat, within 7 days)"),
    Transition("completeness_fail", _JC, frozenset({_S.SUBMITTED}), _S.INCOMPLETE,
               "§2.3.1 completeness_fail (secretariat, within 7 days)"),
    Transition("close_methodology_public_input", _JC, frozenset({_S.PUBLIC_INPUT}),
               _S.UNDER_CONSIDERATION, "§2.3.1 public_input_closed (15 days)",
               ("PUBLIC_INPUT_OPEN",)),
    Transition("extend_consideration", _JC, frozenset({_S.UNDER_CONSIDERATION}),
               _S.UNDER_CONSIDERATION, "§2.3.1, §2.4 consideration extendable to 90 days",
               ("CONSIDERATION_ALREADY_EXTENDED",)),
    Transition("approve_methodology", _JC, frozenset({_S.UNDER_CONSIDERATION}), _S.APPROVED,
               "§2.3.1 approve"),
    Transition("approve_methodology_with_revision", _JC, frozenset({_S.UNDER_CONSIDERATION}),
               _S.APPROVED, "§2.3.1 approve_with_revision (e.g. CR_AM002)"),
    Transition("reject_methodology", _JC, frozenset({_S.UNDER_CONSIDERATION}), _S.REJECTED,
               "§2.3.1 reject"),
    Transition("revise_methodology", _PP, frozenset({_S.APPROVED}), _S.APPROVED,
               "§2.3.1 revise (Approved Methodology Revision Request, form 3.11)",
               ("VERSION_EXISTS",), frozenset({_JC})),
)  # fmt: skip
"""Every step of a methodology's approval (rules.md §2.3.1)."""

_BY_EVENT: Final = {t.event: t for t in METHODOLOGY_TRANSITIONS}


@attrs.frozen
class MethodologyRecord:
    """A proposed methodology and where it stands in its approval (rules.md §2.3.1).

    Parameters
    ----------
    methodology
        The descriptor (the revised one once approved with revisions or revised).
    state
        Its ``MethodologyState``.
    submitted_on
        Day of submission; the completeness check is due 7 days later.
    partner
        ISO alpha-3 code of the partner whose Joint Committee considers it, if known.
    completeness_checked_on
        Day of the secretariat's completeness check.
    public_input_start, public_input_end
        When its public input started and closed; consideration starts at the close.
    consideration_extended
        True once the JC extended its consideration (60 to 90 days by default).
    decided_on
        Day of the JC's decision, or of the latest revision.
    approved_with_revision
        True when the JC approved it with revisions.
    previous_versions
        Versions it replaced by revision, oldest first.
    """

    methodology: Methodology = attrs.field(validator=instance_of(Methodology))
    state: MethodologyState = attrs.field(validator=instance_of(MethodologyState))
    submitted_on: dt.date = attrs.field(validator=date_value)
    partner: str | None = attrs.field(default=None, validator=optional_party_code)
    completeness_checked_on: dt.date | None = attrs.field(default=None, validator=_optional_date)
    public_input_start: dt.date | None = attrs.field(default=None, validator=_optional_date)
    public_input_end: dt.date | None = attrs.field(default=None, validator=_optional_date)
    consideration_extended: bool = False
    decided_on: dt.date | None = attrs.field(default=None, validator=_optional_date)
    approved_with_revision: bool = False
    previous_versions: tuple[str, ...] = attrs.field(default=(), validator=_ids)


def _step(event: str, role: Role, rec: MethodologyRecord | None = None) -> Transition:
    step = check_actor(_BY_EVENT[event], role)
    if rec is not None:
        subject = f"methodology {rec.methodology.id!r} version {rec.methodology.version!r}"
        check_source(step, subject, rec.state)
    return step


def _state(step: Transition) -> MethodologyState:
    if not isinstance(step.target, MethodologyState):  # pragma: no cover - the table is fixed
        raise TypeError(f"{step.event} does not lead to a MethodologyState")
    return step.target


def _day(field: str, value: object, not_before: dt.date | None, what: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidValueError(field, value, "must be a date (YYYY-MM-DD)")
    if not_before is not None and value < not_before:
        raise InvalidValueError(
            field, value.isoformat(), f"must not precede {what} ({not_before.isoformat()})"
        )
    return value


def submit_methodology(
    role: Role, methodology: Methodology, on: dt.date, *, partner: str | None = None
) -> MethodologyRecord:
    """A methodology proponent submits a proposed methodology on day ``on`` (§2.3.1)."""
    step = _step("submit_methodology", role)
    if not isinstance(methodology, Methodology):
        raise InvalidValueError("methodology", methodology, "must be a Methodology")
    day = _day("on", on, None, "")
    return MethodologyRecord(
        methodology=methodology, state=_state(step), submitted_on=day, partner=partner
    )


def completeness_ok(rec: MethodologyRecord, role: Role, on: dt.date) -> MethodologyRecord:
    """The secretariat finds the submission complete; public input starts on ``on`` (§2.3.1)."""
    step = _step("completeness_ok", role, rec)
    day = _day("on", on, rec.submitted_on, "the submission")
    return attrs.evolve(
        rec, state=_state(step), completeness_checked_on=day, public_input_start=day
    )


def completeness_fail(rec: MethodologyRecord, role: Role, on: dt.date) -> MethodologyRecord:
    """The secretariat finds the submission incomplete: ``INCOMPLETE`` (§2.3.1)."""
    step = _step("completeness_fail", role, rec)
    day = _day("on", on, rec.submitted_on, "the submission")
    return attrs.evolve(rec, state=_state(step), completeness_checked_on=day)


def close_methodology_public_input(
    rec: MethodologyRecord, role: Role, on: dt.date, ruleset: Ruleset = DEFAULT_RULESET
) -> MethodologyRecord:
    """Close the public input on day ``on``: ``UNDER_CONSIDERATION`` (§2.3.1, §2.4).

    Guard: ``on`` is at least ``methodology_public_input_days`` (15 by default) after the start
    (``PUBLIC_INPUT_OPEN``, naming ``on``).
    """
    step = _step("close_methodology_public_input", role, rec)
    day = _day("on", on, None, "")
    start = rec.public_input_start
    closes = ruleset.methodology_public_input_closes(start) if start is not None else None
    if closes is None or day < closes:
        raise CycleTransitionError(
            f"{step.event}: on: {day.isoformat()!r} is refused: the public input started "
            f"{start.isoformat() if start else '(never)'} lasts "
            f"{ruleset.methodology_public_input_days} days",
            code="PUBLIC_INPUT_OPEN",
            field="on",
            value=day.isoformat(),
            rule=f"may close on {closes.isoformat() if closes else '(never)'} at the earliest "
            f"(rules.md §2.4)",
        )
    return attrs.evolve(rec, state=_state(step), public_input_end=day)


def extend_consideration(rec: MethodologyRecord, role: Role) -> MethodologyRecord:
    """The JC extends its consideration (60 to 90 days by default; §2.4), once.

    Guard: not extended already (``CONSIDERATION_ALREADY_EXTENDED``).
    """
    step = _step("extend_consideration", role, rec)
    if rec.consideration_extended:
        raise CycleTransitionError(
            f"{step.event}: consideration_extended: True is refused: it was extended already",
            code="CONSIDERATION_ALREADY_EXTENDED",
            field="consideration_extended",
            value=True,
            rule="the consideration may be extended once, to the ruleset's maximum",
        )
    return attrs.evolve(rec, consideration_extended=True)


def approve_methodology(rec: MethodologyRecord, role: Role, on: dt.date) -> MethodologyRecord:
    """The JC approves the methodology on day ``on``: ``APPROVED`` (§2.3.1)."""
    step = _step("approve_methodology", role, rec)
    day = _day("on", on, rec.public_input_end, "the close of public input")
    return attrs.evolve(rec, state=_state(step), decided_on=day)


def approve_methodology_with_revision(
    rec: MethodologyRecord, role: Role, on: dt.date, revised: Methodology
) -> MethodologyRecord:
    """The JC approves the methodology with revisions: ``APPROVED`` as ``revised`` (§2.3.1).

    ``revised`` keeps the id of the proposal (``INVALID_VALUE`` naming ``revised.id``).
    """
    step = _step("approve_methodology_with_revision", role, rec)
    day = _day("on", on, rec.public_input_end, "the close of public input")
    if not isinstance(revised, Methodology):
        raise InvalidValueError("revised", revised, "must be a Methodology")
    if revised.id != rec.methodology.id:
        raise InvalidValueError(
            "revised.id", revised.id, f"must be the proposal's id {rec.methodology.id!r}"
        )
    return attrs.evolve(
        rec, state=_state(step), methodology=revised, decided_on=day, approved_with_revision=True
    )


def reject_methodology(rec: MethodologyRecord, role: Role, on: dt.date) -> MethodologyRecord:
    """The JC rejects the methodology on day ``on``: ``REJECTED`` (§2.3.1)."""
    step = _step("reject_methodology", role, rec)
    day = _day("on", on, rec.public_input_end, "the close of public input")
    return attrs.evolve(rec, state=_state(step), decided_on=day)


def revise_methodology(
    rec: MethodologyRecord,
    role: Role,
    version: str,
    on: dt.date,
    *,
    title: str | None = None,
    follows: tuple[str, ...] | None = None,
) -> MethodologyRecord:
    """Revise an approved methodology to a new ``version`` (form 3.11; §2.3.1).

    Role: a project participant or the JC. Guard: ``version`` is new (``VERSION_EXISTS``).
    """
    step = _step("revise_methodology", role, rec)
    day = _day("on", on, rec.decided_on, "the approval")
    if not isinstance(version, str) or not version.strip():
        raise InvalidValueError("version", version, "must be a non-empty version string")
    if version == rec.methodology.version or version in rec.previous_versions:
        raise CycleTransitionError(
            f"{step.event}: version: {version!r} is refused: {rec.methodology.id} already had it",
            code="VERSION_EXISTS",
            field="version",
            value=version,
            rule="a revision makes a new version",
        )
    revised = attrs.evolve(
        rec.methodology,
        version=version,
        title=rec.methodology.title if title is None else title,
        follows=rec.methodology.follows if follows is None else follows,
    )
    return attrs.evolve(
        rec,
        state=_state(step),
        methodology=revised,
        decided_on=day,
        previous_versions=(*rec.previous_versions, rec.methodology.version),
    )


def deadline(rec: MethodologyRecord, ruleset: Ruleset = DEFAULT_RULESET) -> dt.date | None:
    """The day by which the current stage is due (rules.md §2.4), or None when nothing is due.

    ``SUBMITTED``: the completeness check (submission + 7 days); ``PUBLIC_INPUT``: the first day
    the public input may close (start + 15 days); ``UNDER_CONSIDERATION``: the JC's decision
    (close of public input + 60 days, or + 90 once extended).
    """
    if rec.state is MethodologyState.SUBMITTED:
        return ruleset.methodology_completeness_due(rec.submitted_on)
    if rec.state is MethodologyState.PUBLIC_INPUT and rec.public_input_start is not None:
        return ruleset.methodology_public_input_closes(rec.public_input_start)
    if rec.state is MethodologyState.UNDER_CONSIDERATION and rec.public_input_end is not None:
        return ruleset.methodology_consideration_due(
            rec.public_input_end, extended=rec.consideration_extended
        )
    return None


_OVERDUE_CODES: Final = {
    MethodologyState.SUBMITTED: ("COMPLETENESS_CHECK_OVERDUE", "the completeness check"),
    MethodologyState.PUBLIC_INPUT: ("PUBLIC_INPUT_NOT_CLOSED", "the close of public input"),
    MethodologyState.UNDER_CONSIDERATION: ("CONSIDERATION_OVERDUE", "the JC's decision"),
}


def overdue(
    rec: MethodologyRecord, today: dt.date, ruleset: Ruleset = DEFAULT_RULESET
) -> tuple[Problem, ...]:
    """Warnings for a stage past its deadline on ``today`` (rules.md §2.4); never raises on them.

    Codes: ``COMPLETENESS_CHECK_OVERDUE`` (more than 7 days after submission),
    ``PUBLIC_INPUT_NOT_CLOSED`` (public input past its 15 days), ``CONSIDERATION_OVERDUE``
    (more than 60 days, or 90 once extended, after the close of public input).
    """
    day = _day("today", today, None, "")
    due = deadline(rec, ruleset)
    if due is None or day <= due:
        return ()
    code, what = _OVERDUE_CODES[rec.state]
    subject = f"{rec.methodology.id} {rec.methodology.version}"
    return (
        Problem(
            code=code,
            message=f"{subject}: {what} was due by {due.isoformat()}; on {day.isoformat()} it "
            f"is {(day - due).days} days late (rules.md §2.4)",
            severity=Severity.WARNING,
            field="state",
            subject=subject,
        ),
    )
