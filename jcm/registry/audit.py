"""Audits of a registry: the invariants of docs/rules.md §4.5, state comparison, and history.

Audits collect; they never raise (STYLE.md). :func:`check_invariants` checks a state:

1. **conservation**: for every (registry, project, vintage), the credits issued equal the sum of
   the blocks held in all accounts (docs/rules.md §4.5 invariant 1);
2. **uniqueness**: serial ranges of one registry never overlap (invariant 2);

and :func:`terminal_debit` reports an entry that debits a retirement or cancellation account
(invariant 3), which the engine's replay calls before applying each entry.
:func:`compare_states` reports where a replayed state differs from the live one ("replay
reproduces the state"). :func:`history` lists the journal entries that touched an account or a
serial.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any

import attrs

from jcm.core.account import AccountKind
from jcm.core.credit import CreditBlock
from jcm.errors import Problem
from jcm.registry.issuance import IssueEffects
from jcm.registry.journal import Entry
from jcm.registry.moves import MOVE_TYPES, CancelEffects, MoveEffects, RetireEffects
from jcm.registry.state import State

__all__ = [
    "HistoryRecord",
    "check_invariants",
    "compare_states",
    "history",
    "terminal_debit",
]


def check_invariants(state: State) -> tuple[Problem, ...]:
    """Conservation per (registry, project, vintage) and no overlapping serials (§4.5 1-2)."""
    problems: list[Problem] = []
    # Quantities are summed per lot object first (blocks cut from one issuance share it), then
    # per (registry, project, vintage): a few lots, many blocks.
    by_lot: dict[int, int] = {}
    lot_of: dict[int, CreditBlock] = {}
    ranges: dict[str, list[tuple[int, int, str]]] = {}
    for account_id, holdings in state.holdings.items():
        total = 0
        for registry, starts, ends, lots in holdings.runs():
            for lot, start, end in zip(lots, starts, ends, strict=True):
                key_id = id(lot)
                quantity = end - start + 1
                by_lot[key_id] = by_lot.get(key_id, 0) + quantity
                lot_of[key_id] = lot
                total += quantity
            ranges.setdefault(registry, []).extend(
                zip(starts, ends, itertools.repeat(account_id), strict=False)
            )
        if total != holdings.total:
            problems.append(
                Problem(
                    "BALANCE_MISMATCH",
                    f"account {account_id}: blocks sum to {total}, balance says {holdings.total}",
                    subject=account_id,
                )
            )
    held: dict[tuple[str, str, int], int] = {}
    for key_id, quantity in by_lot.items():
        lot = lot_of[key_id]
        key = (lot.registry, lot.project, lot.vintage)
        held[key] = held.get(key, 0) + quantity
    for key in sorted(set(held) | set(state.issued)):
        issued, present = state.issued.get(key, 0), held.get(key, 0)
        if issued != present:
            registry, project, vintage = key
            problems.append(
                Problem(
                    "CONSERVATION",
                    f"registry {registry}, project {project}, vintage {vintage}: issued {issued} "
                    f"but {present} held in accounts (docs/rules.md §4.5 invariant 1)",
                    subject=f"{registry}/{project}/{vintage}",
                )
            )
    for registry in sorted(ranges):
        spans = sorted(ranges[registry])
        for (s1, e1, a1), (s2, e2, a2) in itertools.pairwise(spans):
            if s2 <= e1:
                problems.append(
                    Problem(
                        "SERIAL_OVERLAP",
                        f"registry {registry}: serials {s1}-{e1} ({a1}) and {s2}-{e2} ({a2}) "
                        "overlap (docs/rules.md §4.5 invariant 2)",
                        subject=f"{registry}:{s2}",
                    )
                )
    return tuple(problems)


def terminal_debit(state: State, entry: Entry) -> Problem | None:
    """A problem if ``entry`` debits a retirement or cancellation account (§4.5 invariant 3)."""
    if entry.type not in MOVE_TYPES:
        return None
    effects = entry.effects
    source = effects.get("from") if isinstance(effects, dict) else effects.source
    account = state.accounts.get(source) if isinstance(source, str) else None
    kind = account.kind if account is not None else None
    if kind is AccountKind.RETIREMENT or kind is AccountKind.CANCELLATION:  # kind.terminal
        return Problem(
            "TERMINAL_DEBITED",
            f"entry {entry.seq}: debits the {kind.value} account {source} "
            "(docs/rules.md §4.5 invariant 3)",
            subject=f"entry {entry.seq}",
        )
    return None


def compare_states(live: State, replayed: State) -> tuple[Problem, ...]:
    """Where ``replayed`` (rebuilt from the journal) differs from ``live``."""
    problems: list[Problem] = []

    def differ(what: str, subject: str) -> None:
        problems.append(
            Problem(
                "REPLAY_MISMATCH",
                f"{what} {subject}: the state differs from the replay of the journal",
                subject=subject,
            )
        )

    for account_id in sorted(set(live.accounts) | set(replayed.accounts)):
        if live.accounts.get(account_id) != replayed.accounts.get(account_id):
            differ("account", account_id)
            continue
        a = live.holdings.get(account_id)
        b = replayed.holdings.get(account_id)
        if a is None or b is None or not a.same_blocks(b):
            differ("holdings of account", account_id)
    simple: list[tuple[str, Any, Any]] = [
        ("parties", live.parties, replayed.parties),
        ("principals", live.principals, replayed.principals),
        ("issued totals", live.issued, replayed.issued),
        ("projects", live.projects, replayed.projects),
        ("monitoring periods", live.periods, replayed.periods),
        ("authorizations", live.authorizations, replayed.authorizations),
        (
            "authorization versions",
            live.authorization_versions,
            replayed.authorization_versions,
        ),
        ("covered totals", live.covered, replayed.covered),
        ("fees", live.fees, replayed.fees),
    ]
    for name, a_map, b_map in simple:
        for key in sorted(set(a_map) | set(b_map), key=repr):
            if a_map.get(key) != b_map.get(key):
                differ(name, str(key))
    if (live.seq, live.last_hash) != (replayed.seq, replayed.last_hash):
        differ("journal head", f"entry {live.seq}")
    return tuple(problems)


@attrs.frozen
class HistoryRecord:
    """One journal entry as it concerns an account or a serial.

    Parameters
    ----------
    entry
        The entry number.
    at
        Its time (UTC).
    type
        The request type.
    actor
        Who made it.
    fee
        The fee charged [JPY].
    source, target
        The accounts debited and credited, if any.
    serials
        The ``(registry, start, end)`` ranges moved or issued that concern the subject.
    quantity
        Credits those ranges hold [tCO2e].
    ndc_year, beneficiary, purpose
        What a retirement recorded (the NDC year it counts for, the beneficiary named) and the
        purpose of a cancellation; ``None`` for other entries.
    """

    entry: int
    at: dt.datetime
    type: str
    actor: str
    fee: int
    source: str | None
    target: str | None
    serials: tuple[tuple[str, int, int], ...]
    quantity: int
    ndc_year: int | None = None
    beneficiary: str | None = None
    purpose: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as JSON."""
        return {
            "entry": self.entry,
            "at": self.at.isoformat().replace("+00:00", "Z"),
            "type": self.type,
            "actor": self.actor,
            "fee": self.fee,
            "from": self.source,
            "to": self.target,
            "serials": [list(s) for s in self.serials],
            "quantity": self.quantity,
            "ndc_year": self.ndc_year,
            "beneficiary": self.beneficiary,
            "purpose": self.purpose,
        }


