"""Article 6 views of a registry: folds of what its journal recorded.

Everything in :mod:`jcm.article6` computes from plain records; this module reads a
:class:`jcm.registry.Registry` into them. It decides nothing: the registry decided, when it
accepted each request, which credits an authorization covers, when they were first transferred,
toward which NDC period a retirement counts, and recorded it in the entry's typed effects
(:mod:`jcm.registry.issuance`, :mod:`jcm.registry.authorize`, :mod:`jcm.registry.moves`); the
functions here only turn those records into the vocabulary of the AEF, the corresponding
adjustments and SHK (docs/architecture.md, "Where each rule lives"). A history the engine accepted
is a history these views can read; a report that cannot is an engine bug.

* :func:`actions` maps every recorded Article 6 decision to the AEF action rows of the Parties
  that report it (docs/rules.md §10): a coverage decided (``Authorization``), a first transfer
  (``First transfer`` by the host, ``Acquisition`` by the acquiring Party), a later
  international transfer (``Transfer`` and ``Acquisition``), a use toward an NDC (``Use``), the
  host's own use and a cancellation (``Cancellation`` / ``Other cancellations``);
* :func:`holdings` lists the ITMOs a Party's registry holds in a state (AEF Table 4);
* :func:`credit_positions` lists a Party's blocks with what the corresponding adjustment needs,
  retirements with their recorded NDC year;
* :func:`shk_blocks` and :func:`shk_uses` give what the SHK decision table needs;
* :func:`aef_bundle` builds a Party's AEF for a year with the context its checks compare against;
* :func:`issuances` lists every issuance for the JCM targets.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from jcm.article6.action import Action, ActionSubtype, ActionType, Holding
from jcm.article6.adjustment import CreditPosition, Location
from jcm.article6.aef import ActionRow, AefReport, AuthorizationRow, HoldingRow, generate_aef
from jcm.article6.authorization import CooperativeApproach
from jcm.article6.consistency import check_aef
from jcm.article6.itmo import ItmoBlock
from jcm.article6.ndc import CaMethod, Ndc, NdcBook, NdcKind
from jcm.article6.shk import ShkBlock, ShkRoute, ShkUse
from jcm.core.account import AccountKind
from jcm.core.authorization import Authorization
from jcm.core.credit import CreditBlock, SerialRange
from jcm.core.first_transfer import Cover, FirstTransferKind
from jcm.core.nomenclature import DEFAULT_APPROACH
from jcm.core.party import JAPAN
from jcm.errors import Article6Error, ProblemGroup
from jcm.registry.authorize import AuthorizeEffects
from jcm.registry.issuance import IssueEffects
from jcm.registry.moves import CancelEffects, ItmoEvent, MoveEffects, RetireEffects

if TYPE_CHECKING:
    from jcm.registry.engine import Registry, RegistryView
    from jcm.registry.journal import Entry
    from jcm.registry.state import State

__all__ = [
    "AefBundle",
    "actions",
    "aef_bundle",
    "approach",
    "credit_positions",
    "holdings",
    "issuances",
    "ndcs",
    "shk_blocks",
    "shk_uses",
]

_SUBTYPES = {
    FirstTransferKind.TO_ANOTHER_PARTY: ActionSubtype.FIRST_TRANSFER_TO_ANOTHER_PARTY,
    FirstTransferKind.AUTHORIZATION: ActionSubtype.AUTHORIZATION,
    FirstTransferKind.ISSUANCE: ActionSubtype.ISSUANCE,
    FirstTransferKind.USE_OR_CANCELLATION: ActionSubtype.USE_OR_CANCELLATION,
}


def approach(registry: RegistryView, approach_id: str = DEFAULT_APPROACH) -> CooperativeApproach:
    """The JCM as a cooperative approach, with the registries the engine knows."""
    parties = registry.parties()
    return CooperativeApproach(
        approach_id, registries=tuple((p.party, p.registry_id) for p in parties)
    )


def ndcs(registry: RegistryView) -> NdcBook:
    """The NDC periods recorded with the Parties; every Party averages [I] (docs/rules.md §7.5).

    Japan's averaging is the government overview's [SEED]; the partners' is assumed [I].
    """
    out = [
        Ndc(
            p.party,
            period.first_year,
            period.last_year,
            NdcKind.SINGLE_YEAR,
            CaMethod.AVERAGING,
            assumed=p.party != JAPAN,
        )
        for p in registry.parties()
        for period in p.ndc_periods
    ]
    return NdcBook(tuple(out))


def _day(entry: Entry) -> dt.date:
    return entry.at.astimezone(dt.UTC).date()


# --------------------------------------------------------------------------- actions


class _Versions:
    """Every authorization version recorded so far, as the fold meets them."""

    def __init__(self) -> None:
        self.by_id: dict[str, list[Authorization]] = {}

    def add(self, auth: Authorization) -> None:
        self.by_id.setdefault(auth.id, []).append(auth)

    def get(self, cover: Cover) -> Authorization:
        versions = self.by_id.get(cover.authorization, [])
        if not 1 <= cover.version <= len(versions):  # the engine records a version before use
            raise Article6Error(
                f"no version {cover.version} of authorization {cover.authorization!r} recorded",
                code="NO_SUCH_AUTHORIZATION",
                field="authorization",
                value=cover.authorization,
            )
        return versions[cover.version - 1]


class _Rows:
    """The action rows of one approach, built entry by entry."""

    def __init__(self, ca: CooperativeApproach) -> None:
        self.ca = ca
        self.out: list[Action] = []

    def block(self, registry: str, host: str, vintage: int, first: int, last: int) -> ItmoBlock:
        return ItmoBlock(self.ca.id, registry, host, vintage, first, last)

    def add(  # noqa: PLR0917 - the columns of one AEF row, in the row's order
        self,
        on: dt.date,
        kind: ActionType,
        subtype: ActionSubtype | None,
        party: str,
        block: ItmoBlock,
        cover: Cover,
        **extra: Any,
    ) -> None:
        self.out.append(
            Action(
                on,
                kind,
                subtype,
                party,
                self.ca.registry_of(party),
                block,
                cover.authorization,
                cover.version,
                **extra,
            )
        )

    def authorized(self, on: dt.date, host: str, block: ItmoBlock, cover: Cover) -> None:
        self.add(on, ActionType.AUTHORIZATION, ActionSubtype.AUTHORIZATION, host, block, cover)

    def first_transfer(
        self,
        on: dt.date,
        kind: FirstTransferKind,
        host: str,
        block: ItmoBlock,
        cover: Cover,
        *,
        to_party: str | None,
        purpose: str | None = None,
        using_party: str | None = None,
    ) -> None:
        if kind is FirstTransferKind.TO_ANOTHER_PARTY:
            self.add(
                on, ActionType.FIRST_TRANSFER, _SUBTYPES[kind], host, block, cover,
                acquiring_party=to_party,
            )  # fmt: skip
            assert to_party is not None  # a first transfer to another Party names it
            self.add(
                on, ActionType.ACQUISITION, None, to_party, block, cover, transferring_party=host
            )
            return
        self.add(
            on, ActionType.FIRST_TRANSFER, _SUBTYPES[kind], host, block, cover,
            purpose=purpose, using_party=using_party,
        )  # fmt: skip


def actions(registry: Registry, approach_id: str = DEFAULT_APPROACH) -> tuple[Action, ...]:
    """Every Article 6 action the registry's journal recorded, in journal order (all Parties).

    Authorizations under another cooperative approach than ``approach_id`` give no rows.
    """
    return _actions(registry.entries(), approach(registry, approach_id), registry)


def _actions(
    entries: Iterable[Entry], ca: CooperativeApproach, registry: RegistryView
) -> tuple[Action, ...]:
    accounts = {a.id: a for a in registry.accounts()}
    versions = _Versions()
    rows = _Rows(ca)

    def ours(cover: Cover) -> bool:
        return versions.get(cover).cooperative_approach == ca.id

    for entry in entries:
        effects = entry.effects
        on = _day(entry)
        if isinstance(effects, AuthorizeEffects):
            auth = effects.authorization
            versions.add(auth)
            for change in effects.changes:
                if not ours(change.cover):
                    continue
                host = auth.party
                block = rows.block(change.registry, host, change.vintage, change.first, change.last)
                rows.authorized(on, host, block, change.cover)
                rows.first_transfer(
                    on, change.first_transfer, host, block, change.cover,
                    to_party=accounts[change.account].party,
                )  # fmt: skip
        elif isinstance(effects, IssueEffects):
            for b in effects.blocks:
                if b.cover is None or not ours(b.cover):
                    continue
                block = rows.block(effects.registry, effects.host_party, b.vintage, b.first, b.last)
                rows.authorized(on, effects.host_party, block, b.cover)
                if b.first_transfer is not None:
                    rows.first_transfer(
                        on, b.first_transfer, effects.host_party, block, b.cover,
                        to_party=effects.party,
                    )  # fmt: skip
        elif isinstance(effects, MoveEffects) and effects.itmos:
            _move_rows(rows, on, effects, accounts=accounts, versions=versions, ours=ours)
    return tuple(rows.out)


def _move_rows(
    rows: _Rows,
    on: dt.date,
    effects: MoveEffects,
    *,
    accounts: dict[str, Any],
    versions: _Versions,
    ours: Any,
) -> None:
    source = accounts[effects.source].party
    target = accounts[effects.to].party
    for piece in effects.itmos:
        if not ours(piece.cover):
            continue
        host = versions.get(piece.cover).party
        block = rows.block(piece.registry, host, piece.vintage, piece.first, piece.last)
        cover = piece.cover
        event = piece.event
        if event is ItmoEvent.FIRST_TRANSFER:
            assert piece.first_transfer is not None  # recorded with the event
            if piece.newly_covered:
                rows.authorized(on, host, block, cover)
            if piece.first_transfer is FirstTransferKind.TO_ANOTHER_PARTY:
                rows.first_transfer(on, piece.first_transfer, host, block, cover, to_party=target)
            else:  # a cancellation for an OIMP under "Use or Cancellation"
                purpose = effects.purpose if isinstance(effects, CancelEffects) else None
                rows.first_transfer(
                    on, piece.first_transfer, host, block, cover, to_party=None,
                    purpose=purpose, using_party=source,
                )  # fmt: skip
        elif event is ItmoEvent.TRANSFER:
            rows.add(on, ActionType.TRANSFER, None, source, block, cover, acquiring_party=target)
            rows.add(
                on, ActionType.ACQUISITION, None, target, block, cover, transferring_party=source
            )
        elif event is ItmoEvent.USE:
            ndc_year = effects.ndc_year if isinstance(effects, RetireEffects) else None
            rows.add(on, ActionType.USE, None, source, block, cover, ndc_year=ndc_year)
        elif event is ItmoEvent.OWN_USE:
            if piece.newly_covered:
                rows.authorized(on, host, block, cover)
            rows.add(
                on, ActionType.CANCELLATION, ActionSubtype.OTHER_CANCELLATIONS, source, block,
                cover, explanation="used toward the first transferring Party's own NDC",
            )  # fmt: skip
        else:
            purpose = effects.purpose if isinstance(effects, CancelEffects) else None
            rows.add(
                on, ActionType.CANCELLATION, ActionSubtype.OTHER_CANCELLATIONS, source, block,
                cover, purpose=purpose, using_party=source if purpose else None,
            )  # fmt: skip


# --------------------------------------------------------------------------- holdings


def holdings(view: RegistryView, party: str, ca: CooperativeApproach) -> tuple[Holding, ...]:
    """The ITMOs ``party``'s registry holds in ``view``, merged into ID ranges (AEF Table 4)."""
    state = view.state
    registry_id = ca.registry_of(party)
    spans: list[tuple[str, str, int, int, int, str]] = []
    for account in state.accounts.values():
        if account.party != party or account.kind.terminal:
            continue
        for lot, start, end in state.holdings[account.id].spans():
            cover = lot.cover
            if cover is None:
                continue
            if (
                state.authorization(cover.authorization, cover.version).cooperative_approach
                != ca.id
            ):
                continue
            spans.append(
                (lot.registry, lot.host_party, lot.vintage, start, end, cover.authorization)
            )
    spans.sort(key=lambda s: (s[0], s[1], s[2], s[3]))
    rows: list[Holding] = []
    for registry, host, vintage, start, end, auth in spans:
        block = ItmoBlock(ca.id, registry, host, vintage, start, end)
        last = rows[-1] if rows else None
        if (
            last is not None
            and last.block.key == block.key
            and last.authorization_id == auth
            and last.block.end + 1 == start
        ):
            rows[-1] = attrs.evolve(last, block=last.block.with_serials(last.block.start, end))
        else:
            rows.append(Holding(party, registry_id, block, auth))
    return tuple(rows)


