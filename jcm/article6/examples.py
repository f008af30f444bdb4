"""Worked examples of docs/rules.md as data: the §9.6 AEF scenario, scenario 12, the §9.3 table.

The §9.6 scenario and scenario 12 are built as real registries, request by request through
:meth:`jcm.registry.Registry.submit_batch` (an import of dated history by the operator), so their
reports are folds of what the engine recorded, exactly as for any registry. They serve the tests,
the documentation and the demo alike. The identifiers (``CA0099``, ``MNG-JCM-2024-001``) are the
illustrative values of docs/rules.md §9.6, not official ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from jcm.article6.adjustment import CreditPosition, Location
from jcm.article6.aef import AefReport, AuthorizationRow
from jcm.article6.view import aef_bundle
from jcm.core.authorization import Authorization, Purpose
from jcm.registry.engine import Registry

__all__ = [
    "MNG_AUTH",
    "known_authorizations",
    "report",
    "scenario_12_registry",
    "section_9_3_positions",
    "section_9_6_registry",
]

D = dt.date

MNG_AUTH: Final = Authorization(
    "MNG-JCM-2024-001",
    "MNG",
    "MN010",
    frozenset({2023}),
    frozenset({Purpose.NDC}),
    date=D(2024, 11, 1),
    sectors=("Energy generation",),
    activity_types=("Solar",),
)
"""Mongolia's authorization of MN010, vintage 2023, for NDC use (docs/rules.md §9.6)."""

_PERIOD: Final = {"start": "2023-01-01", "end": "2023-12-31"}


def _at(day: str, n: int = 0) -> str:
    return f"{day}T00:00:{n:02d}Z"


def _world(allocation: Sequence[tuple[str, str, str]], quantity: int) -> list[dict[str, Any]]:
    """The parties, principals, accounts and the project cycle of MN010 up to the decision."""
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("operator", "add_party",
         {"party": "JPN", "registry_id": "JPN01", "administrator": "jcma"}),
        ("operator", "add_party",
         {"party": "MNG", "registry_id": "MNG01", "administrator": "mng"}),
        ("operator", "add_principal",
         {"principal": "jc-mn", "role": "joint_committee", "party": "MNG"}),
        ("operator", "add_principal",
         {"principal": "pp", "role": "project_participant", "party": "MNG"}),
        ("operator", "add_principal",
         {"principal": "tpe", "role": "third_party_entity", "party": "MNG"}),
    ]  # fmt: skip
    accounts = {a for _p, a, _s in allocation} | {"JPN-RET", "JPN-CAN", "JPN-GOV", "MNG-GOV"}
    for account in sorted(accounts):
        party = account[:3]
        kind = {"RET": "retirement", "CAN": "cancellation"}.get(account[4:], "government_holding")
        admin = "jcma" if party == "JPN" else "mng"
        steps.append(
            (admin, "open_account",
             {"account": account, "party": party, "kind": kind, "holder": admin})
        )  # fmt: skip
    shares = [{"party": p, "account": a, "share": s} for p, a, s in allocation]
    steps += [
        ("pp", "submit_pin", {"project": "MN010", "partner": "MNG", "title": "Solar PV in Tuv",
                              "sector": "energy", "participants": ["pp"]}),
        ("jc-mn", "decide_no_objection", {"project": "MN010"}),
        ("pp", "submit_pdd", {"project": "MN010", "methodology": "MN_AM003",
                              "methodology_version": "2.0", "allocation": shares,
                              "crediting_period": {"start": "2023-01-01", "end": "2030-12-31"}}),
        ("jc-mn", "start_public_input", {"project": "MN010", "on": "2024-01-02"}),
        ("jc-mn", "close_public_input", {"project": "MN010", "on": "2024-02-01"}),
        ("tpe", "submit_validation_report", {"project": "MN010", "positive": True}),
        ("jc-mn", "register_project", {"project": "MN010"}),
        ("pp", "submit_monitoring_report", {"project": "MN010", "period": _PERIOD}),
        ("tpe", "submit_verification_report",
         {"project": "MN010", "period": _PERIOD, "verified_reductions": quantity}),
        ("pp", "request_issuance", {"project": "MN010", "period": _PERIOD}),
        ("jc-mn", "decide_issuance",
         {"project": "MN010", "period": _PERIOD, "quantities_by_vintage": {"2023": quantity}}),
    ]  # fmt: skip
    return [
        {"type": kind, "actor": actor, "at": _at("2024-06-01", n), **fields}
        for n, (actor, kind, fields) in enumerate(steps)
    ]


def _authorizations() -> list[dict[str, Any]]:
    mongolia = {
        "authorization": MNG_AUTH.id,
        "party": "MNG",
        "project": "MN010",
        "vintages": [2023],
        "purposes": ["NDC"],
        "sectors": ["Energy generation"],
        "activity_types": ["Solar"],
    }
    japan = {**mongolia, "authorization": "JPN-JCM-2024-001", "party": "JPN"}
    return [
        {"type": "authorize", "actor": "mng", "at": _at("2024-11-01"), **mongolia},
        {"type": "authorize", "actor": "jcma", "at": _at("2024-11-01", 1), **japan},
    ]


