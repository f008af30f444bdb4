"""The scenarios of docs/rules.md §11 (1, 3, 4, 6, 7, 10, 12) and the fee example of §9.2.

Every scenario starts from the same small world: Japan's registry ``JPN01`` (administrator
``jcma``) and Mongolia's ``MNG01`` (``mng-admin``), a Joint Committee for Mongolia, a third-party
entity, and a registered project whose monitoring period has a JC issuance decision.
"""

from __future__ import annotations

from typing import Any

import pytest
from registry_world import code_of, issue, req, serials, world

from jcm.core.ruleset import DEFAULT_RULESETS, Ruleset
from jcm.errors import JcmError


def blocks(receipt: dict[str, Any]) -> list[list[Any]]:
    """``[account, vintage, first, last]`` of each block an issuance receipt names."""
    return [[b["account"], b["vintage"], b["first"], b["last"]] for b in receipt["blocks"]]


def test_scenario_1_happy_path() -> None:
    """Issues 1-500 to GoJ and 501-1000 to PP-A, then transfers 200 and retires them (§11.1)."""
    reg = world()
    receipt = issue(reg)
    assert blocks(receipt) == [["GOJ", 2023, 1, 500], ["PP-A", 2023, 501, 1000]]
    transfer = reg.submit({"type": "transfer", "from": "PP-A", "to": "B", "quantity": 200}, "pp-a")
    retire = reg.submit({"type": "retire", "from": "B", "quantity": 200}, "b")
    balances = reg.balances()
    assert (balances["GOJ"], balances["PP-A"], balances["B"], balances["JPN-RET"]) == (
        500,
        300,
        0,
        200,
    )
    assert (transfer.fee, retire.fee) == (2500, 0)
    assert retire.to_json()["ndc_year"] == 2030
    assert reg.verify() == ()
    ledger = [e for e in reg.entries() if e.type in ("issue", "transfer", "retire")]
    records = sum(len(e.effects.blocks) if e.type == "issue" else 1 for e in ledger)
    assert records == 4


def test_scenario_3_double_retirement_is_not_held() -> None:
    """Refuses to retire serials 1-100 twice with NOT_HELD; 100 are retired once (§11.3)."""
    reg = world()
    issue(reg)
    reg.submit({"type": "retire", "from": "GOJ", "serials": [1, 100]}, "jcma")
    assert (
        code_of(reg, {"type": "retire", "from": "GOJ", "serials": [1, 100]}, "jcma") == "NOT_HELD"
    )
    assert reg.balance("JPN-RET") == 100
    out_of_retirement = {"type": "transfer", "from": "JPN-RET", "to": "B", "serials": [1, 100]}
    assert code_of(reg, out_of_retirement, "jcma") == "TERMINAL_ACCOUNT"


def test_scenario_4_cancelled_block_never_leaves() -> None:
    """Refuses to move cancelled serials 201-300 out: TERMINAL_ACCOUNT or NOT_HELD (§11.4)."""
    reg = world()
    issue(reg)
    cancel = {"type": "cancel", "from": "GOJ", "serials": [201, 300], "purpose": "voluntary"}
    assert reg.submit(cancel, "jcma").fee == 0
    from_can = {"type": "transfer", "from": "JPN-CAN", "to": "B", "serials": [201, 300]}
    assert code_of(reg, from_can, "jcma") == "TERMINAL_ACCOUNT"
    again = {"type": "transfer", "from": "GOJ", "to": "B", "serials": [201, 300]}
    assert code_of(reg, again, "jcma") == "NOT_HELD"
    assert serials(reg, "JPN-CAN") == [(201, 300)]


def test_scenario_6_retirement_by_someone_else_is_refused() -> None:
    """Refuses C's retirement of serials 301-400 held by B: NOT_ACCOUNT_HOLDER, no fee (§11.6)."""
    reg = world(allocation=(("JPN", "GOJ", "50"), ("JPN", "B", "50")))
    issue(reg)
    reg.submit({"type": "transfer", "from": "GOJ", "to": "B", "serials": [301, 400]}, "jcma")
    request = {"type": "retire", "from": "B", "serials": [301, 400]}
    assert code_of(reg, request, "c") == "NOT_ACCOUNT_HOLDER"
    assert reg.fees_paid("c") == 14_400  # its account only
    assert (301, 400) in serials(reg, "B")


