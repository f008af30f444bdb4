"""Credit blocks and the algebra of their serial ranges.

A JCM credit is one tonne of CO2e with a serial number (識別番号) that is unique within the
registry of the Party that issued it (rules.md §3.3 and §4.6 [I]). Credits that share every
attribute and have consecutive serials are kept together as one **block**: an inclusive
:class:`SerialRange` plus the attributes of the issuance (registry, Party, project, host Party,
vintage, issue date, issuance id).

Moves split blocks. The convention of rules.md §4.3 [I] is that the sender keeps the **lower**
serials and the moved part takes the **upper** serials::

    >>> kept, moved = SerialRange(1, 1000).split_upper(300)
    >>> kept, moved
    (SerialRange(start=1, end=700), SerialRange(start=701, end=1000))
    >>> kept.merge(moved)
    SerialRange(start=1, end=1000)

A move that names a sub-range cuts the block in up to three pieces; the pieces left stay with the
sender::

    >>> SerialRange(701, 1000).take(701, 800)
    ((SerialRange(start=801, end=1000),), SerialRange(start=701, end=800))

The identifier of a block is rendered with a template. The default of rules.md §4.6 [I] is
**explicitly not an official JCM format** (no real JCM serial number was found)::

    >>> block = CreditBlock("JPN01", "JPN", "MN010", "MNG", 2023, SerialRange(1, 1000),
    ...                     dt.date(2025, 6, 1), "7")
    >>> block.identifier()
    'JPN01-MN010-2023-000000001-000001000'
    >>> parse_identifier(block.identifier())
    ('JPN01', 'MN010', 2023, SerialRange(start=1, end=1000))
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

import attrs

from jcm.core.first_transfer import Cover, FirstTransferMark
from jcm.errors import InvalidValueError

__all__ = [
    "DEFAULT_IDENTIFIER_TEMPLATE",
    "CreditBlock",
    "SerialRange",
    "parse_identifier",
]

DEFAULT_IDENTIFIER_TEMPLATE: Final = "{registry}-{project}-{vintage}-{start:09d}-{end:09d}"
"""Default rendering of a block identifier (rules.md §4.6 [I]); NOT an official JCM format."""

_IDENTIFIER: Final = re.compile(
    r"^(?P<registry>[A-Z]{3}[0-9]{2})-(?P<project>.+)-(?P<vintage>[0-9]{4})-"
    r"(?P<start>[0-9]{9,})-(?P<end>[0-9]{9,})$"
)


_new: Final = object.__new__
_set: Final = object.__setattr__


def _check_serial(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError(field, value, "a serial number is an integer >= 1")
    return value


def _range_validator(instance: SerialRange, _attribute: object, _value: Any) -> None:
    start, end = instance.start, instance.end
    if type(start) is int and type(end) is int and 1 <= start <= end:
        return
    _check_serial("start", instance.start)
    _check_serial("end", instance.end)
    if instance.end < instance.start:
        raise InvalidValueError(
            "end", instance.end, f"must not precede start ({instance.start}) of the serial range"
        )


@attrs.frozen(order=True)
class SerialRange:
    """An inclusive range of serial numbers ``start..end``, both >= 1 (rules.md §4.3 [I]).

    Parameters
    ----------
    start, end
        First and last serial; ``end >= start``. One serial is one credit of 1 tCO2e.
    """

    start: int
    end: int = attrs.field(validator=_range_validator)

    @property
    def quantity(self) -> int:
        """The number of credits in the range [tCO2e]."""
        return self.end - self.start + 1

    def __len__(self) -> int:
        return self.end - self.start + 1

    def __contains__(self, serial: object) -> bool:
        return isinstance(serial, int) and self.start <= serial <= self.end

    def contains_range(self, other: SerialRange) -> bool:
        """True when every serial of ``other`` is in this range."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: SerialRange) -> bool:
        """True when the two ranges share at least one serial."""
        return self.start <= other.end and other.start <= self.end

    def adjacent_to(self, other: SerialRange) -> bool:
        """True when one range ends exactly one serial before the other starts."""
        return self.end + 1 == other.start or other.end + 1 == self.start

    def merge(self, other: SerialRange) -> SerialRange:
        """The union of two adjacent ranges.

        Raises
        ------
        InvalidValueError
            When the ranges are not adjacent (a merge must be lossless and gap-free).
        """
        if not self.adjacent_to(other):
            raise InvalidValueError(
                "serials", (self, other), "only adjacent serial ranges can be merged"
            )
        return SerialRange(min(self.start, other.start), max(self.end, other.end))

    def split_upper(self, quantity: int) -> tuple[SerialRange | None, SerialRange]:
        """Split off the upper ``quantity`` serials; the sender keeps the lower part.

        Implements the convention of rules.md §4.3 [I] (scenario §11.7: 1-1000 moving 300 gives
        1-700 kept and 701-1000 moved).

        Returns
        -------
        tuple
            ``(kept_lower, moved_upper)``; ``kept_lower`` is ``None`` when the whole range moves.

        Raises
        ------
        InvalidValueError
            When ``quantity`` is not an integer in ``1..len(self)``.
        """
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidValueError("quantity", quantity, "must be an integer >= 1")
        size = self.end - self.start + 1
        if quantity > size:
            raise InvalidValueError(
                "quantity", quantity, f"must not exceed the {size} credits of the range"
            )
        if quantity == size:
            return None, self
        cut = self.end - quantity
        return SerialRange(self.start, cut), SerialRange(cut + 1, self.end)

    def take(self, start: int, end: int) -> tuple[tuple[SerialRange, ...], SerialRange]:
        """Cut the named sub-range ``start..end`` out of this range.

        Returns
        -------
        tuple
            ``(left, taken)``: the pieces that remain (0, 1 or 2, in serial order) and the range
            taken.

        Raises
        ------
        InvalidValueError
            When ``start..end`` is not a valid range inside this one.
        """
        taken = SerialRange(start, end)
        if not self.contains_range(taken):
            raise InvalidValueError(
                "serials", [start, end], f"must lie inside {self.start}-{self.end}"
            )
        left: list[SerialRange] = []
        if start > self.start:
            left.append(SerialRange(self.start, start - 1))
        if end < self.end:
            left.append(SerialRange(end + 1, self.end))
        return tuple(left), taken

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"

    @classmethod
    def _trusted(cls, start: int, end: int) -> SerialRange:
        """A range built without its validator, for ranges the caller has already proved valid.

        Private to :mod:`jcm.registry.state`, which splits and merges blocks it holds (every
        piece lies inside a validated range, so ``1 <= start <= end`` holds by construction).
        Public construction always validates.
        """
        made: SerialRange = _new(cls)
        _set(made, "start", start)
        _set(made, "end", end)
        return made


