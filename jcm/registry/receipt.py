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
    """An accepted request: its journal entry, its fee [JPY] and what the engine decided.

    Parameters
    ----------
    entry
        The journal entry's number (``seq``).
    type
        The request's type (``"transfer"``).
    fee
        The fee charged to the applicant [JPY] (docs/rules.md §5 [SEED]).
    record
        What the engine decided: the entry's typed effects (:mod:`jcm.registry.kind`).
    """

    entry: int
    type: str
    fee: int
    record: Any = attrs.field(eq=False, hash=False)

    ok = True
    """Always true for a receipt."""

    @property
    def effects(self) -> dict[str, Any]:
        """What the engine decided (serials moved, accounts, the certificate, ...), as JSON."""
        from jcm.registry.journal import effects_json  # noqa: PLC0415 (journal imports state)
        from jcm.registry.kinds import KINDS  # noqa: PLC0415

        if isinstance(self.record, dict):  # a format-1 entry's effects
            return dict(self.record)
        return effects_json(KINDS[self.type], self.record)

    def to_json(self) -> dict[str, Any]:
        """``{"ok": true, "entry": N, "type": ..., "fee": yen, ...effects}`` (docs/api.md)."""
        return {"ok": True, "entry": self.entry, "type": self.type, "fee": self.fee, **self.effects}


@attrs.frozen
class Rejection:
    """A refused request and why; nothing changed (docs/api.md).

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
        """``{"ok": false, "error": {"code", "message"}}`` (docs/api.md)."""
        return {"ok": False, "error": {"code": self.error.code, "message": self.error.message}}
