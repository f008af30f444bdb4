"""The registry's append-only, hash-chained journal: entries, canonical bodies, the chain check.

Design
------
The journal is the truth of a registry (docs/architecture.md, rule 3): the state is a fold of it,
and a store keeps nothing else. Each accepted request becomes one :class:`Entry` that records *who*
(``actor``), *when* (``at``, UTC), *what was asked* (``request``, the request's journal form incl.
its ``"type"``), *what the engine decided* (``effects``: the typed record of the request's kind,
:mod:`jcm.registry.kind`), *under which rules* (``rules``: the ruleset, periods, fee schedule and
first-transfer trigger applied), the ``fee`` in yen, the optional ``idempotency_key`` and the
request's ``signature``.

**Format version 2** (this one). An entry's ``body`` is the canonical JSON (keys sorted, no spaces,
UTF-8, no NaN; the rule of :func:`jcm.serialization.canonical_json`) of all its fields except
``hash``, with ``"v": 2``::

    {"actor":...,"at":"2026-01-05T09:00:00.000000Z","effects":{...},"fee":0,
     "idempotency_key":null,"prev_hash":"000...000","request":{...},"rules":{},"seq":1,
     "signature":null,"type":"add_party","v":2}

Format version 1 (journals written before recorded decisions) has no ``rules``, ``signature``,
``type`` and ``v``, and its effects are not the records of today's kinds; such an entry is read
with ``version == 1`` and its raw effects, and :mod:`jcm.registry.legacy` turns it into today's
records when it is folded. Nothing writes version 1 any more.

The body is stored as written and never re-encoded: the hash is always recomputed from the *raw
stored text*, so a change of a single byte anywhere in it is seen, and a reader never needs to
reproduce the encoder to check it. Bodies are parsed with ``orjson`` (several times faster than
the standard library's decoder; the text is the same JSON).

**Chain.** ``hash = sha256((prev_hash + body).encode("utf-8")).hexdigest()``; the first entry's
``prev_hash`` is :data:`GENESIS_HASH` (64 zeros) and every later one is its predecessor's ``hash``.
``seq`` numbers entries 1, 2, 3, ... without gaps, and ``at`` never goes backwards.

**Verification** (:func:`verify_chain`; :func:`verify_rows` on raw rows; incrementally
:class:`ChainChecker`) walks the entries in order and reports, as :class:`jcm.errors.Problem`
values whose ``subject`` is ``"entry N"``:

* ``BODY_UNREADABLE``: the stored body is not a JSON object with the entry's fields and types;
* ``ROW_MISMATCH``: the body's ``seq`` or ``prev_hash`` disagrees with the row that holds it
  (a body moved to another row);
* ``HASH_MISMATCH``: the recomputed hash differs from the stored one;
* ``CHAIN_BROKEN``: ``prev_hash`` is not the previous entry's stored ``hash``;
* ``SEQUENCE_GAP``: ``seq`` is not the previous one plus one (a deleted, repeated or moved row);
* ``TIME_REVERSED``: ``at`` is earlier than the previous readable entry's;
* ``TIP_MISMATCH`` (:func:`verify_rows` with ``tip``): the journal does not end where the
  caller's state does.

Worked example. A two-entry journal, then one byte of the first body changed::

    >>> import datetime as dt
    >>> from jcm.registry.kinds import KINDS
    >>> from jcm.registry.setup import AddPartyEffects
    >>> from jcm.core.ndc import NdcPeriod
    >>> t = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    >>> effects = AddPartyEffects("JPN", "JPN01", "jcma", (NdcPeriod(2021, 2030),))
    >>> request = {"type": "add_party", "party": "JPN", "registry_id": "JPN01",
    ...            "administrator": "jcma"}
    >>> e1 = seal(seq=1, at=t, actor="operator", kind=KINDS["add_party"], request=request,
    ...           effects=effects, prev_hash=GENESIS_HASH)
    >>> e1.body[:60]
    '{"actor":"operator","at":"2026-01-05T09:00:00.000000Z","effe'
    >>> verify_chain([e1])
    ()
    >>> bad = entry_from_stored(1, e1.body.replace("JPN01", "JPN02"), e1.prev_hash, e1.hash)
    >>> [(p.code, p.subject) for p in verify_chain([bad])]
    [('HASH_MISMATCH', 'entry 1')]

Changing the stored ``hash`` of entry 1 instead is reported twice: ``HASH_MISMATCH`` at entry 1 and
``CHAIN_BROKEN`` at entry 2, whose ``prev_hash`` no longer points at it. Deleting entry 1 makes
entry 2 the first: ``SEQUENCE_GAP`` and ``CHAIN_BROKEN`` at entry 2.

Limits. A chain check sees any change *inside* the journal, but not the removal of its last
entries (a shorter journal is a sound journal) nor a rewrite that re-hashes every later entry; the
state folded from the journal (``verify_rows(rows, tip=...)``), a copy of the last hash kept
elsewhere, or a signed checkpoint catches those. The time of an entry whose hash does not match
is not trusted, so it is not compared with the next entry's.

Reading never trusts the medium: :func:`entry_from_stored` turns any row into an :class:`Entry`,
and an unreadable one carries its :attr:`Entry.defect` for the checker to report, so an audit of a
damaged file returns problems instead of raising.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final

import attrs
import orjson

from jcm.core.authorization import FirstTransferTrigger
from jcm.core.fees import FeeScheduleRef
from jcm.core.ndc import Attribution
from jcm.core.ruleset import RulesetRef
from jcm.errors import InvalidValueError, JcmError, Problem
from jcm.registry.kind import NO_RULES, Kind, Rules
from jcm.registry.kinds import KINDS
from jcm.registry.state import GENESIS_HASH
from jcm.serialization import converter

__all__ = [
    "FORMAT_VERSION",
    "GENESIS_HASH",
    "ChainChecker",
    "ChainError",
    "Entry",
    "checked",
    "decode_effects",
    "effects_json",
    "entry_from_stored",
    "entry_hash",
    "rules_json",
    "seal",
    "verify_chain",
    "verify_rows",
]

FORMAT_VERSION: Final = 2
"""The entry format written today (see the module docstring)."""

_V2_KEYS: Final = frozenset(
    {
        "actor",
        "at",
        "effects",
        "fee",
        "idempotency_key",
        "prev_hash",
        "request",
        "rules",
        "seq",
        "signature",
        "type",
        "v",
    }
)
_V1_KEYS: Final = frozenset(
    {"actor", "at", "effects", "fee", "idempotency_key", "prev_hash", "request", "seq"}
)
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_HEX64: Final = re.compile(r"[0-9a-f]{64}")


# The rule of jcm.serialization.canonical_json (keys sorted, compact, UTF-8, no NaN), with one
# encoder built once: JSONEncoder.encode builds a new C encoder at every call, which costs as
# much as the encoding of a small entry, so the hot path calls a C encoder made here directly.
def _not_json(value: object) -> Any:
    raise TypeError(f"a {type(value).__name__} is not a JSON value")


def _make_canonical() -> Callable[[Any], str]:
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has the C encoder
        encoder = json.JSONEncoder(
            sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        return encoder.encode
    # (markers, default, encoder, indent, key_separator, item_separator, sort_keys, skipkeys,
    #  allow_nan); markers=None: no cycle check (a cycle ends in RecursionError instead).
    encode = make(
        None, _not_json, json.encoder.encode_basestring, None, ":", ",", True, False, False
    )

    def canonical(value: Any) -> str:
        return "".join(encode(value, 0))

    return canonical


_canonical: Final = _make_canonical()
_string: Final[Callable[[str], str]] = json.encoder.encode_basestring


def entry_hash(prev_hash: str, body: str) -> str:
    """The chain hash of an entry: ``sha256((prev_hash + body).encode("utf-8")).hexdigest()``.

    Parameters
    ----------
    prev_hash
        The previous entry's hash (:data:`GENESIS_HASH` for the first entry).
    body
        The entry's canonical JSON body, exactly as stored.

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    return hashlib.sha256((prev_hash + body).encode("utf-8", "surrogatepass")).hexdigest()


