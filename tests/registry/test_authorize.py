"""The registry's ``authorize`` request as a whole Article 6.3 authorization, and its enforcement.

AEF-V2 Table 2 fields (docs/rules.md §8.2 [P2]), versions (§8.4 [M: verify]) and the guards of the
first international transfer (§4.4 ``first_transfer_out``, §7.3, §7.8 C04). Coverage is decided
when credits are first transferred, so a cap counts what was first transferred under an ID.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from registry_world import Clock, code_of, issue, world

from jcm.core.first_transfer import Cover
from jcm.errors import JcmError
from jcm.registry import Registry
from jcm.registry.requests import (
    AuthorizeRequest,
    decode_journal_form,
    parse_request,
    request_json,
)

BASE: dict[str, Any] = {
    "type": "authorize",
    "authorization": "MNG-JCM-2024-001",
    "party": "MNG",
    "project": "MN010",
    "vintages": [2023],
    "purposes": ["NDC"],
}

FULL: dict[str, Any] = {
    **BASE,
    "version": 1,
    "cooperative_approach": "CA0042",
    "date": "2025-05-20",
    "sectors": ["Energy generation"],
    "activity_types": ["Solar"],
    "authorized_parties": ["JPN"],
    "authorized_entities": ["Japan Carbon Co."],
    "terms": "Changes apply to credits not yet first transferred.",
    "authorized_quantity": 400,
    "timeframe": {"start": "2025-01-01", "end": "2030-12-31"},
}

OUT = {"type": "transfer", "from": "MNG-GOV", "to": "GOJ"}
"""A transfer from Mongolia's registry to Japan's: the first transfer of Mongolian credits."""


def _mongolian_credits() -> Registry:
    """A world without authorizations where Mongolia issued 500 credits of 2023 (1-500 of MNG01)."""
    reg = world(allocation=(("JPN", "GOJ", "50"), ("MNG", "MNG-GOV", "50")), authorize=False)
    issue(reg, "MNG")
    return reg


def _authorize(reg: Registry, **fields: Any) -> dict[str, Any]:
    """Submit Mongolia's authorization ``BASE`` with ``fields``; return the receipt's JSON."""
    return reg.submit({**BASE, **fields}, actor="mng-admin").to_json()


def _refused(reg: Registry, request: dict[str, Any], actor: str = "mng-admin") -> str:
    """The code of a refused request, checking that the covered totals are unchanged."""
    before = dict(reg.state.covered)
    code = code_of(reg, request, actor)
    assert reg.state.covered == before
    return code


def _first_transfers(receipt: dict[str, Any]) -> list[list[Any]]:
    """``[registry, first, last, authorization, version]`` of each piece first transferred."""
    return [
        [i["registry"], i["first"], i["last"], i["cover"]["authorization"], i["cover"]["version"]]
        for i in receipt.get("itmos", ())
        if i["event"] == "first_transfer"
    ]


# --------------------------------------------------------------------------- request fields


def test_full_request_parses_every_table_2_field() -> None:
    """Reads version, approach, date, sectors, activity types, Parties, entities and terms."""
    request = parse_request(FULL)
    assert isinstance(request, AuthorizeRequest)
    assert request.version == 1
    assert request.cooperative_approach == "CA0042"
    assert request.date == dt.date(2025, 5, 20)
    assert request.sectors == ("Energy generation",)
    assert request.activity_types == ("Solar",)
    assert request.authorized_parties == ("JPN",)
    assert request.authorized_entities == ("Japan Carbon Co.",)
    assert request.terms == "Changes apply to credits not yet first transferred."


def test_full_request_round_trips_through_its_journal_form() -> None:
    """Gives the same request back from the journal form, which keeps every field given."""
    request = parse_request(
        {
            **FULL,
            "purposes": ["OIMP"],
            "oimp": "use under CORSIA",
            "first_transfer_definition": "Use or Cancellation",
        }
    )
    form = request_json(request)
    assert form["oimp"] == "use under CORSIA"
    assert form["date"] == "2025-05-20"
    assert decode_journal_form(form) == request


def test_omitted_fields_leave_the_journal_form_as_before() -> None:
    """Writes no new key when none of the new fields is given (old journals stay identical)."""
    assert request_json(parse_request(BASE)) == BASE


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("version", 0),
        ("version", True),
        ("version", "2"),
        ("cooperative_approach", "CA99"),
        ("cooperative_approach", "JCM"),
        ("date", "2025-13-01"),
        ("sectors", ["Energy"]),
        ("sectors", []),
        ("sectors", ["Agriculture", "Agriculture"]),
        ("activity_types", ["Solar power"]),
        ("activity_types", []),
        ("authorized_parties", ["JP"]),
        ("authorized_parties", ["JPN", "JPN"]),
        ("authorized_parties", []),
        ("authorized_entities", [""]),
        ("authorized_entities", []),
        ("oimp", ""),
        ("terms", ""),
    ],
)
def test_bad_field_is_refused_naming_it(field: str, value: Any) -> None:
    """Refuses a bad optional field with INVALID_VALUE naming that field."""
    with pytest.raises(JcmError) as info:
        parse_request({**BASE, field: value})
    assert info.value.code == "INVALID_VALUE"
    assert info.value.field == f"$.{field}"


# --------------------------------------------------------------------------- recording


def test_authorization_records_every_field() -> None:
    """Records the Table 2 fields on the Authorization, with the date given."""
    reg = _mongolian_credits()
    receipt = _authorize(reg, **{k: v for k, v in FULL.items() if k not in BASE})
    assert receipt["authorization"]["version"] == 1
    record = reg.state.authorizations["MNG-JCM-2024-001"]
    assert (record.version, record.cooperative_approach) == (1, "CA0042")
    assert record.date == dt.date(2025, 5, 20)
    assert record.sectors == ("Energy generation",)
    assert record.activity_types == ("Solar",)
    assert record.authorized_parties == frozenset({"JPN"})
    assert record.authorized_entities == ("Japan Carbon Co.",)
    assert record.terms == "Changes apply to credits not yet first transferred."
    assert record.oimp is None


def test_defaults_are_version_1_ca0099_and_the_entry_day() -> None:
    """Defaults the version to 1, the approach to CA0099 and the date to the entry's day."""
    reg = _mongolian_credits()
    _authorize(reg)
    record = reg.state.authorizations["MNG-JCM-2024-001"]
    entry = list(reg.store.entries())[-1]
    assert (record.version, record.cooperative_approach) == (1, "CA0099")
    assert record.date == entry.at.date() == dt.date(2025, 6, 1)
    assert (record.sectors, record.authorized_parties) == ((), frozenset())


