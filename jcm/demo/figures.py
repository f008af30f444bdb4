"""The figures the demo reports, read from a registry after the run.

Everything here is read back from the registry, never carried over from the requests, so a
second run on the same file, which changes nothing, reports the same figures; and the report's
totals are the registry's: issued per project is the sum of its allocation lines, the credits each
Party's registry issued are all somewhere (held, retired or cancelled), the balances of all
accounts add up to what was issued, and the fees are those the registry charged.

Where the figures come from
---------------------------
The registry's public views: :class:`jcm.registry.Registry` (``parties``, ``accounts``,
``balance``, ``holdings``, ``project``, ``periods``, ``issued``, ``authorizations``,
``fees_paid``, ``principal``, ``history``, ``as_of``, ``verify``) and
:mod:`jcm.article6.view` (credit positions, NDCs, SHK uses and blocks, AEF bundles). No view gives
three things the report shows: the calculation attached to a monitoring report (reference and
project emissions), a retirement's beneficiary and a cancellation's purpose, and the time of the
first entry. :func:`_asked` alone reads them, from the journal's requests decoded by the public
:func:`jcm.registry.parse_request`; nothing here reads an entry's ``effects``.

Worked example (the demo's flow of Japan's registry, docs/rules.md §4.5 conservation): JPN01
issued 70,146 credits; 1,500 of them lie in the retirement account, 1,000 in the cancellation
account, and 67,646 in holding accounts, so ``issued = held + retired + cancelled``. The 1,000
credits Viet Nam's registry transferred to a Japanese account stay VNM01 credits: they count as
held, in another Party's registry, in Viet Nam's row.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from fractions import Fraction

import attrs

from jcm.article6 import view
from jcm.article6.adjustment import corresponding_adjustment
from jcm.article6.ndc import CaMethod
from jcm.article6.shk import ShkReport, ShkUse, shk_report
from jcm.core.account import AccountKind
from jcm.core.period import MonitoringPeriod
from jcm.errors import JcmError, Problem
from jcm.registry import (
    HistoryRecord,
    Registry,
    SubmitMonitoringReportRequest,
    parse_request,
)

__all__ = [
    "AccountFigures",
    "AdjustmentFigures",
    "AefFigures",
    "AuthorizationFigures",
    "DemoFigures",
    "FlowFigures",
    "IssuedLine",
    "MoveFigures",
    "PartyFigures",
    "PeriodFigures",
    "ProjectFigures",
    "Refusal",
    "display",
    "gather",
    "refusal_of",
]

_MOVES = ("transfer", "retire", "cancel", "freeze", "unfreeze", "request_certificate")
"""The request types listed among the moves (after issuance)."""


@attrs.frozen
class PartyFigures:
    """A Party, its registry's id and administrator, and how many accounts the registry has."""

    party: str
    registry: str
    administrator: str
    accounts: int


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
    """A request after issuance (transfer, retire, cancel, certificate, freeze).

    ``source`` is the account debited, or the account concerned by a freeze or a certificate;
    ``target`` the account credited (``""`` when none); the registries are those of the two
    accounts. ``beneficiary`` and ``ndc_year`` belong to a retirement, ``purpose`` to a
    cancellation, ``balance`` [tCO2e] to a certificate.
    """

    on: dt.date
    type: str
    actor: str
    source: str
    target: str
    quantity: int
    fee: int
    source_registry: str
    target_registry: str
    beneficiary: str | None = None
    ndc_year: int | None = None
    purpose: str | None = None
    balance: int | None = None

    @property
    def international(self) -> bool:
        """True for a move between the registries of two Parties."""
        return bool(self.target_registry) and self.target_registry != self.source_registry


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
class FlowFigures:
    """Where the credits one Party's registry issued are now [tCO2e].

    Every credit issued lies in exactly one account (docs/rules.md §4.5), so
    ``issued == held + retired + cancelled``; ``held_elsewhere`` is the part of ``held`` that
    lies in another Party's registry (moved there by an international transfer).
    """

    party: str
    registry: str
    issued: int
    held: int
    held_elsewhere: int
    retired: int
    cancelled: int

    @property
    def accounted(self) -> int:
        """``held + retired + cancelled`` [tCO2e]: equals ``issued`` when nothing is lost."""
        return self.held + self.retired + self.cancelled


