"""The figures the demo reports, read from a registry (its state and its journal) after the run.

Everything here is read back from the registry, never carried over from the requests, so a
second run on the same file, which changes nothing, reports the same figures; and the report's
totals are the registry's: issued per project is the sum of its allocation lines, the balances of
all accounts add up to what was issued, and the fees are those the journal charged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import attrs

from jcm.article6 import view
from jcm.article6.adjustment import Adjustment, corresponding_adjustment
from jcm.article6.shk import ShkReport, ShkUse, shk_report
from jcm.core.period import MonitoringPeriod
from jcm.errors import JcmError, Problem
from jcm.registry.engine import Registry

__all__ = [
    "AccountFigures",
    "AefFigures",
    "DemoFigures",
    "IssuedLine",
    "MoveFigures",
    "PeriodFigures",
    "ProjectFigures",
    "Refusal",
    "display",
    "gather",
    "refusal_of",
]

_MOVES = ("transfer", "retire", "cancel", "freeze", "unfreeze", "request_certificate")


@attrs.frozen
class ProjectFigures:
    """A project: id, partner, title, methodology (id and version), state, allocation."""

    project: str
    partner: str
    title: str
    methodology: str
    state: str
    allocation: tuple[tuple[str, str, str], ...]
    """``(party, account, share in %)`` lines of the Credit Allocation Form."""


@attrs.frozen
class PeriodFigures:
    """A monitoring period: its calculation [tCO2e], verification and JC decision by vintage."""

    project: str
    period: MonitoringPeriod
    reference_emissions: float
    project_emissions: float
    leakage_emissions: float
    emission_reductions_exact: float
    calculated: int
    verified: int
    decided: tuple[tuple[int, int], ...]


@attrs.frozen
class IssuedLine:
    """Credits issued to one allocation line of a project, over all its periods [tCO2e]."""

    project: str
    party: str
    account: str
    share: str
    issued: int


@attrs.frozen
class MoveFigures:
    """A request after issuance (transfer, retire, cancel, certificate, freeze) from the journal."""

    on: dt.date
    type: str
    actor: str
    source: str
    target: str
    quantity: int
    fee: int
    note: str


@attrs.frozen
class AccountFigures:
    """An account and its balance [tCO2e]."""

    account: str
    party: str
    registry: str
    kind: str
    holder: str
    frozen: bool
    balance: int


@attrs.frozen
class Refusal:
    """A request the engine refused: what was asked, the error code and message."""

    request: str
    code: str
    message: str


@attrs.frozen
class AefFigures:
    """A Party's AEF for one year: rows per table, actions by type, and its checks per year."""

    party: str
    year: int
    tables: tuple[tuple[str, int], ...]
    actions: tuple[tuple[str, int, int], ...]
    """``(action type, rows, quantity [tCO2e])``."""
    checks: tuple[tuple[int, tuple[Problem, ...]], ...]
    """``(reported year, problems of C01-C12)`` for every year with entries."""


@attrs.frozen
class DemoFigures:
    """Everything the demo's report shows, read from the registry."""

    entries: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    parties: tuple[tuple[str, str, str, int], ...]
    """``(party, registry id, administrator, accounts)``."""
    projects: tuple[ProjectFigures, ...]
    periods: tuple[PeriodFigures, ...]
    issued: tuple[IssuedLine, ...]
    moves: tuple[MoveFigures, ...]
    refusal: Refusal | None
    accounts: tuple[AccountFigures, ...]
    issued_total: int
    fees: tuple[tuple[str, int], ...]
    """``(payer, fees [JPY])`` of every principal charged."""
    authorizations: tuple[tuple[str, str, str, tuple[int, ...], tuple[str, ...]], ...]
    """``(authorization, party, project, vintages, purposes)``."""
    adjustments: tuple[Adjustment, ...]
    aef: AefFigures
    shk_uses: tuple[ShkUse, ...]
    shk_holdings: ShkReport
    problems: tuple[Problem, ...]

    @property
    def fees_total(self) -> int:
        """All fees charged [JPY]."""
        return sum(fee for _, fee in self.fees)

    @property
    def held_total(self) -> int:
        """Credits held in all accounts, retirement and cancellation accounts included [tCO2e]."""
        return sum(a.balance for a in self.accounts)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _period(data: dict[str, Any]) -> MonitoringPeriod:
    return MonitoringPeriod(_date(data["start"]), _date(data["end"]))


