"""Tests of the hash-chained journal: entries, canonical bodies, and the chain check."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.errors import InvalidValueError
from jcm.registry.freeze import FreezeEffects
from jcm.registry.journal import (
    GENESIS_HASH,
    ChainChecker,
    ChainError,
    Entry,
    checked,
    effects_json,
    entry_from_stored,
    entry_hash,
    seal,
    verify_chain,
    verify_rows,
)
from jcm.registry.kinds import KINDS
from jcm.serialization import canonical_json

FREEZE = KINDS["freeze"]


def make_entry(
    *,
    seq: Any,
    at: Any,
    actor: Any,
    request: Any,
    effects: Any = None,
    fee: Any = 0,
    idempotency_key: Any = None,
    prev_hash: Any,
) -> Entry:
    """A ``freeze`` entry sealed with these fields (the chain is the same for every kind)."""
    if isinstance(request, dict):
        request = {**request, "type": "freeze"}
    return seal(
        seq=seq,
        at=at,
        actor=actor,
        kind=FREEZE,
        request=request,
        effects=FreezeEffects("A", True) if effects is None else effects,
        fee=fee,
        idempotency_key=idempotency_key,
        prev_hash=prev_hash,
    )


T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(max_size=8), json_values, max_size=5)


@st.composite
def chains(draw: st.DrawFn, min_size: int = 1, max_size: int = 12) -> list[Entry]:
    """A sound journal of random entries, times never going backwards."""
    size = draw(st.integers(min_value=min_size, max_value=max_size))
    entries: list[Entry] = []
    prev = GENESIS_HASH
    at = T0
    for seq in range(1, size + 1):
        at = at + dt.timedelta(microseconds=draw(st.integers(min_value=0, max_value=10**9)))
        entry = make_entry(
            seq=seq,
            at=at,
            actor=draw(st.text(min_size=1, max_size=10)),
            request=draw(json_objects),
            effects=FreezeEffects(draw(st.text(min_size=1, max_size=8)), draw(st.booleans())),
            fee=draw(st.integers(min_value=0, max_value=10**9)),
            idempotency_key=draw(st.none() | st.text(max_size=10)),
            prev_hash=prev,
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def build(n: int, *, step: dt.timedelta = dt.timedelta(seconds=1)) -> list[Entry]:
    """A sound journal of ``n`` small transfer entries."""
    entries: list[Entry] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        entry = make_entry(
            seq=seq,
            at=T0 + step * seq,
            actor=f"holder-{seq % 3}",
            request={"type": "freeze", "account": f"A{seq}"},
            effects=FreezeEffects(f"A{seq}", seq % 2 == 1),
            fee=0,
            idempotency_key=None,
            prev_hash=prev,
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def stored(entries: list[Entry]) -> list[Entry]:
    """The entries as a store would give them back."""
    return [entry_from_stored(*entry.row()) for entry in entries]


def both(entries: list[Entry]) -> tuple[tuple[str, str | None], ...]:
    """The (code, subject) pairs of verify_chain, after checking verify_rows agrees."""
    full = verify_chain(entries)
    fast = verify_rows([entry.row() for entry in entries])
    assert fast == full
    return tuple((p.code, p.subject) for p in full)


def retamper(entry: Entry, **row: Any) -> Entry:
    """The stored entry with some row columns replaced (seq, body, prev_hash, hash)."""
    values = dict(zip(("seq", "body", "prev_hash", "hash"), entry.row(), strict=True))
    values.update(row)
    return entry_from_stored(values["seq"], values["body"], values["prev_hash"], values["hash"])


# ----------------------------------------------------------------------------- making entries


def test_body_is_canonical_json_of_all_fields_but_hash() -> None:
    """Writes the body as sorted, compact JSON of every field except the hash."""
    entry = build(1)[0]
    data = json.loads(entry.body)
    assert sorted(data) == [
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
    ]
    assert (data["type"], data["v"], data["rules"], data["signature"]) == ("freeze", 2, {}, None)
    assert data["effects"] == {"account": "A1", "frozen": True}
    assert entry.body == json.dumps(data, sort_keys=True, separators=(",", ":"))
    assert data["at"] == "2026-01-05T09:00:01.000000Z"
    assert data["seq"] == 1
    assert data["prev_hash"] == GENESIS_HASH


def test_hash_is_sha256_of_prev_hash_and_body() -> None:
    """Computes the hash as sha256 of prev_hash followed by the body."""
    first, second = build(2)
    expected = hashlib.sha256((first.hash + second.body).encode()).hexdigest()
    assert second.hash == expected == entry_hash(first.hash, second.body)
    assert second.prev_hash == first.hash


def test_times_are_stored_in_utc() -> None:
    """Converts an aware time in another zone to UTC."""
    tokyo = dt.timezone(dt.timedelta(hours=9))
    entry = make_entry(
        seq=1,
        at=dt.datetime(2026, 1, 5, 18, 0, tzinfo=tokyo),
        actor="jcma",
        request={"type": "freeze"},
        fee=0,
        idempotency_key="k-1",
        prev_hash=GENESIS_HASH,
    )
    assert entry.at == T0
    assert entry.at.tzinfo is dt.UTC
    assert '"at":"2026-01-05T09:00:00.000000Z"' in entry.body


def test_type_is_the_kind_of_the_entry() -> None:
    """Records the request's type and reads back the kind's typed effects."""
    entry = build(1)[0]
    again = entry_from_stored(*entry.row())
    assert (entry.type, again.type) == ("freeze", "freeze")
    assert again.effects == FreezeEffects("A1", True)
    assert effects_json(FREEZE, again.effects) == {"account": "A1", "frozen": True}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seq", 0),
        ("seq", True),
        ("at", dt.datetime(2026, 1, 5, 9, 0)),
        ("at", "2026-01-05T09:00:00Z"),
        ("actor", ""),
        ("request", [1, 2]),
        ("effects", {"account": "A"}),
        ("fee", -1),
        ("fee", 1.0),
        ("fee", False),
        ("idempotency_key", 5),
        ("prev_hash", "A" * 64),
        ("prev_hash", "0" * 63),
        ("prev_hash", "1" * 64),
    ],
)
def test_make_entry_rejects_bad_fields(field: str, value: object) -> None:
    """Rejects a field of the wrong type or range, naming the field."""
    fields: dict[str, Any] = {
        "seq": 1,
        "at": T0,
        "actor": "jcma",
        "request": {"type": "freeze"},
        "effects": None,
        "fee": 0,
        "idempotency_key": None,
        "prev_hash": GENESIS_HASH,
    }
    fields[field] = value
    with pytest.raises(InvalidValueError) as info:
        make_entry(**fields)
    assert info.value.field == field
    assert info.value.code == "INVALID_ENTRY"


def test_later_entry_may_not_point_at_genesis() -> None:
    """Rejects GENESIS_HASH as the prev_hash of an entry after the first."""
    with pytest.raises(InvalidValueError, match="GENESIS_HASH"):
        make_entry(
            seq=2,
            at=T0,
            actor="a",
            request={},
            fee=0,
            idempotency_key=None,
            prev_hash=GENESIS_HASH,
        )


@pytest.mark.parametrize(
    "request_",
    [
        {"type": "freeze", "n": float("nan")},
        {"type": "freeze", "when": dt.date(2026, 1, 1)},
        {"type": "freeze", "s": {1, 2}},
    ],
)
def test_make_entry_rejects_values_that_are_not_plain_json(request_: dict[str, Any]) -> None:
    """Rejects NaN, dates and sets in the request, which would not read back equal."""
    with pytest.raises(InvalidValueError) as info:
        make_entry(seq=1, at=T0, actor="a", request=request_, prev_hash=GENESIS_HASH)
    assert (info.value.field, info.value.code) == ("request", "INVALID_ENTRY")


@given(chains())
def test_body_follows_the_canonical_json_rule(entries: list[Entry]) -> None:
    """Writes each body exactly as jcm.serialization.canonical_json writes its fields."""
    for entry in entries:
        assert canonical_json(json.loads(entry.body)) == entry.body


@given(chains())
def test_stored_entries_read_back_equal(entries: list[Entry]) -> None:
    """Reads every stored row back into an entry equal to the one written."""
    assert stored(entries) == entries
    assert all(entry.defect is None for entry in stored(entries))


def test_row_is_the_stored_form() -> None:
    """Gives (seq, body, prev_hash, hash) as the stored row."""
    entry = build(1)[0]
    assert entry.row() == (1, entry.body, GENESIS_HASH, entry.hash)


# ----------------------------------------------------------------------------- the chain holds


@given(chains())
def test_chain_of_random_entries_holds(entries: list[Entry]) -> None:
    """Finds no problem in a journal written by make_entry."""
    assert verify_chain(entries) == ()
    assert verify_chain(stored(entries)) == ()
    assert verify_rows(entry.row() for entry in entries) == ()
    assert list(checked(stored(entries))) == entries


def test_empty_journal_is_sound() -> None:
    """Finds no problem in an empty journal."""
    assert verify_chain([]) == ()
    assert verify_rows([]) == ()


def test_equal_times_are_allowed() -> None:
    """Accepts entries with the same time (time may stand still, not go back)."""
    entries = build(5, step=dt.timedelta(0))
    assert both(entries) == ()


def test_checker_tracks_the_chain_end() -> None:
    """Reports the next expected seq and the last hash as entries are checked."""
    checker = ChainChecker()
    assert (checker.expected_seq, checker.last_hash) == (1, GENESIS_HASH)
    entries = build(3)
    for entry in entries:
        assert checker.check(entry) == ()
    assert (checker.expected_seq, checker.last_hash) == (4, entries[-1].hash)


# ----------------------------------------------------------------------------- tampering


def _flip_char(text: str, index: int, replacement: str) -> str:
    index %= len(text)
    if text[index] == replacement:
        replacement = "1" if replacement != "1" else "2"
    return text[:index] + replacement + text[index + 1 :]


@given(
    chains(min_size=1, max_size=8),
    st.integers(min_value=0),
    st.integers(min_value=0),
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
)
def test_any_change_of_a_body_is_reported(
    entries: list[Entry], which: int, where: int, char: str
) -> None:
    """Reports any one-character change of a stored body, naming that entry."""
    index = which % len(entries)
    victim = entries[index]
    body = _flip_char(victim.body, where, char)
    tampered = stored(entries)
    tampered[index] = retamper(victim, body=body)
    problems = both(tampered)
    assert problems
    assert ("HASH_MISMATCH", f"entry {victim.seq}") in problems
    assert {subject for _, subject in problems} == {f"entry {victim.seq}"}


@given(
    chains(min_size=1, max_size=8),
    st.integers(min_value=0),
    st.integers(min_value=0),
    st.sampled_from("0123456789abcdefX"),
    st.sampled_from(["prev_hash", "hash"]),
)
def test_any_change_of_a_stored_hash_is_reported(
    entries: list[Entry], which: int, where: int, char: str, column: str
) -> None:
    """Reports any one-character change of a stored prev_hash or hash, naming that entry."""
    index = which % len(entries)
    victim = entries[index]
    original = victim.prev_hash if column == "prev_hash" else victim.hash
    tampered = stored(entries)
    tampered[index] = retamper(victim, **{column: _flip_char(original, where, char)})
    problems = both(tampered)
    assert ("HASH_MISMATCH", f"entry {victim.seq}") in problems
    if column == "hash" and index + 1 < len(entries):
        assert ("CHAIN_BROKEN", f"entry {victim.seq + 1}") in problems
    if column == "prev_hash":
        assert ("CHAIN_BROKEN", f"entry {victim.seq}") in problems


@given(chains(min_size=2, max_size=8), st.integers(min_value=0))
def test_a_deleted_entry_is_reported(entries: list[Entry], which: int) -> None:
    """Reports a deleted entry at the entry that follows the gap (or nothing if it was last)."""
    index = which % len(entries)
    remaining = stored(entries)
    del remaining[index]
    problems = both(remaining)
    if index == len(entries) - 1:
        assert problems == ()  # a truncated journal is a shorter sound journal
    else:
        after = f"entry {entries[index + 1].seq}"
        assert ("SEQUENCE_GAP", after) in problems
        assert ("CHAIN_BROKEN", after) in problems


def test_swapped_rows_are_reported() -> None:
    """Reports two rows whose contents were exchanged, naming both entries."""
    entries = build(6)
    rows = [entry.row() for entry in entries]
    three, four = rows[2], rows[3]
    rows[2] = (3, four[1], four[2], four[3])
    rows[3] = (4, three[1], three[2], three[3])
    problems = both([entry_from_stored(*row) for row in rows])
    subjects = {subject for _, subject in problems}
    assert {"entry 3", "entry 4"} <= subjects
    assert ("ROW_MISMATCH", "entry 3") in problems
    assert ("CHAIN_BROKEN", "entry 3") in problems


def test_swapped_entries_in_order_are_reported() -> None:
    """Reports entries delivered out of order as a sequence gap."""
    entries = build(4)
    entries[1], entries[2] = entries[2], entries[1]
    problems = both(entries)
    assert ("SEQUENCE_GAP", "entry 3") in problems
    assert ("SEQUENCE_GAP", "entry 2") in problems


def test_changed_time_does_not_blame_the_next_entry() -> None:
    """Names only the changed entry when its time is moved later (its time is not trusted)."""
    entries = stored(build(3))
    later = entries[1].body.replace("2026-01-05T09:00:02", "2027-01-05T09:00:02")
    entries[1] = retamper(entries[1], body=later)
    assert both(entries) == (("HASH_MISMATCH", "entry 2"),)


def test_time_going_backwards_is_reported() -> None:
    """Reports an entry whose time is before its predecessor's."""
    entries = build(3, step=dt.timedelta(seconds=-1))
    assert both(entries) == (("TIME_REVERSED", "entry 2"), ("TIME_REVERSED", "entry 3"))


