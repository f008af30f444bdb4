"""Disposal restrictions (処分の制限): a Party's administrator freezes and unfreezes an account.

A recorded restriction stops every debit of the account (``FROZEN``) until it is released; a
certificate of the account's records can still be asked for (docs/rules.md §4.2, CWL-1949 [S];
scenario §11.10).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

import attrs

from jcm.core.party import Principal, Role
from jcm.errors import RegistryError, UnknownAccountError
from jcm.registry.kind import Context, Decision, Kind
from jcm.registry.permissions import require_admin_of
from jcm.registry.request_base import RequestBase, ident
from jcm.registry.state import State

if TYPE_CHECKING:
    from jcm.registry.journal import Entry

__all__ = ["FREEZE", "UNFREEZE", "FreezeEffects", "FreezeRequest", "UnfreezeRequest"]


@attrs.frozen
class FreezeRequest(RequestBase):
    """Record a disposal restriction (処分の制限) on an account (actor: the Party's admin)."""

    type: ClassVar[str] = "freeze"
    account: str = attrs.field(validator=ident)


@attrs.frozen
class UnfreezeRequest(RequestBase):
    """Release a disposal restriction on an account (actor: the Party's admin)."""

    type: ClassVar[str] = "unfreeze"
    account: str = attrs.field(validator=ident)


@attrs.frozen
class FreezeEffects:
    """The account and whether it is frozen now."""

    account: str
    frozen: bool


def _decide(
    ctx: Context, p: Principal, r: FreezeRequest | UnfreezeRequest
) -> Decision[FreezeEffects]:
    account = ctx.state.accounts.get(r.account)
    if account is None:
        raise UnknownAccountError(
            f"{r.type}: no account {r.account!r}", field="account", value=r.account
        )
    require_admin_of(p, account.party, r.type)
    freeze = r.type == "freeze"
    if account.frozen == freeze:
        raise RegistryError(
            f"{r.type}: account {account.id!r} is {'already' if freeze else 'not'} frozen",
            code="ALREADY_FROZEN" if freeze else "NOT_FROZEN",
            field="account",
            value=account.id,
        )
    return Decision(FreezeEffects(account.id, freeze))


def _apply(state: State, e: FreezeEffects, _entry: Entry) -> None:
    state.set(state.accounts, e.account, attrs.evolve(state.accounts[e.account], frozen=e.frozen))


_ADMIN: Final = frozenset({Role.REGISTRY_ADMINISTRATOR})

FREEZE: Final = Kind("freeze", FreezeRequest, FreezeEffects, _ADMIN, _decide, _apply)
UNFREEZE: Final = Kind("unfreeze", UnfreezeRequest, FreezeEffects, _ADMIN, _decide, _apply)
