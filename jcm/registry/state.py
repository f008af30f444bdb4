"""The registry's state, a fold of its journal, and the code that applies one entry to it.

Design
------
The state is what the journal says so far (docs/architecture.md, rule 3): Parties and their
registries, principals, accounts with their credit blocks, projects and monitoring periods,
authorizations and what each covers, the totals issued, fees paid and idempotency keys used. It is
changed **only** by the application of a journal entry's recorded effects
(:func:`jcm.registry.fold.apply_entry`, each request kind's ``apply``), through the primitives of
:class:`State` below. Opening a registry, ``as_of`` and ``verify`` all rebuild a state by applying
entries one after another, so the live state and a replayed one are the same by construction.

**Nothing half-applied.** The engine applies a new entry to the live state *before* it appends it
to the store (an entry that does not apply cleanly is never appended), inside
:meth:`State.begin` / :meth:`State.commit`: every primitive records how to undo itself, and
:meth:`State.rollback` restores the state exactly when the append fails (a lost race with another
writer, a full disk). Replay records nothing (no undo log), so it runs at full speed.

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
from collections.abc import Iterator, MutableMapping
from typing import Any, Final

import attrs

from jcm.core.account import Account, AccountKind
from jcm.core.authorization import Authorization
from jcm.core.credit import CreditBlock
from jcm.core.cycle import PeriodRecord, ProjectRecord
from jcm.core.ndc import NdcPeriod
from jcm.core.party import Principal, Role
from jcm.errors import RegistryError
from jcm.registry.receipt import Receipt

__all__ = [
    "GENESIS_HASH",
    "Holdings",
    "LedgerError",
    "PartyRecord",
    "Piece",
    "State",
    "period_key",
]

GENESIS_HASH: Final = "0" * 64
"""The ``prev_hash`` of the first entry of every journal (the hash "before" entry 1)."""


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
    ndc_periods
        Its NDC implementation periods, in order (recorded when it was added; docs/rules.md
        §7.4, :mod:`jcm.core.ndc`).
    next_serial
        The next free serial of its registry (docs/rules.md §3.3 [I]).
    """

    party: str
    registry_id: str
    administrator: str
    ndc_periods: tuple[NdcPeriod, ...]
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

    def move_to(self, target: Holdings, registry: str, start: int, end: int) -> None:
        """Move serials ``start..end`` of ``registry`` into ``target`` (:meth:`take`, :meth:`put`).

        The replay of a move within one block (the common case) edits the lists in place
        without building the pieces; any other case goes through :meth:`take` and :meth:`put`.

        Raises
        ------
        LedgerError
            As :meth:`take` and :meth:`put` (never for an entry the engine decided).
        """
        run = self._runs.get(registry)
        if run is not None and type(start) is int and type(end) is int and 1 <= start <= end:
            starts, ends, lots = run.starts, run.ends, run.lots
            i = bisect_right(starts, start) - 1
            if i >= 0 and end <= ends[i]:
                first, last, lot = starts[i], ends[i], lots[i]
                if first == start:
                    if last == end:
                        del starts[i], ends[i], lots[i]
                        if not starts:
                            del self._runs[registry]
                    else:
                        starts[i] = end + 1
                elif last == end:
                    ends[i] = start - 1
                else:
                    ends[i] = start - 1
                    starts.insert(i + 1, end + 1)
                    ends.insert(i + 1, last)
                    lots.insert(i + 1, lot)
                self.total -= end - start + 1
                theirs = target._runs.get(registry)
                if theirs is None:
                    target.put(lot, start, end)
                    return
                t_starts, t_ends, t_lots = theirs.starts, theirs.ends, theirs.lots
                j = bisect_left(t_starts, start)
                if (j == 0 or t_ends[j - 1] < start - 1) and (
                    j == len(t_starts) or t_starts[j] > end + 1
                ):  # no neighbour to merge with, no overlap: insert (the common case)
                    t_starts.insert(j, start)
                    t_ends.insert(j, end)
                    t_lots.insert(j, lot)
                    target.total += end - start + 1
                    return
                target.put(lot, start, end)
                return
        for lot, first, last in self.take(registry, start, end):
            target.put(lot, first, last)

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


_MISSING: Final = object()


