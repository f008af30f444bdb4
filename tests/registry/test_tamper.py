"""Tampering: bytes of a registry's SQLite file changed behind its back are found and named.

A registry with a few dozen entries is written to a file; then a stored body, ``prev_hash`` or
``hash`` is changed, a row deleted, two rows swapped, or a byte of the file itself flipped.
Opening the file replays the journal up to the damage and refuses new requests
(``JOURNAL_DAMAGED``); ``verify()`` names the damaged entry. A file changed underneath an open
registry is caught by ``verify()`` too.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from jcm.errors import JcmError, Problem
from jcm.registry import Registry
from jcm.registry.journal import entry_hash

CHILD = Path(__file__).with_name("crash_child.py")
TRANSFERS = 12


def _load_child() -> ModuleType:
    spec = importlib.util.spec_from_file_location("jcm_tamper_child", CHILD)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


child = _load_child()


@pytest.fixture
def journal(tmp_path: Path) -> tuple[Path, int]:
    """A closed SQLite registry with issuance and transfers; its path and entry count."""
    path = tmp_path / "tamper.sqlite"
    accounts = child.ACCOUNTS
    with Registry.open(path) as registry:
        child.build(registry)
        for i in range(TRANSFERS):
            source, target = accounts[0], accounts[1 + i % 5]
            registry.submit(
                {
                    "type": "transfer",
                    "actor": child.holder(source),
                    "from": source,
                    "to": target,
                    "quantity": 100 + i,
                    "idempotency_key": f"tamper-key-{i:02d}",
                }
            )
        count = registry.last_entry
        assert count >= 40
        assert registry.verify() == ()
    return path, count


def _sql(path: Path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(statement, params)
        conn.commit()
    finally:
        conn.close()


def _row(path: Path, seq: int) -> tuple[str, str, str]:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT body, prev_hash, hash FROM journal WHERE seq = ?", (seq,)
        ).fetchone()
    finally:
        conn.close()
    return str(row[0]), str(row[1]), str(row[2])


def _flip(text: str, index: int) -> str:
    """``text`` with the character at ``index`` changed (digits and letters stay printable)."""
    old = text[index]
    new = "7" if old != "7" else "8"
    return text[:index] + new + text[index + 1 :]


def _pairs(problems: tuple[Problem, ...]) -> set[tuple[str, str | None]]:
    return {(p.code, p.subject) for p in problems}


def change_body(path: Path, seq: int) -> None:
    """Change one character in the middle of entry ``seq``'s stored body."""
    body, _, _ = _row(path, seq)
    _sql(path, "UPDATE journal SET body = ? WHERE seq = ?", _flip(body, len(body) // 2), seq)


def change_quantity(path: Path, seq: int) -> None:
    """Raise the quantity written in entry ``seq``'s body (still valid JSON)."""
    body, _, _ = _row(path, seq)
    assert '"quantity":' in body
    _sql(
        path,
        "UPDATE journal SET body = ? WHERE seq = ?",
        body.replace('"quantity":1', '"quantity":9', 1),
        seq,
    )


def change_prev_hash(path: Path, seq: int) -> None:
    """Change one hex digit of entry ``seq``'s stored prev_hash."""
    _, prev_hash, _ = _row(path, seq)
    _sql(path, "UPDATE journal SET prev_hash = ? WHERE seq = ?", _flip(prev_hash, 10), seq)


def change_hash(path: Path, seq: int) -> None:
    """Change one hex digit of entry ``seq``'s stored hash."""
    _, _, stored = _row(path, seq)
    _sql(path, "UPDATE journal SET hash = ? WHERE seq = ?", _flip(stored, 63), seq)


def delete_row(path: Path, seq: int) -> None:
    """Delete entry ``seq``."""
    _sql(path, "DELETE FROM journal WHERE seq = ?", seq)


def swap_rows(path: Path, seq: int) -> None:
    """Exchange the stored contents of entries ``seq`` and ``seq + 1``."""
    first, second = _row(path, seq), _row(path, seq + 1)
    for target, (body, prev_hash, stored) in ((seq, second), (seq + 1, first)):
        _sql(
            path,
            "UPDATE journal SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            body,
            prev_hash,
            stored,
            target,
        )


# (tampering, the problems that must be reported for the entry k it was applied to)
CASES: dict[str, tuple[Callable[[Path, int], None], Callable[[int], set[tuple[str, str]]]]] = {
    "body": (change_body, lambda k: {("HASH_MISMATCH", f"entry {k}")}),
    "quantity": (change_quantity, lambda k: {("HASH_MISMATCH", f"entry {k}")}),
    "prev_hash": (
        change_prev_hash,
        lambda k: {("HASH_MISMATCH", f"entry {k}"), ("CHAIN_BROKEN", f"entry {k}")},
    ),
    "hash": (
        change_hash,
        lambda k: {("HASH_MISMATCH", f"entry {k}"), ("CHAIN_BROKEN", f"entry {k + 1}")},
    ),
    "deleted": (
        delete_row,
        lambda k: {("SEQUENCE_GAP", f"entry {k + 1}"), ("CHAIN_BROKEN", f"entry {k + 1}")},
    ),
    "swapped": (
        swap_rows,
        lambda k: {("CHAIN_BROKEN", f"entry {k}"), ("ROW_MISMATCH", f"entry {k}")},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("where", ["middle", "late"])
def test_tampered_file_is_refused_and_verify_names_the_entry(
    journal: tuple[Path, int], case: str, where: str
) -> None:
    """Refuses new requests on a tampered file and names the tampered entry in verify()."""
    path, count = journal
    tamper, expected = CASES[case]
    first_transfer = count - TRANSFERS + 1
    k = first_transfer + 3 if where == "middle" else count - 1
    tamper(path, k)
    with Registry.open(path) as registry:
        assert registry.damage, "opening a tampered journal reports damage"
        assert all(p.subject is not None for p in registry.damage)
        assert registry.damage[0].subject == f"entry {k}" or (
            case == "deleted" and registry.damage[0].subject == f"entry {k + 1}"
        )
        assert registry.last_entry < k + (case == "deleted")  # replayed up to the damage only
        with pytest.raises(JcmError) as info:
            registry.submit(
                {
                    "type": "transfer",
                    "actor": child.holder(child.ACCOUNTS[0]),
                    "from": child.ACCOUNTS[0],
                    "to": child.ACCOUNTS[1],
                    "quantity": 1,
                }
            )
        assert info.value.code == "JOURNAL_DAMAGED"
        problems = registry.verify()
    assert expected(k) <= _pairs(problems)


def test_byte_flipped_in_the_file_is_found(journal: tuple[Path, int]) -> None:
    """Finds one byte changed in the database file itself, naming its entry."""
    path, _ = journal
    raw = path.read_bytes()
    needle = b"tamper-key-05"
    at = raw.find(needle)
    assert at >= 0
    assert raw.count(needle) == 1
    damaged = raw[:at] + b"tamper-kez-05" + raw[at + len(needle) :]
    path.write_bytes(damaged)
    with Registry.open(path) as registry:
        seq = next(
            entry.seq
            for entry in registry.store.entries()
            if entry.idempotency_key == "tamper-kez-05"
        )
        assert ("HASH_MISMATCH", f"entry {seq}") in _pairs(registry.damage)
        assert ("HASH_MISMATCH", f"entry {seq}") in _pairs(registry.verify())


def test_verify_sees_a_file_changed_under_an_open_registry(journal: tuple[Path, int]) -> None:
    """Reports tampering done through another connection while the registry is open."""
    path, count = journal
    with Registry.open(path) as registry:
        assert registry.damage == ()
        assert registry.verify() == ()
        change_body(path, count - 2)
        delete_row(path, count - 5)
        problems = _pairs(registry.verify())
        fast = _pairs(registry.verify(replay=False))
    assert ("HASH_MISMATCH", f"entry {count - 2}") in problems
    assert ("SEQUENCE_GAP", f"entry {count - 4}") in problems
    assert ("HASH_MISMATCH", f"entry {count - 2}") in fast
    assert ("SEQUENCE_GAP", f"entry {count - 4}") in fast


def test_fast_verify_sees_a_journal_that_does_not_end_at_the_state(
    journal: tuple[Path, int],
) -> None:
    """Reports TIP_MISMATCH when the journal's last entries are cut, even with a sound chain."""
    path, count = journal
    with Registry.open(path) as registry:
        assert registry.verify(replay=False) == ()
        _sql(path, "DELETE FROM journal WHERE seq >= ?", count - 1)
        problems = registry.verify(replay=False)
    assert [p.code for p in problems] == ["TIP_MISMATCH"]


def test_fast_verify_audits_a_damaged_registry_in_full(journal: tuple[Path, int]) -> None:
    """Gives the thorough audit's problems for a registry opened on a damaged journal."""
    path, count = journal
    change_body(path, count - 3)
    with Registry.open(path) as registry:
        assert registry.damage
        assert registry.verify(replay=False) == registry.verify()


def test_untouched_file_opens_clean(journal: tuple[Path, int]) -> None:
    """Opens an untouched file with no damage and a clean verify()."""
    path, count = journal
    with Registry.open(path) as registry:
        assert registry.damage == ()
        assert registry.last_entry == count
        assert registry.verify() == ()


def test_verify_reports_a_rehashed_body_of_the_wrong_types(journal: tuple[Path, int]) -> None:
    """Names an entry whose fee is not an integer although its hash was recomputed to match."""
    path, count = journal
    body, prev_hash, _ = _row(path, count)
    assert '"fee":2500,' in body
    forged = body.replace('"fee":2500,', '"fee":"2500",', 1)
    _sql(
        path,
        "UPDATE journal SET body = ?, hash = ? WHERE seq = ?",
        forged,
        entry_hash(prev_hash, forged),
        count,
    )
    with Registry.open(path) as registry:
        assert ("BODY_UNREADABLE", f"entry {count}") in _pairs(registry.damage)
        assert ("BODY_UNREADABLE", f"entry {count}") in _pairs(registry.verify())