def test_scenario_7_partial_transfer_splits_the_block() -> None:
    """Leaves A 1-700 and D 701-1000, then D 801-1000 after it moves 701-800 (§11.7)."""
    reg = world(allocation=(("JPN", "PP-A", "100"),))
    issue(reg)
    reg.submit({"type": "transfer", "from": "PP-A", "to": "D", "quantity": 300}, "pp-a")
    assert serials(reg, "PP-A") == [(1, 700)]
    assert serials(reg, "D") == [(701, 1000)]
    (a_block,), (d_block,) = reg.holdings("PP-A"), reg.holdings("D")
    assert (a_block.project, a_block.vintage, a_block.registry) == ("MN010", 2023, "JPN01")
    assert (d_block.project, d_block.vintage, d_block.registry) == ("MN010", 2023, "JPN01")
    reg.submit({"type": "transfer", "from": "D", "to": "B", "serials": [701, 800]}, "d")
    assert serials(reg, "D") == [(801, 1000)]
    assert serials(reg, "B") == [(701, 800)]
    assert (reg.balance("PP-A"), reg.balance("D")) == (700, 200)


def test_quantity_moves_take_the_highest_serials() -> None:
    """Moves 201-300 and 51-100 when 150 leave an account holding 1-100 and 201-300 (API.md)."""
    reg = world(allocation=(("JPN", "B", "100"),))
    issue(reg)
    reg.submit({"type": "transfer", "from": "B", "to": "C", "serials": [101, 200]}, "b")
    reg.submit({"type": "transfer", "from": "B", "to": "C", "serials": [301, 1000]}, "b")
    assert serials(reg, "B") == [(1, 100), (201, 300)]
    receipt = reg.submit({"type": "transfer", "from": "B", "to": "D", "quantity": 150}, "b")
    assert receipt.to_json()["serials"] == [["JPN01", 201, 300], ["JPN01", 51, 100]]
    assert serials(reg, "B") == [(1, 50)]
    assert serials(reg, "D") == [(51, 100), (201, 300)]


def test_scenario_10_frozen_account() -> None:
    """Refuses E's transfer, retirement and cancellation while frozen; certifies it (§11.10)."""
    reg = world(allocation=(("JPN", "B", "100"),))
    issue(reg)
    reg.submit({"type": "freeze", "account": "B"}, "jcma")
    moves = [
        {"type": "transfer", "from": "B", "to": "C", "quantity": 10},
        {"type": "retire", "from": "B", "quantity": 10},
        {"type": "cancel", "from": "B", "quantity": 10, "purpose": "voluntary"},
    ]
    for request in moves:
        assert code_of(reg, request, "b") == "FROZEN"
    certificate = reg.submit({"type": "request_certificate", "account": "B"}, "b")
    assert certificate.fee == 1200
    assert certificate.to_json()["certificate"]["frozen"] is True
    assert certificate.to_json()["certificate"]["balance"] == 1000
    reg.submit({"type": "unfreeze", "account": "B"}, "jcma")
    assert reg.submit(moves[0], "b").ok
    assert reg.balance("C") == 10


def test_scenario_12_allocation_by_largest_remainder() -> None:
    """Issues 10,001 at 50/10/30/10 as 5001/1000/3000/1000 across both registries (§11.12)."""
    allocation = (
        ("JPN", "GOJ", "50"),
        ("MNG", "MNG-GOV", "10"),
        ("JPN", "PP-A", "30"),
        ("JPN", "PP-B", "10"),
    )
    reg = world(allocation=allocation, quantities={"2023": 10_001})
    japan = issue(reg, "JPN")
    mongolia = issue(reg, "MNG")
    assert blocks(japan) == [
        ["GOJ", 2023, 1, 5001],
        ["PP-A", 2023, 5002, 8001],
        ["PP-B", 2023, 8002, 9001],
    ]
    assert blocks(mongolia) == [["MNG-GOV", 2023, 1, 1000]]
    balances = reg.balances()
    assert [balances[a] for a in ("GOJ", "MNG-GOV", "PP-A", "PP-B")] == [5001, 1000, 3000, 1000]
    assert reg.periods("MN010")[0].state.value == "issued"
    assert reg.verify() == ()


