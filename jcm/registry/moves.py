"""Moves of credits: transfer, retirement (無効化) and cancellation (取消し).

Design
------
A move debits one account and credits another (Act Art. 57-11 [P]: the holder of the debited
account applies, naming the quantity or the serials and the purpose). The decision checks, in the
precedence of docs/api.md: the accounts exist (``NO_SUCH_ACCOUNT``), the actor holds the debited
one (``NOT_ACCOUNT_HOLDER``), it is not frozen (``FROZEN``) nor terminal (``TERMINAL_ACCOUNT``; a
transfer never reaches a retirement or cancellation account either), the named serials are held
(``NOT_HELD``) or the quantity is (``INSUFFICIENT_CREDITS``); then, for a retirement, the NDC rule
(:func:`jcm.core.ndc.retirement_period`: ``VINTAGE_NOT_ELIGIBLE``, ``NDC_YEAR_NOT_IN_PERIOD``) and
the approvals of both Parties (``NOT_AUTHORIZED``); for a move between two Parties' registries,
the first transfer (:mod:`jcm.core.first_transfer`).

By quantity a move takes the **highest** serials the account holds, so the sender keeps its
lowest serials and a partial block is split with the sender keeping the lower part (docs/api.md;
docs/rules.md §4.3 [I]). Worked example (docs/rules.md §11 scenario 7): A holds 1-1000 and
transfers 300 to D; the decision takes 701-1000 and charges 2,500 JPY (an entity-to-entity
transfer, docs/rules.md §5 [SEED]); the effects are ``{"from": "A", "to": "D", "quantity": 300,
"serials": [["JPN01", 701, 1000]]}``; after the fold A holds 1-700 and D 701-1000.

**Article 6.** Whatever a move means under Article 6 is decided here and recorded per piece
(:class:`ItmoPiece`): the first transfer of covered credits to another Party, the coverage of
credits first covered by that transfer, a later international transfer of ITMOs, their use
toward an NDC (a retirement of first-transferred ITMOs), the host's own use, and their
cancellation (the first transfer of OIMP credits under "Use or Cancellation"). A move inside one
registry of uncovered credits records nothing more than its serials, and is the hot path: its
request is parsed, decided, encoded and decoded by hand-written code that gives exactly what the
converter gives.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from jcm.core.account import Account, AccountKind
from jcm.core.authorization import Authorization
from jcm.core.credit import CreditBlock
from jcm.core.first_transfer import (
    Cover,
    FirstTransferKind,
    FirstTransferMark,
    cover_on_cancellation,
    cover_out,
    cover_own_use,
    in_scope,
)
from jcm.core.ndc import Attribution, NdcPeriod, retirement_period
from jcm.core.party import Principal
from jcm.errors import (
    InsufficientCreditsError,
    InvalidValueError,
    NotAuthorizedError,
    RegistryError,
    UnknownAccountError,
)
from jcm.registry.kind import Context, Decision, Kind
from jcm.registry.permissions import HOLDING_ROLES, require_holder
from jcm.registry.request_base import (
    RequestBase,
    check_move,
    ident,
    optional_text,
    optional_year,
    text,
)
from jcm.registry.state import Piece, State

if TYPE_CHECKING:
    from jcm.registry.journal import Entry

__all__ = [
    "CANCEL",
    "MOVE_TYPES",
    "RETIRE",
    "TRANSFER",
    "CancelEffects",
    "CancelRequest",
    "ItmoEvent",
    "ItmoPiece",
    "MoveEffects",
    "RetireEffects",
    "RetireRequest",
    "TransferEffects",
    "TransferRequest",
    "fast_move",
    "move_json",
]

MOVE_TYPES: Final = frozenset({"transfer", "retire", "cancel"})
"""The request types that move credits."""


# --------------------------------------------------------------------------- requests


@attrs.frozen
class TransferRequest(RequestBase):
    """Move credits to another account (actor: the holder of ``from``; Act Art. 57-11 [P]).

    ``quantity`` moves the highest serials the account holds; ``serials`` [start, end] names them
    (all must be held). Retirement and cancellation accounts are reached only by ``retire`` and
    ``cancel``.
    """

    type: ClassVar[str] = "transfer"
    source: str = attrs.field(validator=ident)
    to: str = attrs.field(validator=ident)
    quantity: int | None = None
    serials: tuple[int, int] | None = None

    def __attrs_post_init__(self) -> None:
        check_move(self)


@attrs.frozen
class RetireRequest(RequestBase):
    """Retire credits (無効化) into the Party's retirement account toward its NDC (§4.4).

    ``ndc_year`` is the calendar year for which they are used (default: the last year of the NDC
    period that holds their vintage, :mod:`jcm.core.ndc`).
    """

    type: ClassVar[str] = "retire"
    source: str = attrs.field(validator=ident)
    quantity: int | None = None
    serials: tuple[int, int] | None = None
    beneficiary: str | None = attrs.field(default=None, validator=optional_text)
    ndc_year: int | None = attrs.field(default=None, validator=optional_year)

    def __attrs_post_init__(self) -> None:
        check_move(self)


@attrs.frozen
class CancelRequest(RequestBase):
    """Cancel credits (取消し) into the Party's cancellation account for a purpose (§4.4)."""

    type: ClassVar[str] = "cancel"
    source: str = attrs.field(validator=ident)
    purpose: str = attrs.field(validator=text)
    quantity: int | None = None
    serials: tuple[int, int] | None = None

    def __attrs_post_init__(self) -> None:
        check_move(self)