@attrs.frozen
class AuthorizationFigures:
    """An authorization (Art. 6.3), as AEF Table 2 shows it."""

    authorization: str
    party: str
    project: str
    vintages: tuple[int, ...]
    purposes: tuple[str, ...]
    sectors: tuple[str, ...]
    activity_types: tuple[str, ...]


@attrs.frozen
class AdjustmentFigures:
    """A Party's corresponding adjustment over its NDC period (docs/rules.md §7.5).

    ``credits`` is what the adjustment covers over the whole period and ``amount`` what it
    applies [tCO2e, exact]: with averaging the amount is ``credits / years`` for the NDC year,
    otherwise the two are equal.
    """

    party: str
    ndc_period: tuple[int, int]
    averaging: bool
    credits: Fraction
    amount: Fraction
    subtracted: bool
    by_counterpart: tuple[tuple[str, Fraction], ...]


@attrs.frozen
class AefFigures:
    """A Party's AEF for one year (rows per table, actions by type), and every AEF's checks."""

    party: str
    year: int
    tables: tuple[tuple[str, int], ...]
    actions: tuple[tuple[str, int, int], ...]
    """``(action type, rows, quantity [tCO2e])``."""
    checks: tuple[tuple[str, int, tuple[Problem, ...]], ...]
    """``(Party, reported year, problems of C01-C12)`` for every Party and every year with
    entries."""


@attrs.frozen
class Refusal:
    """A request the engine refused: what was asked, the error code and message."""

    type: str
    actor: str
    source: str
    target: str
    quantity: int
    code: str
    message: str


@attrs.frozen
class DemoFigures:
    """Everything the demo's report shows, read from the registry."""

    entries: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    parties: tuple[PartyFigures, ...]
    projects: tuple[ProjectFigures, ...]
    periods: tuple[PeriodFigures, ...]
    issued: tuple[IssuedLine, ...]
    moves: tuple[MoveFigures, ...]
    refusal: Refusal | None
    accounts: tuple[AccountFigures, ...]
    flows: tuple[FlowFigures, ...]
    issued_total: int
    fees: tuple[tuple[str, int], ...]
    """``(payer, fees [JPY])`` of every principal charged."""
    authorizations: tuple[AuthorizationFigures, ...]
    adjustments: tuple[AdjustmentFigures, ...]
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

    def party(self, code: str) -> PartyFigures:
        """The figures of the Party ``code``."""
        return next(p for p in self.parties if p.party == code)


@attrs.frozen
class _Asked:
    """What the journal's requests say and no registry view gives (see :func:`_asked`)."""

    first_at: dt.datetime | None
    last_at: dt.datetime | None
    years: tuple[int, ...]
    calculations: dict[tuple[str, dt.date], SubmitMonitoringReportRequest]


def _asked(registry: Registry) -> _Asked:
    """The one read of the journal: the requests, decoded by :func:`parse_request`.

    It gives the times of the first and last entries, the years with entries and the
    calculation attached to each monitoring report (by project and period start).
    """
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None
    years: set[int] = set()
    calculations: dict[tuple[str, dt.date], SubmitMonitoringReportRequest] = {}
    for entry in registry.entries():
        first_at = first_at or entry.at
        last_at = entry.at
        years.add(entry.at.astimezone(dt.UTC).year)
        if entry.type == "submit_monitoring_report":
            request = parse_request(entry.request)
            assert isinstance(request, SubmitMonitoringReportRequest)  # by its type
            calculations[(request.project, request.period.start)] = request
    return _Asked(first_at, last_at, tuple(sorted(years)), calculations)


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


def _periods(
    registry: Registry, projects: Iterable[str], asked: _Asked
) -> tuple[PeriodFigures, ...]:
    out = []
    for project_id in projects:
        for rec in registry.periods(project_id):
            report = asked.calculations.get((project_id, rec.period.start))
            calc = None if report is None else report.calculation
            out.append(
                PeriodFigures(
                    project_id,
                    rec.period,
                    (calc and calc.reference_emissions) or 0.0,
                    (calc and calc.project_emissions) or 0.0,
                    (calc and calc.leakage_emissions) or 0.0,
                    (calc and calc.emission_reductions_exact) or 0.0,
                    rec.calculated_reductions or 0,
                    rec.verified_reductions or 0,
                    rec.quantities_by_vintage,
                )
            )
    return tuple(sorted(out, key=lambda p: (p.period.end, p.project)))


