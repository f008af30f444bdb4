"""One truth: the journal records what was decided, and every report is a fold of it.

The regressions of the issue "One truth" (each once broke a registry for good), the reader of
format-1 journals, and replays that no configuration of today can change.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from registry_world import Clock, code_of, issue, world

from jcm.article6 import view
from jcm.article6.adjustment import corresponding_adjustment
from jcm.core.fees import FeeSchedule
from jcm.core.ruleset import DEFAULT_RULESETS, Ruleset
from jcm.errors import JcmError
from jcm.registry import Registry
from jcm.registry.store import MemoryStore, SqliteStore

DATA = Path(__file__).resolve().parents[1] / "data"
P31 = {"start": "2031-01-01", "end": "2031-12-31"}


def _reports_succeed(reg: Registry) -> None:
    """Every report of every Party and year with entries, both exports and verify succeed."""
    from jcm.exports import cadt_json, offsetsdb_csv

    years = sorted({e.at.year for e in reg.entries()})
    positions = {p.party: view.credit_positions(reg, p.party) for p in reg.parties()}
    for party in positions:
        corresponding_adjustment(positions["JPN"], party, ndcs=view.ndcs(reg))
        for year in years:
            bundle = view.aef_bundle(reg, party, year, submitted_on=dt.date(2032, 4, 1))
            assert [p.code for p in bundle.check().problems if p.severity.value == "error"] == []
    for account in reg.accounts():
        view.shk_blocks(reg, account.id)
    view.shk_uses(reg)
    offsetsdb_csv(reg)
    cadt_json(reg)
    assert reg.verify() == ()


def test_a_vintage_2031_retired_toward_2035_counts_in_the_second_period_only() -> None:
    """Accepts vintage 2031 toward 2035: 2021-2030 stays 0, 2031-2035 gets 500/5 = 100."""
    reg = world(period=P31, quantities={"2031": 1000}, crediting_end="2035-12-31")
    reg.submit({"type": "issue", "project": "MN010", "period": P31, "party": "JPN"}, "jcma")
    for auth in reg.authorizations():  # the world authorizes 2031 only through new versions
        assert auth.vintages == frozenset({2031})
    receipt = reg.submit(
        {"type": "retire", "from": "PP-A", "quantity": 500, "ndc_year": 2035}, "pp-a"
    ).to_json()
    assert (receipt["ndc_year"], receipt["ndc_period"]) == (2035, [2031, 2035])
    positions = view.credit_positions(reg)
    first = corresponding_adjustment(positions, "JPN", ndcs=view.ndcs(reg), year=2030)
    second = corresponding_adjustment(positions, "JPN", ndcs=view.ndcs(reg), year=2035)
    assert (first.adjustment, second.adjustment) == (0, 100)
    assert dict(second.by_partner) == {"MNG": 100}
    _reports_succeed(reg)


def test_a_retirement_without_ndc_year_counts_toward_its_vintages_period() -> None:
    """Defaults the NDC year of vintage 2031 credits to 2035, the end of their period."""
    reg = world(period=P31, quantities={"2031": 100}, crediting_end="2035-12-31")
    reg.submit({"type": "issue", "project": "MN010", "period": P31, "party": "JPN"}, "jcma")
    retire = reg.submit({"type": "retire", "from": "PP-A", "quantity": 10}, "pp-a").to_json()
    assert (retire["ndc_year"], retire["ndc_period"]) == (2035, [2031, 2035])


def test_oimp_credits_cannot_cross_registries_before_their_use_and_reports_agree() -> None:
    """Refuses NOT_FIRST_TRANSFERRED in the engine; every report of the history still runs."""
    reg = world(allocation=(("MNG", "MNG-GOV", "100"),), authorize=False)
    issue(reg, "MNG")
    reg.submit(
        {"type": "authorize", "authorization": "MN-OIMP", "party": "MNG", "project": "MN010",
         "vintages": [2023], "purposes": ["OIMP"], "oimp": "use under CORSIA",
         "first_transfer_definition": "Use or Cancellation"},
        "mng-admin",
    )  # fmt: skip
    move = {"type": "transfer", "from": "MNG-GOV", "to": "GOJ", "quantity": 10}
    assert code_of(reg, move, "mng-admin") == "NOT_FIRST_TRANSFERRED"
    reg.submit(
        {"type": "cancel", "from": "MNG-GOV", "quantity": 10, "purpose": "CORSIA"}, "mng-admin"
    )
    _reports_succeed(reg)


def test_reopening_with_a_later_ruleset_changes_nothing_of_the_past(tmp_path: Path) -> None:
    """Opens, replays and verifies clean a registry whose PDD closed after 30 days under 45."""
    path = tmp_path / "registry.sqlite"
    with Registry.open(path, clock=Clock()) as reg:
        for request, actor in _world_requests():
            reg.submit(request, actor=actor)
        closed = next(e for e in reg.entries() if e.type == "close_public_input")
        assert dict(closed.rules.periods) == {"pdd_public_input_days": 30}
        before = reg.balances(), reg.state.projects, reg.state.last_hash
        paid = reg.fees_paid("pp-a")
    later = DEFAULT_RULESETS.with_ruleset(
        Ruleset(partner="MNG", version="2040", pdd_public_input_days=45)
    )
    fees = (FeeSchedule(dt.date(2025, 4, 1), transfer=9_999),)
    with Registry.open(path, rulesets=later, fee_schedules=fees) as again:
        assert again.damage == ()
        assert again.verify() == ()
        assert (again.balances(), again.state.projects, again.state.last_hash) == before
        assert again.fees_paid("pp-a") == paid == 14_400 + 2_500  # as recorded, not 9,999
        receipt = again.submit(
            {"type": "transfer", "from": "PP-A", "to": "B", "quantity": 1}, "pp-a"
        )
        assert receipt.fee == 9_999  # new requests use today's schedule


def _world_requests() -> list[tuple[dict[str, Any], str]]:
    reg = world()
    issue(reg, "JPN")
    reg.submit({"type": "transfer", "from": "PP-A", "to": "B", "quantity": 5}, "pp-a")
    return [(dict(e.request), e.actor) for e in reg.entries()]


@pytest.mark.parametrize("account", [" ", "A\u202eB", "x" * 200, "a\nb", "A "])
def test_a_bad_account_id_is_refused_and_nothing_is_appended(account: str) -> None:
    """Refuses INVALID_IDENTIFIER naming the account; the journal and a reopen stay sound."""
    reg = world()
    entries = reg.last_entry
    request = {"type": "open_account", "account": account, "party": "JPN",
               "kind": "entity_holding", "holder": "b"}  # fmt: skip
    with pytest.raises(JcmError) as info:
        reg.submit(request, "jcma")
    assert (info.value.code, info.value.field) == ("INVALID_IDENTIFIER", "$.account")
    assert reg.last_entry == entries
    again = Registry(reg.store)
    assert again.damage == ()
    assert again.verify() == ()


def test_an_issuance_beyond_the_authorized_quantity_issues_the_excess_uncovered() -> None:
    """Issues 600 as ITMOs under a cap of 600 and 400 uncovered; the AEF stays consistent."""
    reg = world(quantities={"2023": 1000}, authorize=False)
    reg.submit(
        {"type": "authorize", "authorization": "JP-1", "party": "JPN", "project": "MN010",
         "vintages": [2023], "purposes": ["NDC"], "sectors": ["Energy generation"],
         "activity_types": ["Solar"]},
        "jcma",
    )  # fmt: skip
    reg.submit(
        {"type": "authorize", "authorization": "MN-1", "party": "MNG", "project": "MN010",
         "vintages": [2023], "purposes": ["NDC"], "authorized_quantity": 600,
         "sectors": ["Energy generation"], "activity_types": ["Solar"]},
        "mng-admin",
    )  # fmt: skip
    receipt = issue(reg, "JPN")
    assert [
        (b["account"], b["first"], b["last"], b["cover"] is not None) for b in receipt["blocks"]
    ] == [
        ("GOJ", 1, 500, True),
        ("PP-A", 501, 600, True),
        ("PP-A", 601, 1000, False),
    ]
    assert reg.state.covered == {"MN-1": 600}
    assert (
        code_of(reg, {"type": "retire", "from": "PP-A", "quantity": 10}, "pp-a") == "NOT_AUTHORIZED"
    )
    named = {"type": "retire", "from": "PP-A", "serials": [501, 600]}
    assert reg.submit(named, "pp-a").ok
    jpn = view.aef_bundle(reg, "JPN", 2025, submitted_on=dt.date(2026, 4, 15))
    assert sum(a.quantity for a in jpn.report.actions if a.action_type == "Acquisition") == 600
    assert jpn.check().codes() == ()
    _reports_succeed(reg)


def test_retirement_reads_the_version_the_credits_were_decided_under() -> None:
    """Retires credits first transferred under version 1 after version 2 narrowed the Parties."""
    reg = world()
    issue(reg, "JPN")
    reg.submit(
        {"type": "authorize", "authorization": "MN-1", "party": "MNG", "project": "MN010",
         "vintages": [2023], "purposes": ["NDC"], "version": 2, "authorized_parties": ["KOR"]},
        "mng-admin",
    )  # fmt: skip
    retire = reg.submit({"type": "retire", "from": "PP-A", "quantity": 10}, "pp-a").to_json()
    assert {i["cover"]["version"] for i in retire["itmos"]} == {1}
    (use,) = [u for u in view.shk_uses(reg) if u.route.value == "retire"]
    assert use.block.authorized_by == frozenset({"JPN", "MNG"})


# --------------------------------------------------------------------------- format 1


def _load_v1(name: str) -> tuple[MemoryStore, dict[str, Any]]:
    store = MemoryStore()
    store.set_meta("operator", "operator")
    rows = [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text().splitlines()]
    store._rows.extend((r["seq"], r["body"], r["prev_hash"], r["hash"]) for r in rows)
    expected = json.loads((DATA / f"{name}.expected.json").read_text())
    return store, expected


@pytest.mark.parametrize("name", ["journal-v1-demo", "journal-v1-world"])
def test_a_format_1_journal_opens_replays_and_verifies(name: str) -> None:
    """Reads a journal written by jcm 0.1 (format 1): same balances, totals, fees, tip hash."""
    store, expected = _load_v1(name)
    reg = Registry(store)
    assert reg.damage == ()
    assert reg.verify() == ()
    assert reg.balances() == expected["balances"]
    issued = {f"{r}/{p}/{v}": q for (r, p, v), q in reg.issued().items()}
    assert issued == expected["issued"]
    assert {p: reg.fees_paid(p) for p in reg.state.principals if reg.fees_paid(p)} == expected[
        "fees"
    ]
    assert (reg.last_entry, reg.tip_hash) == (expected["entries"], expected["tip_hash"])
    assert {e.version for e in store.entries()} == {1}
    assert all(e.version == 2 for e in reg.entries())  # read into today's records
    _reports_succeed(reg)


def test_a_format_1_journal_keeps_growing_in_format_2(tmp_path: Path) -> None:
    """Appends format-2 entries after a format-1 prefix; the file reopens and verifies."""
    store, expected = _load_v1("journal-v1-world")
    path = tmp_path / "old.sqlite"
    sqlite = SqliteStore(path)
    sqlite.set_meta("operator", "operator")
    sqlite.append(list(store.entries()))
    with Registry(sqlite, clock=Clock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))) as reg:
        reg.submit({"type": "transfer", "from": "B", "to": "C", "quantity": 10}, "b")
    with Registry.open(path) as again:
        assert again.verify() == ()
        assert again.balance("C") == expected["balances"]["C"] + 10
        assert [e.version for e in again.store.entries()][-2:] == [1, 2]
    shutil.rmtree(tmp_path)


def test_the_demo_adjustment_of_a_format_1_journal_is_unchanged() -> None:
    """Gives Japan's 2021-2030 adjustment of the format-1 demo journal as jcm 0.1 did (150)."""
    store, expected = _load_v1("journal-v1-demo")
    reg = Registry(store)
    result = corresponding_adjustment(view.credit_positions(reg), "JPN", ndcs=view.ndcs(reg))
    assert result.to_json()["adjustment"] == expected["adjustment_JPN"]["adjustment"] == "150"
