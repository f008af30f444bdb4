"""Consistency checks C01–C12 (rules.md §7.8), each shown failing on a corrupted table."""

from __future__ import annotations

import datetime as dt

import attrs

from jcm.article6.aef import AefReport
from jcm.article6.consistency import (
    CHECKS,
    check_aef,
    check_c01,
    check_c02,
    check_c03,
    check_c04,
    check_c05,
    check_c06,
    check_c07,
    check_c08,
    check_c09,
    check_c10,
    check_c11,
    check_c12,
)
from jcm.article6.examples import known_authorizations as known
from jcm.article6.examples import report, scenario_12_registry, section_9_6_registry
from jcm.errors import Problem, Severity

SECTION_9_6 = section_9_6_registry()
SCENARIO_12 = scenario_12_registry()

D = dt.date


def jpn(year: int) -> AefReport:
    return report(SECTION_9_6, "JPN", year)


def with_action(r: AefReport, index: int = 0, **changes: object) -> AefReport:
    rows = list(r.actions)
    rows[index] = attrs.evolve(rows[index], **changes)
    return attrs.evolve(r, actions=tuple(rows))


def with_holding(r: AefReport, index: int = 0, **changes: object) -> AefReport:
    rows = list(r.holdings)
    rows[index] = attrs.evolve(rows[index], **changes)
    return attrs.evolve(r, holdings=tuple(rows))


def codes(problems: tuple[Problem, ...]) -> set[str]:
    return {p.code for p in problems}


def test_there_are_twelve_checks() -> None:
    """Lists the twelve checks C01–C12 of §7.8."""
    assert list(CHECKS) == [f"C{n:02d}" for n in range(1, 13)]


def test_c09_fails_on_a_holding_corrupted_by_one_unit() -> None:
    """Fails the roll-forward when Table 4 holds one unit more than 1000 − 400 (scenario 12)."""
    y1, y2 = jpn(2025), jpn(2026)
    assert check_c09(y2, y1.holdings) == ()
    bad = with_holding(y2, quantity=601)
    (problem,) = check_c09(bad, y1.holdings)
    assert problem.code == "C09"
    assert problem.severity is Severity.ERROR
    assert "(600)" in problem.message
    assert "(601)" in problem.message
    assert "C09" in check_aef(bad, previous_holdings=y1.holdings).codes()


def test_c09_fails_when_the_last_id_moves_by_one() -> None:
    """Fails the roll-forward when a Last ID is one unit beyond the expected range."""
    events = SCENARIO_12
    y1, y2 = report(events, "JPN", 2025), report(events, "JPN", 2026)
    bad = with_holding(y2, 1, last_id="CA0099-JPN01-MNG-10002-2023", quantity=1001)
    problems = check_c09(bad, y1.holdings)
    assert codes(problems) == {"C09"}
    assert "extra 10002-10002" in problems[0].message


def test_c09_is_skipped_without_previous_holdings() -> None:
    """Skips the roll-forward when no previous Table 4 is given."""
    assert check_c09(with_holding(jpn(2026), quantity=601), None) == ()


def test_c01_flags_bad_codes_and_mismatched_subtypes() -> None:
    """Flags a lower-case Party code and a subtype that does not belong to its type."""
    r = with_action(jpn(2025), transferring_party="mng", action_subtype="Issuance")
    fields = {p.field for p in check_c01(r)}
    assert "Table 3 Actions[0].Transferring participating Party ID" in fields
    assert "Table 3 Actions[0].Action subtype" in fields


def test_c01_flags_a_malformed_itmo_id() -> None:
    """Flags a First ID whose cooperative approach has two digits."""
    r = with_holding(jpn(2025), first_id="CA99-MNG01-MNG-1-2023")
    assert codes(check_c01(r)) == {"C01"}


def test_c02_flags_an_unknown_authorization() -> None:
    """Flags an Authorization ID found in no Table 2."""
    r = jpn(2025)
    assert check_c02(r, known()) == ()
    assert codes(check_c02(r)) == {"C02"}


def test_c03_flags_ndc_use_under_an_oimp_authorization() -> None:
    """Flags a use toward the NDC when the authorization covers only OIMP."""
    oimp = (
        attrs.evolve(
            known()[0],
            purposes="OIMP",
            oimp="CORSIA",
            first_transfer_definition="Use or Cancellation",
        ),
    )
    r = jpn(2026)
    assert check_c03(r, known()) == ()
    assert codes(check_c03(r, oimp)) == {"C03"}


def test_c04_flags_quantity_above_the_authorized_quantity() -> None:
    """Flags first transfers beyond the authorized quantity and outside the timeframe."""
    mng = report(SECTION_9_6, "MNG", 2025)
    capped = (attrs.evolve(known()[0], authorized_quantity=999, timeframe="2026 - 2030"),)
    assert check_c04(mng, known()) == ()
    messages = " ".join(p.message for p in check_c04(mng, capped))
    assert "exceeds the authorized quantity 999" in messages
    assert "outside the authorized timeframe" in messages


def test_c05_flags_a_first_transfer_before_authorization() -> None:
    """Flags a first transfer dated before the authorization date."""
    mng = report(SECTION_9_6, "MNG", 2025)
    late = (attrs.evolve(known()[0], date=D(2025, 7, 1)),)
    assert check_c05(mng, known()) == ()
    assert codes(check_c05(mng, late)) == {"C05"}


def test_c06_flags_overlapping_holdings_and_repeated_first_transfers() -> None:
    """Flags overlapping Table 4 ranges and an ID first transferred twice."""
    r = jpn(2025)
    doubled = attrs.evolve(r, holdings=r.holdings * 2)
    assert codes(check_c06(doubled)) == {"C06"}
    mng = report(SECTION_9_6, "MNG", 2025)
    assert check_c06(mng) == ()
    assert codes(check_c06(mng, earlier_actions=mng.actions)) == {"C06"}


def test_c07_flags_double_use() -> None:
    """Flags a second use of IDs already used."""
    r = jpn(2026)
    assert check_c07(r) == ()
    assert codes(check_c07(r, earlier_actions=r.actions)) == {"C07"}


def test_c08_flags_a_transfer_without_matching_acquisition() -> None:
    """Flags a first transfer whose acquisition in Japan's report differs in quantity."""
    mng, jp = report(SECTION_9_6, "MNG", 2025), jpn(2025)
    assert check_c08(mng, [jp]) == ()
    bad_jp = with_action(jp, quantity=999, last_id="CA0099-MNG01-MNG-999-2023")
    assert codes(check_c08(mng, [bad_jp])) == {"C08"}
    assert codes(check_c08(bad_jp, [mng])) == {"C08"}


def test_c10_flags_a_use_outside_the_ndc_period() -> None:
    """Flags a use for NDC year 2031 outside 2021–2030."""
    assert codes(check_c10(with_action(jpn(2026), ndc_year=2031))) == {"C10"}


def test_c11_flags_quantity_differing_from_the_ids() -> None:
    """Flags a quantity that is not Last ID − First ID + 1."""
    assert codes(check_c11(with_action(jpn(2026), quantity=401))) == {"C11"}


def test_c12_warns_about_fields_that_do_not_apply() -> None:
    """Warns when an Acquisition row names an acquiring Party."""
    (problem,) = check_c12(with_action(jpn(2025), acquiring_party="KOR"))
    assert (problem.code, problem.severity) == ("C12", Severity.WARNING)
