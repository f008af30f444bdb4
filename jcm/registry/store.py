"""Where the journal lives: a :class:`Store` keeps journal entries and a few metadata strings.

The journal is the only thing a registry stores (ARCHITECTURE.md, "Persistence and scale"); the
state is rebuilt from it on open. Two stores share one protocol:

* :class:`MemoryStore`: a list in memory, for tests and throw-away registries;
* :class:`SqliteStore`: an embedded SQLite file in WAL mode, one writer and any number of readers.

Both enforce the journal's shape on :meth:`Store.append`: the new entries continue the chain (the
first one's ``seq`` is one past the last stored entry's and its ``prev_hash`` is that entry's
``hash``; each entry's ``hash`` is right for its body), and an append is **all or nothing**: one
SQLite transaction, or a list extended only after every entry passed.

The SQLite file has two tables::

    journal(seq INTEGER PRIMARY KEY, body TEXT, prev_hash TEXT, hash TEXT)
    meta(key TEXT PRIMARY KEY, value TEXT)

``body`` is the entry's canonical JSON exactly as hashed (see :mod:`jcm.registry.journal`), so the
hash can be recomputed from the file alone, by any SQLite client.

Durability: ``journal_mode=WAL`` with ``synchronous=NORMAL`` (the default here). A committed
transaction is in the WAL file, in the operating system's page cache, before ``append`` returns, so
an acknowledged request survives the death of the process (``SIGKILL``, a crash, ``os._exit``); only
a power loss or kernel crash may lose the last transactions (never corrupt the file). Pass
``synchronous="FULL"`` to fsync the WAL at every commit and survive power loss too, at the price of
one fsync per append.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Final, Literal, Protocol, runtime_checkable

from jcm.errors import JcmError
from jcm.registry.journal import GENESIS_HASH, Entry, entry_from_stored, entry_hash

__all__ = [
    "SCHEMA_VERSION",
    "MemoryStore",
    "SqliteStore",
    "Store",
    "StoreError",
    "Synchronous",
    "open_store",
]

SCHEMA_VERSION: Final = "1"
"""Version of the SQLite layout, kept in ``meta`` under ``schema_version``."""

_FETCH: Final = 4096


class StoreError(JcmError):
    """A store could not be read or written; nothing was written.

    Codes: ``STORE_ERROR`` (the medium failed), ``STORE_CLOSED``, ``STORE_UNREADABLE`` (not a
    journal file, or a newer layout), ``SEQUENCE_GAP`` / ``CHAIN_BROKEN`` / ``HASH_MISMATCH`` (the
    entries given to ``append`` do not continue the stored chain).
    """

    default_code = "STORE_ERROR"


@runtime_checkable
class Store(Protocol):
    """The journal's medium: ordered, append-only entries and string metadata."""

    def entries(self, start: int = 1) -> Iterator[Entry]:
        """The entries with ``seq >= start`` in ``seq`` order, read afresh from the medium."""
        ...

    def rows(self, start: int = 1) -> Iterator[tuple[int, object, object, object]]:
        """The raw stored rows ``(seq, body, prev_hash, hash)`` with ``seq >= start``, in order."""
        ...

    def last(self) -> Entry | None:
        """The entry with the highest ``seq``, or ``None`` for an empty journal."""
        ...

    def append(self, entries: Sequence[Entry]) -> None:
        """Append ``entries`` in one atomic transaction (all or nothing); raise ``StoreError``."""
        ...

    def get_meta(self, key: str) -> str | None:
        """The metadata value under ``key``, or ``None``."""
        ...

    def set_meta(self, key: str, value: str) -> None:
        """Set the metadata ``key`` to ``value`` (its own transaction)."""
        ...

    def close(self) -> None:
        """Release the medium; later calls raise ``StoreError`` (``STORE_CLOSED``)."""
        ...

    def __len__(self) -> int:
        """The number of stored entries."""
        ...


