"""Article 6 views of a real registry, and the ``jcm article6`` command (API.md)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from jcm.article6 import view
from jcm.article6.adjustment import corresponding_adjustment
from jcm.article6.shk import ShkReason, shk_report, shk_statement
from jcm.article6.targets import target_progress
from jcm.cli import main
from jcm.registry import Registry

PERIOD = {"start": "2023-01-01", "end": "2023-12-31"}


def _clock() -> Callable[[], dt.datetime]:
    now = [dt.datetime(2025, 6, 1, tzinfo=dt.UTC)]

    def tick() -> dt.datetime:
        now[0] += dt.timedelta(seconds=1)
        return now[0]

    return tick


def _steps() -> list[tuple[dict[str, Any], str]]:
    def r(type_: str, actor: str, **fields: Any) -> tuple[dict[str, Any], str]:
        return {"type": type_, **fields}, actor

    steps = [
        r("add_party", "operator", party="JPN", registry_id="JPN01", administrator="jcma"),
        r("add_party", "operator", party="MNG", registry_id="MNG01", administrator="mng-admin"),
        r("add_principal", "operator", principal="pp-a", role="project_participant", party="JPN"),
        r("add_principal", "operator", principal="jc-mn", role="joint_committee", party="MNG"),
        r("add_principal", "operator", principal="tpe", role="third_party_entity", party="JPN"),
    ]
    for account, kind, holder in (
        ("GOJ", "government_holding", "jcma"),
        ("JPN-RET", "retirement", "jcma"),
        ("JPN-CAN", "cancellation", "jcma"),
        ("PP-A", "entity_holding", "pp-a"),
    ):
        steps.append(
            r("open_account", "jcma", account=account, party="JPN", kind=kind, holder=holder)
        )
    alloc = [
        {"party": "JPN", "account": "GOJ", "share": "50"},
        {"party": "JPN", "account": "PP-A", "share": "50"},
    ]
    steps += [
        r("submit_pin", "pp-a", project="MN010", partner="MNG", title="Solar", sector="energy",
          participants=["pp-a"]),
        r("decide_no_objection", "jc-mn", project="MN010"),
        r("submit_pdd", "pp-a", project="MN010", methodology="MN_AM003",
          methodology_version="1.0", crediting_period={"start": "2023-01-01", "end": "2030-12-31"},
          allocation=alloc),
        r("start_public_input", "jc-mn", project="MN010", on="2024-01-01"),
        r("close_public_input", "jc-mn", project="MN010", on="2024-02-01"),
        r("submit_validation_report", "tpe", project="MN010", positive=True),
        r("register_project", "jc-mn", project="MN010"),
        r("submit_monitoring_report", "pp-a", project="MN010", period=PERIOD),
        r("submit_verification_report", "tpe", project="MN010", period=PERIOD,
          verified_reductions=1000),
        r("request_issuance", "pp-a", project="MN010", period=PERIOD),
        r("decide_issuance", "jc-mn", project="MN010", period=PERIOD,
          quantities_by_vintage={"2023": 1000}),
        r("authorize", "jcma", authorization="JP-1", party="JPN", project="MN010",
          vintages=[2023], purposes=["NDC"]),
        r("authorize", "mng-admin", authorization="MN-1", party="MNG", project="MN010",
          vintages=[2023], purposes=["NDC"]),
        r("issue", "jcma", project="MN010", period=PERIOD, party="JPN"),
        r("retire", "pp-a", **{"from": "PP-A"}, quantity=200),
    ]  # fmt: skip
    return steps


def _fill(reg: Registry) -> Registry:
    for request, actor in _steps():
        reg.submit(request, actor=actor)
    return reg


@pytest.fixture
def registry() -> Registry:
    """A registry where Japan's share of 1,000 MN010 credits was issued and 200 retired."""
    return _fill(Registry(clock=_clock()))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The same registry in a SQLite file."""
    path = tmp_path / "reg.sqlite"
    with Registry.open(path, clock=_clock()) as reg:
        _fill(reg)
    return path


def test_issuance_into_japan_is_the_first_transfer(registry: Registry) -> None:
    """Reads the issuance of authorized credits into JPN01 as their first transfer to Japan."""
    actions = view.actions(registry)
    kinds = [(a.reporting_party, a.type.value) for a in actions]
    assert kinds.count(("MNG", "First transfer")) == 2
    assert kinds.count(("JPN", "Acquisition")) == 2
    assert kinds[-1] == ("JPN", "Use")
    assert (actions[-1].quantity, actions[-1].ndc_year) == (200, 2030)


def test_japan_adjustment_from_the_registry(registry: Registry) -> None:
    """Counts the 200 retired credits: 20 for Japan and Mongolia, interim 2025 = 200/5."""
    positions = view.credit_positions(registry)
    jpn = corresponding_adjustment(positions, "JPN", ndcs=view.ndcs(registry))
    assert jpn.adjustment == 20
    assert dict(jpn.by_partner) == {"MNG": 20}
    assert dict(jpn.interim)[2025] == Fraction(200, 5)
    mng = corresponding_adjustment(positions, "MNG", ndcs=view.ndcs(registry))
    assert mng.adjustment == 20


def test_shk_blocks_of_an_account(registry: Registry) -> None:
    """Finds PP-A's remaining 2023 credits eligible by retirement (INTL_COOP_ER)."""
    report = shk_report("PP-A", view.shk_blocks(registry, "PP-A"))
    ((block, decision),) = report.blocks
    assert (block.serials.start, block.serials.end) == (501, 800)
    assert decision.reason is ShkReason.INTL_COOP_ER