def test_unreadable_body_is_reported() -> None:
    """Reports a body that is not JSON, keeping the chain check going."""
    entries = build(3)
    body = "{not json"
    forged = entry_from_stored(2, body, entries[0].hash, entry_hash(entries[0].hash, body))
    assert forged.defect is not None
    assert forged.defect.code == "BODY_UNREADABLE"
    assert both([entries[0], forged, entries[2]]) == (
        ("BODY_UNREADABLE", "entry 2"),
        ("CHAIN_BROKEN", "entry 3"),
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("fee"),
        lambda d: d.update(fee="0"),
        lambda d: d.update(fee=True),
        lambda d: d.update(actor=5),
        lambda d: d.update(request=[]),
        lambda d: d.update(idempotency_key=3),
        lambda d: d.update(seq="2"),
        lambda d: d.update(at="yesterday"),
        lambda d: d.update(at="2026-01-05T09:00:00"),
        lambda d: d.update(extra=1),
    ],
)
def test_body_with_wrong_fields_is_unreadable(change: Any) -> None:
    """Reports a re-hashed body with a missing, extra or mistyped field as unreadable."""
    entries = build(2)
    data = json.loads(entries[1].body)
    change(data)
    body = json.dumps(data, sort_keys=True, separators=(",", ":"))
    forged = entry_from_stored(2, body, entries[0].hash, entry_hash(entries[0].hash, body))
    problems = verify_chain([entries[0], forged])
    assert [(p.code, p.subject) for p in problems] == [("BODY_UNREADABLE", "entry 2")]


