"""Run the demo: calculate, import the history into a registry file, refuse one request, report.

The registry is an embedded SQLite file. When it already holds the demo's history (an earlier
run), the import returns the first receipts (every request carries an idempotency key) and
records nothing, so running the demo twice is safe and prints the same report. A file holding
another history is left as it is: the first request it refuses stops the demo with its code.

Nothing reads the wall clock: the imported entries carry their own dates, and the engine's clock
is pinned to :data:`DEMO_TODAY` (the refused transfer is checked at that time and never recorded).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Final

import attrs

from jcm.demo.figures import DemoFigures, Refusal, gather, refusal_of
from jcm.demo.report import render
from jcm.demo.sample import calculate, load_samples
from jcm.demo.scenario import (
    BUYER_ACCOUNT,
    FROZEN_TRANSFER,
    OPERATOR,
    build_requests,
)
from jcm.errors import JcmError, RegistryError
from jcm.registry import Registry, Rejection

__all__ = ["AEF_YEAR", "DEFAULT_DB", "DEMO_TODAY", "DemoRun", "run_demo"]

DEFAULT_DB: Final = "jcm-demo.sqlite"
"""The registry file of ``jcm demo`` without ``--db``, in the current directory."""
AEF_YEAR: Final = 2025
"""The reported year of the AEF the report summarises (the year of the SHK retirement)."""
DEMO_TODAY: Final = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
"""The engine's clock during the demo: after the last imported entry (2026-11-02)."""


@attrs.frozen
class DemoRun:
    """What a run of the demo did and found.

    Parameters
    ----------
    db
        The registry file.
    recorded
        Journal entries recorded by this run (0 when the file already held the history).
    figures
        The figures read back from the registry.
    report
        The text report of ``figures``.
    """

    db: Path
    recorded: int
    figures: DemoFigures
    report: str


def _refuse(registry: Registry) -> Refusal | None:
    """Submit the transfer from the frozen account; how the engine refused it (``None``: it did
    not, which would be an engine bug the report and the exit status show)."""
    try:
        registry.submit(dict(FROZEN_TRANSFER))
    except JcmError as exc:
        return refusal_of(dict(FROZEN_TRANSFER), exc)
    return None


def run_demo(db: str | os.PathLike[str] = DEFAULT_DB) -> DemoRun:
    """Run the demo on the registry file ``db`` (created with its folder if absent).

    Raises
    ------
    jcm.errors.JcmError
        When the file holds another history than the demo's (the first refusal's code), or its
        operator is not ``operator``.
    """
    samples = load_samples()
    results = {
        (sample.project, index): calculate(sample, period)
        for sample in samples
        for index, period in enumerate(sample.periods)
    }
    requests = build_requests(samples, results)
    path = Path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    with Registry.open(path, operator=OPERATOR, clock=lambda: DEMO_TODAY) as registry:
        before = registry.last_entry
        outcomes = registry.submit_batch(requests, import_by=OPERATOR)
        for request, outcome in zip(requests, outcomes, strict=True):
            if isinstance(outcome, Rejection):
                raise RegistryError(
                    f"{path} holds another history than the demo's: its request "
                    f"{request['idempotency_key']} was refused ({outcome.code}: "
                    f"{outcome.error.message}); remove the file or choose another --db",
                    code=outcome.code,
                    field="db",
                    value=str(path),
                )
        recorded = registry.last_entry - before
        refusal = _refuse(registry)
        figures = gather(
            registry,
            projects=[sample.project for sample in samples],
            refusal=refusal,
            aef_party="JPN",
            aef_year=AEF_YEAR,
            shk_account=BUYER_ACCOUNT,
        )
    return DemoRun(path, recorded, figures, render(figures, str(path)))
