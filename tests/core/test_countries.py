"""Tests of the JCM partner countries (shared/reference/partners.md).

Only dates marked ``confirmed`` in partners.md are asserted; unverified and undated rows are kept
as data and only checked for consistency with the signing order.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core.countries import (
    DateStatus,
    PartnerCountry,
    parse_partners,
    partner,
    partner_countries,
    partners_as_of,
)
from jcm.errors import InvalidInputError, InvalidValueError
from jcm.serialization import dumps, loads, structure, unstructure

# partners.md, rows whose date status is "confirmed": (number, code, signed)
CONFIRMED = [
    (1, "MNG", dt.date(2013, 1, 8)),
    (4, "KEN", dt.date(2013, 6, 12)),
    (9, "CRI", dt.date(2013, 12, 9)),
    (17, "PHL", dt.date(2017, 1, 12)),
    (19, "TUN", dt.date(2022, 8, 26)),
    (20, "AZE", dt.date(2022, 9, 5)),
    (23, "LKA", dt.date(2022, 10, 10)),
    (24, "UZB", dt.date(2022, 10, 25)),
    (25, "PNG", dt.date(2022, 11, 18)),
    (28, "KAZ", dt.date(2023, 10, 30)),
    (29, "UKR", dt.date(2024, 2, 19)),
    (30, "TZA", dt.date(2025, 5, 28)),
    (31, "IND", dt.date(2025, 8, 29)),
]


def _raw() -> dict[str, Any]:
    text = resources.files("jcm.core").joinpath("data/partners.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_twenty_nine_partners_as_of_march_2025() -> None:
    """Counts 29 partners as of 2025-03-31 (the government overview of March 2025)."""
    assert len(partners_as_of(dt.date(2025, 3, 31))) == 29


def test_thirty_one_partners_by_end_of_august_2025() -> None:
    """Counts 31 partners by 2025-08-31, Tanzania and India added (partners.md)."""
    as_of = partners_as_of(dt.date(2025, 8, 31))
    assert len(as_of) == 31
    assert [p.code for p in as_of[29:]] == ["TZA", "IND"]
    assert as_of == partner_countries()


def test_signing_order_starts_with_mongolia_and_ukraine_is_29th() -> None:
    """Lists Mongolia first and Ukraine 29th, in signing order (partners.md)."""
    partners = partner_countries()
    assert partners[0].name == "Mongolia"
    assert partners[28].name == "Ukraine"
    assert [p.number for p in partners] == list(range(1, 32))


@pytest.mark.parametrize(("number", "code", "signed"), CONFIRMED, ids=str)
def test_confirmed_dates(number: int, code: str, signed: dt.date) -> None:
    """Keeps each confirmed signing date of partners.md with its place in the order."""
    country = partner(code)
    assert (country.number, country.signed, country.date_status) == (
        number,
        signed,
        DateStatus.CONFIRMED,
    )


@pytest.mark.parametrize(("number", "code", "signed"), CONFIRMED, ids=str)
def test_confirmed_partner_counts_from_its_signing_day(
    number: int, code: str, signed: dt.date
) -> None:
    """Counts a confirmed partner from its signing day, not the day before."""
    assert code in {p.code for p in partners_as_of(signed)}
    assert code not in {p.code for p in partners_as_of(signed - dt.timedelta(days=1))}
    assert len(partners_as_of(signed)) >= number


def test_nobody_before_mongolia() -> None:
    """Counts no partner before Mongolia signed on 2013-01-08, and only Mongolia that day."""
    assert partners_as_of(dt.date(2013, 1, 7)) == ()
    assert [p.code for p in partners_as_of(dt.date(2013, 1, 8))] == ["MNG"]


def test_ukraine_completes_the_twenty_nine() -> None:
    """Counts 28 partners the day before Ukraine signed (2024-02-19) and 29 that day."""
    assert len(partners_as_of(dt.date(2024, 2, 18))) == 28
    assert len(partners_as_of(dt.date(2024, 2, 19))) == 29


def test_undated_partners_keep_their_note_and_window() -> None:
    """Keeps Senegal undated with the note '2022, before 26 Aug' and a window in 2022."""
    senegal = partner("SEN")
    assert senegal.signed is None
    assert senegal.signed_note == "2022, before 26 Aug"
    assert senegal.date_status is DateStatus.NOT_FOUND
    assert senegal.earliest_signing.year == senegal.latest_signing.year == 2022
    assert senegal.latest_signing < partner("TUN").earliest_signing


def test_undated_partner_is_not_counted_before_its_window_ends() -> None:
    """Counts Senegal only once its window (before 26 Aug 2022) has certainly passed."""
    codes_before = {p.code for p in partners_as_of(dt.date(2022, 8, 24))}
    codes_at_tunisia = {p.code for p in partners_as_of(dt.date(2022, 8, 26))}
    assert "SEN" not in codes_before
    assert {"SEN", "TUN"} <= codes_at_tunisia


def test_every_row_has_a_status_and_note() -> None:
    """Gives every row a date status, a note, and a date unless the date was not found."""
    for country in partner_countries():
        assert country.signed_note
        assert (country.signed is None) == (country.date_status is DateStatus.NOT_FOUND)


def test_dates_never_contradict_the_signing_order() -> None:
    """Checks that no partner certainly signed after one that follows it could have."""
    partners = partner_countries()
    for index, later in enumerate(partners):
        for earlier in partners[:index]:
            assert earlier.earliest_signing <= later.latest_signing


def test_codes_are_unique_and_japan_is_not_a_partner() -> None:
    """Lists each ISO alpha-3 code once, and not Japan's."""
    codes = [p.code for p in partner_countries()]
    assert len(set(codes)) == 31
    assert "JPN" not in codes


