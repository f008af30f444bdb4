"""What the journal says that the exports need: issuances, outflows, verifications, listings.

This module is the exports' only reader of journal entries. Every read of an entry's
``request`` or ``effects`` for :mod:`jcm.exports.cadt` and :mod:`jcm.exports.offsetsdb` happens
here, and they see only the typed records below:

* :class:`Issuance`: an ``issue`` entry, with the blocks it created (:class:`IssuedBlock`);
* :class:`Outflow`: a ``retire`` or ``cancel`` entry, with the serial ranges it moved;
* :class:`Verification`: the third-party entity and date of a ``submit_verification_report``;
* the time of each project's ``submit_pin`` (its listing).

Transfers (``transfer`` entries, international ones included) are not read: a transfer changes
who holds a credit, not whether it exists or is in use, and neither export needs one (the CADT
units come from the holdings now; OffsetsDB has no transfer transaction).

A :class:`RangeMap` keeps disjoint inclusive serial ranges of one registry with a value each and
cuts a queried range at their boundaries::

    >>> m = RangeMap()
    >>> m.add("JPN01", 1, 500, "a")
    >>> m.add("JPN01", 501, 1000, "b")
    >>> m.pieces("JPN01", 401, 700)
    [(401, 500, 'a'), (501, 700, 'b')]

:meth:`JournalFacts.quantities` uses it to say how many credits of each (project, vintage) a
retirement or cancellation took: the serial ranges of the outflow are cut at the issuance lots
that created them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from jcm.registry.cycle_steps import PeriodStepEffects, ProjectStepEffects
from jcm.registry.issuance import IssueEffects
from jcm.registry.journal import Entry
from jcm.registry.moves import CancelEffects, RetireEffects

if TYPE_CHECKING:
    from jcm.registry.engine import Registry

__all__ = [
    "Issuance",
    "IssuedBlock",
    "JournalFacts",
    "Lot",
    "Outflow",
    "RangeMap",
    "Verification",
]

V = TypeVar("V")


class RangeMap(Generic[V]):
    """Disjoint inclusive serial ranges per registry, each with a value."""

    def __init__(self) -> None:
        self._starts: dict[str, list[int]] = {}
        self._items: dict[str, list[tuple[int, int, V]]] = {}

    def add(self, registry: str, start: int, end: int, value: V) -> None:
        """Record ``start..end`` of ``registry`` with ``value`` (ranges never overlap)."""
        starts = self._starts.setdefault(registry, [])
        items = self._items.setdefault(registry, [])
        index = bisect.bisect_left(starts, start)
        starts.insert(index, start)
        items.insert(index, (start, end, value))

    def pieces(self, registry: str, start: int, end: int) -> list[tuple[int, int, V]]:
        """The recorded parts of ``start..end``, cut at the recorded boundaries, in order."""
        starts = self._starts.get(registry, [])
        items = self._items.get(registry, [])
        index = max(bisect.bisect_right(starts, start) - 1, 0)
        found = []
        while index < len(items) and items[index][0] <= end:
            s, e, value = items[index]
            if e >= start:
                found.append((max(s, start), min(e, end), value))
            index += 1
        return found


@attrs.frozen
class IssuedBlock:
    """One block an ``issue`` entry created."""

    account: str
    """The account credited."""
    vintage: int
    start: int
    """First serial (inclusive)."""
    end: int
    """Last serial (inclusive)."""

    @property
    def quantity(self) -> int:
        """Credits in the block [tCO2e]."""
        return self.end - self.start + 1


@attrs.frozen
class Issuance:
    """One ``issue`` entry: the issuing Party's share of a decided issuance."""

    entry: int
    """Sequence number of the journal entry."""
    registry: str
    """The issuing registry (``"JPN01"``)."""
    party: str
    """The issuing Party (``"JPN"``)."""
    project: str
    period_start: dt.date
    """First day of the monitoring period."""
    period_end: dt.date
    """Last day of the monitoring period."""
    issued_at: dt.datetime
    """The entry's time (UTC)."""
    blocks: tuple[IssuedBlock, ...] = ()
    """The blocks created, in serial order."""


@attrs.frozen
class Lot:
    """The issuance and vintage of a serial range."""

    issuance: Issuance
    vintage: int