def _format_at(at: dt.datetime) -> str:
    return at.isoformat(timespec="microseconds").replace("+00:00", "Z")


@attrs.frozen
class Entry:
    """One journal entry: an accepted request, what the engine decided, and its chain links.

    Build new entries with :func:`seal` and read stored ones with :func:`entry_from_stored`;
    both fill ``body`` and ``hash`` consistently (see the module docstring).

    Parameters
    ----------
    seq
        Position in the journal, 1-based and contiguous.
    at
        When the entry was made (timezone-aware, UTC).
    actor
        The principal who made the request.
    type
        The request's type (``"transfer"``).
    request
        The request's journal form (JSON, including its ``"type"``).
    effects
        What the engine decided: the effects record of the request's kind (for a format-1
        entry, its raw JSON; :mod:`jcm.registry.legacy` reads it).
    rules
        The rules the entry was decided under.
    fee
        The fee charged [JPY].
    idempotency_key
        The request's idempotency key, if any.
    signature
        The request's signature (hex), if it carried one.
    prev_hash
        The previous entry's ``hash`` (:data:`GENESIS_HASH` for entry 1).
    hash
        ``sha256((prev_hash + body).encode()).hexdigest()`` as stored.
    body
        Canonical JSON of every field but ``hash``, exactly as stored.
    version
        The entry format (:data:`FORMAT_VERSION` for entries written today).
    defect
        For an entry read from a store: why its body is unreadable (``BODY_UNREADABLE``) or
        disagrees with its row (``ROW_MISMATCH``); ``None`` for a sound entry. The other fields of
        an unreadable entry are placeholders (empty request and effects, ``at`` at the epoch).
    """

    seq: int
    at: dt.datetime
    actor: str
    type: str
    request: dict[str, Any]
    effects: Any
    rules: Rules
    fee: int
    idempotency_key: str | None
    signature: str | None
    prev_hash: str
    hash: str
    body: str
    version: int = FORMAT_VERSION
    defect: Problem | None = None

    def row(self) -> tuple[int, str, str, str]:
        """The stored form ``(seq, body, prev_hash, hash)``, as a store keeps it."""
        return (self.seq, self.body, self.prev_hash, self.hash)

    def effects_json(self) -> dict[str, Any]:
        """The effects as JSON (the keys of a receipt, and of ``tail --json``)."""
        if self.version != FORMAT_VERSION:
            return dict(self.effects) if isinstance(self.effects, dict) else {}
        kind = KINDS[self.type]
        return effects_json(kind, self.effects)