def _histories(registry: Registry) -> dict[str, tuple[HistoryRecord, ...]]:
    """The history of every account (an entry that concerns two accounts is in both)."""
    return {account.id: registry.history(account.id) for account in registry.accounts()}


def _project_of_serials(registry: Registry) -> dict[str, list[tuple[int, int, str]]]:
    """``{registry: [(first serial, last serial, project), ...]}`` of every block held, sorted."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for account in registry.accounts():
        for block in registry.holdings(account.id):
            out.setdefault(block.registry, []).append(
                (block.serials.start, block.serials.end, block.project)
            )
    for blocks in out.values():
        blocks.sort()
    return out


def _issued_lines(
    registry: Registry,
    projects: tuple[ProjectFigures, ...],
    histories: dict[str, tuple[HistoryRecord, ...]],
) -> tuple[IssuedLine, ...]:
    """Credits issued per (project, account): the issuances in each account's history."""
    blocks = _project_of_serials(registry)
    issued: dict[tuple[str, str], int] = {}
    for account, records in histories.items():
        for record in records:
            if record.type != "issue":
                continue
            for registry_id, start, end in record.serials:
                ranges = blocks[registry_id]
                project = ranges[bisect.bisect_right(ranges, (start, end, "\uffff")) - 1][2]
                issued[(project, account)] = issued.get((project, account), 0) + end - start + 1
    return tuple(
        IssuedLine(p.project, party, account, share, issued.get((p.project, account), 0))
        for p in projects
        for party, account, share in p.allocation
    )


def _moves(
    registry: Registry, histories: dict[str, tuple[HistoryRecord, ...]], asked: _Asked
) -> tuple[MoveFigures, ...]:
    registry_of = {a.id: a.registry for a in registry.accounts()}
    seen: dict[int, tuple[str, HistoryRecord]] = {}  # entry -> (first account it names, record)
    for account, records in histories.items():
        for record in records:
            if record.type in _MOVES:
                seen.setdefault(record.entry, (account, record))
    out = []
    for _entry, (account, record) in sorted(seen.items()):
        source = record.source or account
        target = record.target or ""
        beneficiary = record.beneficiary
        purpose = record.purpose
        ndc_year = record.ndc_year
        balance: int | None = None
        if record.type == "request_certificate":
            balance = registry.as_of(record.at).balance(source)
        out.append(
            MoveFigures(
                record.at.astimezone(dt.UTC).date(),
                record.type,
                record.actor,
                source,
                target,
                record.quantity,
                record.fee,
                registry_of[source],
                registry_of.get(target, ""),
                beneficiary,
                ndc_year,
                purpose,
                balance,
            )
        )
    return tuple(out)


def _flows(registry: Registry) -> tuple[FlowFigures, ...]:
    """Where each registry's credits are, by the registry that issued them (docs/rules.md §4.5)."""
    issued: dict[str, int] = {}
    for (registry_id, _project, _vintage), quantity in registry.issued().items():
        issued[registry_id] = issued.get(registry_id, 0) + quantity
    place: dict[tuple[str, str], int] = {}  # (issuing registry, where) -> credits
    for account in registry.accounts():
        if account.kind is AccountKind.RETIREMENT:
            where = "retired"
        elif account.kind is AccountKind.CANCELLATION:
            where = "cancelled"
        else:
            where = "home"
        for block in registry.holdings(account.id):
            if where == "home" and block.registry != account.registry:
                where_now = "elsewhere"
            else:
                where_now = where
            key = (block.registry, where_now)
            place[key] = place.get(key, 0) + block.serials.quantity
    out = []
    for p in registry.parties():
        r = p.registry_id
        elsewhere = place.get((r, "elsewhere"), 0)
        out.append(
            FlowFigures(
                p.party,
                r,
                issued.get(r, 0),
                place.get((r, "home"), 0) + elsewhere,
                elsewhere,
                place.get((r, "retired"), 0),
                place.get((r, "cancelled"), 0),
            )
        )
    return tuple(out)


def _adjustments(registry: Registry) -> tuple[AdjustmentFigures, ...]:
    positions = view.credit_positions(registry)
    ndcs = view.ndcs(registry)
    out = []
    for p in registry.parties():
        a = corresponding_adjustment(positions, p.party, ndcs=ndcs)
        first, last = a.ndc_period
        averaging = a.method is CaMethod.AVERAGING
        years = last - first + 1 if averaging else 1
        out.append(
            AdjustmentFigures(
                p.party,
                a.ndc_period,
                averaging,
                a.adjustment * years,
                a.adjustment,
                a.subtracted,
                tuple((q, amount * years) for q, amount in a.by_partner if amount),
            )
        )
    return tuple(out)


