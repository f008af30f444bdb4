"""What the journal says about serial ranges: their issuance lot, and how they left circulation.

Both exports need facts that a credit block alone does not carry: which issuance (project,
vintage, monitoring period) a moved serial range came from, and why a range in a retirement or
cancellation account is there. :class:`JournalFacts` reads them in one pass over the journal.

A :class:`RangeMap` keeps disjoint inclusive serial ranges of one registry with a value each and
cuts a queried range at their boundaries::

    >>> m = RangeMap()
    >>> m.add("JPN01", 1, 500, "a")
    >>> m.add("JPN01", 501, 1000, "b")
    >>> m.pieces("JPN01", 401, 700)
    [(401, 500, 'a'), (501, 700, 'b')]
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

import attrs

from jcm.registry.journal import Entry

__all__ = ["Issuance", "JournalFacts", "Lot", "Outflow", "RangeMap", "Verification"]

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
class Issuance:
    """One ``issue`` entry: the issuing Party's share of a decided issuance."""

    entry: int
    """Sequence number of the journal entry."""
    registry: str
    party: str
    project: str
    period_start: dt.date
    period_end: dt.date
    issued_at: dt.datetime


@attrs.frozen
class Lot:
    """The issuance and vintage of a serial range."""

    issuance: Issuance
    vintage: int


@attrs.frozen
class Outflow:
    """A retirement or cancellation that put a serial range in a terminal account."""

    entry: int
    type: str
    """``"retire"`` or ``"cancel"``."""
    at: dt.datetime
    source: str
    """The account debited."""
    ndc_year: int | None = None
    beneficiary: str | None = None
    purpose: str | None = None


@attrs.frozen
class Verification:
    """The verification report of a monitoring period (its entity and date)."""

    body: str
    on: dt.date


class JournalFacts:
    """Lots, outflows and verifications read from a journal in one pass.

    Parameters
    ----------
    entries
        The journal's entries in order (``registry.store.entries()``).
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.lots: RangeMap[Lot] = RangeMap()
        self.outflows: RangeMap[Outflow] = RangeMap()
        self.verifications: dict[tuple[str, str, str], Verification] = {}
        self.entries: list[Entry] = []
        for entry in entries:
            self.entries.append(entry)
            kind = entry.type
            if kind == "issue":
                self._issue(entry)
            elif kind in ("retire", "cancel"):
                self._outflow(entry)
            elif kind == "submit_verification_report":
                period = entry.request["period"]
                key = (entry.request["project"], period["start"], period["end"])
                self.verifications[key] = Verification(entry.actor, entry.at.date())

    def _issue(self, entry: Entry) -> None:
        request, effects = entry.request, entry.effects
        period = request["period"]
        issuance = Issuance(
            entry.seq,
            effects["registry"],
            effects["party"],
            request["project"],
            dt.date.fromisoformat(period["start"]),
            dt.date.fromisoformat(period["end"]),
            entry.at,
        )
        for _account, vintage, start, end in effects["blocks"]:
            self.lots.add(issuance.registry, start, end, Lot(issuance, vintage))

    def _outflow(self, entry: Entry) -> None:
        effects: dict[str, Any] = entry.effects
        outflow = Outflow(
            entry.seq,
            str(entry.type),
            entry.at,
            effects["from"],
            effects.get("ndc_year"),
            effects.get("beneficiary"),
            effects.get("purpose"),
        )
        for registry, start, end in effects["serials"]:
            self.outflows.add(registry, start, end, outflow)

    def verification(self, issuance: Issuance) -> Verification | None:
        """The verification report of the issuance's monitoring period, if the journal has it."""
        key = (issuance.project, issuance.period_start.isoformat(), issuance.period_end.isoformat())
        return self.verifications.get(key)
