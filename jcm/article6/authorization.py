"""The cooperative approach, and the authorization vocabulary of Article 6.3 (from jcm.core).

What a Party authorized is one record, :class:`jcm.core.authorization.Authorization`, decided and
recorded by the registry (docs/architecture.md, "Where each rule lives"); this module re-exports
it and its vocabulary for the reports, and holds the one thing only the reports need: the
cooperative approach as the AEF names it (its ID and the ITMO registry ID of each Party).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import attrs

from jcm.core.authorization import (
    AUTHORIZATION_ID_PATTERN,
    Authorization,
    FirstTransferDefinition,
    FirstTransferTrigger,
    Purpose,
    Timeframe,
    purposes_label,
)
from jcm.core.nomenclature import DEFAULT_APPROACH
from jcm.core.party import JAPAN, check_party_code
from jcm.errors import InvalidValueError

__all__ = [
    "AUTHORIZATION_ID_PATTERN",
    "JCM_APPROACH",
    "Authorization",
    "CooperativeApproach",
    "FirstTransferDefinition",
    "FirstTransferTrigger",
    "Purpose",
    "Timeframe",
    "purposes_label",
]

_APPROACH_ID: Final = re.compile(r"^CA\d{4}$")


def _approach_id(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not _APPROACH_ID.match(value):
        raise InvalidValueError(attribute.name, value, "must be 'CA' and 4 digits (CA0099)")


def _party(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    check_party_code(attribute.name, value)


def _registries(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((check_party_code("registries", p), r) for p, r in value)


@attrs.frozen
class CooperativeApproach:
    """A cooperative approach and its settings.

    Parameters
    ----------
    id
        Cooperative approach ID (``CA0099``; nomenclature Table 9(a)); the JCM's real ID is not
        in the sources, so :data:`JCM_APPROACH` uses the illustrative ``CA0099`` of
        docs/rules.md §9.6.
    name
        Its name.
    acquiring_party
        The Party acquiring the ITMOs (Japan for the JCM).
    registries
        ``(party, Party ITMO registry ID)`` pairs (``("JPN", "JPN01")``).
    """

    id: str = attrs.field(validator=_approach_id)
    name: str = "Joint Crediting Mechanism"
    acquiring_party: str = attrs.field(default=JAPAN, validator=_party)
    registries: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_registries)

    def registry_of(self, party: str) -> str:
        """The Party ITMO registry ID of ``party`` (default ``<party>01`` [I])."""
        for p, r in self.registries:
            if p == party:
                return r
        return f"{party}01"


JCM_APPROACH: Final = CooperativeApproach(DEFAULT_APPROACH)
"""The JCM; ``CA0099`` is illustrative (docs/rules.md §9.6)."""
