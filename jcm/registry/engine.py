"""The registry engine: the only writer of a registry.

It holds the registries of several Parties (docs/architecture.md, "One engine, several
registries").

Design
------
Every request goes through four steps, and nothing is half-applied::

    decide (raises JcmError) -> seal (the entry) -> apply (fold, undo-logged) -> append -> commit

* **decide**: the request's kind (:mod:`jcm.registry.kinds`) checks it, in the order of
  docs/api.md's error precedence — first whether the actor is a known principal whose role may
  make it (``NOT_PERMITTED``), then the kind's own rules — and returns the typed effects, the fee
  and the rules it applied, changing nothing; an idempotency key reused for another request is
  ``IDEMPOTENCY_CONFLICT`` (checked last);
* **seal**: the entry (format 2) records the request, the effects and the rules, hash-chained to
  the last entry (:func:`jcm.registry.journal.seal`);
* **apply**: the entry is applied to the live state by the fold (:func:`jcm.registry.fold.
  apply_entry`, the same code that replays the journal), inside ``State.begin()``: an entry that
  does not apply cleanly is never appended;
* **append**: one store transaction; if it fails, ``State.rollback()`` restores the state exactly,
  so the state stays the fold of the journal.

A batch (:meth:`Registry.submit_batch`, used by ``jcm registry apply``) decides and applies each
request against the state left by the previous ones, then appends every accepted entry in
**one** store transaction, or rolls the whole batch back.

Replaying a journal (opening a store, ``as_of``, ``verify``) applies the **recorded** effects and
never decides again, so a registry opens and verifies the same whatever rulesets, fee schedules or
code version open it (docs/api.md, "One truth").

Time comes from an injectable clock (``Registry(clock=...)``) and never goes backwards; an
import (``submit_batch(..., import_by=operator)``, the CLI's ``apply --import``) may instead give
each request its own ``at``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jcm.core.account import Account
from jcm.core.authorization import Authorization
from jcm.core.credit import CreditBlock, parse_identifier
from jcm.core.cycle import PeriodRecord, ProjectRecord
from jcm.core.fees import DEFAULT_FEE_SCHEDULES, FeeSchedule
from jcm.core.party import Principal
from jcm.core.ruleset import DEFAULT_RULESETS, Rulesets
from jcm.errors import (
    InvalidValueError,
    JcmError,
    NotAuthorizedError,
    Problem,
    RegistryError,
    UnknownAccountError,
)
from jcm.registry.audit import (
    HistoryRecord,
    check_invariants,
    compare_states,
    history,
)
from jcm.registry.certificate import Certificate
from jcm.registry.fold import apply_entry
from jcm.registry.journal import Entry, seal, verify_rows
from jcm.registry.kind import Context
from jcm.registry.kinds import KINDS
from jcm.registry.permissions import require_principal, require_role
from jcm.registry.receipt import Receipt, Rejection
from jcm.registry.replay import replay_rows
from jcm.registry.requests import parse_request, request_json
from jcm.registry.state import LedgerError, PartyRecord, State
from jcm.serialization import canonical_json

if TYPE_CHECKING:
    from jcm.registry.store import Store

__all__ = ["Clock", "Registry", "RegistryView"]

Clock = Callable[[], dt.datetime]
"""A function returning the current time (timezone-aware)."""

_log = logging.getLogger("jcm.registry")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- read-only view


class RegistryView:
    """Read-only queries over a registry's state (``Registry`` and ``Registry.as_of`` views)."""

    def __init__(self, state: State) -> None:
        self._state = state

    def _fresh(self) -> State:
        """The state to read (a live registry first catches up with other writers)."""
        return self._state

    @property
    def state(self) -> State:
        """The underlying state (read it, never change it)."""
        return self._fresh()

    @property
    def operator(self) -> str:
        """The principal id of the registry's operator."""
        return self._state.operator

    @property
    def last_entry(self) -> int:
        """Number of the last journal entry applied (0 for an empty registry)."""
        return self._fresh().seq

    @property
    def tip_hash(self) -> str:
        """Hash of the last journal entry applied (64 zeros for an empty registry)."""
        return self._fresh().last_hash

    def account(self, account: str) -> Account:
        """The account ``account``; ``UnknownAccountError`` (``NO_SUCH_ACCOUNT``) if none."""
        found = self._fresh().accounts.get(account)
        if found is None:
            raise UnknownAccountError(
                f"no account {account!r} in this registry", field="account", value=account
            )
        return found

    def accounts(self, party: str | None = None) -> tuple[Account, ...]:
        """Every account (of ``party``'s registry if given), in order of opening."""
        state = self._fresh()
        return tuple(a for a in state.accounts.values() if party is None or a.party == party)

    def balance(self, account: str) -> int:
        """Credits held by ``account`` [tCO2e]."""
        self.account(account)
        return self._state.holdings[account].total

    def holdings(self, account: str) -> tuple[CreditBlock, ...]:
        """The blocks ``account`` holds, by issuing registry and serial."""
        self.account(account)
        return tuple(self._state.holdings[account].blocks())

    def balances(self, party: str | None = None) -> dict[str, int]:
        """``{account: balance}`` for every account (of ``party`` if given), empty ones too."""
        state = self._fresh()
        holdings = state.holdings
        return {
            a.id: holdings[a.id].total
            for a in state.accounts.values()
            if party is None or a.party == party
        }

    def parties(self) -> tuple[PartyRecord, ...]:
        """The Parties known to the engine and their registries."""
        return tuple(self._fresh().parties.values())

    def principal(self, principal: str) -> Principal | None:
        """The principal with that id, if any."""
        return self._fresh().principals.get(principal)

    def project(self, project: str) -> ProjectRecord:
        """The project's record; ``NO_SUCH_PROJECT`` if unknown."""
        found = self._fresh().projects.get(project)
        if found is None:
            raise RegistryError(
                f"no project {project!r}", code="NO_SUCH_PROJECT", field="project", value=project
            )
        return found

    def projects(self) -> tuple[ProjectRecord, ...]:
        """Every project's record, in order of its PIN."""
        return tuple(self._fresh().projects.values())

    def periods(self, project: str) -> tuple[PeriodRecord, ...]:
        """The monitoring periods of ``project``, in order of submission."""
        state = self._fresh()
        return tuple(state.periods[key] for key in state.periods_of.get(project, ()))

    def authorizations(self) -> tuple[Authorization, ...]:
        """The newest version of every authorization, in order of first appearance (§8.4)."""
        return tuple(self._fresh().authorizations.values())

    def authorization_history(self, authorization: str) -> tuple[Authorization, ...]:
        """Every version of one authorization, oldest first; empty for an unknown id (§8.4)."""
        return tuple(self._fresh().authorization_versions.get(authorization, ()))

    def issued(self) -> dict[tuple[str, str, int], int]:
        """Credits issued per (registry, project, vintage) [tCO2e]."""
        return dict(self._fresh().issued)

    def fees_paid(self, payer: str | None = None) -> int:
        """Fees charged to ``payer`` (or to everyone) so far [JPY]."""
        fees = self._fresh().fees
        if payer is None:
            return sum(fees.values())
        return fees.get(payer, 0)

    def certificate(self, account: str) -> Certificate:
        """A certificate of ``account``'s records as of the last entry (no fee; a query)."""
        found = self.account(account)
        state = self._state
        return Certificate.of(found, state.holdings[account].blocks(), state.last_at, state.seq)

    def problems(self) -> tuple[Problem, ...]:
        """The invariants of docs/rules.md §4.5 checked on this state (conservation, overlaps)."""
        return check_invariants(self._fresh())