def test_allocation_of_three_at_a_third_each() -> None:
    """Issues 1/1/1 for Q = 3 at 33.33/33.33/33.34 (rules.md §9.1)."""
    allocation = (("JPN", "GOJ", "33.33"), ("JPN", "PP-A", "33.33"), ("JPN", "B", "33.34"))
    reg = world(allocation=allocation, quantities={"2023": 3})
    assert blocks(issue(reg)) == [["GOJ", 2023, 1, 1], ["PP-A", 2023, 2, 2], ["B", 2023, 3, 3]]


def test_serials_continue_across_issuances_of_a_registry() -> None:
    """Numbers a second issuance of Japan's registry after the first (rules.md §3.3)."""
    reg = world(quantities={"2023": 10})
    issue(reg)
    second = {"start": "2024-01-01", "end": "2024-12-31"}
    steps = [
        req("submit_monitoring_report", "pp-a", project="MN010", period=second),
        req("submit_verification_report", "tpe", project="MN010", period=second,
          verified_reductions=4),
        req("request_issuance", "pp-a", project="MN010", period=second),
        req("decide_issuance", "jc-mn", project="MN010", period=second,
          quantities_by_vintage={"2024": 4}),
        req("issue", "jcma", project="MN010", period=second, party="JPN"),
    ]  # fmt: skip
    receipts = [reg.submit(r, actor=a) for r, a in steps]
    assert blocks(receipts[-1].to_json()) == [["GOJ", 2024, 11, 12], ["PP-A", 2024, 13, 14]]


def test_fee_example_totals_24300_yen() -> None:
    """Charges company X 24,300 JPY: account, 3 transfers, retire, cancel, 2 certificates (§9.2)."""
    reg = world(allocation=(("JPN", "GOJ", "100"),))
    issue(reg)
    reg.submit(
        *req("open_account", "jcma", account="X", party="JPN", kind="entity_holding", holder="x")
    )
    reg.submit({"type": "transfer", "from": "GOJ", "to": "X", "quantity": 100}, "jcma")
    for target in ("B", "C", "D"):
        reg.submit({"type": "transfer", "from": "X", "to": target, "quantity": 10}, "x")
    reg.submit({"type": "retire", "from": "X", "quantity": 10}, "x")
    reg.submit({"type": "cancel", "from": "X", "quantity": 10, "purpose": "voluntary"}, "x")
    for _ in range(2):
        reg.submit({"type": "request_certificate", "account": "X"}, "x")
    assert reg.fees_paid("x") == 24_300
    assert reg.fees_paid("jcma") == 2_500  # the government's transfer to X is its own


def test_pre_2021_credits_issued_after_april_2025_transfer_free() -> None:
    """Charges 0 for moving vintage 2019 credits issued 2025-06-01 to an entity (§9.2)."""
    period = {"start": "2019-01-01", "end": "2019-12-31"}
    reg = world(allocation=(("JPN", "PP-A", "100"),), quantities={"2019": 100}, period=period)
    reg.submit({"type": "issue", "project": "MN010", "period": period, "party": "JPN"}, "jcma")
    receipt = reg.submit({"type": "transfer", "from": "PP-A", "to": "B", "quantity": 10}, "pp-a")
    assert receipt.fee == 0
    assert (
        code_of(reg, {"type": "retire", "from": "B", "quantity": 10}, "b") == "VINTAGE_NOT_ELIGIBLE"
    )
    assert reg.submit({"type": "cancel", "from": "B", "quantity": 10, "purpose": "SHK"}, "b").ok


