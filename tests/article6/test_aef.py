"""AEF V2 tables generated from Article 6 actions (rules.md §8.2, §9.6, §10)."""

from __future__ import annotations

import attrs
import pytest

from jcm.article6.aef import (
    ActionRow,
    AuthorizationRow,
    HoldingRow,
    SubmissionRow,
    format_action_date,
    parse_date,
)
from jcm.article6.consistency import check_aef
from jcm.article6.examples import MNG_AUTH, report, scenario_12_registry, section_9_6_registry
from jcm.article6.examples import known_authorizations as known
from jcm.errors import Article6Error

SECTION_9_6 = section_9_6_registry()
SCENARIO_12 = scenario_12_registry()


def test_field_orders_follow_section_8_2() -> None:
    """Keeps 9, 19, 27 and 16 columns in the order of §8.2."""
    assert len(SubmissionRow.headers()) == 9
    assert len(AuthorizationRow.headers()) == 19
    assert len(ActionRow.headers()) == 27
    assert len(HoldingRow.headers()) == 16
    assert ActionRow.headers()[:3] == ("Action date", "Action type", "Action subtype")
    assert ActionRow.headers()[19:21] == (
        "Transferring participating Party ID",
        "Acquiring participating Party ID",
    )
    assert HoldingRow.headers()[-1] == "Vintage"


def test_japan_2025_acquisition_row_matches_the_example() -> None:
    """Writes Japan's 2025 Acquisition row as rules.md §9.6 shows it, dated dd/mm/yyyy."""
    jpn = report(SECTION_9_6, "JPN", 2025)
    assert len(jpn.actions) == 1
    row = jpn.actions[0].as_dict()
    expected = {
        "Action date": "10/06/2025",
        "Action type": "Acquisition",
        "Action subtype": "NA",
        "Cooperative approach ID": "CA0099",
        "Authorization ID": "MNG-JCM-2024-001",
        "First transferring participating Party ID": "MNG",
        "Party ITMO registry ID": "JPN01",
        "First ID": "CA0099-MNG01-MNG-1-2023",
        "Last ID": "CA0099-MNG01-MNG-1000-2023",
        "Underlying unit registry ID": "JCM",
        "First unit ID": "1",
        "Last unit ID": "1000",
        "Metric": "GHG",
        "Quantity (t CO2 eq)": "1000",
        "Mitigation type": "Emission reductions",
        "Vintage": "2023",
        "Transferring participating Party ID": "MNG",
        "Acquiring participating Party ID": "NA",
        "Purpose for which the ITMO has been used towards or cancelled for OIMP": "NA",
        "Using/cancelling participating Party ID": "NA",
        "Using/cancelling authorized entity ID": "NA",
        "Calendar year for which the ITMOs are used towards the Party's NDC": "NA",
    }
    assert {k: row[k] for k in expected} == expected


def test_japan_2025_holdings_are_1_to_1000() -> None:
    """Holds …-1-2023 to …-1000-2023, quantity 1000, at 31 Dec 2025 (§9.6 T4)."""
    (h,) = report(SECTION_9_6, "JPN", 2025).holdings
    assert (h.first_id, h.last_id, h.quantity, h.registry) == (
        "CA0099-MNG01-MNG-1-2023",
        "CA0099-MNG01-MNG-1000-2023",
        1000,
        "JPN01",
    )


def test_japan_2026_use_row_and_holdings() -> None:
    """Uses 1–400 toward the 2030 NDC and holds 401–1000 (600) at end-2026 (§9.6)."""
    jpn = report(SECTION_9_6, "JPN", 2026)
    (use,) = jpn.actions
    assert (use.action_type, use.action_subtype, use.last_id, use.quantity, use.ndc_year) == (
        "Use",
        None,
        "CA0099-MNG01-MNG-400-2023",
        400,
        2030,
    )
    assert use.as_dict()["Action subtype"] == "NA"
    (h,) = jpn.holdings
    assert (h.first_id, h.quantity) == ("CA0099-MNG01-MNG-401-2023", 600)


def test_mongolia_2025_reports_the_first_transfer_to_japan() -> None:
    """Reports Mongolia's First transfer / First transfer to another Party, acquiring JPN."""
    mng = report(SECTION_9_6, "MNG", 2025)
    ft = mng.actions[-1].as_dict()
    assert ft["Action type"] == "First transfer"
    assert ft["Action subtype"] == "First transfer to another Party"
    assert ft["Acquiring participating Party ID"] == "JPN"
    assert ft["Transferring participating Party ID"] == "NA"
    assert mng.holdings == ()


def test_mongolia_2024_lists_its_authorization() -> None:
    """Lists the authorization in Mongolia's Table 2 with dd/mm/yyyy date and purposes."""
    mng = report(SECTION_9_6, "MNG", 2024)
    row = mng.authorizations[0].as_dict()
    assert row["Date of authorization"] == "01/11/2024"
    assert row["Purposes for authorization"] == "NDC"
    assert row["First transfer definition for OIMP"] == "NA"
    assert mng.submission.as_dict()["First year of the NDC implementation period"] == "2021"


def test_generated_reports_pass_every_check() -> None:
    """Passes C01–C12 for both Parties and both years, mirrors included."""
    events = SECTION_9_6
    jpn25, mng25 = report(events, "JPN", 2025), report(events, "MNG", 2025)
    assert (
        check_aef(
            jpn25, previous_holdings=(), known_authorizations=known(), counterparts=[mng25]
        ).problems
        == ()
    )
    assert (
        check_aef(
            mng25, previous_holdings=(), known_authorizations=known(), counterparts=[jpn25]
        ).problems
        == ()
    )
    jpn26 = report(events, "JPN", 2026)
    assert (
        check_aef(
            jpn26,
            previous_holdings=jpn25.holdings,
            known_authorizations=known(),
            earlier_actions=jpn25.actions,
        ).problems
        == ()
    )


def test_scenario_12_holdings_roll_forward_over_two_years() -> None:
    """Rolls the 5001/1000/3000/1000 issuance forward through 2026 without a C09 (scenario 12)."""
    events = SCENARIO_12
    y1, y2 = report(events, "JPN", 2025), report(events, "JPN", 2026)
    assert [h.quantity for h in y1.holdings] == [10_001]
    assert [(h.first_id, h.quantity) for h in y2.holdings] == [
        ("CA0099-JPN01-MNG-5002-2023", 1000),
        ("CA0099-JPN01-MNG-9002-2023", 1000),
    ]
    assert check_aef(y1, previous_holdings=(), known_authorizations=known()).ok
    assert check_aef(y2, previous_holdings=y1.holdings, known_authorizations=known()).ok


def test_dates_are_written_and_read_back() -> None:
    """Writes the metadata's ISO UTC form of a date and reads both date forms back."""
    day = parse_date("10/06/2025")
    assert format_action_date(day) == "2025-06-10T00:00:00.000Z"
    assert parse_date(format_action_date(day)) == day


def test_an_undated_authorization_cannot_be_reported() -> None:
    """Refuses to write a Table 2 row for an authorization without a date."""
    with pytest.raises(Article6Error) as info:
        AuthorizationRow.from_authorization(attrs.evolve(MNG_AUTH, date=None))
    assert info.value.code == "MISSING_AUTHORIZATION_DATE"
