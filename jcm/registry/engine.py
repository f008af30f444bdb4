"""The registry engine: the only writer of a registry (ARCHITECTURE.md, "The one engine").

Design
------
Every request goes through four steps, and nothing is half-applied::

    check (raises JcmError) -> plan (pure: effects, fee) -> journal append -> apply (cannot fail)

* **check** asks, in the order of API.md's error precedence, whether the actor's role may make the
  request (``NOT_PERMITTED``), whether the actor administers the Party's registry
  (``NOT_REGISTRY_ADMIN``) or holds the debited account (``NOT_ACCOUNT_HOLDER``), whether the
  accounts exist (``NO_SUCH_ACCOUNT``), are not frozen (``FROZEN``) or terminal
  (``TERMINAL_ACCOUNT``), whether the named serials are held (``NOT_HELD``) or the quantity is
  (``INSUFFICIENT_CREDITS``), whether a retirement is of an eligible vintage
  (``VINTAGE_NOT_ELIGIBLE``) and authorized (``NOT_AUTHORIZED``), then the project-cycle rules
  (``ALLOCATION_NOT_100``, ``NO_SUCH_PROJECT``, ``CYCLE_TRANSITION``), and last whether an
  idempotency key is reused for a different request (``IDEMPOTENCY_CONFLICT``);
* **plan** resolves what the request does — the serials moved (by quantity, the highest serials
  the account holds; by ``serials``, exactly those), the serials issued, the fee — into the
  entry's ``effects``, without touching the state;
* the entry is **appended** to the journal (hash-chained, one store transaction);
* only then is it **applied** to the state by :func:`jcm.registry.state.apply`, the same function
  that replays the journal when a registry is opened, so the state is a fold of the journal.

A batch (:meth:`Registry.submit_batch`, used by ``jcm registry apply``) checks and plans each
request against the state left by the previous ones and applies it at once, then appends every
accepted entry in **one** store transaction; if that transaction fails, the state is rebuilt from
the journal, which then holds none of the batch.

Worked example (rules.md §11 scenario 7): account A holds serials 1-1000 and transfers 300 to D.
The check passes (A's holder asks, nothing frozen or terminal, 300 <= 1000); the plan takes the
highest serials, 701-1000, and charges 2,500 JPY (an entity-to-entity transfer, rules.md §5
[SEED]); the entry's effects are ``{"from": "A", "to": "D", "quantity": 300, "serials":
[["JPN01", 701, 1000]]}``; after the append, A holds 1-700 and D 701-1000.

Time comes from an injectable clock (``Registry(clock=...)``) and never goes backwards; an
import (``submit_batch(..., import_by=operator)``, the CLI's ``apply --import``) may instead give
each request its own ``at``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from jcm.core import cycle
from jcm.core.account import Account, AccountKind
from jcm.core.credit import CreditBlock, parse_identifier
from jcm.core.cycle import PeriodRecord, ProjectRecord
from jcm.core.nomenclature import DEFAULT_APPROACH
from jcm.core.party import JAPAN, Principal, Role
from jcm.core.ruleset import DEFAULT_RULESETS, Rulesets
from jcm.errors import (
    InsufficientCreditsError,
    InvalidValueError,
    JcmError,
    NotAuthorizedError,
    Problem,
    RegistryError,
    UnknownAccountError,
)
from jcm.registry import requests as rq
from jcm.registry.allocation import allocate, assign_serials
from jcm.registry.audit import (
    HistoryRecord,
    check_invariants,
    compare_states,
    history,
    terminal_debit,
)
from jcm.registry.authorization import Authorization
from jcm.registry.certificate import Certificate
from jcm.registry.cycle_steps import advance, cycle_effects, period_record, project_record
from jcm.registry.fees import DEFAULT_FEE_SCHEDULES, FeeSchedule, schedule_at
from jcm.registry.journal import (
    ChainChecker,
    Entry,
    _trusted_entry,
    entry_from_stored,
    make_entry,
    verify_rows,
)
from jcm.registry.permissions import (
    require_admin_of,
    require_holder,
    require_principal,
    require_role,
)
from jcm.registry.receipt import Receipt, Rejection
from jcm.registry.state import (
    CYCLE_TYPES,
    LedgerError,
    PartyRecord,
    Piece,
    State,
    apply,
)
from jcm.serialization import canonical_json

if TYPE_CHECKING:
    from jcm.registry.store import Store

__all__ = ["Clock", "Registry", "RegistryView"]

Clock = Callable[[], dt.datetime]
"""A function returning the current time (timezone-aware)."""

_REGISTRY_ID: Final = re.compile(r"^[A-Z]{3}[0-9]{2}$")
"""A registry id: the Party's code and two digits (``JPN01``; rules.md §9.5)."""
_FIRST_NDC_VINTAGE: Final = 2021
"""Credits of earlier vintages cannot be retired toward an NDC (rules.md §6.2 [SEED])."""
_TRANSFER_PURPOSES: Final = ("NDC", "OIMP", "IMP", "OP")
"""Purposes of an authorization that let credits be first transferred (rules.md §7.2)."""

