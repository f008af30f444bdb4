"""The demo's chart (a PNG): from emission reductions to credits, where they went, and Article 6.

Three panels tell the demo's story in its order:

1. per project, the emission reductions verified and the credits issued for them, split between
   Japan's registry and the host country's registry by the credit allocation;
2. per issuing registry, where those credits are now: held (at home or abroad), retired or
   cancelled; every bar is as long as what the registry issued (docs/rules.md §4.5);
3. per Party, the corresponding adjustment the retired credits bring (docs/rules.md §7.5): Japan
   subtracts them from its emissions, the host adds them.

matplotlib is the optional extra ``plot`` (``pip install 'jcm-engine[plot]'``); it is imported only
when a chart is drawn, and :func:`write_chart` says so instead of failing when it is missing. The
figure is built on matplotlib's object API with the Agg canvas, never through ``pyplot``, so no
global figure is left open and no display is needed.
"""

from __future__ import annotations

import importlib.util
import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from jcm.core.party import JAPAN
from jcm.demo.figures import DemoFigures, display
from jcm.demo.labels import countries_in_text, country, possessive

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["build_figure", "matplotlib_available", "write_chart"]

_JAPAN: Final = "#c0392b"
_HOST: Final = "#2874a6"
_REDUCTIONS: Final = "#95a5a6"
_HELD: Final = "#85c1e9"
_RETIRED: Final = "#1e8449"
_CANCELLED: Final = "#566573"
_TEXT: Final = "#222222"
_MINUS: Final = "\u2212"
_COUNTS: Final = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def matplotlib_available() -> bool:
    """Whether matplotlib can be imported."""
    return importlib.util.find_spec("matplotlib") is not None


def _tonnes(value: float, _position: object = None) -> str:
    """A tick label with thousands separators (``12,000``)."""
    return f"{value:,.0f}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _project_label(project: str, partner: str, title: str) -> str:
    name = title.removesuffix(" (demo)")
    short = textwrap.shorten(name, 80, placeholder="...")
    return f"{project} · {country(partner)}\n" + "\n".join(textwrap.wrap(short, 38))