@pytest.mark.parametrize("code", ["JPN", "FRA", "mng", "MN", 3])
def test_unknown_partner_is_refused_naming_partner(code: Any) -> None:
    """Refuses a code that is not a JCM partner's, naming ``partner``."""
    with pytest.raises(InvalidValueError) as info:
        partner(code)
    assert info.value.field == "partner"
    assert info.value.code == "UNKNOWN_PARTNER"


def test_partners_as_of_needs_a_date() -> None:
    """Refuses a day that is not a date, naming ``day``."""
    with pytest.raises(InvalidValueError) as info:
        partners_as_of("2025-03-31")  # type: ignore[arg-type]
    assert info.value.field == "day"


def test_a_later_partner_is_added_as_data() -> None:
    """Adds a 32nd partner by appending a data row, without code."""
    data = _raw()
    data["partners"].append(
        {
            "number": 32,
            "name": "Example",
            "code": "XEX",
            "signed": "2026-01-15",
            "signed_note": "2026-01-15",
            "date_status": "unverified",
        }
    )
    partners = parse_partners(json.dumps(data))
    assert len(partners) == 32
    assert partners[-1].signed == dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    ("index", "key", "value", "field"),
    [
        (3, "number", 5, "partners[3].number"),
        (3, "code", "MNG", "partners[3].code"),
        (3, "signed", "2012-01-01", "partners[3].signed"),
        (3, "signed", "12 June 2013", "partners[3].signed"),
        (3, "date_status", "probably", "partners[3].date_status"),
        (3, "colour", "red", "partners[3].colour"),
    ],
    ids=["order", "duplicate", "before-predecessor", "bad-date", "bad-status", "unknown-key"],
)
def test_bad_data_rows_are_refused_naming_the_row(
    index: int, key: str, value: object, field: str
) -> None:
    """Refuses a data file whose row breaks the order, repeats a code or is malformed."""
    data = _raw()
    data["partners"][index][key] = value
    with pytest.raises(InvalidValueError) as info:
        parse_partners(json.dumps(data))
    assert info.value.field == field


def test_missing_key_is_refused_naming_it() -> None:
    """Refuses a data row without a name, naming it."""
    data = _raw()
    del data["partners"][0]["name"]
    with pytest.raises(InvalidValueError) as info:
        parse_partners(json.dumps(data))
    assert info.value.field == "partners[0].name"


def test_undated_row_needs_its_window() -> None:
    """Refuses an undated partner without its window, naming ``signed_latest``."""
    with pytest.raises(InvalidValueError) as info:
        PartnerCountry(18, "Senegal", "SEN", None, "2022", DateStatus.NOT_FOUND)
    assert info.value.field == "signed_latest"


def test_dated_row_may_not_be_not_found() -> None:
    """Refuses a dated row whose status says the date was not found, naming ``date_status``."""
    with pytest.raises(InvalidValueError) as info:
        PartnerCountry(1, "Mongolia", "MNG", dt.date(2013, 1, 8), "x", DateStatus.NOT_FOUND)
    assert info.value.field == "date_status"


@given(st.sampled_from(partner_countries()))
def test_partner_round_trips_through_json(country: PartnerCountry) -> None:
    """Round-trips every partner through the converter and JSON text exactly."""
    assert structure(unstructure(country), PartnerCountry) == country
    assert loads(dumps(country), PartnerCountry) == country


def test_partner_json_names_bad_fields() -> None:
    """Names a bad code and a bad status of a partner given as JSON by their paths."""
    data = unstructure(partner("MNG"))
    data["date_status"] = "sure"
    with pytest.raises(InvalidInputError) as info:
        structure(data, PartnerCountry)
    assert info.value.errors[0].path == "$.date_status"
    data = unstructure(partner("MNG"))
    data["code"] = "Mongolia"
    with pytest.raises(InvalidInputError) as info:
        structure(data, PartnerCountry)
    assert info.value.errors[0].path == "$.code"