def _check_continuation(last_seq: int, last_hash: str, entries: Sequence[Entry]) -> None:
    """Raise ``StoreError`` unless ``entries`` continue the chain ending at ``last_seq``."""
    seq = last_seq
    prev = last_hash
    for entry in entries:
        if not isinstance(entry, Entry):
            raise StoreError(
                f"append: {entry!r} is not a journal Entry", field="entries", value=entry
            )
        if entry.seq != seq + 1:
            raise StoreError(
                f"append: entry {entry.seq} does not follow entry {seq}",
                code="SEQUENCE_GAP",
                field="seq",
                value=entry.seq,
                rule="entries are numbered 1, 2, 3, ... without gaps",
            )
        if entry.prev_hash != prev:
            raise StoreError(
                f"append: entry {entry.seq} has prev_hash {entry.prev_hash[:12]}..., "
                f"not the hash {prev[:12]}... of entry {seq}",
                code="CHAIN_BROKEN",
                field="prev_hash",
                value=entry.prev_hash,
                rule="each entry's prev_hash is the previous entry's hash",
            )
        if entry.defect is not None or entry_hash(entry.prev_hash, entry.body) != entry.hash:
            raise StoreError(
                f"append: entry {entry.seq} is not sound (its hash does not match its body)",
                code="HASH_MISMATCH",
                field="hash",
                value=entry.hash,
                rule="hash = sha256(prev_hash + body)",
            )
        seq = entry.seq
        prev = entry.hash


class MemoryStore:
    """A journal kept in memory (lost when the process ends).

    Entries are kept in their stored form, the rows ``(seq, body, prev_hash, hash)`` of plain
    strings, as the SQLite store keeps them, and are read back through
    :func:`~jcm.registry.journal.entry_from_stored`. So a memory registry reads exactly what a
    durable one would, and a long journal costs little memory and nothing to Python's garbage
    collector (a tuple of strings is not tracked), at the price of parsing the entries it reads.

    Examples
    --------
    >>> store = MemoryStore()
    >>> len(store), store.last()
    (0, None)
    """

    def __init__(self) -> None:
        self._rows: list[tuple[int, str, str, str]] = []
        self._meta: dict[str, str] = {}
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed", code="STORE_CLOSED")

    def _slice(self, start: int) -> list[tuple[int, str, str, str]]:
        self._check_open()
        return self._rows[max(start, 1) - 1 :]

    def entries(self, start: int = 1) -> Iterator[Entry]:
        """The entries with ``seq >= start``, in order (those present when iteration starts)."""
        return (entry_from_stored(*row) for row in self._slice(start))

    def rows(self, start: int = 1) -> Iterator[tuple[int, object, object, object]]:
        """The stored form ``(seq, body, prev_hash, hash)`` of the entries with ``seq >= start``."""
        return iter(self._slice(start))

    def last(self) -> Entry | None:
        """The last entry, or ``None``."""
        self._check_open()
        return entry_from_stored(*self._rows[-1]) if self._rows else None

    def append(self, entries: Sequence[Entry]) -> None:
        """Append ``entries`` after checking that they continue the chain (all or nothing)."""
        self._check_open()
        if not entries:
            return
        rows = self._rows
        if rows:
            _check_continuation(rows[-1][0], rows[-1][3], entries)
        else:
            _check_continuation(0, GENESIS_HASH, entries)
        rows.extend([(e.seq, e.body, e.prev_hash, e.hash) for e in entries])

    def get_meta(self, key: str) -> str | None:
        """The metadata value under ``key``, or ``None``."""
        self._check_open()
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        """Set the metadata ``key`` to ``value``."""
        self._check_open()
        if not isinstance(key, str) or not isinstance(value, str):
            raise StoreError(f"meta keys and values are strings, not {key!r}: {value!r}")
        self._meta[key] = value

    def close(self) -> None:
        """Mark the store closed (its entries are dropped)."""
        self._closed = True
        self._rows = []

    def __len__(self) -> int:
        """The number of entries."""
        self._check_open()
        return len(self._rows)

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._rows)} entries)"