# --------------------------------------------------------------------------- positions


class _Terminal:
    """The blocks in retirement and cancellation accounts (they never leave), by serial."""

    def __init__(self, state: State) -> None:
        self.blocks: dict[str, list[tuple[int, int, CreditBlock, str]]] = {}
        for account in state.accounts.values():
            if account.kind.terminal:
                for lot, start, end in state.holdings[account.id].spans():
                    self.blocks.setdefault(lot.registry, []).append((start, end, lot, account.id))
        for blocks in self.blocks.values():
            blocks.sort(key=lambda b: b[0])

    def lot(self, registry: str, serial: int) -> CreditBlock:
        blocks = self.blocks.get(registry, [])
        i = bisect.bisect_right(blocks, serial, key=lambda b: b[0]) - 1
        if i < 0 or not blocks[i][0] <= serial <= blocks[i][1]:  # pragma: no cover - recorded
            raise Article6Error(
                f"serial {registry}:{serial} was retired or cancelled but is not held there",
                code="REPLAY_MISMATCH",
                field="serials",
                value=serial,
            )
        return blocks[i][2]


def _first_transfers(registry: Registry) -> dict[int, tuple[dt.date, Any]]:
    """``{entry: (its day, the attribution policy it recorded)}`` for every entry."""
    out: dict[int, tuple[dt.date, Any]] = {}
    for entry in registry.entries():
        attribution = entry.rules.attribution
        effects = entry.effects
        if isinstance(effects, MoveEffects):
            attribution = next((p.attribution for p in effects.itmos if p.attribution), None)
        out[entry.seq] = (_day(entry), attribution)
    return out


