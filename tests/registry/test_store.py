"""Tests of the journal stores: memory and SQLite, atomic appends, replay order, metadata."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.registry.freeze import FreezeEffects
from jcm.registry.journal import GENESIS_HASH, Entry, entry_from_stored, seal, verify_rows
from jcm.registry.kinds import KINDS
from jcm.registry.store import (
    SCHEMA_VERSION,
    MemoryStore,
    SqliteStore,
    Store,
    StoreError,
    open_store,
)

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def build(n: int, start: int = 1, prev: str = GENESIS_HASH) -> list[Entry]:
    """``n`` sound entries numbered from ``start`` continuing from ``prev``."""
    entries: list[Entry] = []
    for seq in range(start, start + n):
        entry = seal(
            seq=seq,
            at=T0 + dt.timedelta(seconds=seq),
            actor="holder",
            kind=KINDS["freeze"],
            request={"type": "freeze", "account": f"A{seq}"},
            effects=FreezeEffects(f"A{seq}", seq % 2 == 0),
            fee=seq % 2,
            idempotency_key=f"k{seq}" if seq % 3 == 0 else None,
            prev_hash=prev,
        )
        entries.append(entry)
        prev = entry.hash
    return entries


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh empty store of each kind, closed afterwards."""
    made: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "j.db")
    yield made
    made.close()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """The path of a journal file not yet created."""
    return tmp_path / "journal.sqlite"


# ----------------------------------------------------------------------------- both stores


def test_new_store_is_empty(store: Store) -> None:
    """Starts with no entries, no last entry and no metadata."""
    assert len(store) == 0
    assert store.last() is None
    assert list(store.entries()) == []
    assert list(store.rows()) == []
    assert store.get_meta("operator") is None


def test_appended_entries_come_back_in_order(store: Store) -> None:
    """Gives back every appended entry, equal and in seq order."""
    entries = build(10)
    store.append(entries[:1])
    store.append(entries[1:4])
    store.append(entries[4:])
    assert list(store.entries()) == entries
    assert list(store.rows()) == [entry.row() for entry in entries]
    assert store.last() == entries[-1]
    assert len(store) == 10


def test_entries_from_a_start(store: Store) -> None:
    """Reads the entries from a given seq on."""
    entries = build(6)
    store.append(entries)
    assert [entry.seq for entry in store.entries(4)] == [4, 5, 6]
    assert [row[0] for row in store.rows(6)] == [6]
    assert list(store.entries(7)) == []


def test_appending_nothing_changes_nothing(store: Store) -> None:
    """Accepts an empty append as a no-op."""
    store.append([])
    assert len(store) == 0


def test_store_satisfies_the_protocol(store: Store) -> None:
    """Implements the Store protocol."""
    assert isinstance(store, Store)


def test_append_rejects_a_gap_and_writes_nothing(store: Store) -> None:
    """Refuses entries that skip a seq; nothing of the batch is written."""
    entries = build(5)
    store.append(entries[:2])
    with pytest.raises(StoreError) as info:
        store.append([entries[3], entries[4]])
    assert info.value.code == "SEQUENCE_GAP"
    assert list(store.entries()) == entries[:2]


def test_append_rejects_a_repeated_entry(store: Store) -> None:
    """Refuses an entry that is already stored."""
    entries = build(3)
    store.append(entries)
    with pytest.raises(StoreError) as info:
        store.append(entries[2:])
    assert info.value.code == "SEQUENCE_GAP"
    assert len(store) == 3


def test_append_rejects_a_broken_link_anywhere_in_a_batch(store: Store) -> None:
    """Refuses a batch whose third entry does not point at the second; writes none of it."""
    entries = build(5)
    stranger = [
        seal(
            seq=3,
            at=T0,
            actor="x",
            kind=KINDS["freeze"],
            request={"type": "freeze", "account": "X"},
            effects=FreezeEffects("X", True),
            fee=0,
            idempotency_key=None,
            prev_hash="f" * 64,
        )
    ]
    with pytest.raises(StoreError) as info:
        store.append([entries[0], entries[1], *stranger])
    assert info.value.code == "CHAIN_BROKEN"
    assert len(store) == 0
    assert store.last() is None


def test_append_rejects_an_entry_whose_hash_is_wrong(store: Store) -> None:
    """Refuses an entry whose hash does not match its body."""
    entries = build(2)
    forged = entry_from_stored(2, entries[1].body.replace("holder", "thief"), *entries[1].row()[2:])
    with pytest.raises(StoreError) as info:
        store.append([entries[0], forged])
    assert info.value.code == "HASH_MISMATCH"
    assert len(store) == 0


