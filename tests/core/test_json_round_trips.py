"""Round-trips of the core values not covered elsewhere through the one JSON converter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core.account import Account, AccountKind
from jcm.core.credit import CreditBlock, SerialRange
from jcm.core.party import Principal, Role
from jcm.core.period import CreditingPeriod, MonitoringPeriod, Vintage
from jcm.errors import InvalidInputError
from jcm.serialization import dumps, loads, structure, unstructure

_party = st.sampled_from(["JPN", "MNG", "VNM", "PHL", "CHL"])
_ident = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=12)


@st.composite
def _serials(draw: st.DrawFn) -> SerialRange:
    start = draw(st.integers(min_value=1, max_value=10**12))
    return SerialRange(start, start + draw(st.integers(min_value=0, max_value=10**9)))


_block = st.builds(
    CreditBlock,
    registry=_party.map(lambda p: f"{p}01"),
    party=_party,
    project=_ident,
    host_party=_party,
    vintage=st.integers(min_value=1990, max_value=2100),
    serials=_serials(),
    issued_on=st.dates(),
    issuance=_ident,
)
_account = st.builds(
    Account,
    id=_ident,
    party=_party,
    registry=_party.map(lambda p: f"{p}01"),
    kind=st.sampled_from(AccountKind),
    holder=_ident,
    frozen=st.booleans(),
)
_principal = st.one_of(
    st.builds(Principal, id=_ident, role=st.just(Role.OPERATOR), party=st.none()),
    st.builds(Principal, id=_ident, role=st.sampled_from(Role), party=_party),
)
_value = st.one_of(
    _serials(),
    _block,
    _account,
    _principal,
    st.builds(Vintage, st.integers(min_value=1990, max_value=2100)),
)


@given(_value)
def test_core_values_round_trip_through_json_text(value: Any) -> None:
    """Round-trips credit blocks, serial ranges, accounts, principals and vintages exactly."""
    assert loads(dumps(value), type(value)) == value


def test_a_block_is_written_with_its_fields() -> None:
    """Writes a credit block as plain JSON: serials as an object, the date ISO 8601."""
    issued = dt.date(2025, 6, 10)
    block = CreditBlock("JPN01", "JPN", "MN010", "MNG", 2023, SerialRange(1, 500), issued, "7")
    data = unstructure(block)
    assert data["serials"] == {"start": 1, "end": 500}
    assert data["issued_on"] == "2025-06-10"
    assert data["vintage"] == 2023


@pytest.mark.parametrize(
    ("cls", "data", "path"),
    [
        (SerialRange, {"start": 10, "end": 9}, "$.end"),
        (SerialRange, {"start": 0, "end": 9}, "$.start"),
        (Account, {"id": "A", "party": "Japan", "registry": "JPN01", "kind": "entity_holding",
                   "holder": "h"}, "$.party"),
        (Account, {"id": "A", "party": "JPN", "registry": "JPN01", "kind": "wallet",
                   "holder": "h"}, "$.kind"),
        (Vintage, {"year": 1889}, "$.year"),
        (MonitoringPeriod, {"start": "2025-06-01", "end": "2025-05-31"}, "$.end"),
        (CreditingPeriod, {"start": "2025-06-01", "end": "2024-05-31"}, "$.end"),
        (Principal, {"id": "x", "role": "king", "party": "JPN"}, "$.role"),
    ],
)  # fmt: skip
def test_bad_core_json_names_its_field(cls: type[Any], data: dict[str, Any], path: str) -> None:
    """Names the failing field of bad JSON for a core value by its path."""
    with pytest.raises(InvalidInputError) as info:
        structure(data, cls)
    assert path in [e.path for e in info.value.errors]
