"""Crash safety: a registry killed with SIGKILL at random moments keeps every acknowledged request.

A child process (``crash_child.py``) submits transfers to an SQLite registry and prints each
acknowledged entry; the parent kills it at a random moment, reopens the file, and checks that
every acknowledged request is in the journal, that no batch is half-applied, that credits are
conserved and balances follow from the journal, and that ``verify()`` is clean. The loop is bounded
by a count of kills with a fixed seed.
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest

from jcm.registry import Registry

KILLS = 25
SEED = 20260105
CHILD = Path(__file__).with_name("crash_child.py")


def _load_child() -> ModuleType:
    spec = importlib.util.spec_from_file_location("jcm_crash_child", CHILD)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


child = _load_child()


def _read_acks(process: subprocess.Popen[str], acks: list[str], first: threading.Event) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        acks.append(line)
        first.set()


def _run_and_kill(path: Path, run: int, rng: random.Random) -> list[list[str]]:
    """Start a child on ``path``, kill it at a random moment; return its complete lines, split."""
    process = subprocess.Popen(
        [sys.executable, str(CHILD), str(path), f"r{run}", str(rng.randrange(2**32))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    acks: list[str] = []
    first = threading.Event()
    reader = threading.Thread(target=_read_acks, args=(process, acks, first), daemon=True)
    reader.start()
    try:
        started = first.wait(timeout=60)
        time.sleep(rng.uniform(0.0, 0.05))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        reader.join(timeout=30)
        assert process.stderr is not None
        errors = process.stderr.read()
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()
    assert started, f"the child acknowledged nothing: {errors}"
    assert process.returncode == -signal.SIGKILL, errors
    return [line.split() for line in acks if line.endswith("\n")]  # a torn last line is not one


def _balances_from_journal(registry: Registry) -> dict[str, int]:
    """Balances folded from the journal's requests alone (the issuance, then each transfer)."""
    balances: dict[str, int] = defaultdict(int)
    for entry in registry.store.entries():
        if entry.type == "issue":
            balances[child.ACCOUNTS[0]] += child.ISSUED
        elif entry.type == "transfer":
            balances[entry.request["from"]] -= entry.request["quantity"]
            balances[entry.request["to"]] += entry.request["quantity"]
    return dict(balances)


@pytest.fixture
def registry_path(tmp_path: Path) -> Path:
    """A small registry with credits issued, in an SQLite file."""
    path = tmp_path / "crash.sqlite"
    with Registry.open(path) as registry:
        child.build(registry)
        assert registry.balance(child.ACCOUNTS[0]) == child.ISSUED
    return path


def test_sigkill_loses_no_acknowledged_request(registry_path: Path) -> None:
    """Keeps every acknowledged request and applies nothing by half across 25 SIGKILLs."""
    rng = random.Random(SEED)
    acknowledged: dict[str, int] = {}
    batches: list[list[str]] = []
    for run in range(KILLS):
        for line in _run_and_kill(registry_path, run, rng):
            if line[0] == "A":
                acknowledged[line[2]] = int(line[1])
            else:
                batches.append(line[1].split(","))
        with Registry.open(registry_path) as registry:
            assert registry.damage == ()
            by_key = {
                entry.idempotency_key: entry.seq
                for entry in registry.store.entries()
                if entry.idempotency_key is not None
            }
            missing = {key: seq for key, seq in acknowledged.items() if by_key.get(key) != seq}
            assert missing == {}, f"run {run}: acknowledged but not in the journal: {missing}"
            for batch in batches:
                present = [key for key in batch if key in by_key]
                assert present in ([], batch), f"batch {batch} is half-applied: {present}"
            balances = {account: registry.balance(account) for account in child.ACCOUNTS}
            assert sum(balances.values()) == child.ISSUED
            folded = _balances_from_journal(registry)
            assert balances == {account: folded.get(account, 0) for account in child.ACCOUNTS}
            assert registry.verify() == ()
    assert len(acknowledged) > KILLS  # the children did work before each kill
    assert batches  # and some of it in batches
