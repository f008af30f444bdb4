"""Issuance: a Party's administrator records its share of a Joint Committee decision.

After the Joint Committee decides the credits of a monitoring period per vintage, each government
issues its share into its own registry (docs/rules.md §2.3.3 "issue(side)" [P2], §3.1). The share
of each line of the Credit Allocation Form is decided by the largest-remainder rule on exact
rationals (:mod:`jcm.registry.allocation`, docs/rules.md §3.2 [I]); serials are the next free
range of the registry, handed out in the order of the form (docs/rules.md §3.3 [I]).

The decision also says, for every issued range, whether an authorization of the host covers it
and whether the issuance first transfers it (:func:`jcm.core.first_transfer.cover_arrival`,
with the host's first-transfer trigger): credits issued into Japan's registry under Mongolia's
NDC authorization are first transferred to Japan by their issuance (the JCM default); credits
beyond the authorization's quantity are issued uncovered (docs/rules.md §7.3 [I]). The effects
record it all, so the fold, the Article 6 reports and every later rule read what was decided.

Worked example (docs/rules.md §11 scenario 1): a decision of 1,000 credits of vintage 2023 on an
allocation of 50 % to the Government of Japan and 50 % to participant A, issued by Japan into a
fresh registry, gives GoJ serials 1-500 and A 501-1000.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

import attrs

from jcm.core import cycle
from jcm.core.credit import CreditBlock, SerialRange
from jcm.core.cycle import PeriodRecord
from jcm.core.first_transfer import (
    Cover,
    FirstTransferKind,
    FirstTransferMark,
    candidates,
    cover_arrival,
)
from jcm.core.party import Principal, Role
from jcm.core.period import MonitoringPeriod
from jcm.errors import RegistryError, UnknownAccountError
from jcm.registry.allocation import allocate, assign_serials
from jcm.registry.cycle_steps import period_record, project_record, store_period
from jcm.registry.kind import Context, Decision, Kind, Rules
from jcm.registry.permissions import require_admin_of
from jcm.registry.request_base import RequestBase, ident, party
from jcm.registry.state import State

if TYPE_CHECKING:
    from jcm.registry.journal import Entry

__all__ = ["ISSUE", "IssueEffects", "IssueRequest", "IssuedBlock"]


@attrs.frozen
class IssueRequest(RequestBase):
    """A Party's administrator issues that Party's allocated share into its registry (§3.3)."""

    type: ClassVar[str] = "issue"
    project: str = attrs.field(validator=ident)
    period: MonitoringPeriod
    party: str = attrs.field(validator=party)


@attrs.frozen
class IssuedBlock:
    """Credits issued into one account: serials ``first..last`` of one vintage.

    ``cover`` is the host's authorization version covering them (``None``: uncovered);
    ``first_transfer`` says how the issuance first transferred them, if it did.
    """

    account: str
    vintage: int
    first: int
    last: int
    cover: Cover | None = None
    first_transfer: FirstTransferKind | None = None

    @property
    def quantity(self) -> int:
        """Credits in the block [tCO2e]."""
        return self.last - self.first + 1


@attrs.frozen
class IssueEffects:
    """One Party's issuance: the blocks, its registry's next serial, the period's new record."""

    party: str
    registry: str
    project: str
    host_party: str
    period: MonitoringPeriod
    quantity: int
    blocks: tuple[IssuedBlock, ...]
    next_serial: int
    record: PeriodRecord


