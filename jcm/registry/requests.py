"""The registry requests of docs/api.md ("Registry requests"): one attrs class per ``"type"``.

What a user asks for is a ``*Request`` (the house style); what the engine decides (blocks moved,
serials assigned, the fee) is recorded in the journal entry's typed effects. Every request may
name its ``actor`` (a principal id; :meth:`jcm.registry.Registry.submit` can supply it instead),
an ``idempotency_key`` and, in import mode only, the time ``at`` of the entry.

Each request class lives with its kind (:mod:`jcm.registry.kinds`); this module gathers them,
and reads and writes their JSON through the one converter, which rejects unknown keys and reports
every bad field with its path::

    >>> request = parse_request({"type": "transfer", "actor": "pp-a", "from": "A", "to": "B",
    ...                          "quantity": 200})
    >>> request.source, request.to, request.quantity, request.actor
    ('A', 'B', 200, 'pp-a')
    >>> request_json(request)
    {'type': 'transfer', 'from': 'A', 'to': 'B', 'quantity': 200}

The JSON key ``from`` is the attribute ``source`` (``from`` is a Python keyword).

The journal stores a request in its **journal form** (:func:`request_json`): its JSON with the
``type``, without ``actor``, ``idempotency_key`` and ``at`` (the entry records those itself) and
without optional fields left empty. The hot requests (transfer, retire, cancel) have a hand-written
parser and encoder that give exactly what the converter gives (:mod:`jcm.registry.moves`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final

from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from jcm.core.authorization import Timeframe
from jcm.core.ndc import NdcPeriod
from jcm.errors import InvalidValueError
from jcm.registry.authorize import AuthorizeRequest
from jcm.registry.certificate import RequestCertificateRequest
from jcm.registry.cycle_steps import (
    Calculation,
    ClosePublicInputRequest,
    DecideIssuanceRequest,
    DecideNoObjectionRequest,
    RegisterProjectRequest,
    RequestIssuanceRequest,
    StartPublicInputRequest,
    SubmitMonitoringReportRequest,
    SubmitPddRequest,
    SubmitPinRequest,
    SubmitValidationReportRequest,
    SubmitVerificationReportRequest,
    VintageQuantities,
)
from jcm.registry.freeze import FreezeRequest, UnfreezeRequest
from jcm.registry.issuance import IssueRequest
from jcm.registry.kinds import KINDS
from jcm.registry.moves import (
    MOVE_TYPES,
    CancelRequest,
    RetireRequest,
    TransferRequest,
    fast_move,
    move_json,
)
from jcm.registry.request_base import COMMON_FIELDS, RequestBase
from jcm.registry.setup import AddPartyRequest, AddPrincipalRequest, OpenAccountRequest
from jcm.serialization import converter, register_tagged_union, structure

__all__ = [
    "REQUEST_TYPES",
    "AddPartyRequest",
    "AddPrincipalRequest",
    "AnyRequest",
    "AuthorizeRequest",
    "Calculation",
    "CancelRequest",
    "ClosePublicInputRequest",
    "DecideIssuanceRequest",
    "DecideNoObjectionRequest",
    "FreezeRequest",
    "IssueRequest",
    "OpenAccountRequest",
    "RegisterProjectRequest",
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
    "TransferRequest",
    "UnfreezeRequest",
    "VintageQuantities",
    "decode_journal_form",
    "parse_request",
    "request_json",
]

Request = RequestBase
"""Any registry request (JSON is tagged by ``"type"``; :data:`REQUEST_TYPES` lists them)."""


class AnyRequest:
    """The tagged union of every request class, for the converter: ``structure(data, AnyRequest)``
    gives the request of the ``"type"`` the JSON names (a marker; it has no instances)."""


REQUEST_TYPES: Final[Mapping[str, type[Any]]] = {t: k.request for t, k in KINDS.items()}
"""Every request class by its ``"type"`` tag, in the order of docs/api.md's table."""


# --------------------------------------------------------------------------- converter hooks


def _structure_timeframe(value: Any, _t: Any) -> Timeframe:
    if isinstance(value, Timeframe):
        return value
    if not isinstance(value, Mapping) or set(value) != {"start", "end"}:
        raise InvalidValueError("timeframe", value, 'must be {"start": date, "end": date}')
    return Timeframe(
        converter().structure(value["start"], dt.date), converter().structure(value["end"], dt.date)
    )


def _structure_ndc_period(value: Any, _t: Any) -> NdcPeriod:
    if isinstance(value, NdcPeriod):
        return value
    if isinstance(value, str):
        return NdcPeriod.parse(value)
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(type(v) is int for v in value):
        return NdcPeriod(value[0], value[1])
    raise InvalidValueError("ndc_period", value, "must be [first, last] years or 'FIRST-LAST'")


def _register_hooks() -> None:
    conv = converter()
    conv.register_structure_hook(Timeframe, _structure_timeframe)
    conv.register_unstructure_hook(
        Timeframe, lambda t: {"start": t.start.isoformat(), "end": t.end.isoformat()}
    )
    conv.register_structure_hook(NdcPeriod, _structure_ndc_period)
    conv.register_unstructure_hook(NdcPeriod, lambda p: [p.first_year, p.last_year])
    tags = {cls: tag for tag, cls in REQUEST_TYPES.items()}
    register_tagged_union(AnyRequest, tags)
    conv.register_unstructure_hook(
        AnyRequest, lambda obj: conv.unstructure(obj, unstructure_as=type(obj))
    )
    for cls in (TransferRequest, RetireRequest, CancelRequest):
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, source=override(rename="from"))
        )
        plain = make_dict_unstructure_fn(cls, conv, source=override(rename="from"))
        conv.register_unstructure_hook(cls, _tagged(plain, cls.type))


def _tagged(plain: Callable[[Any], dict[str, Any]], tag: str) -> Callable[[Any], dict[str, Any]]:
    def unstructure_request(obj: Any) -> dict[str, Any]:
        return {"type": tag, **plain(obj)}

    return unstructure_request


_register_hooks()


# --------------------------------------------------------------------------- reading and writing


def parse_request(data: Any) -> RequestBase:
    """A request from its JSON mapping (or the request itself).

    Transfers, retirements and cancellations given as plain JSON take a hand-written fast path
    that accepts exactly what the converter accepts; any other input goes through the converter.

    Raises
    ------
    jcm.errors.InvalidInputError
        Naming every bad field with its path (``$.quantity``, ``$.type``).
    """
    if isinstance(data, RequestBase):
        return data
    if type(data) is dict:
        kind = data.get("type")
        if type(kind) is str and kind in MOVE_TYPES:
            fast = fast_move(data, kind)
            if fast is not None:
                result: RequestBase = fast
                return result
    found: Any = structure(data, AnyRequest)
    assert isinstance(found, RequestBase)  # the union's members are requests
    return found


def decode_journal_form(data: dict[str, Any]) -> RequestBase:
    """A request from its journal form (:func:`request_json`); the same as :func:`parse_request`."""
    return parse_request(data)


def request_json(request: RequestBase) -> dict[str, Any]:
    """The journal form of a request: its JSON with ``type``, without actor, key and time.

    Optional fields left ``None`` are omitted; ``parse_request`` of the result (plus an actor)
    gives the request back.
    """
    if request.type in MOVE_TYPES:
        return move_json(request)
    data: dict[str, Any] = converter().unstructure(request, unstructure_as=type(request))
    return {k: v for k, v in data.items() if v is not None and k not in COMMON_FIELDS}
