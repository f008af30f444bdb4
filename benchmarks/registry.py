"""The registry benchmark of BENCHMARK.md: the engine against two baselines, in one run.

Run ``python benchmarks/registry.py`` (``--n`` scales the measured requests, default 100,000;
``--repeat`` the repetitions of each timed figure, the median is reported). It prints one JSON
line per measurement and a short human summary with the ratios and which targets are met.

What is measured (the workload is :func:`baselines.make_workload`, generated up front and not
timed):

* ``memory_requests_per_s``: the ``n`` requests submitted one by one to ``Registry()`` (memory
  store, hash chain included), each through the public request API with its actor and every check;
* ``sqlite_requests_per_s``: the same on ``Registry.open(file)``, one SQLite transaction per
  request;
* ``sqlite_batched_requests_per_s``: the same through ``submit_batch`` in batches of 100;
* ``replay_entries_per_s``: reopening the SQLite file (replay and chain check), entries/s;
* ``verify_entries_per_s``: ``verify()`` over the whole journal, entries/s (the default, thorough
  audit: chain, parse and replay of every entry, invariants, comparison with the live state);
* ``verify_fast_entries_per_s``: ``verify(replay=False)``, the fast audit (chain over the raw rows
  up to the live state's tip, invariants on the live state; no replay), entries/s;
* ``peak_rss_mb_per_million_blocks``: peak resident memory added by building and running the
  SQLite-backed registry in a fresh child process, per million credit blocks held at the end;
* ``dict_baseline_requests_per_s`` and ``sqlite_baseline_requests_per_s``: the baselines of
  ``benchmarks/baselines.py`` on the same moves.

The setup (parties, principals, accounts, 200 projects through the whole project cycle,
authorizations, 2,000 issuances) goes through the same public API, in batches, and is not timed.
The generated workload is moved out of the garbage collector's sight (``gc.freeze()``) before
anything is measured, for every system alike; each system's own objects are collected as usual
(``--no-freeze`` leaves it in: every figure then pays for scanning it, the dict baseline most).
Every ledger is checked at the end: conservation per (registry, project, vintage), no overlapping
serials, the final holdings equal to the generating model's, and ``verify()`` clean.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from baselines import (
    PARTIES,
    PARTNER,
    VINTAGES,
    DictLedger,
    SqliteLedger,
    Workload,
    check_ledger,
    chunks,
    holder_of,
    make_workload,
    retirement_account,
)

from jcm.registry import Registry, Rejection

CLOCK_AT = dt.datetime(2031, 3, 1, tzinfo=dt.UTC)
"""The engine's clock: after the last vintage, so every monitoring period is in the past."""
BATCH = 100
"""Requests per ``submit_batch`` call in the batched SQLite figure."""
SETUP_BATCH = 1000

TARGETS = {
    "sqlite_vs_sqlite_baseline": 3.0,
    "memory_vs_dict_baseline": 0.2,
    "sqlite_batched_requests_per_s": 40_000.0,
    "replay_entries_per_s": 100_000.0,
    "verify_entries_per_s": 200_000.0,
    "verify_fast_entries_per_s": 200_000.0,
    "peak_rss_mb_per_million_blocks": 400.0,
}


def clock() -> dt.datetime:
    """The fixed clock of the benchmark (the engine never lets time go backwards)."""
    return CLOCK_AT


def admin(registry: str) -> str:
    """The registry administrator of a registry."""
    return f"{registry}-admin"