def test_append_rejects_a_non_entry(store: Store) -> None:
    """Refuses something that is not an Entry."""
    with pytest.raises(StoreError):
        store.append([build(1)[0].row()])  # type: ignore[list-item]
    assert len(store) == 0


def test_meta_is_set_and_overwritten(store: Store) -> None:
    """Stores metadata strings and overwrites them."""
    store.set_meta("operator", "operator")
    store.set_meta("operator", "jcma-ops")
    store.set_meta("clock", "system")
    assert store.get_meta("operator") == "jcma-ops"
    assert store.get_meta("clock") == "system"


def test_meta_must_be_text(store: Store) -> None:
    """Refuses metadata that is not a string."""
    with pytest.raises(StoreError):
        store.set_meta("count", 3)  # type: ignore[arg-type]


def test_closed_store_refuses_work(store: Store) -> None:
    """Raises STORE_CLOSED on any use after close; closing twice is fine."""
    entries = build(2)
    store.append(entries[:1])
    store.close()
    store.close()
    calls: list[Callable[[], object]] = [
        lambda: list(store.entries()),
        lambda: list(store.rows()),
        store.last,
        lambda: store.append(entries[1:]),
        lambda: store.get_meta("k"),
        lambda: store.set_meta("k", "v"),
        lambda: len(store),
    ]
    for call in calls:
        with pytest.raises(StoreError) as info:
            call()
        assert info.value.code == "STORE_CLOSED"


@given(st.lists(st.integers(min_value=1, max_value=7), max_size=8), st.booleans())
def test_replay_gives_the_journal_for_any_batching(sizes: list[int], sqlite: bool) -> None:
    """Replays exactly the appended entries in order, however they were batched."""
    entries = build(sum(sizes))
    store: Store = SqliteStore(":memory:") if sqlite else MemoryStore()
    try:
        position = 0
        for size in sizes:
            store.append(entries[position : position + size])
            position += size
        assert list(store.entries()) == entries
        assert verify_rows(store.rows()) == ()
        assert len(store) == len(entries)
        assert store.last() == (entries[-1] if entries else None)
    finally:
        store.close()


def test_open_store_picks_the_kind(sqlite_path: Path) -> None:
    """Opens a memory store for None and an SQLite store for a path."""
    memory = open_store(None)
    disk = open_store(sqlite_path, synchronous="FULL")
    try:
        assert isinstance(memory, MemoryStore)
        assert isinstance(disk, SqliteStore)
        assert sqlite_path.exists()
    finally:
        memory.close()
        disk.close()


# ----------------------------------------------------------------------------- SQLite


def test_sqlite_journal_survives_reopening(sqlite_path: Path) -> None:
    """Keeps entries and metadata in the file across close and reopen."""
    entries = build(7)
    with SqliteStore(sqlite_path) as store:
        store.append(entries[:3])
        store.append(entries[3:])
        store.set_meta("operator", "ops")
    with SqliteStore(sqlite_path) as store:
        assert list(store.entries()) == entries
        assert store.get_meta("operator") == "ops"
        assert store.get_meta("schema_version") == SCHEMA_VERSION
        store.append(build(1, start=8, prev=entries[-1].hash))
        assert len(store) == 8


def test_sqlite_uses_wal_and_the_chosen_synchronous(sqlite_path: Path) -> None:
    """Opens the file in WAL mode with the requested synchronous level."""
    with SqliteStore(sqlite_path, synchronous="FULL") as store:
        store.append(build(1))
    check = sqlite3.connect(sqlite_path)
    try:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        check.close()


def test_sqlite_rejects_an_unknown_synchronous(sqlite_path: Path) -> None:
    """Refuses a synchronous level SQLite does not have."""
    with pytest.raises(StoreError) as info:
        SqliteStore(sqlite_path, synchronous="SOMETIMES")  # type: ignore[arg-type]
    assert info.value.field == "synchronous"


def test_sqlite_entries_are_read_from_the_file_each_time(sqlite_path: Path) -> None:
    """Sees entries appended through another connection on the next read."""
    entries = build(4)
    with SqliteStore(sqlite_path) as reader, SqliteStore(sqlite_path) as writer:
        writer.append(entries[:2])
        assert [e.seq for e in reader.entries()] == [1, 2]
        writer.append(entries[2:])
        assert [e.seq for e in reader.entries()] == [1, 2, 3, 4]
        assert reader.last() == entries[-1]


def test_sqlite_concurrent_writer_cannot_fork_the_chain(sqlite_path: Path) -> None:
    """Fails an append whose seq another writer took, writing nothing, then recovers."""
    entries = build(6)
    with SqliteStore(sqlite_path) as first, SqliteStore(sqlite_path) as second:
        first.append(entries[:2])
        second_view = SqliteStore(sqlite_path)  # knows entries 1-2
        try:
            first.append(entries[2:3])
            with pytest.raises(StoreError) as info:
                second_view.append(entries[2:5])  # entry 3 is taken
            assert info.value.code == "STORE_ERROR"
            assert [e.seq for e in second.entries()] == [1, 2, 3]
            second_view.append(entries[3:5])  # it re-read the top after the failure
            assert [e.seq for e in second.entries()] == [1, 2, 3, 4, 5]
        finally:
            second_view.close()