# --------------------------------------------------------------------------- effects


class ItmoEvent(enum.Enum):
    """What a move does to covered credits under Article 6 (docs/rules.md §7.3, §10)."""

    FIRST_TRANSFER = "first_transfer"
    """First transferred by this move (to another Party, or by a cancellation for an OIMP)."""
    TRANSFER = "transfer"
    """ITMOs already first transferred, moved to another Party's registry."""
    USE = "use"
    """First-transferred ITMOs retired toward the retiring Party's NDC."""
    OWN_USE = "own_use"
    """The host retires its own covered credits (no first transfer: not an ITMO use) [I]."""
    CANCELLATION = "cancellation"
    """Covered credits cancelled."""


@attrs.frozen
class ItmoPiece:
    """Covered credits a move concerns: serials ``first..last`` of ``registry`` and what happens.

    ``first_transfer`` is set when this move first transfers them, with ``attribution``, the
    host's attribution policy for them (docs/rules.md §7.4 [I]); ``newly_covered`` when the move
    also decided their coverage (they were uncovered).
    """

    registry: str
    first: int
    last: int
    vintage: int
    cover: Cover
    event: ItmoEvent
    first_transfer: FirstTransferKind | None = None
    newly_covered: bool = False
    attribution: Attribution | None = None

    @property
    def quantity(self) -> int:
        """Credits of the piece [tCO2e]."""
        return self.last - self.first + 1


Serials = tuple[tuple[str, int, int], ...]
"""``(registry, first, last)`` of every range moved, in the order they were taken."""


@attrs.frozen
class MoveEffects:
    """What every move records: the accounts, the credits moved, and what Article 6 says."""

    source: str
    to: str
    quantity: int
    serials: Serials
    itmos: tuple[ItmoPiece, ...] = attrs.field(default=(), kw_only=True)


@attrs.frozen
class TransferEffects(MoveEffects):
    """A transfer; ``international`` between two Parties' registries."""

    international: bool = attrs.field(default=False, kw_only=True)


@attrs.frozen
class RetireEffects(MoveEffects):
    """A retirement toward the NDC period ``ndc_period`` for ``ndc_year``.

    ``approval`` is the authorization of the retiring registry's Party that approved the use
    (``None`` when that Party is the host: its coverage is the approval). ``ndc_period`` is
    ``None`` only for a format-1 entry whose year lies in no period of the Party (it then counts
    in no corresponding adjustment).
    """

    ndc_year: int = attrs.field(kw_only=True)
    ndc_period: NdcPeriod | None = attrs.field(kw_only=True)
    approval: Cover | None = attrs.field(default=None, kw_only=True)
    beneficiary: str | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class CancelEffects(MoveEffects):
    """A cancellation for ``purpose``."""

    purpose: str = attrs.field(kw_only=True)


# --------------------------------------------------------------------------- decisions


def _source(state: State, p: Principal, request_type: str, account_id: str) -> Account:
    account = state.accounts.get(account_id)
    if account is None:
        raise UnknownAccountError(
            f"{request_type}: no account {account_id!r}", field="from", value=account_id
        )
    require_holder(p, account, request_type)
    return account