def setup_requests(workload: Workload) -> Iterator[dict[str, Any]]:
    """Every request that builds the workload's registries, in the order they must be applied."""
    operator = "operator"
    for party, registry in PARTIES:
        yield {
            "type": "add_party",
            "actor": operator,
            "party": party,
            "registry_id": registry,
            "administrator": admin(registry),
        }
    for principal, role in (
        ("jc", "joint_committee"),
        ("tpe", "third_party_entity"),
        ("pp", "project_participant"),
    ):
        yield {
            "type": "add_principal",
            "actor": operator,
            "principal": principal,
            "role": role,
            "party": PARTNER,
        }
    for party, registry in PARTIES:
        for account in workload.accounts_of(registry):
            yield {
                "type": "add_principal",
                "actor": admin(registry),
                "principal": holder_of(account),
                "role": "account_holder",
                "party": party,
            }
            yield {
                "type": "open_account",
                "actor": admin(registry),
                "account": account,
                "party": party,
                "kind": "entity_holding",
                "holder": holder_of(account),
            }
        yield {
            "type": "open_account",
            "actor": admin(registry),
            "account": retirement_account(registry),
            "party": party,
            "kind": "retirement",
            "holder": admin(registry),
        }
    party_of = {registry: party for party, registry in PARTIES}
    for project in workload.projects:
        registry, account = workload.allocation[project]
        yield from (
            {
                "type": "submit_pin",
                "actor": "pp",
                "project": project,
                "partner": PARTNER,
                "title": f"Solar power {project}",
                "sector": "energy",
                "participants": ["pp"],
            },
            {"type": "decide_no_objection", "actor": "jc", "project": project},
            {
                "type": "submit_pdd",
                "actor": "pp",
                "project": project,
                "methodology": "solar-pv",
                "methodology_version": "1.0",
                "crediting_period": {"start": "2021-01-01", "end": "2030-12-31"},
                "allocation": [{"party": party_of[registry], "account": account, "share": "100"}],
            },
            {"type": "start_public_input", "actor": "jc", "project": project, "on": "2020-06-01"},
            {"type": "close_public_input", "actor": "jc", "project": project, "on": "2020-07-01"},
            {
                "type": "submit_validation_report",
                "actor": "tpe",
                "project": project,
                "positive": True,
            },
            {"type": "register_project", "actor": "jc", "project": project},
        )
        for party, registry_id in PARTIES:
            yield {
                "type": "authorize",
                "actor": admin(registry_id),
                "authorization": f"AUTH-{party}-{project}",
                "party": party,
                "project": project,
                "vintages": list(VINTAGES),
                "purposes": ["NDC"],
            }
    for issuance in workload.issuances:
        project = issuance.project
        period = {"start": f"{issuance.vintage}-01-01", "end": f"{issuance.vintage}-12-31"}
        quantity = issuance.end - issuance.start + 1
        yield from (
            {
                "type": "submit_monitoring_report",
                "actor": "pp",
                "project": project,
                "period": period,
            },
            {
                "type": "submit_verification_report",
                "actor": "tpe",
                "project": project,
                "period": period,
                "verified_reductions": quantity,
            },
            {"type": "request_issuance", "actor": "pp", "project": project, "period": period},
            {
                "type": "decide_issuance",
                "actor": "jc",
                "project": project,
                "period": period,
                "quantities_by_vintage": {str(issuance.vintage): quantity},
            },
            {
                "type": "issue",
                "actor": admin(issuance.registry),
                "project": project,
                "period": period,
                "party": party_of[issuance.registry],
            },
        )


def build(registry: Registry, workload: Workload) -> int:
    """Apply the setup in batches; return the number of entries. Raises on any rejection."""
    for batch in chunks(tuple(setup_requests(workload)), SETUP_BATCH):
        for request, result in zip(batch, registry.submit_batch(batch), strict=True):
            if isinstance(result, Rejection):
                raise SystemExit(f"setup rejected {request}: {result.to_json()}")
    return registry.last_entry


def engine_holdings(registry: Registry) -> dict[str, list[tuple[int, int, str, int]]]:
    """Blocks per account of the engine, as (start, end, project, vintage)."""
    out: dict[str, list[tuple[int, int, str, int]]] = {}
    for account in registry.balances():
        blocks = registry.holdings(account)
        if blocks:
            out[account] = [(b.serials.start, b.serials.end, b.project, b.vintage) for b in blocks]
    return out


def block_count(registry: Registry) -> int:
    """The number of credit blocks held in all accounts."""
    return sum(len(registry.holdings(account)) for account in registry.balances())


def submit_each(registry: Registry, requests: list[dict[str, Any]]) -> None:
    """Submit requests one by one (each its own journal append)."""
    submit = registry.submit
    for request in requests:
        submit(request)


def submit_batched(registry: Registry, requests: list[dict[str, Any]]) -> None:
    """Submit requests through ``submit_batch`` in batches of :data:`BATCH`."""
    for i in range(0, len(requests), BATCH):
        for result in registry.submit_batch(requests[i : i + BATCH]):
            if isinstance(result, Rejection):
                raise SystemExit(f"a measured request was rejected: {result.to_json()}")