def _approved_by(state: State, lot: CreditBlock, party: str, on: dt.date) -> frozenset[str]:
    """The Parties whose NDC authorization of ``lot`` is in force for ``party``'s use on ``on``.

    The host's is the coverage recorded on the credits; the using Party's, the newest of its
    authorizations in force (what a retirement on ``on`` would check).
    """
    out: set[str] = set()
    cover = lot.cover
    if cover is not None and state.authorization(cover.authorization, cover.version).covers_ndc:
        out.add(lot.host_party)
    if party != lot.host_party:
        for auth in state.latest_authorizations(party, lot.project):
            if (
                auth.covers_ndc
                and auth.covers_project(lot.project, lot.vintage)
                and auth.in_force_on(on)
            ):
                out.add(party)
                break
    return frozenset(out)


def credit_positions(registry: Registry, party: str = JAPAN) -> tuple[CreditPosition, ...]:
    """The blocks of ``party``'s registry as adjustment inputs: held ones as they lie, retired
    ones with the NDC year and approvals their retirement recorded."""
    state = registry.state
    marks = _first_transfers(registry)
    out: list[CreditPosition] = []
    terminal = _Terminal(state)

    def first_day(mark: Any) -> dt.date | None:
        return None if mark is None else marks[mark.entry][0]

    for entry in registry.entries():
        effects = entry.effects
        if not isinstance(effects, RetireEffects) or state.accounts[effects.source].party != party:
            continue
        for piece in effects.itmos:
            lot = terminal.lot(piece.registry, piece.first)
            mark = lot.first_transfer
            out.append(
                CreditPosition(
                    lot.host_party,
                    lot.vintage,
                    piece.quantity,
                    Location.RETIREMENT,
                    frozenset({lot.host_party, party}),  # a retirement needs both (recorded)
                    first_transferred_to=None if mark is None else mark.acquiring_party,
                    first_transferred_on=first_day(mark),
                    retired_on=_day(entry),
                    registry_party=party,
                    label=f"{effects.to}:{piece.registry}:{piece.first}-{piece.last}",
                    ndc_year=effects.ndc_year if effects.ndc_period is not None else None,
                    attribution=None if mark is None else marks[mark.entry][1],
                )
            )
    today = state.last_at.date() if state.last_at else dt.date.today()
    for account in state.accounts.values():
        if account.party != party or account.kind is AccountKind.RETIREMENT:
            continue
        for lot, start, end in state.holdings[account.id].spans():
            mark = lot.first_transfer
            out.append(
                CreditPosition(
                    lot.host_party,
                    lot.vintage,
                    end - start + 1,
                    Location(account.kind.value),
                    _approved_by(state, lot, party, today),
                    first_transferred_to=None if mark is None else mark.acquiring_party,
                    first_transferred_on=first_day(mark),
                    registry_party=party,
                    label=f"{account.id}:{lot.registry}:{start}-{end}",
                    attribution=None if mark is None else marks[mark.entry][1],
                )
            )
    return tuple(out)