def _target(state: State, source: Account, r: Any) -> Account:
    if r.type == "transfer":
        target = state.accounts.get(r.to)
        if target is None:
            raise UnknownAccountError(f"transfer: no account {r.to!r}", field="to", value=r.to)
        return target
    kind = AccountKind.RETIREMENT if r.type == "retire" else AccountKind.CANCELLATION
    found = state.terminal_accounts.get((source.party, kind))
    if found is None:
        raise UnknownAccountError(
            f"{r.type}: {source.party}'s registry has no {kind.value} account",
            field="from",
            value=source.id,
        )
    return state.accounts[found]


def _is_terminal(kind: AccountKind) -> bool:
    """``kind.terminal`` by identity (an enum's hash is computed in Python; this is hot)."""
    return kind is AccountKind.RETIREMENT or kind is AccountKind.CANCELLATION


def _pieces(state: State, source: Account, r: Any) -> list[Piece]:
    holdings = state.holdings[source.id]
    if r.serials is not None:
        start, end = r.serials
        found = holdings.select_range(source.registry, start, end)
        if found is None:
            for registry in holdings.registries():
                if registry != source.registry:
                    found = holdings.select_range(registry, start, end)
                    if found is not None:
                        break
        if found is None:
            raise RegistryError(
                f"{r.type}: serials {start}-{end} are not all held by account {source.id!r}",
                code="NOT_HELD",
                field="serials",
                value=[start, end],
            )
        return found
    if r.quantity > holdings.total:
        raise InsufficientCreditsError(
            f"{r.type}: account {source.id!r} holds {holdings.total}, not {r.quantity}",
            field="quantity",
            value=r.quantity,
        )
    return holdings.select_highest(r.quantity)


def _checked_accounts(ctx: Context, p: Principal, r: Any) -> tuple[Account, Account]:
    state = ctx.state
    source = _source(state, p, r.type, r.source)
    target = _target(state, source, r)
    if source.frozen:
        raise RegistryError(
            f"{r.type}: account {source.id!r} is frozen (a disposal restriction is recorded)",
            code="FROZEN",
            field="from",
            value=source.id,
        )
    if _is_terminal(source.kind):
        raise RegistryError(
            f"{r.type}: account {source.id!r} is a {source.kind.value} account; its credits "
            "never leave it",
            code="TERMINAL_ACCOUNT",
            field="from",
            value=source.id,
        )
    if r.type == "transfer" and _is_terminal(target.kind):
        raise RegistryError(
            f"transfer: account {target.id!r} is a {target.kind.value} account; use "
            f"{'retire' if target.kind is AccountKind.RETIREMENT else 'cancel'}",
            code="TERMINAL_ACCOUNT",
            field="to",
            value=target.id,
        )
    if target.id == source.id:
        raise InvalidValueError("to", target.id, "must differ from the debited account")
    return source, target


def _serials(pieces: list[Piece]) -> tuple[Serials, int]:
    quantity = 0
    serials = []
    for block, start, end in pieces:
        quantity += end - start + 1
        serials.append((block.registry, start, end))
    return tuple(serials), quantity


def _fee(ctx: Context, source: Account, target: Account, pieces: list[Piece]) -> Decision[None]:
    schedule, rules = ctx.fee_rules(source.party)
    fee = (
        schedule.transfer_fee(target.kind, [(b.vintage, b.issued_on) for b, _, _ in pieces])
        if schedule
        else 0
    )
    return Decision(None, fee, rules)


def _version(state: State, cover: Cover) -> Authorization:
    return state.authorization(cover.authorization, cover.version)


