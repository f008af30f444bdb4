"""What the engine answers: a :class:`Receipt` for an accepted request, a :class:`Rejection` else.

The JSON shapes are those of API.md ("Registry requests")::

    {"ok": true, "entry": 12, "type": "transfer", "fee": 2500, "from": "A", "to": "B", ...}
    {"ok": false, "error": {"code": "NOT_ACCOUNT_HOLDER", "message": "..."}}

A receipt is a function of its journal entry alone (its number, type, fee and effects), so the
first receipt of an idempotent request is given back unchanged, even after the registry was
reopened.
"""

from __future__ import annotations

from typing import Any

import attrs

from jcm.errors import JcmError

__all__ = ["Receipt", "Rejection"]


@attrs.frozen
class Receipt:
    """An accepted request: its journal entry, its fee [JPY] and what the engine resolved.

    Parameters
    ----------
    entry
        The journal entry's number (``seq``).
    type
        The request's type (``"transfer"``).
    fee
        The fee charged to the applicant [JPY] (rules.md §5 [SEED]).
    effects
        What the engine resolved (serials moved, accounts, the certificate, ...), as JSON.
    """

    entry: int
    type: str
    fee: int
    effects: dict[str, Any] = attrs.field(eq=False, hash=False)

    ok = True
    """Always true for a receipt."""

    def to_json(self) -> dict[str, Any]:
        """``{"ok": true, "entry": N, "type": ..., "fee": yen, ...effects}`` (API.md)."""
        return {"ok": True, "entry": self.entry, "type": self.type, "fee": self.fee, **self.effects}


@attrs.frozen
class Rejection:
    """A refused request and why; nothing changed (API.md).

    Parameters
    ----------
    error
        The :class:`jcm.errors.JcmError` that refused it (``.code``, ``.message``).
    """

    error: JcmError = attrs.field(eq=False)

    ok = False
    """Always false for a rejection."""

    @property
    def code(self) -> str:
        """The error code (``NOT_HELD``, ``FROZEN``, ...)."""
        return self.error.code

    def to_json(self) -> dict[str, Any]:
        """``{"ok": false, "error": {"code", "message"}}`` (API.md)."""
        return {"ok": False, "error": {"code": self.error.code, "message": self.error.message}}