def test_date_after_the_entry_is_refused() -> None:
    """Refuses an authorization dated after the day of its entry (INVALID_VALUE on date)."""
    reg = _mongolian_credits()
    with pytest.raises(JcmError) as info:
        _authorize(reg, date="2025-06-02")
    assert (info.value.code, info.value.field) == ("INVALID_VALUE", "date")
    assert reg.state.authorizations == {}


# --------------------------------------------------------------------------- versions


def test_next_version_by_the_same_party_is_a_change() -> None:
    """Records version 2 as the authorization in force, keeping version 1 in its history."""
    reg = _mongolian_credits()
    _authorize(reg)
    receipt = _authorize(reg, version=2, vintages=[2023, 2024], sectors=["Energy generation"])
    assert receipt["authorization"]["version"] == 2
    record = reg.state.authorizations["MNG-JCM-2024-001"]
    assert (record.version, record.vintages) == (2, frozenset({2023, 2024}))
    history = reg.authorization_history("MNG-JCM-2024-001")
    assert [a.version for a in history] == [1, 2]
    assert [a.version for a in reg.authorizations()] == [2]
    assert reg.authorization_history("NO-SUCH-ID") == ()
    assert reg.state.authorizations["MNG-JCM-2024-001"].covers_project("MN010", 2024)
    assert reg.verify() == ()


