"""The registry's append-only, hash-chained journal: entries, canonical bodies, the chain check.

Design
------
The journal is the truth of a registry (ARCHITECTURE.md, rule 3): the state is a fold of it, and a
store keeps nothing else. Each accepted request becomes one :class:`Entry` that records *who*
(``actor``), *when* (``at``, UTC), *what was asked* (``request``, the request's JSON incl. its
``"type"``), *what the engine resolved* (``effects``: the blocks moved, split, issued, ...), the
``fee`` in yen and the optional ``idempotency_key``.

**Body.** An entry's ``body`` is the canonical JSON (keys sorted, no spaces, UTF-8, no NaN; the rule
of :func:`jcm.serialization.canonical_json`) of all its fields except ``hash``::

    {"actor":...,"at":"2026-01-05T09:00:00.000000Z","effects":{...},"fee":0,
     "idempotency_key":null,"prev_hash":"000...000","request":{...},"seq":1}

The body is stored as written and never re-encoded: the hash is always recomputed from the *raw
stored text*, so a change of a single byte anywhere in it is seen, and a reader never needs to
reproduce the encoder to check it.

**Chain.** ``hash = sha256((prev_hash + body).encode("utf-8")).hexdigest()``; the first entry's
``prev_hash`` is :data:`GENESIS_HASH` (64 zeros) and every later one is its predecessor's ``hash``.
``seq`` numbers entries 1, 2, 3, ... without gaps, and ``at`` never goes backwards.

**Verification** (:func:`verify_chain`; :func:`verify_rows` on raw rows, faster; incrementally
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
    >>> t = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    >>> e1 = make_entry(seq=1, at=t, actor="operator", request={"type": "add_party"},
    ...                 effects={}, fee=0, idempotency_key=None, prev_hash=GENESIS_HASH)
    >>> e2 = make_entry(seq=2, at=t, actor="operator", request={"type": "add_principal"},
    ...                 effects={}, fee=0, idempotency_key=None, prev_hash=e1.hash)
    >>> verify_chain([e1, e2])
    ()
    >>> bad = entry_from_stored(1, e1.body.replace("add_party", "add_partx"), e1.prev_hash, e1.hash)
    >>> [(p.code, p.subject) for p in verify_chain([bad, e2])]
    [('HASH_MISMATCH', 'entry 1')]

Changing the stored ``hash`` of entry 1 instead is reported twice: ``HASH_MISMATCH`` at entry 1 and
``CHAIN_BROKEN`` at entry 2, whose ``prev_hash`` no longer points at it. Deleting entry 1 makes
entry 2 the first: ``SEQUENCE_GAP`` and ``CHAIN_BROKEN`` at entry 2.

Limits. A chain check sees any change *inside* the journal, but not the removal of its last
entries (a shorter journal is a sound journal) nor a rewrite that re-hashes every later entry; the
state folded from the journal (``verify_rows(rows, tip=...)``) or a copy of the last hash kept
elsewhere catches those. The time of an entry whose hash does not match is not trusted, so it is
not compared with the next entry's.

Reading never trusts the medium: :func:`entry_from_stored` turns any row into an :class:`Entry`,
and an unreadable one carries its :attr:`Entry.defect` for the checker to report, so an audit of a
damaged file returns problems instead of raising. Replay uses :func:`checked`, which raises
:class:`ChainError` at the first problem, in the same single pass.

An entry's ``request`` and ``effects`` are JSON-like values (dicts with ``str`` keys, lists, str,
int, float, bool, None). They are the very objects given to :func:`make_entry` (not copies, for
speed): callers must not change them afterwards. Tuples are written as lists and so come back as
lists when read from a store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

import attrs

from jcm.errors import InvalidValueError, JcmError, Problem

__all__ = [
    "GENESIS_HASH",
    "ChainChecker",
    "ChainError",
    "Entry",
    "checked",
    "entry_from_stored",
    "entry_hash",
    "make_entry",
    "verify_chain",
    "verify_rows",
]

GENESIS_HASH: Final = "0" * 64
"""The ``prev_hash`` of the first entry of every journal."""

_HEX64: Final = re.compile(r"[0-9a-f]{64}")
_BODY_KEYS: Final = frozenset(
    {"actor", "at", "effects", "fee", "idempotency_key", "prev_hash", "request", "seq"}
)
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# The rule of jcm.serialization.canonical_json (keys sorted, compact, UTF-8, no NaN), with one
# encoder built once: JSONEncoder.encode builds a new C encoder at every call, which costs as
# much as the encoding of a small entry, so the hot path calls a C encoder made here directly.
_ENCODER: Final = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def _not_json(value: object) -> Any:
    raise TypeError(f"a {type(value).__name__} is not a JSON value")


def _make_canonical() -> Callable[[Any], str]:
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has the C encoder
        return _ENCODER.encode
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
_scan: Final[Callable[[str, int], tuple[Any, int]]] = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]


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
    """One journal entry: an accepted request, what the engine resolved, and its chain links.

    Build new entries with :func:`make_entry` and read stored ones with :func:`entry_from_stored`;
    both fill ``body`` and ``hash`` consistently (see the module docstring).

    Parameters
    ----------
    seq
        Position in the journal, 1-based and contiguous.
    at
        When the entry was made (timezone-aware, UTC).
    actor
        The principal who made the request.
    request
        The request as unstructured JSON, including its ``"type"``.
    effects
        What the engine resolved (JSON-like); replay applies these.
    fee
        The fee charged [JPY].
    idempotency_key
        The request's idempotency key, if any.
    prev_hash
        The previous entry's ``hash`` (:data:`GENESIS_HASH` for entry 1).
    hash
        ``sha256((prev_hash + body).encode()).hexdigest()`` as stored.
    body
        Canonical JSON of every field but ``hash``, exactly as stored.
    defect
        For an entry read from a store: why its body is unreadable (``BODY_UNREADABLE``) or
        disagrees with its row (``ROW_MISMATCH``); ``None`` for a sound entry. The other fields of
        an unreadable entry are placeholders (empty request and effects, ``at`` at the epoch).
    """

    seq: int
    at: dt.datetime
    actor: str
    request: dict[str, Any]
    effects: dict[str, Any]
    fee: int
    idempotency_key: str | None
    prev_hash: str
    hash: str
    body: str
    defect: Problem | None = None

    @property
    def type(self) -> str | None:
        """The request's ``"type"`` (``"transfer"``, ``"issue"``, ...), if the request has one."""
        value = self.request.get("type")
        return value if isinstance(value, str) else None

    def row(self) -> tuple[int, str, str, str]:
        """The stored form ``(seq, body, prev_hash, hash)``, as a store keeps it."""
        return (self.seq, self.body, self.prev_hash, self.hash)