def effects_json(kind: Kind[Any], effects: Any) -> dict[str, Any]:
    """The JSON of ``effects`` of ``kind`` (its hand-written encoder, or the converter's)."""
    encode = kind.encode
    if encode is not None:
        return encode(effects)
    data: dict[str, Any] = converter().unstructure(effects, unstructure_as=kind.effects)
    return data


def rules_json(rules: Rules) -> dict[str, Any]:
    """The JSON of a rules record; fields left unset are omitted (``{}`` for none)."""
    if rules is NO_RULES:
        return {}
    data: dict[str, Any] = {}
    if rules.ruleset is not None:
        data["ruleset"] = {"partner": rules.ruleset.partner, "version": rules.ruleset.version}
    if rules.periods:
        data["periods"] = dict(rules.periods)
    if rules.fee_schedule is not None:
        data["fee_schedule"] = {
            "party": rules.fee_schedule.party,
            "valid_from": rules.fee_schedule.valid_from.isoformat(),
        }
    if rules.first_transfer_trigger is not None:
        data["first_transfer_trigger"] = rules.first_transfer_trigger.value
    if rules.attribution is not None:
        data["attribution"] = rules.attribution.value
    return data


_RULES_CACHE: dict[str, Rules] = {}


def _rules(data: Mapping[str, Any]) -> Rules:
    if not data:
        return NO_RULES
    key = _canonical(data)
    found = _RULES_CACHE.get(key)
    if found is not None:
        return found
    ruleset = data.get("ruleset")
    fees = data.get("fee_schedule")
    trigger = data.get("first_transfer_trigger")
    attribution = data.get("attribution")
    periods = data.get("periods") or {}
    unknown = set(data) - {
        "ruleset",
        "periods",
        "fee_schedule",
        "first_transfer_trigger",
        "attribution",
    }
    if unknown:
        raise ValueError(f"unknown rules {sorted(unknown)}")
    found = Rules(
        None if ruleset is None else RulesetRef(ruleset["partner"], ruleset["version"]),
        tuple((str(k), int(v)) for k, v in periods.items()),
        None
        if fees is None
        else FeeScheduleRef(fees["party"], dt.date.fromisoformat(fees["valid_from"])),
        None if trigger is None else FirstTransferTrigger(trigger),
        None if attribution is None else Attribution(attribution),
    )
    if len(_RULES_CACHE) < 256:
        _RULES_CACHE[key] = found
    return found


