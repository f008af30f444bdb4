"""Progress toward the JCM targets by fiscal year (rules.md METI-JCM [P])."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from jcm.article6.targets import JCM_TARGETS, target_progress

D = dt.date


def test_targets_are_100_and_200_megatonnes() -> None:
    """Holds about 100 Mt by FY2030 and about 200 Mt by FY2040 (METI-JCM)."""
    assert [(t.fiscal_year, t.quantity) for t in JCM_TARGETS] == [
        (2030, 100_000_000),
        (2040, 200_000_000),
    ]


def test_progress_counts_by_fiscal_year_and_cumulates() -> None:
    """Counts issuances in April–March years, filling empty years, and cumulates them."""
    progress = target_progress([(D(2025, 3, 31), 10), (D(2025, 4, 1), 20), (D(2027, 5, 1), 30)])
    assert progress.by_fiscal_year == (
        (2024, 10, 10),
        (2025, 20, 30),
        (2026, 0, 30),
        (2027, 30, 60),
    )


def test_share_of_the_fy2030_target_is_exact() -> None:
    """Gives 25 Mt issued by FY2030 as a quarter of the 100 Mt target."""
    progress = target_progress([(D(2030, 6, 1), 25_000_000), (D(2031, 6, 1), 5_000_000)])
    fy2030, fy2040 = progress.targets
    assert fy2030.share == Fraction(1, 4)
    assert fy2030.remaining == 75_000_000
    assert fy2040.achieved == 30_000_000


def test_through_limits_the_years_counted() -> None:
    """Leaves out fiscal years after ``through``."""
    progress = target_progress([(D(2030, 6, 1), 5), (D(2031, 6, 1), 7)], through=2030)
    assert progress.by_fiscal_year == ((2030, 5, 5),)
    assert progress.to_json()["targets"][0]["share"] == "1/20000000"