# --------------------------------------------------------------------------- the engine


class Registry(RegistryView):
    """A JCM registry engine holding the registries of several Parties (docs/architecture.md).

    Parameters
    ----------
    store
        The journal's store; ``None`` for a new in-memory store. A store that already holds
        entries is replayed.
    operator
        The id of the operator principal of a new registry (``"operator"``); a store that
        recorded its operator keeps it.
    clock
        The time source (timezone-aware); the default is the system clock in UTC.
    fee_schedules
        The fee schedules, oldest first (docs/rules.md §5 [SEED] by default); they decide the
        fees of new requests only.
    rulesets
        The partners' rules (docs/rules.md §2.4): periods, first-transfer trigger, attribution;
        they decide new requests only.
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        operator: str = "operator",
        clock: Clock | None = None,
        fee_schedules: Sequence[FeeSchedule] = DEFAULT_FEE_SCHEDULES,
        rulesets: Rulesets = DEFAULT_RULESETS,
    ) -> None:
        if store is None:
            from jcm.registry.store import MemoryStore  # noqa: PLC0415 (sqlite3 stays unloaded)

            store = MemoryStore()
        stored = store.get_meta("operator")
        if stored is None:
            from jcm.core.ids import check_identifier  # noqa: PLC0415

            check_identifier("operator", operator)
            store.set_meta("operator", operator)
            stored = operator
        self._store = store
        self._clock: Clock = clock or _utc_now
        self._fees = tuple(fee_schedules)
        self._rulesets = rulesets
        self._damage: tuple[Problem, ...] = ()
        super().__init__(State(stored))
        self._load()

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        operator: str = "operator",
        clock: Clock | None = None,
        fee_schedules: Sequence[FeeSchedule] = DEFAULT_FEE_SCHEDULES,
        rulesets: Rulesets = DEFAULT_RULESETS,
    ) -> Registry:
        """A durable registry in the SQLite file ``path``, created if absent, replayed on open.

        A journal whose chain does not hold is replayed up to the entry before the first problem;
        the registry then refuses requests (``JOURNAL_DAMAGED``) and :meth:`verify` names every
        damaged entry.
        """
        from jcm.registry.store import open_store  # noqa: PLC0415

        return cls(
            open_store(path),
            operator=operator,
            clock=clock,
            fee_schedules=fee_schedules,
            rulesets=rulesets,
        )

    @property
    def store(self) -> Store:
        """The journal's store."""
        return self._store

    @property
    def damage(self) -> tuple[Problem, ...]:
        """Problems found when the journal was replayed on open (empty for a sound journal)."""
        return self._damage

    def close(self) -> None:
        """Close the store."""
        self._store.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ loading and replay

    def _load(self) -> None:
        state = State(self._state.operator)
        self._damage = replay_rows(self._store.rows(), state, stop_at_damage=True)
        self._state = state

    def entries(self, after: int = 0) -> Iterator[Entry]:
        """The journal's entries with ``seq > after``, in order, with their typed effects.

        Entries of format 1 are read into today's records (:mod:`jcm.registry.legacy`), which
        needs the fold of the entries before them; entries of format 2 are read as stored.
        """
        scratch: State | None = None
        for stored in self._store.entries():
            entry = stored
            if stored.version == 1:  # a format-1 prefix: fold it to read it
                if stored.defect is not None:
                    return
                if scratch is None:
                    scratch = State(self._state.operator)
                entry = apply_entry(scratch, stored)
            if entry.seq > after:
                yield entry

    # ------------------------------------------------------------------ submit

    def submit(self, request: Any, actor: str | None = None) -> Receipt:
        """Decide, journal and apply one request; return its receipt.

        Parameters
        ----------
        request
            A request object or its JSON mapping (with ``"type"``).
        actor
            The principal making it, unless the request names its ``actor``.

        Raises
        ------
        jcm.errors.JcmError
            The rejection (``.code`` per docs/api.md); nothing changed.
        """
        self._check_sound()
        try:
            prepared = self._prepare(request, actor, importing=False)
        except JcmError as exc:
            _log.debug("refused %s: %s %s", _type_of(request), exc.code, exc.message)
            raise
        if isinstance(prepared, Receipt):
            return prepared
        state = self._state
        state.begin()
        try:
            entry = self._apply_new(prepared)
            self._store.append((entry,))
        except BaseException:
            state.rollback()
            raise
        state.commit()
        _log.debug("accepted %s as entry %d", entry.type, entry.seq)
        return Receipt(entry.seq, entry.type, entry.fee, entry.effects)

    def submit_batch(
        self,
        requests: Iterable[Any],
        *,
        import_by: str | None = None,
    ) -> tuple[Receipt | Rejection, ...]:
        """Submit many requests; append the accepted ones in ONE store transaction.

        Each request is decided against the state left by the previous ones; a rejected one is
        skipped and reported as a :class:`Rejection`, and the others still go ahead.

        Parameters
        ----------
        requests
            Request objects or JSON mappings.
        import_by
            To import history: the operator's principal id. Requests may then carry ``"at"``
            (ISO 8601, UTC), which the entry records; times may not go backwards.

        Raises
        ------
        jcm.errors.NotAuthorizedError
            ``NOT_PERMITTED`` when ``import_by`` is not the operator.
        jcm.registry.store.StoreError
            When the store transaction fails; the registry then holds none of the batch.
        """
        self._check_sound()
        importing = import_by is not None
        if importing and import_by != self._state.operator:
            raise NotAuthorizedError(
                f"import mode is for the operator {self._state.operator!r}, not {import_by!r}",
                code="NOT_PERMITTED",
                field="import_by",
                value=import_by,
                rule="only the operator imports history (docs/api.md)",
            )
        results: list[Receipt | Rejection] = []
        entries: list[Entry] = []
        state = self._state
        state.begin()
        try:
            for request in requests:
                try:
                    prepared = self._prepare(request, None, importing=importing)
                except JcmError as exc:
                    results.append(Rejection(exc))
                    continue
                if isinstance(prepared, Receipt):
                    results.append(prepared)
                    continue
                entry = self._apply_new(prepared)
                entries.append(entry)
                results.append(Receipt(entry.seq, entry.type, entry.fee, entry.effects))
            if entries:
                self._store.append(entries)
        except BaseException:
            state.rollback()
            raise
        state.commit()
        return tuple(results)

    def _apply_new(self, entry: Entry) -> Entry:
        """Apply an entry just decided; an entry that does not apply is a defect, never appended."""
        try:
            return apply_entry(self._state, entry)
        except LedgerError as exc:
            raise RegistryError(
                f"{entry.type}: the decided effects do not apply to the state ({exc}); nothing "
                "was recorded (a defect of the engine: please report it)",
                code="NOT_APPLICABLE",
                field="effects",
                value=entry.seq,
            ) from exc

    def _check_sound(self) -> None:
        if self._damage:
            first = self._damage[0]
            raise RegistryError(
                f"the journal is damaged ({first.message}); run verify()",
                code="JOURNAL_DAMAGED",
                field="journal",
                value=first.subject,
            )

    def _now(self) -> dt.datetime:
        now = self._clock()
        if not isinstance(now, dt.datetime) or now.utcoffset() is None:
            raise InvalidValueError("clock", now, "the clock must return an aware datetime")
        last = self._state.last_at
        return last if last is not None and now < last else now

    def _prepare(self, raw: Any, actor: str | None, *, importing: bool) -> Entry | Receipt:
        request = parse_request(raw)
        who = request.actor
        if actor is not None:
            if who is not None and who != actor:
                raise InvalidValueError(
                    "actor", who, f"the request names another actor than {actor!r}"
                )
            who = actor
        if who is None:
            raise InvalidValueError("actor", None, "every request names its actor (docs/api.md)")
        if type(who) is not str:
            raise InvalidValueError("actor", who, "must be a principal id (a string)")
        state = self._state
        journal_form = request_json(request)
        key = request.idempotency_key
        prior = None
        if key is not None:
            prior = state.idempotency.get(key)
            if (
                prior is not None
                and prior[0] == who
                and canonical_json(prior[1]) == canonical_json(journal_form)
            ):
                return prior[2]
        if request.at is not None:
            if not importing:
                raise InvalidValueError(
                    "at", request.at.isoformat(), "is accepted only in import mode (--import)"
                )
            at = request.at.astimezone(dt.UTC)
            if state.last_at is not None and at < state.last_at:
                raise InvalidValueError(
                    "at",
                    at.isoformat(),
                    f"times may not go backwards (last entry at {state.last_at.isoformat()})",
                    code="TIME_REVERSED",
                )
        else:
            at = self._now()
        kind = KINDS[request.type]
        principal = require_principal(state.principals, who)
        require_role(principal, request.type, kind.roles)
        decision = kind.decide(Context(state, at, self._rulesets, self._fees), principal, request)
        if prior is not None:
            raise RegistryError(
                f"idempotency key {key!r} was used for a different request (entry "
                f"{prior[2].entry})",
                code="IDEMPOTENCY_CONFLICT",
                field="idempotency_key",
                value=key,
                rule="the same key must carry the same request (docs/api.md)",
            )
        return seal(
            seq=state.seq + 1,
            at=at,
            actor=who,
            kind=kind,
            request=journal_form,
            effects=decision.effects,
            prev_hash=state.last_hash,
            rules=decision.rules,
            fee=decision.fee,
            idempotency_key=key,
        )

    # ------------------------------------------------------------------ audits and views

    def verify(self, *, replay: bool = True) -> tuple[Problem, ...]:
        """Recompute the chain from the store and every invariant; return problems, never raise.

        By default (``replay=True``, the thorough audit) it checks the hash chain of the rows
        re-read from the store (:func:`~jcm.registry.journal.verify_rows`), reads every body and
        replays the recorded effects into a fresh state (reporting any entry that is unreadable,
        does not fit, or debits a terminal account), checks conservation and serial uniqueness on
        it (docs/rules.md §4.5), and compares it with the live state.

        ``replay=False`` is the fast audit: the chain over the raw rows, that the journal ends
        exactly at the live state's last entry (``TIP_MISMATCH`` otherwise), and the §4.5
        invariants on the live state. By the chain and the tip, the live state is the fold of
        exactly this journal, whose every entry was applied when it was made (or replayed on
        open); what the fast audit does not repeat is that replay itself, so it cannot see a live
        state changed behind the engine's back without breaking an invariant. A registry opened
        on a damaged journal is always audited in full.
        """
        state = self._state
        try:
            if not replay and not self._damage:
                problems = list(verify_rows(self._store.rows(), tip=(state.seq, state.last_hash)))
                problems.extend(check_invariants(state))
                return tuple(problems)
            rows = list(self._store.rows())
        except JcmError as exc:
            return (Problem(exc.code, f"the journal cannot be read: {exc}", field="journal"),)
        replayed = State(state.operator)
        problems = list(replay_rows(rows, replayed, stop_at_damage=False))
        problems.extend(check_invariants(replayed))
        if not self._damage:
            problems.extend(compare_states(state, replayed))
        return tuple(problems)

    def as_of(self, when: dt.datetime | dt.date) -> RegistryView:
        """A read-only view of the registry as it was at ``when`` (entries up to it, inclusive).

        A date means the end of that day (UTC).
        """
        if not isinstance(when, dt.datetime):
            if not isinstance(when, dt.date):
                raise InvalidValueError("when", when, "must be a date or an aware datetime")
            when = dt.datetime.combine(when, dt.time.max, dt.UTC)
        elif when.utcoffset() is None:
            raise InvalidValueError("when", when, "must be timezone-aware")

        state = State(self._state.operator)
        replay_rows(self._store.rows(), state, stop_at_damage=True, until=lambda _s, at: at > when)
        return RegistryView(state)

    def as_of_entry(self, seq: int) -> RegistryView:
        """A read-only view of the registry after its first ``seq`` entries."""
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise InvalidValueError("seq", seq, "must be an entry number >= 0")

        state = State(self._state.operator)
        replay_rows(
            self._store.rows(), state, stop_at_damage=True, until=lambda number, _at: number > seq
        )
        return RegistryView(state)

    def history(self, subject: str | int) -> tuple[HistoryRecord, ...]:
        """The entries that concern an account, or a serial.

        ``subject`` is an account id; a rendered block identifier (its first serial is meant);
        ``"REGISTRY:SERIAL"`` (``"JPN01:150"``); or a serial number (int or digits) when the
        engine holds a single registry.

        Raises
        ------
        InvalidValueError
            When ``subject`` is none of these.
        """
        if isinstance(subject, str) and subject in self._fresh().accounts:
            return history(self.entries(), account=subject)
        return history(self.entries(), serial=self._serial_of(subject))

    def _serial_of(self, subject: str | int) -> tuple[str, int]:
        registries = sorted(self._state.registries)
        rule = "must be an account id, a block identifier, REGISTRY:SERIAL, or a serial number"
        if isinstance(subject, int) and not isinstance(subject, bool):
            number = subject
        elif isinstance(subject, str) and subject.isdigit():
            number = int(subject)
        elif isinstance(subject, str) and ":" in subject:
            registry, _, digits = subject.partition(":")
            if not digits.isdigit() or registry not in self._state.registries:
                raise InvalidValueError("subject", subject, rule)
            return registry, int(digits)
        elif isinstance(subject, str):
            try:
                registry, _project, _vintage, serials = parse_identifier(subject)
            except InvalidValueError:
                raise InvalidValueError("subject", subject, rule) from None
            return registry, serials.start
        else:
            raise InvalidValueError("subject", subject, rule)
        if len(registries) != 1:
            raise InvalidValueError(
                "subject", subject, f"{rule}; name the registry ({', '.join(registries)})"
            )
        return registries[0], number


def _type_of(request: Any) -> str:
    if isinstance(request, Mapping):
        value = request.get("type")
        return value if isinstance(value, str) else "request"
    return str(getattr(request, "type", "request"))