def _invalid(field: str, value: object, rule: str) -> InvalidValueError:
    return InvalidValueError(field, value, rule, code="INVALID_ENTRY")


_last_at: list[tuple[dt.datetime, str]] = [(_EPOCH, _format_at(_EPOCH))]
"""The last ``at`` the engine formatted and its text (a clock often repeats its time)."""


def seal(
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    kind: Kind[Any],
    request: dict[str, Any],
    effects: Any,
    prev_hash: str,
    rules: Rules = NO_RULES,
    fee: int = 0,
    idempotency_key: str | None = None,
    signature: str | None = None,
    effects_data: dict[str, Any] | None = None,
) -> Entry:
    """Build the next journal entry: its canonical body (format 2) and its chain hash.

    Parameters
    ----------
    seq
        Position in the journal (>= 1).
    at
        Timezone-aware time of the entry; converted to UTC, stored to the microsecond.
    actor
        The principal who made the request (non-empty).
    kind
        The request's kind; its ``type`` is the entry's.
    request
        The request's journal form (plain JSON with ``str`` keys).
    effects
        The effects record of ``kind``.
    prev_hash
        The previous entry's ``hash``, or :data:`GENESIS_HASH` for ``seq == 1``.
    rules, fee, idempotency_key, signature
        The rules applied, the fee [JPY], the request's key and signature.
    effects_data
        The JSON of ``effects`` when the caller has it already (:func:`effects_json`).

    Returns
    -------
    Entry
        The entry; ``entry_from_stored(*entry.row())`` gives an equal one back.

    Raises
    ------
    jcm.errors.InvalidValueError
        With code ``INVALID_ENTRY``, naming the field, when a field has the wrong type or range,
        or the request is not plain JSON (NaN, a date, a non-string key, too deep ...).
    """
    if type(seq) is not int or seq < 1:
        raise _invalid("seq", seq, "must be an integer >= 1")
    if not isinstance(at, dt.datetime) or at.utcoffset() is None:
        raise _invalid("at", at, "must be a timezone-aware datetime")
    if type(actor) is not str or not actor:
        raise _invalid("actor", actor, "must be a non-empty string")
    if type(request) is not dict or request.get("type") != kind.type:
        raise _invalid("request", request, f"must be the JSON object of a {kind.type} request")
    if not isinstance(effects, kind.effects):
        raise _invalid("effects", effects, f"must be a {kind.effects.__name__}")
    if type(fee) is not int or fee < 0:
        raise _invalid("fee", fee, "must be an integer >= 0 [JPY]")
    if idempotency_key is not None and type(idempotency_key) is not str:
        raise _invalid("idempotency_key", idempotency_key, "must be a string or null")
    if type(prev_hash) is not str or not _HEX64.fullmatch(prev_hash):
        raise _invalid("prev_hash", prev_hash, "must be 64 lowercase hex digits")
    if (seq == 1) != (prev_hash == GENESIS_HASH):
        raise _invalid("prev_hash", prev_hash, "is GENESIS_HASH exactly for entry 1")
    if at.tzinfo is not dt.UTC:
        at = at.astimezone(dt.UTC)
    cached = _last_at[0]
    if cached[0] == at:
        at_text = cached[1]
    else:
        at_text = _format_at(at)
        _last_at[0] = (at, at_text)
    data = effects_json(kind, effects) if effects_data is None else effects_data
    try:
        body = (
            f'{{"actor":{_string(actor)},"at":"{at_text}","effects":{_canonical(data)},'
            f'"fee":{fee},"idempotency_key":'
            f"{'null' if idempotency_key is None else _string(idempotency_key)},"
            f'"prev_hash":"{prev_hash}","request":{_canonical(request)},'
            f'"rules":{_canonical(rules_json(rules))},"seq":{seq},"signature":'
            f"{'null' if signature is None else _string(signature)},"
            f'"type":{_string(kind.type)},"v":{FORMAT_VERSION}}}'
        )
        digest = hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        raise _invalid("request", request, f"the request must be plain JSON: {exc}") from None
    except RecursionError:
        raise _invalid("request", request, "the request is nested too deeply") from None
    return Entry(
        seq,
        at,
        actor,
        kind.type,
        request,
        effects,
        rules,
        fee,
        idempotency_key,
        signature,
        prev_hash,
        digest,
        body,
    )