def test_aef_bundle_passes_its_checks(registry: Registry) -> None:
    """Builds Japan's 2025 AEF with its context: no error, a warning for the missing sectors."""
    bundle = view.aef_bundle(registry, "JPN", 2025, submitted_on=dt.date(2026, 4, 1))
    assert [h.quantity for h in bundle.report.holdings] == [800]
    problems = bundle.check()
    assert problems.errors == ()
    assert {(p.code, p.field) for p in problems.warnings} == {
        ("C12", "Table 2 Authorizations[0].Sector(s)")
    }


def test_issuances_feed_the_targets(registry: Registry) -> None:
    """Counts the 1,000 issued credits in FY2025."""
    progress = target_progress(view.issuances(registry))
    assert progress.by_fiscal_year == ((2025, 1000, 1000),)


def test_cli_adjustments_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the adjustments JSON of API.md."""
    assert main(["article6", "--db", str(db), "adjustments", "--party", "JPN", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["adjustment"] == "20"
    assert body["ndc_period"] == [2021, 2030]
    assert body["by_partner"] == {"MNG": "20"}
    assert body["interim"]["2025"] == "40"


def test_cli_adjustments_text_rounds_for_display(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Prints the interim 2026 figure 200/6 rounded to 33.33 in the text output."""
    assert main(["article6", "--db", str(db), "adjustments", "--party", "JPN"]) == 0
    assert "2026: 33.33 tCO2e" in capsys.readouterr().out


def test_cli_shk_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the SHK JSON of API.md for an account."""
    assert main(["article6", "--db", str(db), "shk", "--account", "PP-A", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["account"] == "PP-A"
    assert body["blocks"][0]["route"] == "retire"
    assert body["blocks"][0]["issued_on"] == "2025-06-01"


def test_cli_aef_writes_csv_files(db: Path, tmp_path: Path) -> None:
    """Writes the five CSV tables and exits 0 when every check passes."""
    out = tmp_path / "aef"
    code = main(["article6", "--db", str(db), "aef", "--party", "JPN", "--year", "2025",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"aef-JPN-2025-v1.0-table{n}.csv" for n in range(1, 6)]
    table3 = (out / "aef-JPN-2025-v1.0-table3.csv").read_text(encoding="utf-8").splitlines()
    assert table3[0].startswith("Action date,Action type")
    assert len(table3) == 4


def test_cli_aef_json_to_stdout(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the five tables as JSON, with warnings only in its consistency list."""
    args = ["article6", "--db", str(db), "aef", "--party", "MNG", "--year", "2025",
            "--format", "json"]  # fmt: skip
    assert main(args) == 0
    body = json.loads(capsys.readouterr().out)
    assert {p["severity"] for p in body["consistency"]} == {"warning"}
    assert [r["Action type"] for r in body["Table 3 Actions"]].count("First transfer") == 2


def test_cli_missing_file_is_bad_usage(tmp_path: Path) -> None:
    """Exits 2 when the registry file does not exist."""
    assert main(["article6", "--db", str(tmp_path / "none"), "shk", "--account", "A"]) == 2


def test_shk_statement_from_the_registry(registry: Registry) -> None:
    """States PP-A's FY2025 retirement of 200 credits by the retire route."""
    statement = shk_statement("pp-a", 2025, view.shk_uses(registry))
    assert (statement.retired_total, statement.cancelled_total) == (200, 0)
    assert statement.problems == ()