def timed(action: Callable[[], object]) -> float:
    """Seconds taken by ``action`` (garbage collection as usual)."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def emit(name: str, value: float, unit: str, **extra: Any) -> dict[str, Any]:
    """Print one measurement as a JSON line and return it."""
    record = {"benchmark": "registry", "name": name, "value": round(value, 3), "unit": unit}
    record.update(extra)
    print(json.dumps(record), flush=True)
    return record


def check_engine(workload: Workload, registry: Registry, label: str) -> None:
    """Conservation, no overlaps, holdings as generated, and ``verify()`` clean; else exit."""
    failures = check_ledger(workload, engine_holdings(registry))
    problems = registry.verify()
    if problems:
        failures.append(f"verify() found {len(problems)} problems, e.g. {problems[0]}")
    if failures:
        raise SystemExit(f"{label}: " + "; ".join(failures))


def run_memory(workload: Workload, requests: list[dict[str, Any]]) -> tuple[float, Registry]:
    """Seconds for the moves on a fresh memory registry, and the registry."""
    registry = Registry(clock=clock)
    build(registry, workload)
    gc.collect()
    seconds = timed(lambda: submit_each(registry, requests))
    return seconds, registry


def run_sqlite(
    workload: Workload, requests: list[dict[str, Any]], path: Path, *, batched: bool
) -> float:
    """Seconds for the moves on a fresh SQLite registry at ``path`` (left on disk, closed)."""
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    registry = Registry.open(path, clock=clock)
    try:
        build(registry, workload)
        gc.collect()
        runner = submit_batched if batched else submit_each
        return timed(lambda: runner(registry, requests))
    finally:
        registry.close()


def rss_kib(field: str) -> int:
    """A memory figure of this process from ``/proc/self/status`` [KiB]."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_child(n: int, seed: int) -> None:
    """Child mode: build and run the SQLite registry, print blocks and memory added [KiB]."""
    workload = make_workload(n, seed=seed)
    requests = [move.request() for move in workload.moves]
    with tempfile.TemporaryDirectory() as tmp:
        gc.collect()
        base = rss_kib("VmRSS")
        registry = Registry.open(Path(tmp) / "rss.sqlite", clock=clock)
        try:
            build(registry, workload)
            submit_batched(registry, requests)
            blocks = block_count(registry)
            peak = rss_kib("VmHWM")
        finally:
            registry.close()
    print(json.dumps({"blocks": blocks, "added_kib": peak - base}))


def median(values: Iterable[float]) -> float:
    """The median of ``values``."""
    return statistics.median(list(values))


def one_round(
    workload: Workload, requests: list[dict[str, Any]], base: Path, index: int
) -> dict[str, float]:
    """One repetition of every figure, side by side: baselines, then the engine (seconds/rates)."""
    moves = workload.moves
    n = len(requests)
    out: dict[str, float] = {}

    ledger = DictLedger()
    ledger.issue(workload.issuances)
    gc.collect()
    out["dict_baseline_requests_per_s"] = n / timed(lambda: ledger.apply(moves))
    if failures := check_ledger(workload, ledger.holdings()):
        raise SystemExit(f"dict baseline: {failures}")

    sql_ledger = SqliteLedger(base / f"baseline-{index}.sqlite")
    try:
        sql_ledger.setup(workload)
        gc.collect()
        out["sqlite_baseline_requests_per_s"] = n / timed(lambda: sql_ledger.apply(moves))
        if failures := check_ledger(workload, sql_ledger.holdings()):
            raise SystemExit(f"SQLite baseline: {failures}")
    finally:
        sql_ledger.close()

    seconds, registry = run_memory(workload, requests)
    out["memory_requests_per_s"] = n / seconds
    check_engine(workload, registry, "memory registry")
    registry.close()
    del registry

    path = base / "engine.sqlite"
    out["sqlite_requests_per_s"] = n / run_sqlite(workload, requests, path, batched=False)
    out["sqlite_batched_requests_per_s"] = n / run_sqlite(workload, requests, path, batched=True)

    # Replay (open) and verify over the journal just written by the batched run.
    gc.collect()
    start = time.perf_counter()
    registry = Registry.open(path, clock=clock)
    replay_seconds = time.perf_counter() - start
    try:
        entries = registry.last_entry
        if registry.damage:
            raise SystemExit(f"replay found damage: {registry.damage[0]}")
        gc.collect()
        start = time.perf_counter()
        problems = registry.verify()
        verify_seconds = time.perf_counter() - start
        if problems:
            raise SystemExit(f"verify() found {len(problems)} problems: {problems[0]}")
        gc.collect()
        start = time.perf_counter()
        problems = registry.verify(replay=False)
        verify_fast_seconds = time.perf_counter() - start
        if problems:
            raise SystemExit(f"verify(replay=False) found {len(problems)} problems: {problems[0]}")
        if failures := check_ledger(workload, engine_holdings(registry)):
            raise SystemExit(f"replayed SQLite registry: {failures}")
    finally:
        registry.close()
    out["replay_entries_per_s"] = entries / replay_seconds
    out["verify_entries_per_s"] = entries / verify_seconds
    out["verify_fast_entries_per_s"] = entries / verify_fast_seconds
    out["entries"] = entries
    out["memory_vs_dict_baseline"] = (
        out["memory_requests_per_s"] / out["dict_baseline_requests_per_s"]
    )
    out["sqlite_vs_sqlite_baseline"] = (
        out["sqlite_requests_per_s"] / out["sqlite_baseline_requests_per_s"]
    )
    return out


