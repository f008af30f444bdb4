"""First transfer of ITMOs, and the Article 6 actions that registry movements give rise to.

Design
------
The registry moves credits; Article 6 asks what each movement *means*. :class:`ItmoTracker` is an
immutable value that folds registry events (issuance, authorization, transfer, retirement,
cancellation) into the Article 6 state of every unit — where it is, whether it is an ITMO (an
authorization row was recorded for it), whether and under which authorization version it was
**first transferred**, and whether it was used or cancelled — and into the :class:`Action`
records each Party reports in AEF Table 3. Each step returns a new tracker or raises an
:class:`~jcm.errors.Article6Error` naming what is missing; a rejected step changes nothing.

When is a unit first transferred? (2/CMA.3 annex para 2 [M], ``shared/reference/rules.md`` §7.2,
§7.3, §10):

* authorized for **NDC** use: at its first international transfer — a transfer between two
  Parties' registries, or, with the cooperative approach's trigger
  ``ON_ISSUANCE_TO_ACQUIRING_REGISTRY`` (the JCM default [I], rules.md §9.6 open point), its
  issuance into the acquiring Party's registry under the Joint Committee's allocation (or the
  later authorization of units already issued there). The first transferring Party reports
  ``First transfer`` / ``First transfer to another Party``; the acquiring Party ``Acquisition``.
* authorized for **OIMP**, as the authorization's first-transfer definition says:
  ``Authorisation`` (at the authorization), ``Issuance`` (at issuance; at the authorization for
  units issued before it [I]) or ``Use or Cancellation`` (when used or cancelled for the OIMP,
  reported ``First transfer`` / ``Use or cancellation``). Until then such units cannot leave the
  first transferring Party's registry (``NOT_FIRST_TRANSFERRED``) [I]. Transfers inside one
  registry never are first transfers, and never produce a row (rules.md §10).
* The first transferring Party's use of its own authorized outcomes (not first transferred)
  is no ITMO use; it is recorded as a ``Cancellation`` / ``Other cancellations`` so that its
  ITMO holdings roll forward [I].

Every first transfer is checked, in this order, and fails closed with the code of the first
failure: an unrevoked authorization of the first transferring Party covers the units
(``NOT_AUTHORIZED``); it has a date (``MISSING_AUTHORIZATION_DATE``) not after the action
(``NOT_AUTHORIZED``); the acquiring Party is among the authorized Parties when these are given
(``PARTY_NOT_AUTHORIZED``); the action's year lies in the authorized timeframe
(``OUTSIDE_AUTHORIZED_TIMEFRAME``); the cumulative quantity first transferred stays within the
authorized quantity (``AUTHORIZED_QUANTITY_EXCEEDED``).

Worked example (rules.md §11 scenario 2): a Mongolian block of vintage 2024 sent to Japan's
registry before any authorization is refused with ``NOT_AUTHORIZED``; after Mongolia authorizes
it for NDC use, the same transfer succeeds, Mongolia reports a ``First transfer`` row and Japan an
``Acquisition`` row::

    >>> from jcm.article6.authorization import Authorization, Purpose
    >>> units = CreditBlock("MNG01", "MNG", "MN010", "MNG", 2024, SerialRange(1, 1000),
    ...                     dt.date(2025, 1, 10), "1")
    >>> t = ItmoTracker().issue(units, dt.date(2025, 1, 10))
    >>> t.transfer(units, dt.date(2025, 6, 10), "MNG", "JPN")
    Traceback (most recent call last):
    ...
    jcm.errors.Article6Error: units 1-1000 of MNG01 (project MN010, vintage 2024) have no \
authorization by MNG in force on 2025-06-10
    >>> auth = Authorization("MNG-JCM-2024-001", "MNG", "CA0099", 1, dt.date(2025, 3, 1),
    ...                      {Purpose.NDC})
    >>> t = t.authorize(auth, dt.date(2025, 3, 1))
    >>> t = t.transfer(units, dt.date(2025, 6, 10), "MNG", "JPN")
    >>> [(a.reporting_party, a.type.value) for a in t.actions]
    [('MNG', 'Authorization'), ('MNG', 'First transfer'), ('JPN', 'Acquisition')]
    >>> t.is_first_transferred(units)
    True

Implementation: a step works on an indexed copy (segments by issuing registry, bisected by first
serial), so :func:`replay` costs what the events touch; the tracker frozen from it is sorted by
registry and serial.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from jcm.article6.action import Action, ActionSubtype, ActionType, Holding
from jcm.article6.authorization import (
    JCM_APPROACH,
    Authorization,
    AuthorizationBook,
    CooperativeApproach,
    FirstTransferDefinition,
    FirstTransferTrigger,
)
from jcm.article6.itmo import ItmoBlock
from jcm.article6.ndc import DEFAULT_NDCS, NdcBook
from jcm.core.credit import CreditBlock, SerialRange
from jcm.errors import Article6Error

__all__ = [
    "AuthorizeEvent",
    "CancelEvent",
    "Event",
    "FirstTransfer",
    "IssueEvent",
    "ItmoTracker",
    "RetireEvent",
    "Segment",
    "TransferEvent",
    "UnitStatus",
    "Units",
    "replay",
]


class UnitStatus(enum.Enum):
    """Where a unit is in its life."""

    HELD = "held"
    USED = "used"
    CANCELLED = "cancelled"


Units = CreditBlock | tuple[str, SerialRange]
"""Credits named by a block, or by ``(issuing registry ID, serial range)``."""


def _units(units: Units) -> tuple[str, SerialRange]:
    if isinstance(units, CreditBlock):
        return units.registry, units.serials
    return units


@attrs.frozen
class FirstTransfer:
    """When and under which authorization version units were first transferred."""

    date: dt.date
    authorization_id: str
    version: int
    subtype: ActionSubtype
    acquiring_party: str | None = None


@attrs.frozen
class Segment:
    """Consecutive units of one issuance with one Article 6 state.

    Parameters
    ----------
    block
        The credits (issuing registry, serials, project, host Party, vintage).
    location
        ISO alpha-3 code of the Party whose registry holds them now.
    status
        Held, used or cancelled.
    authorization_id
        Set once an ``Authorization`` row was recorded for them (they are ITMOs).
    first_transfer
        Set once they are first transferred.
    """

    block: CreditBlock
    location: str
    status: UnitStatus = UnitStatus.HELD
    authorization_id: str | None = None
    first_transfer: FirstTransfer | None = None

    def piece(self, start: int, end: int) -> Segment:
        """The same state over serials ``start..end`` of the block."""
        return attrs.evolve(self, block=self.block.with_serials(SerialRange(start, end)))


# --------------------------------------------------------------------------- events


@attrs.frozen
class IssueEvent:
    """Credits recorded in a Party's registry (``to_party``, default the issuing Party)."""

    on: dt.date
    block: CreditBlock
    to_party: str | None = None


