"""The reader of format-1 journal entries (written before decisions were recorded in full).

Design
------
A format-1 entry records its request and part of what the engine resolved (the serials moved or
issued, the first-transfer pieces), but not everything today's records hold: no project-cycle
record, no coverage of credits by authorizations, no NDC period of a retirement. This module is
the one thing kept of that format (the house rule for a redesign): it turns such an entry into
today's typed effects, against the state folded so far, so that the fold
(:func:`jcm.registry.fold.apply_entry`) applies it like any other entry.

What format 1 did not record is read **as format 1 implied it**, with fixed rules that no
configuration of today changes: the project-cycle steps are run again with periods of one day
(every step format 1 accepted passes; no guard of today's rulesets applies), authorizations and
first transfers follow today's decisions under the default first-transfer trigger, an OIMP
authorization that stated neither its OIMP nor its first-transfer definition is read as "Use or
Cancellation" (the strictest), and a move today's rules would refuse is read as the plain move
format 1 recorded (its serials, without Article 6 meaning; a retirement whose ``ndc_year`` lies
in no NDC period of the Party counts in no adjustment). Every recorded serial range and fee is
kept exactly; an entry whose recorded serials differ from what the reading gives is damaged
(:class:`~jcm.registry.state.LedgerError`).
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from jcm.core.account import AccountKind
from jcm.core.cycle import PeriodRecord
from jcm.core.ndc import NdcPeriod, period_containing
from jcm.core.party import Role
from jcm.core.ruleset import Ruleset, Rulesets
from jcm.errors import JcmError
from jcm.registry.certificate import CertificateEffects
from jcm.registry.cycle_steps import PeriodStepEffects, ProjectStepEffects, advance
from jcm.registry.freeze import FreezeEffects
from jcm.registry.journal import FORMAT_VERSION, Entry
from jcm.registry.kind import Context
from jcm.registry.kinds import KINDS
from jcm.registry.moves import MOVE_TYPES, CancelEffects, RetireEffects, TransferEffects
from jcm.registry.requests import parse_request
from jcm.registry.setup import AddPartyEffects, AddPrincipalEffects, OpenAccountEffects
from jcm.registry.state import LedgerError, State

__all__ = ["FORMAT_1_RULESETS", "upgrade"]

FORMAT_1_RULESETS: Final = Rulesets(
    (Ruleset(partner=None, version="format-1", pdd_public_input_days=1),)
)
"""The fixed rules format-1 entries are read with (see the module docstring)."""

_FORMAT_1_PERIODS: Final = (NdcPeriod(2021, 2030),)
"""A Party's NDC period when a format-1 ``add_party`` named none (format 1's default)."""


def upgrade(state: State, entry: Entry) -> Entry:
    """``entry`` (format 1) with today's typed effects, read against ``state`` (the fold so far).

    Raises
    ------
    LedgerError
        When the entry cannot be read into today's records (a damaged journal).
    """
    try:
        effects = _effects(state, entry)
    except LedgerError:
        raise
    except (JcmError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise LedgerError(
            f"entry {entry.seq}: the format-1 {entry.type} cannot be read: "
            f"{type(exc).__name__}: {exc}",
            value=entry.seq,
        ) from None
    return attrs.evolve(entry, effects=effects, version=FORMAT_VERSION)


def _effects(state: State, entry: Entry) -> Any:
    kind, r, e = entry.type, entry.request, entry.effects
    if kind == "add_party":
        period = r.get("ndc_period")
        periods = _FORMAT_1_PERIODS if period is None else (NdcPeriod(period[0], period[1]),)
        return AddPartyEffects(r["party"], r["registry_id"], r["administrator"], periods)
    if kind == "add_principal":
        return AddPrincipalEffects(r["principal"], Role(r["role"]), r["party"])
    if kind == "open_account":
        return OpenAccountEffects(
            r["account"], r["party"], e["registry"], AccountKind(r["kind"]), r["holder"],
            e.get("fee_payer"),
        )  # fmt: skip
    if kind in ("freeze", "unfreeze"):
        return FreezeEffects(r["account"], kind == "freeze")
    if kind == "request_certificate":
        return CertificateEffects(r["account"], dict(e["certificate"]))
    principal = state.principals[entry.actor]
    ctx = Context(state, entry.at, FORMAT_1_RULESETS, ())
    if kind == "issue":
        decided = KINDS["issue"].decide(ctx, principal, parse_request(r)).effects
        recorded = [tuple(block) for block in e["blocks"]]
        spans = _merge([(b.account, b.vintage, b.first, b.last) for b in decided.blocks])
        if spans != recorded or e["next_serial"] != decided.next_serial:
            raise LedgerError(
                f"entry {entry.seq}: the issued blocks {recorded} are not those read ({spans})"
            )
        return decided
    if kind == "authorize":
        return KINDS["authorize"].decide(ctx, principal, parse_request(_authorize(r))).effects
    if kind in MOVE_TYPES:
        return _move(state, ctx, principal, entry)
    record, _rules = advance(state, principal, parse_request(r), FORMAT_1_RULESETS)
    if isinstance(record, PeriodRecord):
        return PeriodStepEffects(record)
    return ProjectStepEffects(record)


def _merge(blocks: list[tuple[str, int, int, int]]) -> list[tuple[str, int, int, int]]:
    """Adjacent blocks of one account and vintage joined (format 1 did not cut by coverage)."""
    out: list[tuple[str, int, int, int]] = []
    for account, vintage, first, last in blocks:
        if out and out[-1][0] == account and out[-1][1] == vintage and out[-1][3] + 1 == first:
            out[-1] = (account, vintage, out[-1][2], last)
        else:
            out.append((account, vintage, first, last))
    return out


def _authorize(request: dict[str, Any]) -> dict[str, Any]:
    """A format-1 authorization that today's record accepts (OIMP fields read strictly)."""
    data = dict(request)
    if set(data.get("purposes", ())) & {"OIMP", "IMP", "OP"}:
        data.setdefault("first_transfer_definition", "Use or Cancellation")
        data.setdefault("oimp", "not stated (format-1 entry)")
    return data


def _move(state: State, ctx: Context, principal: Any, entry: Entry) -> Any:
    kind, r, e = entry.type, entry.request, entry.effects
    recorded = tuple((s[0], s[1], s[2]) for s in e["serials"])
    try:
        decided = KINDS[kind].decide(ctx, principal, parse_request(r)).effects
    except JcmError:
        decided = None
    if decided is not None and decided.serials == recorded:
        return decided
    quantity = sum(last - first + 1 for _, first, last in recorded)
    if kind == "transfer":
        return TransferEffects(
            e["from"], e["to"], quantity, recorded, international=bool(e.get("international"))
        )
    if kind == "cancel":
        return CancelEffects(e["from"], e["to"], quantity, recorded, purpose=e["purpose"])
    party = state.accounts[e["from"]].party
    year = int(e["ndc_year"])
    period = period_containing(state.parties[party].ndc_periods, year)
    return RetireEffects(
        e["from"], e["to"], quantity, recorded, ndc_year=year, ndc_period=period,
        beneficiary=e.get("beneficiary"),
    )  # fmt: skip
