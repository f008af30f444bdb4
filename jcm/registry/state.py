"""The registry's state, a fold of its journal, and the code that applies one entry to it.

Design
------
The state is what the journal says so far (ARCHITECTURE.md, rule 3): Parties and their
registries, principals, accounts with their credit blocks, projects and monitoring periods,
authorizations, the totals issued, fees paid and idempotency keys used. It is changed **only** by
:func:`apply`, which reads one journal entry — the request and what the engine resolved for it
(``effects``) — and cannot fail for an entry the engine planned against the same state. Opening a
registry, ``as_of`` and ``verify`` all rebuild a state by applying entries one after another, so
the live state and a replayed one are the same by construction.

**Holdings.** Each account keeps its blocks in a :class:`Holdings`: per issuing registry, three
parallel lists sorted by serial, the first serials (for ``bisect``), the last serials and the lots
(a :class:`~jcm.core.credit.CreditBlock` carrying the attributes of the issuance, shared by every
piece cut from it). Finding the block that holds a serial is ``O(log n)``; a move touches only the
blocks it cuts or takes, so the cost of a request is proportional to the blocks it touches, never
to the size of the registry. A move edits integers and builds no object (a block is built only
when one is read, by :meth:`Holdings.blocks`), which keeps a large registry light in memory and
for the garbage collector. Adjacent blocks of the same lot (same issuance, project, vintage, ...)
are merged on arrival.

Worked example: an account holds 1-100 and 201-300 of registry ``JPN01``. Moving 150 by quantity
takes the **highest** serials, 201-300 and then 51-100, leaving 1-50
(API.md; rules.md §4.3 [I])::

    >>> import datetime as dt
    >>> from jcm.core.credit import CreditBlock, SerialRange
    >>> lot = CreditBlock("JPN01", "JPN", "MN010", "MNG", 2023, SerialRange(1, 100),
    ...                   dt.date(2025, 6, 1), "7")
    >>> h = Holdings()
    >>> h.add(lot); h.add(lot.with_serials(SerialRange(201, 300)))
    >>> [(start, end) for _block, start, end in h.select_highest(150)]
    [(201, 300), (51, 100)]
    >>> [str(b.serials) for b in h.remove("JPN01", 51, 100)], h.total
    (['51-100'], 150)
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Any

import attrs

from jcm.core.account import Account, AccountKind
from jcm.core.credit import CreditBlock, SerialRange
from jcm.core.cycle import PeriodRecord, ProjectRecord, issuing_parties, record_issuance
from jcm.core.nomenclature import DEFAULT_APPROACH
from jcm.core.party import Principal, Role
from jcm.errors import RegistryError
from jcm.registry.authorization import Authorization, Timeframe
from jcm.registry.journal import GENESIS_HASH, Entry
from jcm.registry.receipt import Receipt

__all__ = [
    "CYCLE_TYPES",
    "Holdings",
    "LedgerError",
    "PartyRecord",
    "Piece",
    "State",
    "apply",
    "period_key",
]

CYCLE_TYPES = frozenset(
    {
        "submit_pin",
        "decide_no_objection",
        "submit_pdd",
        "start_public_input",
        "close_public_input",
        "submit_validation_report",
        "register_project",
        "submit_monitoring_report",
        "submit_verification_report",
        "request_issuance",
        "decide_issuance",
    }
)
"""Request types that only advance the project cycle; their new record is planned by the engine."""


class LedgerError(RegistryError):
    """An entry that does not fit the state (a damaged or tampered journal); code ``REPLAY``."""

    default_code = "REPLAY_FAILED"


@attrs.frozen
class PartyRecord:
    """A Party known to the engine and its registry (API.md ``add_party``).

    Parameters
    ----------
    party
        ISO alpha-3 code.
    registry_id
        Id of its registry (``"JPN01"``).
    administrator
        The principal id of its registry administrator named when it was added.
    ndc_period
        First and last year of its NDC period; the last is the default ``ndc_year``.
    next_serial
        The next free serial of its registry (rules.md §3.3 [I]).
    """

    party: str
    registry_id: str
    administrator: str
    ndc_period: tuple[int, int] = (2021, 2030)
    next_serial: int = 1


def period_key(project: str, start: dt.date, end: dt.date) -> tuple[str, dt.date, dt.date]:
    """The key of a monitoring period in :attr:`State.periods`."""
    return (project, start, end)


Piece = tuple[CreditBlock, int, int]
"""Part of a held block that a move takes: the block's lot and the first and last serial taken.

