"""Authorization: a Party records one version of an Article 6.3 authorization.

Retirement toward an NDC needs the approval of both Japan and the partner country (docs/rules.md
§4.4 [P] BILL item 4), and only credits covered by an authorization of their host can be first
transferred (docs/rules.md §7.2). A Party's administrator records each version of an
authorization with ``authorize``; the record is :class:`jcm.core.authorization.Authorization`, the
one definition of what was authorized (AEF-V2 Table 2, docs/rules.md §8.2 [P2]).

Credits are covered by an authorization when they are first transferred
(:mod:`jcm.core.first_transfer`), so a new version (a change, a revocation with
``"revoked": true``) governs every decision after it: it applies to credits not yet first
transferred (docs/rules.md §8.4), and credits already first transferred keep the version recorded
on them. A version of the **host** in force may itself first transfer credits, which the effects
record (:class:`CoverChange`): credits already in the acquiring Party's registry (issued there
before the authorization) under the ``ON_ISSUANCE_TO_ACQUIRING_REGISTRY`` trigger, and, under an
OIMP definition "Authorisation" or "Issuance", credits in the host's registry; each up to the
authorization's quantity.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, Final

import attrs

from jcm.core.authorization import (
    Authorization,
    FirstTransferDefinition,
    Purpose,
    Timeframe,
    check_next_version,
)
from jcm.core.first_transfer import (
    Cover,
    FirstTransferKind,
    FirstTransferMark,
    cover_arrival,
)
from jcm.core.nomenclature import DEFAULT_APPROACH
from jcm.core.party import JAPAN, Principal, Role
from jcm.errors import InvalidValueError
from jcm.registry.cycle_steps import project_record
from jcm.registry.kind import NO_RULES, Context, Decision, Kind, Rules
from jcm.registry.permissions import require_admin_of
from jcm.registry.request_base import RequestBase, ident, party
from jcm.registry.state import State

if TYPE_CHECKING:
    from jcm.registry.journal import Entry

__all__ = ["AUTHORIZE", "AuthorizeEffects", "AuthorizeRequest", "CoverChange"]


@attrs.frozen
class AuthorizeRequest(RequestBase):
    """A Party authorizes a project's credits of some vintages for purposes (Art. 6.3).

    The content of AEF-V2 Table 2 (docs/rules.md §7.2 [M], §8.2 [P2]). Optional fields left
    ``None`` take their defaults: ``version`` 1, ``cooperative_approach`` ``CA0099``
    (docs/rules.md §9.6, illustrative), ``date`` the day of the entry. ``sectors`` and
    ``activity_types`` are values of nomenclature 15(b) and 51(b) (docs/rules.md §8.3 [P2]);
    ``authorized_parties`` (alpha-3) limits who may acquire the credits on their first transfer
    (none given: any Party); ``oimp`` states the other international mitigation purpose and
    ``first_transfer_definition`` when it is first transferred, both required when the purposes
    cover OIMP, IMP or OP. A higher ``version`` of an existing ``authorization`` by the same
    Party is a change; ``revoked`` makes that version a revocation (docs/rules.md §8.4 [M]).
    """

    type: ClassVar[str] = "authorize"
    authorization: str = attrs.field(validator=ident)
    party: str = attrs.field(validator=party)
    project: str = attrs.field(validator=ident)
    vintages: tuple[int, ...]
    purposes: tuple[Purpose, ...]
    first_transfer_definition: FirstTransferDefinition | None = None
    authorized_quantity: int | None = None
    timeframe: Timeframe | None = None
    version: int | None = None
    cooperative_approach: str | None = None
    date: dt.date | None = None
    sectors: tuple[str, ...] | None = None
    activity_types: tuple[str, ...] | None = None
    authorized_parties: tuple[str, ...] | None = None
    authorized_entities: tuple[str, ...] | None = None
    oimp: str | None = None
    terms: str | None = None
    revoked: bool | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("vintages", "purposes"):
            values = getattr(self, name)
            if not values or len(set(values)) != len(values):
                raise InvalidValueError(name, list(values), "must be a non-empty list, no repeats")
        for name in ("sectors", "activity_types", "authorized_parties", "authorized_entities"):
            values = getattr(self, name)
            if values is not None and (not values or len(set(values)) != len(values)):
                raise InvalidValueError(
                    name, list(values), "must be a non-empty list of distinct values, or absent"
                )
        version = 1 if self.version is None else self.version
        self.record(version=version, day=self.date, entry=0)  # every field's rule

    def record(self, *, version: int, day: dt.date | None, entry: int) -> Authorization:
        """The authorization this request records (its rules are checked here, once)."""
        return Authorization(
            self.authorization,
            self.party,
            self.project,
            frozenset(self.vintages),
            frozenset(self.purposes),
            version=version,
            cooperative_approach=self.cooperative_approach or DEFAULT_APPROACH,
            date=day,
            first_transfer_definition=self.first_transfer_definition,
            authorized_quantity=self.authorized_quantity,
            timeframe=self.timeframe,
            sectors=self.sectors or (),
            activity_types=self.activity_types or (),
            authorized_parties=frozenset(self.authorized_parties or ()),
            authorized_entities=self.authorized_entities or (),
            oimp=self.oimp,
            terms=self.terms,
            revoked=bool(self.revoked),
            entry=entry,
        )


@attrs.frozen
class CoverChange:
    """Credits an authorization first transferred: serials ``first..last`` held in ``account``.

    ``cover`` is the version that covers them now; ``first_transfer`` how they were first
    transferred (to the Party of the account's registry for ``TO_ANOTHER_PARTY``).
    """

    account: str
    registry: str
    first: int
    last: int
    vintage: int
    cover: Cover
    first_transfer: FirstTransferKind

    @property
    def quantity(self) -> int:
        """Credits changed [tCO2e]."""
        return self.last - self.first + 1


@attrs.frozen
class AuthorizeEffects:
    """The version recorded, and the credits it first transferred."""

    authorization: Authorization
    changes: tuple[CoverChange, ...] = ()


def _recover(ctx: Context, new: Authorization) -> tuple[tuple[CoverChange, ...], Rules]:
    """The credits a new version of the host's authorization first transfers (module docstring).

    Candidates are the project's uncovered credits of the version's vintages held outside
    retirement and cancellation accounts, in serial order within each registry.
    """
    if not new.in_force_on(ctx.day):
        return (), NO_RULES
    state = ctx.state
    ruleset = ctx.ruleset(new.party)
    pieces: list[tuple[str, int, int, str, int, str]] = []
    for account in state.accounts.values():
        if account.kind.terminal:
            continue
        for lot, start, end in state.holdings[account.id].spans():
            if (
                lot.cover is None
                and lot.project == new.project
                and lot.host_party == new.party
                and lot.vintage in new.vintages
            ):
                pieces.append((lot.registry, start, end, account.id, lot.vintage, account.party))
    pieces.sort(key=lambda piece: piece[:2])  # serial order in each registry
    covered = dict(state.covered)
    changes: list[CoverChange] = []
    for registry, start, end, holder, vintage, where in pieces:
        spans = cover_arrival(
            end - start + 1,
            [new],
            covered,
            host=new.party,
            into_party=where,
            trigger=ruleset.first_transfer_trigger,
        )
        first = start
        for span in spans:
            last = first + span.quantity - 1
            if span.cover is not None and span.first_transfer is not None:
                changes.append(
                    CoverChange(
                        holder, registry, first, last, vintage, span.cover, span.first_transfer
                    )
                )
                covered[span.cover.authorization] = (
                    covered.get(span.cover.authorization, 0) + span.quantity
                )
            first = last + 1
    return tuple(changes), (Rules.of_host(ruleset) if changes else NO_RULES)


def _decide(ctx: Context, p: Principal, r: AuthorizeRequest) -> Decision[AuthorizeEffects]:
    require_admin_of(p, r.party, r.type)
    rec = project_record(ctx.state, r.project)
    host = rec.project.partner
    if r.party not in (JAPAN, host):
        raise InvalidValueError("party", r.party, f"must be Japan or the project's partner {host}")
    if r.date is not None and r.date > ctx.day:
        raise InvalidValueError(
            "date", r.date.isoformat(), f"must not be after the day of the entry {ctx.day}"
        )
    version = 1 if r.version is None else r.version
    new = r.record(version=version, day=r.date or ctx.day, entry=ctx.seq)
    check_next_version(ctx.state.authorization_versions.get(r.authorization, ()), new)
    if new.party != host:
        return Decision(AuthorizeEffects(new))
    changes, rules = _recover(ctx, new)
    return Decision(AuthorizeEffects(new, changes), 0, rules)


def _apply(state: State, e: AuthorizeEffects, entry: Entry) -> None:
    auth = e.authorization
    versions = state.authorization_versions.get(auth.id)
    if versions is None:
        versions = []
        state.set(state.authorization_versions, auth.id, versions)
        key = (auth.party, auth.project)
        ids = state.authorizations_of.get(key)
        if ids is None:
            ids = []
            state.set(state.authorizations_of, key, ids)
        state.append(ids, auth.id)
    state.append(versions, auth)
    state.set(state.authorizations, auth.id, auth)
    for change in e.changes:
        mark = FirstTransferMark(
            entry.seq,
            change.first_transfer,
            state.accounts[change.account].party
            if change.first_transfer is FirstTransferKind.TO_ANOTHER_PARTY
            else None,
        )
        taken = state.take(change.account, change.registry, change.first, change.last)
        for lot, start, end in taken:
            state.put(
                change.account, lot.relabel(cover=change.cover, first_transfer=mark), start, end
            )
        state.add(state.covered, change.cover.authorization, change.quantity)


AUTHORIZE: Final = Kind(
    "authorize",
    AuthorizeRequest,
    AuthorizeEffects,
    frozenset({Role.REGISTRY_ADMINISTRATOR}),
    _decide,
    _apply,
)