def _international(
    ctx: Context, source: Account, target: Account, pieces: list[Piece]
) -> tuple[ItmoPiece, ...]:
    """The Article 6 decision of a move between two Parties' registries (docs/rules.md §7.3)."""
    state = ctx.state
    out: list[ItmoPiece] = []
    pending = dict(state.covered)
    for lot, start, end in pieces:
        cover = lot.cover
        if cover is not None:  # covered credits outside a terminal account are first transferred
            out.append(ItmoPiece(lot.registry, start, end, lot.vintage, cover, ItmoEvent.TRANSFER))
            continue
        attribution = ctx.ruleset(lot.host_party).attribution
        if source.party != lot.host_party:
            raise NotAuthorizedError(
                f"transfer: serials {start}-{end} are not ITMOs (no authorization of their host "
                f"{lot.host_party} covers them); only ITMOs move between registries",
                code="NOT_AUTHORIZED",
                field="serials",
                value=[start, end],
                rule="ITMOs are first transferred only once authorized (docs/rules.md §4.4, §7.3)",
            )
        scope = in_scope(
            state.latest_authorizations(lot.host_party, lot.project),
            host=lot.host_party,
            project=lot.project,
            vintage=lot.vintage,
        )
        spans = cover_out(
            end - start + 1,
            scope,
            pending,
            to_party=target.party,
            day=ctx.day,
            serials=(start, end),
        )
        first = start
        for span in spans:
            assert span.cover is not None  # cover_out covers every span or raises
            out.append(
                ItmoPiece(
                    lot.registry, first, first + span.quantity - 1, lot.vintage, span.cover,
                    ItmoEvent.FIRST_TRANSFER, FirstTransferKind.TO_ANOTHER_PARTY, True,
                    attribution,
                )
            )  # fmt: skip
            pending[span.cover.authorization] = (
                pending.get(span.cover.authorization, 0) + span.quantity
            )
            first += span.quantity
    return tuple(out)


def _decide_transfer(ctx: Context, p: Principal, r: TransferRequest) -> Decision[TransferEffects]:
    source, target = _checked_accounts(ctx, p, r)
    pieces = _pieces(ctx.state, source, r)
    serials, quantity = _serials(pieces)
    fee = _fee(ctx, source, target, pieces)
    if source.registry == target.registry:
        return Decision(
            TransferEffects(source.id, target.id, quantity, serials), fee.fee, fee.rules
        )
    itmos = _international(ctx, source, target, pieces)
    effects = TransferEffects(
        source.id, target.id, quantity, serials, itmos=itmos, international=True
    )
    return Decision(effects, fee.fee, fee.rules)


def _approval(
    state: State, party: str, lot: CreditBlock, day: dt.date, serials: tuple[int, int]
) -> Cover:
    """The retiring Party's authorization that approves the NDC use of ``lot`` on ``day``."""
    for auth in state.latest_authorizations(party, lot.project):
        if (
            auth.covers_ndc
            and auth.covers_project(lot.project, lot.vintage)
            and auth.in_force_on(day)
        ):
            return Cover(auth.id, auth.version)
    raise NotAuthorizedError(
        f"retire: {party} has not authorized project {lot.project} vintage {lot.vintage} for NDC "
        f"use in force on {day.isoformat()} (Art. 6.3; both the host and {party} must)",
        code="NOT_AUTHORIZED",
        field="serials",
        value=list(serials),
        rule="retirement needs Art. 6.3 approval by both Parties (docs/rules.md §4.4, BILL item 4)",
    )


def _decide_retire(ctx: Context, p: Principal, r: RetireRequest) -> Decision[RetireEffects]:
    state = ctx.state
    source, target = _checked_accounts(ctx, p, r)
    pieces = _pieces(state, source, r)
    serials, quantity = _serials(pieces)
    record = state.parties[source.party]
    ndc_year, period = retirement_period(
        record.ndc_periods, [lot.vintage for lot, _, _ in pieces], r.ndc_year
    )
    itmos: list[ItmoPiece] = []
    approval: Cover | None = None
    pending = dict(state.covered)
    for lot, start, end in pieces:
        cover = lot.cover
        host = lot.host_party
        if cover is None and source.party == host:  # the host's own use: coverage decided now
            scope = in_scope(
                state.latest_authorizations(host, lot.project),
                host=host,
                project=lot.project,
                vintage=lot.vintage,
            )
            first = start
            for span in cover_own_use(
                end - start + 1, scope, pending, day=ctx.day, serials=(start, end)
            ):
                assert span.cover is not None  # cover_own_use covers every span or raises
                last = first + span.quantity - 1
                itmos.append(
                    ItmoPiece(
                        lot.registry, first, last, lot.vintage, span.cover, ItmoEvent.OWN_USE,
                        None, True,
                    )
                )  # fmt: skip
                pending[span.cover.authorization] = (
                    pending.get(span.cover.authorization, 0) + span.quantity
                )
                first = last + 1
            continue
        if cover is None or not _version(state, cover).covers_ndc:
            raise NotAuthorizedError(
                f"retire: serials {start}-{end} (project {lot.project}, vintage {lot.vintage}) "
                f"are not ITMOs first transferred under an NDC authorization of {host} (Art. "
                f"6.3; both the host and {source.party} must authorize)",
                code="NOT_AUTHORIZED",
                field="serials",
                value=[start, end],
                rule="retirement needs Art. 6.3 approval by both Parties "
                "(docs/rules.md §4.4, BILL item 4)",
            )
        if source.party == host:
            itmos.append(ItmoPiece(lot.registry, start, end, lot.vintage, cover, ItmoEvent.OWN_USE))
            continue
        approval = approval or _approval(state, source.party, lot, ctx.day, (start, end))
        itmos.append(ItmoPiece(lot.registry, start, end, lot.vintage, cover, ItmoEvent.USE))
    fee = _fee(ctx, source, target, pieces)
    effects = RetireEffects(
        source.id,
        target.id,
        quantity,
        serials,
        itmos=tuple(itmos),
        ndc_year=ndc_year,
        ndc_period=period,
        approval=approval,
        beneficiary=r.beneficiary,
    )
    return Decision(effects, fee.fee, fee.rules)