def _non_string_key(value: Any) -> object:
    """The first dict key that is not a ``str`` inside ``value``, or ``None``.

    ``json`` would silently write an ``int`` key as a string, and the entry read back would then
    differ from the one the engine applied; so such keys are refused up front.
    """
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return key if key is not None else "null"
            item_kind = type(item)
            if item_kind is dict or item_kind is list or item_kind is tuple:
                found = _non_string_key(item)
                if found is not None:
                    return found
    elif kind is list or kind is tuple:
        for item in value:
            item_kind = type(item)
            if item_kind is dict or item_kind is list or item_kind is tuple:
                found = _non_string_key(item)
                if found is not None:
                    return found
    return None


def _invalid(field: str, value: object, rule: str) -> InvalidValueError:
    return InvalidValueError(field, value, rule, code="INVALID_ENTRY")


def make_entry(
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    request: dict[str, Any],
    effects: dict[str, Any],
    fee: int,
    idempotency_key: str | None,
    prev_hash: str,
) -> Entry:
    """Build the next journal entry: its canonical body and its chain hash.

    Parameters
    ----------
    seq
        Position in the journal (>= 1).
    at
        Timezone-aware time of the entry; converted to UTC. Stored to the microsecond.
    actor
        The principal who made the request (non-empty).
    request
        The request as JSON-like data, incl. ``"type"``; keys must be strings.
    effects
        What the engine resolved, JSON-like; keys must be strings.
    fee
        Fee charged [JPY], an integer >= 0.
    idempotency_key
        The request's idempotency key, or ``None``.
    prev_hash
        The previous entry's ``hash``, or :data:`GENESIS_HASH` for ``seq == 1``.

    Returns
    -------
    Entry
        The entry; ``entry_from_stored(*entry.row())`` gives an equal one back.

    Raises
    ------
    jcm.errors.InvalidValueError
        With code ``INVALID_ENTRY``, naming the field, when a field has the wrong type or range,
        or ``request``/``effects`` is not plain JSON (NaN, a date, a set, a non-string key ...).
    """
    # Exact type checks (a bool is not an int here; a dict subclass is not plain JSON).
    if type(seq) is not int or seq < 1:
        raise _invalid("seq", seq, "must be an integer >= 1")
    if not isinstance(at, dt.datetime) or at.utcoffset() is None:
        raise _invalid("at", at, "must be a timezone-aware datetime")
    if at.tzinfo is not dt.UTC:
        at = at.astimezone(dt.UTC)
    if type(actor) is not str or not actor:
        raise _invalid("actor", actor, "must be a non-empty string")
    if type(request) is not dict:
        raise _invalid("request", request, "must be a JSON object (dict)")
    if type(effects) is not dict:
        raise _invalid("effects", effects, "must be a JSON object (dict)")
    if type(fee) is not int or fee < 0:
        raise _invalid("fee", fee, "must be an integer >= 0 [JPY]")
    if idempotency_key is not None and type(idempotency_key) is not str:
        raise _invalid("idempotency_key", idempotency_key, "must be a string or null")
    if not isinstance(prev_hash, str) or not _HEX64.fullmatch(prev_hash):
        raise _invalid("prev_hash", prev_hash, "must be 64 lowercase hex digits")
    if (seq == 1) != (prev_hash == GENESIS_HASH):
        raise _invalid("prev_hash", prev_hash, "is GENESIS_HASH exactly for entry 1")
    try:
        bad_key = _non_string_key(request)
        if bad_key is not None:
            raise _invalid("request", bad_key, "every key of a JSON object must be a string")
        bad_key = _non_string_key(effects)
        if bad_key is not None:
            raise _invalid("effects", bad_key, "every key of a JSON object must be a string")
    except RecursionError:
        raise _invalid("request", request, "request and effects are nested too deeply") from None
    # The canonical JSON of the eight fields, written in their sorted order around the canonical
    # JSON of request and effects: the same text as canonical_json({...}), for less work. The
    # at text, the hex prev_hash and the integers need no escaping.
    try:
        body = (
            f'{{"actor":{_string(actor)},"at":"{_format_at(at)}","effects":{_canonical(effects)},'
            f'"fee":{fee},"idempotency_key":'
            f"{'null' if idempotency_key is None else _string(idempotency_key)},"
            f'"prev_hash":"{prev_hash}","request":{_canonical(request)},"seq":{seq}}}'
        )
        digest = hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        raise _invalid(
            "request", request, f"request and effects must be plain JSON: {exc}"
        ) from None
    except RecursionError:
        raise _invalid("request", request, "request and effects are nested too deeply") from None
    return Entry(seq, at, actor, request, effects, fee, idempotency_key, prev_hash, digest, body)