@attrs.frozen
class AuthorizeEvent:
    """An authorization (or a new version of one) made on ``on``."""

    on: dt.date
    authorization: Authorization


@attrs.frozen
class TransferEvent:
    """Credits moved from an account in ``from_party``'s registry to one in ``to_party``'s."""

    on: dt.date
    block: Units
    from_party: str
    to_party: str


@attrs.frozen
class RetireEvent:
    """Credits retired (無効化) by ``party`` toward its NDC for ``ndc_year``."""

    on: dt.date
    block: Units
    party: str
    ndc_year: int | None = None


@attrs.frozen
class CancelEvent:
    """Credits cancelled (取消し) in ``party``'s registry, for an OIMP ``purpose`` or another."""

    on: dt.date
    block: Units
    party: str
    purpose: str | None = None
    entity: str | None = None
    voluntary: bool = False
    omge: bool = False


Event = IssueEvent | AuthorizeEvent | TransferEvent | RetireEvent | CancelEvent


def _error(
    code: str, message: str, field: str, value: object = None, rule: str = ""
) -> Article6Error:
    return Article6Error(message, code=code, field=field, value=value, rule=rule or None)


# --------------------------------------------------------------------------- the tracker


def _segment_key(s: Segment) -> tuple[str, int]:
    return (s.block.registry, s.block.serials.start)


