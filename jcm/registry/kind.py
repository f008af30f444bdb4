"""A request kind: the one unit that defines a registry request type.

Design
------
A request type is found in one place (docs/architecture.md, "Where each rule lives"): a module
that defines

* its **request** class (what a user asks, a :class:`~jcm.registry.request_base.RequestBase`);
* its **effects** class (what the engine decided: a frozen attrs record, written to the journal
  entry through the one converter and read back into the same class);
* its **decision** ``decide(context, principal, request) -> Decision``: the checks in the
  documented precedence, raising a :class:`~jcm.errors.JcmError` and changing nothing, or the
  effects with the fee and the rules they were decided under;
* its **application** ``apply(state, effects, entry)``: the change of the state, which reads only
  the effects (and the entry's number, time and actor), never the configuration of today;

and registers them as one :class:`Kind`. :mod:`jcm.registry.kinds` lists every kind once, in the
order of the request table of docs/api.md; the request union, the journal decoder, the role table,
the docs and the fold are all derived from that list.

Adding a request type therefore means: one module (request, effects, decide, apply, ``KIND``) and
one line in :mod:`jcm.registry.kinds`; then regenerate the reference docs (``python -m jcm.docs``).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from jcm.core.authorization import FirstTransferTrigger
from jcm.core.fees import FeeSchedule, FeeScheduleRef, schedule_at
from jcm.core.ndc import Attribution
from jcm.core.party import Principal, Role
from jcm.core.ruleset import Ruleset, RulesetRef, Rulesets
from jcm.registry.state import State

if TYPE_CHECKING:
    from jcm.registry.journal import Entry

__all__ = ["Context", "Decision", "Kind", "Rules"]

E = TypeVar("E")


@attrs.frozen
class Rules:
    """The rules an entry was decided under, recorded with its effects (docs/api.md, "One truth").

    Parameters
    ----------
    ruleset
        The partner's ruleset (partner and version) that decided a project-cycle step or a first
        transfer, if any.
    periods
        The periods of that ruleset the decision applied, by name [d] (``pdd_public_input_days``).
    fee_schedule
        The fee schedule (Party and valid-from day) that decided the fee, if any.
    first_transfer_trigger
        The first-transfer trigger applied to the credits the entry issued or moved, if any.
    attribution
        The host's attribution policy for the credits the entry first transferred, if any.
    """

    ruleset: RulesetRef | None = None
    periods: tuple[tuple[str, int], ...] = ()
    fee_schedule: FeeScheduleRef | None = None
    first_transfer_trigger: FirstTransferTrigger | None = None
    attribution: Attribution | None = None

    def merged(self, other: Rules) -> Rules:
        """These rules with the fields ``other`` sets."""
        return Rules(
            other.ruleset or self.ruleset,
            other.periods or self.periods,
            other.fee_schedule or self.fee_schedule,
            other.first_transfer_trigger or self.first_transfer_trigger,
            other.attribution or self.attribution,
        )

    @classmethod
    def of_host(cls, ruleset: Ruleset) -> Rules:
        """The rules a host's ruleset applies to its credits' first transfers."""
        return cls(
            ruleset=ruleset.ref,
            first_transfer_trigger=ruleset.first_transfer_trigger,
            attribution=ruleset.attribution,
        )


NO_RULES = Rules()
"""An entry decided by no configurable rule."""


@attrs.frozen
class Decision(Generic[E]):
    """What a decision gives: the effects, the fee [JPY] and the rules it applied."""

    effects: E
    fee: int = 0
    rules: Rules = NO_RULES


class Context:
    """What a decision may read: the state, the time of the entry, the configuration in force.

    Parameters
    ----------
    state
        The state the request is decided against (read it, never change it).
    at
        The time of the entry (UTC).
    seq
        The number the entry will have.
    rulesets, fee_schedules
        The configuration the registry was opened with.
    """

    __slots__ = ("at", "day", "fee_schedules", "rulesets", "seq", "state")

    def __init__(
        self,
        state: State,
        at: dt.datetime,
        rulesets: Rulesets,
        fee_schedules: Sequence[FeeSchedule],
    ) -> None:
        self.state = state
        self.seq = state.seq + 1
        self.at = at
        self.day = at.date()
        self.rulesets = rulesets
        self.fee_schedules = fee_schedules

    def ruleset(self, partner: str) -> Ruleset:
        """The partner's ruleset in force (its current one, docs/rules.md §2.4)."""
        return self.rulesets.lookup(partner)

    def schedule(self, party: str) -> FeeSchedule | None:
        """The fee schedule of ``party``'s registry on the day of the entry, if any."""
        return schedule_at(self.fee_schedules, self.day, party)

    def fee_rules(self, party: str) -> tuple[FeeSchedule | None, Rules]:
        """The schedule of ``party``'s registry and the rules record naming it."""
        schedule = self.schedule(party)
        return schedule, (NO_RULES if schedule is None else Rules(fee_schedule=schedule.ref))


@attrs.frozen
class Kind(Generic[E]):
    """One request type: its classes, who may make it, its decision and its application.

    Parameters
    ----------
    type
        The ``"type"`` tag of its JSON (``"transfer"``).
    request
        The request class.
    effects
        The effects class recorded in the journal.
    roles
        The roles that may make it (checked first: ``NOT_PERMITTED``).
    decide
        ``decide(context, principal, request) -> Decision``; raises and changes nothing.
    apply
        ``apply(state, effects, entry)``: the change of the state (through its primitives).
    encode, decode
        The JSON of the effects and back; the converter's by default (a kind on the hot path
        brings hand-written ones that give exactly the same JSON).
    replay
        ``replay(state, effects_json) -> bool``: the same change as ``apply`` straight from the
        stored JSON, for the fast path of :mod:`jcm.registry.replay`; it returns ``False`` (and
        changes nothing) for effects it leaves to ``apply``.
    """

    type: str
    request: builtins.type[Any]
    effects: builtins.type[E]
    roles: frozenset[Role]
    decide: Callable[[Context, Principal, Any], Decision[E]]
    apply: Callable[[State, E, Entry], None]
    encode: Callable[[E], dict[str, Any]] | None = None
    decode: Callable[[Mapping[str, Any]], E] | None = None
    replay: Callable[[State, dict[str, Any]], bool] | None = None
