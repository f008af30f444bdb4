"""SHK / GX eligibility decision table and fiscal-year statements (§6.2; scenarios 5, 8)."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from jcm.article6.shk import (
    ShkBlock,
    ShkCutoffs,
    ShkDecision,
    ShkReason,
    ShkRoute,
    ShkUse,
    fiscal_year,
    shk_eligibility,
    shk_report,
    shk_statement,
)
from jcm.core.credit import SerialRange
from jcm.errors import Article6Error

D = dt.date


def p1() -> ShkBlock:
    return ShkBlock(SerialRange(1, 100), "P1", "MNG", 2020, D(2025, 6, 1), D(2025, 3, 15))


def p2() -> ShkBlock:
    return ShkBlock(SerialRange(101, 200), "P2", "MNG", 2020, D(2025, 6, 1), D(2025, 4, 10))


def p3() -> ShkBlock:
    return ShkBlock(
        SerialRange(201, 300), "P3", "VNM", 2022, D(2025, 6, 1), None, authorized_by={"JPN", "VNM"}
    )


def test_transitional_measure_makes_p1_cancellable() -> None:
    """Accepts P1 (public input 2025-03-15) by cancellation, PRE2021_TRANSITIONAL (scenario 8)."""
    assert shk_eligibility(p1()) == ShkDecision(
        True, ShkRoute.CANCEL, ShkReason.PRE2021_TRANSITIONAL
    )


def test_p2_after_the_public_input_cutoff_is_not_eligible() -> None:
    """Refuses P2 (public input 2025-04-10): PRE2021_ISSUED_AFTER_CUTOFF (scenario 8)."""
    assert shk_eligibility(p2()) == ShkDecision(False, None, ShkReason.PRE2021_ISSUED_AFTER_CUTOFF)


def test_approved_2022_vintage_is_retired() -> None:
    """Accepts P3 (vintage 2022, approved by JP and host) by retirement (scenario 8)."""
    assert shk_eligibility(p3()) == ShkDecision(True, ShkRoute.RETIRE, ShkReason.INTL_COOP_ER)


def test_unapproved_2022_vintage_is_not_authorized() -> None:
    """Refuses a 2022 vintage approved only by Japan: NOT_AUTHORIZED (§6.2 row 2)."""
    block = attrs.evolve(p3(), authorized_by={"JPN"})
    assert shk_eligibility(block) == ShkDecision(False, None, ShkReason.NOT_AUTHORIZED)


def test_legacy_2019_vintage_issued_2024_is_cancellable() -> None:
    """Accepts vintage 2019 issued 2024-09-01 as (True, CANCEL, PRE2021_LEGACY) (scenario 5)."""
    block = ShkBlock(SerialRange(1, 10), "P0", "MNG", 2019, D(2024, 9, 1))
    assert shk_eligibility(block) == ShkDecision(True, ShkRoute.CANCEL, ShkReason.PRE2021_LEGACY)


def test_missing_issuance_date_fails_closed() -> None:
    """Rejects a pre-2021 block without an issuance date (MISSING_ISSUANCE_DATE)."""
    with pytest.raises(Article6Error) as info:
        shk_eligibility(attrs.evolve(p1(), issued_on=None))
    assert info.value.code == "MISSING_ISSUANCE_DATE"


def test_missing_public_input_start_fails_closed() -> None:
    """Rejects a pre-2021 block issued after the cut-off without a public-input start."""
    with pytest.raises(Article6Error) as info:
        shk_eligibility(attrs.evolve(p1(), public_input_start=None))
    assert info.value.code == "MISSING_PUBLIC_INPUT_START"


def test_cutoffs_are_configurable() -> None:
    """Moves P2 into the transitional row when the public-input cut-off is later."""
    later = ShkCutoffs(public_input_started_by=D(2025, 4, 30))
    assert shk_eligibility(p2(), later).reason is ShkReason.PRE2021_TRANSITIONAL


def test_report_json_has_the_api_shape() -> None:
    """Writes the SHK report JSON of API.md, one entry per block in serial order."""
    body = shk_report("A", [p3(), p1(), p2()]).to_json()
    assert body["account"] == "A"
    assert body["blocks"][0] == {
        "serials": [1, 100],
        "project": "P1",
        "vintage": 2020,
        "issued_on": "2025-06-01",
        "eligible": True,
        "route": "cancel",
        "reason": "PRE2021_TRANSITIONAL",
    }
    assert [b["route"] for b in body["blocks"]] == ["cancel", None, "retire"]


def test_fiscal_year_runs_april_to_march() -> None:
    """Puts 2026-03-31 in FY2025 and 2026-04-01 in FY2026."""
    assert (fiscal_year(D(2026, 3, 31)), fiscal_year(D(2026, 4, 1))) == (2025, 2026)


def test_statement_separates_routes_and_flags_bad_uses() -> None:
    """Sums a company's FY2025 retirements and cancellations apart, flagging ineligible ones."""
    uses = [
        ShkUse("X", "A", D(2025, 7, 1), ShkRoute.CANCEL, p1()),
        ShkUse("X", "A", D(2026, 3, 31), ShkRoute.RETIRE, p3()),
        ShkUse("X", "A", D(2025, 8, 1), ShkRoute.CANCEL, p2()),
        ShkUse("X", "A", D(2026, 4, 1), ShkRoute.CANCEL, p1()),
        ShkUse("Y", "B", D(2025, 9, 1), ShkRoute.RETIRE, p3()),
    ]
    st = shk_statement("X", 2025, uses)
    assert (st.retired_total, st.cancelled_total, st.total) == (100, 100, 200)
    assert [p.code for p in st.problems] == ["SHK_NOT_ELIGIBLE"]
    wrong = shk_statement("X", 2025, [ShkUse("X", "A", D(2025, 7, 1), ShkRoute.RETIRE, p1())])
    assert [p.code for p in wrong.problems] == ["SHK_WRONG_ROUTE"]
    assert wrong.total == 0
    assert st.to_json()["from"] == "2025-04-01"
