"""Who may make which registry request (API.md, "Registry requests"; ARCHITECTURE.md rule 4).

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
    "ROLES",
    "require_admin_of",
    "require_holder",
    "require_principal",
    "require_role",
]

_OP = Role.OPERATOR
_ADMIN = Role.REGISTRY_ADMINISTRATOR
_JC = Role.JOINT_COMMITTEE
_TPE = Role.THIRD_PARTY_ENTITY
_PP = Role.PROJECT_PARTICIPANT
_HOLDER = Role.ACCOUNT_HOLDER

HOLDING_ROLES: Final = frozenset({_ADMIN, _PP, _HOLDER})
"""Roles that may hold accounts and so apply to move credits or ask for certificates."""

ROLES: Final[Mapping[str, frozenset[Role]]] = {
    "add_party": frozenset({_OP}),
    "add_principal": frozenset({_OP, _ADMIN}),
    "open_account": frozenset({_ADMIN}),
    "submit_pin": frozenset({_PP}),
    "decide_no_objection": frozenset({_JC}),
    "submit_pdd": frozenset({_PP}),
    "start_public_input": frozenset({_JC}),
    "close_public_input": frozenset({_JC}),
    "submit_validation_report": frozenset({_TPE}),
    "register_project": frozenset({_JC}),
    "submit_monitoring_report": frozenset({_PP}),
    "submit_verification_report": frozenset({_TPE}),
    "request_issuance": frozenset({_PP}),
    "decide_issuance": frozenset({_JC}),
    "issue": frozenset({_ADMIN}),
    "authorize": frozenset({_ADMIN}),
    "transfer": HOLDING_ROLES,
    "retire": HOLDING_ROLES,
    "cancel": HOLDING_ROLES,
    "freeze": frozenset({_ADMIN}),
    "unfreeze": frozenset({_ADMIN}),
    "request_certificate": HOLDING_ROLES,
}
"""The roles that may make each request type (API.md's table)."""


def require_principal(principals: Mapping[str, Principal], actor: str) -> Principal:
    """The principal named ``actor``; an unknown actor may do nothing (``NOT_PERMITTED``)."""
    principal = principals.get(actor)
    if principal is None:
        raise NotAuthorizedError(
            f"actor {actor!r} is not a principal of this registry",
            code="NOT_PERMITTED",
            field="actor",
            value=actor,
            rule="every request is made by a known principal (API.md)",
        )
    return principal


def require_role(principal: Principal, request_type: str) -> None:
    """Raise ``NOT_PERMITTED`` unless ``principal``'s role may make ``request_type``."""
    allowed = ROLES[request_type]
    if principal.role not in allowed:
        names = " or ".join(sorted(r.value for r in allowed))
        raise NotAuthorizedError(
            f"{request_type}: {principal.id!r} ({principal.role.value}) may not make this "
            f"request; it is for {names}",
            code="NOT_PERMITTED",
            field="actor",
            value=principal.id,
            rule=f"{request_type} is made by {names} (API.md)",
        )


def require_admin_of(principal: Principal, party: str, request_type: str) -> None:
    """Raise ``NOT_REGISTRY_ADMIN`` unless ``principal`` administers ``party``'s registry."""
    if principal.role is not Role.REGISTRY_ADMINISTRATOR or principal.party != party:
        raise NotAuthorizedError(
            f"{request_type}: {principal.id!r} is not the registry administrator of {party}",
            code="NOT_REGISTRY_ADMIN",
            field="actor",
            value=principal.id,
            rule="only a Party's administrator acts in its registry (rules.md §4.4)",
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