The lot carries the attributes of the credits (registry, project, vintage, issue date, ...); its
own ``serials`` are those of the issuance it came from (see :meth:`Holdings.spans`), not the
piece's: the piece is ``start..end``.
"""


class _Run:
    """The blocks of one issuing registry in one account, as parallel lists sorted by serial.

    Block ``i`` holds serials ``starts[i]..ends[i]`` of the lot ``lots[i]``: a block carrying the
    attributes of its issuance (registry, project, vintage, ...), shared by every piece cut from
    it, whose own serials are not those of the piece. Moves edit integers in these lists and
    make no objects; a :class:`~jcm.core.credit.CreditBlock` is built only when one is read.
    """

    __slots__ = ("ends", "lots", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.lots: list[CreditBlock] = []


def _piece_of(lot: CreditBlock, start: int, end: int) -> CreditBlock:
    """The block of ``lot`` over ``start..end`` (the lot itself when its serials are those)."""
    serials = lot.serials
    if serials.start == start and serials.end == end:
        return lot
    return lot._with_range(start, end)  # a sub-range of a validated block: no re-validation


class Holdings:
    """The credit blocks of one account, sorted by serial within each issuing registry.

    ``total`` is the account's balance [tCO2e], kept up to date.
    """

    __slots__ = ("_runs", "total")

    def __init__(self) -> None:
        self._runs: dict[str, _Run] = {}
        self.total = 0

    def blocks(self) -> Iterator[CreditBlock]:
        """Every block, by issuing registry id then by serial."""
        for registry in sorted(self._runs):
            run = self._runs[registry]
            for lot, start, end in zip(run.lots, run.starts, run.ends, strict=True):
                yield _piece_of(lot, start, end)

    def spans(self) -> Iterator[tuple[CreditBlock, int, int]]:
        """``(lot, start, end)`` per block, in the order of :meth:`blocks`, building no block.

        ``lot`` carries the block's attributes (registry, project, vintage, ...); its own
        ``serials`` are those of the issuance it came from, not the span's.
        """
        for registry in sorted(self._runs):
            run = self._runs[registry]
            yield from zip(run.lots, run.starts, run.ends, strict=True)

    def runs(self) -> Iterator[tuple[str, list[int], list[int], list[CreditBlock]]]:
        """``(registry, starts, ends, lots)`` per issuing registry, sorted: the raw block lists.

        Block ``i`` of a run is serials ``starts[i]..ends[i]`` of ``lots[i]`` (see :meth:`spans`).
        The lists are the holdings' own, for fast audits: read them, never change them.
        """
        for registry in sorted(self._runs):
            run = self._runs[registry]
            yield registry, run.starts, run.ends, run.lots

    def same_blocks(self, other: Holdings) -> bool:
        """True when both hold the same blocks (serials and attributes), without building them."""
        if self.total != other.total or self._runs.keys() != other._runs.keys():
            return False
        for registry, run in self._runs.items():
            theirs = other._runs[registry]
            if run.starts != theirs.starts or run.ends != theirs.ends:
                return False
            for mine, their in zip(run.lots, theirs.lots, strict=True):
                if mine is not their and not mine.same_lot(their):
                    return False
        return True

    def __len__(self) -> int:
        return sum(len(run.starts) for run in self._runs.values())

    def registries(self) -> tuple[str, ...]:
        """The issuing registries whose credits the account holds, sorted."""
        return tuple(sorted(self._runs))

    def add(self, block: CreditBlock) -> None:
        """Add a block, merging it with adjacent blocks of the same lot.

        Raises
        ------
        LedgerError
            When the block overlaps one already held (never for an entry planned by the engine).
        """
        self.put(block, block.serials.start, block.serials.end)

    def put(self, lot: CreditBlock, start: int, end: int) -> None:
        """Add serials ``start..end`` of ``lot`` (a piece of :meth:`take`); merges as :meth:`add`.

        Raises
        ------
        LedgerError
            When the serials overlap some already held (never for an entry planned by the engine).
        """
        if type(start) is not int or type(end) is not int or not 1 <= start <= end:
            raise LedgerError(f"serials {start!r}-{end!r} are not a range of integers >= 1")
        run = self._runs.get(lot.registry)
        if run is None:
            run = self._runs[lot.registry] = _Run()
        starts, ends, lots = run.starts, run.ends, run.lots
        i = bisect_left(starts, start)
        n = len(starts)
        if i > 0 and ends[i - 1] >= start:
            raise LedgerError(f"block {start}-{end} overlaps {starts[i - 1]}-{ends[i - 1]}")
        if i < n and starts[i] <= end:
            raise LedgerError(f"block {start}-{end} overlaps {starts[i]}-{ends[i]}")
        self.total += end - start + 1
        if i > 0 and ends[i - 1] + 1 == start:
            prev = lots[i - 1]
            if prev is lot or prev.same_lot(lot):
                if i < n and starts[i] == end + 1:
                    nxt = lots[i]
                    if nxt is lot or nxt.same_lot(lot):
                        ends[i - 1] = ends[i]
                        del starts[i], ends[i], lots[i]
                        return
                ends[i - 1] = end
                return
        if i < n and starts[i] == end + 1:
            nxt = lots[i]
            if nxt is lot or nxt.same_lot(lot):
                starts[i] = start
                return
        starts.insert(i, start)
        ends.insert(i, end)
        lots.insert(i, lot)

    def remove(self, registry: str, start: int, end: int) -> list[CreditBlock]:
        """Take serials ``start..end`` of ``registry`` out; return the pieces taken, in order.

        Raises
        ------
        LedgerError
            When a serial of the range is not held (never for an entry planned by the engine).
        """
        return [_piece_of(lot, s, e) for lot, s, e in self.take(registry, start, end)]

    def take(self, registry: str, start: int, end: int) -> list[tuple[CreditBlock, int, int]]:
        """Like :meth:`remove`, giving ``(lot, start, end)`` per piece (see :meth:`spans`).

        Raises
        ------
        LedgerError
            When a serial of the range is not held (never for an entry planned by the engine).
        """
        if type(start) is not int or type(end) is not int or not 1 <= start <= end:
            raise LedgerError(f"serials {start!r}-{end!r} are not a range of integers >= 1")
        run = self._runs.get(registry)
        if run is None:
            raise LedgerError(f"no credits of registry {registry} held")
        starts, ends, lots = run.starts, run.ends, run.lots
        i = bisect_right(starts, start) - 1
        taken: list[tuple[CreditBlock, int, int]] = []
        while True:
            if i < 0 or i >= len(starts):
                raise LedgerError(f"serial {registry} {start} is not held")
            first, last = starts[i], ends[i]
            if first > start or last < start:
                raise LedgerError(f"serial {registry} {start} is not held")
            upto = end if end < last else last
            lot = lots[i]
            if first < start:
                ends[i] = start - 1
                if last > upto:
                    starts.insert(i + 1, upto + 1)
                    ends.insert(i + 1, last)
                    lots.insert(i + 1, lot)
                i += 1
            elif last > upto:
                starts[i] = upto + 1
            else:
                del starts[i], ends[i], lots[i]
            taken.append((lot, start, upto))
            self.total -= upto - start + 1
            if upto == end:
                break
            start = upto + 1
        if not starts:
            del self._runs[registry]
        return taken

    def select_highest(self, quantity: int) -> list[Piece]:
        """The pieces a move of ``quantity`` takes: the highest serials first (pure).

        Registries are taken in descending order of id, blocks from the highest serial down, and
        the last block is split with the account keeping its lower serials (rules.md §4.3 [I]).
        The caller checks ``quantity <= total`` first.
        """
        pieces: list[Piece] = []
        left = quantity
        for registry in sorted(self._runs, reverse=True):
            run = self._runs[registry]
            starts, ends, lots = run.starts, run.ends, run.lots
            for index in range(len(starts) - 1, -1, -1):
                start, end = starts[index], ends[index]
                block = lots[index]
                if end - start + 1 <= left:
                    pieces.append((block, start, end))
                    left -= end - start + 1
                else:
                    pieces.append((block, end - left + 1, end))
                    left = 0
                if left == 0:
                    return pieces
        return pieces

    def select_range(self, registry: str, start: int, end: int) -> list[Piece] | None:
        """The pieces of serials ``start..end`` of ``registry`` if all are held, else ``None``."""
        run = self._runs.get(registry)
        if run is None:
            return None
        starts, ends, lots = run.starts, run.ends, run.lots
        i = bisect_right(starts, start) - 1
        pieces: list[Piece] = []
        while True:
            if i < 0 or i >= len(starts):
                return None
            first, last = starts[i], ends[i]
            if first > start or last < start:
                return None
            upto = end if end < last else last
            pieces.append((lots[i], start, upto))
            if upto == end:
                return pieces
            start = upto + 1
            i += 1


class State:
    """Everything the journal says so far; changed only by :func:`apply`.

    Attributes are plain dictionaries for speed; read them, never write them outside
    :func:`apply`. ``authorizations`` holds the newest version of each authorization and
    ``authorization_versions`` every version (rules.md §8.4 [M: verify]); ``authorizations_of``
    indexes the ids by ``(party, project, vintage)``; ``first_transferred`` is the cumulative
    quantity first transferred under each id (rules.md §7.8 C04), a fold of the moves' effects.
    """

    def __init__(self, operator: str = "operator") -> None:
        self.operator = operator
        self.principals: dict[str, Principal] = {operator: Principal(operator, Role.OPERATOR)}
        self.parties: dict[str, PartyRecord] = {}
        self.registries: dict[str, str] = {}
        self.accounts: dict[str, Account] = {}
        self.holdings: dict[str, Holdings] = {}
        self.terminal_accounts: dict[tuple[str, AccountKind], str] = {}
        self.issued: dict[tuple[str, str, int], int] = {}
        self.projects: dict[str, ProjectRecord] = {}
        self.periods: dict[tuple[str, dt.date, dt.date], PeriodRecord] = {}
        self.periods_of: dict[str, list[tuple[str, dt.date, dt.date]]] = {}
        self.authorizations: dict[str, Authorization] = {}
        self.authorized: dict[tuple[str, str, int], set[str]] = {}
        self.authorization_versions: dict[str, list[Authorization]] = {}
        self.authorizations_of: dict[tuple[str, str, int], list[str]] = {}
        self.first_transferred: dict[str, int] = {}
        self.idempotency: dict[str, tuple[str, dict[str, Any], Receipt]] = {}
        self.fees: dict[str, int] = {}
        self.seq = 0
        self.last_hash = GENESIS_HASH
        self.last_at: dt.datetime | None = None

    def is_authorized(self, party: str, project: str, vintage: int, purpose: str) -> bool:
        """True when ``party`` authorized ``project``'s ``vintage`` for ``purpose``."""
        purposes = self.authorized.get((party, project, vintage))
        return purposes is not None and purpose in purposes


