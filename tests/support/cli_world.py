"""The command-line tests' world: request files for ``jcm registry apply``, a run's result.

``SETUP`` builds Japan's and Mongolia's registries, the principals and accounts, takes project
MN010 through the cycle, issues Japan's share of 1,000 credits (GOJ 1-500, PP-A 501-1000) and
moves 200 from PP-A to B (so B holds 801-1000). ``ARTICLE6`` is the same history with both
Parties' authorizations before the issuance and a retirement of 200 after it, every request
dated (``"at"``, for ``apply --import``) from 2025-06-01 10:00 UTC one minute apart, so its AEF
is the same on every run. :class:`Run` is what one in-process ``jcm`` run returned. Importable by
every test module (``tests/support`` is on pytest's ``pythonpath``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs

__all__ = ["ARTICLE6", "PERIOD", "SETUP", "Run", "write_requests"]

PERIOD = {"start": "2023-01-01", "end": "2023-12-31"}


def _r(type_: str, actor: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_, "actor": actor, **fields}


_CYCLE = [
    _r("add_party", "operator", party="JPN", registry_id="JPN01", administrator="jcma"),
    _r("add_party", "operator", party="MNG", registry_id="MNG01", administrator="mng-admin"),
    _r("add_principal", "operator", principal="pp-a", role="project_participant", party="JPN"),
    _r("add_principal", "operator", principal="jc-mn", role="joint_committee", party="MNG"),
    _r("add_principal", "operator", principal="tpe", role="third_party_entity", party="JPN"),
    _r("add_principal", "jcma", principal="b", role="account_holder", party="JPN"),
    _r("open_account", "jcma", account="GOJ", party="JPN", kind="government_holding",
       holder="jcma"),
    _r("open_account", "jcma", account="JPN-RET", party="JPN", kind="retirement", holder="jcma"),
    _r("open_account", "jcma", account="PP-A", party="JPN", kind="entity_holding", holder="pp-a"),
    _r("open_account", "jcma", account="B", party="JPN", kind="entity_holding", holder="b"),
    _r("submit_pin", "pp-a", project="MN010", partner="MNG", title="Solar", sector="energy",
       participants=["pp-a"]),
    _r("decide_no_objection", "jc-mn", project="MN010"),
    _r("submit_pdd", "pp-a", project="MN010", methodology="MN_AM003", methodology_version="1.0",
       crediting_period={"start": "2023-01-01", "end": "2030-12-31"},
       allocation=[{"party": "JPN", "account": "GOJ", "share": "50"},
                   {"party": "JPN", "account": "PP-A", "share": "50"}]),
    _r("start_public_input", "jc-mn", project="MN010", on="2024-01-01"),
    _r("close_public_input", "jc-mn", project="MN010", on="2024-02-01"),
    _r("submit_validation_report", "tpe", project="MN010", positive=True),
    _r("register_project", "jc-mn", project="MN010"),
    _r("submit_monitoring_report", "pp-a", project="MN010", period=PERIOD),
    _r("submit_verification_report", "tpe", project="MN010", period=PERIOD,
       verified_reductions=1000),
    _r("request_issuance", "pp-a", project="MN010", period=PERIOD),
    _r("decide_issuance", "jc-mn", project="MN010", period=PERIOD,
       quantities_by_vintage={"2023": 1000}),
]  # fmt: skip

_ISSUE = _r("issue", "jcma", project="MN010", period=PERIOD, party="JPN")
_TRANSFER = _r("transfer", "pp-a", **{"from": "PP-A", "to": "B", "quantity": 200})

SETUP: list[dict[str, Any]] = [*_CYCLE, _ISSUE, _TRANSFER]
"""The registry of ``tests/registry/test_cli.py``: GOJ 1-500, PP-A 501-800, B 801-1000."""


def _dated(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    start = dt.datetime(2025, 6, 1, 10, tzinfo=dt.UTC)
    return [
        {**r, "at": (start + dt.timedelta(minutes=i)).isoformat().replace("+00:00", "Z")}
        for i, r in enumerate(requests)
    ]


_AUTHORIZE = [
    _r("authorize", admin, authorization=auth, party=party, project="MN010", vintages=[2023],
       purposes=["NDC"], sectors=["Energy generation"])
    for admin, auth, party in (("jcma", "JP-1", "JPN"), ("mng-admin", "MN-1", "MNG"))
]  # fmt: skip

ARTICLE6: list[dict[str, Any]] = _dated(
    [*_CYCLE, *_AUTHORIZE, _ISSUE, _r("retire", "pp-a", **{"from": "PP-A", "quantity": 200})]
)
"""Authorized, issued on 2025-06-01 and 200 retired toward Japan's NDC; for ``--import``."""


def write_requests(path: Path, requests: list[dict[str, Any]]) -> Path:
    """Write ``requests`` as JSON lines to ``path``; return ``path``."""
    path.write_text("".join(json.dumps(r) + "\n" for r in requests), encoding="utf-8")
    return path


@attrs.frozen
class Run:
    """What one ``jcm`` run returned and wrote."""

    status: int
    out: str
    err: str

    def json(self) -> Any:
        """Stdout read as one JSON document."""
        return json.loads(self.out)