def _decide_cancel(ctx: Context, p: Principal, r: CancelRequest) -> Decision[CancelEffects]:
    state = ctx.state
    source, target = _checked_accounts(ctx, p, r)
    pieces = _pieces(state, source, r)
    serials, quantity = _serials(pieces)
    itmos: list[ItmoPiece] = []
    pending = dict(state.covered)
    for lot, start, end in pieces:
        cover = lot.cover
        if cover is not None:
            itmos.append(
                ItmoPiece(lot.registry, start, end, lot.vintage, cover, ItmoEvent.CANCELLATION)
            )
            continue
        scope = in_scope(
            state.latest_authorizations(lot.host_party, lot.project),
            host=lot.host_party,
            project=lot.project,
            vintage=lot.vintage,
        )
        first = start
        for span in cover_on_cancellation(end - start + 1, scope, pending, day=ctx.day):
            last = first + span.quantity - 1
            if span.cover is not None:
                itmos.append(
                    ItmoPiece(
                        lot.registry, first, last, lot.vintage, span.cover,
                        ItmoEvent.FIRST_TRANSFER, span.first_transfer, True,
                        ctx.ruleset(lot.host_party).attribution,
                    )
                )  # fmt: skip
                pending[span.cover.authorization] = (
                    pending.get(span.cover.authorization, 0) + span.quantity
                )
            first = last + 1
    fee = _fee(ctx, source, target, pieces)
    effects = CancelEffects(
        source.id, target.id, quantity, serials, itmos=tuple(itmos), purpose=r.purpose
    )
    return Decision(effects, fee.fee, fee.rules)


# --------------------------------------------------------------------------- application


def _apply(state: State, e: MoveEffects, entry: Entry) -> None:
    source, to = e.source, e.to
    relabels = [i for i in e.itmos if i.first_transfer is not None or i.newly_covered]
    if not relabels:
        take, put = state.take, state.put
        for registry, start, end in e.serials:
            for lot, first, last in take(source, registry, start, end):
                put(to, lot, first, last)
        return
    party = state.accounts[to].party
    for registry, start, end in e.serials:
        for lot, first, last in state.take(source, registry, start, end):
            _put_relabelled(state, to, party, (lot, first, last), relabels, seq=entry.seq)
    for piece in relabels:
        if piece.newly_covered:
            state.add(state.covered, piece.cover.authorization, piece.quantity)


def _put_relabelled(
    state: State, to: str, party: str, piece_taken: Piece, relabels: list[ItmoPiece], *, seq: int
) -> None:
    """Put a piece taken into ``to``, relabelling the parts an :class:`ItmoPiece` changes."""
    lot, first, last = piece_taken
    cursor = first
    for piece in sorted(relabels, key=lambda i: i.first):
        if piece.registry != lot.registry or piece.last < cursor or piece.first > last:
            continue
        lo, hi = max(piece.first, cursor), min(piece.last, last)
        if lo > cursor:
            state.put(to, lot, cursor, lo - 1)
        kind = piece.first_transfer
        mark = lot.first_transfer
        if kind is not None:
            acquiring = party if kind is FirstTransferKind.TO_ANOTHER_PARTY else None
            mark = FirstTransferMark(seq, kind, acquiring)
        state.put(to, lot.relabel(cover=piece.cover, first_transfer=mark), lo, hi)
        cursor = hi + 1
    if cursor <= last:
        state.put(to, lot, cursor, last)


