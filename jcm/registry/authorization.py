"""Minimal authorization records: a Party's Article 6.3 approval of a project's credits.

Retirement (無効化) toward the NDC needs the approval of both Japan and the partner country under
Paris Agreement Art. 6.3 (rules.md §4.2 and §4.4 [P] BILL item 4; §6.2). The engine records each
``authorize`` request as an :class:`Authorization` and answers one question: has ``party``
authorized ``project``'s credits of ``vintage`` for ``purpose``? The rest of Article 6 (first
transfer, adjustments, AEF tables) reads these records and lives in ``jcm.article6``.

Purposes are the atoms of the AEF nomenclature Table 16(b) (rules.md §7.2, §8.3 [P2]): ``NDC``,
``OIMP``, ``IMP``, ``OP``; a combination such as "NDC and OIMP" is given as two purposes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

import attrs

from jcm.errors import InvalidValueError

__all__ = ["PURPOSES", "Authorization", "Timeframe", "check_purposes"]

PURPOSES: Final = frozenset({"NDC", "OIMP", "IMP", "OP"})
"""Authorized purposes (AEF nomenclature Table 16(b), rules.md §8.3 [P2])."""


def check_purposes(purposes: Iterable[Any], *, field: str = "purposes") -> tuple[str, ...]:
    """Return ``purposes`` as a tuple if every one is a known purpose, at least one, no repeats.

    Raises
    ------
    InvalidValueError
        Naming ``field`` and the known purposes.
    """
    values = tuple(purposes)
    if not values or any(p not in PURPOSES for p in values) or len(set(values)) != len(values):
        raise InvalidValueError(
            field, list(values), f"must be distinct purposes among {', '.join(sorted(PURPOSES))}"
        )
    return values


@attrs.frozen
class Timeframe:
    """The period during which an authorization may be used (AEF Table 2, rules.md §7.2 [P2])."""

    start: dt.date
    end: dt.date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValueError("end", self.end.isoformat(), "must not precede start")


@attrs.frozen
class Authorization:
    """One Party's authorization of a project's credits (rules.md §7.2 [M], §8.2 [P2]).

    Parameters
    ----------
    id
        The authorization id (``"MNG-JCM-2024-001"``).
    party
        The authorizing Party (ISO alpha-3).
    project
        The JC project reference.
    vintages
        The vintages covered.
    purposes
        The authorized purposes (``NDC``, ``OIMP``, ``IMP``, ``OP``).
    first_transfer_definition
        For OIMP: ``Authorisation``, ``Issuance`` or ``Use or Cancellation`` (rules.md §7.2).
    authorized_quantity
        An optional cap [tCO2e].
    timeframe
        An optional period of validity.
    entry
        The journal entry that recorded it.
    """

    id: str
    party: str
    project: str
    vintages: frozenset[int]
    purposes: frozenset[str]
    first_transfer_definition: str | None = None
    authorized_quantity: int | None = None
    timeframe: Timeframe | None = None
    entry: int = 0

    def covers(self, project: str, vintage: int, purpose: str) -> bool:
        """True when this authorization covers ``project``'s ``vintage`` for ``purpose``."""
        return project == self.project and vintage in self.vintages and purpose in self.purposes
