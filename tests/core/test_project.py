"""Tests of projects, participants and the credit allocation (rules.md §2.3.2, §3.1, §3.2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core.project import (
    ALLOCATION_TOTAL,
    AllocationShare,
    Participant,
    Project,
    check_allocation,
)
from jcm.errors import InvalidInputError, InvalidValueError
from jcm.serialization import dumps, loads, structure, unstructure

# partners.md: Mongolia (MNG) is the first partner; MN010 is the project ref of rules.md §4.3.
MN010 = Project("MN010", "MNG", "Solar power plant", "energy industries", ("pp-a",))


def test_project_keeps_its_pin_description() -> None:
    """Keeps the id, partner, title, sector and participants of the PIN."""
    assert (MN010.id, MN010.partner, MN010.participants) == ("MN010", "MNG", ("pp-a",))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", ""),
        ("partner", "Mongolia"),
        ("partner", "mng"),
        ("title", "  "),
        ("sector", None),
        ("participants", ()),
        ("participants", ["pp-a"]),
        ("participants", ("pp-a", "pp-a")),
    ],
)
def test_project_names_bad_field(field: str, value: object) -> None:
    """Refuses a project with an empty id or title, a bad partner code or bad participants."""
    args: dict[str, Any] = {
        "id": "MN010",
        "partner": "MNG",
        "title": "Solar",
        "sector": "energy",
        "participants": ("pp-a",),
    }
    args[field] = value
    with pytest.raises(InvalidValueError) as info:
        Project(**args)
    assert info.value.field == field


def test_empty_participant_id_is_named_with_its_index() -> None:
    """Names the index of an empty participant id."""
    with pytest.raises(InvalidValueError) as info:
        Project("MN010", "MNG", "Solar", "energy", ("pp-a", ""))
    assert info.value.field == "participants[1]"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"id": ""}, "id"), ({"id": "pp", "party": "JP"}, "party"), ({"id": "pp", "name": 5}, "name")],
)
def test_participant_names_bad_field(kwargs: dict[str, Any], field: str) -> None:
    """Refuses a participant with an empty id, a bad Party code or a name that is not text."""
    with pytest.raises(InvalidValueError) as info:
        Participant(**kwargs)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"party": "JAPAN"}, "party", "INVALID_VALUE"),
        ({"account": ""}, "account", "INVALID_IDENTIFIER"),
        ({"share": 50}, "share", "INVALID_VALUE"),
        ({"share": 50.0}, "share", "INVALID_VALUE"),
        ({"share": Decimal("NaN")}, "share", "INVALID_VALUE"),
        ({"share": Decimal("-0.01")}, "share", "ALLOCATION_NOT_100"),
        ({"share": Decimal("100.01")}, "share", "ALLOCATION_NOT_100"),
    ],
)
def test_allocation_share_names_bad_field(kwargs: dict[str, Any], field: str, code: str) -> None:
    """Refuses a share that is not a Decimal in [0, 100], or a bad Party or account."""
    args: dict[str, Any] = {"party": "JPN", "account": "GOJ", "share": Decimal("50")}
    args.update(kwargs)
    with pytest.raises(InvalidValueError) as info:
        AllocationShare(**args)
    assert (info.value.field, info.value.code) == (field, code)


def test_allocation_total_is_exactly_one_hundred() -> None:
    """Sets the allocation total to exactly 100 percent (rules.md §3.2)."""
    assert Decimal(100) == ALLOCATION_TOTAL


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=6))
def test_allocation_summing_to_100_is_accepted(cuts: list[int]) -> None:
    """Accepts any split of 100.00 into hundredths, whatever the number of lines."""
    bounds = sorted(cuts)
    pieces = [b - a for a, b in zip([0, *bounds], [*bounds, 10_000], strict=True)]
    shares = tuple(
        AllocationShare("JPN", f"ACC-{i}", Decimal(p) / 100) for i, p in enumerate(pieces)
    )
    assert check_allocation(shares) == shares


@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=6).filter(lambda xs: sum(xs) != 10_000)
)
def test_allocation_not_summing_to_100_is_refused(hundredths: list[int]) -> None:
    """Refuses any allocation whose hundredths do not add up to exactly 100.00 percent."""
    shares = tuple(
        AllocationShare("JPN", f"ACC-{i}", Decimal(h) / 100) for i, h in enumerate(hundredths)
    )
    with pytest.raises(InvalidValueError) as info:
        check_allocation(shares)
    assert (info.value.code, info.value.field) == ("ALLOCATION_NOT_100", "allocation")


def test_allocation_lines_must_be_shares() -> None:
    """Refuses a line that is not an AllocationShare, naming its index."""
    with pytest.raises(InvalidValueError) as info:
        check_allocation([{"party": "JPN", "account": "A", "share": "100"}])  # type: ignore[list-item]
    assert info.value.field == "allocation[0]"


def test_allocation_parties_can_be_restricted() -> None:
    """Refuses a Party outside the given ones, naming the line's party."""
    shares = (AllocationShare("JPN", "A", Decimal(60)), AllocationShare("VNM", "B", Decimal(40)))
    assert check_allocation(shares, parties={"JPN", "VNM"}) == shares
    with pytest.raises(InvalidValueError) as info:
        check_allocation(shares, parties={"JPN", "MNG"}, field="change.allocation")
    assert info.value.field == "change.allocation[1].party"