@pytest.mark.parametrize(
    ("body", "prev_hash", "stored_hash"),
    [
        (b"\xff\xfe", "0" * 64, "0" * 64),
        ([1], "0" * 64, "0" * 64),
        ("[]", 5, None),
    ],
)
def test_rows_of_wrong_types_are_read_without_raising(
    body: object, prev_hash: object, stored_hash: object
) -> None:
    """Reads a row with non-text columns into an entry with a defect, never raising."""
    entry = entry_from_stored(1, body, prev_hash, stored_hash)
    assert entry.defect is not None
    assert entry.defect.code == "BODY_UNREADABLE"
    assert verify_rows([(1, body, prev_hash, stored_hash)]) == verify_chain([entry])


@pytest.mark.parametrize("body", [" {}", "{} ", "", "[]", '{"actor": 1'])
def test_body_with_extra_or_missing_text_is_unreadable(body: str) -> None:
    """Reports a body with text around or instead of one JSON object as unreadable."""
    entry = build(1)[0]
    text = body.replace("{}", entry.body) if "{}" in body else body
    read = entry_from_stored(1, text, entry.prev_hash, entry.hash)
    assert read.defect is not None
    assert read.defect.code == "BODY_UNREADABLE"


def test_cyclic_request_is_rejected() -> None:
    """Rejects a request that contains itself."""
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(InvalidValueError, match="nested too deeply"):
        make_entry(
            seq=1,
            at=T0,
            actor="a",
            request={"type": "freeze", "loop": loop},
            fee=0,
            idempotency_key=None,
            prev_hash=GENESIS_HASH,
        )


