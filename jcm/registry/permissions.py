"""Who may make which registry request (docs/api.md, "Registry requests"; docs/architecture.md
rule 4). The roles of each request type are part of its kind (:mod:`jcm.registry.kinds`).

Three questions, asked in the order of API.md's error precedence:

1. ``NOT_PERMITTED``: may the actor's **role** make this request at all? (an unknown actor may
   make none);
2. ``NOT_REGISTRY_ADMIN``: for requests that act in a Party's registry (open an account, issue,
   authorize, freeze), is the actor **that Party's** administrator?
3. ``NOT_ACCOUNT_HOLDER``: for moves and certificates, is the actor the **holder** of the debited
   account? Only the holder of the debited account may apply (Act Art. 57-11(2) [P]).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from jcm.core.account import Account
from jcm.core.party import Principal, Role
from jcm.errors import NotAuthorizedError

__all__ = [
    "HOLDING_ROLES",
    "require_admin_of",
    "require_holder",
    "require_principal",
    "require_role",
]

_ADMIN = Role.REGISTRY_ADMINISTRATOR
_PP = Role.PROJECT_PARTICIPANT
_HOLDER = Role.ACCOUNT_HOLDER

HOLDING_ROLES: Final = frozenset({_ADMIN, _PP, _HOLDER})
"""Roles that may hold accounts and so apply to move credits or ask for certificates."""


def require_principal(principals: Mapping[str, Principal], actor: str) -> Principal:
    """The principal named ``actor``; an unknown actor may do nothing (``NOT_PERMITTED``)."""
    principal = principals.get(actor)
    if principal is None:
        raise NotAuthorizedError(
            f"actor {actor!r} is not a principal of this registry",
            code="NOT_PERMITTED",
            field="actor",
            value=actor,
            rule="every request is made by a known principal (docs/api.md)",
        )
    return principal


def require_role(principal: Principal, request_type: str, allowed: frozenset[Role]) -> None:
    """Raise ``NOT_PERMITTED`` unless ``principal``'s role is one of ``allowed`` for the type."""
    if principal.role not in allowed:
        names = " or ".join(sorted(r.value for r in allowed))
        raise NotAuthorizedError(
            f"{request_type}: {principal.id!r} ({principal.role.value}) may not make this "
            f"request; it is for {names}",
            code="NOT_PERMITTED",
            field="actor",
            value=principal.id,
            rule=f"{request_type} is made by {names} (docs/api.md)",
        )


def require_admin_of(principal: Principal, party: str, request_type: str) -> None:
    """Raise ``NOT_REGISTRY_ADMIN`` unless ``principal`` administers ``party``'s registry."""
    if principal.role is not Role.REGISTRY_ADMINISTRATOR or principal.party != party:
        raise NotAuthorizedError(
            f"{request_type}: {principal.id!r} is not the registry administrator of {party}",
            code="NOT_REGISTRY_ADMIN",
            field="actor",
            value=principal.id,
            rule="only a Party's administrator acts in its registry (docs/rules.md §4.4)",
        )


def require_holder(principal: Principal, account: Account, request_type: str) -> None:
    """Raise ``NOT_ACCOUNT_HOLDER`` unless ``principal`` holds ``account``."""
    if account.holder != principal.id:
        raise NotAuthorizedError(
            f"{request_type}: {principal.id!r} is not the holder of account {account.id!r}",
            code="NOT_ACCOUNT_HOLDER",
            field="actor",
            value=principal.id,
            rule="only the holder of the debited account may apply (Act Art. 57-11(2))",
        )