def receipt_of(entry: Entry) -> Receipt:
    """The receipt of an entry (a function of the entry alone)."""
    return Receipt(entry.seq, str(entry.request.get("type")), entry.fee, entry.effects)


# --------------------------------------------------------------------------- apply


def _move(state: State, effects: dict[str, Any]) -> None:
    source = state.holdings[effects["from"]]
    target = state.holdings[effects["to"]]
    take, put = source.take, target.put
    for registry, start, end in effects["serials"]:
        for lot, first, last in take(registry, start, end):
            put(lot, first, last)


def _add_party(state: State, request: dict[str, Any], _effects: dict[str, Any], _e: Entry) -> None:
    party = request["party"]
    period = request.get("ndc_period")
    state.parties[party] = PartyRecord(
        party,
        request["registry_id"],
        request["administrator"],
        (period[0], period[1]) if period else (2021, 2030),
    )
    state.registries[request["registry_id"]] = party
    admin = request["administrator"]
    state.principals[admin] = Principal(admin, Role.REGISTRY_ADMINISTRATOR, party)


def _add_principal(
    state: State, request: dict[str, Any], _effects: dict[str, Any], _e: Entry
) -> None:
    principal = request["principal"]
    state.principals[principal] = Principal(principal, Role(request["role"]), request["party"])