def test_utf8_bytes_body_is_read() -> None:
    """Reads a body stored as UTF-8 bytes like the same text."""
    entry = build(1)[0]
    assert entry_from_stored(1, entry.body.encode(), entry.prev_hash, entry.hash) == entry


def test_body_moved_to_another_row_is_a_row_mismatch() -> None:
    """Reports a body whose own seq differs from its row's, even with a recomputed hash."""
    entries = build(3)
    body = entries[2].body.replace('"seq":3', '"seq":2')
    forged = entry_from_stored(2, body, entries[0].hash, entry_hash(entries[0].hash, body))
    codes = both([entries[0], forged])
    assert ("ROW_MISMATCH", "entry 2") in codes


def test_checked_raises_at_the_first_bad_entry() -> None:
    """Stops a replay at the first damaged entry with a ChainError naming it."""
    entries = stored(build(5))
    entries[3] = retamper(entries[3], body=entries[3].body.replace('"A4"', '"B4"'))
    seen: list[int] = []
    with pytest.raises(ChainError) as info:
        seen.extend(entry.seq for entry in checked(entries))
    assert seen == [1, 2, 3]
    assert info.value.code == "HASH_MISMATCH"
    assert info.value.problems[0].subject == "entry 4"
    assert "entry 4" in str(info.value)