# --------------------------------------------------------------------------- SHK


def _shk_block(
    state: State, lot: CreditBlock, serials: SerialRange, approved: frozenset[str]
) -> ShkBlock:
    record = state.projects.get(lot.project)
    return ShkBlock(
        serials,
        lot.project,
        lot.host_party,
        lot.vintage,
        lot.issued_on,
        None if record is None else record.public_input_start,
        approved,
    )


def shk_blocks(registry: Registry, account: str) -> tuple[ShkBlock, ...]:
    """The blocks ``account`` holds, with what the SHK decision table needs."""
    state = registry.state
    holder = registry.account(account)
    today = state.last_at.date() if state.last_at else dt.date.today()
    out = []
    for lot, start, end in state.holdings[account].spans():
        approved = (
            frozenset({lot.host_party, holder.party})
            if holder.kind is AccountKind.RETIREMENT
            else _approved_by(state, lot, holder.party, today)
        )
        out.append(_shk_block(state, lot, SerialRange(start, end), approved))
    return tuple(out)


def shk_uses(registry: Registry) -> tuple[ShkUse, ...]:
    """Every retirement and cancellation of the journal as an SHK use.

    The company is the named ``beneficiary`` if any, else the holder of the debited account; the
    credits are read back from the retirement or cancellation account, which they never leave.
    A retirement's approvals are those it recorded (both Parties, or the host's own use).
    """
    state = registry.state
    terminal = _Terminal(state)
    out: list[ShkUse] = []
    for entry in registry.entries():
        effects = entry.effects
        if not isinstance(effects, (RetireEffects, CancelEffects)):
            continue
        source = state.accounts[effects.source]
        company = (
            effects.beneficiary
            if isinstance(effects, RetireEffects) and effects.beneficiary
            else source.holder
        )
        route = ShkRoute.RETIRE if isinstance(effects, RetireEffects) else ShkRoute.CANCEL
        on = _day(entry)
        for registry_id, start, end in effects.serials:
            lot = terminal.lot(registry_id, start)
            if isinstance(effects, RetireEffects):
                approved = frozenset({lot.host_party, source.party})
            else:
                approved = _approved_by(state, lot, source.party, on)
            block = _shk_block(state, lot, SerialRange(start, end), approved)
            out.append(ShkUse(company, source.id, on, route, block))
    return tuple(out)


