"""The registry requests of API.md ("Registry requests"): one attrs class per ``"type"``.

What a user asks for is a ``*Request`` (STYLE.md); what the engine resolves (blocks moved, serials
assigned, the fee) is recorded in the journal entry's ``effects``. Every request may name its
``actor`` (a principal id; :meth:`jcm.registry.Registry.submit` can supply it instead), an
``idempotency_key`` and, in import mode only, the time ``at`` of the entry.

Requests are built in Python or read from JSON through the one converter, which rejects unknown
keys and reports every bad field with its path::

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
encoder that gives exactly what the converter gives, so the engine's hot path never calls cattrs.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Final, Union, get_args, get_origin

import attrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from jcm.core.account import AccountKind
from jcm.core.party import Role, check_party_code
from jcm.core.period import CreditingPeriod, MonitoringPeriod
from jcm.core.project import AllocationShare
from jcm.errors import InvalidValueError
from jcm.registry.authorization import Timeframe
from jcm.serialization import converter, register_tagged_union, structure

__all__ = [
    "REQUEST_TYPES",
    "AddPartyRequest",
    "AddPrincipalRequest",
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

_COMMON: Final = ("actor", "idempotency_key", "at")


# --------------------------------------------------------------------------- validators


def _text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidValueError(attribute.name, value, "must be a non-empty string")


def _optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidValueError(attribute.name, value, "must be a non-empty string or null")


def _party(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_party_code(attribute.name, value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _positive_int(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not _is_int(value) or value < 1:  # type: ignore[operator]
        raise InvalidValueError(attribute.name, value, "must be an integer >= 1 [tCO2e]")


def _optional_year(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not _is_int(value) or not 1990 <= value <= 2100):  # type: ignore[operator]
        raise InvalidValueError(attribute.name, value, "must be a calendar year from 1990 to 2100")


def _at(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, dt.datetime) or value.utcoffset() is None):
        raise InvalidValueError(attribute.name, value, "must be a timezone-aware date-time (UTC)")


def _check_move(instance: Any) -> None:
    """Exactly one of ``quantity`` and ``serials``; serials an inclusive range of integers >= 1."""
    quantity, serials = instance.quantity, instance.serials
    if (quantity is None) == (serials is None):
        raise InvalidValueError(
            "quantity", quantity, "give exactly one of quantity and serials [start, end]"
        )
    if quantity is not None and (not _is_int(quantity) or quantity < 1):
        raise InvalidValueError("quantity", quantity, "must be an integer >= 1 [tCO2e]")
    if serials is not None:
        if not isinstance(serials, tuple) or len(serials) != 2:
            raise InvalidValueError("serials", serials, "must be [start, end], integers >= 1")
        start, end = serials
        if not (_is_int(start) and _is_int(end)) or start < 1:
            raise InvalidValueError("serials", serials, "must be [start, end], integers >= 1")
        if end < start:
            raise InvalidValueError("serials", list(serials), "end must not precede start")


# --------------------------------------------------------------------------- common base


@attrs.frozen
class _Base:
    """Fields every request may carry (keyword-only, after the request's own fields)."""

    type: ClassVar[str] = ""

    actor: str | None = attrs.field(default=None, kw_only=True, validator=_optional_text)
    """The principal making the request (or given to ``submit(actor=...)``)."""
    idempotency_key: str | None = attrs.field(default=None, kw_only=True, validator=_optional_text)
    """The same key with the same request returns the first receipt (API.md)."""
    at: dt.datetime | None = attrs.field(default=None, kw_only=True, validator=_at)
    """The entry's time; accepted only in import mode (``apply --import``)."""


# --------------------------------------------------------------------------- registry set-up


@attrs.frozen
class AddPartyRequest(_Base):
    """Add a Party and its registry (actor: the operator).

    ``ndc_period`` ([first, last] year) is an optional addition to API.md; it defaults to
    2021-2030, whose last year is the default ``ndc_year`` of a retirement.
    """

    type: ClassVar[str] = "add_party"
    party: str = attrs.field(validator=_party)
    registry_id: str = attrs.field(validator=_text)
    administrator: str = attrs.field(validator=_text)
    ndc_period: tuple[int, int] | None = None

    def __attrs_post_init__(self) -> None:
        if self.ndc_period is not None:
            first, last = self.ndc_period
            if not (_is_int(first) and _is_int(last) and 1990 <= first <= last <= 2100):
                raise InvalidValueError(
                    "ndc_period", self.ndc_period, "must be [first, last] calendar years"
                )


@attrs.frozen
class AddPrincipalRequest(_Base):
    """Add a principal with a role acting for a Party (actor: operator or the Party's admin)."""

    type: ClassVar[str] = "add_principal"
    principal: str = attrs.field(validator=_text)
    role: Role = attrs.field(validator=attrs.validators.instance_of(Role))
    party: str = attrs.field(validator=_party)


@attrs.frozen
class OpenAccountRequest(_Base):
    """Open an account in a Party's registry (actor: that Party's administrator)."""

    type: ClassVar[str] = "open_account"
    account: str = attrs.field(validator=_text)
    party: str = attrs.field(validator=_party)
    kind: AccountKind = attrs.field(validator=attrs.validators.instance_of(AccountKind))
    holder: str = attrs.field(validator=_text)


# --------------------------------------------------------------------------- project cycle


@attrs.frozen
class SubmitPinRequest(_Base):
    """Submit a Project Idea Note (actor: a project participant), rules.md §2.3.2."""

    type: ClassVar[str] = "submit_pin"
    project: str = attrs.field(validator=_text)
    partner: str = attrs.field(validator=_party)
    title: str = attrs.field(validator=_text)
    sector: str
    participants: tuple[str, ...]


@attrs.frozen
class DecideNoObjectionRequest(_Base):
    """The Joint Committee's no objection to a planned project (rules.md §2.3.2)."""

    type: ClassVar[str] = "decide_no_objection"
    project: str = attrs.field(validator=_text)


@attrs.frozen
class SubmitPddRequest(_Base):
    """Submit the PDD with its methodology, crediting period and credit allocation (§2.3.2)."""

    type: ClassVar[str] = "submit_pdd"
    project: str = attrs.field(validator=_text)
    methodology: str = attrs.field(validator=_text)
    methodology_version: str = attrs.field(validator=_text)
    crediting_period: CreditingPeriod
    allocation: tuple[AllocationShare, ...]


@attrs.frozen
class StartPublicInputRequest(_Base):
    """Start the PDD's public input on a date (actor: the Joint Committee)."""

    type: ClassVar[str] = "start_public_input"
    project: str = attrs.field(validator=_text)
    on: dt.date


@attrs.frozen
class ClosePublicInputRequest(_Base):
    """Close the PDD's public input on a date (actor: the Joint Committee)."""

    type: ClassVar[str] = "close_public_input"
    project: str = attrs.field(validator=_text)
    on: dt.date


@attrs.frozen
class SubmitValidationReportRequest(_Base):
    """A third-party entity's validation report on the PDD (ACT-57-3 [P])."""

    type: ClassVar[str] = "submit_validation_report"
    project: str = attrs.field(validator=_text)
    positive: bool


@attrs.frozen
class RegisterProjectRequest(_Base):
    """The Joint Committee registers the project (both governments' consent, API.md)."""

    type: ClassVar[str] = "register_project"
    project: str = attrs.field(validator=_text)


@attrs.frozen
class Calculation:
    """The result JSON of ``jcm calculate`` attached to a monitoring report (API.md).

    Only ``methodology``, ``version`` and ``emission_reductions`` are used by the registry: the
    methodology and version must match the PDD's, and verified reductions may not exceed
    ``emission_reductions`` [tCO2e]. The other keys of the result are kept as given.
    """

    methodology: str = attrs.field(validator=_text)
    version: str = attrs.field(validator=_text)
    emission_reductions: int = attrs.field()
    reference_emissions: float | None = None
    project_emissions: float | None = None
    leakage_emissions: float | None = None
    emission_reductions_exact: float | None = None
    problems: Any = None
    provenance: Any = None

    @emission_reductions.validator
    def _check_reductions(self, _attribute: object, value: object) -> None:
        if not _is_int(value) or value < 0:  # type: ignore[operator]
            raise InvalidValueError("emission_reductions", value, "must be an integer >= 0 [tCO2e]")


@attrs.frozen
class SubmitMonitoringReportRequest(_Base):
    """A project participant's monitoring report for a period, optionally with its calculation."""

    type: ClassVar[str] = "submit_monitoring_report"
    project: str = attrs.field(validator=_text)
    period: MonitoringPeriod
    calculation: Calculation | None = None


@attrs.frozen
class SubmitVerificationReportRequest(_Base):
    """A third-party entity's verification of the reductions of a period [tCO2e]."""

    type: ClassVar[str] = "submit_verification_report"
    project: str = attrs.field(validator=_text)
    period: MonitoringPeriod
    verified_reductions: int = attrs.field()

    @verified_reductions.validator
    def _check_reductions(self, _attribute: object, value: object) -> None:
        if not _is_int(value) or value < 0:  # type: ignore[operator]
            raise InvalidValueError("verified_reductions", value, "must be an integer >= 0 [tCO2e]")


@attrs.frozen
class RequestIssuanceRequest(_Base):
    """A project participant's Credits Issuance Request for a verified period."""

    type: ClassVar[str] = "request_issuance"
    project: str = attrs.field(validator=_text)
    period: MonitoringPeriod


@attrs.frozen
class VintageQuantities:
    """Credits decided per vintage, ``{year: quantity}`` in JSON (``{"2023": 1000}``).

    Quantities are whole credits (rules.md §3.2: a non-integer ``Q`` is ``NON_INTEGER_QUANTITY``).
    """

    items: tuple[tuple[int, int], ...]

    def __attrs_post_init__(self) -> None:
        years = [year for year, _ in self.items]
        for year, value in self.items:
            quantity: object = value
            if not _is_int(year) or not 1990 <= year <= 2100:
                raise InvalidValueError("quantities_by_vintage", year, "a vintage is a year")
            if not _is_int(quantity) or value < 0:
                raise InvalidValueError(
                    f"quantities_by_vintage.{year}",
                    quantity,
                    "must be a whole number of credits >= 0 [tCO2e]",
                    code="NON_INTEGER_QUANTITY"
                    if isinstance(quantity, float) and not quantity.is_integer()
                    else None,
                )
        if years != sorted(set(years)):
            raise InvalidValueError("quantities_by_vintage", years, "years must be distinct")
        if not self.items:
            raise InvalidValueError("quantities_by_vintage", {}, "must name at least one vintage")

    @classmethod
    def of(cls, mapping: Mapping[int, int]) -> VintageQuantities:
        """Build from a ``{year: quantity}`` mapping."""
        return cls(tuple(sorted(mapping.items())))

    def as_dict(self) -> dict[int, int]:
        """The ``{year: quantity}`` mapping, years ascending."""
        return dict(self.items)

    @property
    def total(self) -> int:
        """The sum over vintages [tCO2e]."""
        return sum(q for _, q in self.items)


@attrs.frozen
class DecideIssuanceRequest(_Base):
    """The Joint Committee decides the credits to issue for a period, per vintage (§2.3.3)."""

    type: ClassVar[str] = "decide_issuance"
    project: str = attrs.field(validator=_text)
    period: MonitoringPeriod
    quantities_by_vintage: VintageQuantities


@attrs.frozen
class IssueRequest(_Base):
    """A Party's administrator issues that Party's allocated share into its registry (§3.3)."""

    type: ClassVar[str] = "issue"
    project: str = attrs.field(validator=_text)
    period: MonitoringPeriod
    party: str = attrs.field(validator=_party)


@attrs.frozen
class AuthorizeRequest(_Base):
    """A Party authorizes a project's credits of some vintages for purposes (Art. 6.3).

    The record for retirement (rules.md §4.4 [P] BILL item 4) and the content of AEF-V2 Table 2
    (rules.md §7.2 [M], §8.2 [P2]). Optional fields left ``None`` take their defaults: ``version``
    1, ``cooperative_approach`` ``CA0099`` (rules.md §9.6, illustrative), ``date`` the day of the
    entry. ``sectors`` and ``activity_types`` are values of nomenclature 15(b) and 51(b)
    (rules.md §8.3 [P2]); ``authorized_parties`` (alpha-3) limits who may acquire the credits on
    their first transfer (none given: any Party); ``oimp`` states the other international
    mitigation purpose, which Table 2 requires when the purposes cover OIMP, IMP or OP.

    A higher ``version`` of an existing ``authorization`` by the same Party is a change (rules.md
    §8.4 [M: verify]); the engine checks the numbering.
    """

    type: ClassVar[str] = "authorize"
    authorization: str = attrs.field(validator=_text)
    party: str = attrs.field(validator=_party)
    project: str = attrs.field(validator=_text)
    vintages: tuple[int, ...]
    purposes: tuple[str, ...]
    first_transfer_definition: str | None = attrs.field(default=None, validator=_optional_text)
    authorized_quantity: int | None = None
    timeframe: Timeframe | None = None
    version: int | None = None
    cooperative_approach: str | None = None
    date: dt.date | None = None
    sectors: tuple[str, ...] | None = None
    activity_types: tuple[str, ...] | None = None
    authorized_parties: tuple[str, ...] | None = None
    authorized_entities: tuple[str, ...] | None = None
    oimp: str | None = attrs.field(default=None, validator=_optional_text)
    terms: str | None = attrs.field(default=None, validator=_optional_text)

    def __attrs_post_init__(self) -> None:
        from jcm.registry.authorization import check_authorization_fields  # noqa: PLC0415

        if not self.vintages or not all(_is_int(v) and 1990 <= v <= 2100 for v in self.vintages):
            raise InvalidValueError("vintages", self.vintages, "must be a non-empty list of years")
        quantity = self.authorized_quantity
        if quantity is not None and (not _is_int(quantity) or quantity < 0):
            raise InvalidValueError("authorized_quantity", quantity, "must be an integer >= 0")
        check_authorization_fields(self)


# --------------------------------------------------------------------------- credits


@attrs.frozen
class TransferRequest(_Base):
    """Move credits to another account (actor: the holder of ``from``; Act Art. 57-11 [P]).

    ``quantity`` moves the highest serials the account holds; ``serials`` [start, end] names them
    (all must be held). Retirement and cancellation accounts are reached only by ``retire`` and
    ``cancel``.
    """

    type: ClassVar[str] = "transfer"
    source: str = attrs.field(validator=_text)
    to: str = attrs.field(validator=_text)
    quantity: int | None = None
    serials: tuple[int, int] | None = None

    def __attrs_post_init__(self) -> None:
        _check_move(self)


@attrs.frozen
class RetireRequest(_Base):
    """Retire credits (無効化) into the Party's retirement account toward its NDC (§4.4)."""

    type: ClassVar[str] = "retire"
    source: str = attrs.field(validator=_text)
    quantity: int | None = None
    serials: tuple[int, int] | None = None
    beneficiary: str | None = attrs.field(default=None, validator=_optional_text)
    ndc_year: int | None = attrs.field(default=None, validator=_optional_year)

    def __attrs_post_init__(self) -> None:
        _check_move(self)


@attrs.frozen
class CancelRequest(_Base):
    """Cancel credits (取消し) into the Party's cancellation account for a purpose (§4.4)."""

    type: ClassVar[str] = "cancel"
    source: str = attrs.field(validator=_text)
    purpose: str = attrs.field(validator=_text)
    quantity: int | None = None
    serials: tuple[int, int] | None = None

    def __attrs_post_init__(self) -> None:
        _check_move(self)


@attrs.frozen
class FreezeRequest(_Base):
    """Record a disposal restriction (処分の制限) on an account (actor: the Party's admin)."""

    type: ClassVar[str] = "freeze"
    account: str = attrs.field(validator=_text)


@attrs.frozen
class UnfreezeRequest(_Base):
    """Release a disposal restriction on an account (actor: the Party's admin)."""

    type: ClassVar[str] = "unfreeze"
    account: str = attrs.field(validator=_text)


@attrs.frozen
class RequestCertificateRequest(_Base):
    """Ask for a certificate of the account's records (書面の交付; actor: its holder)."""

    type: ClassVar[str] = "request_certificate"
    account: str = attrs.field(validator=_text)


Request = (
    AddPartyRequest
    | AddPrincipalRequest
    | OpenAccountRequest
    | SubmitPinRequest
    | DecideNoObjectionRequest
    | SubmitPddRequest
    | StartPublicInputRequest
    | ClosePublicInputRequest
    | SubmitValidationReportRequest
    | RegisterProjectRequest
    | SubmitMonitoringReportRequest
    | SubmitVerificationReportRequest
    | RequestIssuanceRequest
    | DecideIssuanceRequest
    | IssueRequest
    | AuthorizeRequest
    | TransferRequest
    | RetireRequest
    | CancelRequest
    | FreezeRequest
    | UnfreezeRequest
    | RequestCertificateRequest
)
"""Any registry request; JSON is tagged by ``"type"``."""

REQUEST_TYPES: Final[Mapping[str, type[Any]]] = {
    cls.type: cls
    for cls in (
        AddPartyRequest,
        AddPrincipalRequest,
        OpenAccountRequest,
        SubmitPinRequest,
        DecideNoObjectionRequest,
        SubmitPddRequest,
        StartPublicInputRequest,
        ClosePublicInputRequest,
        SubmitValidationReportRequest,
        RegisterProjectRequest,
        SubmitMonitoringReportRequest,
        SubmitVerificationReportRequest,
        RequestIssuanceRequest,
        DecideIssuanceRequest,
        IssueRequest,
        AuthorizeRequest,
        TransferRequest,
        RetireRequest,
        CancelRequest,
        FreezeRequest,
        UnfreezeRequest,
        RequestCertificateRequest,
    )
}
"""Every request class by its ``"type"`` tag, in the order of API.md's table."""


# --------------------------------------------------------------------------- converter hooks


def _structure_vintage_quantities(value: Any, _t: Any) -> VintageQuantities:
    if isinstance(value, VintageQuantities):
        return value
    if not isinstance(value, Mapping):
        raise InvalidValueError("quantities_by_vintage", value, 'must be {"2023": 1000, ...}')
    items = []
    for key, quantity in value.items():
        year = key
        if isinstance(key, str) and key.isdigit():
            year = int(key)
        if not _is_int(year):
            raise InvalidValueError("quantities_by_vintage", key, "keys must be years")
        whole = int(quantity) if isinstance(quantity, float) and quantity.is_integer() else quantity
        if not _is_int(whole) or whole < 0:
            non_integer = isinstance(whole, float)
            raise InvalidValueError(
                str(key),
                quantity,
                "must be a whole number of credits >= 0 [tCO2e]",
                code="NON_INTEGER_QUANTITY" if non_integer else None,
            )
        items.append((year, whole))
    return VintageQuantities(tuple(sorted(items, key=lambda item: item[0])))


def _register_hooks() -> None:
    conv = converter()
    conv.register_structure_hook(VintageQuantities, _structure_vintage_quantities)
    conv.register_unstructure_hook(
        VintageQuantities, lambda v: {str(year): q for year, q in v.items}
    )
    tags = {cls: tag for tag, cls in REQUEST_TYPES.items()}
    register_tagged_union(Request, tags)
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


_MOVE_KEYS: Final[Mapping[str, frozenset[str]]] = {
    "transfer": frozenset(
        {"type", "from", "to", "quantity", "serials", "actor", "idempotency_key"}
    ),
    "retire": frozenset(
        {
            "type",
            "from",
            "quantity",
            "serials",
            "beneficiary",
            "ndc_year",
            "actor",
            "idempotency_key",
        }
    ),
    "cancel": frozenset(
        {"type", "from", "quantity", "serials", "purpose", "actor", "idempotency_key"}
    ),
}


def _text_or_none(value: object) -> bool:
    return value is None or type(value) is str


_new: Final = object.__new__
_set: Final = object.__setattr__


def _fast_move(data: dict[str, Any], kind: str) -> Request | None:
    """A transfer, retirement or cancellation from plain JSON, without the converter.

    Only for input of exactly the expected JSON types and values: the checks here are those of
    the request's validators (non-empty texts, exactly one of quantity and serials, integers
    >= 1, ``end >= start``, a calendar year), so the object is built without running them again.
    Anything else returns ``None`` and goes through the converter, which reports every bad field
    with its path.
    """
    if not data.keys() <= _MOVE_KEYS[kind]:
        return None
    source = data.get("from")
    quantity = data.get("quantity")
    serials = data.get("serials")
    actor = data.get("actor")
    key = data.get("idempotency_key")
    if type(source) is not str or not source or not _text_or_none(actor) or not _text_or_none(key):
        return None
    if actor == "" or key == "":
        return None
    pair: tuple[int, int] | None = None
    if serials is None:
        if type(quantity) is not int or quantity < 1:
            return None
    else:
        if quantity is not None or type(serials) is not list or len(serials) != 2:
            return None
        start, end = serials
        if type(start) is not int or type(end) is not int or not 1 <= start <= end:
            return None
        pair = (start, end)
    request: Any
    if kind == "transfer":
        to = data.get("to")
        if type(to) is not str or not to:
            return None
        request = _new(TransferRequest)
        _set(request, "to", to)
    elif kind == "retire":
        beneficiary = data.get("beneficiary")
        year = data.get("ndc_year")
        if beneficiary is not None and (type(beneficiary) is not str or not beneficiary):
            return None
        if year is not None and (type(year) is not int or not 1990 <= year <= 2100):
            return None
        request = _new(RetireRequest)
        _set(request, "beneficiary", beneficiary)
        _set(request, "ndc_year", year)
    else:
        purpose = data.get("purpose")
        if type(purpose) is not str or not purpose:
            return None
        request = _new(CancelRequest)
        _set(request, "purpose", purpose)
    _set(request, "source", source)
    _set(request, "quantity", quantity)
    _set(request, "serials", pair)
    _set(request, "actor", actor)
    _set(request, "idempotency_key", key)
    _set(request, "at", None)
    result: Request = request
    return result


def parse_request(data: Any) -> Request:
    """A request from its JSON mapping (or the request itself).

    Transfers, retirements and cancellations given as plain JSON take a hand-written fast path
    that accepts exactly what the converter accepts; any other input goes through the converter.

    Raises
    ------
    jcm.errors.InvalidInputError
        Naming every bad field with its path (``$.quantity``, ``$.type``).
    """
    if isinstance(data, _Base):
        return data  # type: ignore[return-value]
    if type(data) is dict:
        kind = data.get("type")
        if type(kind) is str and kind in _MOVE_KEYS:
            fast = _fast_move(data, kind)
            if fast is not None:
                return fast
    result: Request = structure(data, Request)  # type: ignore[arg-type]
    return result


def _decoder_for(tp: Any) -> Callable[[Any], Any]:
    """A plain decoder of JSON for the type ``tp`` (journal forms written by the engine)."""
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            decode = _decoder_for(inner[0])
            return lambda v: None if v is None else decode(v)
    if tp in (str, int, bool):
        return _identity
    if tp is dt.date:
        return dt.date.fromisoformat
    if tp in (MonitoringPeriod, CreditingPeriod, Timeframe):
        return lambda v: tp(dt.date.fromisoformat(v["start"]), dt.date.fromisoformat(v["end"]))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if tp is VintageQuantities:
        return lambda v: _structure_vintage_quantities(v, tp)
    if tp is AllocationShare:
        return lambda v: AllocationShare(v["party"], v["account"], Decimal(v["share"]))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _decoder_for(args[0])
        return lambda v: tuple(item(x) for x in v)
    if origin is tuple:
        items = [_decoder_for(a) for a in args]
        return lambda v: tuple(d(x) for d, x in zip(items, v, strict=True))
    return lambda v: structure(v, tp)


def _identity(value: Any) -> Any:
    return value


_DECODERS: dict[str, dict[str, tuple[str, Callable[[Any], Any]]]] = {}


def _decoders(cls: type[Any]) -> dict[str, tuple[str, Callable[[Any], Any]]]:
    """``{json key: (attribute, decoder)}`` of a request class (built once per class)."""
    found = _DECODERS.get(cls.type)
    if found is None:
        attrs.resolve_types(cls)
        found = {}
        for field in attrs.fields(cls):
            key = "from" if field.name == "source" else field.name
            found[key] = (field.name, _decoder_for(field.type))
        _DECODERS[cls.type] = found
    return found


def decode_journal_form(data: dict[str, Any]) -> Request:
    """A request from its journal form (:func:`request_json`), without the converter.

    The journal's requests were written by the engine, so a plain decoder suffices; the
    request's own validators still run. Anything unexpected goes through :func:`parse_request`,
    which reports it field by field.
    """
    cls = REQUEST_TYPES.get(data.get("type"))  # type: ignore[arg-type]
    if cls is not None:
        decoders = _decoders(cls)
        try:
            kwargs = {}
            for key, value in data.items():
                if key != "type":
                    name, decode = decoders[key]
                    kwargs[name] = decode(value)
            request: Request = cls(**kwargs)
        except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation):
            pass
        else:
            return request
    return parse_request(data)


