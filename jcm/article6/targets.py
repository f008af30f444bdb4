"""Progress toward Japan's JCM targets, by fiscal year, from issued quantities.

METI states the JCM's targets as emission reductions and removals of **about 100 Mt CO2
cumulative by FY2030** and **about 200 Mt CO2 cumulative by FY2040** (``shared/reference/rules.md``
§1.1 METI-JCM [P]). Progress is measured here by credits issued: each issuance is counted once,
in the Japanese fiscal year (April–March) of its issuance date. Credits of one issuance decision
are split between Japan's and the partner's registries, so the quantities of *all* registries
are summed to get the reductions (rules.md §3.1 [P2]) [I]. Shares are exact fractions.

    >>> import datetime as dt
    >>> p = target_progress([(dt.date(2025, 6, 1), 1_000_000), (dt.date(2026, 2, 1), 500_000)])
    >>> p.by_fiscal_year
    ((2025, 1500000, 1500000),)
    >>> p.targets[0].share
    Fraction(3, 200)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, Final

import attrs

from jcm.article6.shk import fiscal_year

__all__ = ["JCM_TARGETS", "JcmTarget", "TargetProgress", "TargetStatus", "target_progress"]


@attrs.frozen
class JcmTarget:
    """A cumulative target: ``quantity`` [tCO2e] by the end of fiscal year ``fiscal_year``."""

    fiscal_year: int
    quantity: int


JCM_TARGETS: Final = (JcmTarget(2030, 100_000_000), JcmTarget(2040, 200_000_000))
"""About 100 Mt CO2 by FY2030 and about 200 Mt CO2 by FY2040 (METI-JCM [P])."""


@attrs.frozen
class TargetStatus:
    """Where the cumulative issued quantity stands against one target."""

    target: JcmTarget
    achieved: int
    share: Fraction

    @property
    def remaining(self) -> int:
        """What is left to issue by the target year [tCO2e] (0 once reached)."""
        return max(self.target.quantity - self.achieved, 0)


@attrs.frozen
class TargetProgress:
    """Issued quantities by fiscal year and the status of each target.

    ``by_fiscal_year`` holds ``(fiscal_year, issued, cumulative)`` for every fiscal year from the
    first issuance to the last one counted [tCO2e].
    """

    by_fiscal_year: tuple[tuple[int, int, int], ...]
    targets: tuple[TargetStatus, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON with exact shares as fraction strings."""
        return {
            "by_fiscal_year": [
                {"fiscal_year": fy, "issued": q, "cumulative": c}
                for fy, q, c in self.by_fiscal_year
            ],
            "targets": [
                {
                    "fiscal_year": s.target.fiscal_year,
                    "target": s.target.quantity,
                    "achieved": s.achieved,
                    "share": str(s.share),
                    "remaining": s.remaining,
                }
                for s in self.targets
            ],
        }


def target_progress(
    issuances: Iterable[tuple[dt.date, int]],
    targets: Iterable[JcmTarget] = JCM_TARGETS,
    *,
    through: int | None = None,
) -> TargetProgress:
    """Cumulative issued quantities by fiscal year against the JCM targets.

    Parameters
    ----------
    issuances
        ``(issued_on, quantity)`` for every issuance in every registry [tCO2e].
    targets
        The targets (default :data:`JCM_TARGETS`).
    through
        Last fiscal year to count (default: all issuances).
    """
    per_year: dict[int, int] = {}
    for day, quantity in issuances:
        fy = fiscal_year(day)
        if through is None or fy <= through:
            per_year[fy] = per_year.get(fy, 0) + quantity
    rows: list[tuple[int, int, int]] = []
    if per_year:
        cumulative = 0
        for fy in range(min(per_year), max(per_year) + 1):
            cumulative += per_year.get(fy, 0)
            rows.append((fy, per_year.get(fy, 0), cumulative))
    statuses = []
    for target in targets:
        achieved = sum(q for fy, q in per_year.items() if fy <= target.fiscal_year)
        statuses.append(TargetStatus(target, achieved, Fraction(achieved, target.quantity)))
    return TargetProgress(tuple(rows), tuple(statuses))