_MOVES: Final = frozenset({"transfer", "retire", "cancel"})

Plan = tuple[dict[str, Any], int, ProjectRecord | PeriodRecord | None]
"""What planning a request gives: the entry's effects, its fee [JPY], a planned cycle record."""


def _is_terminal(kind: AccountKind) -> bool:
    """``kind.terminal`` by identity (an enum's hash is computed in Python; this is hot)."""
    return kind is AccountKind.RETIREMENT or kind is AccountKind.CANCELLATION


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _rejected(
    code: str, message: str, *, field: str | None = None, value: object = None
) -> RegistryError:
    return RegistryError(message, code=code, field=field, value=value)


def _party(state: State, party: str) -> PartyRecord:
    """The Party's record; ``NO_SUCH_PARTY`` when the operator has not added it."""
    found = state.parties.get(party)
    if found is None:
        raise _rejected("NO_SUCH_PARTY", f"Party {party} has no registry here", field="party")
    return found


# --------------------------------------------------------------------------- read-only view


class RegistryView:
    """Read-only queries over a registry's state (``Registry`` and ``Registry.as_of`` views)."""

    def __init__(self, state: State) -> None:
        self._state = state

    @property
    def state(self) -> State:
        """The underlying state (read it, never change it)."""
        return self._state

    @property
    def operator(self) -> str:
        """The principal id of the registry's operator."""
        return self._state.operator

    @property
    def last_entry(self) -> int:
        """Number of the last journal entry applied (0 for an empty registry)."""
        return self._state.seq

    def account(self, account: str) -> Account:
        """The account ``account``; ``UnknownAccountError`` (``NO_SUCH_ACCOUNT``) if none."""
        found = self._state.accounts.get(account)
        if found is None:
            raise UnknownAccountError(
                f"no account {account!r} in this registry", field="account", value=account
            )
        return found

    def accounts(self, party: str | None = None) -> tuple[Account, ...]:
        """Every account (of ``party``'s registry if given), in order of opening."""
        return tuple(a for a in self._state.accounts.values() if party is None or a.party == party)

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
        holdings = self._state.holdings
        return {
            a.id: holdings[a.id].total
            for a in self._state.accounts.values()
            if party is None or a.party == party
        }

    def parties(self) -> tuple[PartyRecord, ...]:
        """The Parties known to the engine and their registries."""
        return tuple(self._state.parties.values())

    def principal(self, principal: str) -> Principal | None:
        """The principal with that id, if any."""
        return self._state.principals.get(principal)

    def project(self, project: str) -> ProjectRecord:
        """The project's record; ``NO_SUCH_PROJECT`` if unknown."""
        found = self._state.projects.get(project)
        if found is None:
            raise _rejected("NO_SUCH_PROJECT", f"no project {project!r}", field="project")
        return found

    def periods(self, project: str) -> tuple[PeriodRecord, ...]:
        """The monitoring periods of ``project``, in order of submission."""
        state = self._state
        return tuple(state.periods[key] for key in state.periods_of.get(project, ()))

    def authorizations(self) -> tuple[Authorization, ...]:
        """The newest version of every authorization, in order of first appearance (§8.4)."""
        return tuple(self._state.authorizations.values())

    def authorization_history(self, authorization: str) -> tuple[Authorization, ...]:
        """Every version of one authorization, oldest first; empty for an unknown id (§8.4)."""
        return tuple(self._state.authorization_versions.get(authorization, ()))

    def issued(self) -> dict[tuple[str, str, int], int]:
        """Credits issued per (registry, project, vintage) [tCO2e]."""
        return dict(self._state.issued)

    def fees_paid(self, payer: str | None = None) -> int:
        """Fees charged to ``payer`` (or to everyone) so far [JPY]."""
        if payer is None:
            return sum(self._state.fees.values())
        return self._state.fees.get(payer, 0)

    def certificate(self, account: str) -> Certificate:
        """A certificate of ``account``'s records as of the last entry (no fee; a query)."""
        found = self.account(account)
        return Certificate.of(
            found, self._state.holdings[account].blocks(), self._state.last_at, self._state.seq
        )

    def problems(self) -> tuple[Problem, ...]:
        """The invariants of rules.md §4.5 checked on this state (conservation, overlaps)."""
        return check_invariants(self._state)


