"""Article 6 views of a registry: thin adapters from ``jcm.registry`` to the plain inputs here.

Everything in :mod:`jcm.article6` computes from plain records; this module reads a
:class:`jcm.registry.Registry` once (its journal and its state, read-only) and builds them:

* :func:`events` turns the journal's ``issue``, ``authorize``, ``transfer``, ``retire`` and
  ``cancel`` entries into :mod:`jcm.article6.first_transfer` events (dates from the entries'
  ``at``, UTC), and :func:`tracker` folds them;
* :func:`credit_positions` lists the blocks of a Party's registry with what the corresponding
  adjustment needs (account kind, approvals, first transfer, retirement date);
* :func:`shk_blocks` lists an account's blocks with what the SHK decision table needs, and
  :func:`shk_uses` every retirement and cancellation as a company's SHK use;
* :func:`aef_bundle` builds a Party's AEF for a year with the context its checks compare against
  (last year's holdings, earlier actions, every Party's authorizations, the counterparts' reports);
* :func:`issuances` lists every issuance for the JCM targets.

Registry accessors used (read-only): ``Registry.store.entries()`` (the journal entries' ``seq``,
``at``, ``request``, ``effects``), ``Registry.state`` (``accounts``, ``holdings``, ``parties`` with
their ``registry_id`` and ``ndc_period``, ``projects`` with ``public_input_start``,
``is_authorized``).

Each authorization request of the registry is one version of its authorization (AEF-V2 Table 2,
rules.md §8.2 [P2]; versions per §8.4 [M: verify]): its ``version`` (default 1), cooperative
approach (default the tracker's), ``date`` (default the day of its entry), sectors, activity types,
authorized Parties and entities, OIMP and terms become the Table 2 row; its timeframe's dates
become years. Authorizations under another cooperative approach than the one viewed are left out.
"""

from __future__ import annotations

import bisect
import datetime as dt
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from jcm.article6.action import ActionSubtype
from jcm.article6.adjustment import CreditPosition, Location
from jcm.article6.aef import ActionRow, AefReport, AuthorizationRow, HoldingRow, generate_aef
from jcm.article6.authorization import (
    Authorization,
    CooperativeApproach,
    FirstTransferDefinition,
    FirstTransferTrigger,
    Purpose,
    Timeframe,
)
from jcm.article6.consistency import check_aef
from jcm.article6.first_transfer import (
    AuthorizeEvent,
    CancelEvent,
    Event,
    IssueEvent,
    ItmoTracker,
    RetireEvent,
    TransferEvent,
    replay,
)
from jcm.article6.ndc import CaMethod, Ndc, NdcBook, NdcKind
from jcm.article6.shk import ShkBlock, ShkRoute, ShkUse
from jcm.core.credit import CreditBlock, SerialRange
from jcm.core.party import JAPAN
from jcm.errors import InvalidValueError, ProblemGroup

if TYPE_CHECKING:
    from jcm.registry.engine import Registry

__all__ = [
    "AefBundle",
    "aef_bundle",
    "approach",
    "credit_positions",
    "events",
    "issuances",
    "ndcs",
    "shk_blocks",
    "shk_uses",
    "tracker",
]


def approach(
    registry: Registry,
    *,
    approach_id: str = "CA0099",
    trigger: FirstTransferTrigger = FirstTransferTrigger.ON_ISSUANCE_TO_ACQUIRING_REGISTRY,
) -> CooperativeApproach:
    """The JCM as a cooperative approach, with the registries the engine knows."""
    parties = registry.state.parties.values()
    return CooperativeApproach(
        approach_id,
        first_transfer_trigger=trigger,
        registries=tuple((p.party, p.registry_id) for p in parties),
    )


def ndcs(registry: Registry) -> NdcBook:
    """The NDC periods recorded with the Parties; Japan averages, the others are assumed to [I]."""
    out = []
    for p in registry.state.parties.values():
        first, last = p.ndc_period
        out.append(
            Ndc(
                p.party,
                first,
                last,
                NdcKind.SINGLE_YEAR,
                CaMethod.AVERAGING,
                assumed=p.party != JAPAN,
            )
        )
    return NdcBook(tuple(out))


def _day(entry: Any) -> dt.date:
    at: dt.datetime = entry.at
    return at.astimezone(dt.UTC).date()