def test_chain_error_needs_a_problem() -> None:
    """Refuses to build a ChainError without a problem."""
    with pytest.raises(ValueError, match="at least one"):
        ChainError([])


def test_tip_matching_the_journal_end_is_clean() -> None:
    """Accepts a journal that ends at the caller's tip."""
    entries = build(4)
    rows = [entry.row() for entry in entries]
    assert verify_rows(rows, tip=(4, entries[-1].hash)) == ()
    assert verify_rows([], tip=(0, GENESIS_HASH)) == ()


@pytest.mark.parametrize("rows_kept", [0, 3, 5])
def test_tip_elsewhere_is_reported(rows_kept: int) -> None:
    """Reports a journal that ends before or after the caller's state."""
    entries = build(5)
    tip = (4, entries[3].hash)
    problems = verify_rows([entry.row() for entry in entries[:rows_kept]], tip=tip)
    assert [(p.code, p.subject) for p in problems] == [
        ("TIP_MISMATCH", f"entry {max(rows_kept, 4)}")
    ]


def test_tip_with_a_rewritten_last_entry_is_reported() -> None:
    """Reports a journal whose last entry was replaced by a re-hashed one."""
    entries = build(3)
    forged = make_entry(
        seq=3,
        at=entries[2].at,
        actor="thief",
        request={"type": "freeze", "account": "X"},
        effects=FreezeEffects("X", True),
        fee=0,
        idempotency_key=None,
        prev_hash=entries[1].hash,
    )
    rows = [entries[0].row(), entries[1].row(), forged.row()]
    assert verify_rows(rows) == ()  # a sound chain on its own
    problems = verify_rows(rows, tip=(3, entries[2].hash))
    assert [p.code for p in problems] == ["TIP_MISMATCH"]


# ----------------------------------------------------------------------------- the engine's path


@given(chains())
def test_sealing_with_the_effects_json_given_equals_sealing_without(entries: list[Entry]) -> None:
    """Writes the same body and hash when the engine hands over the effects' JSON it has."""
    for entry in entries:
        again = seal(
            seq=entry.seq,
            at=entry.at.astimezone(dt.timezone(dt.timedelta(hours=9))),
            actor=entry.actor,
            kind=FREEZE,
            request=entry.request,
            effects=entry.effects,
            prev_hash=entry.prev_hash,
            fee=entry.fee,
            idempotency_key=entry.idempotency_key,
            effects_data=effects_json(FREEZE, entry.effects),
        )
        assert again == entry


def test_a_format_1_body_is_read_with_its_raw_effects() -> None:
    """Reads a body of the first format (no rules, type, signature, v) as version 1."""
    data = {
        "actor": "jcma", "at": "2026-01-05T09:00:00.000000Z", "effects": {"account": "A"},
        "fee": 0, "idempotency_key": None, "prev_hash": GENESIS_HASH,
        "request": {"type": "freeze", "account": "A"}, "seq": 1,
    }  # fmt: skip
    body = canonical_json(data)
    entry = entry_from_stored(1, body, GENESIS_HASH, entry_hash(GENESIS_HASH, body))
    assert entry.defect is None
    assert (entry.version, entry.type, entry.effects) == (1, "freeze", {"account": "A"})
    assert verify_chain([entry]) == ()