# --------------------------------------------------------------------------- fast JSON


def _itmo_json(i: ItmoPiece) -> dict[str, Any]:
    data: dict[str, Any] = {
        "registry": i.registry,
        "first": i.first,
        "last": i.last,
        "vintage": i.vintage,
        "cover": {"authorization": i.cover.authorization, "version": i.cover.version},
        "event": i.event.value,
    }
    if i.first_transfer is not None:
        data["first_transfer"] = i.first_transfer.value
    if i.newly_covered:
        data["newly_covered"] = True
    if i.attribution is not None:
        data["attribution"] = i.attribution.value
    return data


def _itmo(data: Mapping[str, Any]) -> ItmoPiece:
    cover = data["cover"]
    kind = data.get("first_transfer")
    attribution = data.get("attribution")
    return ItmoPiece(
        data["registry"],
        data["first"],
        data["last"],
        data["vintage"],
        Cover(cover["authorization"], cover["version"]),
        ItmoEvent(data["event"]),
        None if kind is None else FirstTransferKind(kind),
        bool(data.get("newly_covered", False)),
        None if attribution is None else Attribution(attribution),
    )


def _encode(e: MoveEffects) -> dict[str, Any]:
    data: dict[str, Any] = {
        "from": e.source,
        "to": e.to,
        "quantity": e.quantity,
        "serials": [[r, s, t] for r, s, t in e.serials],
    }
    if e.itmos:
        data["itmos"] = [_itmo_json(i) for i in e.itmos]
    if isinstance(e, TransferEffects):
        if e.international:
            data["international"] = True
    elif isinstance(e, RetireEffects):
        data["ndc_year"] = e.ndc_year
        period = e.ndc_period
        data["ndc_period"] = None if period is None else [period.first_year, period.last_year]
        if e.approval is not None:
            data["approval"] = {
                "authorization": e.approval.authorization,
                "version": e.approval.version,
            }
        if e.beneficiary is not None:
            data["beneficiary"] = e.beneficiary
    elif isinstance(e, CancelEffects):
        data["purpose"] = e.purpose
    return data


_new: Final = object.__new__
_set: Final = object.__setattr__


def _decode_common(obj: Any, data: Mapping[str, Any]) -> None:
    _set(obj, "source", data["from"])
    _set(obj, "to", data["to"])
    _set(obj, "quantity", data["quantity"])
    _set(obj, "serials", tuple((r, s, t) for r, s, t in data["serials"]))
    itmos = data.get("itmos")
    _set(obj, "itmos", () if not itmos else tuple(_itmo(i) for i in itmos))


def _decode_transfer(data: Mapping[str, Any]) -> TransferEffects:
    made: TransferEffects = _new(TransferEffects)
    _decode_common(made, data)
    _set(made, "international", bool(data.get("international", False)))
    return made


def _decode_retire(data: Mapping[str, Any]) -> RetireEffects:
    made: RetireEffects = _new(RetireEffects)
    _decode_common(made, data)
    period = data["ndc_period"]
    approval = data.get("approval")
    _set(made, "ndc_year", data["ndc_year"])
    _set(made, "ndc_period", None if period is None else NdcPeriod(period[0], period[1]))
    _set(
        made,
        "approval",
        None if approval is None else Cover(approval["authorization"], approval["version"]),
    )
    _set(made, "beneficiary", data.get("beneficiary"))
    return made


def _decode_cancel(data: Mapping[str, Any]) -> CancelEffects:
    made: CancelEffects = _new(CancelEffects)
    _decode_common(made, data)
    _set(made, "purpose", data["purpose"])
    return made


def _replay(state: State, effects: dict[str, Any]) -> bool:
    """:func:`_apply` straight from the stored JSON, for moves that change no Article 6 label."""
    itmos = effects.get("itmos")
    if itmos:
        for piece in itmos:
            if "first_transfer" in piece or "newly_covered" in piece:
                return False
    holdings = state.holdings
    move, target = holdings[effects["from"]].move_to, holdings[effects["to"]]
    for registry, start, end in effects["serials"]:
        move(target, registry, start, end)
    return True


_ROLES: Final = HOLDING_ROLES

