"""Corresponding adjustments: Japan's averaging, partner mirror, para 8 balances (§7.4, §9.3)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import pytest

from jcm.article6.action import Action, ActionSubtype, ActionType
from jcm.article6.adjustment import (
    Attribution,
    CreditPosition,
    Location,
    averaging_balance,
    corresponding_adjustment,
    emissions_balance,
    emissions_balances,
    first_transferred_by_year,
    japan_averaging,
    japan_exclusion,
    partner_adjustment,
    used_by_year,
)
from jcm.article6.examples import section_9_3_positions
from jcm.article6.itmo import ItmoBlock
from jcm.article6.ndc import DEFAULT_NDCS, JAPAN_NDC, CaMethod, Ndc, NdcBook, NdcKind
from jcm.errors import Article6Error

R, C, H = Location.RETIREMENT, Location.CANCELLATION, Location.ENTITY_HOLDING


def _pos(
    label: str, host: str, vintage: int, qty: int, where: Location, *, retired: str | None
) -> CreditPosition:
    auth = frozenset() if vintage < 2021 else frozenset({"JPN", host})
    return CreditPosition(
        host,
        vintage,
        qty,
        where,
        auth,
        first_transferred_to="JPN",
        first_transferred_on=dt.date(max(vintage + 1, 2022), 1, 15),
        retired_on=None if retired is None else dt.date.fromisoformat(retired),
        label=label,
    )


def _table() -> list[CreditPosition]:
    """The eight blocks of rules.md §9.3 (retirement dates chosen for the interim figure)."""
    return [
        _pos("A", "MNG", 2019, 50_000, R, retired="2021-05-01"),
        _pos("B", "MNG", 2021, 100_000, R, retired="2022-06-01"),
        _pos("C", "VNM", 2022, 150_000, R, retired="2023-03-01"),
        _pos("D", "MNG", 2025, 250_000, R, retired="2026-07-01"),
        _pos("E", "VNM", 2030, 500_000, R, retired="2031-02-01"),
        _pos("F", "MNG", 2031, 10_000, R, retired="2031-03-01"),
        _pos("G", "VNM", 2024, 20_000, H, retired=None),
        _pos("H", "MNG", 2023, 30_000, C, retired=None),
    ]


def test_counts_exactly_the_blocks_marked_counted_in_the_table() -> None:
    """Counts B, C, D, E and excludes A, F (vintage), G (not retired), H (cancelled) (§9.3)."""
    reasons = {p.label: japan_exclusion(p) for p in _table()}
    assert reasons == {
        "A": "vintage",
        "B": None,
        "C": None,
        "D": None,
        "E": None,
        "F": "vintage",
        "G": "not_retired",
        "H": "not_retired",
    }


def test_japan_averaging_gives_100000_and_the_partner_shares() -> None:
    """Gives CA_JPN = 100,000, MNG 35,000 and VNM 65,000 summing to Japan's (§9.3)."""
    ca = japan_averaging(_table())
    assert ca.adjustment == 100_000
    assert dict(ca.by_partner) == {"MNG": 35_000, "VNM": 65_000}
    assert sum(dict(ca.by_partner).values()) == ca.adjustment


def test_adjusted_japan_emissions_are_759900000() -> None:
    """Subtracts the adjustment from E_JPN(2030) = 760,000,000 giving 759,900,000 (§9.3)."""
    assert japan_averaging(_table()).adjusted_emissions(760_000_000) == 759_900_000


def test_interim_end_2023_is_250000_over_3() -> None:
    """Divides B + C retired by end-2023 by three elapsed years: Fraction(250000, 3) (§9.3)."""
    interim = dict(japan_averaging(_table()).interim)
    assert interim[2023] == Fraction(250_000, 3)
    assert interim[2021] == 0
    assert interim[2022] == Fraction(100_000, 2)


def test_moving_block_g_to_retirement_raises_to_102000() -> None:
    """Moving block G into the retirement account raises CA_JPN to 102,000 (§11 scenario 9)."""
    table = _table()
    table[6] = attrs.evolve(table[6], location=R, retired_on=dt.date(2030, 1, 1))
    assert japan_averaging(table).adjustment == 102_000


