"""The attrs validators shared by the domain values of ``jcm.core``.

Each raises :class:`jcm.errors.InvalidValueError` naming the field (the attribute's name), the
value and the rule, so a bad value is never accepted silently::

    >>> import attrs
    >>> @attrs.frozen
    ... class Holder:
    ...     name: str = attrs.field(validator=non_empty_text)
    >>> Holder("  ")
    Traceback (most recent call last):
    ...
    jcm.errors.InvalidValueError: name: '  ' is invalid: must be a non-empty string
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from jcm.core.ids import IDENTIFIER_MAX_LENGTH, TEXT_MAX_LENGTH, check_identifier, check_text
from jcm.core.party import check_party_code
from jcm.errors import InvalidValueError

__all__ = [
    "IDENTIFIER_MAX_LENGTH",
    "TEXT_MAX_LENGTH",
    "Validator",
    "check_identifier",
    "check_text",
    "date_value",
    "identifier",
    "instance_of",
    "non_empty_text",
    "optional_bool",
    "optional_date",
    "optional_identifier",
    "optional_non_empty_text",
    "optional_party_code",
    "party_code",
    "text",
    "whole_number",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""The signature of an attrs validator."""


def identifier(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The value is an identifier (:func:`check_identifier`)."""
    check_identifier(attribute.name, value)


def optional_identifier(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The value is None or an identifier (:func:`check_identifier`)."""
    if value is not None:
        check_identifier(attribute.name, value)


def instance_of(cls: type[Any], *, optional: bool = False) -> Validator:
    """A validator: the value is a ``cls`` (or None when ``optional``).

    A ``datetime`` is not accepted where a ``date`` is asked for.
    """
    name = cls.__name__

    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, cls) or (cls is dt.date and isinstance(value, dt.datetime)):
            rule = f"must be a {name}" + (" or None" if optional else "")
            raise InvalidValueError(attribute.name, value, rule)

    return validate


def text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The value is a string (possibly empty)."""
    if not isinstance(value, str):
        raise InvalidValueError(attribute.name, value, "must be a string")


def non_empty_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The value is a string with at least one character that is not white space."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(attribute.name, value, "must be a non-empty string")


def optional_non_empty_text(
    _instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """The value is None or a non-empty string."""
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValueError(attribute.name, value, "must be a non-empty string or None")


def party_code(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The value is an ISO 3166-1 alpha-3 Party code (``JPN``)."""
    check_party_code(attribute.name, value)


def optional_party_code(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The value is None or an ISO 3166-1 alpha-3 Party code."""
    if value is not None:
        check_party_code(attribute.name, value)


def date_value(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The value is a date (not a date-time)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidValueError(attribute.name, value, "must be a date (YYYY-MM-DD)")


def optional_date(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The value is None or a date (not a date-time)."""
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise InvalidValueError(attribute.name, value, "must be a date (YYYY-MM-DD) or None")


def optional_bool(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """The value is True, False or None."""
    if value is not None and not isinstance(value, bool):
        raise InvalidValueError(attribute.name, value, "must be true, false or None")


def whole_number(minimum: int) -> Validator:
    """A validator: the value is an int (not a bool) of at least ``minimum``."""

    def validate(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise InvalidValueError(attribute.name, value, f"must be a whole number >= {minimum}")

    return validate
