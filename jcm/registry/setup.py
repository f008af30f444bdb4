"""Setting a registry up: Parties and their registries, principals, accounts.

Three request kinds (docs/api.md, "Registry requests"):

* ``add_party`` (the operator): a Party, its registry id (``JPN01``), its administrator and its
  NDC periods (recorded, default :func:`jcm.core.ndc.ndc_periods_of`);
* ``add_principal`` (the operator, or a Party's administrator for its own Party): a principal with
  a role. Only the operator adds a Joint Committee principal, because a Joint Committee stands
  for both governments and no single Party's administrator may create one (docs/rules.md §2.1 [I]);
* ``open_account`` (the Party's administrator): an account of a kind, held by a principal; an
  entity holding account costs the holder the schedule's fee (docs/rules.md §5 [SEED]).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Final

import attrs

from jcm.core.account import Account, AccountKind
from jcm.core.ndc import NdcPeriod, check_ndc_periods, ndc_periods_of
from jcm.core.party import Principal, Role
from jcm.errors import InvalidValueError, NotAuthorizedError, RegistryError
from jcm.registry.kind import Context, Decision, Kind
from jcm.registry.permissions import require_admin_of
from jcm.registry.request_base import RequestBase, ident, party
from jcm.registry.state import Holdings, PartyRecord, State

if TYPE_CHECKING:
    from jcm.registry.journal import Entry

__all__ = [
    "ADD_PARTY",
    "ADD_PRINCIPAL",
    "OPEN_ACCOUNT",
    "AddPartyEffects",
    "AddPartyRequest",
    "AddPrincipalEffects",
    "AddPrincipalRequest",
    "OpenAccountEffects",
    "OpenAccountRequest",
]

_REGISTRY_ID: Final = re.compile(r"^[A-Z]{3}[0-9]{2}$")
"""A registry id: the Party's code and two digits (``JPN01``; docs/rules.md §7.7)."""

_OP = Role.OPERATOR
_ADMIN = Role.REGISTRY_ADMINISTRATOR


def _rejected(code: str, message: str, field: str, value: object = None) -> RegistryError:
    return RegistryError(message, code=code, field=field, value=value)


# --------------------------------------------------------------------------- add_party


def _periods(value: object) -> tuple[NdcPeriod, ...] | None:
    if value is None:
        return None
    if not isinstance(value, tuple):
        raise InvalidValueError("ndc_periods", value, "must be a list of NDC periods")
    return check_ndc_periods("ndc_periods", value)


@attrs.frozen
class AddPartyRequest(RequestBase):
    """Add a Party and its registry (actor: the operator).

    ``ndc_periods`` ([[first, last], ...] years, in order) defaults to the Party's known periods
    (:func:`jcm.core.ndc.ndc_periods_of`); the entry records them.
    """

    type: ClassVar[str] = "add_party"
    party: str = attrs.field(validator=party)
    registry_id: str = attrs.field(validator=ident)
    administrator: str = attrs.field(validator=ident)
    ndc_periods: tuple[NdcPeriod, ...] | None = attrs.field(default=None, converter=_periods)


@attrs.frozen
class AddPartyEffects:
    """A Party added: its registry, administrator and NDC periods."""

    party: str
    registry: str
    administrator: str
    ndc_periods: tuple[NdcPeriod, ...]


def _decide_add_party(ctx: Context, _p: Principal, r: AddPartyRequest) -> Decision[AddPartyEffects]:
    state = ctx.state
    if not _REGISTRY_ID.match(r.registry_id) or not r.registry_id.startswith(r.party):
        raise InvalidValueError(
            "registry_id", r.registry_id, "must be the Party code and 2 digits, e.g. 'JPN01'"
        )
    if r.party in state.parties:
        raise _rejected("PARTY_EXISTS", f"Party {r.party} is already known", "party", r.party)
    if r.registry_id in state.registries:
        raise _rejected(
            "REGISTRY_EXISTS", f"registry {r.registry_id} exists", "registry_id", r.registry_id
        )
    if r.administrator in state.principals:
        raise _rejected(
            "PRINCIPAL_EXISTS",
            f"principal {r.administrator!r} exists",
            "administrator",
            r.administrator,
        )
    periods = r.ndc_periods or ndc_periods_of(r.party)
    return Decision(AddPartyEffects(r.party, r.registry_id, r.administrator, periods))


def _apply_add_party(state: State, e: AddPartyEffects, _entry: Entry) -> None:
    state.set(
        state.parties, e.party, PartyRecord(e.party, e.registry, e.administrator, e.ndc_periods)
    )
    state.set(state.registries, e.registry, e.party)
    state.set(state.principals, e.administrator, Principal(e.administrator, _ADMIN, e.party))


