"""A small registry world shared by the registry tests (docs/rules.md §11 scenarios start from it).

Japan's registry ``JPN01`` (administrator ``jcma``) and Mongolia's ``MNG01`` (``mng-admin``), a
Joint Committee for Mongolia, a third-party entity, principals and accounts, and a registered
project whose monitoring period has a Joint Committee issuance decision. Importable by every test
module (``tests/support`` is on pytest's ``pythonpath``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from jcm.core.ruleset import DEFAULT_RULESETS, Rulesets
from jcm.errors import JcmError
from jcm.registry import Registry

PERIOD = {"start": "2023-01-01", "end": "2023-12-31"}


class Clock:
    """A clock that advances one second per reading, from 2025-06-01 (after the fee schedule)."""

    def __init__(self, start: dt.datetime = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def req(type_: str, actor: str, **fields: Any) -> tuple[dict[str, Any], str]:
    """A request of ``type_`` with ``fields``, and its actor."""
    return {"type": type_, **fields}, actor


def world(
    allocation: Sequence[tuple[str, str, str]] = (("JPN", "GOJ", "50"), ("JPN", "PP-A", "50")),
    quantities: dict[str, int] | None = None,
    *,
    project: str = "MN010",
    period: dict[str, str] = PERIOD,
    authorize: bool = True,
    rulesets: Rulesets = DEFAULT_RULESETS,
    crediting_end: str = "2030-12-31",
) -> Registry:
    """A registry with both Parties, principals, accounts and a decided issuance of ``project``."""
    reg = Registry(clock=Clock(), rulesets=rulesets)
    quantities = quantities or {"2023": 1000}
    verified = sum(quantities.values())
    vintages = [int(y) for y in quantities]
    steps = [
        req("add_party", "operator", party="JPN", registry_id="JPN01", administrator="jcma"),
        req("add_party", "operator", party="MNG", registry_id="MNG01", administrator="mng-admin"),
        req("add_principal", "operator", principal="pp-a", role="project_participant", party="JPN"),
        req("add_principal", "operator", principal="jc-mn", role="joint_committee", party="MNG"),
        req("add_principal", "operator", principal="tpe", role="third_party_entity", party="JPN"),
    ]
    for holder in ("b", "c", "d", "x", "pp-b"):
        steps.append(
            req("add_principal", "jcma", principal=holder, role="account_holder", party="JPN")
        )
    accounts = [
        ("GOJ", "JPN", "government_holding", "jcma"),
        ("JPN-RET", "JPN", "retirement", "jcma"),
        ("JPN-CAN", "JPN", "cancellation", "jcma"),
        ("PP-A", "JPN", "entity_holding", "pp-a"),
        ("PP-B", "JPN", "entity_holding", "pp-b"),
        ("B", "JPN", "entity_holding", "b"),
        ("C", "JPN", "entity_holding", "c"),
        ("D", "JPN", "entity_holding", "d"),
        ("MNG-GOV", "MNG", "government_holding", "mng-admin"),
        ("MNG-RET", "MNG", "retirement", "mng-admin"),
        ("MNG-CAN", "MNG", "cancellation", "mng-admin"),
    ]
    for account, party, kind, holder in accounts:
        admin = "jcma" if party == "JPN" else "mng-admin"
        steps.append(
            req("open_account", admin, account=account, party=party, kind=kind, holder=holder)
        )
    shares = [{"party": p, "account": a, "share": s} for p, a, s in allocation]
    crediting = {"start": period["start"], "end": crediting_end}
    steps += [
        req("submit_pin", "pp-a", project=project, partner="MNG", title="Solar", sector="energy",
          participants=["pp-a"]),
        req("decide_no_objection", "jc-mn", project=project),
        req("submit_pdd", "pp-a", project=project, methodology="MN_AM003",
          methodology_version="1.0", crediting_period=crediting, allocation=shares),
        req("start_public_input", "jc-mn", project=project, on="2024-01-01"),
        req("close_public_input", "jc-mn", project=project, on="2024-02-01"),
        req("submit_validation_report", "tpe", project=project, positive=True),
        req("register_project", "jc-mn", project=project),
        req("submit_monitoring_report", "pp-a", project=project, period=period),
        req("submit_verification_report", "tpe", project=project, period=period,
          verified_reductions=verified),
        req("request_issuance", "pp-a", project=project, period=period),
        req("decide_issuance", "jc-mn", project=project, period=period,
          quantities_by_vintage=quantities),
    ]  # fmt: skip
    if authorize:
        for name, party, admin in (("JP-1", "JPN", "jcma"), ("MN-1", "MNG", "mng-admin")):
            steps.append(
                req("authorize", admin, authorization=name, party=party, project=project,
                  vintages=vintages, purposes=["NDC"])
            )  # fmt: skip
    for request, actor in steps:
        reg.submit(request, actor=actor)
    return reg


def issue(reg: Registry, party: str = "JPN", *, project: str = "MN010") -> dict[str, Any]:
    """Issue ``party``'s share of the decided issuance; return the receipt's JSON."""
    admin = "jcma" if party == "JPN" else "mng-admin"
    request = {"type": "issue", "project": project, "period": PERIOD, "party": party}
    return reg.submit(request, actor=admin).to_json()


def serials(reg: Registry, account: str) -> list[tuple[int, int]]:
    """The serial ranges an account holds."""
    return [(b.serials.start, b.serials.end) for b in reg.holdings(account)]


def fingerprint(reg: Registry) -> tuple[Any, ...]:
    """What a refused request must leave unchanged: journal, holdings, accounts, fees, cycle."""
    holdings = {a: reg.holdings(a) for a in reg.balances()}
    cycle = (dict(reg.state.projects), dict(reg.state.periods))
    return (reg.last_entry, len(reg.store), holdings, reg.accounts(), reg.fees_paid(), cycle)


def code_of(reg: Registry, request: dict[str, Any], actor: str) -> str:
    """Submit a request that must be rejected; check nothing changed; return the code."""
    before = fingerprint(reg)
    with pytest.raises(JcmError) as info:
        reg.submit(request, actor=actor)
    assert fingerprint(reg) == before
    return info.value.code