def _unreadable(row: tuple[int, str, str, str], field: str, why: str) -> Entry:
    seq, body, prev_hash, stored_hash = row
    problem = Problem(
        "BODY_UNREADABLE",
        f"entry {seq}: the stored body is unreadable: {why}",
        field=field,
        subject=f"entry {seq}",
    )
    return Entry(
        seq, _EPOCH, "", "", {}, {}, NO_RULES, 0, None, None, prev_hash, stored_hash, body,
        FORMAT_VERSION, problem,
    )  # fmt: skip


_read_at: list[tuple[str, dt.datetime]] = [(_format_at(_EPOCH), _EPOCH)]
"""The last ``at`` text :func:`entry_from_stored` read and its time."""


def _parse_at(text: object) -> dt.datetime | None:
    cached = _read_at[0]
    if cached[0] == text:
        return cached[1]  # consecutive entries often share their time
    try:
        parsed = dt.datetime.fromisoformat(text) if type(text) is str else None
    except ValueError:
        return None
    if parsed is None or parsed.utcoffset() is None:
        return None
    at = parsed if parsed.tzinfo is dt.UTC else parsed.astimezone(dt.UTC)
    _read_at[0] = (str(text), at)
    return at


def decode_effects(kind: Kind[Any], data: Mapping[str, Any]) -> Any:
    """The effects record of ``kind`` from its JSON (raises on JSON that is not one)."""
    decode = kind.decode
    if decode is not None:
        return decode(data)
    return converter().structure(data, kind.effects)


