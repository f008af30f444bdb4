"""Benchmark of the methodology calculations (BENCHMARK.md, "Methodology workload").

``awd-rice`` with N strata given as columns (random but plausible values, fixed seed):

* ``vectorized_strata_per_s``: rows per second of the batch path
  (``jcm.methodologies.get("awd-rice").calculate_batch(columns)``: validation with row numbers,
  the equations, per-row credits, provenance hash), with text columns as numpy string arrays;
* ``vectorized_categorical_strata_per_s``: the same with a pandas DataFrame whose regime columns are
  categoricals (if pandas is installed);
* ``loop_strata_per_s``: a plain per-row Python loop over the same equations and the same checks
  (finite, in range, known regime), in the same process;
* ``speedup_vs_loop`` and ``speedup_categorical_vs_loop``: loop time over vectorized time
  (target >= 30; the vectorized rate target is >= 2e6 strata/s). numpy text columns are coded
  in one exact pass (about 10-15 ms per million rows and column, the time to read their text), so
  categoricals, which are coded by their few categories, are still the faster form;
* ``cli_seconds``: ``jcm calculate awd-rice FILE --json`` end to end (a new process) on a JSON file
  of N/10 strata (100,000 by default; target < 5 s).

Each figure is the median of several repetitions, run interleaved (loop, strings, categoricals)
so that a change of load on a shared machine hits all alike; ratios are medians of per-repetition
ratios. Prints one JSON line per measurement, then a
short summary. ``--n`` scales the workload.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import jcm.methodologies
from jcm.methodologies.tables import (
    GWP_SETS,
    NITROUS_OXIDE_NITROGEN_TO_N2O,
    RICE_N2O_EMISSION_FACTORS,
    RICE_ORGANIC_AMENDMENT_CONVERSION,
    RICE_PRESEASON_SCALING,
    RICE_SF_O_EXPONENT,
    RICE_WATER_REGIME_SCALING,
)

REGIMES = np.array(["continuously_flooded", "single_drainage", "multiple_drainage"])
PRESEASON = np.array(list(RICE_PRESEASON_SCALING.keys()))
SEED = 20250601


def make_columns(n: int, seed: int = SEED) -> dict[str, Any]:
    """N plausible strata as columns: the project regime is drier than the reference."""
    rng = np.random.default_rng(seed)
    reference = rng.integers(0, 2, n)
    project = np.minimum(reference + 1 + rng.integers(0, 2, n), 2)
    return {
        "area": np.round(rng.uniform(0.1, 50.0, n), 3),
        "cultivation_days": rng.integers(80, 131, n).astype(np.float64),
        "baseline_emission_factor": np.round(rng.uniform(0.65, 3.0, n), 3),
        "reference_water_regime": REGIMES[reference],
        "project_water_regime": REGIMES[project],
        "preseason_water_regime": PRESEASON[rng.integers(0, 4, n)],
        "organic_amendment_compost": np.round(rng.uniform(0.0, 5.0, n), 2),
        "nitrogen_input": np.round(rng.uniform(0.0, 120.0, n), 1),
    }


def loop(rows: dict[str, list[Any]], gwp: str = "AR5", ud: float = 0.0) -> list[int]:
    """The same equations and checks as a plain per-row Python loop: the credits per row."""
    sf_w = RICE_WATER_REGIME_SCALING.as_dict()
    sf_p = RICE_PRESEASON_SCALING.as_dict()
    ef_n2o = RICE_N2O_EMISSION_FACTORS.as_dict()
    cfoa = RICE_ORGANIC_AMENDMENT_CONVERSION["compost"]
    order = {r: i for i, r in enumerate(REGIMES.tolist())}
    gwp_ch4, gwp_n2o = GWP_SETS[gwp]["CH4"], GWP_SETS[gwp]["N2O"]
    credits = []
    columns = zip(
        rows["area"],
        rows["cultivation_days"],
        rows["baseline_emission_factor"],
        rows["reference_water_regime"],
        rows["project_water_regime"],
        rows["preseason_water_regime"],
        rows["organic_amendment_compost"],
        rows["nitrogen_input"],
        strict=True,
    )
    for i, (area, days, efc, ref, pj, pre, compost, nitrogen) in enumerate(columns):
        if not (math.isfinite(area) and area > 0):
            raise ValueError(f"area[{i}]")
        if not (days > 0 and days == math.floor(days)):
            raise ValueError(f"cultivation_days[{i}]")
        if not (0 <= efc <= 20):
            raise ValueError(f"baseline_emission_factor[{i}]")
        if not (0 <= compost <= 50):
            raise ValueError(f"organic_amendment_compost[{i}]")
        if not (math.isfinite(nitrogen) and nitrogen >= 0):
            raise ValueError(f"nitrogen_input[{i}]")
        if ref not in sf_w or pj not in sf_w or pre not in sf_p:
            raise ValueError(f"regime[{i}]")
        sf_o = (1.0 + compost * cfoa) ** RICE_SF_O_EXPONENT
        flooded = efc * 1.0 * sf_p[pre] * sf_o * 1.0 * days * area * 1e-3 * gwp_ch4
        n2o = nitrogen * area * NITROUS_OXIDE_NITROGEN_TO_N2O * 1e-3 * gwp_n2o
        if order[pj] > order[ref]:
            re = flooded * sf_w[ref] + n2o * ef_n2o[ref]
            pe = flooded * sf_w[pj] + n2o * ef_n2o[pj]
        else:
            re = pe = 0.0
        exact = (re - pe) * (1.0 - ud)
        credits.append(max(math.floor(round(exact, 6)), 0))
    return credits


def median_seconds(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls [s], and the last result."""
    times = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def emit(measurement: str, value: float, **extra: object) -> None:
    """Print one JSON line."""
    print(
        json.dumps(
            {"benchmark": "methodologies", "measurement": measurement, "value": value, **extra}
        )
    )