def test_partner_mirror_adds_its_share() -> None:
    """Adds 35,000 to Mongolia's emissions, the mirror of Japan's averaging (§7.5)."""
    mng = partner_adjustment(_table(), "MNG")
    vnm = partner_adjustment(_table(), "VNM")
    assert (mng.adjustment, vnm.adjustment) == (35_000, 65_000)
    assert mng.adjustment + vnm.adjustment == japan_averaging(_table()).adjustment
    assert mng.adjusted_emissions(1_000_000) == 1_035_000


def test_json_shape_is_the_one_of_api_md() -> None:
    """Writes the adjustment JSON of API.md with decimal and fraction strings."""
    body = corresponding_adjustment(_table(), "JPN").to_json()
    assert body["party"] == "JPN"
    assert body["method"] == "averaging"
    assert body["ndc_period"] == [2021, 2030]
    assert body["adjustment"] == "100000"
    assert body["interim"]["2023"] == "250000/3"
    assert body["by_partner"] == {"MNG": "35000", "VNM": "65000"}
    assert list(body) == ["party", "method", "ndc_period", "adjustment", "interim", "by_partner"]


def test_partner_json_names_japan_as_counterpart() -> None:
    """Writes a partner's adjustment as the amount added, with Japan as counterpart."""
    body = corresponding_adjustment(_table(), "MNG").to_json()
    assert body["adjustment"] == "35000"
    assert body["by_partner"] == {"JPN": "35000"}


def test_unauthorized_or_not_first_transferred_blocks_do_not_count() -> None:
    """Excludes retired blocks lacking the host's approval or a first transfer to Japan."""
    b = _table()[1]
    assert japan_exclusion(attrs.evolve(b, authorized_by={"JPN"})) == "not_authorized"
    assert japan_exclusion(attrs.evolve(b, first_transferred_to=None)) == "not_first_transferred"


def test_missing_retirement_date_fails_closed() -> None:
    """Rejects the interim figures when an eligible block has no retirement date."""
    table = _table()
    table[1] = attrs.evolve(table[1], retired_on=None)
    with pytest.raises(Article6Error) as info:
        japan_averaging(table)
    assert info.value.code == "MISSING_RETIREMENT_DATE"


def test_partner_with_annual_method_adds_first_transfers_by_attributed_year() -> None:
    """Adds a multi-year partner's first transfers year by year under either attribution."""
    book = DEFAULT_NDCS.with_ndc(Ndc("MNG", 2021, 2030, NdcKind.MULTI_YEAR, CaMethod.MULTI_YEAR))
    by_transfer = partner_adjustment(_table(), "MNG", ndcs=book)
    by_vintage = partner_adjustment(_table(), "MNG", ndcs=book, attribution=Attribution.VINTAGE)
    # B (2021, moved 2022), D (2025, moved 2026), H (2023, moved 2024); A unauthorized, F 2031/32.
    assert dict(by_transfer.interim)[2022] == 100_000
    assert dict(by_vintage.interim)[2021] == 100_000
    assert by_transfer.adjustment == by_vintage.adjustment == 380_000


def test_unknown_party_fails_closed_without_a_default() -> None:
    """Rejects a Party with no NDC when the book has no default (MISSING_NDC)."""
    with pytest.raises(Article6Error) as info:
        NdcBook((JAPAN_NDC,), default=None).for_party("MNG")
    assert info.value.code == "MISSING_NDC"


def test_emissions_balance_of_transferor_and_acquirer() -> None:
    """Gives EB_A(2026) = 51,200,000 and EB_B(2026) = 298,800,000 (§9.4)."""
    assert emissions_balance(50_000_000, 1_200_000, 0) == 51_200_000
    assert emissions_balance(300_000_000, 0, 1_200_000) == 298_800_000


def _block() -> ItmoBlock:
    return ItmoBlock("CA0099", "AAA01", "AAA", 2025, 1, 1_200_000)


