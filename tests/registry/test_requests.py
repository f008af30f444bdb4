"""Tests of the request classes: every type round-trips through the one converter (docs/api.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcm.core.account import AccountKind
from jcm.core.authorization import FirstTransferDefinition, Purpose, Timeframe
from jcm.core.ndc import NdcPeriod
from jcm.core.party import Role
from jcm.core.period import CreditingPeriod, MonitoringPeriod
from jcm.core.project import AllocationShare
from jcm.errors import InvalidInputError
from jcm.registry import requests as rq
from jcm.serialization import converter, structure, unstructure

PERIOD = MonitoringPeriod(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
AT = dt.datetime(2016, 3, 1, 9, 30, tzinfo=dt.UTC)

SAMPLES: dict[str, Any] = {
    "add_party": rq.AddPartyRequest(
        "JPN", "JPN01", "jcma", ndc_periods=(NdcPeriod(2021, 2030), NdcPeriod(2031, 2035))
    ),
    "add_principal": rq.AddPrincipalRequest("pp-a", Role.PROJECT_PARTICIPANT, "JPN"),
    "open_account": rq.OpenAccountRequest("B", "JPN", AccountKind.ENTITY_HOLDING, "b"),
    "submit_pin": rq.SubmitPinRequest("MN010", "MNG", "Solar", "energy", ("pp-a", "pp-b")),
    "decide_no_objection": rq.DecideNoObjectionRequest("MN010"),
    "submit_pdd": rq.SubmitPddRequest(
        "MN010",
        "MN_AM003",
        "1.0",
        CreditingPeriod(dt.date(2023, 1, 1), dt.date(2030, 12, 31)),
        (
            AllocationShare("JPN", "GOJ", Decimal("33.33")),
            AllocationShare("MNG", "MNG-GOV", Decimal("66.67")),
        ),
    ),
    "start_public_input": rq.StartPublicInputRequest("MN010", dt.date(2024, 1, 1)),
    "close_public_input": rq.ClosePublicInputRequest("MN010", dt.date(2024, 2, 1)),
    "submit_validation_report": rq.SubmitValidationReportRequest("MN010", True),
    "register_project": rq.RegisterProjectRequest("MN010"),
    "submit_monitoring_report": rq.SubmitMonitoringReportRequest(
        "MN010",
        PERIOD,
        rq.Calculation(
            "awd-rice",
            "1.0",
            153,
            reference_emissions=341.6,
            project_emissions=187.88,
            leakage_emissions=0.0,
            emission_reductions_exact=153.72,
            problems=[],
            provenance={"methodology": "awd-rice", "version": "1.0"},
        ),
    ),
    "submit_verification_report": rq.SubmitVerificationReportRequest("MN010", PERIOD, 1000),
    "request_issuance": rq.RequestIssuanceRequest("MN010", PERIOD),
    "decide_issuance": rq.DecideIssuanceRequest(
        "MN010", PERIOD, rq.VintageQuantities.of({2023: 1000})
    ),
    "issue": rq.IssueRequest("MN010", PERIOD, "JPN"),
    "authorize": rq.AuthorizeRequest(
        "MNG-JCM-2024-001",
        "MNG",
        "MN010",
        (2023, 2024),
        (Purpose.NDC, Purpose.OIMP),
        first_transfer_definition=FirstTransferDefinition.ISSUANCE,
        oimp="use under CORSIA",
        authorized_quantity=1000,
        timeframe=Timeframe(dt.date(2021, 1, 1), dt.date(2030, 12, 31)),
    ),
    "transfer": rq.TransferRequest("A", "B", quantity=200, idempotency_key="k", actor="pp-a"),
    "retire": rq.RetireRequest("B", serials=(301, 400), beneficiary="X Corp", ndc_year=2030),
    "cancel": rq.CancelRequest("B", "SHK", quantity=5, at=AT),
    "freeze": rq.FreezeRequest("B"),
    "unfreeze": rq.UnfreezeRequest("B"),
    "request_certificate": rq.RequestCertificateRequest("B"),
}


def test_every_request_type_has_a_sample() -> None:
    """Covers every type of API.md's request table, in its order."""
    assert list(SAMPLES) == list(rq.REQUEST_TYPES)


@pytest.mark.parametrize("tag", list(SAMPLES))
def test_round_trip_through_the_converter(tag: str) -> None:
    """Gives the same request back from its JSON, with its type tag."""
    request = SAMPLES[tag]
    data = unstructure(request, rq.AnyRequest)
    assert data["type"] == tag
    assert structure(data, rq.AnyRequest) == request


@pytest.mark.parametrize("tag", list(SAMPLES))
def test_journal_form_round_trips(tag: str) -> None:
    """Gives the request back from its journal form plus actor, key and time."""
    request = SAMPLES[tag]
    journal = rq.request_json(request)
    assert journal["type"] == tag
    assert not {"actor", "idempotency_key", "at"} & set(journal)
    extra = {
        k: unstructure(getattr(request, k))
        for k in ("actor", "idempotency_key", "at")
        if getattr(request, k) is not None
    }
    assert rq.parse_request({**journal, **extra}) == request


def test_from_is_the_json_key_of_source() -> None:
    """Writes and reads the debited account under the JSON key 'from' (API.md)."""
    data = unstructure(SAMPLES["transfer"], rq.AnyRequest)
    assert data["from"] == "A"
    assert "source" not in data