# --------------------------------------------------------------------------- the engine


class Registry(RegistryView):
    """A JCM registry engine holding the registries of several Parties (ARCHITECTURE.md).

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
        The fee schedules, oldest first (rules.md §5 [SEED] by default).
    rulesets
        The periods of each partner's JCM rules (rules.md §2.4): the PDD public input closes after
        the ruleset's ``pdd_public_input_days`` of the project's partner.
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
            if not isinstance(operator, str) or not operator:
                raise InvalidValueError("operator", operator, "must be a non-empty principal id")
            store.set_meta("operator", operator)
            stored = operator
        self._store = store
        self._clock: Clock = clock or _utc_now
        self._fees = tuple(fee_schedules)
        self._rulesets = rulesets
        self._schedules: dict[tuple[dt.date, str], FeeSchedule | None] = {}
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
        state, damage = _replay(
            self._store.entries(), self._state.operator, self._rulesets, stop_at_damage=True
        )
        self._state = state
        self._damage = damage

    # ------------------------------------------------------------------ submit

    def submit(self, request: rq.Request | Mapping[str, Any], actor: str | None = None) -> Receipt:
        """Check, plan, journal and apply one request; return its receipt.

        Parameters
        ----------
        request
            A request object or its JSON mapping (with ``"type"``).
        actor
            The principal making it, unless the request names its ``actor``.

        Raises
        ------
        jcm.errors.JcmError
            The rejection (``.code`` per API.md); nothing changed.
        """
        self._check_sound()
        prepared = self._prepare(request, actor, importing=False)
        if isinstance(prepared, Receipt):
            return prepared
        entry, record = prepared
        self._store.append((entry,))
        apply(self._state, entry, record)
        return Receipt(entry.seq, entry.request["type"], entry.fee, entry.effects)

    def submit_batch(
        self,
        requests: Iterable[rq.Request | Mapping[str, Any]],
        *,
        import_by: str | None = None,
    ) -> tuple[Receipt | Rejection, ...]:
        """Submit many requests; append the accepted ones in ONE store transaction.

        Each request is checked against the state left by the previous ones; a rejected one is
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
                rule="only the operator imports history (API.md)",
            )
        results: list[Receipt | Rejection] = []
        entries: list[Entry] = []
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
                entry, record = prepared
                apply(self._state, entry, record)
                entries.append(entry)
                results.append(Receipt(entry.seq, entry.request["type"], entry.fee, entry.effects))
            if entries:
                self._store.append(entries)
        except BaseException:
            if entries:
                self._load()  # the state is a fold of the journal, which holds none of the batch
            raise
        return tuple(results)

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

    def _prepare(
        self, raw: rq.Request | Mapping[str, Any], actor: str | None, *, importing: bool
    ) -> tuple[Entry, ProjectRecord | PeriodRecord | None] | Receipt:
        request = rq.parse_request(raw)
        who = request.actor
        if actor is not None:
            if who is not None and who != actor:
                raise InvalidValueError(
                    "actor", who, f"the request names another actor than {actor!r}"
                )
            who = actor
        if who is None:
            raise InvalidValueError("actor", None, "every request names its actor (API.md)")
        state = self._state
        journal_form = rq.request_json(request)
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
        principal = require_principal(state.principals, who)
        require_role(principal, request.type)
        effects, fee, record = _PLANNERS[request.type](self, principal, request, at)
        if prior is not None:
            raise RegistryError(
                f"idempotency key {key!r} was used for a different request (entry "
                f"{prior[2].entry})",
                code="IDEMPOTENCY_CONFLICT",
                field="idempotency_key",
                value=key,
                rule="the same key must carry the same request (API.md)",
            )
        # A move's journal form and effects are built by this module from checked values
        # (str keys, ints, strs): its entry is sealed without make_entry's field checks.
        seal = _trusted_entry if request.type in _MOVES else make_entry
        entry = seal(
            seq=state.seq + 1,
            at=at,
            actor=who,
            request=journal_form,
            effects=effects,
            fee=fee,
            idempotency_key=key,
            prev_hash=state.last_hash,
        )
        return entry, record

    # ------------------------------------------------------------------ fees

    def _schedule(self, at: dt.datetime, party: str) -> FeeSchedule | None:
        """The fee schedule of ``party``'s registry at ``at`` (rules.md §5: Japan's fees)."""
        day = at.date()
        key = (day, party)
        cache = self._schedules
        if key in cache:
            return cache[key]
        found = schedule_at(self._fees, day, party)
        if len(cache) >= 64:  # the schedules of a few recent days suffice
            cache.clear()
        cache[key] = found
        return found

    # ------------------------------------------------------------------ audits and views

    def verify(self, *, replay: bool = True) -> tuple[Problem, ...]:
        """Recompute the chain from the store and every invariant; return problems, never raise.

        By default (``replay=True``, the thorough audit) it checks the hash chain of the rows
        re-read from the store (:func:`~jcm.registry.journal.verify_rows`), parses every body and
        replays the entries into a fresh state (reporting any entry that is unreadable, does not
        fit, or debits a terminal account), checks conservation and serial uniqueness on it
        (rules.md §4.5), and compares it with the live state.

        ``replay=False`` is the fast audit (several times faster; ``benchmarks/registry.py``
        prints both rates): the chain over the raw rows, that the journal ends exactly at the
        live state's last entry (``TIP_MISMATCH`` otherwise), and the §4.5 invariants
        (conservation, no overlapping serials) on the live state. By the chain and the tip, the
        live state is the fold of exactly this journal, whose every entry was checked when it was
        made (or replayed on open, which parses each body and refuses a terminal debit); what
        the fast audit does not repeat is that replay itself, so it cannot see a live state
        changed behind the engine's back without breaking an invariant, nor an engine defect
        that the replay would expose. A registry opened on a damaged journal is always audited
        in full.
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
        problems = list(verify_rows(rows))
        replayed, damage = _replay(
            (entry_from_stored(*row) for row in rows),
            state.operator,
            self._rulesets,
            stop_at_damage=False,
        )
        problems.extend(p for p in damage if p not in problems)
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

        def upto() -> Iterator[Entry]:
            for entry in self._store.entries():
                if entry.at > when:
                    return
                yield entry

        state, _ = _replay(upto(), self._state.operator, self._rulesets, stop_at_damage=True)
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
        if isinstance(subject, str) and subject in self._state.accounts:
            return history(self._store.entries(), account=subject)
        return history(self._store.entries(), serial=self._serial_of(subject))

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

    # ------------------------------------------------------------------ planners

    def _plan_add_party(self, p: Principal, r: rq.AddPartyRequest, at: dt.datetime) -> Plan:
        state = self._state
        if not _REGISTRY_ID.match(r.registry_id) or not r.registry_id.startswith(r.party):
            raise InvalidValueError(
                "registry_id", r.registry_id, "must be a Party code and 2 digits, e.g. 'JPN01'"
            )
        if r.party in state.parties:
            raise _rejected("PARTY_EXISTS", f"Party {r.party} is already known", field="party")
        if r.registry_id in state.registries:
            raise _rejected(
                "REGISTRY_EXISTS", f"registry {r.registry_id} exists", field="registry_id"
            )
        if r.administrator in state.principals:
            raise _rejected(
                "PRINCIPAL_EXISTS",
                f"principal {r.administrator!r} exists",
                field="administrator",
            )
        return {"party": r.party, "registry": r.registry_id}, 0, None

    def _plan_add_principal(self, p: Principal, r: rq.AddPrincipalRequest, at: dt.datetime) -> Plan:
        if p.role is Role.REGISTRY_ADMINISTRATOR:
            require_admin_of(p, r.party, r.type)
        if r.role is Role.OPERATOR:
            raise InvalidValueError("role", r.role.value, "a registry has one operator")
        if r.principal in self._state.principals:
            raise _rejected(
                "PRINCIPAL_EXISTS", f"principal {r.principal!r} exists", field="principal"
            )
        return {"principal": r.principal, "role": r.role.value}, 0, None

    def _plan_open_account(self, p: Principal, r: rq.OpenAccountRequest, at: dt.datetime) -> Plan:
        require_admin_of(p, r.party, r.type)
        state = self._state
        if r.account in state.accounts:
            raise _rejected("ACCOUNT_EXISTS", f"account {r.account!r} exists", field="account")
        if r.holder not in state.principals:
            raise _rejected(
                "NO_SUCH_PRINCIPAL",
                f"holder {r.holder!r} is not a principal of this registry",
                field="holder",
            )
        schedule = self._schedule(at, r.party)
        fee = schedule.open_account_fee(r.kind) if schedule else 0
        effects: dict[str, Any] = {
            "account": r.account,
            "registry": _party(state, r.party).registry_id,
        }
        if fee:
            effects["fee_payer"] = r.holder
        return effects, fee, None

    # project cycle -----------------------------------------------------------------------

    def _plan_cycle(self, p: Principal, r: Any, at: dt.datetime) -> Plan:
        record = advance(self._state, p, r, self._rulesets)
        return cycle_effects(record), 0, record

    # issuance and authorization ----------------------------------------------------------------

    def _plan_issue(self, p: Principal, r: rq.IssueRequest, at: dt.datetime) -> Plan:
        require_admin_of(p, r.party, r.type)
        state = self._state
        rec = project_record(self._state, r.project)
        prec = period_record(self._state, r.project, r.period.start, r.period.end)
        cycle.record_issuance(
            prec, p.role, r.party, cycle.issuing_parties(prec.allocation)
        )  # the cycle's rules: decided, not issued twice, an issuing Party
        party = _party(state, r.party)
        lines = prec.allocation
        shares = [line.share for line in lines]
        mine = [i for i, line in enumerate(lines) if line.party == r.party]
        for i in mine:
            account = state.accounts.get(lines[i].account)
            if account is None:
                raise UnknownAccountError(
                    f"issue: allocation account {lines[i].account!r} does not exist",
                    field="allocation.account",
                    value=lines[i].account,
                )
            if account.registry != party.registry_id:
                raise _rejected(
                    "NO_SUCH_ACCOUNT",
                    f"issue: account {account.id!r} is not in {r.party}'s registry",
                    field="allocation.account",
                    value=account.id,
                )
            if account.kind.terminal:
                raise _rejected(
                    "TERMINAL_ACCOUNT",
                    f"issue: account {account.id!r} is a {account.kind.value} account",
                    field="allocation.account",
                    value=account.id,
                )
        blocks: list[list[Any]] = []
        next_serial = party.next_serial
        for vintage, quantity in prec.quantities_by_vintage:
            amounts = allocate(quantity, shares)
            accounts = [lines[i].account for i in mine if amounts[i] > 0]
            for account_id, (start, end) in zip(
                accounts, assign_serials(next_serial, [amounts[i] for i in mine]), strict=True
            ):
                blocks.append([account_id, vintage, start, end])
                next_serial = end + 1
        effects = {
            "party": r.party,
            "registry": party.registry_id,
            "host_party": rec.project.partner,
            "quantity": sum(b[3] - b[2] + 1 for b in blocks),
            "blocks": blocks,
            "next_serial": next_serial,
        }
        schedule = self._schedule(at, r.party)
        return effects, schedule.issuance if schedule else 0, None

    def _plan_authorize(self, p: Principal, r: rq.AuthorizeRequest, at: dt.datetime) -> Plan:
        require_admin_of(p, r.party, r.type)
        rec = project_record(self._state, r.project)
        if r.party not in (JAPAN, rec.project.partner):
            raise InvalidValueError(
                "party",
                r.party,
                f"must be Japan or the project's partner {rec.project.partner}",
            )
        version = r.version or 1
        approach = r.cooperative_approach or DEFAULT_APPROACH
        if r.date is not None and r.date > at.date():
            raise InvalidValueError(
                "date", r.date.isoformat(), f"must not be after the day of the entry {at.date()}"
            )
        previous = self._state.authorizations.get(r.authorization)
        if previous is None:
            if version != 1:
                raise _rejected(
                    "AUTHORIZATION_VERSION",
                    f"authorization {r.authorization!r} does not exist; its first version is 1, "
                    f"not {version}",
                    field="version",
                    value=version,
                )
        elif previous.party != r.party or version <= previous.version:
            raise _rejected(
                "AUTHORIZATION_EXISTS",
                f"authorization {r.authorization!r} exists (version {previous.version} by "
                f"{previous.party}); a change is version {previous.version + 1} by "
                f"{previous.party}",
                field="authorization" if previous.party != r.party else "version",
                value=r.authorization if previous.party != r.party else version,
            )
        elif version != previous.version + 1:
            raise _rejected(
                "AUTHORIZATION_VERSION",
                f"authorization {r.authorization!r}: the next version is "
                f"{previous.version + 1}, not {version} (rules.md §8.4)",
                field="version",
                value=version,
            )
        elif approach != previous.cooperative_approach:
            raise _rejected(
                "AUTHORIZATION_VERSION",
                f"authorization {r.authorization!r}: a new version keeps the cooperative approach "
                f"{previous.cooperative_approach}",
                field="cooperative_approach",
                value=approach,
            )
        return {"authorization": r.authorization, "version": version}, 0, None

    # moves ---------------------------------------------------------------------------------------

    def _source(self, p: Principal, request_type: str, account_id: str) -> Account:
        account = self._state.accounts.get(account_id)
        if account is None:
            raise UnknownAccountError(
                f"{request_type}: no account {account_id!r}", field="from", value=account_id
            )
        require_holder(p, account, request_type)
        return account

    def _target(self, source: Account, r: Any) -> Account:
        state = self._state
        if r.type == "transfer":
            target = state.accounts.get(r.to)
            if target is None:
                raise UnknownAccountError(f"transfer: no account {r.to!r}", field="to", value=r.to)
            return target
        kind = AccountKind.RETIREMENT if r.type == "retire" else AccountKind.CANCELLATION
        found = state.terminal_accounts.get((source.party, kind))
        if found is None:
            raise UnknownAccountError(
                f"{r.type}: {source.party}'s registry has no {kind.value} account",
                field="from",
                value=source.id,
            )
        return state.accounts[found]

    def _pieces(self, source: Account, r: Any) -> list[Piece]:
        holdings = self._state.holdings[source.id]
        if r.serials is not None:
            start, end = r.serials
            found = holdings.select_range(source.registry, start, end)
            if found is None:
                for registry in holdings.registries():
                    if registry != source.registry:
                        found = holdings.select_range(registry, start, end)
                        if found is not None:
                            break
            if found is None:
                raise _rejected(
                    "NOT_HELD",
                    f"{r.type}: serials {start}-{end} are not all held by account {source.id!r}",
                    field="serials",
                    value=[start, end],
                )
            return found
        if r.quantity > holdings.total:
            raise InsufficientCreditsError(
                f"{r.type}: account {source.id!r} holds {holdings.total}, not {r.quantity}",
                field="quantity",
                value=r.quantity,
            )
        return holdings.select_highest(r.quantity)

    def _plan_move(self, p: Principal, r: Any, at: dt.datetime) -> Plan:
        source = self._source(p, r.type, r.source)
        target = self._target(source, r)
        if source.frozen:
            raise _rejected(
                "FROZEN",
                f"{r.type}: account {source.id!r} is frozen (a disposal restriction is recorded)",
                field="from",
                value=source.id,
            )
        if _is_terminal(source.kind):
            raise _rejected(
                "TERMINAL_ACCOUNT",
                f"{r.type}: account {source.id!r} is a {source.kind.value} account; its credits "
                "never leave it",
                field="from",
                value=source.id,
            )
        if r.type == "transfer" and _is_terminal(target.kind):
            raise _rejected(
                "TERMINAL_ACCOUNT",
                f"transfer: account {target.id!r} is a {target.kind.value} account; use "
                f"{'retire' if target.kind is AccountKind.RETIREMENT else 'cancel'}",
                field="to",
                value=target.id,
            )
        if target.id == source.id:
            raise InvalidValueError("to", target.id, "must differ from the debited account")
        pieces = self._pieces(source, r)
        quantity = 0
        serials = []
        for block, start, end in pieces:
            quantity += end - start + 1
            serials.append([block.registry, start, end])
        effects: dict[str, Any] = {
            "from": source.id,
            "to": target.id,
            "quantity": quantity,
            "serials": serials,
        }
        if r.type == "retire":
            self._check_retirement(source, pieces)
            effects["ndc_year"] = (
                r.ndc_year
                if r.ndc_year is not None
                else self._state.parties[source.party].ndc_period[1]
            )
            if r.beneficiary is not None:
                effects["beneficiary"] = r.beneficiary
        elif r.type == "cancel":
            effects["purpose"] = r.purpose
        if source.registry != target.registry:
            first = self._check_first_transfer(source, target, pieces, at.date())
            if first:
                effects["first_transfer"] = first
            effects["international"] = True
        schedule = self._schedule(at, source.party)
        fee = (
            schedule.transfer_fee(target.kind, [(b.vintage, b.issued_on) for b, _, _ in pieces])
            if schedule
            else 0
        )
        return effects, fee, None

    def _check_retirement(self, source: Account, pieces: list[Piece]) -> None:
        for block, start, end in pieces:
            if block.vintage < _FIRST_NDC_VINTAGE:
                raise _rejected(
                    "VINTAGE_NOT_ELIGIBLE",
                    f"retire: serials {start}-{end} are of vintage {block.vintage}; only "
                    f"vintages from {_FIRST_NDC_VINTAGE} count toward an NDC (rules.md §6.2)",
                    field="serials",
                    value=block.vintage,
                )
        state = self._state
        for block, start, end in pieces:
            for party in (block.host_party, source.party):
                if not state.is_authorized(party, block.project, block.vintage, "NDC"):
                    raise NotAuthorizedError(
                        f"retire: {party} has not authorized project {block.project} vintage "
                        f"{block.vintage} for NDC use (Art. 6.3; both the host and "
                        f"{source.party} must)",
                        code="NOT_AUTHORIZED",
                        field="serials",
                        value=[start, end],
                        rule="retirement needs Art. 6.3 approval by both Parties (BILL item 4)",
                    )

    def _check_first_transfer(
        self, source: Account, target: Account, pieces: list[Piece], on: dt.date
    ) -> list[list[Any]]:
        """Fail closed on a first international transfer its host's authorization does not allow.

        Credits leaving the registry of the Party in which they occurred for another Party's
        registry are first transferred (2/CMA.3 annex para 2(a) [M]); ITMOs can only be first
        transferred once authorized by that Party (rules.md §4.4 ``first_transfer_out``, §7.3):
        an authorization (its newest version) of the project and vintage (``NOT_AUTHORIZED``)
        that names the acquiring Party when it lists Parties (``PARTY_NOT_AUTHORIZED``), whose
        timeframe holds the day of the transfer (``OUTSIDE_AUTHORIZED_TIMEFRAME``), that states
        its OIMP when only an OIMP purpose allows the transfer (``MISSING_OIMP``, rules.md §8.2
        field 14) and whose cumulative first-transferred quantity stays within its authorized
        quantity (``AUTHORIZED_QUANTITY_EXCEEDED``; rules.md §7.8 C04). When several
        authorizations cover a block, the first that allows it is used; when none does, the
        first one's reason is reported. Credits that already left their host move on without a
        new authorization.

        Returns
        -------
        list
            ``[registry, first serial, last serial, authorization, version]`` per piece first
            transferred: the version it leaves under, which a later change does not alter
            (rules.md §8.4 [M: verify]).
        """
        state = self._state
        out: list[list[Any]] = []
        pending: dict[str, int] = {}
        for block, start, end in pieces:
            if block.host_party != source.party or target.party == source.party:
                continue
            ids = state.authorizations_of.get((block.host_party, block.project, block.vintage), ())
            candidates = [
                a
                for a in map(state.authorizations.__getitem__, ids)
                if not a.purposes.isdisjoint(_TRANSFER_PURPOSES)
            ]
            if not candidates:
                raise NotAuthorizedError(
                    f"transfer: {block.host_party} has not authorized project {block.project} "
                    f"vintage {block.vintage}; serials {start}-{end} cannot be first transferred "
                    f"to {target.party}'s registry",
                    code="NOT_AUTHORIZED",
                    field="serials",
                    value=[start, end],
                    rule="ITMOs are first transferred only once authorized (rules.md §4.4, §7.3)",
                )
            quantity = end - start + 1
            refusals = [
                _first_transfer_refusal(
                    a,
                    to_party=target.party,
                    on=on,
                    used=state.first_transferred.get(a.id, 0) + pending.get(a.id, 0),
                    quantity=quantity,
                    serials=(start, end),
                )
                for a in candidates
            ]
            chosen = next(
                (a for a, refusal in zip(candidates, refusals, strict=True) if refusal is None),
                None,
            )
            if chosen is None:
                first = refusals[0]
                assert first is not None  # only an authorization that allows it is chosen
                raise first
            pending[chosen.id] = pending.get(chosen.id, 0) + quantity
            out.append([block.registry, start, end, chosen.id, chosen.version])
        return out

    def _plan_freeze(self, p: Principal, r: Any, at: dt.datetime) -> Plan:
        account = self._state.accounts.get(r.account)
        if account is None:
            raise UnknownAccountError(
                f"{r.type}: no account {r.account!r}", field="account", value=r.account
            )
        require_admin_of(p, account.party, r.type)
        freeze = r.type == "freeze"
        if account.frozen == freeze:
            raise _rejected(
                "ALREADY_FROZEN" if freeze else "NOT_FROZEN",
                f"{r.type}: account {account.id!r} is {'already' if freeze else 'not'} frozen",
                field="account",
                value=account.id,
            )
        return {"account": account.id, "frozen": freeze}, 0, None

    def _plan_certificate(
        self, p: Principal, r: rq.RequestCertificateRequest, at: dt.datetime
    ) -> Plan:
        account = self._state.accounts.get(r.account)
        if account is None:
            raise UnknownAccountError(
                f"request_certificate: no account {r.account!r}", field="account", value=r.account
            )
        require_holder(p, account, r.type)
        schedule = self._schedule(at, account.party)
        fee = schedule.certificate_fee() if schedule else 0
        certificate = Certificate.of(
            account, self._state.holdings[account.id].blocks(), at, self._state.seq + 1
        )
        return {"account": account.id, "certificate": certificate.to_json()}, fee, None


_PLANNERS: Final[Mapping[str, Callable[[Registry, Principal, Any, dt.datetime], Plan]]] = {
    "add_party": Registry._plan_add_party,
    "add_principal": Registry._plan_add_principal,
    "open_account": Registry._plan_open_account,
    **dict.fromkeys(CYCLE_TYPES, Registry._plan_cycle),
    "issue": Registry._plan_issue,
    "authorize": Registry._plan_authorize,
    "transfer": Registry._plan_move,
    "retire": Registry._plan_move,
    "cancel": Registry._plan_move,
    "freeze": Registry._plan_freeze,
    "unfreeze": Registry._plan_freeze,
    "request_certificate": Registry._plan_certificate,
}


# --------------------------------------------------------------------------- first transfer


def _first_transfer_refusal(
    auth: Authorization,
    *,
    to_party: str,
    on: dt.date,
    used: int,
    quantity: int,
    serials: tuple[int, int],
) -> RegistryError | None:
    """Why ``auth`` does not allow first transferring ``quantity`` to ``to_party`` on ``on``.

    The guards of rules.md §4.4 ``first_transfer_out`` and §7.3 [M] in API.md's order; ``None``
    when it allows it. ``used`` is what was first transferred under the id so far.
    """
    where = f"authorization {auth.id!r} (version {auth.version}) of {auth.party}"
    value = [serials[0], serials[1]]
    if auth.authorized_parties and to_party not in auth.authorized_parties:
        return _rejected(
            "PARTY_NOT_AUTHORIZED",
            f"transfer: {where} authorizes first transfers to "
            f"{', '.join(sorted(auth.authorized_parties))}, not {to_party}",
            field="to",
            value=to_party,
        )
    frame = auth.timeframe
    if frame is not None and not frame.start <= on <= frame.end:
        return _rejected(
            "OUTSIDE_AUTHORIZED_TIMEFRAME",
            f"transfer: {on} is outside the timeframe {frame.start} to {frame.end} of {where}",
            field="serials",
            value=value,
        )
    if not auth.covers_ndc and auth.oimp is None:
        return _rejected(
            "MISSING_OIMP",
            f"transfer: {where} covers only OIMP and does not state it (field oimp); its "
            "credits are not first transferred (fail closed, rules.md §8.2 field 14)",
            field="oimp",
            value=auth.id,
        )
    cap = auth.authorized_quantity
    if cap is not None and used + quantity > cap:
        return _rejected(
            "AUTHORIZED_QUANTITY_EXCEEDED",
            f"transfer: {where} authorizes {cap} tCO2e; {used} were first transferred under it, "
            f"so {quantity} more would exceed it",
            field="quantity",
            value=quantity,
        )
    return None


# --------------------------------------------------------------------------- replay


def _replayed_record(
    state: State, entry: Entry, rulesets: Rulesets
) -> ProjectRecord | PeriodRecord:
    """The cycle record of a project-cycle entry, planned again against the replayed state."""
    request = rq.decode_journal_form(entry.request)
    principal = state.principals.get(entry.actor)
    if principal is None:
        raise LedgerError(f"entry {entry.seq}: unknown actor {entry.actor!r}")
    return advance(state, principal, request, rulesets)


def _replay(
    entries: Iterable[Entry], operator: str, rulesets: Rulesets, *, stop_at_damage: bool
) -> tuple[State, tuple[Problem, ...]]:
    """Fold ``entries`` into a fresh state; return it and the problems met.

    With ``stop_at_damage`` the fold stops at the first entry whose chain link is broken or that
    does not fit the state (opening a registry); otherwise chain problems are left to
    ``verify_rows`` (see :meth:`Registry.verify`), and unreadable entries (their defect) and
    entries that do not fit are reported and skipped.
    """
    state = State(operator)
    check = ChainChecker().check
    problems: list[Problem] = []
    for entry in entries:
        if stop_at_damage:
            found = check(entry)
            if found:
                problems.extend(found)
                break
        elif entry.defect is not None:
            problems.append(entry.defect)  # an unreadable body is never applied
            continue
        kind = entry.request.get("type")
        if kind in _MOVES:
            debit = terminal_debit(state, entry)
            if debit is not None:
                problems.append(debit)
                if stop_at_damage:
                    break
        try:
            record = _replayed_record(state, entry, rulesets) if kind in CYCLE_TYPES else None
            apply(state, entry, record)
        except Exception as exc:  # an audit of untrusted data reports, never raises
            problems.append(
                Problem(
                    "REPLAY_FAILED",
                    f"entry {entry.seq}: does not fit the state: {exc}",
                    subject=f"entry {entry.seq}",
                )
            )
            if stop_at_damage:
                break
    return state, tuple(problems)