def _projects(registry: Registry, order: Iterable[str]) -> tuple[ProjectFigures, ...]:
    out = []
    for project_id in order:
        rec = registry.project(project_id)
        out.append(
            ProjectFigures(
                project_id,
                rec.project.partner,
                rec.project.title,
                f"{rec.methodology} {rec.methodology_version}",
                rec.state.value,
                tuple((a.party, a.account, f"{a.share.normalize():f}") for a in rec.allocation),
            )
        )
    return tuple(out)


def _move(entry: Any, registry_of: dict[str, str]) -> MoveFigures:
    request, effects = entry.request, entry.effects
    kind = request["type"]
    on = entry.at.astimezone(dt.UTC).date()
    if kind in ("freeze", "unfreeze"):
        note = "disposal restriction recorded" if kind == "freeze" else "restriction released"
        return MoveFigures(on, kind, entry.actor, effects["account"], "", 0, entry.fee, note)
    if kind == "request_certificate":
        balance = effects["certificate"]["balance"]
        note = f"certificate of the account's records (balance {balance:,})"
        return MoveFigures(on, kind, entry.actor, effects["account"], "", 0, entry.fee, note)
    notes = []
    if effects.get("international"):
        registries = sorted({r for r, _, _ in effects["serials"]})
        target = registry_of.get(effects["to"], "?")
        notes.append(f"international: {', '.join(registries)} -> {target}")
    if "beneficiary" in effects:
        notes.append(f"for {effects['beneficiary']}")
    if "ndc_year" in effects:
        notes.append(f"NDC {effects['ndc_year']}")
    if "purpose" in effects:
        notes.append(f"purpose: {effects['purpose']}")
    return MoveFigures(
        on,
        kind,
        entry.actor,
        effects["from"],
        effects["to"],
        int(effects["quantity"]),
        entry.fee,
        "; ".join(notes),
    )


def _journal(
    registry: Registry,
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], int], list[MoveFigures]]:
    """Calculations by (project, period start), issued by (project, account), and the moves."""
    calculations: dict[tuple[str, str], dict[str, Any]] = {}
    issued: dict[tuple[str, str], int] = {}
    moves: list[MoveFigures] = []
    registry_of = {a.id: a.registry for a in registry.accounts()}
    for entry in registry.store.entries():
        request = entry.request
        kind = request.get("type")
        if kind == "submit_monitoring_report" and "calculation" in request:
            calculations[(request["project"], request["period"]["start"])] = request["calculation"]
        elif kind == "issue":
            for account, _vintage, start, end in entry.effects["blocks"]:
                key = (request["project"], account)
                issued[key] = issued.get(key, 0) + end - start + 1
        elif kind in _MOVES:
            moves.append(_move(entry, registry_of))
    return calculations, issued, moves


def _periods(
    registry: Registry, projects: Iterable[str], calculations: dict[tuple[str, str], Any]
) -> tuple[PeriodFigures, ...]:
    out = []
    for project_id in projects:
        for rec in registry.periods(project_id):
            calc = calculations.get((project_id, rec.period.start.isoformat()), {})
            out.append(
                PeriodFigures(
                    project_id,
                    rec.period,
                    float(calc.get("reference_emissions", 0.0)),
                    float(calc.get("project_emissions", 0.0)),
                    float(calc.get("leakage_emissions", 0.0)),
                    float(calc.get("emission_reductions_exact", 0.0)),
                    rec.calculated_reductions or 0,
                    rec.verified_reductions or 0,
                    rec.quantities_by_vintage,
                )
            )
    return tuple(sorted(out, key=lambda p: (p.period.end, p.project)))