_last_at: list[tuple[dt.datetime, str]] = [(_EPOCH, _format_at(_EPOCH))]
"""The last ``at`` the engine formatted and its text (a clock often repeats its time)."""


def _trusted_entry(
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    request: dict[str, Any],
    effects: dict[str, Any],
    fee: int,
    idempotency_key: str | None,
    prev_hash: str,
) -> Entry:
    """:func:`make_entry` for the engine's own entries: the same body and hash, fewer checks.

    Private to :mod:`jcm.registry.engine`, which calls it only with values it built itself:
    ``seq`` and ``prev_hash`` from its state, ``at`` from its clock (aware, checked), the actor a
    known principal, the fee an integer from a fee schedule, the request in its journal form and
    effects it planned (JSON of ``str`` keys). So the field checks of :func:`make_entry` are
    skipped; the encoder still refuses any value that is not plain JSON (``INVALID_ENTRY``). The
    text is the very text :func:`make_entry` writes (the tests check both against each other).
    """
    if type(fee) is not int or fee < 0:  # a fee schedule is the caller's code
        raise _invalid("fee", fee, "must be an integer >= 0 [JPY]")
    if at.tzinfo is not dt.UTC:
        at = at.astimezone(dt.UTC)
    cached = _last_at[0]
    if cached[0] == at:
        at_text = cached[1]
    else:
        at_text = _format_at(at)
        _last_at[0] = (at, at_text)
    try:
        body = (
            f'{{"actor":{_string(actor)},"at":"{at_text}","effects":{_canonical(effects)},'
            f'"fee":{fee},"idempotency_key":'
            f"{'null' if idempotency_key is None else _string(idempotency_key)},"
            f'"prev_hash":"{prev_hash}","request":{_canonical(request)},"seq":{seq}}}'
        )
        digest = hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
    except (TypeError, ValueError) as exc:
        raise _invalid(
            "request", request, f"request and effects must be plain JSON: {exc}"
        ) from None
    except RecursionError:
        raise _invalid("request", request, "request and effects are nested too deeply") from None
    return Entry(seq, at, actor, request, effects, fee, idempotency_key, prev_hash, digest, body)