ADD_PARTY: Final = Kind(
    "add_party",
    AddPartyRequest,
    AddPartyEffects,
    frozenset({_OP}),
    _decide_add_party,
    _apply_add_party,
)


# --------------------------------------------------------------------------- add_principal


@attrs.frozen
class AddPrincipalRequest(RequestBase):
    """Add a principal with a role acting for a Party (actor: operator or the Party's admin)."""

    type: ClassVar[str] = "add_principal"
    principal: str = attrs.field(validator=ident)
    role: Role = attrs.field(validator=attrs.validators.instance_of(Role))
    party: str = attrs.field(validator=party)


@attrs.frozen
class AddPrincipalEffects:
    """A principal added: its id, role and Party."""

    principal: str
    role: Role
    party: str


def _decide_add_principal(
    ctx: Context, p: Principal, r: AddPrincipalRequest
) -> Decision[AddPrincipalEffects]:
    if r.role is Role.OPERATOR:
        raise InvalidValueError("role", r.role.value, "a registry has one operator")
    if p.role is _ADMIN:
        require_admin_of(p, r.party, r.type)
        if r.role is Role.JOINT_COMMITTEE:
            raise NotAuthorizedError(
                f"add_principal: {p.id!r} administers {p.party}'s registry; a Joint Committee "
                "stands for both governments and is added by the operator",
                code="NOT_PERMITTED",
                field="role",
                value=r.role.value,
                rule="only the operator adds a Joint Committee principal (docs/rules.md §2.1 [I])",
            )
    if r.principal in ctx.state.principals:
        raise _rejected(
            "PRINCIPAL_EXISTS", f"principal {r.principal!r} exists", "principal", r.principal
        )
    return Decision(AddPrincipalEffects(r.principal, r.role, r.party))


def _apply_add_principal(state: State, e: AddPrincipalEffects, _entry: Entry) -> None:
    state.set(state.principals, e.principal, Principal(e.principal, e.role, e.party))


ADD_PRINCIPAL: Final = Kind(
    "add_principal",
    AddPrincipalRequest,
    AddPrincipalEffects,
    frozenset({_OP, _ADMIN}),
    _decide_add_principal,
    _apply_add_principal,
)


# --------------------------------------------------------------------------- open_account


@attrs.frozen
class OpenAccountRequest(RequestBase):
    """Open an account in a Party's registry (actor: that Party's administrator)."""

    type: ClassVar[str] = "open_account"
    account: str = attrs.field(validator=ident)
    party: str = attrs.field(validator=party)
    kind: AccountKind = attrs.field(validator=attrs.validators.instance_of(AccountKind))
    holder: str = attrs.field(validator=ident)


@attrs.frozen
class OpenAccountEffects:
    """An account opened; ``fee_payer`` is the holder when the opening costs a fee."""

    account: str
    party: str
    registry: str
    kind: AccountKind
    holder: str
    fee_payer: str | None = None


def _decide_open_account(
    ctx: Context, p: Principal, r: OpenAccountRequest
) -> Decision[OpenAccountEffects]:
    require_admin_of(p, r.party, r.type)
    state = ctx.state
    record = state.parties.get(r.party)
    if record is None:
        raise _rejected("NO_SUCH_PARTY", f"Party {r.party} has no registry here", "party", r.party)
    if r.account in state.accounts:
        raise _rejected("ACCOUNT_EXISTS", f"account {r.account!r} exists", "account", r.account)
    if r.holder not in state.principals:
        raise _rejected(
            "NO_SUCH_PRINCIPAL",
            f"holder {r.holder!r} is not a principal of this registry",
            "holder",
            r.holder,
        )
    schedule, rules = ctx.fee_rules(r.party)
    fee = schedule.open_account_fee(r.kind) if schedule else 0
    effects = OpenAccountEffects(
        r.account, r.party, record.registry_id, r.kind, r.holder, r.holder if fee else None
    )
    return Decision(effects, fee, rules)


def _apply_open_account(state: State, e: OpenAccountEffects, _entry: Entry) -> None:
    account = Account(e.account, e.party, e.registry, e.kind, e.holder)
    state.set(state.accounts, account.id, account)
    state.set(state.holdings, account.id, Holdings())
    if e.kind.terminal and (e.party, e.kind) not in state.terminal_accounts:
        state.set(state.terminal_accounts, (e.party, e.kind), account.id)


OPEN_ACCOUNT: Final = Kind(
    "open_account",
    OpenAccountRequest,
    OpenAccountEffects,
    frozenset({_ADMIN}),
    _decide_open_account,
    _apply_open_account,
)