def _aef(registry: Registry, party: str, year: int, submitted_on: dt.date) -> AefFigures:
    years = sorted({e.at.astimezone(dt.UTC).year for e in registry.store.entries()})
    checks = []
    shown = None
    for y in years:
        bundle = view.aef_bundle(registry, party, y, submitted_on=submitted_on)
        checks.append((y, tuple(bundle.check())))
        if y == year:
            shown = bundle
    if shown is None:
        shown = view.aef_bundle(registry, party, year, submitted_on=submitted_on)
    tables = tuple((name, len(rows)) for name, _headers, rows in shown.report.tables())
    by_type: dict[str, tuple[int, int]] = {}
    for row in shown.report.actions:
        cells = row.as_dict()
        kind = cells["Action type"]
        rows, quantity = by_type.get(kind, (0, 0))
        by_type[kind] = (rows + 1, quantity + int(cells["Quantity (t CO2 eq)"]))
    actions = tuple((kind, rows, quantity) for kind, (rows, quantity) in by_type.items())
    return AefFigures(party, year, tables, actions, tuple(checks))


def gather(
    registry: Registry,
    *,
    projects: Iterable[str],
    refusal: Refusal | None,
    aef_party: str,
    aef_year: int,
    shk_account: str,
) -> DemoFigures:
    """Read the demo's figures from ``registry`` (read only).

    Parameters
    ----------
    registry
        The demo's registry, after the run.
    projects
        The projects to list, in order.
    refusal
        The request the engine refused on purpose, if any.
    aef_party, aef_year
        The Party and reported year of the AEF to summarise.
    shk_account
        The account whose SHK eligibility is listed.
    """
    project_ids = tuple(projects)
    calculations, issued, moves = _journal(registry)
    figures_projects = _projects(registry, project_ids)
    issued_lines = tuple(
        IssuedLine(p.project, party, account, share, issued.get((p.project, account), 0))
        for p in figures_projects
        for party, account, share in p.allocation
    )
    accounts = tuple(
        AccountFigures(
            a.id, a.party, a.registry, a.kind.value, a.holder, a.frozen, registry.balance(a.id)
        )
        for a in registry.accounts()
    )
    parties = tuple(
        (p.party, p.registry_id, p.administrator, len(registry.accounts(p.party)))
        for p in registry.parties()
    )
    payers = [p for p in registry.state.principals if registry.fees_paid(p)]
    positions = view.credit_positions(registry)
    ndcs = view.ndcs(registry)
    adjustments = tuple(
        corresponding_adjustment(positions, p.party, ndcs=ndcs) for p in registry.parties()
    )
    last = registry.state.last_at
    submitted_on = last.astimezone(dt.UTC).date() if last is not None else dt.date(2026, 12, 31)
    entries = list(registry.store.entries())
    return DemoFigures(
        entries=len(entries),
        first_at=entries[0].at if entries else None,
        last_at=last,
        parties=parties,
        projects=figures_projects,
        periods=_periods(registry, project_ids, calculations),
        issued=issued_lines,
        moves=tuple(moves),
        refusal=refusal,
        accounts=accounts,
        issued_total=sum(registry.issued().values()),
        fees=tuple((p, registry.fees_paid(p)) for p in payers),
        authorizations=tuple(
            (a.id, a.party, a.project, tuple(sorted(a.vintages)), tuple(sorted(a.purposes)))
            for a in registry.authorizations()
        ),
        adjustments=adjustments,
        aef=_aef(registry, aef_party, aef_year, submitted_on),
        shk_uses=tuple(u for u in view.shk_uses(registry)),
        shk_holdings=shk_report(shk_account, view.shk_blocks(registry, shk_account)),
        problems=registry.verify(),
    )


def refusal_of(request: dict[str, Any], error: JcmError) -> Refusal:
    """A :class:`Refusal` from a refused request and the engine's error."""
    what = ", ".join(f"{k}={v}" for k, v in request.items() if k != "type")
    return Refusal(f"{request['type']} ({what})", error.code, error.message)


def display(amount: Fraction) -> str:
    """An exact amount for display: whole tonnes with separators, else two decimals."""
    if amount.denominator == 1:
        return f"{amount.numerator:,}"
    return f"{float(amount):,.2f}"