def _aef(
    registry: Registry, party: str, year: int, years: Iterable[int], submitted_on: dt.date
) -> AefFigures:
    checks = []
    shown = None
    for p in registry.parties():
        for y in years:
            bundle = view.aef_bundle(registry, p.party, y, submitted_on=submitted_on)
            checks.append((p.party, y, tuple(bundle.check())))
            if (p.party, y) == (party, year):
                shown = bundle
    if shown is None:
        shown = view.aef_bundle(registry, party, year, submitted_on=submitted_on)
    tables = tuple((name, len(rows)) for name, _headers, rows in shown.report.tables())
    by_type: dict[str, tuple[int, int]] = {}
    for row in shown.report.actions:
        rows, quantity = by_type.get(row.action_type, (0, 0))
        by_type[row.action_type] = (rows + 1, quantity + int(row.quantity))
    actions = tuple((kind, rows, quantity) for kind, (rows, quantity) in by_type.items())
    return AefFigures(party, year, tables, actions, tuple(checks))


def _payers(registry: Registry, histories: dict[str, tuple[HistoryRecord, ...]]) -> list[str]:
    """Every principal the registry charged: account holders, administrators and actors."""
    candidates = dict.fromkeys(a.holder for a in registry.accounts())
    candidates.update(dict.fromkeys(p.administrator for p in registry.parties()))
    candidates.update(dict.fromkeys(r.actor for rs in histories.values() for r in rs))
    return [p for p in candidates if registry.fees_paid(p)]


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
        The Party and reported year of the AEF to summarise; the checks run for every Party and
        every year with entries.
    shk_account
        The account whose SHK eligibility is listed.
    """
    project_ids = tuple(projects)
    asked = _asked(registry)
    histories = _histories(registry)
    figures_projects = _projects(registry, project_ids)
    accounts = tuple(
        AccountFigures(
            a.id, a.party, a.registry, a.kind.value, a.holder, a.frozen, registry.balance(a.id)
        )
        for a in registry.accounts()
    )
    parties = tuple(
        PartyFigures(p.party, p.registry_id, p.administrator, len(registry.accounts(p.party)))
        for p in registry.parties()
    )
    last = asked.last_at
    submitted_on = last.astimezone(dt.UTC).date() if last is not None else dt.date(2026, 12, 31)
    return DemoFigures(
        entries=registry.last_entry,
        first_at=asked.first_at,
        last_at=last,
        parties=parties,
        projects=figures_projects,
        periods=_periods(registry, project_ids, asked),
        issued=_issued_lines(registry, figures_projects, histories),
        moves=_moves(registry, histories, asked),
        refusal=refusal,
        accounts=accounts,
        flows=_flows(registry),
        issued_total=sum(registry.issued().values()),
        fees=tuple((p, registry.fees_paid(p)) for p in _payers(registry, histories)),
        authorizations=tuple(
            AuthorizationFigures(
                a.id,
                a.party,
                a.project,
                tuple(sorted(a.vintages)),
                tuple(sorted(p.value for p in a.purposes)),
                tuple(a.sectors),
                tuple(a.activity_types),
            )
            for a in registry.authorizations()
        ),
        adjustments=_adjustments(registry),
        aef=_aef(registry, aef_party, aef_year, asked.years, submitted_on),
        shk_uses=view.shk_uses(registry),
        shk_holdings=shk_report(shk_account, view.shk_blocks(registry, shk_account)),
        problems=registry.verify(),
    )


def refusal_of(request: dict[str, object], error: JcmError) -> Refusal:
    """A :class:`Refusal` from a refused move request and the engine's error."""
    quantity = request.get("quantity")
    return Refusal(
        str(request["type"]),
        str(request.get("actor", "")),
        str(request.get("from", "")),
        str(request.get("to", "")),
        quantity if isinstance(quantity, int) else 0,
        error.code,
        error.message,
    )


def display(amount: Fraction) -> str:
    """An exact amount for display: whole tonnes with separators, else two decimals."""
    if amount.denominator == 1:
        return f"{amount.numerator:,}"
    return f"{float(amount):,.2f}"