@pytest.mark.parametrize(
    ("first", "second", "code", "field"),
    [
        ({}, {"version": 3}, "AUTHORIZATION_VERSION", "version"),
        ({}, {}, "AUTHORIZATION_EXISTS", "version"),
        ({}, {"version": 1}, "AUTHORIZATION_EXISTS", "version"),
        (None, {"version": 2}, "AUTHORIZATION_VERSION", "version"),
        ({}, {"version": 2, "cooperative_approach": "CA0001"}, "AUTHORIZATION_VERSION",
         "cooperative_approach"),
    ],
)  # fmt: skip
def test_version_out_of_order_is_refused(
    first: dict[str, Any] | None, second: dict[str, Any], code: str, field: str
) -> None:
    """Refuses a version that is not exactly the next one, naming the version."""
    reg = _mongolian_credits()
    if first is not None:
        _authorize(reg, **first)
    with pytest.raises(JcmError) as info:
        _authorize(reg, **second)
    assert (info.value.code, info.value.field) == (code, field)


def test_same_id_by_another_party_is_refused() -> None:
    """Refuses Japan's authorization under Mongolia's id with AUTHORIZATION_EXISTS."""
    reg = _mongolian_credits()
    _authorize(reg)
    japan = {**BASE, "party": "JPN", "version": 2}
    assert code_of(reg, japan, "jcma") == "AUTHORIZATION_EXISTS"


def test_change_applies_only_to_credits_not_yet_first_transferred() -> None:
    """Keeps version 1 on credits moved under it; version 2's Party list binds the rest."""
    reg = _mongolian_credits()
    _authorize(reg)
    moved = reg.submit({**OUT, "quantity": 100}, "mng-admin").to_json()
    assert _first_transfers(moved) == [["MNG01", 401, 500, "MNG-JCM-2024-001", 1]]
    _authorize(reg, version=2, authorized_parties=["KOR"])
    assert _refused(reg, {**OUT, "quantity": 10}) == "PARTY_NOT_AUTHORIZED"
    assert reg.balance("GOJ") == 100
    assert {b.cover for b in reg.holdings("GOJ")} == {Cover("MNG-JCM-2024-001", 1)}
    inside = reg.submit({"type": "transfer", "from": "GOJ", "to": "B", "quantity": 30}, "jcma")
    assert "itmos" not in inside.to_json()
    assert {b.cover for b in reg.holdings("B")} == {Cover("MNG-JCM-2024-001", 1)}
    assert reg.verify() == ()


def test_change_that_drops_a_vintage_withdraws_it() -> None:
    """Refuses the first transfer of a vintage the newest version no longer covers."""
    reg = _mongolian_credits()
    _authorize(reg, vintages=[2023, 2024])
    _authorize(reg, version=2, vintages=[2024])
    assert not reg.state.authorizations["MNG-JCM-2024-001"].covers_project("MN010", 2023)
    assert _refused(reg, {**OUT, "quantity": 10}) == "NOT_AUTHORIZED"


# --------------------------------------------------------------------------- first transfer


def test_first_transfer_without_authorization_is_refused() -> None:
    """Refuses with NOT_AUTHORIZED when the host authorized nothing for the vintage."""
    reg = _mongolian_credits()
    _authorize(reg, vintages=[2024])
    assert _refused(reg, {**OUT, "quantity": 10}) == "NOT_AUTHORIZED"


def test_acquiring_party_must_be_listed() -> None:
    """Refuses PARTY_NOT_AUTHORIZED when Japan is not listed, accepts when it is."""
    reg = _mongolian_credits()
    _authorize(reg, authorized_parties=["KOR"])
    assert _refused(reg, {**OUT, "quantity": 10}) == "PARTY_NOT_AUTHORIZED"
    _authorize(reg, version=2, authorized_parties=["KOR", "JPN"])
    assert _first_transfers(reg.submit({**OUT, "quantity": 10}, "mng-admin").to_json()) == [
        ["MNG01", 491, 500, "MNG-JCM-2024-001", 2]
    ]


def test_transfer_outside_the_timeframe_is_refused() -> None:
    """Refuses OUTSIDE_AUTHORIZED_TIMEFRAME on a day after the timeframe's end."""
    reg = _mongolian_credits()
    _authorize(reg, timeframe={"start": "2021-01-01", "end": "2025-05-31"})
    assert _refused(reg, {**OUT, "quantity": 10}) == "OUTSIDE_AUTHORIZED_TIMEFRAME"
    _authorize(reg, version=2, timeframe={"start": "2021-01-01", "end": "2025-06-01"})
    assert reg.submit({**OUT, "quantity": 10}, "mng-admin").ok