def _open_account(
    state: State, request: dict[str, Any], _effects: dict[str, Any], _e: Entry
) -> None:
    party = request["party"]
    kind = AccountKind(request["kind"])
    account = Account(
        request["account"], party, state.parties[party].registry_id, kind, request["holder"]
    )
    state.accounts[account.id] = account
    state.holdings[account.id] = Holdings()
    if kind.terminal:
        state.terminal_accounts.setdefault((party, kind), account.id)


def _issue(state: State, request: dict[str, Any], effects: dict[str, Any], entry: Entry) -> None:
    party = effects["party"]
    registry = effects["registry"]
    project = request["project"]
    host = effects["host_party"]
    issued_on = entry.at.date()
    issuance = str(entry.seq)
    for account, vintage, start, end in effects["blocks"]:
        block = CreditBlock(
            registry, party, project, host, vintage, SerialRange(start, end), issued_on, issuance
        )
        state.holdings[account].add(block)
        key = (registry, project, vintage)
        state.issued[key] = state.issued.get(key, 0) + (end - start + 1)
    record = state.parties[party]
    state.parties[party] = attrs.evolve(record, next_serial=effects["next_serial"])
    period = request["period"]
    key_p = period_key(
        project, dt.date.fromisoformat(period["start"]), dt.date.fromisoformat(period["end"])
    )
    prec = state.periods[key_p]
    state.periods[key_p] = record_issuance(
        prec, Role.REGISTRY_ADMINISTRATOR, party, issuing_parties(prec.allocation)
    )