UNITS = {
    "dict_baseline_requests_per_s": "requests/s",
    "sqlite_baseline_requests_per_s": "requests/s",
    "memory_requests_per_s": "requests/s",
    "sqlite_requests_per_s": "requests/s",
    "sqlite_batched_requests_per_s": "requests/s",
    "replay_entries_per_s": "entries/s",
    "verify_entries_per_s": "entries/s",
    "verify_fast_entries_per_s": "entries/s",
    "memory_vs_dict_baseline": "ratio",
    "sqlite_vs_sqlite_baseline": "ratio",
}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status (non-zero when a check fails)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="measured requests (100000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every figure (3)")
    parser.add_argument("--seed", type=int, default=20260105, help="workload seed")
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-rss", action="store_true", help="skip the memory figure")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave the workload to the garbage collector"
    )
    args = parser.parse_args(argv)
    if args.rss_child:
        rss_child(args.n, args.seed)
        return 0

    workload = make_workload(args.n, seed=args.seed)
    requests = [move.request() for move in workload.moves]
    n = len(requests)
    # The generated workload belongs to no measured system: move it out of the garbage
    # collector's sight, so no system pays for scanning the harness's own objects.
    if not args.no_freeze:
        gc.collect()
        gc.freeze()
    rounds: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(args.repeat):
            rounds.append(one_round(workload, requests, Path(tmp), index))
    results: dict[str, float] = {}
    for name, unit in UNITS.items():
        values = [r[name] for r in rounds]
        results[name] = median(values)
        extra: dict[str, Any] = {"rounds": [round(v, 3) for v in values]}
        if unit == "requests/s":
            extra["n"] = n
        elif unit == "entries/s":
            extra["entries"] = int(rounds[0]["entries"])
        if name == "sqlite_batched_requests_per_s":
            extra["batch"] = BATCH
        emit(name, results[name], unit, **extra)

    if not args.skip_rss:
        child = subprocess.run(
            [sys.executable, __file__, "--rss-child", "--n", str(args.n), "--seed", str(args.seed)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        report = json.loads(child.stdout.strip().splitlines()[-1])
        blocks = report["blocks"]
        results["peak_rss_mb_per_million_blocks"] = (
            report["added_kib"] / 1024 / (blocks / 1_000_000)
        )
        emit(
            "peak_rss_mb_per_million_blocks",
            results["peak_rss_mb_per_million_blocks"],
            "MB per 10^6 blocks",
            blocks=blocks,
            added_mb=round(report["added_kib"] / 1024, 1),
        )
    summary(results, n, args.repeat)
    return 0


def summary(results: dict[str, float], n: int, repeat: int) -> None:
    """Print the human summary: figures, ratios, and which targets are met."""
    memory_ratio = results["memory_vs_dict_baseline"]
    sqlite_ratio = results["sqlite_vs_sqlite_baseline"]
    checks = [
        ("sqlite_vs_sqlite_baseline", sqlite_ratio, ">="),
        ("memory_vs_dict_baseline", memory_ratio, ">="),
        ("sqlite_batched_requests_per_s", results["sqlite_batched_requests_per_s"], ">="),
        ("replay_entries_per_s", results["replay_entries_per_s"], ">="),
        ("verify_entries_per_s", results["verify_entries_per_s"], ">="),
        ("verify_fast_entries_per_s", results["verify_fast_entries_per_s"], ">="),
    ]
    if "peak_rss_mb_per_million_blocks" in results:
        checks.append(
            ("peak_rss_mb_per_million_blocks", results["peak_rss_mb_per_million_blocks"], "<=")
        )
    print(f"\nregistry benchmark, {n:,} measured requests, median of {repeat} interleaved rounds")
    for name, value in results.items():
        print(f"  {name:34s} {value:14,.3f}" if "_vs_" in name else f"  {name:34s} {value:14,.1f}")
    print("targets:")
    for name, value, sense in checks:
        target = TARGETS[name]
        met = value >= target if sense == ">=" else value <= target
        share = value / target if sense == ">=" else target / value if value else float("inf")
        verdict = "met" if met else f"MISSED ({share:.0%} of target)"
        print(f"  {name:34s} {value:12,.2f} {sense} {target:,.1f}: {verdict}")


if __name__ == "__main__":
    sys.exit(main())
