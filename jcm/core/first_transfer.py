"""Which credits an authorization covers, and when they are first transferred: the decisions.

Design
------
Article 6 asks two questions of every credit of a JCM project: is it covered by an authorization
of its host Party (is it an ITMO), and has it been **first transferred**? This module answers them
as pure functions; the registry engine calls them when it decides a request and records the
answers on the credits (:class:`Cover`, :class:`FirstTransferMark`) and in the journal entry, so
every later rule and report reads what was decided, never decides it again (docs/architecture.md,
"Where each rule lives").

**Coverage** (docs/rules.md §7.2 [M], §8.4 [M], policy [I] in docs/rules.md §7.3) is decided
once, at the moment credits are first transferred — by their issuance into the acquiring Party's
registry, by a transfer out of the host's registry, by the host's authorization (of credits
already in the acquiring registry, or under an OIMP definition "Authorisation" or "Issuance"), or
by a cancellation under "Use or Cancellation" — or when the host uses them toward its own NDC
(which is no first transfer). Until then credits are ordinary JCM credits, and a new version of an
authorization (a change, a revocation) governs every decision taken after it, so it "applies to
credits not yet first transferred" by construction, and the order in which the two governments
issue their shares never matters. The candidates are the newest versions of the host's
authorizations of the project and vintage that are in force on the day (not revoked, dated on or
before it, the day inside their timeframe): those authorizing NDC use first, then in the order
they were made. Each covers at most its ``authorized_quantity`` over its whole life (every
version of one ID counts together); credits beyond every cap stay **uncovered**: they are issued,
held, retired by their host or cancelled as ordinary credits, and cannot leave the host's
registry.

**First transfer** (2/CMA.3 annex para 2 [M]; docs/rules.md §7.3, §9.6):

* NDC-authorized credits are first transferred at their first international transfer: a
  transfer from the host's registry to another Party's, or — with the trigger
  ``ON_ISSUANCE_TO_ACQUIRING_REGISTRY`` (the JCM default) — their issuance into the acquiring
  Party's registry under the Joint Committee's allocation (or the host's later authorization of
  credits already issued there). The acquiring Party must be among the authorized Parties when
  the authorization lists them.
* OIMP-authorized credits are first transferred as the authorization's definition says: at the
  authorization (``Authorisation``), at issuance (``Issuance``; at the authorization for credits
  issued before it), or when used or cancelled (``Use or Cancellation``); until then they cannot
  leave the host's registry (``NOT_FIRST_TRANSFERRED``).
* Credits issued into a registry other than the host's are covered only when that issuance is
  their first transfer (NDC use with the ``ON_ISSUANCE_TO_ACQUIRING_REGISTRY`` trigger) [I]: an
  ITMO never sits in another Party's registry without an acquisition.

So every covered credit is first transferred, except those the host retired toward its own NDC.

Worked example: Mongolia authorizes 600 credits of project MN010, vintage 2023, for NDC use.
1,000 credits are issued into Japan's registry; 600 are covered and first transferred to Japan at
issuance, 400 are issued uncovered::

    >>> import datetime as dt
    >>> from jcm.core.authorization import Authorization, FirstTransferTrigger, Purpose
    >>> auth = Authorization("MNG-1", "MNG", "MN010", frozenset({2023}),
    ...                      frozenset({Purpose.NDC}), date=dt.date(2025, 3, 1),
    ...                      authorized_quantity=600)
    >>> trigger = FirstTransferTrigger.ON_ISSUANCE_TO_ACQUIRING_REGISTRY
    >>> [(s.quantity, s.cover, s.first_transfer) for s in cover_arrival(
    ...     1000, [auth], {}, host="MNG", into_party="JPN", trigger=trigger)]
    [(600, Cover(authorization='MNG-1', version=1), <FirstTransferKind.TO_ANOTHER_PARTY: \
'First transfer to another Party'>), (400, None, None)]
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from jcm.core.authorization import Authorization, FirstTransferDefinition, FirstTransferTrigger
from jcm.errors import NotAuthorizedError, RegistryError

__all__ = [
    "Cover",
    "FirstTransferKind",
    "FirstTransferMark",
    "Span",
    "candidates",
    "cover_arrival",
    "cover_on_cancellation",
    "cover_out",
    "cover_own_use",
    "in_scope",
]


class FirstTransferKind(enum.Enum):
    """How credits were first transferred (AEF action subtypes 26(b) [P2])."""

    TO_ANOTHER_PARTY = "First transfer to another Party"
    AUTHORIZATION = "Authorization"
    ISSUANCE = "Issuance"
    USE_OR_CANCELLATION = "Use or cancellation"


@attrs.frozen
class Cover:
    """The authorization version that covers credits (they are ITMOs of its Party)."""

    authorization: str
    version: int


@attrs.frozen
class FirstTransferMark:
    """That credits were first transferred: by which journal entry, how, and to whom.

    Parameters
    ----------
    entry
        The journal entry that first transferred them.
    kind
        How (:class:`FirstTransferKind`).
    acquiring_party
        The Party they were first transferred to (``TO_ANOTHER_PARTY`` only).
    """

    entry: int
    kind: FirstTransferKind
    acquiring_party: str | None = None


@attrs.frozen
class Span:
    """The decision for ``quantity`` consecutive credits (lowest serials first).

    ``cover`` is ``None`` for uncovered credits; ``first_transfer`` says whether (and how) the
    decision first transfers them; ``acquiring_party`` is set for ``TO_ANOTHER_PARTY``.
    """

    quantity: int
    cover: Cover | None
    first_transfer: FirstTransferKind | None = None
    acquiring_party: str | None = None


def in_scope(
    versions: Iterable[Authorization], *, host: str, project: str, vintage: int
) -> list[Authorization]:
    """The host's unrevoked authorizations of ``project`` and ``vintage``, NDC ones first.

    ``versions`` are the newest version of every authorization, in the order they were first
    made (a stable sort keeps that order among equals).
    """
    found = [a for a in versions if a.party == host and a.covers_project(project, vintage)]
    found.sort(key=lambda a: not a.covers_ndc)
    return found


def candidates(
    versions: Iterable[Authorization], *, host: str, project: str, vintage: int, day: dt.date
) -> list[Authorization]:
    """The authorizations of :func:`in_scope` that are in force on ``day`` (may cover credits)."""
    return [
        a
        for a in in_scope(versions, host=host, project=project, vintage=vintage)
        if a.in_force_on(day)
    ]


def _arrival_mark(
    auth: Authorization,
    *,
    host: str,
    into_party: str,
    trigger: FirstTransferTrigger,
) -> FirstTransferKind | None:
    """How ``auth`` first transfers credits placed in ``into_party``'s registry (by their issuance,
    or by the authorization itself), or ``None`` when the placement does not."""
    if into_party != host:
        if (
            auth.covers_ndc
            and trigger is FirstTransferTrigger.ON_ISSUANCE_TO_ACQUIRING_REGISTRY
            and (not auth.authorized_parties or into_party in auth.authorized_parties)
        ):
            return FirstTransferKind.TO_ANOTHER_PARTY
        return None
    if auth.covers_ndc:
        return None  # first transferred when they leave the host's registry
    definition = auth.first_transfer_definition
    if definition is FirstTransferDefinition.ISSUANCE:
        return FirstTransferKind.ISSUANCE
    if definition is FirstTransferDefinition.AUTHORISATION:
        return FirstTransferKind.AUTHORIZATION
    return None  # Use or Cancellation: first transferred by that use or cancellation


def _room(auth: Authorization, covered: Mapping[str, int]) -> int | None:
    cap = auth.authorized_quantity
    return None if cap is None else max(cap - covered.get(auth.id, 0), 0)


def cover_arrival(
    quantity: int,
    options: Sequence[Authorization],
    covered: Mapping[str, int],
    *,
    host: str,
    into_party: str,
    trigger: FirstTransferTrigger,
) -> list[Span]:
    """Which of ``quantity`` credits placed in ``into_party``'s registry are first transferred by
    that placement, and under which authorization (the others stay uncovered).

    Parameters
    ----------
    quantity
        Credits arriving, lowest serials first [tCO2e].
    options
        The :func:`candidates` for them.
    covered
        Credits each authorization ID covers already [tCO2e] (its cap counts them).
    host, into_party
        The project's host Party and the Party whose registry receives the credits.
    trigger
        The partner's first-transfer trigger.

    Returns
    -------
    list of Span
        Consecutive spans summing to ``quantity``; every covered span is first transferred, the
        last may be uncovered.
    """
    spans: list[Span] = []
    left = quantity
    used = dict(covered)
    for auth in options:
        if left == 0:
            break
        mark = _arrival_mark(auth, host=host, into_party=into_party, trigger=trigger)
        if mark is None:
            continue
        room = _room(auth, used)
        take = left if room is None else min(room, left)
        if take == 0:
            continue
        acquiring = into_party if mark is FirstTransferKind.TO_ANOTHER_PARTY else None
        spans.append(Span(take, Cover(auth.id, auth.version), mark, acquiring))
        used[auth.id] = used.get(auth.id, 0) + take
        left -= take
    if left:
        spans.append(Span(left, None))
    return spans


def _refusal(
    auth: Authorization, *, to_party: str, day: dt.date, field_value: object
) -> RegistryError | NotAuthorizedError:
    """Why ``auth`` cannot first transfer credits to ``to_party`` on ``day`` (docs/rules.md
    §7.3)."""
    where = f"authorization {auth.id!r} (version {auth.version}) of {auth.party}"
    if auth.authorized_parties and to_party not in auth.authorized_parties:
        return RegistryError(
            f"transfer: {where} authorizes first transfers to "
            f"{', '.join(sorted(auth.authorized_parties))}, not {to_party}",
            code="PARTY_NOT_AUTHORIZED",
            field="to",
            value=to_party,
            rule="the acquiring Party is among the authorized Parties (docs/rules.md §7.3)",
        )
    if auth.date is None or auth.date > day:
        return NotAuthorizedError(
            f"transfer: {day.isoformat()} precedes the date of {where}",
            code="NOT_AUTHORIZED",
            field="serials",
            value=field_value,
            rule="no first transfer before the authorization (docs/rules.md §7.8 C05)",
        )
    if auth.timeframe is not None and not auth.timeframe.contains(day):
        return RegistryError(
            f"transfer: {day.isoformat()} is outside the timeframe {auth.timeframe} of {where}",
            code="OUTSIDE_AUTHORIZED_TIMEFRAME",
            field="serials",
            value=field_value,
            rule="first transfers happen inside the authorized timeframe (docs/rules.md §4.4)",
        )
    if not auth.covers_ndc:
        definition = auth.first_transfer_definition
        how = definition.value if definition is not None else "its definition"
        return RegistryError(
            f"transfer: {where} covers only OIMP; its credits are first transferred by {how}, "
            "not by a transfer between registries, and cannot leave the host's registry before",
            code="NOT_FIRST_TRANSFERRED",
            field="serials",
            value=field_value,
            rule="OIMP credits are first transferred as their authorization defines "
            "(2/CMA.3 annex para 2(b); docs/rules.md §7.3)",
        )
    return NotAuthorizedError(  # pragma: no cover - every refusal above is exhaustive
        f"transfer: {where} does not allow this first transfer",
        code="NOT_AUTHORIZED",
        field="serials",
        value=field_value,
    )


def _allows(auth: Authorization, *, to_party: str, day: dt.date) -> bool:
    return (
        auth.covers_ndc
        and auth.in_force_on(day)
        and (not auth.authorized_parties or to_party in auth.authorized_parties)
    )


def cover_out(
    quantity: int,
    scope: Sequence[Authorization],
    covered: Mapping[str, int],
    *,
    to_party: str,
    day: dt.date,
    serials: tuple[int, int],
) -> list[Span]:
    """Coverage of uncovered credits first transferred out of the host's registry on ``day``.

    Every credit must be covered by an authorization that allows the transfer (fail closed);
    the spans returned are all first transferred to ``to_party``.

    Parameters
    ----------
    scope
        :func:`in_scope` for the credits (in force or not: a refusal says why none is).

    Raises
    ------
    jcm.errors.JcmError
        ``NOT_AUTHORIZED`` when the host has no authorization of the project and vintage; the
        first one's refusal when none allows it (``PARTY_NOT_AUTHORIZED``, ``NOT_AUTHORIZED``
        before its date, ``OUTSIDE_AUTHORIZED_TIMEFRAME``, ``NOT_FIRST_TRANSFERRED``);
        ``AUTHORIZED_QUANTITY_EXCEEDED`` when the caps leave too little room.
    """
    if not scope:
        raise NotAuthorizedError(
            f"transfer: serials {serials[0]}-{serials[1]} are not authorized by their host; "
            f"they cannot be first transferred to {to_party}'s registry",
            code="NOT_AUTHORIZED",
            field="serials",
            value=list(serials),
            rule="ITMOs are first transferred only once authorized (docs/rules.md §4.4, §7.3)",
        )
    allowing = [a for a in scope if _allows(a, to_party=to_party, day=day)]
    if not allowing:
        raise _refusal(scope[0], to_party=to_party, day=day, field_value=list(serials))
    spans: list[Span] = []
    left = quantity
    used = dict(covered)
    for auth in allowing:
        room = _room(auth, used)
        take = left if room is None else min(room, left)
        if take:
            spans.append(
                Span(
                    take,
                    Cover(auth.id, auth.version),
                    FirstTransferKind.TO_ANOTHER_PARTY,
                    to_party,
                )
            )
            used[auth.id] = used.get(auth.id, 0) + take
            left -= take
        if left == 0:
            return spans
    caps = ", ".join(f"{a.id} ({a.authorized_quantity})" for a in allowing)
    raise RegistryError(
        f"transfer: the authorized quantities of {caps} leave room for "
        f"{quantity - left} of the {quantity} credits {serials[0]}-{serials[1]}",
        code="AUTHORIZED_QUANTITY_EXCEEDED",
        field="quantity",
        value=quantity,
        rule="an authorization covers at most its authorized quantity (docs/rules.md §7.8 C04)",
    )


_UOC: Final = FirstTransferDefinition.USE_OR_CANCELLATION


def _fill(
    quantity: int,
    options: Sequence[Authorization],
    covered: Mapping[str, int],
    kind: FirstTransferKind | None,
) -> tuple[list[Span], int]:
    """Cover ``quantity`` credits with ``options`` in order, up to their caps; what is left."""
    spans: list[Span] = []
    left = quantity
    used = dict(covered)
    for auth in options:
        room = _room(auth, used)
        take = left if room is None else min(room, left)
        if take:
            spans.append(Span(take, Cover(auth.id, auth.version), kind))
            used[auth.id] = used.get(auth.id, 0) + take
            left -= take
        if left == 0:
            break
    return spans, left


def cover_own_use(
    quantity: int,
    scope: Sequence[Authorization],
    covered: Mapping[str, int],
    *,
    day: dt.date,
    serials: tuple[int, int],
) -> list[Span]:
    """Coverage of uncovered credits the host retires toward its own NDC on ``day``.

    The host's own use is no first transfer (the spans carry none) but needs the host's NDC
    authorization in force, within its quantity (fail closed).

    Raises
    ------
    jcm.errors.JcmError
        ``NOT_AUTHORIZED`` when no NDC authorization of the host is in force on ``day``;
        ``AUTHORIZED_QUANTITY_EXCEEDED`` when the caps leave too little room.
    """
    options = [a for a in scope if a.covers_ndc and a.in_force_on(day)]
    if not options:
        raise NotAuthorizedError(
            f"retire: serials {serials[0]}-{serials[1]} have no NDC authorization of their host "
            f"in force on {day.isoformat()}",
            code="NOT_AUTHORIZED",
            field="serials",
            value=list(serials),
            rule="retirement needs Art. 6.3 approval (docs/rules.md §4.4, BILL item 4)",
        )
    spans, left = _fill(quantity, options, covered, None)
    if left:
        raise RegistryError(
            f"retire: the authorized quantities of "
            f"{', '.join(f'{a.id} ({a.authorized_quantity})' for a in options)} leave room for "
            f"{quantity - left} of the {quantity} credits {serials[0]}-{serials[1]}",
            code="AUTHORIZED_QUANTITY_EXCEEDED",
            field="quantity",
            value=quantity,
            rule="an authorization covers at most its authorized quantity (docs/rules.md §7.8 C04)",
        )
    return spans


def cover_on_cancellation(
    quantity: int, scope: Sequence[Authorization], covered: Mapping[str, int], *, day: dt.date
) -> list[Span]:
    """Coverage of uncovered credits cancelled on ``day``: first transferred by the cancellation
    under an OIMP authorization whose definition is "Use or Cancellation" in force, up to its
    quantity (``First transfer`` / ``Use or cancellation``); the rest are cancelled uncovered."""
    options = [
        a
        for a in scope
        if not a.covers_ndc and a.first_transfer_definition is _UOC and a.in_force_on(day)
    ]
    spans, left = _fill(quantity, options, covered, FirstTransferKind.USE_OR_CANCELLATION)
    if left:
        spans.append(Span(left, None))
    return spans