@attrs.frozen
class ItmoTracker:
    """The Article 6 state of every unit and the actions recorded so far (immutable).

    Each step (:meth:`issue`, :meth:`authorize`, :meth:`transfer`, :meth:`retire`,
    :meth:`cancel`, :meth:`apply`) returns a new tracker; :func:`replay` folds many events at
    the cost of the units each one touches (an index by registry and serial).

    Parameters
    ----------
    approach
        The cooperative approach (its ID, registries and first-transfer trigger).
    authorizations
        Every authorization version made so far.
    ndcs
        The Parties' NDCs (for the vintage and NDC-year checks of a use).
    segments
        The units known, sorted by issuing registry and serial.
    actions
        The Article 6 actions recorded, in order.
    """

    approach: CooperativeApproach = JCM_APPROACH
    authorizations: AuthorizationBook = attrs.field(factory=AuthorizationBook)
    ndcs: NdcBook = DEFAULT_NDCS
    segments: tuple[Segment, ...] = ()
    actions: tuple[Action, ...] = ()

    # ----------------------------------------------------------------- queries

    def itmo_block(self, block: CreditBlock) -> ItmoBlock:
        """The ITMO identifiers of a credit block (registry component: the issuing registry)."""
        return _itmo_block(self.approach, block)

    def segments_of(self, registry: str, serials: SerialRange) -> tuple[Segment, ...]:
        """The (pieces of) segments of ``registry`` within ``serials``, in serial order."""
        segs = self.segments
        i = bisect.bisect_right(segs, (registry, serials.start), key=_segment_key) - 1
        i = max(i, 0)
        out = []
        while i < len(segs) and _segment_key(segs[i]) <= (registry, serials.end):
            s = segs[i]
            i += 1
            if s.block.registry != registry or not s.block.serials.overlaps(serials):
                continue
            lo = max(s.block.serials.start, serials.start)
            hi = min(s.block.serials.end, serials.end)
            out.append(s.piece(lo, hi))
        return tuple(out)

    def is_first_transferred(self, block: Units) -> bool:
        """True when every unit of ``block`` is known and first transferred."""
        registry, serials = _units(block)
        pieces = self.segments_of(registry, serials)
        return sum(p.block.quantity for p in pieces) == serials.quantity and all(
            p.first_transfer is not None for p in pieces
        )

    def first_transferred_quantity(self, authorization_id: str) -> int:
        """Units first transferred so far under ``authorization_id`` [t CO2e]."""
        return sum(
            a.quantity
            for a in self.actions
            if a.type is ActionType.FIRST_TRANSFER and a.authorization_id == authorization_id
        )

    def holdings(self, party: str) -> tuple[Holding, ...]:
        """The ITMOs held in ``party``'s registry now, merged into ID ranges (AEF Table 4)."""
        rows: list[Holding] = []
        registry = self.approach.registry_of(party)
        for s in self.segments:
            if s.location != party or s.status is not UnitStatus.HELD:
                continue
            if s.authorization_id is None:
                continue
            block = self.itmo_block(s.block)
            last = rows[-1] if rows else None
            if (
                last is not None
                and last.block.key == block.key
                and last.authorization_id == s.authorization_id
                and last.block.end + 1 == block.start
            ):
                rows[-1] = attrs.evolve(
                    last, block=last.block.with_serials(last.block.start, block.end)
                )
            else:
                rows.append(Holding(party, registry, block, s.authorization_id))
        return tuple(rows)

    # ----------------------------------------------------------------- steps

    def apply(self, event: Event) -> ItmoTracker:
        """The tracker after one event; raises ``Article6Error`` and changes nothing on failure."""
        work = _Work(self)
        work.apply(event)
        return work.freeze()

    def issue(self, block: CreditBlock, on: dt.date, to_party: str | None = None) -> ItmoTracker:
        """Record credits issued into ``to_party``'s registry (default the issuing Party's)."""
        return self.apply(IssueEvent(on, block, to_party))

    def authorize(self, authorization: Authorization, on: dt.date) -> ItmoTracker:
        """Record an authorization (or a new version); authorized units become ITMOs."""
        return self.apply(AuthorizeEvent(on, authorization))

    def transfer(self, block: Units, on: dt.date, from_party: str, to_party: str) -> ItmoTracker:
        """Record a transfer; between two Parties' registries it may be a first transfer."""
        return self.apply(TransferEvent(on, block, from_party, to_party))

    def retire(
        self, block: Units, on: dt.date, party: str, ndc_year: int | None = None
    ) -> ItmoTracker:
        """Record a retirement (use toward ``party``'s NDC, rules.md §7.3 ``use_ndc``)."""
        return self.apply(RetireEvent(on, block, party, ndc_year))

    def cancel(
        self,
        block: Units,
        on: dt.date,
        party: str,
        *,
        purpose: str | None = None,
        entity: str | None = None,
        voluntary: bool = False,
        omge: bool = False,
    ) -> ItmoTracker:
        """Record a cancellation; the first transfer of OIMP units under "Use or Cancellation"."""
        return self.apply(CancelEvent(on, block, party, purpose, entity, voluntary, omge))