def entry_from_stored(seq: int, body: object, prev_hash: object, hash: object) -> Entry:
    """Read one stored row into an :class:`Entry`, trusting nothing.

    The body is parsed but not checked against ``hash`` (that is :func:`verify_chain`'s job). A
    body that is not a JSON object with the entry's fields and types (or whose effects are not a
    record of its type) gives an entry whose ``defect`` is a ``BODY_UNREADABLE`` problem; a body
    whose ``seq`` or ``prev_hash`` disagrees with the row gives a ``ROW_MISMATCH`` defect (the
    entry then carries the row's values). This function never raises for bad data.

    Parameters
    ----------
    seq
        The row's sequence number.
    body
        The stored body text (bytes are decoded as UTF-8).
    prev_hash, hash
        The row's stored chain links.
    """
    if type(prev_hash) is not str:
        prev_hash = repr(prev_hash)
    if type(hash) is not str:
        hash = repr(hash)
    if type(body) is not str:
        if isinstance(body, (bytes, bytearray, memoryview)):
            raw = bytes(body)
            try:
                body = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return _unreadable((seq, repr(raw), prev_hash, hash), "body", str(exc))
        else:
            return _unreadable((seq, repr(body), prev_hash, hash), "body", "not text")
    text = str(body)
    row = (seq, text, prev_hash, hash)
    if not text.startswith("{") or not text.endswith("}"):
        return _unreadable(row, "body", "not one JSON object (text around it)")
    try:
        data = orjson.loads(text)
    except (orjson.JSONDecodeError, RecursionError) as exc:
        return _unreadable(row, "body", f"not JSON ({exc})")
    if type(data) is not dict:
        return _unreadable(row, "body", "not a JSON object")
    keys = data.keys()
    version = FORMAT_VERSION if keys == _V2_KEYS else 1 if keys == _V1_KEYS else 0
    if version == 0:
        return _unreadable(row, "body", "not an object with the entry keys")
    actor = data["actor"]
    request = data["request"]
    raw_effects = data["effects"]
    fee = data["fee"]
    key = data["idempotency_key"]
    body_seq = data["seq"]
    body_prev = data["prev_hash"]
    if type(actor) is not str:
        return _unreadable(row, "actor", "actor is not a string")
    if type(request) is not dict or type(raw_effects) is not dict:
        return _unreadable(row, "request", "request/effects not objects")
    if type(fee) is not int or fee < 0:
        return _unreadable(row, "fee", "fee is not an integer >= 0")
    if key is not None and type(key) is not str:
        return _unreadable(row, "idempotency_key", "key is not a string")
    if type(body_seq) is not int:
        return _unreadable(row, "seq", "seq is not an integer")
    at = _parse_at(data["at"])
    if at is None:
        return _unreadable(row, "at", f"at {data['at']!r} is not a UTC time")
    if version == FORMAT_VERSION:
        kind_name = data["type"]
        kind = KINDS.get(kind_name) if type(kind_name) is str else None
        signature = data["signature"]
        if kind is None or data["v"] != FORMAT_VERSION or request.get("type") != kind_name:
            return _unreadable(row, "type", f"type {kind_name!r} is not a request type")
        if signature is not None and type(signature) is not str:
            return _unreadable(row, "signature", "signature is not a string")
        try:
            effects = decode_effects(kind, raw_effects)
            rules = _rules(data["rules"])
        except Exception as exc:
            return _unreadable(
                row, "effects", f"the effects are not a {kind_name} record ({type(exc).__name__})"
            )
    else:
        kind_name = request.get("type")
        if type(kind_name) is not str:
            return _unreadable(row, "type", "the request has no type")
        effects, rules, signature = raw_effects, NO_RULES, None
    defect = None
    if body_seq != seq or body_prev != prev_hash:
        field = "seq" if body_seq != seq else "prev_hash"
        defect = Problem(
            "ROW_MISMATCH",
            f"entry {seq}: its body says seq {body_seq} and prev_hash {str(body_prev)[:12]}..., "
            f"its row says seq {seq} and prev_hash {prev_hash[:12]}...",
            field=field,
            subject=f"entry {seq}",
        )
    return Entry(
        seq, at, actor, kind_name, request, effects, rules, fee, key, signature, prev_hash, hash,
        text, version, defect,
    )  # fmt: skip


class ChainError(JcmError):
    """A journal whose chain does not hold; ``code`` is the first problem's, ``problems`` all."""

    default_code = "CHAIN_BROKEN"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("ChainError needs at least one Problem")
        first = self.problems[0]
        super().__init__(
            f"the journal is damaged: {first.message}",
            code=first.code,
            field=first.field,
            value=first.subject,
            rule="journal entries are hash-chained, contiguous and in time order",
        )