_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS journal ("
    " seq INTEGER PRIMARY KEY, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_INSERT: Final = "INSERT INTO journal (seq, body, prev_hash, hash) VALUES (?, ?, ?, ?)"
_SELECT: Final = "SELECT seq, body, prev_hash, hash FROM journal WHERE seq >= ? ORDER BY seq"
_LAST: Final = "SELECT seq, body, prev_hash, hash FROM journal ORDER BY seq DESC LIMIT 1"

Synchronous = Literal["OFF", "NORMAL", "FULL", "EXTRA"]
"""The values of SQLite's ``PRAGMA synchronous`` that :class:`SqliteStore` accepts."""


def _close(cursor: sqlite3.Cursor) -> None:
    """Close a cursor; a reader left unfinished after its store closed has nothing to close."""
    with contextlib.suppress(sqlite3.ProgrammingError):
        cursor.close()


class SqliteStore:
    """A journal in an SQLite file (WAL mode), created if absent.

    Parameters
    ----------
    path
        The database file; ``":memory:"`` for a private in-memory database.
    synchronous
        SQLite's ``synchronous`` setting. ``"NORMAL"`` (default) keeps every acknowledged append
        through the death of the process; ``"FULL"`` also through a power loss (one fsync per
        append). See the module docstring.
    timeout
        Seconds to wait for another connection's write lock [s].

    Raises
    ------
    StoreError
        ``STORE_UNREADABLE`` when the file is not an SQLite database or has a newer layout.

    Notes
    -----
    One writer at a time. The store remembers the last ``seq`` and ``hash`` it wrote; the
    ``seq`` primary key makes a concurrent writer's append fail (``STORE_ERROR``) rather than fork
    the chain. Each ``append`` of one entry is a single ``INSERT`` (its own transaction); several
    entries are wrapped in ``BEGIN IMMEDIATE ... COMMIT``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Synchronous = "NORMAL",
        timeout: float = 5.0,
    ) -> None:
        if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise StoreError(
                f"synchronous: {synchronous!r} is not one of OFF, NORMAL, FULL, EXTRA",
                code="INVALID_VALUE",
                field="synchronous",
                value=synchronous,
            )
        self.path = os.fspath(path)
        self._conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open the journal file {self.path!r}: {exc}",
                code="STORE_UNREADABLE",
                field="path",
                value=self.path,
            ) from exc
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={synchronous}")
            conn.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                conn.execute(statement)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
                )
            elif row[0] != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path!r} has journal layout {row[0]!r}; this jcm reads "
                    f"{SCHEMA_VERSION!r}",
                    code="STORE_UNREADABLE",
                    field="schema_version",
                    value=row[0],
                )
            conn.execute("COMMIT")
            last = conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1")
            top = last.fetchone()
        except (sqlite3.Error, StoreError) as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(
                f"{self.path!r} is not a readable journal file: {exc}",
                code="STORE_UNREADABLE",
                field="path",
                value=self.path,
            ) from exc
        self._conn = conn
        self._last_seq: int = top[0] if top else 0
        self._last_hash: str = str(top[1]) if top else GENESIS_HASH

    def _connection(self) -> sqlite3.Connection:
        conn = self._conn
        if conn is None:
            raise StoreError(f"the store {self.path!r} is closed", code="STORE_CLOSED")
        return conn

    def _failed(self, action: str, exc: sqlite3.Error) -> StoreError:
        return StoreError(
            f"{action} failed on {self.path!r}: {exc}", code="STORE_ERROR", value=self.path
        )

    def entries(self, start: int = 1) -> Iterator[Entry]:
        """The entries with ``seq >= start`` in order, read from the file as iteration goes.

        Raises ``StoreError`` (``STORE_ERROR``) if the file cannot be read; a damaged row is
        still yielded (its ``defect`` says why) so that an audit can report it.
        """
        conn = self._connection()
        try:
            cursor = conn.execute(_SELECT, (start,))
        except sqlite3.Error as exc:
            raise self._failed("reading the journal", exc) from exc
        return self._iterate(cursor)

    def _iterate(self, cursor: sqlite3.Cursor) -> Iterator[Entry]:
        try:
            while True:
                try:
                    rows = cursor.fetchmany(_FETCH)
                except sqlite3.Error as exc:
                    raise self._failed("reading the journal", exc) from exc
                if not rows:
                    return
                for seq, body, prev_hash, stored_hash in rows:
                    yield entry_from_stored(seq, body, prev_hash, stored_hash)
        finally:
            _close(cursor)

    def rows(self, start: int = 1) -> Iterator[tuple[int, object, object, object]]:
        """The raw rows ``(seq, body, prev_hash, hash)`` with ``seq >= start``, unparsed."""
        conn = self._connection()
        try:
            cursor = conn.execute(_SELECT, (start,))
        except sqlite3.Error as exc:
            raise self._failed("reading the journal", exc) from exc
        return self._raw(cursor)

    def _raw(self, cursor: sqlite3.Cursor) -> Iterator[tuple[int, object, object, object]]:
        try:
            while True:
                try:
                    rows = cursor.fetchmany(_FETCH)
                except sqlite3.Error as exc:
                    raise self._failed("reading the journal", exc) from exc
                if not rows:
                    return
                yield from rows
        finally:
            _close(cursor)

    def last(self) -> Entry | None:
        """The stored entry with the highest ``seq``, or ``None``."""
        conn = self._connection()
        try:
            row = conn.execute(_LAST).fetchone()
        except sqlite3.Error as exc:
            raise self._failed("reading the journal", exc) from exc
        return None if row is None else entry_from_stored(*row)

    def append(self, entries: Sequence[Entry]) -> None:
        """Append ``entries`` in one SQLite transaction; all or nothing.

        Raises
        ------
        StoreError
            ``SEQUENCE_GAP``, ``CHAIN_BROKEN`` or ``HASH_MISMATCH`` when the entries do not
            continue the chain; ``STORE_ERROR`` when SQLite fails (nothing is written);
            ``STORE_CLOSED`` after :meth:`close`.
        """
        conn = self._connection()
        if not entries:
            return
        _check_continuation(self._last_seq, self._last_hash, entries)
        try:
            if len(entries) == 1:
                conn.execute(_INSERT, entries[0].row())
            else:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(_INSERT, [entry.row() for entry in entries])
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(conn)
            self._resync(conn)
            raise self._failed(
                f"appending entries {entries[0].seq}-{entries[-1].seq}", exc
            ) from exc
        except BaseException:  # KeyboardInterrupt...: the top is whatever SQLite kept
            self._rollback(conn)
            self._resync(conn)
            raise
        self._last_seq = entries[-1].seq
        self._last_hash = entries[-1].hash

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:  # the transaction is gone already; SQLite rolled it back
            pass

    def _resync(self, conn: sqlite3.Connection) -> None:
        try:
            top = conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
        except sqlite3.Error:
            return
        self._last_seq = top[0] if top else 0
        self._last_hash = str(top[1]) if top else GENESIS_HASH

    def get_meta(self, key: str) -> str | None:
        """The metadata value under ``key``, or ``None``."""
        conn = self._connection()
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise self._failed("reading metadata", exc) from exc
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set the metadata ``key`` to ``value`` (one transaction)."""
        conn = self._connection()
        if not isinstance(key, str) or not isinstance(value, str):
            raise StoreError(f"meta keys and values are strings, not {key!r}: {value!r}")
        try:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        except sqlite3.Error as exc:
            raise self._failed(f"writing metadata {key!r}", exc) from exc

    def close(self) -> None:
        """Close the connection (idempotent); later calls raise ``StoreError``."""
        conn = self._conn
        self._conn = None
        if conn is not None:
            self._rollback(conn)
            conn.close()

    def __len__(self) -> int:
        """The number of stored rows (a ``count(*)``: O(entries); use :meth:`last` for the top)."""
        conn = self._connection()
        try:
            (count,) = conn.execute("SELECT count(*) FROM journal").fetchone()
        except sqlite3.Error as exc:
            raise self._failed("counting the journal", exc) from exc
        return int(count)

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else "open"
        return f"SqliteStore({self.path!r}, {state})"


def open_store(
    path: str | os.PathLike[str] | None,
    *,
    synchronous: Synchronous = "NORMAL",
    timeout: float = 5.0,
) -> Store:
    """A :class:`MemoryStore` for ``None``, else a :class:`SqliteStore` on ``path``.

    Parameters
    ----------
    path
        ``None`` for memory, or the SQLite file (created if absent).
    synchronous, timeout
        Passed to :class:`SqliteStore` (ignored for memory).
    """
    if path is None:
        return MemoryStore()
    return SqliteStore(path, synchronous=synchronous, timeout=timeout)
