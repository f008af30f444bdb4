"""Replay: folding a journal's stored rows into a state, checking the chain in the same pass.

Design
------
Opening a registry, ``as_of``, ``verify`` and catching up with other writers all rebuild a state
from stored rows ``(seq, body, prev_hash, hash)``. :func:`replay_rows` does it in one pass that
checks the chain (:class:`~jcm.registry.journal.ChainChecker`'s rules) and applies each entry's
**recorded** effects (:func:`jcm.registry.fold.apply_entry`); nothing is decided again.

Most rows of a large journal are moves of credits inside one registry. For them the pass takes a
**fast path** that gives exactly the state the full path gives, at a fraction of its cost: the
hash is recomputed from the raw text, the body is parsed once (orjson), its ``seq``, ``prev_hash``
and time are checked against the chain, and the kind's ``replay`` hook applies the parsed effects
directly (:mod:`jcm.registry.moves`: take the recorded serials from one account, put them into
the other). A row the fast path does not take — any other kind, an idempotency key, Article 6
pieces, a debit of a terminal account, anything unexpected in the chain — goes through the full
path: :func:`~jcm.registry.journal.entry_from_stored`, the checker, the typed effects, the fold,
which reports problems by name. Both paths share one checker, so the chain is checked exactly
once per row whichever path a row takes.

Worked example: a journal of 10⁶ entries, 2,000 issuances and the rest transfers, takes the full
path 2,000 times and the fast path for every transfer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import Any, Final

import orjson

from jcm.core.account import AccountKind
from jcm.errors import Problem
from jcm.registry.audit import terminal_debit
from jcm.registry.fold import apply_entry
from jcm.registry.journal import FORMAT_VERSION, ChainChecker, entry_from_stored
from jcm.registry.kinds import KINDS
from jcm.registry.state import State

__all__ = ["Row", "replay_rows"]

Row = tuple[int, object, object, object]
"""A stored row ``(seq, body, prev_hash, hash)``."""

_ENTRY_KEYS: Final = 12
"""The number of keys of a format-2 body (the full path checks which)."""

_TERMINAL: Final = (AccountKind.RETIREMENT, AccountKind.CANCELLATION)


def _parse_at(text: object, cache: list[Any]) -> dt.datetime | None:
    if text == cache[0]:
        at: dt.datetime = cache[1]
        return at
    if type(text) is not str:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not dt.UTC:
        return None
    cache[0], cache[1] = text, parsed
    return parsed


def _full(
    row: Row, state: State, checker: ChainChecker, problems: list[Problem], stop: bool
) -> bool:
    """The full path of one row (see the module docstring); True when the replay must stop."""
    entry = entry_from_stored(*row)
    found = checker.check(entry)
    if found:
        problems.extend(found)
        if stop:
            return True
        if entry.defect is not None:
            return False  # an unreadable body is never applied
    debit = terminal_debit(state, entry)
    if debit is not None:
        problems.append(debit)
        if stop:
            return True
    try:
        apply_entry(state, entry)
    except Exception as exc:  # an audit of untrusted data reports, never raises
        problems.append(
            Problem(
                "REPLAY_FAILED",
                f"entry {entry.seq}: does not fit the state: {exc}",
                subject=f"entry {entry.seq}",
            )
        )
        return stop
    return False


def replay_rows(
    rows: Iterable[Row],
    state: State,
    *,
    stop_at_damage: bool,
    until: Callable[[int, dt.datetime], bool] | None = None,
) -> tuple[Problem, ...]:
    """Fold ``rows`` (in stored order) into ``state``; return the problems met.

    Parameters
    ----------
    rows
        The journal's stored rows, from entry ``state.seq + 1`` on.
    state
        The state to fold into (a fresh one, or one to catch up).
    stop_at_damage
        Stop at the first row whose chain link is broken or that does not fit (opening a
        registry); otherwise report it and go on (an audit; unreadable rows are skipped).
    until
        Stop before the first row for which ``until(seq, at)`` is true (``as_of``).
    """
    checker = ChainChecker()
    problems: list[Problem] = []
    sha256 = hashlib.sha256
    loads = orjson.loads
    kinds = KINDS
    accounts = state.accounts
    fees = state.fees
    # The chain's tip, kept in locals on the fast path and handed to the checker for the full one.
    expected, prev, last_at = state.seq + 1, state.last_hash, state.last_at
    at_text, at = "", last_at
    for row in rows:
        seq, body, prev_hash, stored_hash = row
        if seq == expected and prev_hash == prev and type(body) is str:
            try:
                data = loads(body)
                effects = data["effects"]
                fast = kinds[data["type"]].replay
                text = data["at"]
                sound = (
                    fast is not None
                    and len(data) == _ENTRY_KEYS
                    and data["seq"] == seq
                    and data["prev_hash"] == prev_hash
                    and data["v"] == FORMAT_VERSION
                    and data["idempotency_key"] is None
                    and type(effects) is dict
                )
            except (orjson.JSONDecodeError, RecursionError, KeyError, TypeError):
                sound = False
            if sound and text != at_text:
                parsed = _parse_at(text, ["", None])
                if parsed is None:
                    sound = False
                else:
                    at_text, at = text, parsed
            if sound:
                source = accounts.get(effects.get("from"))
                if (
                    (last_at is None or at >= last_at)  # type: ignore[operator]
                    and (until is None or not until(seq, at))  # type: ignore[arg-type]
                    and source is not None
                    and source.kind not in _TERMINAL
                    and sha256((prev_hash + body).encode("utf-8")).hexdigest() == stored_hash
                ):
                    try:
                        done = fast(state, effects)  # type: ignore[misc]
                    except Exception as exc:  # an audit of untrusted data reports
                        problems.append(
                            Problem(
                                "REPLAY_FAILED",
                                f"entry {seq}: does not fit the state: {exc}",
                                subject=f"entry {seq}",
                            )
                        )
                        if stop_at_damage:
                            break
                        expected, prev, last_at = seq + 1, str(stored_hash), at
                        continue
                    if done:
                        fee = data["fee"]
                        if fee:
                            actor = data["actor"]
                            fees[actor] = fees.get(actor, 0) + fee
                        expected, prev, last_at = seq + 1, str(stored_hash), at
                        state.seq, state.last_hash, state.last_at = seq, prev, at
                        continue
        if until is not None:
            entry = entry_from_stored(*row)
            if entry.defect is None and until(entry.seq, entry.at):
                break
        checker._prev_hash, checker._expected_seq, checker._last_at = prev, expected, last_at
        if _full(row, state, checker, problems, stop_at_damage):
            break
        expected, prev, last_at = checker.expected_seq, checker.last_hash, checker._last_at
    return tuple(problems)
