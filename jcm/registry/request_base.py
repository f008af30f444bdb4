"""What every registry request shares: the common fields and the validators of its values.

Each request type is one unit of its own module (its request class, its effects class, its
decision and its application; see :mod:`jcm.registry.kind`); the classes derive from
:class:`RequestBase`. The validators here use the rules of :mod:`jcm.core.validators`, the same
functions the domain values and the fold use, so a value the decision accepts is one the
application accepts (docs/api.md, "One truth").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs

from jcm.core.ids import check_identifier, check_text
from jcm.core.party import check_party_code
from jcm.errors import InvalidValueError

__all__ = [
    "RequestBase",
    "check_move",
    "ident",
    "is_int",
    "optional_ident",
    "optional_text",
    "optional_year",
    "party",
    "positive_int",
    "text",
]


def ident(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An identifier (:func:`jcm.core.validators.check_identifier`)."""
    check_identifier(attribute.name, value)


def optional_ident(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or an identifier."""
    if value is not None:
        check_identifier(attribute.name, value)


def text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A non-empty free text (:func:`jcm.core.validators.check_text`)."""
    check_text(attribute.name, value)


def optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a non-empty free text."""
    if value is not None:
        check_text(attribute.name, value)


def party(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An ISO 3166-1 alpha-3 Party code."""
    check_party_code(attribute.name, value)


def is_int(value: object) -> bool:
    """True for an ``int`` that is not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def positive_int(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A whole number of credits >= 1 [tCO2e]."""
    if not is_int(value) or value < 1:  # type: ignore[operator]
        raise InvalidValueError(attribute.name, value, "must be an integer >= 1 [tCO2e]")


def optional_year(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a calendar year from 1990 to 2100."""
    if value is not None and (not is_int(value) or not 1990 <= value <= 2100):  # type: ignore[operator]
        raise InvalidValueError(attribute.name, value, "must be a calendar year from 1990 to 2100")


def _at(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, dt.datetime) or value.utcoffset() is None):
        raise InvalidValueError(attribute.name, value, "must be a timezone-aware date-time (UTC)")


def check_move(instance: Any) -> None:
    """Exactly one of ``quantity`` and ``serials``; serials an inclusive range of integers >= 1."""
    quantity, serials = instance.quantity, instance.serials
    if (quantity is None) == (serials is None):
        raise InvalidValueError(
            "quantity", quantity, "give exactly one of quantity and serials [start, end]"
        )
    if quantity is not None and (not is_int(quantity) or quantity < 1):
        raise InvalidValueError("quantity", quantity, "must be an integer >= 1 [tCO2e]")
    if serials is not None:
        if not isinstance(serials, tuple) or len(serials) != 2:
            raise InvalidValueError("serials", serials, "must be [start, end], integers >= 1")
        start, end = serials
        if not (is_int(start) and is_int(end)) or start < 1:
            raise InvalidValueError("serials", serials, "must be [start, end], integers >= 1")
        if end < start:
            raise InvalidValueError("serials", list(serials), "end must not precede start")


@attrs.frozen
class RequestBase:
    """Fields every request may carry (keyword-only, after the request's own fields)."""

    type: ClassVar[str] = ""

    actor: str | None = attrs.field(default=None, kw_only=True, validator=optional_ident)
    """The principal making the request (or given to ``submit(actor=...)``)."""
    idempotency_key: str | None = attrs.field(default=None, kw_only=True, validator=optional_ident)
    """The same key with the same request returns the first receipt (docs/api.md)."""
    at: dt.datetime | None = attrs.field(default=None, kw_only=True, validator=_at)
    """The entry's time; accepted only in import mode (``apply --import``)."""


COMMON_FIELDS: tuple[str, ...] = ("actor", "idempotency_key", "at")
"""Fields of :class:`RequestBase` the entry records apart, not in the request's journal form."""