@attrs.frozen
class Outflow:
    """A retirement or cancellation that put serial ranges in a terminal account."""

    entry: int
    """Sequence number of the journal entry."""
    type: str
    """``"retire"`` or ``"cancel"``."""
    at: dt.datetime
    """The entry's time (UTC)."""
    source: str
    """The account debited."""
    serials: tuple[tuple[str, int, int], ...] = ()
    """The ranges moved: ``(issuing registry, first, last)``."""
    ndc_year: int | None = None
    """For a retirement, the NDC year it counts toward."""
    beneficiary: str | None = None
    """For a retirement, the beneficiary it names, if any."""
    purpose: str | None = None
    """For a cancellation, its purpose."""


@attrs.frozen
class Verification:
    """The verification report of a monitoring period (its entity and date)."""

    body: str
    """The third-party entity that submitted the report (its principal id)."""
    on: dt.date
    """The date of the ``submit_verification_report`` entry (UTC)."""


class JournalFacts:
    """Issuances, outflows, verifications and listings read from a journal in one pass.

    Parameters
    ----------
    entries
        The journal's entries in order (:meth:`of` reads a registry's).
    """

    @classmethod
    def of(cls, registry: Registry) -> JournalFacts:
        """The facts of ``registry``'s whole journal."""
        return cls(registry.entries())

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.lots: RangeMap[Lot] = RangeMap()
        """The issuance lot of every issued serial range."""
        self.outflows: RangeMap[Outflow] = RangeMap()
        """The retirement or cancellation of every serial range in a terminal account."""
        self.listed: dict[str, dt.datetime] = {}
        """The time each project's PIN was submitted."""
        self._verifications: dict[tuple[str, dt.date, dt.date], Verification] = {}
        events: list[Issuance | Outflow] = []
        for entry in entries:
            effects = entry.effects
            if isinstance(effects, IssueEffects):
                events.append(self._issue(entry, effects))
            elif isinstance(effects, (RetireEffects, CancelEffects)):
                events.append(self._outflow(entry, effects))
            elif isinstance(effects, PeriodStepEffects):
                if entry.type == "submit_verification_report":
                    self._verification(entry, effects)
            elif isinstance(effects, ProjectStepEffects) and entry.type == "submit_pin":
                self.listed.setdefault(effects.record.project.id, entry.at)
        self.events: tuple[Issuance | Outflow, ...] = tuple(events)
        """Every issuance, retirement and cancellation, in journal order."""

    def _issue(self, entry: Entry, effects: IssueEffects) -> Issuance:
        issuance = Issuance(
            entry.seq,
            effects.registry,
            effects.party,
            effects.project,
            effects.period.start,
            effects.period.end,
            entry.at,
            tuple(IssuedBlock(b.account, b.vintage, b.first, b.last) for b in effects.blocks),
        )
        for block in issuance.blocks:
            self.lots.add(issuance.registry, block.start, block.end, Lot(issuance, block.vintage))
        return issuance

    def _outflow(self, entry: Entry, effects: RetireEffects | CancelEffects) -> Outflow:
        outflow = Outflow(
            entry.seq,
            entry.type,
            entry.at,
            effects.source,
            effects.serials,
            effects.ndc_year if isinstance(effects, RetireEffects) else None,
            effects.beneficiary if isinstance(effects, RetireEffects) else None,
            effects.purpose if isinstance(effects, CancelEffects) else None,
        )
        for registry, start, end in outflow.serials:
            self.outflows.add(registry, start, end, outflow)
        return outflow

    def _verification(self, entry: Entry, effects: PeriodStepEffects) -> None:
        record = effects.record
        key = (record.project, record.period.start, record.period.end)
        self._verifications[key] = Verification(entry.actor, entry.at.date())

    def verification(self, issuance: Issuance) -> Verification | None:
        """The latest verification report of the issuance's monitoring period, if any."""
        return self._verifications.get(
            (issuance.project, issuance.period_start, issuance.period_end)
        )

    def lot(self, registry: str, serial: int) -> Lot | None:
        """The issuance lot of one serial of ``registry``, if the journal issued it."""
        found = self.lots.pieces(registry, serial, serial)
        return found[0][2] if found else None

    def quantities(self, event: Issuance | Outflow) -> dict[tuple[str, int], int]:
        """Credits [tCO2e] of each ``(project, vintage)`` an issuance created or an outflow took,
        sorted by project then vintage."""
        totals: dict[tuple[str, int], int] = {}
        if isinstance(event, Issuance):
            for block in event.blocks:
                key = (event.project, block.vintage)
                totals[key] = totals.get(key, 0) + block.quantity
        else:
            for registry, start, end in event.serials:
                for s, e, lot in self.lots.pieces(registry, start, end):
                    key = (lot.issuance.project, lot.vintage)
                    totals[key] = totals.get(key, 0) + e - s + 1
        return dict(sorted(totals.items()))
