"""Every request kind of the registry, listed once, in the order of docs/api.md's request table.

This list is where a request type is registered (:mod:`jcm.registry.kind`): the request union
(:mod:`jcm.registry.requests`), the journal's decoder of effects, the roles of each request type
(:data:`ROLES`), the generated reference docs and the fold all derive from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from jcm.core.party import Role
from jcm.registry.authorize import AUTHORIZE
from jcm.registry.certificate import REQUEST_CERTIFICATE
from jcm.registry.cycle_steps import CYCLE_KINDS
from jcm.registry.freeze import FREEZE, UNFREEZE
from jcm.registry.issuance import ISSUE
from jcm.registry.kind import Kind
from jcm.registry.moves import CANCEL, RETIRE, TRANSFER
from jcm.registry.setup import ADD_PARTY, ADD_PRINCIPAL, OPEN_ACCOUNT

__all__ = ["KINDS", "ROLES", "kind_of"]

_ALL: Final[tuple[Kind[Any], ...]] = (
    ADD_PARTY,
    ADD_PRINCIPAL,
    OPEN_ACCOUNT,
    *CYCLE_KINDS,
    ISSUE,
    AUTHORIZE,
    TRANSFER,
    RETIRE,
    CANCEL,
    FREEZE,
    UNFREEZE,
    REQUEST_CERTIFICATE,
)

KINDS: Final[Mapping[str, Kind[Any]]] = {kind.type: kind for kind in _ALL}
"""Every request kind by its ``"type"`` tag."""

ROLES: Final[Mapping[str, frozenset[Role]]] = {t: k.roles for t, k in KINDS.items()}
"""The roles that may make each request type (docs/api.md's table)."""


def kind_of(request_type: str) -> Kind[Any] | None:
    """The kind of ``request_type``, or ``None`` for an unknown type."""
    return KINDS.get(request_type)
