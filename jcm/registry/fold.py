"""The fold: applying one journal entry's recorded effects to a state.

Design
------
The state is a fold of the journal (docs/architecture.md, rule 3): opening a registry, ``as_of``,
``verify`` and the engine's own live application all go through :func:`apply_entry`, so the live
state and a replayed one are the same by construction. The fold applies what the entry
**recorded** — the typed effects of its kind — and never decides anything again: no ruleset, fee
schedule or code version of today enters it, so a registry opens the same whatever configuration
opens it. (A format-1 entry, written before effects were recorded in full, is first read into
today's records by :mod:`jcm.registry.legacy`.)

Besides the kind's own application, every entry books its fee (to the effects' ``fee_payer`` if
it names one, else to the actor), its idempotency key (with its first receipt), and moves the
state's tip (``seq``, ``last_hash``, ``last_at``).

An entry that does not fit the state — which never happens for an entry the engine decided
against that state, but can for a damaged or tampered journal — raises :class:`LedgerError`.
"""

from __future__ import annotations

from typing import Any

from jcm.registry.journal import FORMAT_VERSION, Entry
from jcm.registry.kinds import KINDS
from jcm.registry.receipt import Receipt
from jcm.registry.state import LedgerError, State

__all__ = ["apply_entry", "receipt_of"]


def receipt_of(entry: Entry) -> Receipt:
    """The receipt of an entry (a function of the entry alone)."""
    return Receipt(entry.seq, entry.type, entry.fee, entry.effects)


def apply_entry(state: State, entry: Entry) -> Entry:
    """Apply ``entry``'s recorded effects to ``state``; return the entry as applied.

    A format-1 entry is read into today's records first; the entry returned then carries them.

    Raises
    ------
    LedgerError
        When the entry does not fit the state (a damaged journal); the state may then be partly
        changed, which is why the engine applies new entries inside ``State.begin()``.
    """
    if entry.version != FORMAT_VERSION:
        from jcm.registry.legacy import upgrade  # noqa: PLC0415 (old journals only)

        entry = upgrade(state, entry)
    kind = KINDS.get(entry.type)
    if kind is None:
        raise LedgerError(f"entry {entry.seq}: unknown request type {entry.type!r}")
    effects: Any = entry.effects
    if not isinstance(effects, kind.effects):
        raise LedgerError(f"entry {entry.seq}: its effects are not a {entry.type} record")
    try:
        kind.apply(state, effects, entry)
    except LedgerError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise LedgerError(
            f"entry {entry.seq}: {entry.type} does not fit the state: {type(exc).__name__}: {exc}",
            field="effects",
            value=entry.seq,
        ) from None
    if entry.fee:
        payer = getattr(effects, "fee_payer", None) or entry.actor
        state.add(state.fees, payer, entry.fee)
    if entry.idempotency_key is not None:
        state.set(
            state.idempotency,
            entry.idempotency_key,
            (entry.actor, entry.request, receipt_of(entry)),
        )
    state.assign("seq", entry.seq)
    state.assign("last_hash", entry.hash)
    state.assign("last_at", entry.at)
    return entry