def _authorization(request: dict[str, Any], on: dt.date, approach_id: str) -> Authorization:
    ft = request.get("first_transfer_definition")
    try:
        ft_def = None if ft is None else FirstTransferDefinition(ft)
    except ValueError:
        raise InvalidValueError(
            "first_transfer_definition",
            ft,
            "must be one of " + ", ".join(d.value for d in FirstTransferDefinition),
        ) from None
    timeframe = request.get("timeframe")
    day = request.get("date")
    return Authorization(
        request["authorization"],
        request["party"],
        request.get("cooperative_approach") or approach_id,
        request.get("version") or 1,
        on if day is None else dt.date.fromisoformat(day),
        {Purpose(p) for p in request["purposes"]},
        projects={request["project"]},
        vintages=set(request["vintages"]),
        authorized_quantity=request.get("authorized_quantity"),
        timeframe=None
        if timeframe is None
        else Timeframe(
            dt.date.fromisoformat(timeframe["start"]).year,
            dt.date.fromisoformat(timeframe["end"]).year,
        ),
        first_transfer_definition=ft_def,
        authorized_parties=request.get("authorized_parties") or (),
        authorized_entities=request.get("authorized_entities") or (),
        oimp=request.get("oimp"),
        sectors=request.get("sectors") or (),
        activity_types=request.get("activity_types") or (),
        terms=request.get("terms") or "",
    )


def _entries(registry: Registry) -> Iterator[Any]:
    yield from registry.store.entries()


def events(registry: Registry, approach_id: str = "CA0099") -> list[Event]:
    """The Article 6 events of the registry's journal, in journal order.

    Authorizations under another cooperative approach than ``approach_id`` are not events of it.
    """
    state = registry.state
    out: list[Event] = []
    for entry in _entries(registry):
        request, effects = entry.request, entry.effects
        kind = request.get("type")
        on = _day(entry)
        if kind == "issue":
            for _account, vintage, start, end in effects["blocks"]:
                block = CreditBlock(
                    effects["registry"],
                    effects["party"],
                    request["project"],
                    effects["host_party"],
                    vintage,
                    SerialRange(start, end),
                    on,
                    str(entry.seq),
                )
                out.append(IssueEvent(on, block, effects["party"]))
        elif kind == "authorize":
            if request.get("cooperative_approach", approach_id) != approach_id:
                continue  # another cooperative approach's authorization: not this tracker's
            out.append(AuthorizeEvent(on, _authorization(request, on, approach_id)))
        elif kind in ("transfer", "retire", "cancel"):
            source = state.accounts[effects["from"]].party
            target = state.accounts[effects["to"]].party
            for registry_id, start, end in effects["serials"]:
                units = (registry_id, SerialRange(start, end))
                if kind == "transfer":
                    out.append(TransferEvent(on, units, source, target))
                elif kind == "retire":
                    out.append(RetireEvent(on, units, source, effects.get("ndc_year")))
                else:
                    out.append(CancelEvent(on, units, source, purpose=effects.get("purpose")))
    return out


def tracker(
    registry: Registry,
    *,
    until: dt.date | None = None,
    cooperative_approach: CooperativeApproach | None = None,
) -> ItmoTracker:
    """The Article 6 state of the registry's units after its journal (up to ``until``)."""
    ca = cooperative_approach or approach(registry)
    start = ItmoTracker(approach=ca, ndcs=ndcs(registry))
    return replay(events(registry, ca.id), start, until=until)


def _retirement_dates(registry: Registry) -> dict[str, list[tuple[int, int, dt.date]]]:
    """Retired serial ranges by issuing registry, sorted by first serial, with their dates."""
    out: dict[str, list[tuple[int, int, dt.date]]] = {}
    for entry in _entries(registry):
        if entry.request.get("type") == "retire":
            on = _day(entry)
            for r, a, b in entry.effects["serials"]:
                out.setdefault(r, []).append((a, b, on))
    for ranges in out.values():
        ranges.sort()
    return out


def _retired_on(
    retired: dict[str, list[tuple[int, int, dt.date]]], registry_id: str, serial: int
) -> dt.date | None:
    ranges = retired.get(registry_id, [])
    i = bisect.bisect_right(ranges, (serial, sys.maxsize, dt.date.max)) - 1
    if i >= 0 and ranges[i][0] <= serial <= ranges[i][1]:
        return ranges[i][2]
    return None


def _authorized_by(registry: Registry, block: CreditBlock) -> set[str]:
    return {
        p
        for p in (JAPAN, block.host_party)
        if registry.state.is_authorized(p, block.project, block.vintage, "NDC")
    }


def credit_positions(
    registry: Registry, party: str = JAPAN, state: ItmoTracker | None = None
) -> tuple[CreditPosition, ...]:
    """The blocks of ``party``'s registry, split by Article 6 state, as adjustment inputs."""
    units = state if state is not None else tracker(registry)
    retired = _retirement_dates(registry)
    out: list[CreditPosition] = []
    for account in registry.accounts(party):
        for block in registry.holdings(account.id):
            for piece in units.segments_of(block.registry, block.serials):
                ft = piece.first_transfer
                to = (
                    ft.acquiring_party
                    if ft is not None
                    and ft.subtype is ActionSubtype.FIRST_TRANSFER_TO_ANOTHER_PARTY
                    else None
                )
                s = piece.block.serials
                retired_on = _retired_on(retired, block.registry, s.start)
                out.append(
                    CreditPosition(
                        block.host_party,
                        block.vintage,
                        s.quantity,
                        Location(account.kind.value),
                        _authorized_by(registry, block),
                        first_transferred_to=to,
                        first_transferred_on=None if ft is None else ft.date,
                        retired_on=retired_on if account.kind.value == "retirement" else None,
                        registry_party=account.party,
                        label=f"{account.id}:{block.registry}:{s}",
                    )
                )
    return tuple(out)