def test_transfer_before_the_timeframe_is_refused() -> None:
    """Refuses OUTSIDE_AUTHORIZED_TIMEFRAME on a day before the timeframe's start."""
    reg = _mongolian_credits()
    _authorize(reg, timeframe={"start": "2026-01-01", "end": "2030-12-31"})
    assert _refused(reg, {**OUT, "quantity": 10}) == "OUTSIDE_AUTHORIZED_TIMEFRAME"


def test_cumulative_quantity_may_not_exceed_the_authorized_quantity() -> None:
    """Counts first transfers under the id and refuses AUTHORIZED_QUANTITY_EXCEEDED above 150."""
    reg = _mongolian_credits()
    _authorize(reg, authorized_quantity=150)
    assert _refused(reg, {**OUT, "quantity": 151}) == "AUTHORIZED_QUANTITY_EXCEEDED"
    reg.submit({**OUT, "quantity": 100}, "mng-admin")
    assert reg.state.covered == {"MNG-JCM-2024-001": 100}
    assert _refused(reg, {**OUT, "quantity": 51}) == "AUTHORIZED_QUANTITY_EXCEEDED"
    reg.submit({**OUT, "quantity": 50}, "mng-admin")
    assert reg.state.covered == {"MNG-JCM-2024-001": 150}
    assert _refused(reg, {**OUT, "quantity": 1}) == "AUTHORIZED_QUANTITY_EXCEEDED"
    assert reg.balance("GOJ") == 150


def test_quantity_counts_across_versions_of_one_id() -> None:
    """Compares a new version's cap with everything first transferred under the id."""
    reg = _mongolian_credits()
    _authorize(reg)
    reg.submit({**OUT, "quantity": 100}, "mng-admin")
    _authorize(reg, version=2, authorized_quantity=120)
    assert _refused(reg, {**OUT, "quantity": 21}) == "AUTHORIZED_QUANTITY_EXCEEDED"
    assert reg.submit({**OUT, "quantity": 20}, "mng-admin").ok
    assert reg.state.covered == {"MNG-JCM-2024-001": 120}


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"first_transfer_definition": "Issuance"}, "MISSING_OIMP", "$.oimp"),
        ({"oimp": "use under CORSIA"}, "MISSING_FIRST_TRANSFER_DEFINITION",
         "$.first_transfer_definition"),
    ],
)  # fmt: skip
def test_oimp_authorization_must_state_its_oimp_and_definition(
    fields: dict[str, Any], code: str, field: str
) -> None:
    """Refuses, at the authorization, an OIMP purpose without its OIMP or first-transfer rule."""
    reg = _mongolian_credits()
    with pytest.raises(JcmError) as info:
        _authorize(reg, purposes=["OIMP"], **fields)
    assert (info.value.code, info.value.field) == (code, field)
    assert reg.state.authorizations == {}


def test_oimp_issuance_definition_first_transfers_the_credits_at_the_authorization() -> None:
    """First transfers the host's credits of an OIMP authorization defined 'Issuance' by it."""
    reg = _mongolian_credits()
    receipt = _authorize(
        reg, purposes=["OIMP"], first_transfer_definition="Issuance", oimp="use under CORSIA"
    )
    assert [(c["first"], c["last"], c["first_transfer"]) for c in receipt["changes"]] == [
        (1, 500, "Issuance")
    ]
    assert reg.state.covered == {"MNG-JCM-2024-001": 500}
    moved = reg.submit({**OUT, "quantity": 10}, "mng-admin").to_json()
    assert [i["event"] for i in moved["itmos"]] == ["transfer"]


def test_use_or_cancellation_credits_cannot_leave_before_their_use() -> None:
    """Refuses NOT_FIRST_TRANSFERRED for OIMP credits first transferred only by use."""
    reg = _mongolian_credits()
    _authorize(
        reg,
        purposes=["OIMP"],
        first_transfer_definition="Use or Cancellation",
        oimp="use under CORSIA",
    )
    assert _refused(reg, {**OUT, "quantity": 10}) == "NOT_FIRST_TRANSFERRED"


