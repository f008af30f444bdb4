"""The JCM registry: requests, the engine (the only writer), the journal, accounts and fees.

One engine holds the registries of several Parties (docs/architecture.md). Every request is checked,
planned, appended to the hash-chained journal and only then applied::

    >>> reg = Registry()
    >>> reg.submit({"type": "add_party", "party": "JPN", "registry_id": "JPN01",
    ...             "administrator": "jcma"}, actor="operator").to_json()["ok"]
    True

Importing this package loads no store back-end (``sqlite3`` is imported when a file is opened).
"""

from jcm.core.authorization import Authorization, Timeframe
from jcm.core.fees import DEFAULT_FEE_SCHEDULES, FeeSchedule
from jcm.registry.audit import HistoryRecord
from jcm.registry.certificate import Certificate
from jcm.registry.engine import Clock, Registry, RegistryView
from jcm.registry.receipt import Receipt, Rejection
from jcm.registry.requests import (
    REQUEST_TYPES,
    AddPartyRequest,
    AddPrincipalRequest,
    AuthorizeRequest,
    Calculation,
    CancelRequest,
    ClosePublicInputRequest,
    DecideIssuanceRequest,
    DecideNoObjectionRequest,
    FreezeRequest,
    IssueRequest,
    OpenAccountRequest,
    RegisterProjectRequest,
    Request,
    RequestCertificateRequest,
    RequestIssuanceRequest,
    RetireRequest,
    StartPublicInputRequest,
    SubmitMonitoringReportRequest,
    SubmitPddRequest,
    SubmitPinRequest,
    SubmitValidationReportRequest,
    SubmitVerificationReportRequest,
    TransferRequest,
    UnfreezeRequest,
    VintageQuantities,
    parse_request,
)

__all__ = [
    "DEFAULT_FEE_SCHEDULES",
    "REQUEST_TYPES",
    "AddPartyRequest",
    "AddPrincipalRequest",
    "Authorization",
    "AuthorizeRequest",
    "Calculation",
    "CancelRequest",
    "Certificate",
    "Clock",
    "ClosePublicInputRequest",
    "DecideIssuanceRequest",
    "DecideNoObjectionRequest",
    "FeeSchedule",
    "FreezeRequest",
    "HistoryRecord",
    "IssueRequest",
    "OpenAccountRequest",
    "Receipt",
    "RegisterProjectRequest",
    "Registry",
    "RegistryView",
    "Rejection",
    "Request",
    "RequestCertificateRequest",
    "RequestIssuanceRequest",
    "RetireRequest",
    "StartPublicInputRequest",
    "SubmitMonitoringReportRequest",
    "SubmitPddRequest",
    "SubmitPinRequest",
    "SubmitValidationReportRequest",
    "SubmitVerificationReportRequest",
    "Timeframe",
    "TransferRequest",
    "UnfreezeRequest",
    "VintageQuantities",
    "parse_request",
]