class ChainChecker:
    """Checks journal entries one at a time, in order (the engine of :func:`verify_chain`).

    Feed every entry, from entry 1, to :meth:`check`; each call returns the problems of that entry
    (empty when it is sound). After a gap the checker expects the entry after the one it saw, so
    one deleted row is reported once, not at every later entry.
    """

    __slots__ = ("_expected_seq", "_last_at", "_prev_hash")

    def __init__(self) -> None:
        self._prev_hash = GENESIS_HASH
        self._expected_seq = 1
        self._last_at: dt.datetime | None = None

    @property
    def expected_seq(self) -> int:
        """The ``seq`` the next entry should have (the number of entries checked, plus one)."""
        return self._expected_seq

    @property
    def last_hash(self) -> str:
        """The stored hash of the last entry checked (:data:`GENESIS_HASH` before any)."""
        return self._prev_hash

    def check(self, entry: Entry) -> tuple[Problem, ...]:
        """Check ``entry`` against its own hash and its predecessor; return its problems."""
        prev_hash = entry.prev_hash
        if (
            entry.defect is None
            and entry.seq == self._expected_seq
            and prev_hash == self._prev_hash
        ):
            try:
                recomputed = hashlib.sha256((prev_hash + entry.body).encode("utf-8")).hexdigest()
            except UnicodeEncodeError:
                recomputed = ""
            last_at = self._last_at
            if recomputed == entry.hash and (last_at is None or entry.at >= last_at):
                self._prev_hash = recomputed
                self._expected_seq += 1
                self._last_at = entry.at
                return ()
        return self._problems(entry)

    def _problems(self, entry: Entry) -> tuple[Problem, ...]:
        seq = entry.seq
        body = entry.body
        prev_hash = entry.prev_hash
        problems: list[Problem] = []
        subject = f"entry {seq}"
        if entry.defect is not None:
            problems.append(entry.defect)
        if seq != self._expected_seq:
            problems.append(
                Problem(
                    "SEQUENCE_GAP",
                    f"entry {seq}: expected entry {self._expected_seq} here "
                    + ("(entries missing)" if seq > self._expected_seq else "(out of order)"),
                    field="seq",
                    subject=subject,
                )
            )
        if prev_hash != self._prev_hash:
            problems.append(
                Problem(
                    "CHAIN_BROKEN",
                    f"entry {seq}: prev_hash {prev_hash[:12]}... is not the previous entry's "
                    f"hash {self._prev_hash[:12]}...",
                    field="prev_hash",
                    subject=subject,
                )
            )
        try:
            recomputed = hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
        except UnicodeEncodeError:
            recomputed = entry_hash(prev_hash, body)
        if recomputed != entry.hash:
            problems.append(
                Problem(
                    "HASH_MISMATCH",
                    f"entry {seq}: stored hash {entry.hash[:12]}... but its prev_hash and body "
                    f"hash to {recomputed[:12]}... (the entry was changed)",
                    field="hash",
                    subject=subject,
                )
            )
        if entry.defect is None or entry.defect.code != "BODY_UNREADABLE":
            last_at = self._last_at
            if last_at is not None and entry.at < last_at:
                problems.append(
                    Problem(
                        "TIME_REVERSED",
                        f"entry {seq}: at {_format_at(entry.at)} is before the previous entry's "
                        f"{_format_at(last_at)}",
                        field="at",
                        subject=subject,
                    )
                )
            elif recomputed == entry.hash:
                self._last_at = entry.at  # a changed entry's time is not trusted later
        self._prev_hash = entry.hash
        self._expected_seq = seq + 1
        return tuple(problems)

    def check_row(
        self, seq: int, body: object, prev_hash: object, hash: object
    ) -> tuple[Problem, ...]:
        """Check one stored row ``(seq, body, prev_hash, hash)``, parsing only what the chain needs.

        The same checks as :meth:`check` for a sound row (its ``seq``, ``prev_hash`` and ``at``
        read from the parsed body, the hash recomputed from the raw text); a row with any problem
        is read in full with :func:`entry_from_stored`, so its problems are the same.
        """
        if type(body) is not str or type(prev_hash) is not str or type(hash) is not str:
            return self.check(entry_from_stored(seq, body, prev_hash, hash))
        if seq == self._expected_seq and prev_hash == self._prev_hash:
            try:
                data = orjson.loads(body)
                ok = (
                    type(data) is dict
                    and data.get("seq") == seq
                    and data.get("prev_hash") == prev_hash
                    and (data.keys() == _V2_KEYS or data.keys() == _V1_KEYS)
                )
            except (orjson.JSONDecodeError, RecursionError):
                ok = False
            at = _parse_at(data["at"]) if ok else None
            if at is not None:
                try:
                    recomputed = hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
                except UnicodeEncodeError:
                    recomputed = ""
                last_at = self._last_at
                if recomputed == hash and (last_at is None or at >= last_at):
                    self._prev_hash = hash
                    self._expected_seq = seq + 1
                    self._last_at = at
                    return ()
        return self.check(entry_from_stored(seq, body, prev_hash, hash))