def _itmo_block(approach: CooperativeApproach, block: CreditBlock) -> ItmoBlock:
    return ItmoBlock(
        approach.id,
        block.registry,
        block.host_party,
        block.vintage,
        block.serials.start,
        block.serials.end,
    )


class _Work:
    """A mutable working copy of a tracker, indexed by registry and first serial.

    Steps are planned and applied here; a tracker is frozen from it at the end. A step that
    raises leaves this copy unusable, never the tracker it was made from.
    """

    def __init__(self, tracker: ItmoTracker) -> None:
        self.approach = tracker.approach
        self.ndcs = tracker.ndcs
        self.book = tracker.authorizations
        self.segs: dict[str, list[Segment]] = {}
        for s in tracker.segments:
            self.segs.setdefault(s.block.registry, []).append(s)
        self.starts = {r: [s.block.serials.start for s in v] for r, v in self.segs.items()}
        self.actions: list[Action] = list(tracker.actions)
        self.ft_totals: dict[str, int] = {}
        for a in self.actions:
            self._count(a)

    def freeze(self) -> ItmoTracker:
        segments = tuple(s for r in sorted(self.segs) for s in self.segs[r])
        return ItmoTracker(self.approach, self.book, self.ndcs, segments, tuple(self.actions))

    def _count(self, a: Action) -> None:
        if a.type is ActionType.FIRST_TRANSFER:
            self.ft_totals[a.authorization_id] = (
                self.ft_totals.get(a.authorization_id, 0) + a.quantity
            )

    def add(self, action: Action) -> None:
        self.actions.append(action)
        self._count(action)

    def registry_of(self, party: str) -> str:
        return self.approach.registry_of(party)

    def itmo(self, block: CreditBlock) -> ItmoBlock:
        return _itmo_block(self.approach, block)

    # ----------------------------------------------------------------- the index

    def _span(self, registry: str, serials: SerialRange) -> tuple[int, int]:
        """Indexes ``i:j`` of the segments of ``registry`` that overlap ``serials``."""
        starts = self.starts.get(registry, [])
        segs = self.segs.get(registry, [])
        i = bisect.bisect_right(starts, serials.start) - 1
        if i < 0 or segs[i].block.serials.end < serials.start:
            i += 1
        j = bisect.bisect_right(starts, serials.end)
        return i, j

    def _replace(self, registry: str, i: int, j: int, new: list[Segment]) -> None:
        segs = self.segs.setdefault(registry, [])
        segs[i:j] = new
        self.starts.setdefault(registry, [])[i:j] = [s.block.serials.start for s in new]

    def take(self, units: Units, party: str) -> tuple[str, int, int, list[Segment], list[Segment]]:
        """The pieces ``units`` names, checked held by ``party``; with what stays around them.

        Returns ``(registry, i, j, outside, pieces)`` where ``outside`` are the parts of the
        segments ``i:j`` left untouched (before and after ``units``).
        """
        registry, serials = _units(units)
        i, j = self._span(registry, serials)
        segs = self.segs.get(registry, [])
        outside: list[Segment] = []
        pieces: list[Segment] = []
        for s in segs[i:j]:
            sr = s.block.serials
            lo, hi = max(sr.start, serials.start), min(sr.end, serials.end)
            if sr.start < lo:
                outside.append(s.piece(sr.start, lo - 1))
            pieces.append(s.piece(lo, hi))
            if hi < sr.end:
                outside.append(s.piece(hi + 1, sr.end))
        for p in pieces:
            if p.status is not UnitStatus.HELD:
                raise _error(
                    "ALREADY_USED",
                    f"units {p.block.serials.start}-{p.block.serials.end} of {p.block.registry} "
                    f"were already {p.status.value}",
                    "serials",
                    serials,
                    "rules.md §7.3; C07",
                )
            if p.location != party:
                raise _error(
                    "NOT_HELD",
                    f"units {p.block.serials.start}-{p.block.serials.end} of {p.block.registry} "
                    f"are in {p.location}'s registry, not {party}'s",
                    "serials",
                    serials,
                )
        if sum(p.block.quantity for p in pieces) != serials.quantity:
            raise _error(
                "NOT_HELD",
                f"serials {serials.start}-{serials.end} of {registry} are not all known",
                "serials",
                serials,
            )
        return registry, i, j, outside, pieces

    def put(
        self, registry: str, i: int, j: int, outside: list[Segment], pieces: list[Segment]
    ) -> None:
        """Write the changed ``pieces`` back with the untouched ``outside`` parts, in order."""
        merged = sorted([*outside, *pieces], key=lambda s: s.block.serials.start)
        self._replace(registry, i, j, merged)

    # ----------------------------------------------------------------- events

    def apply(self, event: Event) -> None:
        if isinstance(event, IssueEvent):
            self.issue(event.block, event.on, event.to_party)
        elif isinstance(event, AuthorizeEvent):
            self.authorize(event.authorization, event.on)
        elif isinstance(event, TransferEvent):
            self.transfer(event.block, event.on, event.from_party, event.to_party)
        elif isinstance(event, RetireEvent):
            self.retire(event.block, event.on, event.party, event.ndc_year)
        else:
            self.cancel(event)

    def issue(self, block: CreditBlock, on: dt.date, to_party: str | None) -> None:
        i, j = self._span(block.registry, block.serials)
        if j > i:
            raise _error(
                "SERIAL_COLLISION",
                f"serials {block.serials.start}-{block.serials.end} of {block.registry} are "
                "already known",
                "serials",
                block.serials,
            )
        segment = Segment(block, to_party or block.party)
        auth = self.covering(block, on)
        if auth is not None:
            segment = self.authorize_segment(segment, auth, on)
            segment = self.on_placement(segment, auth, on)
        self._replace(block.registry, i, i, [segment])

    def authorize(self, authorization: Authorization, on: dt.date) -> None:
        if authorization.cooperative_approach != self.approach.id:
            raise _error(
                "WRONG_APPROACH",
                f"authorization {authorization.id} is for {authorization.cooperative_approach}, "
                f"not {self.approach.id}",
                "cooperative_approach",
                authorization.cooperative_approach,
            )
        self.book = self.book.add(authorization)
        if authorization.revoked:
            return
        for segs in self.segs.values():
            for k, s in enumerate(segs):
                if (
                    s.status is UnitStatus.HELD
                    and s.first_transfer is None
                    and s.block.host_party == authorization.party
                    and authorization.covers(s.block.project, s.block.vintage)
                ):
                    changed = self.authorize_segment(s, authorization, on)
                    segs[k] = self.on_placement(changed, authorization, on)

    def transfer(self, units: Units, on: dt.date, from_party: str, to_party: str) -> None:
        registry, i, j, outside, pieces = self.take(units, from_party)
        if from_party == to_party:
            return  # inside one registry: no Article 6 effect (rules.md §10)
        moved = []
        for piece in pieces:
            p = piece
            itmo = self.itmo(p.block)
            if p.first_transfer is None:
                auth = self.authorization_of(p, on)
                if not auth.covers_ndc:
                    ft_def = auth.first_transfer_definition
                    raise _error(
                        "NOT_FIRST_TRANSFERRED",
                        f"units {p.block.serials.start}-{p.block.serials.end} of "
                        f"{p.block.registry} are authorized by {auth.id} for OIMP only and are "
                        f"first transferred on {ft_def}; until then they stay in the first "
                        "transferring Party's registry [I]",
                        "first_transfer_definition",
                        None if ft_def is None else ft_def.value,
                        "2/CMA.3 annex para 2(b)",
                    )
                p = self.first_transfer_to(p, auth, on, to_party, from_party)
            else:
                auth = self.book.applicable(
                    p.first_transfer.authorization_id, p.first_transfer.version
                )
                self.moved(itmo, auth, on, from_party, to_party)
            moved.append(attrs.evolve(p, location=to_party))
        self.put(registry, i, j, outside, moved)

    def retire(self, units: Units, on: dt.date, party: str, ndc_year: int | None) -> None:
        registry, i, j, outside, pieces = self.take(units, party)
        ndc = self.ndcs.for_party(party)
        year = ndc_year if ndc_year is not None else (ndc.target_year or ndc.last_year)
        for p in pieces:
            if not ndc.contains(p.block.vintage):
                raise _error(
                    "VINTAGE_NOT_ELIGIBLE",
                    f"vintage {p.block.vintage} is outside {party}'s NDC period {ndc.period}",
                    "vintage",
                    p.block.vintage,
                    "rules.md §7.3 use_ndc; C10",
                )
        if not ndc.contains(year):
            raise _error(
                "NDC_YEAR_NOT_IN_PERIOD",
                f"NDC year {year} is outside {party}'s NDC period {ndc.period}",
                "ndc_year",
                year,
                "rules.md §7.8 C10",
            )
        used = []
        for p in pieces:
            if p.first_transfer is None:
                self.own_use(p, on, party)
            else:
                ft = p.first_transfer
                auth = self.book.applicable(ft.authorization_id, ft.version)
                if not auth.covers_ndc:
                    raise _error(
                        "NOT_AUTHORIZED",
                        f"authorization {auth.id} v{auth.version} does not cover NDC use",
                        "purposes",
                        auth.purposes_label,
                        "rules.md §7.3 use_ndc",
                    )
                self.add(
                    Action(
                        on,
                        ActionType.USE,
                        None,
                        party,
                        self.registry_of(party),
                        self.itmo(p.block),
                        auth.id,
                        auth.version,
                        ndc_year=year,
                    )
                )
            used.append(attrs.evolve(p, status=UnitStatus.USED))
        self.put(registry, i, j, outside, used)

    def own_use(self, p: Segment, on: dt.date, party: str) -> None:
        """A use of units not first transferred: only the host's own, as a cancellation [I]."""
        if p.block.host_party != party:
            auth = self.authorization_of(p, on)  # NOT_AUTHORIZED if none
            raise _error(
                "NOT_FIRST_TRANSFERRED",
                f"units {p.block.serials.start}-{p.block.serials.end} of {p.block.registry} "
                f"were not first transferred to {party} under {auth.id}; they cannot be used "
                "toward its NDC",
                "first_transfer",
                None,
                "2/CMA.3 annex para 2(a)",
            )
        if p.authorization_id is not None:
            # The host uses its own authorized outcomes: no international transfer, so no
            # ITMO use; they leave its ITMO holdings as a cancellation [I].
            self.add(
                Action(
                    on,
                    ActionType.CANCELLATION,
                    ActionSubtype.OTHER_CANCELLATIONS,
                    party,
                    self.registry_of(party),
                    self.itmo(p.block),
                    p.authorization_id,
                    self.book.latest(p.authorization_id).version,
                    explanation="used toward the first transferring Party's own NDC",
                )
            )

    def cancel(self, e: CancelEvent) -> None:
        registry, i, j, outside, pieces = self.take(e.block, e.party)
        done = []
        for p in pieces:
            itmo = self.itmo(p.block)
            if p.first_transfer is None and p.authorization_id is not None:
                auth = self.book.latest(p.authorization_id)
                ft_def = auth.first_transfer_definition
                if e.purpose is not None and ft_def is FirstTransferDefinition.USE_OR_CANCELLATION:
                    self.check(auth, e.on, None, p.block.quantity)
                    sub = ActionSubtype.USE_OR_CANCELLATION
                    host = p.block.host_party
                    self.add(
                        Action(
                            e.on,
                            ActionType.FIRST_TRANSFER,
                            sub,
                            host,
                            self.registry_of(host),
                            itmo,
                            auth.id,
                            auth.version,
                            purpose=e.purpose,
                            using_party=None if e.entity else e.party,
                            using_entity=e.entity,
                        )
                    )
                    ft = FirstTransfer(e.on, auth.id, auth.version, sub)
                    done.append(attrs.evolve(p, status=UnitStatus.CANCELLED, first_transfer=ft))
                    continue
            if p.authorization_id is not None:
                version = p.first_transfer.version if p.first_transfer else None
                auth = self.book.applicable(p.authorization_id, version)
                if e.omge:
                    sub = (
                        ActionSubtype.VOLUNTARY_OMGE
                        if e.voluntary
                        else ActionSubtype.MANDATORY_OMGE
                    )
                else:
                    sub = ActionSubtype.OTHER_CANCELLATIONS
                kind = ActionType.VOLUNTARY_CANCELLATION if e.voluntary else ActionType.CANCELLATION
                self.add(
                    Action(
                        e.on,
                        kind,
                        sub,
                        e.party,
                        self.registry_of(e.party),
                        itmo,
                        auth.id,
                        auth.version,
                        purpose=e.purpose,
                        using_party=e.party if e.purpose and not e.entity else None,
                        using_entity=e.entity,
                    )
                )
            done.append(attrs.evolve(p, status=UnitStatus.CANCELLED))
        self.put(registry, i, j, outside, done)

    # ----------------------------------------------------------------- authorizations

    def covering(self, block: CreditBlock, on: dt.date) -> Authorization | None:
        found = [
            a
            for a in self.book.covering(
                block.host_party, self.approach.id, block.project, block.vintage
            )
            if a.date is None or a.date <= on
        ]
        found.sort(key=lambda a: not a.covers_ndc)  # an NDC authorization first
        return found[0] if found else None

    def authorization_of(self, segment: Segment, on: dt.date) -> Authorization:
        if segment.authorization_id is not None:
            auth = self.book.latest(segment.authorization_id)
            if not auth.revoked:
                return auth
        found = self.covering(segment.block, on)
        if found is None:
            b = segment.block
            raise _error(
                "NOT_AUTHORIZED",
                f"units {b.serials.start}-{b.serials.end} of {b.registry} (project {b.project}, "
                f"vintage {b.vintage}) have no authorization by {b.host_party} in force on "
                f"{on.isoformat()}",
                "authorization",
                None,
                "ITMOs can only be first transferred once authorized (rules.md §7.2)",
            )
        return found

    def check(self, auth: Authorization, on: dt.date, to_party: str | None, quantity: int) -> None:
        """The guards of a first transfer, in the documented order."""
        if auth.revoked:
            raise _error(
                "NOT_AUTHORIZED",
                f"authorization {auth.id} was revoked in version {auth.version}",
                "authorization",
                auth.id,
            )
        if auth.date is None:
            raise _error(
                "MISSING_AUTHORIZATION_DATE",
                f"authorization {auth.id} v{auth.version} has no date; a first transfer under it "
                "cannot be checked",
                "date",
                None,
                "AEF-V2 Table 2 field 2; C05",
            )
        ft_def = auth.first_transfer_definition
        if on < auth.date and not (
            auth.covers_oimp and ft_def is FirstTransferDefinition.AUTHORISATION
        ):
            raise _error(
                "NOT_AUTHORIZED",
                f"{on.isoformat()} precedes the date of authorization {auth.id} "
                f"({auth.date.isoformat()})",
                "date",
                on,
                "rules.md §7.8 C05",
            )
        if (
            to_party is not None
            and auth.authorized_parties
            and to_party not in auth.authorized_parties
        ):
            raise _error(
                "PARTY_NOT_AUTHORIZED",
                f"{to_party} is not among the Parties authorized by {auth.id} "
                f"({', '.join(sorted(auth.authorized_parties))})",
                "authorized_parties",
                to_party,
                "rules.md §7.3",
            )
        if auth.timeframe is not None and not auth.timeframe.contains(on.year):
            raise _error(
                "OUTSIDE_AUTHORIZED_TIMEFRAME",
                f"{on.isoformat()} is outside the timeframe {auth.timeframe} of {auth.id}",
                "timeframe",
                str(auth.timeframe),
                "rules.md §4.4; C04",
            )
        if auth.authorized_quantity is not None:
            done = self.ft_totals.get(auth.id, 0)
            if done + quantity > auth.authorized_quantity:
                raise _error(
                    "AUTHORIZED_QUANTITY_EXCEEDED",
                    f"first transferring {quantity} more under {auth.id} would exceed its "
                    f"authorized quantity {auth.authorized_quantity} ({done} already)",
                    "authorized_quantity",
                    auth.authorized_quantity,
                    "rules.md §7.8 C04",
                )

    # ----------------------------------------------------------------- rows

    def authorize_segment(self, s: Segment, auth: Authorization, on: dt.date) -> Segment:
        """Record the ``Authorization`` row of units that become ITMOs."""
        if s.authorization_id is not None:
            return s
        host = s.block.host_party
        self.add(
            Action(
                on,
                ActionType.AUTHORIZATION,
                ActionSubtype.AUTHORIZATION,
                host,
                self.registry_of(host),
                self.itmo(s.block),
                auth.id,
                auth.version,
            )
        )
        return attrs.evolve(s, authorization_id=auth.id)

    def on_placement(self, s: Segment, auth: Authorization, on: dt.date) -> Segment:
        """First transfer by placement: authorized units in the acquiring registry, or OIMP."""
        if s.first_transfer is not None:
            return s
        host = s.block.host_party
        trigger = self.approach.first_transfer_trigger
        if auth.covers_ndc:
            if (
                s.location != host
                and trigger is FirstTransferTrigger.ON_ISSUANCE_TO_ACQUIRING_REGISTRY
            ):
                return self.first_transfer_to(s, auth, on, s.location, host)
            return s
        ft_def = auth.first_transfer_definition
        if ft_def is FirstTransferDefinition.USE_OR_CANCELLATION or ft_def is None:
            return s  # first transferred later, by a cancellation for the OIMP
        sub = (
            ActionSubtype.ISSUANCE
            if ft_def is FirstTransferDefinition.ISSUANCE
            else ActionSubtype.AUTHORIZATION
        )
        self.check(auth, on, None, s.block.quantity)
        self.add(
            Action(
                on,
                ActionType.FIRST_TRANSFER,
                sub,
                host,
                self.registry_of(host),
                self.itmo(s.block),
                auth.id,
                auth.version,
            )
        )
        return attrs.evolve(s, first_transfer=FirstTransfer(on, auth.id, auth.version, sub))

    def first_transfer_to(
        self, s: Segment, auth: Authorization, on: dt.date, to_party: str, from_party: str
    ) -> Segment:
        """A first international transfer of NDC-authorized units to ``to_party``."""
        self.check(auth, on, to_party, s.block.quantity)
        s = self.authorize_segment(s, auth, on)
        host = s.block.host_party
        itmo = self.itmo(s.block)
        sub = ActionSubtype.FIRST_TRANSFER_TO_ANOTHER_PARTY
        self.add(
            Action(
                on,
                ActionType.FIRST_TRANSFER,
                sub,
                host,
                self.registry_of(host),
                itmo,
                auth.id,
                auth.version,
                acquiring_party=to_party,
            )
        )
        self.acquired(itmo, auth, on, from_party, to_party)
        return attrs.evolve(
            s, first_transfer=FirstTransfer(on, auth.id, auth.version, sub, to_party)
        )

    def acquired(
        self, itmo: ItmoBlock, auth: Authorization, on: dt.date, from_party: str, to_party: str
    ) -> None:
        """The ``Acquisition`` row of the acquiring Party for an international transfer."""
        self.add(
            Action(
                on,
                ActionType.ACQUISITION,
                None,
                to_party,
                self.registry_of(to_party),
                itmo,
                auth.id,
                auth.version,
                transferring_party=from_party,
            )
        )

    def moved(
        self, itmo: ItmoBlock, auth: Authorization, on: dt.date, from_party: str, to_party: str
    ) -> None:
        """A later international transfer: ``Transfer`` by the sender, ``Acquisition`` by B."""
        self.add(
            Action(
                on,
                ActionType.TRANSFER,
                None,
                from_party,
                self.registry_of(from_party),
                itmo,
                auth.id,
                auth.version,
                acquiring_party=to_party,
            )
        )
        self.acquired(itmo, auth, on, from_party, to_party)


def replay(
    events: Iterable[Event],
    tracker: ItmoTracker | None = None,
    *,
    until: dt.date | None = None,
) -> ItmoTracker:
    """Fold ``events`` (in order) into a tracker, stopping after the last event on ``until``.

    The whole fold works on one indexed copy, so its cost is that of the units the events touch;
    an event that raises aborts the replay (the tracker given is unchanged).
    """
    work = _Work(tracker if tracker is not None else ItmoTracker())
    for event in events:
        if until is not None and event.on > until:
            break
        work.apply(event)
    return work.freeze()