def test_balances_from_actions_ignore_acquisitions() -> None:
    """Sums A's first transfer and B's use from actions; B's acquisition does not enter (§9.4)."""
    day = dt.date(2026, 3, 1)
    actions = [
        Action(
            day,
            ActionType.FIRST_TRANSFER,
            ActionSubtype.FIRST_TRANSFER_TO_ANOTHER_PARTY,
            "AAA",
            "AAA01",
            _block(),
            "A-1",
            acquiring_party="BBB",
        ),
        Action(
            day,
            ActionType.ACQUISITION,
            None,
            "BBB",
            "BBB01",
            _block(),
            "A-1",
            transferring_party="AAA",
        ),
        Action(
            dt.date(2026, 9, 1),
            ActionType.USE,
            None,
            "BBB",
            "BBB01",
            _block(),
            "A-1",
            ndc_year=2026,
        ),
    ]
    ndc = Ndc("AAA", 2021, 2030, NdcKind.MULTI_YEAR, CaMethod.MULTI_YEAR)
    ft_a = first_transferred_by_year(actions, "AAA")
    eb_a = emissions_balances({2026: 50_000_000}, ft_a, used_by_year(actions, "AAA"), ndc)
    eb_b = emissions_balances(
        {2026: 300_000_000},
        first_transferred_by_year(actions, "BBB"),
        used_by_year(actions, "BBB"),
        ndc,
    )
    assert eb_a == {2026: 51_200_000}
    assert eb_b == {2026: 298_800_000}
    assert first_transferred_by_year(actions, "AAA", Attribution.VINTAGE) == {2025: 1_200_000}


def test_balance_without_emissions_fails_closed() -> None:
    """Rejects a year with first transfers but no inventory emissions (MISSING_EMISSIONS)."""
    with pytest.raises(Article6Error) as info:
        emissions_balances({}, {2026: 5}, {}, JAPAN_NDC)
    assert info.value.code == "MISSING_EMISSIONS"


def test_averaging_balance_divides_by_elapsed_years() -> None:
    """Averages cumulative uses over the elapsed years at the target year (§7.4)."""
    eb = averaging_balance(760_000_000, {}, {2030: 1_000_000}, JAPAN_NDC)
    assert eb == 759_900_000
    assert averaging_balance(0, {}, {2021: 250_000}, JAPAN_NDC, 2023) == Fraction(-250_000, 3)


def test_transfer_year_attribution_needs_the_transfer_date() -> None:
    """Rejects the transfer-year attribution of a block without first-transfer date."""
    book = DEFAULT_NDCS.with_ndc(Ndc("MNG", 2021, 2030, NdcKind.MULTI_YEAR, CaMethod.MULTI_YEAR))
    table = _table()
    table[1] = attrs.evolve(table[1], first_transferred_on=None)
    with pytest.raises(Article6Error) as info:
        partner_adjustment(table, "MNG", ndcs=book)
    assert info.value.code == "MISSING_FIRST_TRANSFER_DATE"


def test_example_positions_reproduce_section_9_3() -> None:
    """Gives 100,000 from the §9.3 table shipped in jcm.article6.examples."""
    assert japan_averaging(section_9_3_positions()).adjustment == 100_000
    assert [attrs.evolve(p, ndc_year=None) for p in section_9_3_positions()] == _table()


def test_block_f_counts_only_in_the_second_ndc_period() -> None:
    """Counts F (vintage 2031, retired toward 2035) in 2031-2035 only: 10,000 / 5 = 2,000."""
    positions = section_9_3_positions()
    assert [p.ndc_year for p in positions if p.label == "F"] == [2035]
    first = corresponding_adjustment(positions, "JPN", year=2030)
    second = corresponding_adjustment(positions, "JPN", year=2035)
    assert (first.ndc_period, first.adjustment) == ((2021, 2030), 100_000)
    assert (second.ndc_period, second.adjustment) == ((2031, 2035), 2_000)
    assert dict(second.by_partner) == {"MNG": 2_000}


def test_a_retirement_toward_another_period_is_excluded_naming_why() -> None:
    """Excludes a 2025 credit retired toward an NDC year outside 2021-2030 as other_period."""
    late = _pos("X", "MNG", 2025, 10, R, retired="2031-01-10")
    assert japan_exclusion(attrs.evolve(late, ndc_year=2033)) == "other_period"
    assert japan_exclusion(attrs.evolve(late, ndc_year=2030)) is None
