"""The project-cycle requests of the registry: who may make them, and the record they lead to.

The registry records the JCM project cycle in the same journal as the credits (ARCHITECTURE.md,
"One engine, several registries"). The transitions themselves are the pure functions of
:mod:`jcm.core.cycle`; this module finds the record a request concerns in the registry's state,
adds the checks only the registry can make (the actor is one of the project's participants, or the
Joint Committee of the project's partner; the project exists; a monitoring report's calculation
was made with the PDD's methodology), applies the partner's ruleset, and returns the new record.
It changes nothing: the engine journals the step, then stores the record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jcm.core import cycle
from jcm.core.cycle import PeriodRecord, ProjectRecord
from jcm.core.party import Principal, Role
from jcm.core.project import Project, check_allocation
from jcm.core.ruleset import DEFAULT_RULESETS, Rulesets, ruleset_for
from jcm.errors import InvalidValueError, NotAuthorizedError, RegistryError
from jcm.registry.state import State, period_key

__all__ = ["advance", "cycle_effects", "period_record", "project_record"]


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
            rule="only the project's participants act for it (rules.md §2.1)",
        )


def _committee(p: Principal, rec: ProjectRecord, request_type: str) -> None:
    if p.party != rec.project.partner:
        raise NotAuthorizedError(
            f"{request_type}: {p.id!r} is not the Joint Committee of "
            f"{rec.project.partner} (project {rec.project.id!r})",
            code="NOT_PERMITTED",
            field="actor",
            value=p.id,
            rule="the Joint Committee of the project's partner decides (rules.md §2.1)",
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


def cycle_effects(rec: ProjectRecord | PeriodRecord) -> dict[str, Any]:
    """The journal effects of a cycle step: the project (and period) and its new state."""
    if isinstance(rec, ProjectRecord):
        return {"project": rec.project.id, "state": rec.state.value}
    return {
        "project": rec.project,
        "period": {"start": rec.period.start.isoformat(), "end": rec.period.end.isoformat()},
        "state": rec.state.value,
    }


def advance(
    state: State, p: Principal, r: Any, rulesets: Rulesets = DEFAULT_RULESETS
) -> ProjectRecord | PeriodRecord:
    """The project or period record after a cycle request (raises on any rule).

    ``rulesets`` gives the periods of the project's partner (rules.md §2.4).
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
                rule="a PIN is submitted by one of its participants (rules.md §2.1)",
            )
        if r.project in state.projects:
            raise RegistryError(
                f"submit_pin: project {r.project!r} already exists",
                code="CYCLE_TRANSITION",
                field="project",
            )
        project = Project(r.project, r.partner, r.title, r.sector, tuple(r.participants))
        return cycle.submit_pin(role, project)
    if kind == "submit_pdd":
        check_allocation(r.allocation)  # ALLOCATION_NOT_100 comes before NO_SUCH_PROJECT
    rec = project_record(state, r.project)
    if kind in ("submit_pdd", "submit_monitoring_report", "request_issuance"):
        _participant(p, rec, kind)
    elif role is Role.JOINT_COMMITTEE:
        _committee(p, rec, kind)
    if kind == "decide_no_objection":
        return cycle.decide_no_objection(rec, role)
    if kind == "submit_pdd":
        return cycle.submit_pdd(
            rec,
            role,
            methodology=r.methodology,
            methodology_version=r.methodology_version,
            crediting_period=r.crediting_period,
            allocation=r.allocation,
        )
    if kind == "start_public_input":
        return cycle.start_public_input(rec, role, r.on)
    if kind == "close_public_input":
        return cycle.close_public_input(
            rec, role, r.on, ruleset_for(rec.project.partner, rulesets=rulesets)
        )
    if kind == "submit_validation_report":
        return cycle.submit_validation_report(rec, role, r.positive)
    if kind == "register_project":
        return cycle.register_project(rec, role)
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
        return record
    prec = period_record(state, r.project, r.period.start, r.period.end)
    if kind == "submit_verification_report":
        return cycle.submit_verification_report(prec, role, r.verified_reductions)
    if kind == "request_issuance":
        return cycle.request_issuance(prec, role, project=rec)
    if kind == "decide_issuance":
        return cycle.decide_issuance(prec, role, r.quantities_by_vintage.as_dict(), project=rec)
    raise InvalidValueError("type", kind, "is not a project-cycle request")  # pragma: no cover