def _decide(ctx: Context, p: Principal, r: IssueRequest) -> Decision[IssueEffects]:
    require_admin_of(p, r.party, r.type)
    state = ctx.state
    rec = project_record(state, r.project)
    prec = period_record(state, r.project, r.period.start, r.period.end)
    decided = cycle.record_issuance(
        prec, p.role, r.party, cycle.issuing_parties(prec.allocation)
    )  # the cycle's rules: decided, not issued twice, an issuing Party
    record = state.parties.get(r.party)
    if record is None:  # pragma: no cover - an administrator's Party always has a registry
        raise RegistryError(f"Party {r.party} has no registry here", code="NO_SUCH_PARTY")
    lines = prec.allocation
    mine = [i for i, line in enumerate(lines) if line.party == r.party]
    for i in mine:
        account = state.accounts.get(lines[i].account)
        if account is None:
            raise UnknownAccountError(
                f"issue: allocation account {lines[i].account!r} does not exist",
                field="allocation.account",
                value=lines[i].account,
            )
        if account.registry != record.registry_id:
            raise RegistryError(
                f"issue: account {account.id!r} is not in {r.party}'s registry",
                code="NO_SUCH_ACCOUNT",
                field="allocation.account",
                value=account.id,
            )
        if account.kind.terminal:
            raise RegistryError(
                f"issue: account {account.id!r} is a {account.kind.value} account",
                code="TERMINAL_ACCOUNT",
                field="allocation.account",
                value=account.id,
            )
    host = rec.project.partner
    ruleset = ctx.ruleset(host)
    trigger = ruleset.first_transfer_trigger
    versions = state.latest_authorizations(host, r.project)
    covered = dict(state.covered)
    shares = [line.share for line in lines]
    blocks: list[IssuedBlock] = []
    next_serial = record.next_serial
    for vintage, quantity in prec.quantities_by_vintage:
        amounts = allocate(quantity, shares)
        accounts = [lines[i].account for i in mine if amounts[i] > 0]
        options = candidates(versions, host=host, project=r.project, vintage=vintage, day=ctx.day)
        for account_id, (start, end) in zip(
            accounts, assign_serials(next_serial, [amounts[i] for i in mine]), strict=True
        ):
            spans = cover_arrival(
                end - start + 1, options, covered, host=host, into_party=r.party, trigger=trigger
            )
            first = start
            for span in spans:
                blocks.append(
                    IssuedBlock(
                        account_id,
                        vintage,
                        first,
                        first + span.quantity - 1,
                        span.cover,
                        span.first_transfer,
                    )
                )
                if span.cover is not None:
                    covered[span.cover.authorization] = (
                        covered.get(span.cover.authorization, 0) + span.quantity
                    )
                first += span.quantity
            next_serial = end + 1
    schedule, fee_rules = ctx.fee_rules(r.party)
    effects = IssueEffects(
        r.party,
        record.registry_id,
        r.project,
        host,
        r.period,
        sum(b.quantity for b in blocks),
        tuple(blocks),
        next_serial,
        decided,
    )
    rules = fee_rules.merged(Rules.of_host(ruleset))
    return Decision(effects, schedule.issuance if schedule else 0, rules)


def _apply(state: State, e: IssueEffects, entry: Entry) -> None:
    issued_on = entry.at.date()
    issuance = str(entry.seq)
    for b in e.blocks:
        mark = (
            None
            if b.first_transfer is None
            else FirstTransferMark(
                entry.seq,
                b.first_transfer,
                e.party if b.first_transfer is FirstTransferKind.TO_ANOTHER_PARTY else None,
            )
        )
        lot = CreditBlock(
            e.registry,
            e.party,
            e.project,
            e.host_party,
            b.vintage,
            SerialRange(b.first, b.last),
            issued_on,
            issuance,
            cover=b.cover,
            first_transfer=mark,
        )
        state.put(b.account, lot, b.first, b.last)
        state.add(state.issued, (e.registry, e.project, b.vintage), b.quantity)
        if b.cover is not None:
            state.add(state.covered, b.cover.authorization, b.quantity)
    state.set(
        state.parties, e.party, attrs.evolve(state.parties[e.party], next_serial=e.next_serial)
    )
    store_period(state, e.record)


ISSUE: Final = Kind(
    "issue",
    IssueRequest,
    IssueEffects,
    frozenset({Role.REGISTRY_ADMINISTRATOR}),
    _decide,
    _apply,
)