def test_retirement_needs_both_authorizations() -> None:
    """Refuses retirement with NOT_AUTHORIZED until Japan and the host both authorize (§4.4)."""
    reg = world(authorize=False)
    issue(reg)
    retire = {"type": "retire", "from": "PP-A", "quantity": 10}
    assert code_of(reg, retire, "pp-a") == "NOT_AUTHORIZED"
    reg.submit(
        *req("authorize", "jcma", authorization="JP-1", party="JPN", project="MN010",
           vintages=[2023], purposes=["NDC"])
    )  # fmt: skip
    assert code_of(reg, retire, "pp-a") == "NOT_AUTHORIZED"
    reg.submit(
        *req("authorize", "mng-admin", authorization="MN-1", party="MNG", project="MN010",
           vintages=[2023], purposes=["OIMP", "NDC"], oimp="use under CORSIA",
           first_transfer_definition="Use or Cancellation")
    )  # fmt: skip
    assert reg.submit(retire, "pp-a").to_json()["ndc_year"] == 2030


def test_transfer_between_registries_is_one_entry() -> None:
    """Moves credits from Japan's registry to Mongolia's in one journal entry (ARCHITECTURE.md)."""
    reg = world()
    issue(reg)
    before = len(reg.store)
    receipt = reg.submit(
        {"type": "transfer", "from": "GOJ", "to": "MNG-GOV", "quantity": 50}, "jcma"
    )
    assert len(reg.store) == before + 1
    assert receipt.to_json()["international"] is True
    assert receipt.fee == 0
    (block,) = reg.holdings("MNG-GOV")
    assert (block.registry, block.serials.start, block.serials.end) == ("JPN01", 451, 500)
    assert reg.verify() == ()


def test_partner_registry_charges_no_japanese_fees() -> None:
    """Charges Japan's [SEED] fees only in Japan's registry, none in a partner's (rules.md §5)."""
    reg = world(allocation=(("JPN", "GOJ", "50"), ("MNG", "MNG-GOV", "50")))
    issue(reg, "MNG")
    reg.submit(*req("add_principal", "mng-admin", principal="mn-e", role="account_holder",
                    party="MNG"))  # fmt: skip
    opened = reg.submit(
        *req("open_account", "mng-admin", account="MN-E", party="MNG", kind="entity_holding",
             holder="mn-e")
    )  # fmt: skip
    moved = reg.submit(*req("transfer", "mng-admin", **{"from": "MNG-GOV", "to": "MN-E"},
                            quantity=10))  # fmt: skip
    certified = reg.submit(*req("request_certificate", "mn-e", account="MN-E"))
    assert (opened.fee, moved.fee, certified.fee) == (0, 0, 0)
    assert reg.balance("MN-E") == 10
    japanese = reg.submit(
        *req("open_account", "jcma", account="E2", party="JPN", kind="entity_holding", holder="b")
    )
    assert japanese.fee == 14_400


def test_scenario_2_first_transfer_needs_the_hosts_authorization() -> None:
    """Refuses a first international transfer before the host's authorization (§11 scenario 2)."""
    reg = world(allocation=(("JPN", "GOJ", "50"), ("MNG", "MNG-GOV", "50")), authorize=False)
    issue(reg, "MNG")
    out = {"type": "transfer", "from": "MNG-GOV", "to": "GOJ", "quantity": 100}
    assert code_of(reg, out, "mng-admin") == "NOT_AUTHORIZED"
    reg.submit(
        *req("authorize", "mng-admin", authorization="MN-1", party="MNG", project="MN010",
             vintages=[2023], purposes=["NDC"])
    )  # fmt: skip
    receipt = reg.submit(out, "mng-admin")
    assert receipt.to_json()["international"] is True
    assert reg.balance("GOJ") == 100
    back = {"type": "transfer", "from": "GOJ", "to": "MNG-GOV", "quantity": 10}
    assert reg.submit(back, "jcma").fee == 0  # credits that already left their host move on
    assert reg.verify() == ()


def test_a_partners_own_public_input_period_applies() -> None:
    """Keeps a PDD's public input open for the partner's own period (rules.md §2.4 rulesets)."""
    longer = DEFAULT_RULESETS.with_ruleset(Ruleset("MNG", "2024", pdd_public_input_days=45))
    with pytest.raises(JcmError) as info:
        world(rulesets=longer)  # closes public input after 31 days
    assert info.value.code == "PUBLIC_INPUT_OPEN"
    assert world().verify() == ()  # 31 days suffice under the default 30 (rules.md §2.4 [M])