def cli_document(columns: dict[str, Any], n: int) -> dict[str, Any]:
    """The JSON input of ``jcm calculate awd-rice`` for the first ``n`` rows."""
    strata = [
        {
            "name": f"S{i}",
            "area": float(columns["area"][i]),
            "cultivation_days": int(columns["cultivation_days"][i]),
            "baseline_emission_factor": float(columns["baseline_emission_factor"][i]),
            "reference_water_regime": str(columns["reference_water_regime"][i]),
            "project_water_regime": str(columns["project_water_regime"][i]),
            "preseason_water_regime": str(columns["preseason_water_regime"][i]),
            "organic_amendments": [
                {"type": "compost", "rate": float(columns["organic_amendment_compost"][i])}
            ],
            "nitrogen_input": float(columns["nitrogen_input"][i]),
        }
        for i in range(n)
    ]
    return {"period": {"start": "2025-06-01", "end": "2025-10-31"}, "strata": strata}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="strata in the batch")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (median)")
    args = parser.parse_args(argv)
    n = args.n
    m = jcm.methodologies.get("awd-rice")
    columns = make_columns(n)

    m.calculate_batch({k: v[:1000] for k, v in columns.items()})  # warm up
    frame = None
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        pd = None
    if pd is not None:
        frame = pd.DataFrame(columns)
        for c in ("reference_water_regime", "project_water_regime", "preseason_water_regime"):
            frame[c] = frame[c].astype("category")
    rows = {k: v.tolist() for k, v in columns.items()}

    # Interleaved repetitions, so that a change of machine load hits all three alike.
    times: dict[str, list[float]] = {"loop": [], "strings": [], "categorical": []}
    credits: object = None
    batch: Any = None
    for _ in range(args.repeat):
        t, credits = median_seconds(lambda: loop(rows), 1)
        times["loop"].append(t)
        t, batch = median_seconds(lambda: m.calculate_batch(columns), 1)
        times["strings"].append(t)
        if frame is not None:
            t, _ = median_seconds(lambda: m.calculate_batch(frame), 1)
            times["categorical"].append(t)
    seconds = statistics.median(times["strings"])
    loop_seconds = statistics.median(times["loop"])
    vectorized = n / seconds
    emit("vectorized_strata_per_s", vectorized, n=n, seconds=seconds)
    categorical = None
    if times["categorical"]:
        seconds_cat = statistics.median(times["categorical"])
        categorical = n / seconds_cat
        emit("vectorized_categorical_strata_per_s", categorical, n=n, seconds=seconds_cat)
    emit("loop_strata_per_s", n / loop_seconds, n=n, seconds=loop_seconds)
    agree = bool(np.array_equal(np.asarray(credits), batch.emission_reductions))
    ratio = statistics.median(a / b for a, b in zip(times["loop"], times["strings"], strict=True))
    emit("speedup_vs_loop", ratio, agree=agree)
    categorical_ratio = 0.0
    if times["categorical"]:
        categorical_ratio = statistics.median(
            a / b for a, b in zip(times["loop"], times["categorical"], strict=True)
        )
        emit("speedup_categorical_vs_loop", categorical_ratio, agree=agree)

    cli_n = max(n // 10, 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "strata.json"
        path.write_text(json.dumps(cli_document(columns, cli_n)), encoding="utf-8")
        command = [sys.executable, "-m", "jcm", "calculate", "awd-rice", str(path), "--json"]

        def run() -> str:
            return subprocess.run(command, capture_output=True, text=True, check=True).stdout

        cli_seconds, out = median_seconds(run, max(1, min(3, args.repeat)))
        document = json.loads(path.read_text(encoding="utf-8"))
    cli_result = json.loads(str(out))
    python_result = m.calculate(document).to_json()
    emit("cli_seconds", cli_seconds, strata=cli_n, identical=cli_result == python_result)

    print(
        f"\nawd-rice, {n:,} strata, plain loop {n / loop_seconds:,.0f}/s; per-row credits agree:"
        f" {agree}\n"
        f"  numpy string columns: {vectorized:,.0f} strata/s, {ratio:.1f}x the loop\n"
        + (
            f"  categorical columns:  {categorical:,.0f} strata/s,"
            f" {categorical_ratio:.1f}x the loop\n"
            if categorical
            else ""
        )
        + "  (targets: 2,000,000 strata/s and 30x)\n"
        f"jcm calculate on {cli_n:,} strata: {cli_seconds:.2f} s end to end (target < 5 s);"
        f" identical to the Python API: {cli_result == python_result}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