def _built(requests: list[dict[str, Any]]) -> Registry:
    registry = Registry()
    for outcome in registry.submit_batch(requests, import_by="operator"):
        if not outcome.ok:  # pragma: no cover - the examples are sound
            raise AssertionError(outcome.to_json())
    return registry


def section_9_6_registry() -> Registry:
    """docs/rules.md §9.6: 1,000 credits of MN010 (vintage 2023) issued into Mongolia's
    registry on 2025-05-01, authorized for NDC use, first transferred to Japan on 2025-06-10;
    Japan retires 400 on 2026-03-01 toward its 2030 NDC."""
    moves: list[dict[str, Any]] = [
        {"type": "issue", "actor": "mng", "at": _at("2025-05-01"), "project": "MN010",
         "period": _PERIOD, "party": "MNG"},
        {"type": "transfer", "actor": "mng", "at": _at("2025-06-10"), "from": "MNG-GOV",
         "to": "JPN-GOV", "serials": [1, 1000]},
        {"type": "retire", "actor": "jcma", "at": _at("2026-03-01"), "from": "JPN-GOV",
         "serials": [1, 400], "ndc_year": 2030},
    ]  # fmt: skip
    return _built([*_world((("MNG", "MNG-GOV", "100"),), 1000), *_authorizations(), *moves])


def scenario_12_registry() -> Registry:
    """Scenario 12: 10,001 credits issued into Japan's registry as 5001/1000/3000/1000 (§9.1),
    first transferred to Japan by that issuance; 5001 retired on 2026-03-01, 3000 cancelled on
    2026-09-01."""
    allocation = (
        ("JPN", "JPN-GOV", "50"),
        ("JPN", "JPN-PG", "10"),
        ("JPN", "JPN-PPA", "30"),
        ("JPN", "JPN-PPB", "10"),
    )
    moves: list[dict[str, Any]] = [
        {"type": "issue", "actor": "jcma", "at": _at("2025-05-01"), "project": "MN010",
         "period": _PERIOD, "party": "JPN"},
        {"type": "retire", "actor": "jcma", "at": _at("2026-03-01"), "from": "JPN-GOV",
         "serials": [1, 5001], "ndc_year": 2030},
        {"type": "cancel", "actor": "jcma", "at": _at("2026-09-01"), "from": "JPN-PPA",
         "serials": [6002, 9001], "purpose": "voluntary cancellation"},
    ]  # fmt: skip
    return _built([*_world(allocation, 10_001), *_authorizations(), *moves])


def report(registry: Registry, party: str, year: int) -> AefReport:
    """The AEF of ``party`` for ``year`` from ``registry`` (submitted on 10 April of the next)."""
    return aef_bundle(registry, party, year, submitted_on=D(year + 1, 4, 10)).report


def known_authorizations() -> tuple[AuthorizationRow, ...]:
    """Mongolia's Table 2 rows, known to Japan's checks."""
    return (AuthorizationRow.from_authorization(MNG_AUTH),)


def section_9_3_positions() -> tuple[CreditPosition, ...]:
    """The eight blocks A–H of Japan's registry on 2031-03-31 (docs/rules.md §9.3).

    Retirement and first-transfer dates are not in the table; they are chosen so that blocks B
    and C are retired by the end of 2023 (the interim example) and E only in 2031. The retired
    blocks count toward the NDC year of their vintage's period: F (vintage 2031) is retired
    toward 2035 and so never counts in 2021–2030.
    """
    r, c, h = Location.RETIREMENT, Location.CANCELLATION, Location.ENTITY_HOLDING
    rows = (
        ("A", "MNG", 2019, 50_000, r, D(2021, 5, 1)),
        ("B", "MNG", 2021, 100_000, r, D(2022, 6, 1)),
        ("C", "VNM", 2022, 150_000, r, D(2023, 3, 1)),
        ("D", "MNG", 2025, 250_000, r, D(2026, 7, 1)),
        ("E", "VNM", 2030, 500_000, r, D(2031, 2, 1)),
        ("F", "MNG", 2031, 10_000, r, D(2031, 3, 1)),
        ("G", "VNM", 2024, 20_000, h, None),
        ("H", "MNG", 2023, 30_000, c, None),
    )
    return tuple(
        CreditPosition(
            host,
            vintage,
            quantity,
            where,
            frozenset() if vintage < 2021 else frozenset({"JPN", host}),
            first_transferred_to="JPN",
            first_transferred_on=D(max(vintage + 1, 2022), 1, 15),
            retired_on=retired,
            label=label,
            ndc_year=None
            if retired is None or vintage < 2021
            else (2030 if vintage <= 2030 else 2035),
        )
        for label, host, vintage, quantity, where, retired in rows
    )
