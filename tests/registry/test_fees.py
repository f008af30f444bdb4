"""Tests of the fee schedule (rules.md §5, amounts [SEED])."""

from __future__ import annotations

import datetime as dt

import pytest

from jcm.core.account import AccountKind
from jcm.core.fees import DEFAULT_FEE_SCHEDULES, FeeSchedule, schedule_at
from jcm.errors import InvalidValueError

SCHEDULE = DEFAULT_FEE_SCHEDULES[0]
ISSUED = dt.date(2025, 6, 1)


def test_the_2025_amounts() -> None:
    """Charges 14,400 to open an entity account, 2,500 a transfer, 1,200 a certificate (§5)."""
    assert SCHEDULE.valid_from == dt.date(2025, 4, 1)
    assert SCHEDULE.open_account_fee(AccountKind.ENTITY_HOLDING) == 14_400
    assert SCHEDULE.open_account_fee(AccountKind.GOVERNMENT_HOLDING) == 0
    assert SCHEDULE.transfer_fee(AccountKind.ENTITY_HOLDING, [(2023, ISSUED)]) == 2_500
    assert SCHEDULE.certificate_fee() == 1_200
    assert SCHEDULE.issuance == 0


@pytest.mark.parametrize(
    "kind", [AccountKind.GOVERNMENT_HOLDING, AccountKind.RETIREMENT, AccountKind.CANCELLATION]
)
def test_transfers_to_government_accounts_are_free(kind: AccountKind) -> None:
    """Charges nothing for a transfer to any government account (rules.md §5)."""
    assert SCHEDULE.transfer_fee(kind, [(2023, ISSUED)]) == 0


@pytest.mark.parametrize(
    ("blocks", "fee"),
    [
        ([(2019, ISSUED)], 0),
        ([(2019, ISSUED), (2020, dt.date(2025, 4, 1))], 0),
        ([(2019, ISSUED), (2021, ISSUED)], 2_500),
        ([(2019, dt.date(2025, 3, 31))], 2_500),
    ],
)
def test_pre_2021_exemption(blocks: list[tuple[int, dt.date]], fee: int) -> None:
    """Waives the fee only when every credit is pre-2021 and issued from 2025-04-01 (§5 [I])."""
    assert SCHEDULE.transfer_fee(AccountKind.ENTITY_HOLDING, blocks) == fee


def test_the_schedule_in_force() -> None:
    """Picks the latest schedule valid on the day, none before the first (rules.md §5)."""
    later = FeeSchedule(dt.date(2027, 1, 1), transfer=3_000)
    schedules = (SCHEDULE, later)
    assert schedule_at(schedules, dt.date(2025, 3, 31)) is None
    assert schedule_at(schedules, dt.date(2026, 12, 31)) is SCHEDULE
    assert schedule_at(schedules, dt.date(2027, 1, 1)) is later


def test_amounts_are_whole_yen() -> None:
    """Refuses a negative or fractional amount."""
    with pytest.raises(InvalidValueError):
        FeeSchedule(dt.date(2025, 4, 1), transfer=-1)
    with pytest.raises(InvalidValueError):
        FeeSchedule(dt.date(2025, 4, 1), certificate=1.5)  # type: ignore[arg-type]


def test_schedules_belong_to_one_partys_registry() -> None:
    """Finds Japan's schedule for Japan's registry and none for a partner's (rules.md §5)."""
    day = dt.date(2025, 6, 1)
    assert schedule_at(DEFAULT_FEE_SCHEDULES, day, "JPN") is SCHEDULE
    assert schedule_at(DEFAULT_FEE_SCHEDULES, day, "MNG") is None
    mongolian = FeeSchedule(dt.date(2025, 1, 1), party="MNG", transfer=1_000)
    assert schedule_at((*DEFAULT_FEE_SCHEDULES, mongolian), day, "MNG") is mongolian
    with pytest.raises(InvalidValueError, match="party"):
        FeeSchedule(dt.date(2025, 1, 1), party="Japan")