def _block_validator(instance: CreditBlock, _attribute: object, _value: Any) -> None:
    vintage = instance.vintage
    if type(instance.serials) is SerialRange and type(vintage) is int and 1990 <= vintage <= 2100:
        return
    if not isinstance(instance.serials, SerialRange):
        raise InvalidValueError("serials", instance.serials, "must be a SerialRange")
    vintage = instance.vintage
    if isinstance(vintage, bool) or not isinstance(vintage, int) or not 1990 <= vintage <= 2100:
        raise InvalidValueError("vintage", vintage, "must be a calendar year from 1990 to 2100")


@attrs.frozen
class CreditBlock:
    """Consecutive credits of one issuance held together (rules.md §4.3 [I]).

    Serial numbers, vintage, project and registry never change when a block moves (rules.md
    §4.5 invariant 4 [S]); only the account holding the block changes, and a move may split it.

    Parameters
    ----------
    registry
        Id of the issuing Party's registry (``"JPN01"``); serials are unique within it.
    party
        ISO alpha-3 code of the Party whose registry issued the block.
    project
        The JC project reference (``"MN010"``).
    host_party
        ISO alpha-3 code of the partner country hosting the project (the first transferring
        Party of Article 6).
    vintage
        Calendar year in which the reductions occurred.
    serials
        The inclusive serial range.
    issued_on
        Date of the issuance entry.
    issuance
        Id of the issuance (the journal entry that issued the block).
    cover
        The authorization version of the host that covers the credits (they are ITMOs), as
        decided and recorded by the registry (:mod:`jcm.core.first_transfer`); ``None`` for
        credits no authorization covers.
    first_transfer
        When and how the credits were first transferred, as recorded; ``None`` before.
    """

    registry: str
    party: str
    project: str
    host_party: str
    vintage: int
    serials: SerialRange
    issued_on: dt.date
    issuance: str = attrs.field(validator=_block_validator)
    cover: Cover | None = attrs.field(default=None, kw_only=True)
    first_transfer: FirstTransferMark | None = attrs.field(default=None, kw_only=True)

    @property
    def quantity(self) -> int:
        """The number of credits in the block [tCO2e]."""
        return self.serials.end - self.serials.start + 1

    def with_serials(self, serials: SerialRange) -> CreditBlock:
        """The same credits' attributes over another serial range (a piece after a split)."""
        return CreditBlock(
            self.registry,
            self.party,
            self.project,
            self.host_party,
            self.vintage,
            serials,
            self.issued_on,
            self.issuance,
            cover=self.cover,
            first_transfer=self.first_transfer,
        )

    def relabel(
        self, *, cover: Cover | None, first_transfer: FirstTransferMark | None
    ) -> CreditBlock:
        """The same credits with other Article 6 labels (a coverage or first transfer decided)."""
        return attrs.evolve(self, cover=cover, first_transfer=first_transfer)

    def _with_range(self, start: int, end: int) -> CreditBlock:
        """:meth:`with_serials` without the validators, for a sub-range of a validated block.

        Private to :mod:`jcm.registry.state` (splits and merges of blocks it holds, whose
        attributes were validated when issued and whose pieces satisfy ``1 <= start <= end``).
        """
        made: CreditBlock = _new(CreditBlock)
        _set(made, "registry", self.registry)
        _set(made, "party", self.party)
        _set(made, "project", self.project)
        _set(made, "host_party", self.host_party)
        _set(made, "vintage", self.vintage)
        _set(made, "serials", SerialRange._trusted(start, end))
        _set(made, "issued_on", self.issued_on)
        _set(made, "issuance", self.issuance)
        _set(made, "cover", self.cover)
        _set(made, "first_transfer", self.first_transfer)
        return made

    def same_lot(self, other: CreditBlock) -> bool:
        """True when the two blocks share every attribute but their serials (mergeable)."""
        return (
            self.issuance == other.issuance
            and self.registry == other.registry
            and self.vintage == other.vintage
            and self.project == other.project
            and self.party == other.party
            and self.host_party == other.host_party
            and self.issued_on == other.issued_on
            and self.cover == other.cover
            and self.first_transfer == other.first_transfer
        )

    def can_merge(self, other: CreditBlock) -> bool:
        """True when the blocks are of the same lot and their serial ranges are adjacent."""
        return self.same_lot(other) and self.serials.adjacent_to(other.serials)

    def merge(self, other: CreditBlock) -> CreditBlock:
        """The union of two adjacent blocks of the same lot.

        Raises
        ------
        InvalidValueError
            When the blocks differ in an attribute or are not adjacent.
        """
        if not self.same_lot(other):
            raise InvalidValueError(
                "block", other, "only blocks with equal attributes can be merged"
            )
        return self.with_serials(self.serials.merge(other.serials))

    def split_upper(self, quantity: int) -> tuple[CreditBlock | None, CreditBlock]:
        """Split off the upper ``quantity`` credits; see :meth:`SerialRange.split_upper`."""
        kept, moved = self.serials.split_upper(quantity)
        return (None if kept is None else self.with_serials(kept)), self.with_serials(moved)

    def take(self, start: int, end: int) -> tuple[tuple[CreditBlock, ...], CreditBlock]:
        """Cut serials ``start..end`` out of the block; see :meth:`SerialRange.take`."""
        left, taken = self.serials.take(start, end)
        return tuple(self.with_serials(r) for r in left), self.with_serials(taken)

    def identifier(self, template: str = DEFAULT_IDENTIFIER_TEMPLATE) -> str:
        """The rendered identifier; the default template is NOT official (rules.md §4.6 [I])."""
        return template.format(
            registry=self.registry,
            project=self.project,
            vintage=self.vintage,
            start=self.serials.start,
            end=self.serials.end,
            party=self.party,
            host_party=self.host_party,
        )


def parse_identifier(identifier: str) -> tuple[str, str, int, SerialRange]:
    """Parse an identifier rendered with the default template (rules.md §4.6 [I]).

    Returns
    -------
    tuple
        ``(registry, project, vintage, serials)``.

    Raises
    ------
    InvalidValueError
        When the text does not follow the default template.
    """
    match = _IDENTIFIER.match(identifier) if isinstance(identifier, str) else None
    if match is None:
        raise InvalidValueError(
            "identifier",
            identifier,
            "must follow the template " + DEFAULT_IDENTIFIER_TEMPLATE,
        )
    serials = SerialRange(int(match["start"]), int(match["end"]))
    return match["registry"], match["project"], int(match["vintage"]), serials