def shk_blocks(registry: Registry, account: str) -> tuple[ShkBlock, ...]:
    """The blocks ``account`` holds, with what the SHK decision table needs."""
    projects = registry.state.projects
    out = []
    for block in registry.holdings(account):
        record = projects.get(block.project)
        out.append(
            ShkBlock(
                block.serials,
                block.project,
                block.host_party,
                block.vintage,
                block.issued_on,
                None if record is None else record.public_input_start,
                _authorized_by(registry, block),
            )
        )
    return tuple(out)


def shk_uses(registry: Registry) -> tuple[ShkUse, ...]:
    """Every retirement and cancellation of the journal as an SHK use.

    The company is the named ``beneficiary`` if any, else the holder of the debited account; the
    credits are read back from the retirement or cancellation account, which they never leave.
    Every cancellation is listed whatever its purpose; :func:`jcm.article6.shk.shk_statement`
    then keeps a company's fiscal year and flags what the SHK table does not accept.
    """
    state = registry.state
    terminal: dict[str, list[tuple[int, CreditBlock]]] = {}
    for account in state.accounts.values():
        if account.kind.terminal:
            for block in registry.holdings(account.id):
                terminal.setdefault(block.registry, []).append((block.serials.start, block))
    for blocks in terminal.values():
        blocks.sort(key=lambda pair: pair[0])
    projects = state.projects
    out: list[ShkUse] = []
    for entry in _entries(registry):
        kind = entry.request.get("type")
        if kind not in ("retire", "cancel"):
            continue
        source = state.accounts[entry.effects["from"]]
        company = entry.effects.get("beneficiary") or source.holder
        route = ShkRoute.RETIRE if kind == "retire" else ShkRoute.CANCEL
        for registry_id, start, end in entry.effects["serials"]:
            blocks = terminal.get(registry_id, [])
            i = bisect.bisect_right(blocks, start, key=lambda pair: pair[0]) - 1
            block = blocks[i][1]
            record = projects.get(block.project)
            shk_block = ShkBlock(
                SerialRange(start, end),
                block.project,
                block.host_party,
                block.vintage,
                block.issued_on,
                None if record is None else record.public_input_start,
                _authorized_by(registry, block),
            )
            out.append(ShkUse(company, source.id, _day(entry), route, shk_block))
    return tuple(out)


def issuances(registry: Registry) -> list[tuple[dt.date, int]]:
    """``(date, quantity)`` of every issuance entry, all registries (for the JCM targets)."""
    return [
        (_day(e), int(e.effects["quantity"]))
        for e in _entries(registry)
        if e.request.get("type") == "issue"
    ]


@attrs.frozen
class AefBundle:
    """A Party's AEF for a year and the context its consistency checks compare against."""

    report: AefReport
    previous_holdings: tuple[HoldingRow, ...]
    known_authorizations: tuple[AuthorizationRow, ...]
    earlier_actions: tuple[ActionRow, ...]
    counterparts: tuple[AefReport, ...]

    def check(self) -> ProblemGroup:
        """Run C01–C12 with the full context."""
        return check_aef(
            self.report,
            previous_holdings=self.previous_holdings,
            known_authorizations=self.known_authorizations,
            earlier_actions=self.earlier_actions,
            counterparts=self.counterparts,
        )


def aef_bundle(
    registry: Registry,
    party: str,
    year: int,
    *,
    submitted_on: dt.date,
    cooperative_approach: CooperativeApproach | None = None,
) -> AefBundle:
    """``party``'s AEF for ``year`` from the registry, with last year's and the others' context."""
    ca = cooperative_approach or approach(registry)
    start = ItmoTracker(approach=ca, ndcs=ndcs(registry))
    evs = events(registry, ca.id)
    whole = replay(evs, start)
    book = start.ndcs

    at_year_end: dict[int, ItmoTracker] = {}

    def one(p: str, y: int) -> AefReport:
        if y not in at_year_end:
            at_year_end[y] = replay(evs, start, until=dt.date(y, 12, 31))
        at_end = at_year_end[y]
        return generate_aef(
            p,
            y,
            ndc=book.for_party(p),
            submitted_on=submitted_on,
            actions=whole.actions,
            holdings=at_end.holdings(p),
            authorizations=whole.authorizations.versions,
        )

    report = one(party, year)
    previous = one(party, year - 1)
    known = tuple(
        AuthorizationRow.from_authorization(a)
        for a in whole.authorizations.versions
        if a.date is not None and a.date.year <= year
    )
    earlier = tuple(
        ActionRow.from_action(a)
        for a in whole.actions
        if a.reporting_party == party and a.date.year < year
    )
    others = tuple(one(p, year) for p in registry.state.parties if p != party)
    return AefBundle(report, previous.holdings, known, earlier, others)