_text = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=10)
_codes = st.text(st.characters(min_codepoint=65, max_codepoint=90), min_size=3, max_size=3)
_shares = st.builds(
    AllocationShare,
    party=_codes,
    account=_text,
    share=st.decimals(min_value=0, max_value=100, allow_nan=False, allow_infinity=False, places=4),
)
_participants = st.builds(
    Participant, id=_text, name=st.text(max_size=10), party=st.none() | _codes
)
_projects = st.builds(
    Project,
    id=_text,
    partner=_codes,
    title=_text,
    sector=st.text(st.characters(codec="ascii", categories=("L", "N", "Zs")), max_size=10),
    participants=st.lists(_text, min_size=1, max_size=4, unique=True).map(tuple),
)


@given(st.one_of(_shares, _participants, _projects))
def test_project_types_round_trip_through_json(value: Any) -> None:
    """Round-trips projects, participants and shares through the converter and JSON exactly."""
    assert structure(unstructure(value), type(value)) == value
    assert loads(dumps(value), type(value)) == value


def test_share_is_a_decimal_string_in_json() -> None:
    """Writes a share as a decimal string and reads "33.33" back exactly."""
    share = AllocationShare("JPN", "GOJ", Decimal("33.33"))
    assert unstructure(share) == {"party": "JPN", "account": "GOJ", "share": "33.33"}
    assert structure({"party": "JPN", "account": "GOJ", "share": "33.33"}, AllocationShare) == share


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"party": "JPN", "account": "A", "share": 33.33}, "$.share"),
        ({"party": "JPN", "account": "A", "share": "-5"}, "$.share"),
        ({"party": "jp", "account": "A", "share": "5"}, "$.party"),
        ({"party": "JPN", "share": "5"}, "$.account"),
        ({"party": "JPN", "account": "A", "share": "5", "extra": 1}, "$.extra"),
    ],
    ids=["float", "negative", "party", "missing", "unknown-key"],
)
def test_share_json_names_bad_field(data: dict[str, Any], path: str) -> None:
    """Names the bad field of a share given as JSON by its path."""
    with pytest.raises(InvalidInputError) as info:
        structure(data, AllocationShare)
    assert info.value.errors[0].path == path


def test_project_json_names_bad_participant() -> None:
    """Names a participant id that is not text by its path in a project given as JSON."""
    data = unstructure(MN010)
    data["participants"] = ["pp-a", 7]
    with pytest.raises(InvalidInputError) as info:
        structure(data, Project)
    assert info.value.errors[0].path == "$.participants[1]"