def _ranges(entry: Entry) -> list[tuple[str | None, str, int, int]]:
    """``(account credited, registry, start, end)`` of the ranges an entry moved or issued."""
    effects = entry.effects
    if isinstance(effects, MoveEffects):
        return [(effects.to, r, s, e) for r, s, e in effects.serials]
    if isinstance(effects, IssueEffects):
        return [(b.account, effects.registry, b.first, b.last) for b in effects.blocks]
    return []


def _named_account(entry: Entry) -> str | None:
    account = getattr(entry.effects, "account", None)
    return account if isinstance(account, str) else None


def history(
    entries: Iterable[Entry], *, account: str | None = None, serial: tuple[str, int] | None = None
) -> tuple[HistoryRecord, ...]:
    """The entries that concern ``account`` or the ``(registry, serial)`` given, in order.

    For an account: every entry that names it (opened, credited, debited, frozen, certified).
    For a serial: every issuance or move of a range containing it.
    """
    out: list[HistoryRecord] = []
    for entry in entries:
        effects = entry.effects
        moved = isinstance(effects, MoveEffects)
        ranges = _ranges(entry)
        source = effects.source if moved else None
        target: str | None = effects.to if moved else None
        if account is not None:
            named = {_named_account(entry), source, target, *(r[0] for r in ranges)}
            if account not in named:
                continue
            chosen = [r for r in ranges if moved or r[0] == account]
            if isinstance(effects, IssueEffects):
                target = account
        elif serial is not None:
            registry, number = serial
            chosen = [r for r in ranges if r[1] == registry and r[2] <= number <= r[3]]
            if not chosen:
                continue
            if isinstance(effects, IssueEffects):
                target = chosen[0][0]
        else:
            continue
        out.append(
            HistoryRecord(
                entry.seq,
                entry.at,
                entry.type,
                entry.actor,
                entry.fee,
                source,
                target,
                tuple((r[1], r[2], r[3]) for r in chosen),
                sum(r[3] - r[2] + 1 for r in chosen),
                effects.ndc_year if isinstance(effects, RetireEffects) else None,
                effects.beneficiary if isinstance(effects, RetireEffects) else None,
                effects.purpose if isinstance(effects, CancelEffects) else None,
            )
        )
    return tuple(out)