TRANSFER: Final = Kind(
    "transfer",
    TransferRequest,
    TransferEffects,
    _ROLES,
    _decide_transfer,
    _apply,
    _encode,
    _decode_transfer,
    _replay,
)
RETIRE: Final = Kind(
    "retire",
    RetireRequest,
    RetireEffects,
    _ROLES,
    _decide_retire,
    _apply,
    _encode,
    _decode_retire,
    _replay,
)
CANCEL: Final = Kind(
    "cancel",
    CancelRequest,
    CancelEffects,
    _ROLES,
    _decide_cancel,
    _apply,
    _encode,
    _decode_cancel,
    _replay,
)


# --------------------------------------------------------------------------- fast requests


_MOVE_KEYS: Final[Mapping[str, frozenset[str]]] = {
    "transfer": frozenset(
        {"type", "from", "to", "quantity", "serials", "actor", "idempotency_key"}
    ),
    "retire": frozenset(
        {
            "type",
            "from",
            "quantity",
            "serials",
            "beneficiary",
            "ndc_year",
            "actor",
            "idempotency_key",
        }
    ),
    "cancel": frozenset(
        {"type", "from", "quantity", "serials", "purpose", "actor", "idempotency_key"}
    ),
}


def _plain_id(value: object) -> bool:
    """A short ASCII identifier that :func:`jcm.core.ids.check_identifier` certainly accepts."""
    return (
        type(value) is str
        and 0 < len(value) <= 64
        and value.isascii()
        and value.isprintable()
        and value[0] != " "
        and value[-1] != " "
    )


def fast_move(data: dict[str, Any], kind: str) -> Any:
    """A transfer, retirement or cancellation from plain JSON, without the converter.

    Only for input of exactly the expected JSON types and values, whose checks here are those of
    the request's validators (short ASCII identifiers, exactly one of quantity and serials,
    integers >= 1, ``end >= start``, a calendar year); the object is then built without running
    them again. Anything else returns ``None`` and goes through the converter, which reports
    every bad field with its path.
    """
    keys = _MOVE_KEYS.get(kind)
    if keys is None or not data.keys() <= keys:
        return None
    source = data.get("from")
    quantity = data.get("quantity")
    serials = data.get("serials")
    actor = data.get("actor")
    key = data.get("idempotency_key")
    if not _plain_id(source):
        return None
    if (actor is not None and not _plain_id(actor)) or (key is not None and not _plain_id(key)):
        return None
    pair: tuple[int, int] | None = None
    if serials is None:
        if type(quantity) is not int or quantity < 1:
            return None
    else:
        if quantity is not None or type(serials) is not list or len(serials) != 2:
            return None
        start, end = serials
        if type(start) is not int or type(end) is not int or not 1 <= start <= end:
            return None
        pair = (start, end)
    request: Any
    if kind == "transfer":
        to = data.get("to")
        if not _plain_id(to):
            return None
        request = _new(TransferRequest)
        _set(request, "to", to)
    elif kind == "retire":
        beneficiary = data.get("beneficiary")
        year = data.get("ndc_year")
        if beneficiary is not None:
            return None  # free text: the converter checks it
        if year is not None and (type(year) is not int or not 1990 <= year <= 2100):
            return None
        request = _new(RetireRequest)
        _set(request, "beneficiary", None)
        _set(request, "ndc_year", year)
    else:
        purpose = data.get("purpose")
        if not _plain_id(purpose):
            return None
        request = _new(CancelRequest)
        _set(request, "purpose", purpose)
    _set(request, "source", source)
    _set(request, "quantity", quantity)
    _set(request, "serials", pair)
    _set(request, "actor", actor)
    _set(request, "idempotency_key", key)
    _set(request, "at", None)
    return request


def move_json(request: Any) -> dict[str, Any]:
    """The journal form of a move request (what the converter gives, without its defaults)."""
    data: dict[str, Any] = {"type": request.type, "from": request.source}
    if request.type == "transfer":
        data["to"] = request.to
    if request.quantity is not None:
        data["quantity"] = request.quantity
    if request.serials is not None:
        data["serials"] = [request.serials[0], request.serials[1]]
    if request.type == "retire":
        if request.beneficiary is not None:
            data["beneficiary"] = request.beneficiary
        if request.ndc_year is not None:
            data["ndc_year"] = request.ndc_year
    elif request.type == "cancel":
        data["purpose"] = request.purpose
    return data