def test_decided_quantities_are_keyed_by_year_strings() -> None:
    """Writes quantities_by_vintage as {"2023": 1000} and reads it back."""
    data = unstructure(SAMPLES["decide_issuance"], rq.AnyRequest)
    assert data["quantities_by_vintage"] == {"2023": 1000}


_PERIOD_JSON = {"start": "2023-01-01", "end": "2023-12-31"}
_AUTHORIZE = {"authorization": "a", "party": "JPN", "project": "P", "vintages": [2023]}
_OPEN = {"account": "B", "party": "JPN", "holder": "b"}


@pytest.mark.parametrize(
    ("data", "paths"),
    [
        ({"type": "transfer", "from": "A", "to": "B"}, {"$.quantity"}),
        ({"type": "transfer", "from": "A", "to": "B", "quantity": 1, "serials": [1, 2]},
         {"$.quantity"}),
        ({"type": "transfer", "from": "A", "to": "B", "serials": [5, 4]}, {"$.serials"}),
        ({"type": "transfer", "from": "A", "to": "B", "quantity": 0}, {"$.quantity"}),
        ({"type": "retire", "from": "A", "quantity": 1, "ndc_year": 30}, {"$.ndc_year"}),
        ({"type": "open_account", **_OPEN, "kind": "gold"}, {"$.kind"}),
        ({"type": "authorize", **_AUTHORIZE, "purposes": ["NDCs"]}, {"$.purposes[0]"}),
        ({"type": "decide_issuance", "project": "P", "period": _PERIOD_JSON,
          "quantities_by_vintage": {"2023": 100.5}}, {"$.quantities_by_vintage.2023"}),
        ({"type": "cancel", "from": "A", "quantity": 1}, {"$.purpose"}),
        ({"quantity": 1}, {"$.type"}),
    ],
)  # fmt: skip
def test_bad_requests_name_their_fields(data: dict[str, Any], paths: set[str]) -> None:
    """Rejects a malformed request naming the bad field's path."""
    with pytest.raises(InvalidInputError) as info:
        rq.parse_request(data)
    assert {e.path for e in info.value.errors} == paths


def test_a_non_integer_issuance_quantity_is_named_as_such() -> None:
    """Uses the code NON_INTEGER_QUANTITY for Q = 100.5 (rules.md §9.1)."""
    data = unstructure(SAMPLES["decide_issuance"], rq.AnyRequest)
    data["quantities_by_vintage"] = {"2023": 100.5}
    with pytest.raises(InvalidInputError) as info:
        rq.parse_request(data)
    assert info.value.errors[0].code == "NON_INTEGER_QUANTITY"


_accounts = st.text("ABCDEFGHIJ-0123456789", min_size=1, max_size=8)
_moves = st.one_of(
    st.builds(
        rq.TransferRequest,
        _accounts,
        _accounts,
        quantity=st.integers(1, 10**9),
        idempotency_key=st.none() | _accounts,
    ),
    st.builds(
        rq.RetireRequest,
        _accounts,
        serials=st.tuples(st.integers(1, 10**6), st.integers(0, 10**6)).map(
            lambda t: (t[0], t[0] + t[1])
        ),
        beneficiary=st.none() | _accounts,
        ndc_year=st.none() | st.integers(2021, 2040),
    ),
    st.builds(rq.CancelRequest, _accounts, _accounts, quantity=st.integers(1, 10**9)),
)


@given(_moves)
def test_fast_journal_form_equals_the_converters(request: Any) -> None:
    """Gives exactly the converter's JSON from the hand-written encoder of the hot requests."""
    data = converter().unstructure(request, unstructure_as=type(request))
    expected = {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in data.items()
        if v is not None and k not in ("actor", "idempotency_key", "at")
    }
    assert rq.request_json(request) == expected


_json_values = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "A", "B", "x"])
    | st.lists(st.integers(-2, 5) | st.booleans() | st.text(max_size=1), max_size=3)
)
_move_json = st.fixed_dictionaries(
    {"type": st.sampled_from(["transfer", "retire", "cancel"])},
    optional=dict.fromkeys(
        (
            "from",
            "to",
            "quantity",
            "serials",
            "actor",
            "idempotency_key",
            "beneficiary",
            "ndc_year",
            "purpose",
            "extra",
        ),
        _json_values,
    ),
)


def _outcome(parse: Any, data: dict[str, Any]) -> Any:
    try:
        return ("ok", parse(data))
    except InvalidInputError as exc:
        return ("error", exc.code, sorted(e.path for e in exc.errors))
    except Exception as exc:  # the same exception type and code from both paths
        return ("raised", type(exc).__name__, getattr(exc, "code", None))


@given(_move_json)
def test_fast_move_parsing_equals_the_converters(data: dict[str, Any]) -> None:
    """Accepts and rejects move JSON exactly as the converter does (same request, same errors)."""
    fast = _outcome(rq.parse_request, data)
    assert fast == _outcome(lambda d: structure(d, rq.AnyRequest), data)
    if fast[0] == "ok":
        assert fast[1].at is None
        assert rq.request_json(fast[1]) == rq.request_json(structure(data, rq.AnyRequest))
