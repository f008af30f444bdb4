"""The JCM partner countries, in the order in which they signed with Japan.

The list is **data** (``jcm/core/data/partners.json``, from ``shared/reference/partners.md``):
the 29 partners of the government overview of March 2025 in signing order, then the partners added
since (Tanzania and India, 31 by the end of August 2025). A later partner is added by appending a
row.

Not every signing date is confirmed. Each row says how sure its date is (:class:`DateStatus`); where
the exact date was not found, ``signed`` is ``None`` and the row carries the window known from its
year and its place in the signing order (``signed_earliest`` .. ``signed_latest``). A partner counts
as signed on a day only when it certainly had signed by then, so
:func:`partners_as_of` never includes a partner early::

    >>> import datetime as dt
    >>> [p.name for p in partners_as_of(dt.date(2013, 1, 8))]
    ['Mongolia']
    >>> len(partners_as_of(dt.date(2025, 3, 31)))
    29
    >>> partner("SEN").signed_note
    '2022, before 26 Aug'
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from importlib import resources
from typing import Any

import attrs

from jcm.core.validators import instance_of, non_empty_text, optional_date, party_code, whole_number
from jcm.errors import InvalidValueError

__all__ = [
    "DateStatus",
    "PartnerCountry",
    "parse_partners",
    "partner",
    "partner_countries",
    "partners_as_of",
]


class DateStatus(enum.Enum):
    """How sure a partner's signing date is (partners.md, "Status of the date")."""

    CONFIRMED = "confirmed"
    """Read in a primary or official source."""
    UNVERIFIED = "unverified"
    """Given by a source that was not checked; do not rely on it in tests."""
    NOT_FOUND = "not_found"
    """The exact date was not found; only a window is known."""


@attrs.frozen
class PartnerCountry:
    """A country that signed a bilateral JCM document with Japan (partners.md).

    Parameters
    ----------
    number
        Its place in the signing order (Mongolia 1, ..., Ukraine 29, Tanzania 30, India 31).
    name
        English short name (``"Viet Nam"``).
    code
        ISO 3166-1 alpha-3 code (``"VNM"``).
    signed
        Signing date, or ``None`` when the exact date was not found.
    signed_note
        The date as the sources give it (``"2022, before 26 Aug"``).
    date_status
        How sure ``signed`` is.
    signed_earliest, signed_latest
        The window known for an undated signing (both inclusive); ``None`` when ``signed`` is
        given. Required when ``signed`` is ``None``.
    source
        Where the date comes from.
    """

    number: int = attrs.field(validator=whole_number(1))
    name: str = attrs.field(validator=non_empty_text)
    code: str = attrs.field(validator=party_code)
    signed: dt.date | None = attrs.field(validator=optional_date)
    signed_note: str = attrs.field(validator=non_empty_text)
    date_status: DateStatus = attrs.field(validator=instance_of(DateStatus))
    signed_earliest: dt.date | None = attrs.field(default=None, validator=optional_date)
    signed_latest: dt.date | None = attrs.field(default=None, validator=optional_date)
    source: str = attrs.field(default="", validator=instance_of(str))

    def __attrs_post_init__(self) -> None:
        if self.signed is None:
            if self.date_status is not DateStatus.NOT_FOUND:
                raise InvalidValueError(
                    "signed", None, f"is required when date_status is {self.date_status.value!r}"
                )
            if self.signed_earliest is None or self.signed_latest is None:
                raise InvalidValueError(
                    "signed_latest",
                    self.signed_latest,
                    "signed_earliest and signed_latest are required when signed is None",
                )
            if self.signed_latest < self.signed_earliest:
                raise InvalidValueError(
                    "signed_latest",
                    self.signed_latest.isoformat(),
                    f"must not precede signed_earliest ({self.signed_earliest.isoformat()})",
                )
        else:
            if self.date_status is DateStatus.NOT_FOUND:
                raise InvalidValueError(
                    "date_status", self.date_status.value, "must not be 'not_found' with a date"
                )
            if self.signed_earliest is not None or self.signed_latest is not None:
                raise InvalidValueError(
                    "signed_earliest",
                    self.signed_earliest,
                    "must be None when the exact date (signed) is known",
                )

    @property
    def earliest_signing(self) -> dt.date:
        """The earliest day on which the partner may have signed."""
        day = self.signed if self.signed is not None else self.signed_earliest
        if day is None:  # pragma: no cover - excluded by __attrs_post_init__
            raise InvalidValueError("signed_earliest", None, "is required")
        return day

    @property
    def latest_signing(self) -> dt.date:
        """The day by which the partner had certainly signed."""
        day = self.signed if self.signed is not None else self.signed_latest
        if day is None:  # pragma: no cover - excluded by __attrs_post_init__
            raise InvalidValueError("signed_latest", None, "is required")
        return day


