"""The registry workload of BENCHMARK.md and the two baselines it is measured against.

What a developer writes without ``jcm``, run on the very same generated requests:

* :class:`DictLedger`: plain Python dicts, no checks at all (the floor);
* :class:`SqliteLedger`: a hand-written SQLite ledger with tables ``accounts``, ``blocks`` and
  ``events``; a ``SELECT``, an ``UPDATE`` (or ``DELETE``) and two ``INSERT`` per request, one commit
  per request, WAL, ``synchronous=NORMAL``.

The workload (:func:`make_workload`) is generated up front from a fixed seed and is not timed:
two Parties' registries (Japan's ``JPN01`` and Mongolia's ``MNG01``), 1,000 entity holding accounts
and one retirement account each, 200 projects, vintages 2021-2030, 2,000 issuances of 5,000
credits (one per project and vintage, to the project's allocation account, a random holder), then
``n`` moves: a random account that holds credits, one of its blocks, ``q`` in 1..size; with
probability 1/10 a retirement, otherwise a transfer to another random holder of the same registry,
naming the upper ``q`` serials of the block (the sender keeps the lower ones).

Serials follow the engine's rule (API.md): integers unique within one registry, each issuance
taking the next free range of its registry, in issuance order.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

PARTIES = (("JPN", "JPN01"), ("MNG", "MNG01"))
"""The two Parties of the workload and their registries."""
PARTNER = "MNG"
"""The host Party of every project."""
VINTAGES = tuple(range(2021, 2031))
"""The vintages issued for every project."""


def holding_account(registry: str, index: int) -> str:
    """The id of entity holding account ``index`` of ``registry``."""
    return f"{registry}-E{index:04d}"


def holder_of(account: str) -> str:
    """The principal holding an entity holding account (one holder per account)."""
    return account.replace("-E", "-H")


def retirement_account(registry: str) -> str:
    """The id of the retirement account of ``registry``."""
    return f"{registry}-RET"


@dataclass(frozen=True)
class Issuance:
    """One issuance: ``quantity`` credits of a project and vintage into one account."""

    registry: str
    project: str
    vintage: int
    account: str
    start: int
    end: int


@dataclass(frozen=True)
class Move:
    """One generated request: a transfer (``to`` set) or a retirement (``to`` is None)."""

    registry: str
    source: str
    to: str | None
    start: int
    end: int

    @property
    def actor(self) -> str:
        """The holder of the debited account, who makes the request."""
        return holder_of(self.source)

    def request(self) -> dict[str, object]:
        """The registry request of API.md for this move (with its actor)."""
        if self.to is None:
            return {
                "type": "retire",
                "actor": self.actor,
                "from": self.source,
                "serials": [self.start, self.end],
            }
        return {
            "type": "transfer",
            "actor": self.actor,
            "from": self.source,
            "to": self.to,
            "serials": [self.start, self.end],
        }


@dataclass
class Workload:
    """The generated workload: accounts, projects and their allocations, issuances, moves."""

    accounts: int
    projects: tuple[str, ...]
    allocation: dict[str, tuple[str, str]]  # project -> (registry, account)
    issuances: tuple[Issuance, ...]
    moves: tuple[Move, ...]
    expected: dict[str, list[tuple[int, int, str, int]]] = field(default_factory=dict)
    """Final holdings per account (start, end, project, vintage), from the generating model."""

    def accounts_of(self, registry: str) -> list[str]:
        """The entity holding accounts of ``registry``."""
        return [holding_account(registry, i) for i in range(self.accounts)]


def make_workload(
    n: int,
    *,
    seed: int = 20260105,
    accounts: int = 1000,
    projects: int = 200,
    quantity: int = 5000,
) -> Workload:
    """Generate the registry workload of BENCHMARK.md (deterministic for a seed).

    Parameters
    ----------
    n
        Number of moves (transfers and retirements) after the issuances.
    seed
        Seed of the generator.
    accounts
        Entity holding accounts per registry.
    projects
        Number of projects; each is issued every vintage of :data:`VINTAGES`.
    quantity
        Credits per issuance [tCO2e].
    """
    rng = random.Random(seed)
    registries = [registry for _, registry in PARTIES]
    names = tuple(f"P{i:03d}" for i in range(projects))
    allocation = {
        name: (registry, holding_account(registry, rng.randrange(accounts)))
        for name in names
        for registry in [rng.choice(registries)]
    }
    next_serial = dict.fromkeys(registries, 1)
    issuances: list[Issuance] = []
    for vintage in VINTAGES:
        for name in names:
            registry, account = allocation[name]
            start = next_serial[registry]
            next_serial[registry] = start + quantity
            issuances.append(
                Issuance(registry, name, vintage, account, start, start + quantity - 1)
            )
    # The generating model: blocks per account as [start, end, project, vintage] lists, and the
    # list of accounts holding anything (with positions, for O(1) removal).
    blocks: dict[str, list[list[Any]]] = defaultdict(list)
    holders: list[str] = []
    position: dict[str, int] = {}

    def gain(account: str, block: list[Any]) -> None:
        if not blocks[account] and not account.endswith("-RET"):
            position[account] = len(holders)
            holders.append(account)
        blocks[account].append(block)

    def lose(account: str, index: int) -> None:
        held = blocks[account]
        held[index] = held[-1]
        held.pop()
        if not held:
            at = position.pop(account)
            last = holders.pop()
            if last != account:
                holders[at] = last
                position[last] = at

    for issuance in issuances:
        gain(issuance.account, [issuance.start, issuance.end, issuance.project, issuance.vintage])
    moves: list[Move] = []
    for _ in range(n):
        source = holders[rng.randrange(len(holders))]
        registry = source[:5]
        index = rng.randrange(len(blocks[source]))
        block = blocks[source][index]
        start, end = int(block[0]), int(block[1])
        q = rng.randint(1, end - start + 1)
        if rng.randrange(10) == 0:
            to = None
            target = retirement_account(registry)
        else:
            while True:
                to = holding_account(registry, rng.randrange(accounts))
                if to != source:
                    break
            target = to
        moved = [end - q + 1, end, block[2], block[3]]
        if q == end - start + 1:
            lose(source, index)
        else:
            block[1] = end - q
        gain(target, moved)
        moves.append(Move(registry, source, to, end - q + 1, end))
    expected = {
        account: sorted((int(b[0]), int(b[1]), str(b[2]), int(b[3])) for b in held)
        for account, held in blocks.items()
        if held
    }
    return Workload(accounts, names, allocation, tuple(issuances), tuple(moves), expected)


def normalise(
    holdings: Mapping[str, Iterable[tuple[int, int, str, int]]],
) -> dict[str, list[tuple[int, int, str, int]]]:
    """Holdings with adjacent ranges of the same project and vintage merged, empty ones dropped.

    Two ledgers hold the same credits exactly when their normalised holdings are equal, however
    they split or merged blocks.
    """
    out: dict[str, list[tuple[int, int, str, int]]] = {}
    for account, held in holdings.items():
        merged: list[tuple[int, int, str, int]] = []
        for start, end, project, vintage in sorted(held):
            if merged and merged[-1][1] + 1 == start and merged[-1][2:] == (project, vintage):
                merged[-1] = (merged[-1][0], end, project, vintage)
            else:
                merged.append((start, end, project, vintage))
        if merged:
            out[account] = merged
    return out


def check_ledger(
    workload: Workload, holdings: Mapping[str, Iterable[tuple[int, int, str, int]]]
) -> list[str]:
    """Conservation per (registry, project, vintage), no overlaps, and the expected holdings.

    Returns the failures found (empty when the ledger is right).
    """
    failures: list[str] = []
    issued: dict[tuple[str, str, int], int] = defaultdict(int)
    for issuance in workload.issuances:
        issued[issuance.registry, issuance.project, issuance.vintage] += (
            issuance.end - issuance.start + 1
        )
    held: dict[tuple[str, str, int], int] = defaultdict(int)
    ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    materialised = {account: list(blocks) for account, blocks in holdings.items()}
    for account, blocks in materialised.items():
        registry = account[:5]
        for start, end, project, vintage in blocks:
            held[registry, project, vintage] += end - start + 1
            ranges[registry].append((start, end))
    if held != issued:
        wrong = sorted(k for k in issued.keys() | held.keys() if issued.get(k) != held.get(k))
        failures.append(f"conservation fails for {len(wrong)} lots, e.g. {wrong[:3]}")
    for registry, spans in ranges.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            if start <= end:
                failures.append(f"overlapping serials in {registry} at {start}")
                break
    if normalise(materialised) != normalise(workload.expected):
        failures.append("the final holdings differ from the generating model's")
    return failures


class DictLedger:
    """Baseline (a): the workload on plain dicts, with no checks at all."""

    def __init__(self) -> None:
        # (registry, end serial) -> [start, account, project, vintage]
        self.blocks: dict[tuple[str, int], list[Any]] = {}

    def issue(self, issuances: Iterable[Issuance]) -> None:
        """Record the issuances."""
        for i in issuances:
            self.blocks[i.registry, i.end] = [i.start, i.account, i.project, i.vintage]

    def apply(self, moves: Iterable[Move]) -> None:
        """Apply the moves: split off the upper serials and hand them to the receiver."""
        blocks = self.blocks
        for move in moves:
            registry = move.registry
            block = blocks[registry, move.end]
            target = move.to if move.to is not None else registry + "-RET"
            if block[0] != move.start:
                blocks[registry, move.start - 1] = [block[0], block[1], block[2], block[3]]
            blocks[registry, move.end] = [move.start, target, block[2], block[3]]

    def holdings(self) -> dict[str, list[tuple[int, int, str, int]]]:
        """Blocks per account as (start, end, project, vintage)."""
        out: dict[str, list[tuple[int, int, str, int]]] = defaultdict(list)
        for (_, end), (start, account, project, vintage) in self.blocks.items():
            out[str(account)].append((int(start), end, str(project), int(vintage)))
        return dict(out)


class SqliteLedger:
    """Baseline (b): a hand-written SQLite ledger, one commit per request (WAL, NORMAL)."""

    def __init__(self, path: str | Path) -> None:
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(
            """
            CREATE TABLE accounts (id TEXT PRIMARY KEY, registry TEXT NOT NULL,
                                   kind TEXT NOT NULL, holder TEXT);
            CREATE TABLE blocks (id INTEGER PRIMARY KEY, registry TEXT NOT NULL,
                                 start INTEGER NOT NULL, end INTEGER NOT NULL,
                                 project TEXT NOT NULL, vintage INTEGER NOT NULL,
                                 account TEXT NOT NULL REFERENCES accounts (id));
            CREATE INDEX blocks_by_end ON blocks (registry, end);
            CREATE INDEX blocks_by_account ON blocks (account);
            CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT NOT NULL,
                                 actor TEXT NOT NULL, source TEXT, target TEXT,
                                 registry TEXT NOT NULL, start INTEGER, end INTEGER,
                                 quantity INTEGER NOT NULL);
            """
        )

    def setup(self, workload: Workload) -> None:
        """Create the accounts and issue (one transaction)."""
        with self.conn:
            for _, registry in PARTIES:
                self.conn.executemany(
                    "INSERT INTO accounts VALUES (?, ?, 'entity_holding', ?)",
                    [(a, registry, holder_of(a)) for a in workload.accounts_of(registry)],
                )
                self.conn.execute(
                    "INSERT INTO accounts VALUES (?, ?, 'retirement', NULL)",
                    (retirement_account(registry), registry),
                )
            for i in workload.issuances:
                self.conn.execute(
                    "INSERT INTO blocks (registry, start, end, project, vintage, account) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (i.registry, i.start, i.end, i.project, i.vintage, i.account),
                )
                self.conn.execute(
                    "INSERT INTO events (type, actor, target, registry, start, end, quantity) "
                    "VALUES ('issue', 'admin', ?, ?, ?, ?, ?)",
                    (i.account, i.registry, i.start, i.end, i.end - i.start + 1),
                )

    def apply(self, moves: Iterable[Move]) -> None:
        """Apply each move in its own transaction: SELECT, UPDATE/DELETE, INSERT x2, COMMIT."""
        conn = self.conn
        for move in moves:
            row = conn.execute(
                "SELECT id, start, project, vintage FROM blocks "
                "WHERE registry = ? AND end >= ? AND account = ? ORDER BY end LIMIT 1",
                (move.registry, move.end, move.source),
            ).fetchone()
            if row is None or row[1] > move.start:
                raise LookupError(f"{move.source} does not hold {move.start}-{move.end}")
            block_id, start, project, vintage = row
            target = move.to if move.to is not None else retirement_account(move.registry)
            if start == move.start:
                conn.execute("UPDATE blocks SET account = ? WHERE id = ?", (target, block_id))
            else:
                conn.execute("UPDATE blocks SET end = ? WHERE id = ?", (move.start - 1, block_id))
                conn.execute(
                    "INSERT INTO blocks (registry, start, end, project, vintage, account) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (move.registry, move.start, move.end, project, vintage, target),
                )
            conn.execute(
                "INSERT INTO events (type, actor, source, target, registry, start, end, quantity) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    "retire" if move.to is None else "transfer",
                    move.actor,
                    move.source,
                    target,
                    move.registry,
                    move.start,
                    move.end,
                    move.end - move.start + 1,
                ),
            )
            conn.commit()

    def holdings(self) -> dict[str, list[tuple[int, int, str, int]]]:
        """Blocks per account as (start, end, project, vintage)."""
        out: dict[str, list[tuple[int, int, str, int]]] = defaultdict(list)
        for account, start, end, project, vintage in self.conn.execute(
            "SELECT account, start, end, project, vintage FROM blocks"
        ):
            out[account].append((start, end, project, vintage))
        return dict(out)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def chunks(items: tuple[T, ...], size: int) -> Iterator[tuple[T, ...]]:
    """``items`` in consecutive slices of ``size``."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