def _generic_json(request: Any) -> dict[str, Any]:
    data: dict[str, Any] = converter().unstructure(request, unstructure_as=type(request))
    return {k: v for k, v in data.items() if v is not None and k not in _COMMON}


def _move_json(request: Any, extra: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {"type": request.type, "from": request.source}
    if request.type == "transfer":
        data["to"] = request.to
    if request.quantity is not None:
        data["quantity"] = request.quantity
    if request.serials is not None:
        data["serials"] = [request.serials[0], request.serials[1]]
    for name in extra:
        value = getattr(request, name)
        if value is not None:
            data[name] = value
    return data


_FAST: Final[Mapping[type[Any], Callable[[Any], dict[str, Any]]]] = {
    TransferRequest: lambda r: _move_json(r, ()),
    RetireRequest: lambda r: _move_json(r, ("beneficiary", "ndc_year")),
    CancelRequest: lambda r: _move_json(r, ("purpose",)),
}


def request_json(request: Request) -> dict[str, Any]:
    """The journal form of a request: its JSON with ``type``, without actor, key and time.

    Optional fields left ``None`` are omitted; ``parse_request`` of the result (plus an actor)
    gives the request back.
    """
    fast = _FAST.get(type(request))
    if fast is not None:
        return fast(request)
    return _generic_json(request)