def _authorize(
    state: State, request: dict[str, Any], effects: dict[str, Any], entry: Entry
) -> None:
    """Record an authorization or its next version (rules.md §8.2 [P2], §8.4 [M: verify]).

    The index of authorized purposes follows the newest version of every authorization, so a
    change applies to credits not yet first transferred; those already first transferred keep
    the version recorded in their move's effects.
    """
    timeframe = request.get("timeframe")
    day = request.get("date")
    record = Authorization(
        request["authorization"],
        request["party"],
        request["project"],
        frozenset(request["vintages"]),
        frozenset(request["purposes"]),
        request.get("first_transfer_definition"),
        request.get("authorized_quantity"),
        None
        if timeframe is None
        else Timeframe(
            dt.date.fromisoformat(timeframe["start"]), dt.date.fromisoformat(timeframe["end"])
        ),
        entry.seq,
        version=request.get("version") or 1,
        cooperative_approach=request.get("cooperative_approach") or DEFAULT_APPROACH,
        date=entry.at.date() if day is None else dt.date.fromisoformat(day),
        sectors=tuple(request.get("sectors") or ()),
        activity_types=tuple(request.get("activity_types") or ()),
        authorized_parties=frozenset(request.get("authorized_parties") or ()),
        authorized_entities=tuple(request.get("authorized_entities") or ()),
        oimp=request.get("oimp"),
        terms=request.get("terms"),
    )
    previous = state.authorizations.get(record.id)
    state.authorizations[record.id] = record
    state.authorization_versions.setdefault(record.id, []).append(record)
    new_keys = {(record.party, record.project, v) for v in record.vintages}
    old_keys = (
        set()
        if previous is None
        else {(previous.party, previous.project, v) for v in previous.vintages}
    )
    index = state.authorizations_of
    for key in old_keys - new_keys:
        index[key].remove(record.id)
    for key in new_keys - old_keys:
        index.setdefault(key, []).append(record.id)
    for key in old_keys | new_keys:
        ids = index.get(key)
        if ids:
            purposes: set[str] = set()
            for other in ids:
                purposes |= state.authorizations[other].purposes
            state.authorized[key] = purposes
        else:
            index.pop(key, None)
            state.authorized.pop(key, None)