def verify_chain(entries: Iterable[Entry]) -> tuple[Problem, ...]:
    """Check a whole journal, in order; return every problem found (never raises for bad data).

    Recomputes each hash from the raw stored body and ``prev_hash``, and checks the links, the
    contiguity of ``seq`` from 1, that each body agrees with its row, and that time never goes
    backwards. Each problem's ``subject`` is ``"entry N"``.

    Parameters
    ----------
    entries
        The journal's entries in stored order (e.g. ``store.entries()``).

    Returns
    -------
    tuple of jcm.errors.Problem
        Empty for a sound journal.
    """
    checker = ChainChecker()
    problems: list[Problem] = []
    check = checker.check
    for entry in entries:
        found = check(entry)
        if found:
            problems.extend(found)
    return tuple(problems)


def verify_rows(
    rows: Iterable[tuple[int, object, object, object]], *, tip: tuple[int, str] | None = None
) -> tuple[Problem, ...]:
    """Check a journal's chain from its raw stored rows; the fast form of :func:`verify_chain`.

    Checks what :func:`verify_chain` checks (hashes from the raw bodies, links, contiguous
    ``seq``, each body's ``seq`` and ``prev_hash`` against its row, time order), about three times
    faster, because a sound row is checked without parsing its JSON (see
    :meth:`ChainChecker.check_row`); any row with a problem, or not in canonical form, is parsed in
    full, so its problems are the same. The one difference: the types of the other fields of a
    body whose hash is right are not checked. Such a body was written by :func:`make_entry` (any
    later edit changes its hash) unless the chain was re-hashed from there on, which no chain check
    can see; replay (:func:`checked`) parses every body and reports it.

    With ``tip``, also checks that the journal ends at that entry: a state folded from entries
    ``1..seq`` whose last hash is ``hash`` is then, by the chain, the fold of exactly this
    journal, so a whole-journal audit need not replay it again (its invariants can be checked on
    the state itself).

    Parameters
    ----------
    rows
        ``(seq, body, prev_hash, hash)`` tuples in stored order (e.g. ``store.rows()``).
    tip
        ``(seq, hash)`` of the last entry the caller's state holds (``(0, GENESIS_HASH)`` for
        none); a journal ending elsewhere gives a ``TIP_MISMATCH`` problem.

    Returns
    -------
    tuple of jcm.errors.Problem
        Empty for a sound journal.
    """
    checker = ChainChecker()
    problems: list[Problem] = []
    check_row = checker.check_row
    last_seq = 0
    for seq, body, prev_hash, stored_hash in rows:
        found = check_row(seq, body, prev_hash, stored_hash)
        last_seq = seq
        if found:
            problems.extend(found)
    if tip is not None and (last_seq, checker.last_hash) != tip:
        problems.append(
            Problem(
                "TIP_MISMATCH",
                f"the journal ends at entry {last_seq} (hash {checker.last_hash[:12]}...), but "
                f"the registry's state is at entry {tip[0]} (hash {tip[1][:12]}...): the file "
                "was changed or appended to by another writer",
                field="journal",
                subject=f"entry {max(last_seq, tip[0])}",
            )
        )
    return tuple(problems)


def checked(entries: Iterable[Entry]) -> Iterator[Entry]:
    """Yield ``entries`` while checking the chain; raise :class:`ChainError` at the first problem.

    The single pass that opening a store uses: replay the yielded entries, and a damaged journal
    stops the replay at the first bad entry (nothing after it is yielded).

    Raises
    ------
    ChainError
        With the code and problems of the first bad entry.
    """
    checker = ChainChecker()
    check = checker.check
    for entry in entries:
        found = check(entry)
        if found:
            raise ChainError(found)
        yield entry
