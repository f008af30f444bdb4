"""The demo's sample monitoring data, shipped as package data, and its calculations.

Each file of ``jcm/demo/data/`` describes one project shaped after an example project of the
government overview (``moej-jcm-overview-2025.txt`` section 7, cited in the file's ``source``):
its methodology, its identity (id, partner, title, sector) and, per monitoring period, the inputs
of the methodology exactly as ``jcm calculate`` reads them. The numbers are invented, chosen to
give the magnitudes the overview states; a file's ``comment`` says how.

:func:`load_samples` reads the files with :mod:`importlib.resources` (so they work from a wheel
or a zip) and :func:`calculate` runs each period through its methodology; the demo attaches the
result JSON to the period's monitoring report.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any, Final

import attrs

import jcm.methodologies
from jcm.core.period import MonitoringPeriod
from jcm.errors import InvalidValueError
from jcm.methodologies.result import CalculationResult

__all__ = ["SAMPLE_FILES", "Sample", "SamplePeriod", "calculate", "load_samples"]

SAMPLE_FILES: Final = ("awd-rice.json", "waste-to-energy.json", "solar-pv.json")
"""The sample files of ``jcm/demo/data``, in the order the demo takes their projects."""


@attrs.frozen
class SamplePeriod:
    """One monitoring period of a sample project and the methodology's inputs for it.

    Parameters
    ----------
    label
        A short name for the period (``"wet season 2024"``).
    period
        The monitoring period, both ends inclusive.
    inputs
        The methodology's JSON inputs (as ``jcm calculate`` reads them).
    """

    label: str
    period: MonitoringPeriod
    inputs: dict[str, Any] = attrs.field(eq=False, hash=False)


@attrs.frozen
class Sample:
    """A sample project: its identity, methodology, source and monitoring periods.

    Parameters
    ----------
    project, partner, title, sector
        The project's id, host partner (ISO alpha-3), title and sector.
    methodology
        The id of the built-in methodology that credits it.
    source
        Where the project's shape comes from (the government overview, section 7).
    periods
        Its monitoring periods, in time order.
    """

    project: str
    partner: str
    title: str
    sector: str
    methodology: str
    source: str
    periods: tuple[SamplePeriod, ...]


def _period(data: Any, where: str) -> MonitoringPeriod:
    try:
        return MonitoringPeriod(
            dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"])
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidValueError(where, data, "must be {start, end} ISO dates") from exc


def _sample(name: str, data: dict[str, Any]) -> Sample:
    project = data["project"]
    periods = []
    for i, item in enumerate(data["periods"]):
        where = f"{name}: $.periods[{i}]"
        period = _period(item["period"], f"{where}.period")
        inner = item["inputs"].get("period")
        if inner is not None and _period(inner, f"{where}.inputs.period") != period:
            raise InvalidValueError(
                f"{where}.inputs.period", inner, "must be the monitoring period of the entry"
            )
        periods.append(SamplePeriod(item["label"], period, item["inputs"]))
    return Sample(
        project["id"],
        project["partner"],
        project["title"],
        project["sector"],
        data["methodology"],
        data["source"],
        tuple(periods),
    )


def load_samples() -> tuple[Sample, ...]:
    """The sample projects shipped in ``jcm/demo/data``, in the order of :data:`SAMPLE_FILES`."""
    folder = resources.files("jcm.demo").joinpath("data")
    out = []
    for name in SAMPLE_FILES:
        text = folder.joinpath(name).read_text(encoding="utf-8")
        out.append(_sample(name, json.loads(text)))
    return tuple(out)


def calculate(sample: Sample, period: SamplePeriod) -> CalculationResult:
    """The calculation result of one monitoring period of ``sample``, by its methodology."""
    return jcm.methodologies.get(sample.methodology).calculate(period.inputs)