def _transfer(state: State, _r: dict[str, Any], effects: dict[str, Any], _e: Entry) -> None:
    _move(state, effects)
    first = effects.get("first_transfer")
    if first is not None:
        counts = state.first_transferred
        for _registry, start, end, authorization, _version in first:
            counts[authorization] = counts.get(authorization, 0) + (end - start + 1)


def _freeze(state: State, request: dict[str, Any], _effects: dict[str, Any], _e: Entry) -> None:
    account = state.accounts[request["account"]]
    state.accounts[account.id] = attrs.evolve(account, frozen=request["type"] == "freeze")


def _nothing(_state: State, _r: dict[str, Any], _effects: dict[str, Any], _e: Entry) -> None:
    return None


_APPLY = {
    "add_party": _add_party,
    "add_principal": _add_principal,
    "open_account": _open_account,
    "issue": _issue,
    "authorize": _authorize,
    "transfer": _transfer,
    "retire": _transfer,
    "cancel": _transfer,
    "freeze": _freeze,
    "unfreeze": _freeze,
    "request_certificate": _nothing,
}


def apply(
    state: State, entry: Entry, cycle_record: ProjectRecord | PeriodRecord | None = None
) -> None:
    """Apply one journal entry to ``state`` (the only code that changes a state).

    Parameters
    ----------
    state
        The state the entry was planned against.
    entry
        The journal entry (its request, effects, fee, actor, time).
    cycle_record
        For a project-cycle request, the project or period record the engine planned.

    Raises
    ------
    LedgerError
        Only for an entry that does not fit the state (a damaged journal); never for an entry
        the engine planned against this state.
    """
    request = entry.request
    kind = request.get("type")
    handler = _APPLY.get(kind) if isinstance(kind, str) else None
    if handler is not None:
        try:
            handler(state, request, entry.effects, entry)
        except LedgerError:
            raise
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise LedgerError(
                f"entry {entry.seq}: {kind} does not fit the state: {type(exc).__name__}: {exc}",
                field="effects",
                value=entry.seq,
            ) from None
    elif kind in CYCLE_TYPES:
        if isinstance(cycle_record, ProjectRecord):
            state.projects[cycle_record.project.id] = cycle_record
        elif isinstance(cycle_record, PeriodRecord):
            key = period_key(
                cycle_record.project, cycle_record.period.start, cycle_record.period.end
            )
            if key not in state.periods:
                state.periods_of.setdefault(cycle_record.project, []).append(key)
            state.periods[key] = cycle_record
        else:
            raise LedgerError(f"entry {entry.seq}: {kind} needs its planned cycle record")
    else:
        raise LedgerError(f"entry {entry.seq}: unknown request type {kind!r}", value=entry.seq)
    if entry.fee:
        payer = entry.effects.get("fee_payer", entry.actor)
        state.fees[payer] = state.fees.get(payer, 0) + entry.fee
    if entry.idempotency_key is not None:
        state.idempotency[entry.idempotency_key] = (entry.actor, request, receipt_of(entry))
    state.seq = entry.seq
    state.last_hash = entry.hash
    state.last_at = entry.at