def issuances(registry: Registry) -> list[tuple[dt.date, int]]:
    """``(date, quantity)`` of every issuance entry, all registries (for the JCM targets)."""
    return [
        (_day(e), e.effects.quantity)
        for e in registry.entries()
        if isinstance(e.effects, IssueEffects)
    ]


# --------------------------------------------------------------------------- AEF


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


def _ndc_of(book: NdcBook, party: str, year: int) -> Ndc | None:
    try:
        return book.for_party(party, year)
    except Article6Error:
        return None


def _year_end(year: int) -> dt.datetime:
    return dt.datetime.combine(dt.date(year, 12, 31), dt.time.max, dt.UTC)


def aef_bundle(
    registry: Registry,
    party: str,
    year: int,
    *,
    submitted_on: dt.date,
    approach_id: str = DEFAULT_APPROACH,
) -> AefBundle:
    """``party``'s AEF for ``year`` from the registry, with last year's and the others' context.

    A year outside every NDC period of the Party gives a report whose Table 1 names no period
    (its ``note`` says so) instead of an error.
    """
    ca = approach(registry, approach_id)
    book = ndcs(registry)
    whole = actions(registry, approach_id)
    versions = [a for p in registry.authorizations() for a in registry.authorization_history(p.id)]
    ours = [a for a in versions if a.cooperative_approach == ca.id]
    at_year_end: dict[int, RegistryView] = {}

    def one(p: str, y: int) -> AefReport:
        if y not in at_year_end:
            at_year_end[y] = registry.as_of(_year_end(y))
        return generate_aef(
            p,
            y,
            ndc=_ndc_of(book, p, y),
            submitted_on=submitted_on,
            actions=whole,
            holdings=holdings(at_year_end[y], p, ca),
            authorizations=ours,
            ndc_periods=tuple(n.period for n in book.periods_of(p)),
        )

    report = one(party, year)
    previous = one(party, year - 1)
    known = tuple(
        AuthorizationRow.from_authorization(a)
        for a in ours
        if a.date is not None and a.date.year <= year
    )
    earlier = tuple(
        ActionRow.from_action(a) for a in whole if a.reporting_party == party and a.date.year < year
    )
    others = tuple(one(p.party, year) for p in registry.parties() if p.party != party)
    return AefBundle(report, previous.holdings, known, earlier, others)
