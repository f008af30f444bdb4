"""Certificates of account records (書面の交付; rules.md §4.2 [P], ORD-REC excerpt).

An account holder may ask for a certified statement of its own account's records: the account,
its holder and kind, whether a disposal restriction is recorded, and every block it holds with
its serials, project and vintage, as of a journal entry. The fee is 1,200 JPY per certificate
(rules.md §5 [SEED]). The block identifiers use the default template of rules.md §4.6, which is
**not** an official JCM format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from jcm.core.account import Account
from jcm.core.credit import CreditBlock
from jcm.core.party import Principal
from jcm.errors import UnknownAccountError
from jcm.registry.kind import Context, Decision, Kind
from jcm.registry.permissions import HOLDING_ROLES, require_holder
from jcm.registry.request_base import RequestBase, ident
from jcm.registry.state import State

if TYPE_CHECKING:
    from jcm.registry.journal import Entry

__all__ = [
    "REQUEST_CERTIFICATE",
    "Certificate",
    "CertificateEffects",
    "RequestCertificateRequest",
]


@attrs.frozen
class Certificate:
    """A statement of one account's records as of a journal entry.

    Parameters
    ----------
    account
        The account.
    blocks
        Every block it holds, by registry and serial.
    as_of
        Time of the journal entry the statement reflects (UTC).
    entry
        Number of that entry (0 for an empty journal).
    """

    account: Account
    blocks: tuple[CreditBlock, ...]
    as_of: dt.datetime | None
    entry: int

    @classmethod
    def of(
        cls,
        account: Account,
        blocks: Iterable[CreditBlock],
        as_of: dt.datetime | None,
        entry: int,
    ) -> Certificate:
        """Build a certificate from an account and its blocks."""
        return cls(account, tuple(blocks), as_of, entry)

    @property
    def balance(self) -> int:
        """Credits held [tCO2e]."""
        return sum(b.quantity for b in self.blocks)

    def to_json(self) -> dict[str, Any]:
        """The certificate as JSON (the ``certificate`` of a ``request_certificate`` receipt)."""
        account = self.account
        return {
            "account": account.id,
            "party": account.party,
            "registry": account.registry,
            "kind": account.kind.value,
            "holder": account.holder,
            "frozen": account.frozen,
            "balance": self.balance,
            "as_of_entry": self.entry,
            "as_of": None if self.as_of is None else self.as_of.isoformat().replace("+00:00", "Z"),
            "holdings": [
                {
                    "id": b.identifier(),
                    "registry": b.registry,
                    "project": b.project,
                    "host_party": b.host_party,
                    "vintage": b.vintage,
                    "serials": [b.serials.start, b.serials.end],
                    "quantity": b.quantity,
                    "issued_on": b.issued_on.isoformat(),
                }
                for b in self.blocks
            ],
        }

    def render(self) -> str:
        """The certificate as aligned text, one line per block."""
        account = self.account
        lines = [
            "Certificate of account records (書面の交付)",
            f"account   {account.id}",
            f"registry  {account.registry} ({account.party})",
            f"kind      {account.kind.value}",
            f"holder    {account.holder}",
            f"frozen    {'yes' if account.frozen else 'no'}",
            f"as of     entry {self.entry}"
            + ("" if self.as_of is None else f", {self.as_of.isoformat()}"),
            f"balance   {self.balance} tCO2e",
        ]
        if self.blocks:
            rows = [
                (b.identifier(), b.project, str(b.vintage), f"{b.serials}", str(b.quantity))
                for b in self.blocks
            ]
            header = ("identifier (not an official format)", "project", "vintage", "serials", "qty")
            widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
            lines.append("")
            lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
            for row in rows:
                lines.append(
                    "  ".join(
                        (c.rjust(w) if i == 4 else c.ljust(w))
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))
                    )
                )
        return "\n".join(lines)


# --------------------------------------------------------------------------- the request


@attrs.frozen
class RequestCertificateRequest(RequestBase):
    """Ask for a certificate of the account's records (書面の交付; actor: its holder)."""

    type: ClassVar[str] = "request_certificate"
    account: str = attrs.field(validator=ident)


@attrs.frozen
class CertificateEffects:
    """The certificate issued (its JSON, :meth:`Certificate.to_json`), as of this entry."""

    account: str
    certificate: dict[str, Any]


def _decide(
    ctx: Context, p: Principal, r: RequestCertificateRequest
) -> Decision[CertificateEffects]:
    state = ctx.state
    account = state.accounts.get(r.account)
    if account is None:
        raise UnknownAccountError(
            f"request_certificate: no account {r.account!r}", field="account", value=r.account
        )
    require_holder(p, account, r.type)
    schedule, rules = ctx.fee_rules(account.party)
    fee = schedule.certificate_fee() if schedule else 0
    certificate = Certificate.of(account, state.holdings[account.id].blocks(), ctx.at, ctx.seq)
    return Decision(CertificateEffects(account.id, certificate.to_json()), fee, rules)


def _apply(_state: State, _e: CertificateEffects, _entry: Entry) -> None:
    return None  # a statement changes nothing but the fees, which the fold books


REQUEST_CERTIFICATE: Final = Kind(
    "request_certificate",
    RequestCertificateRequest,
    CertificateEffects,
    HOLDING_ROLES,
    _decide,
    _apply,
)
