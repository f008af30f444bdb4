"""The demo's chart: emissions per monitoring period, and credits by account (a PNG).

matplotlib is the optional extra ``plot`` (``pip install 'jcm[plot]'``); it is imported only when
a chart is drawn, and :func:`write_chart` says so instead of failing when it is missing. The
figure is built on matplotlib's object API with the Agg canvas, never through ``pyplot``, so no
global figure is left open and no display is needed.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from jcm.demo.figures import DemoFigures

__all__ = ["matplotlib_available", "write_chart"]


def matplotlib_available() -> bool:
    """Whether matplotlib can be imported."""
    return importlib.util.find_spec("matplotlib") is not None


def write_chart(figures: DemoFigures, path: str | os.PathLike[str]) -> Path | None:
    """Draw the demo's chart into the PNG file ``path``; ``None`` if matplotlib is missing.

    The left panel shows reference and project emissions of every monitoring period [tCO2e]
    (their difference is credited); the right panel the balance of every account holding
    credits [tCO2e], coloured by registry.
    """
    if not matplotlib_available():
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(13, 5.5), layout="constrained")
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))

    periods = figures.periods
    labels = [f"{p.project}\n{p.period.start:%Y-%m}..{p.period.end:%Y-%m}" for p in periods]
    xs = list(range(len(periods)))
    width = 0.38
    left.bar(
        [x - width / 2 for x in xs],
        [p.reference_emissions for p in periods],
        width,
        label="reference emissions",
        color="#8c8c8c",
    )
    left.bar(
        [x + width / 2 for x in xs],
        [p.project_emissions for p in periods],
        width,
        label="project emissions",
        color="#2b8cbe",
    )
    for x, p in zip(xs, periods, strict=True):
        top = max(p.reference_emissions, p.project_emissions)
        left.annotate(
            f"{p.verified:,} credited",
            (x, top),
            textcoords="offset points",
            xytext=(0, 3),
            ha="center",
            fontsize=7,
        )
    left.set_xticks(xs, labels, fontsize=7)
    left.set_ylabel("tCO2e per monitoring period")
    left.set_title("Reference and project emissions")
    left.legend(fontsize=8)

    held = [a for a in figures.accounts if a.balance > 0]
    colours = {"JPN01": "#d7301f", "PHL01": "#2171b5", "VNM01": "#fe9929", "CHL01": "#238b45"}
    right.barh(
        [a.account for a in held],
        [a.balance for a in held],
        color=[colours.get(a.registry, "#777777") for a in held],
    )
    right.legend(
        handles=[
            Patch(color=colour, label=registry)
            for registry, colour in colours.items()
            if any(a.registry == registry for a in held)
        ],
        fontsize=8,
        loc="lower right",
    )
    right.invert_yaxis()
    right.tick_params(axis="y", labelsize=7)
    right.set_xlabel("credits (tCO2e)")
    right.set_title("Credits by account (colour: registry)")
    fig.suptitle("jcm demo: three JCM projects, four registries")
    fig.savefig(out, format="png", dpi=110)
    return out
