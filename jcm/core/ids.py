"""The one rule for identifiers and free texts of the registry (docs/rules.md §4.6 [I]).

Identifiers name principals, accounts, projects, registries, authorizations and idempotency keys;
they appear in reports, certificates and logs, so they must look like what they are: printable,
bounded, with no character that hides or reorders the text around it.
"""

from __future__ import annotations

from typing import Final

from jcm.errors import InvalidValueError

__all__ = ["IDENTIFIER_MAX_LENGTH", "TEXT_MAX_LENGTH", "check_identifier", "check_text"]

IDENTIFIER_MAX_LENGTH: Final = 128
"""The longest identifier (principal, account, project, idempotency key, ...) [characters]."""

TEXT_MAX_LENGTH: Final = 4000
"""The longest free text (a title, a purpose, terms and conditions) [characters]."""

_IDENTIFIER_RULE: Final = (
    f"an identifier is 1 to {IDENTIFIER_MAX_LENGTH} printable characters without leading or "
    "trailing spaces (no control, format or bidirectional characters; docs/rules.md §4.6)"
)


def check_identifier(field: str, value: object) -> str:
    """Return ``value`` if it is a valid identifier, else raise naming ``field``.

    The one rule for every identifier of the registry (principals, accounts, projects, Parties'
    registries, authorizations, idempotency keys): a string of 1 to
    :data:`IDENTIFIER_MAX_LENGTH` characters, each printable (``str.isprintable``: no control
    characters, no format characters such as the bidirectional overrides U+202A-U+202E and
    U+2066-U+2069 or zero-width joiners, no line or paragraph separators), with no leading or
    trailing white space. An id that looks the same on screen as another must not be a different
    id, and an id must never reorder or hide the text around it in a report.

    >>> check_identifier("account", "JPN-GOV")
    'JPN-GOV'
    >>> check_identifier("account", "A\u202eB")
    Traceback (most recent call last):
    ...
    jcm.errors.InvalidValueError: account: 'A\u202eB' is invalid: an identifier is 1 to 128 \
printable characters without leading or trailing spaces (no control, format or bidirectional \
characters; docs/rules.md §4.6)
    """
    if (
        type(value) is not str
        or not 0 < len(value) <= IDENTIFIER_MAX_LENGTH
        or not value.isprintable()
        or value != value.strip()
    ):
        raise InvalidValueError(field, value, _IDENTIFIER_RULE, code="INVALID_IDENTIFIER")
    return value


def check_text(field: str, value: object, *, empty: bool = False) -> str:
    """Return ``value`` if it is a free text of at most :data:`TEXT_MAX_LENGTH` printable
    characters (non-empty unless ``empty``), else raise naming ``field``."""
    if (
        type(value) is not str
        or len(value) > TEXT_MAX_LENGTH
        or not value.isprintable()
        or (not empty and not value.strip())
    ):
        raise InvalidValueError(
            field,
            value,
            f"must be {'a' if empty else 'a non-empty'} text of at most {TEXT_MAX_LENGTH} "
            "printable characters (no control or bidirectional characters)",
        )
    return value