def _unreadable(row: tuple[int, str, str, str], field: str, why: str) -> Entry:
    seq, body, prev_hash, stored_hash = row
    problem = Problem(
        "BODY_UNREADABLE",
        f"entry {seq}: the stored body is unreadable: {why}",
        field=field,
        subject=f"entry {seq}",
    )
    return Entry(seq, _EPOCH, "", {}, {}, 0, None, prev_hash, stored_hash, body, problem)


_read_at: list[tuple[str, dt.datetime]] = [(_format_at(_EPOCH), _EPOCH)]
"""The last ``at`` text :func:`entry_from_stored` read and its time."""


def entry_from_stored(seq: int, body: object, prev_hash: object, hash: object) -> Entry:
    """Read one stored row into an :class:`Entry`, trusting nothing.

    The body is parsed but not checked against ``hash`` (that is :func:`verify_chain`'s job). A
    body that is not a JSON object with the entry's fields and types gives an entry whose
    ``defect`` is a ``BODY_UNREADABLE`` problem; a body whose ``seq`` or ``prev_hash`` disagrees
    with the row gives a ``ROW_MISMATCH`` defect (the entry then carries the row's values). This
    function never raises for bad data (text that is not ``str`` is read with ``repr``).

    Parameters
    ----------
    seq
        The row's sequence number.
    body
        The stored body text (bytes are decoded as UTF-8).
    prev_hash, hash
        The row's stored chain links.

    Returns
    -------
    Entry
        The entry as stored, ``defect`` set when it cannot be sound.
    """
    if type(prev_hash) is not str:
        prev_hash = prev_hash if isinstance(prev_hash, str) else repr(prev_hash)
    if type(hash) is not str:
        hash = hash if isinstance(hash, str) else repr(hash)
    if type(body) is str:
        pass
    elif isinstance(body, (bytes, bytearray, memoryview)):
        raw = bytes(body)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return _unreadable((seq, repr(raw), prev_hash, hash), "body", str(exc))
    if not isinstance(body, str):
        return _unreadable((seq, repr(body), prev_hash, hash), "body", "not text")
    try:
        data, end = _scan(body, 0)
    except StopIteration:
        return _unreadable((seq, body, prev_hash, hash), "body", "not JSON")
    except (ValueError, RecursionError) as exc:
        return _unreadable((seq, body, prev_hash, hash), "body", f"not JSON ({exc})")
    if end != len(body):
        return _unreadable((seq, body, prev_hash, hash), "body", "text after the JSON object")
    if type(data) is not dict or data.keys() != _BODY_KEYS:
        return _unreadable(
            (seq, body, prev_hash, hash), "body", "not an object with the entry keys"
        )
    actor = data["actor"]
    at_text = data["at"]
    request = data["request"]
    effects = data["effects"]
    fee = data["fee"]
    key = data["idempotency_key"]
    body_seq = data["seq"]
    body_prev = data["prev_hash"]
    # JSON gives exactly str, dict, int (a bool is not an int here), so exact type checks.
    if type(actor) is not str:
        return _unreadable((seq, body, prev_hash, hash), "actor", "actor is not a string")
    if type(request) is not dict or type(effects) is not dict:
        return _unreadable((seq, body, prev_hash, hash), "request", "request/effects not objects")
    if type(fee) is not int:
        return _unreadable((seq, body, prev_hash, hash), "fee", "fee is not an integer")
    if key is not None and type(key) is not str:
        return _unreadable((seq, body, prev_hash, hash), "idempotency_key", "key is not a string")
    if type(body_seq) is not int:
        return _unreadable((seq, body, prev_hash, hash), "seq", "seq is not an integer")
    cached = _read_at[0]
    if cached[0] == at_text:
        at = cached[1]  # consecutive entries often share their time
    else:
        try:
            parsed = dt.datetime.fromisoformat(at_text) if type(at_text) is str else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.utcoffset() is None:
            return _unreadable(
                (seq, body, prev_hash, hash), "at", f"at {at_text!r} is not a UTC time"
            )
        at = parsed if parsed.tzinfo is dt.UTC else parsed.astimezone(dt.UTC)
        _read_at[0] = (at_text, at)
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
    return Entry(seq, at, actor, request, effects, fee, key, prev_hash, hash, body, defect)


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
        """Check one stored row ``(seq, body, prev_hash, hash)`` without parsing all its JSON.

        The same checks as :meth:`check`, reading ``at``, ``seq`` and ``prev_hash`` at their places
        in a canonical body (keys sorted: ``{"actor":..,"at":"..",...,"prev_hash":"..",
        "request":..,"seq":N}``); a row that is not in that form, or has a problem, is parsed in
        full with :func:`entry_from_stored`. The rest of a body whose hash is right is not parsed
        (see :func:`verify_rows`).
        """
        if type(body) is not str or type(prev_hash) is not str or type(hash) is not str:
            return self.check(entry_from_stored(seq, body, prev_hash, hash))
        at_start = body.find(',"at":"') + 7
        seq_start = body.rfind(',"seq":') + 7
        seq_text = body[seq_start:-1]
        if (
            at_start < 7
            or seq_start < 7
            or body[at_start + 27 : at_start + 28] != '"'
            or not body.startswith('{"actor":"')
            or not body.endswith("}")
            or not (seq_text.isascii() and seq_text.isdigit())
            or int(seq_text) != seq
            or body.find(f',"prev_hash":"{prev_hash}","request":') < 0
        ):
            return self.check(entry_from_stored(seq, body, prev_hash, hash))
        try:
            at = dt.datetime.fromisoformat(body[at_start : at_start + 27])
        except ValueError:
            return self.check(entry_from_stored(seq, body, prev_hash, hash))
        if at.tzinfo is not dt.UTC:
            return self.check(entry_from_stored(seq, body, prev_hash, hash))
        if seq == self._expected_seq and prev_hash == self._prev_hash:
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