class State:
    """Everything the journal says so far; changed only through the primitives below.

    Attributes are plain dictionaries for speed; read them freely, change them only with
    :meth:`set`, :meth:`delete`, :meth:`add`, :meth:`append`, :meth:`take`, :meth:`put` (which
    keep the undo log). ``authorizations`` holds the newest version of each authorization,
    ``authorization_versions`` every version (docs/rules.md §8.4 [M: verify]), and
    ``authorizations_of`` the ids by ``(party, project)`` in the order they were made;
    ``covered`` is how many credits each authorization id covers now (its cap counts them).
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
        self.authorization_versions: dict[str, list[Authorization]] = {}
        self.authorizations_of: dict[tuple[str, str], list[str]] = {}
        self.covered: dict[str, int] = {}
        self.idempotency: dict[str, tuple[str, dict[str, Any], Receipt]] = {}
        self.fees: dict[str, int] = {}
        self.seq = 0
        self.last_hash = GENESIS_HASH
        self.last_at: dt.datetime | None = None
        self._undo: list[tuple[Any, ...]] | None = None

    # ------------------------------------------------------------------ transactions

    def begin(self) -> None:
        """Start recording how to undo every change (the engine's live applications)."""
        self._undo = []

    def commit(self) -> None:
        """Keep the changes since :meth:`begin`."""
        self._undo = None

    def rollback(self) -> None:
        """Undo every change since :meth:`begin`, newest first; the state is as it was."""
        undo = self._undo
        self._undo = None
        if not undo:
            return
        for op in reversed(undo):
            kind = op[0]
            if kind == 0:
                _, mapping, key, old = op
                if old is _MISSING:
                    mapping.pop(key, None)
                else:
                    mapping[key] = old
            elif kind == 1:
                _, account, pieces = op
                holdings = self.holdings[account]
                for lot, start, end in pieces:
                    holdings.put(lot, start, end)
            elif kind == 2:
                _, account, registry, start, end = op
                self.holdings[account].take(registry, start, end)
            elif kind == 3:
                _, items = op
                items.pop()
            else:
                _, name, old = op
                setattr(self, name, old)

    # ------------------------------------------------------------------ primitives

    def set(self, mapping: MutableMapping[Any, Any], key: Any, value: Any) -> None:
        """``mapping[key] = value`` (a dictionary of this state)."""
        undo = self._undo
        if undo is not None:
            undo.append((0, mapping, key, mapping.get(key, _MISSING)))
        mapping[key] = value

    def delete(self, mapping: MutableMapping[Any, Any], key: Any) -> None:
        """``del mapping[key]`` if present."""
        if key in mapping:
            undo = self._undo
            if undo is not None:
                undo.append((0, mapping, key, mapping[key]))
            del mapping[key]

    def add(self, mapping: MutableMapping[Any, int], key: Any, amount: int) -> None:
        """``mapping[key] += amount`` (from 0)."""
        old = mapping.get(key, 0)
        undo = self._undo
        if undo is not None:
            undo.append((0, mapping, key, old if key in mapping else _MISSING))
        mapping[key] = old + amount

    def append(self, items: list[Any], item: Any) -> None:
        """``items.append(item)`` (a list of this state)."""
        undo = self._undo
        if undo is not None:
            undo.append((3, items))
        items.append(item)

    def assign(self, name: str, value: Any) -> None:
        """Set the attribute ``name`` (``seq``, ``last_hash``, ``last_at``)."""
        undo = self._undo
        if undo is not None:
            undo.append((4, name, getattr(self, name)))
        setattr(self, name, value)

    def take(self, account: str, registry: str, start: int, end: int) -> list[Piece]:
        """Take serials ``start..end`` of ``registry`` out of ``account`` (:meth:`Holdings.take`).

        Raises
        ------
        LedgerError
            When a serial of the range is not held (never for an entry the engine decided).
        """
        taken = self.holdings[account].take(registry, start, end)
        undo = self._undo
        if undo is not None:
            undo.append((1, account, taken))
        return taken

    def put(self, account: str, lot: CreditBlock, start: int, end: int) -> None:
        """Add serials ``start..end`` of ``lot`` to ``account`` (see :meth:`Holdings.put`).

        Raises
        ------
        LedgerError
            When the serials overlap some already held (never for an entry the engine decided).
        """
        self.holdings[account].put(lot, start, end)
        undo = self._undo
        if undo is not None:
            undo.append((2, account, lot.registry, start, end))

    # ------------------------------------------------------------------ queries

    def latest_authorizations(self, party: str, project: str) -> list[Authorization]:
        """The newest version of each authorization of ``party`` for ``project``, oldest first."""
        ids = self.authorizations_of.get((party, project), ())
        return [self.authorizations[i] for i in ids]

    def authorization(self, authorization: str, version: int) -> Authorization:
        """One recorded version of an authorization.

        Raises
        ------
        LedgerError
            When the journal never recorded it (never for an entry the engine decided).
        """
        versions = self.authorization_versions.get(authorization)
        if versions is None or not 1 <= version <= len(versions):
            raise LedgerError(f"no version {version} of authorization {authorization!r}")
        return versions[version - 1]