def test_ndc_and_oimp_authorization_first_transfers_by_the_registry_transfer() -> None:
    """Treats an NDC and OIMP authorization as NDC: first transferred when the credits leave."""
    reg = _mongolian_credits()
    _authorize(
        reg,
        purposes=["NDC", "OIMP"],
        first_transfer_definition="Issuance",
        oimp="use under CORSIA",
    )
    assert reg.state.covered == {}
    moved = reg.submit({**OUT, "quantity": 10}, "mng-admin").to_json()
    assert _first_transfers(moved) == [["MNG01", 491, 500, "MNG-JCM-2024-001", 1]]


def test_an_authorization_that_allows_it_is_chosen() -> None:
    """Uses the second authorization when the first does not list Japan."""
    reg = _mongolian_credits()
    _authorize(reg, authorized_parties=["KOR"])
    _authorize(reg, authorization="MNG-JCM-2024-002")
    moved = reg.submit({**OUT, "quantity": 10}, "mng-admin").to_json()
    assert _first_transfers(moved) == [["MNG01", 491, 500, "MNG-JCM-2024-002", 1]]
    assert reg.state.covered == {"MNG-JCM-2024-002": 10}


def test_rejection_in_a_batch_changes_nothing() -> None:
    """Skips the refused transfer of a batch and applies the others (counters included)."""
    reg = _mongolian_credits()
    _authorize(reg, authorized_quantity=50)
    results = reg.submit_batch(
        [
            {**OUT, "actor": "mng-admin", "quantity": 40},
            {**OUT, "actor": "mng-admin", "quantity": 20},
            {**OUT, "actor": "mng-admin", "quantity": 10},
        ]
    )
    assert [r.ok for r in results] == [True, False, True]
    assert reg.state.covered == {"MNG-JCM-2024-001": 50}
    assert reg.balance("GOJ") == 50


def test_replay_reproduces_the_counters_and_versions(tmp_path: Path) -> None:
    """Rebuilds first-transferred totals and authorization versions when the file is reopened."""
    path = tmp_path / "registry.sqlite"
    reg = Registry.open(path, clock=Clock())
    for request, actor in _setup_requests():
        reg.submit(request, actor=actor)
    reg.submit({**BASE, "authorized_quantity": 300}, actor="mng-admin")
    reg.submit({**OUT, "quantity": 120}, "mng-admin")
    reg.submit({**BASE, "version": 2, "authorized_quantity": 200}, actor="mng-admin")
    reg.submit({**OUT, "quantity": 80}, "mng-admin")
    live = (dict(reg.state.covered), reg.state.authorization_versions)
    reg.close()
    again = Registry.open(path, clock=Clock(dt.datetime(2025, 7, 1, tzinfo=dt.UTC)))
    assert again.state.covered == {"MNG-JCM-2024-001": 200} == live[0]
    assert again.state.authorization_versions == live[1]
    assert again.verify() == ()
    assert _refused(again, {**OUT, "quantity": 1}) == "AUTHORIZED_QUANTITY_EXCEEDED"
    again.close()


def _setup_requests() -> list[tuple[dict[str, Any], str]]:
    """The requests of ``_mongolian_credits`` (its journal), to submit to a file registry."""
    reg = _mongolian_credits()
    return [(dict(e.request), e.actor) for e in reg.entries()]


def test_every_new_code_is_reachable_from_json() -> None:
    """Refuses with each new code when the requests come as JSON mappings (docs/api.md)."""
    codes = set()
    for fields in (
        {"authorized_parties": ["KOR"]},
        {"timeframe": {"start": "2020-01-01", "end": "2020-12-31"}},
        {"authorized_quantity": 5},
        {"purposes": ["IMP"], "first_transfer_definition": "Use or Cancellation", "oimp": "x"},
    ):
        reg = _mongolian_credits()
        _authorize(reg, **fields)
        codes.add(_refused(reg, {**OUT, "quantity": 10}))
    assert codes == {
        "PARTY_NOT_AUTHORIZED",
        "OUTSIDE_AUTHORIZED_TIMEFRAME",
        "AUTHORIZED_QUANTITY_EXCEEDED",
        "NOT_FIRST_TRANSFERRED",
    }
