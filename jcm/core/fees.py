"""Fees of Japan's JCM registry, as a versioned schedule (docs/rules.md §5).

The amounts and waivers are **[SEED]**: stated in the government overview of March 2025 and not
confirmed elsewhere (the Cabinet Order's fee table was not retrieved). They live in a
:class:`FeeSchedule` valid from 2025-04-01, so a confirmed table is a new schedule, not new code.
Requests recorded before the first schedule's ``valid_from`` (an import of older history) cost 0.

=============================================  ======  ======================================
fee event                                         JPY  waiver
=============================================  ======  ======================================
open an entity holding account (法人等保有口座)  14,400  none; government accounts cost 0 [I]
transfer application (振替の申請)                 2,500  0 to a government account, including
                                                       retirement and cancellation accounts;
                                                       0 when every credit moved is of a
                                                       vintage before 2021 issued on or
                                                       after 2025-04-01 (scope [I])
certificate of account records (書面の交付)       1,200  none
issuance                                            0  no issuance fee found [I]
=============================================  ======  ======================================

The fee is charged per accepted application to its applicant (the actor); a rejected request
costs nothing (docs/rules.md §5 [I]). Scenario §9.2: an account (14,400), three transfers to entity
accounts (7,500), one retirement and one cancellation (0) and two certificates (2,400) cost
24,300 JPY.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Final

import attrs

from jcm.core.account import AccountKind
from jcm.core.ndc import FIRST_NDC_VINTAGE
from jcm.core.party import JAPAN, check_party_code
from jcm.errors import InvalidValueError

__all__ = ["DEFAULT_FEE_SCHEDULES", "FeeSchedule", "FeeScheduleRef", "schedule_at"]


@attrs.frozen
class FeeScheduleRef:
    """Which fee schedule decided a fee: its Party and the day it is valid from (its version)."""

    party: str
    valid_from: dt.date


def _yen(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidValueError(attribute.name, value, "must be an integer >= 0 [JPY]")


@attrs.frozen
class FeeSchedule:
    """One version of the registry's fee table (docs/rules.md §5, amounts [SEED]).

    Parameters
    ----------
    valid_from
        First day (UTC date of the entry) the schedule applies.
    party
        The Party whose registry charges these fees (ISO alpha-3; ``JPN``). The fees of rules.md
        §5 are those of Japan's registry; a partner's registry charges nothing unless a schedule
        for that Party is configured ([I]).
    open_entity_account
        Fee for opening an entity holding account [JPY] ([SEED] 14,400).
    transfer
        Fee per transfer application [JPY] ([SEED] 2,500).
    certificate
        Fee per certificate of account records [JPY] ([SEED] 1,200).
    issuance
        Fee for an issuance [JPY] (0: none found [I]).
    exempt_vintages_before
        Credits of a vintage before this year ...
    exempt_issued_from
        ... issued on or after this day move free of the transfer fee ([SEED], scope [I]).
    """

    valid_from: dt.date
    party: str = attrs.field(default=JAPAN, kw_only=True)
    open_entity_account: int = attrs.field(default=14_400, validator=_yen)
    transfer: int = attrs.field(default=2_500, validator=_yen)
    certificate: int = attrs.field(default=1_200, validator=_yen)
    issuance: int = attrs.field(default=0, validator=_yen)
    exempt_vintages_before: int = FIRST_NDC_VINTAGE
    exempt_issued_from: dt.date = dt.date(2025, 4, 1)

    def __attrs_post_init__(self) -> None:
        check_party_code("party", self.party)

    @property
    def ref(self) -> FeeScheduleRef:
        """The reference an entry records for the fees this schedule decided."""
        return FeeScheduleRef(self.party, self.valid_from)

    def open_account_fee(self, kind: AccountKind) -> int:
        """Fee for opening an account of ``kind`` [JPY]: entity accounts only ([SEED]; [I])."""
        return self.open_entity_account if kind is AccountKind.ENTITY_HOLDING else 0

    def transfer_fee(self, destination: AccountKind, blocks: Iterable[tuple[int, dt.date]]) -> int:
        """Fee for one transfer application [JPY] (docs/rules.md §5 [SEED]).

        Parameters
        ----------
        destination
            The kind of the credited account; any government account (retirement and
            cancellation included) makes the transfer free.
        blocks
            ``(vintage, issued_on)`` of every block moved; the transfer is free when all are of a
            vintage before ``exempt_vintages_before`` and issued on or after
            ``exempt_issued_from``.
        """
        if destination.government:
            return 0
        exempt = True
        any_block = False
        for vintage, issued_on in blocks:
            any_block = True
            if vintage >= self.exempt_vintages_before or issued_on < self.exempt_issued_from:
                exempt = False
                break
        return 0 if exempt and any_block else self.transfer

    def certificate_fee(self) -> int:
        """Fee for one certificate of account records [JPY] ([SEED] 1,200)."""
        return self.certificate


DEFAULT_FEE_SCHEDULES: Final[tuple[FeeSchedule, ...]] = (FeeSchedule(dt.date(2025, 4, 1)),)
"""The schedules in force, oldest first: the 2025 table of docs/rules.md §5 ([SEED] amounts)."""


def schedule_at(
    schedules: Sequence[FeeSchedule], day: dt.date, party: str = JAPAN
) -> FeeSchedule | None:
    """The schedule of ``party``'s registry in force on ``day``, or ``None`` (no fee).

    That is the latest schedule of that Party with ``valid_from <= day``.
    """
    found = None
    for schedule in schedules:
        if schedule.party == party and schedule.valid_from <= day:
            found = schedule
    return found
