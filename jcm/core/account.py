"""Accounts of a Party's JCM registry and their kinds.

Japan's registry ordinance (ORD-REG Art. 2 and 3, rules.md §4.2 [P]) splits accounts into
government holding accounts — among them the retirement account (無効化口座) and the cancellation
account (取消口座) — and entity holding accounts (法人等保有口座). Credits that enter a retirement
or cancellation account never leave it (rules.md §4.5 invariant 3 [I]): those kinds are
**terminal**.
"""

from __future__ import annotations

import enum

import attrs

from jcm.core.validators import identifier, party_code

__all__ = ["Account", "AccountKind"]


class AccountKind(enum.Enum):
    """The kind of a registry account (rules.md §4.2 [P] ORD-REG Art. 2, 3)."""

    ENTITY_HOLDING = "entity_holding"
    """法人等保有口座: held by a legal person (domestic or foreign) or a project implementer."""
    GOVERNMENT_HOLDING = "government_holding"
    """政府保有口座 (その他): the government's general holding account."""
    RETIREMENT = "retirement"
    """無効化口座: credits used toward the Party's NDC; terminal."""
    CANCELLATION = "cancellation"
    """取消口座: credits made non-transferable for any other purpose; terminal."""

    @property
    def terminal(self) -> bool:
        """True for retirement and cancellation accounts, which can never be debited."""
        return self in _TERMINAL

    @property
    def government(self) -> bool:
        """True for every government account (all kinds but entity holding), ORD-REG Art. 2."""
        return self is not AccountKind.ENTITY_HOLDING


_TERMINAL = frozenset({AccountKind.RETIREMENT, AccountKind.CANCELLATION})


@attrs.frozen
class Account:
    """An account in one Party's registry (rules.md §4.2 [P]).

    Parameters
    ----------
    id
        The account id, unique across every registry of the engine.
    party
        ISO alpha-3 code of the Party whose registry keeps the account.
    registry
        Id of that registry (``"JPN01"``).
    kind
        Its :class:`AccountKind`.
    holder
        Id of the principal who holds it; only the holder may debit it (Act Art. 57-11(2) [P]).
    frozen
        True while a disposal restriction (処分の制限) is recorded; no debit is allowed
        (rules.md §4.2, CWL-1949 [S]).
    """

    id: str = attrs.field(validator=identifier)
    party: str = attrs.field(validator=party_code)
    registry: str = attrs.field(validator=identifier)
    kind: AccountKind = attrs.field(validator=attrs.validators.instance_of(AccountKind))
    holder: str = attrs.field(validator=identifier)
    frozen: bool = False

    @property
    def terminal(self) -> bool:
        """True when credits can never leave the account (retirement, cancellation)."""
        return self.kind.terminal