def test_sqlite_failure_inside_a_batch_writes_nothing(sqlite_path: Path) -> None:
    """Rolls back a whole batch when SQLite refuses its fourth row."""
    entries = build(8)
    with SqliteStore(sqlite_path) as store:
        store.append(entries[:2])
        sabotage = sqlite3.connect(sqlite_path)
        try:
            sabotage.execute(
                "CREATE TRIGGER no_five BEFORE INSERT ON journal WHEN NEW.seq = 5 "
                "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
            )
            sabotage.commit()
        finally:
            sabotage.close()
        with pytest.raises(StoreError, match="disk says no") as info:
            store.append(entries[2:8])
        assert info.value.code == "STORE_ERROR"
        assert [e.seq for e in store.entries()] == [1, 2]
        store.append(entries[2:4])  # the store is still usable
        assert [e.seq for e in store.entries()] == [1, 2, 3, 4]


def test_sqlite_single_entry_failure_writes_nothing(sqlite_path: Path) -> None:
    """Leaves the journal unchanged when SQLite refuses a one-entry append."""
    entries = build(3)
    with SqliteStore(sqlite_path) as store:
        store.append(entries[:2])
        sabotage = sqlite3.connect(sqlite_path)
        try:
            sabotage.execute(
                "CREATE TRIGGER no_more BEFORE INSERT ON journal "
                "BEGIN SELECT RAISE(ABORT, 'read-only'); END"
            )
            sabotage.commit()
        finally:
            sabotage.close()
        with pytest.raises(StoreError):
            store.append(entries[2:])
        assert len(store) == 2
        assert store.last() == entries[1]


def test_sqlite_closed_connection_is_a_store_error(sqlite_path: Path) -> None:
    """Turns a connection closed underneath the store into a StoreError, writing nothing."""
    entries = build(3)
    store = SqliteStore(sqlite_path)
    store.append(entries[:1])
    store._conn.close()  # type: ignore[union-attr]  # simulate a lost connection
    with pytest.raises(StoreError) as info:
        store.append(entries[1:])
    assert info.value.code == "STORE_ERROR"
    for read in (store.last, lambda: list(store.entries()), lambda: len(store)):
        with pytest.raises(StoreError):
            read()
    store.close()
    with SqliteStore(sqlite_path) as again:
        assert list(again.entries()) == entries[:1]


def test_sqlite_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    """Refuses to open a file that is not SQLite, naming it."""
    path = tmp_path / "notes.txt"
    path.write_text("this is not a database, just some text " * 50)
    with pytest.raises(StoreError) as info:
        SqliteStore(path)
    assert info.value.code == "STORE_UNREADABLE"
    assert "notes.txt" in str(info.value)


def test_sqlite_refuses_a_newer_layout(sqlite_path: Path) -> None:
    """Refuses a journal file written with another schema version."""
    SqliteStore(sqlite_path).close()
    raw = sqlite3.connect(sqlite_path)
    try:
        raw.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        raw.commit()
    finally:
        raw.close()
    with pytest.raises(StoreError) as info:
        SqliteStore(sqlite_path)
    assert info.value.code == "STORE_UNREADABLE"
    assert "'99'" in str(info.value)


def test_sqlite_reads_damaged_rows_without_raising(sqlite_path: Path) -> None:
    """Yields a row with an unreadable body as an entry with a defect."""
    entries = build(3)
    with SqliteStore(sqlite_path) as store:
        store.append(entries)
        raw = sqlite3.connect(sqlite_path)
        try:
            raw.execute("UPDATE journal SET body = 'garbage' WHERE seq = 2")
            raw.commit()
        finally:
            raw.close()
        read = list(store.entries())
        assert [e.seq for e in read] == [1, 2, 3]
        assert read[1].defect is not None
        assert read[1].defect.code == "BODY_UNREADABLE"
        assert [(p.code, p.subject) for p in verify_rows(store.rows())] == [
            ("BODY_UNREADABLE", "entry 2"),
            ("HASH_MISMATCH", "entry 2"),
        ]


def test_repr_names_the_store(sqlite_path: Path) -> None:
    """Shows the kind, path and state of a store."""
    store = SqliteStore(sqlite_path)
    assert "open" in repr(store)
    store.close()
    assert "closed" in repr(store)
    assert repr(MemoryStore()) == "MemoryStore(0 entries)"
