"""ITMO unique identifiers (6/CMA.4 annex I para 5) and blocks of consecutive ITMOs.

An ITMO unique identifier has five components (``shared/reference/rules.md`` §7.7, regular
expression [P2] from the public AEF checker, components [S])::

    CA0099-MNG01-MNG-1,000-2023
    │      │     │   │     └ vintage: the calendar year in which the mitigation outcome occurred
    │      │     │   └ serial: a positive integer, no leading zero, thousands commas optional
    │      │     └ first transferring participating Party (ISO 3166-1 alpha-3)
    │      └ Party ITMO registry ID (alpha-3 and two digits) of the originating registry
    └ cooperative approach ID (``CA`` and four digits)

    >>> ItmoId.parse("CA0099-MNG01-MNG-1,000-2023")
    ItmoId(cooperative_approach='CA0099', registry='MNG01', first_transferring_party='MNG', \
serial=1000, vintage=2023)
    >>> ItmoId.parse("CA0099-MNG01-MNG-1,000-2023").render()
    'CA0099-MNG01-MNG-1000-2023'

A block of consecutive ITMOs is reported as a First ID and a Last ID (AEF-V2 Table 3 fields 8 and
9); its quantity is ``last - first + 1`` [t CO2e] (consistency check C11). The AEF-V2 nomenclature
types First/Last ID as integers while the checker validates full strings (rules.md §7.7, an open
point [I]): :class:`ItmoBlock` stores the components and renders either form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import attrs

from jcm.errors import InvalidValueError

__all__ = [
    "ITMO_ID_PATTERN",
    "REGISTRY_ID_PATTERN",
    "ItmoBlock",
    "ItmoId",
    "merge_ranges",
    "subtract_ranges",
]

ITMO_ID_PATTERN: Final = re.compile(
    r"^CA\d{4}-[A-Z]{3}\d{2}-[A-Z]{3}-[1-9]\d{0,2}((\d*)|(,\d{3})*)-\d{4}$"
)
"""The regular expression of an ITMO unique identifier (rules.md §7.7) [P2]."""

REGISTRY_ID_PATTERN: Final = re.compile(r"^[A-Z]{3}\d{2}$")
"""A Party ITMO registry ID (``JPN01``) [P2]."""

CODE: Final = "INVALID_ITMO_ID"
"""Error code of a malformed identifier or block."""

_COMPONENTS: Final = (
    ("cooperative_approach", re.compile(r"^CA\d{4}$"), "must be 'CA' and 4 digits (CA0099)"),
    ("registry", REGISTRY_ID_PATTERN, "must be 3 capital letters and 2 digits (MNG01)"),
    (
        "first_transferring_party",
        re.compile(r"^[A-Z]{3}$"),
        "must be an ISO 3166-1 alpha-3 code (MNG)",
    ),
    (
        "serial",
        re.compile(r"^[1-9]\d{0,2}((\d*)|(,\d{3})*)$"),
        "must be a positive integer without a leading zero, thousands commas optional (1,000)",
    ),
    ("vintage", re.compile(r"^\d{4}$"), "must be a 4-digit year (2023)"),
)


def _check(component: str, text: str) -> None:
    for name, pattern, rule in _COMPONENTS:
        if name == component and not pattern.match(text):
            raise InvalidValueError(name, text, rule, code=CODE)


def _check_serial(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError(attribute.name, value, "must be an integer >= 1", code=CODE)


def _check_vintage(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 9999:
        raise InvalidValueError(attribute.name, value, "must be a 4-digit year (2023)", code=CODE)


def _check_text(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise InvalidValueError(attribute.name, value, "must be a string", code=CODE)
    _check(attribute.name, value)


@attrs.frozen(order=True)
class ItmoId:
    """One ITMO unique identifier, stored as its five components.

    Parameters
    ----------
    cooperative_approach
        Cooperative approach ID (``CA0099``).
    registry
        Party ITMO registry ID of the originating registry (``MNG01``).
    first_transferring_party
        ISO alpha-3 code of the Party in which the mitigation outcome occurred (``MNG``).
    serial
        Serial number, an integer >= 1.
    vintage
        Calendar year in which the mitigation outcome occurred.
    """

    cooperative_approach: str = attrs.field(validator=_check_text)
    registry: str = attrs.field(validator=_check_text)
    first_transferring_party: str = attrs.field(validator=_check_text)
    serial: int = attrs.field(validator=_check_serial)
    vintage: int = attrs.field(validator=_check_vintage)

    @classmethod
    def parse(cls, text: str) -> ItmoId:
        """Parse ``CA0099-MNG01-MNG-1,000-2023``; a bad component is named in the error."""
        if not isinstance(text, str):
            raise InvalidValueError("itmo_id", text, "must be a string", code=CODE)
        parts = text.split("-")
        if len(parts) != len(_COMPONENTS):
            raise InvalidValueError(
                "itmo_id",
                text,
                "must have 5 components separated by '-': "
                "cooperative approach, registry, first transferring Party, serial, vintage",
                code=CODE,
            )
        for (name, _pattern, _rule), part in zip(_COMPONENTS, parts, strict=True):
            _check(name, part)
        if not ITMO_ID_PATTERN.match(text):  # pragma: no cover - the components imply the pattern
            raise InvalidValueError("itmo_id", text, "must match the ITMO ID pattern", code=CODE)
        ca, registry, party, serial, vintage = parts
        return cls(ca, registry, party, int(serial.replace(",", "")), int(vintage))

    def render(self, *, thousands: bool = False) -> str:
        """The identifier as text; ``thousands=True`` writes the serial as ``1,000``."""
        serial = f"{self.serial:,}" if thousands else str(self.serial)
        return (
            f"{self.cooperative_approach}-{self.registry}-{self.first_transferring_party}"
            f"-{serial}-{self.vintage}"
        )

    def __str__(self) -> str:
        return self.render()


@attrs.frozen(order=True)
class ItmoBlock:
    """A block of consecutive ITMOs sharing approach, registry, first transferring Party, vintage.

    Parameters
    ----------
    cooperative_approach, registry, first_transferring_party, vintage
        The shared components of the identifiers (see :class:`ItmoId`).
    start, end
        First and last serial, both inclusive; ``end >= start``.
    """

    cooperative_approach: str = attrs.field(validator=_check_text)
    registry: str = attrs.field(validator=_check_text)
    first_transferring_party: str = attrs.field(validator=_check_text)
    vintage: int = attrs.field(validator=_check_vintage)
    start: int = attrs.field(validator=_check_serial)
    end: int = attrs.field(validator=_check_serial)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValueError(
                "end", self.end, f"must not be below the first serial {self.start}", code=CODE
            )

    @classmethod
    def from_ids(cls, first: ItmoId | str, last: ItmoId | str) -> ItmoBlock:
        """The block from its First ID to its Last ID; the other components must agree."""
        a = first if isinstance(first, ItmoId) else ItmoId.parse(first)
        b = last if isinstance(last, ItmoId) else ItmoId.parse(last)
        for name in ("cooperative_approach", "registry", "first_transferring_party", "vintage"):
            if getattr(a, name) != getattr(b, name):
                raise InvalidValueError(
                    name,
                    getattr(b, name),
                    f"Last ID must have the same {name} as First ID ({getattr(a, name)})",
                    code=CODE,
                )
        return cls(
            a.cooperative_approach,
            a.registry,
            a.first_transferring_party,
            a.vintage,
            a.serial,
            b.serial,
        )

    @property
    def key(self) -> tuple[str, str, str, int]:
        """The shared components: ``(cooperative_approach, registry, party, vintage)``."""
        return (
            self.cooperative_approach,
            self.registry,
            self.first_transferring_party,
            self.vintage,
        )

    @property
    def quantity(self) -> int:
        """Number of ITMOs in the block [t CO2e]: ``end - start + 1``."""
        return self.end - self.start + 1

    @property
    def first(self) -> ItmoId:
        """The First ID."""
        return ItmoId(*self.key[:3], self.start, self.vintage)

    @property
    def last(self) -> ItmoId:
        """The Last ID."""
        return ItmoId(*self.key[:3], self.end, self.vintage)

    def with_serials(self, start: int, end: int) -> ItmoBlock:
        """The same block with other serials (a part of it, after a split)."""
        return attrs.evolve(self, start=start, end=end)

    def intersection(self, other: ItmoBlock) -> ItmoBlock | None:
        """The common part of two blocks, or ``None``."""
        if self.key != other.key:
            return None
        lo, hi = max(self.start, other.start), min(self.end, other.end)
        return self.with_serials(lo, hi) if lo <= hi else None

    def __str__(self) -> str:
        return f"{self.first.render()}..{self.end}"


def subtract_ranges(
    ranges: Iterable[tuple[int, int]], removed: Iterable[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    """Inclusive integer ranges minus other ranges, merged and sorted.

    >>> subtract_ranges([(1, 1000)], [(1, 400)])
    ((401, 1000),)
    """
    out = _merge(ranges)
    for lo, hi in _merge(removed):
        nxt: list[tuple[int, int]] = []
        for a, b in out:
            if hi < a or b < lo:
                nxt.append((a, b))
                continue
            if a < lo:
                nxt.append((a, lo - 1))
            if hi < b:
                nxt.append((hi + 1, b))
        out = nxt
    return tuple(out)


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Inclusive integer ranges merged into disjoint sorted ranges.

    >>> merge_ranges([(5, 9), (1, 4), (20, 20)])
    ((1, 9), (20, 20))
    """
    return tuple(_merge(ranges))