def _projects_panel(ax: Axes, f: DemoFigures) -> None:
    """Panel 1: emission reductions verified and credits issued, per project."""
    from matplotlib.patches import Patch  # noqa: PLC0415

    width = 0.36
    top = 0.0
    for x, p in enumerate(f.projects):
        verified = sum(per.verified for per in f.periods if per.project == p.project)
        japan = sum(i.issued for i in f.issued if i.project == p.project and i.party == JAPAN)
        host = sum(i.issued for i in f.issued if i.project == p.project and i.party != JAPAN)
        top = max(top, verified, japan + host)
        ax.bar(x - width / 2, verified, width, color=_REDUCTIONS)
        ax.bar(x + width / 2, japan, width, color=_JAPAN)
        ax.bar(x + width / 2, host, width, bottom=japan, color=_HOST)
        ax.annotate(
            f"{verified:,} tCO2e",
            (x - width / 2, verified),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
        ax.annotate(
            f"{japan + host:,} credits",
            (x + width / 2, japan + host),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
        total = japan + host or 1
        for bottom, part, who in ((0, japan, "Japan"), (japan, host, country(p.partner))):
            if part >= 0.08 * top:
                ax.text(
                    x + width / 2,
                    bottom + part / 2,
                    f"{who}\n{part:,} ({100 * part / total:.0f}%)",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                )
    ax.set_xticks(
        range(len(f.projects)),
        [_project_label(p.project, p.partner, p.title) for p in f.projects],
        fontsize=9,
    )
    ax.set_ylim(0, top * 1.12)
    ax.yaxis.set_major_formatter(_tonnes)
    ax.set_ylabel("tCO2e (1 credit = 1 tCO2e)")
    ax.set_title(
        "1  Per project: emission reductions verified, and the credits issued for them",
        loc="left",
        fontweight="bold",
    )
    ax.legend(
        handles=[
            Patch(color=_REDUCTIONS, label="emission reductions verified"),
            Patch(color=_JAPAN, label="credits issued into Japan's registry"),
            Patch(color=_HOST, label="credits issued into the host country's registry"),
        ],
        fontsize=9,
        loc="upper left",
        frameon=False,
    )


def _flows_panel(ax: Axes, f: DemoFigures) -> None:
    """Panel 2: where each registry's credits are now, a bar as long as what it issued."""
    from matplotlib.patches import Patch  # noqa: PLC0415

    flows = list(f.flows)
    ys = list(range(len(flows)))
    widest = max((x.issued for x in flows), default=0) or 1
    segments: list[tuple[str, str, str, Any]] = [
        ("held", "held in its own registry", _HELD, None),
        ("abroad", "held in another Party's registry", _HELD, "///"),
        ("retired", "retired (used toward an NDC)", _RETIRED, None),
        ("cancelled", "cancelled", _CANCELLED, None),
    ]
    for y, x in zip(ys, flows, strict=True):
        parts = {
            "held": x.held - x.held_elsewhere,
            "abroad": x.held_elsewhere,
            "retired": x.retired,
            "cancelled": x.cancelled,
        }
        left = 0
        for key, _label, colour, hatch in segments:
            ax.barh(
                y,
                parts[key],
                left=left,
                height=0.6,
                color=colour,
                hatch=hatch,
                edgecolor="white" if hatch is None else _HOST,
                linewidth=0.5,
            )
            left += parts[key]
        said = f"{x.issued:,} issued = {x.held:,} held"
        if x.retired or x.cancelled:
            said += f" + {x.retired:,} retired + {x.cancelled:,} cancelled"
        if x.held_elsewhere:
            said += f"\n({x.held_elsewhere:,} of them held abroad)"
        ax.annotate(
            said,
            (left, y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
            color=_TEXT,
        )
    ax.set_yticks(
        ys, [_capital(f"{possessive(x.party)} registry\n({x.registry})") for x in flows], fontsize=9
    )
    ax.invert_yaxis()
    ax.set_xlim(0, widest * 1.9)
    ax.xaxis.set_major_formatter(_tonnes)
    ax.set_xlabel("credits issued by the registry (tCO2e): issued = held + retired + cancelled")
    ax.set_title("2  Where the credits are now, by issuing registry", loc="left", fontweight="bold")
    ax.legend(
        handles=[
            Patch(facecolor=colour, hatch=hatch, edgecolor=_HOST if hatch else colour, label=label)
            for _key, label, colour, hatch in segments
        ],
        fontsize=8.5,
        loc="lower right",
        frameon=False,
    )


def _adjustments_panel(ax: Axes, f: DemoFigures) -> None:
    """Panel 3: the corresponding adjustment of each Party, signed (- subtracted, + added)."""
    adjustments = list(f.adjustments)
    ys = list(range(len(adjustments)))
    values = [float(-a.amount if a.subtracted else a.amount) for a in adjustments]
    reach = max((abs(v) for v in values), default=0.0) or 1.0
    for y, a, v in zip(ys, adjustments, values, strict=True):
        ax.barh(y, v, height=0.4, color=_JAPAN if a.subtracted else _HOST)
        if not a.credits:
            text = "no adjustment"
        else:
            first, last = a.ndc_period
            verb = "subtracted from" if a.subtracted else "added to"
            text = (
                f"{_MINUS if a.subtracted else '+'}{display(a.amount)} {verb} its {last} emissions "
                f"({display(a.credits)} retired\nover {first}-{last}, averaged)"
            )
        ax.text(
            0,
            y + 0.25,
            text,
            ha="center",
            va="top",
            fontsize=8.5,
            color=_TEXT,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
        )
    ax.axvline(0, color=_TEXT, linewidth=0.8)
    ax.set_yticks(ys, [country(a.party) for a in adjustments], fontsize=9)
    ax.set_ylim(len(adjustments) - 0.2, -0.5)
    ax.set_xlim(-reach * 1.7, reach * 1.7)
    ax.xaxis.set_major_formatter(_tonnes)
    ax.set_xlabel("adjustment to the NDC year's emissions (tCO2e)")
    ax.set_title("3  Corresponding adjustments (Article 6.2)", loc="left", fontweight="bold")


def build_figure(figures: DemoFigures) -> Figure:
    """The demo's chart as a matplotlib ``Figure`` on the Agg canvas (needs matplotlib)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(15, 10), layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, 2, height_ratios=(1.15, 1), width_ratios=(3, 2))
    top = fig.add_subplot(grid[0, :])
    left = fig.add_subplot(grid[1, 0])
    right = fig.add_subplot(grid[1, 1])
    _projects_panel(top, figures)
    _flows_panel(left, figures)
    _adjustments_panel(right, figures)
    for ax in (top, left, right):
        ax.spines[["top", "right"]].set_visible(False)
    where = countries_in_text(list(dict.fromkeys(p.partner for p in figures.projects)))
    count = _COUNTS.get(len(figures.projects), str(len(figures.projects)))
    fig.suptitle(
        f"jcm demo: {count} JCM projects in {where}, from emission reductions to credits "
        "and Article 6 adjustments",
        fontsize=14,
        fontweight="bold",
    )
    fig.supxlabel(
        "Every figure is read back from the demo's registry file. The projects and their "
        "monitoring data are invented for the demo (jcm/demo/data).",
        fontsize=8.5,
        color="#555555",
    )
    return fig


def write_chart(figures: DemoFigures, path: str | os.PathLike[str]) -> Path | None:
    """Draw the demo's chart into the PNG file ``path``; ``None`` if matplotlib is missing."""
    if not matplotlib_available():
        return None
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_figure(figures).savefig(out, format="png", dpi=100)
    return out