def _parse_date(row: dict[str, Any], key: str, where: str) -> dt.date | None:
    raw = row.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidValueError(f"{where}.{key}", raw, "must be an ISO 8601 date or null")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidValueError(f"{where}.{key}", raw, "must be an ISO 8601 date") from None


def _parse_row(row: object, index: int) -> PartnerCountry:
    where = f"partners[{index}]"
    if not isinstance(row, dict):
        raise InvalidValueError(where, row, "must be a JSON object")
    known = {
        "number",
        "name",
        "code",
        "signed",
        "signed_note",
        "date_status",
        "signed_earliest",
        "signed_latest",
        "source",
    }
    extra = sorted(set(row) - known)
    if extra:
        raise InvalidValueError(f"{where}.{extra[0]}", extra[0], "unknown key")
    for key in ("number", "name", "code", "signed_note", "date_status"):
        if key not in row:
            raise InvalidValueError(f"{where}.{key}", None, "required field is missing")
    try:
        status = DateStatus(row["date_status"])
    except ValueError:
        raise InvalidValueError(
            f"{where}.date_status",
            row["date_status"],
            f"must be one of {[s.value for s in DateStatus]}",
        ) from None
    return PartnerCountry(
        number=row["number"],  # validated by PartnerCountry
        name=row["name"],
        code=row["code"],
        signed=_parse_date(row, "signed", where),
        signed_note=row["signed_note"],
        date_status=status,
        signed_earliest=_parse_date(row, "signed_earliest", where),
        signed_latest=_parse_date(row, "signed_latest", where),
        source=row.get("source", ""),
    )


def parse_partners(text: str) -> tuple[PartnerCountry, ...]:
    """Read the partner table from the JSON text of ``partners.json``.

    Checks that the rows are numbered 1, 2, ... in signing order, that each code appears once,
    and that the dates never contradict the order (no partner certainly signed before one that
    precedes it could have).
    """
    data = json.loads(text)
    rows = data.get("partners") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise InvalidValueError("partners", rows, "must be a non-empty list of partner rows")
    partners = tuple(_parse_row(row, index) for index, row in enumerate(rows))
    seen: set[str] = set()
    for index, country in enumerate(partners):
        if country.number != index + 1:
            raise InvalidValueError(
                f"partners[{index}].number", country.number, f"must be {index + 1} (signing order)"
            )
        if country.code in seen:
            raise InvalidValueError(f"partners[{index}].code", country.code, "appears twice")
        seen.add(country.code)
        for earlier in partners[:index]:
            if earlier.earliest_signing > country.latest_signing:
                raise InvalidValueError(
                    f"partners[{index}].signed",
                    country.signed_note,
                    f"contradicts the signing order: {earlier.name} (number {earlier.number}) "
                    f"signed on {earlier.earliest_signing.isoformat()} at the earliest",
                )
    return partners


@functools.cache
def partner_countries() -> tuple[PartnerCountry, ...]:
    """Every JCM partner country, in signing order (partners.md)."""
    text = resources.files("jcm.core").joinpath("data/partners.json").read_text(encoding="utf-8")
    return parse_partners(text)


@functools.cache
def _by_code() -> dict[str, PartnerCountry]:
    return {country.code: country for country in partner_countries()}


def partner(code: str) -> PartnerCountry:
    """The partner country with ISO alpha-3 ``code``.

    Raises
    ------
    InvalidValueError
        Naming ``partner`` (code ``UNKNOWN_PARTNER``) when ``code`` is not a JCM partner; Japan
        is not its own partner.
    """
    found = _by_code().get(code) if isinstance(code, str) else None
    if found is None:
        raise InvalidValueError(
            "partner",
            code,
            "must be the ISO alpha-3 code of a JCM partner country (partners.md)",
            code="UNKNOWN_PARTNER",
        )
    return found


def partners_as_of(day: dt.date) -> tuple[PartnerCountry, ...]:
    """The partners that had certainly signed by ``day`` (inclusive), in signing order.

    A partner whose exact date was not found counts from the last day of its known window.
    """
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise InvalidValueError("day", day, "must be a date (YYYY-MM-DD)")
    return tuple(country for country in partner_countries() if country.latest_signing <= day)
