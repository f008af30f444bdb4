"""Tests of the engine: who may do what, error precedence, idempotency, batches, import, audits.

The shared world (two Parties, a registered project with a decided issuance)
comes from ``tests/support/registry_world.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from registry_world import PERIOD, Clock, code_of, issue, req, world

from jcm.errors import InvalidInputError, JcmError
from jcm.registry import Receipt, Registry, Rejection, TransferRequest
from jcm.registry.store import MemoryStore, StoreError


def transfer(source: str, to: str, **fields: Any) -> dict[str, Any]:
    """A transfer request's JSON."""
    return {"type": "transfer", "from": source, "to": to, **fields}


@pytest.fixture
def reg() -> Registry:
    """The world with Japan's share issued: GOJ 1-500, PP-A 501-1000."""
    registry: Registry = world()
    issue(registry)
    return registry


# --------------------------------------------------------------------------- permissions


def _r(type_: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_, **fields}


_OPEN = _r("open_account", account="Z", party="JPN", kind="entity_holding", holder="b")
_ISSUE = _r("issue", project="MN010", period=PERIOD, party="JPN")
_PARTY = _r("add_party", party="VNM", registry_id="VNM01", administrator="v")
_PRINCIPAL = _r("add_principal", principal="q", role="account_holder", party="JPN")
_MOVE = transfer("PP-A", "B", quantity=1)


@pytest.mark.parametrize(
    ("request_", "actor", "code"),
    [
        (_PARTY, "jcma", "NOT_PERMITTED"),
        (_OPEN, "pp-a", "NOT_PERMITTED"),
        (_OPEN, "mng-admin", "NOT_REGISTRY_ADMIN"),
        (_r("freeze", account="B"), "mng-admin", "NOT_REGISTRY_ADMIN"),
        (_r("freeze", account="B"), "b", "NOT_PERMITTED"),
        (_ISSUE, "mng-admin", "NOT_REGISTRY_ADMIN"),
        (_ISSUE, "jc-mn", "NOT_PERMITTED"),
        (_r("decide_no_objection", project="MN010"), "pp-a", "NOT_PERMITTED"),
        (_r("register_project", project="MN010"), "tpe", "NOT_PERMITTED"),
        (_PRINCIPAL, "mng-admin", "NOT_REGISTRY_ADMIN"),
        (_MOVE, "b", "NOT_ACCOUNT_HOLDER"),
        (_MOVE, "jc-mn", "NOT_PERMITTED"),
        (_MOVE, "nobody", "NOT_PERMITTED"),
        (_r("request_certificate", account="PP-A"), "b", "NOT_ACCOUNT_HOLDER"),
    ],
)
def test_roles_are_checked(reg: Registry, request_: dict[str, Any], actor: str, code: str) -> None:
    """Refuses a request whose actor's role, Party or holding does not allow it (API.md)."""
    assert code_of(reg, request_, actor) == code


def test_only_the_partners_joint_committee_decides() -> None:
    """Refuses a Joint Committee of another partner (NOT_PERMITTED)."""
    registry: Registry = world()
    jc = _r("add_principal", principal="jc-vn", role="joint_committee", party="VNM")
    registry.submit(jc, "operator")
    request = req("register_project", "x", project="MN010")[0]
    assert code_of(registry, request, "jc-vn") == "NOT_PERMITTED"


def test_only_participants_act_for_a_project(reg: Registry) -> None:
    """Refuses a project participant who is not among the project's participants."""
    pp = _r("add_principal", principal="pp-z", role="project_participant", party="JPN")
    reg.submit(pp, "operator")
    request = req("request_issuance", "x", project="MN010", period=PERIOD)[0]
    assert code_of(reg, request, "pp-z") == "NOT_PERMITTED"


# --------------------------------------------------------------------------- precedence


def test_error_precedence_of_a_transfer(reg: Registry) -> None:
    """Reports the first failing rule in API.md's order, one rule fixed at a time."""
    reg.submit({"type": "freeze", "account": "PP-A"}, "jcma")
    bad = transfer("PP-A", "JPN-RET", serials=[1, 10])  # frozen, terminal, not held
    assert code_of(reg, bad, "b") == "NOT_ACCOUNT_HOLDER"
    assert code_of(reg, transfer("PP-A", "NOWHERE", serials=[1, 10]), "pp-a") == "NO_SUCH_ACCOUNT"
    assert code_of(reg, bad, "pp-a") == "FROZEN"
    reg.submit({"type": "unfreeze", "account": "PP-A"}, "jcma")
    assert code_of(reg, bad, "pp-a") == "TERMINAL_ACCOUNT"
    assert code_of(reg, transfer("PP-A", "B", serials=[1, 10]), "pp-a") == "NOT_HELD"
    assert code_of(reg, transfer("PP-A", "B", quantity=501), "pp-a") == "INSUFFICIENT_CREDITS"


def test_error_precedence_of_a_retirement() -> None:
    """Reports VINTAGE_NOT_ELIGIBLE before NOT_AUTHORIZED, and INSUFFICIENT before both."""
    period = {"start": "2019-01-01", "end": "2019-12-31"}
    registry: Registry = world(
        allocation=(("JPN", "PP-A", "100"),),
        quantities={"2019": 10},
        period=period,
        authorize=False,
    )
    registry.submit(*req("issue", "jcma", project="MN010", period=period, party="JPN"))
    retire = {"type": "retire", "from": "PP-A", "quantity": 11}
    assert code_of(registry, retire, "pp-a") == "INSUFFICIENT_CREDITS"
    assert code_of(registry, {**retire, "quantity": 5}, "pp-a") == "VINTAGE_NOT_ELIGIBLE"


def test_error_precedence_of_the_cycle(reg: Registry) -> None:
    """Reports ALLOCATION_NOT_100, then NO_SUCH_PROJECT, then CYCLE_TRANSITION."""
    bad = [{"party": "JPN", "account": "GOJ", "share": "99.99"}]
    good = [{"party": "JPN", "account": "GOJ", "share": "100"}]
    pdd = req(
        "submit_pdd",
        "x",
        project="NOPE",
        methodology="m",
        methodology_version="1",
        crediting_period={"start": "2023-01-01", "end": "2030-12-31"},
        allocation=bad,
    )[0]
    assert code_of(reg, pdd, "pp-a") == "ALLOCATION_NOT_100"
    assert code_of(reg, {**pdd, "allocation": good}, "pp-a") == "NO_SUCH_PROJECT"
    assert (
        code_of(reg, {**pdd, "project": "MN010", "allocation": good}, "pp-a") == "CYCLE_TRANSITION"
    )


def test_issuing_twice_is_refused() -> None:
    """Refuses a second issuance by the same Party (ALREADY_ISSUED), and after all issued."""
    registry: Registry = world(allocation=(("JPN", "GOJ", "50"), ("MNG", "MNG-GOV", "50")))
    issue(registry)
    assert code_of(registry, _ISSUE, "jcma") == "ALREADY_ISSUED"
    issue(registry, "MNG")
    assert code_of(registry, _ISSUE, "jcma") == "CYCLE_TRANSITION"


def test_transfer_into_a_retirement_account_is_refused(reg: Registry) -> None:
    """Refuses a transfer into a retirement account: only retire gets there (API.md)."""
    assert code_of(reg, transfer("GOJ", "JPN-RET", quantity=1), "jcma") == "TERMINAL_ACCOUNT"
    assert code_of(reg, transfer("GOJ", "JPN-CAN", quantity=1), "jcma") == "TERMINAL_ACCOUNT"


def test_a_monitoring_calculation_must_match_the_pdd() -> None:
    """Refuses a calculation of another methodology, and verification above its reductions."""
    registry: Registry = world()
    period = {"start": "2024-01-01", "end": "2024-06-30"}
    calc = {"methodology": "other", "version": "1.0", "emission_reductions": 153}
    report = req("submit_monitoring_report", "x", project="MN010", period=period, calculation=calc)[
        0
    ]
    assert code_of(registry, report, "pp-a") == "METHODOLOGY_MISMATCH"
    report["calculation"] = {**calc, "methodology": "MN_AM003"}
    registry.submit(report, "pp-a")
    verification = _r(
        "submit_verification_report", project="MN010", period=period, verified_reductions=154
    )
    assert code_of(registry, verification, "tpe") == "EXCEEDS_CALCULATION"
    assert registry.submit({**verification, "verified_reductions": 153}, "tpe").ok


# --------------------------------------------------------------------------- idempotency


def test_same_key_same_request_returns_the_first_receipt(reg: Registry) -> None:
    """Returns the first receipt unchanged and changes nothing on a repeated key (API.md)."""
    request = transfer("PP-A", "B", quantity=10, idempotency_key="k-1")
    first = reg.submit(request, "pp-a")
    before = (len(reg.store), reg.balances(), reg.fees_paid())
    again = reg.submit(request, "pp-a")
    assert again.to_json() == first.to_json()
    assert (len(reg.store), reg.balances(), reg.fees_paid()) == before


def test_same_key_different_request_conflicts(reg: Registry) -> None:
    """Refuses a key reused for another request, after every other rule (IDEMPOTENCY_CONFLICT)."""
    reg.submit(transfer("PP-A", "B", quantity=10, idempotency_key="k-1"), "pp-a")
    other = transfer("PP-A", "B", quantity=11, idempotency_key="k-1")
    assert code_of(reg, other, "pp-a") == "IDEMPOTENCY_CONFLICT"
    failing = transfer("PP-A", "B", quantity=10_000, idempotency_key="k-1")
    assert code_of(reg, failing, "pp-a") == "INSUFFICIENT_CREDITS"


def test_a_rejected_request_does_not_use_up_its_key(reg: Registry) -> None:
    """Accepts a key whose first use was rejected."""
    assert code_of(reg, transfer("PP-A", "B", quantity=10_000, idempotency_key="k"), "pp-a")
    assert reg.submit(transfer("PP-A", "B", quantity=10, idempotency_key="k"), "pp-a").ok


def test_idempotency_survives_reopening(tmp_path: Path) -> None:
    """Returns the first receipt for a repeated key after the file is reopened."""
    path = tmp_path / "r.sqlite"
    request = {**_PARTY, "idempotency_key": "p"}
    with Registry.open(path) as registry:
        first = registry.submit(request, "operator")
    with Registry.open(path) as registry:
        again = registry.submit(request, "operator")
        assert again.to_json() == first.to_json()
        assert len(registry.store) == 1


# --------------------------------------------------------------------------- actor, at, batches


def test_actor_may_be_given_in_the_request_or_the_call(reg: Registry) -> None:
    """Accepts the actor in the request or as an argument; refuses two different ones."""
    assert reg.submit({**transfer("PP-A", "B", quantity=1), "actor": "pp-a"}).ok
    assert reg.submit(TransferRequest("PP-A", "B", quantity=1), actor="pp-a").ok
    with pytest.raises(JcmError):
        reg.submit({**transfer("PP-A", "B", quantity=1), "actor": "pp-a"}, actor="b")
    with pytest.raises(JcmError):
        reg.submit(transfer("PP-A", "B", quantity=1))


def test_malformed_requests_name_the_field(reg: Registry) -> None:
    """Rejects unknown keys and bad values with every path named, changing nothing."""
    with pytest.raises(InvalidInputError) as info:
        reg.submit({"type": "transfer", "from": "PP-A", "to": 5, "quantity": 1.5, "x": 1}, "pp-a")
    assert {e.path for e in info.value.errors} == {"$.to", "$.quantity", "$.x"}
    with pytest.raises(InvalidInputError) as info:
        reg.submit({"type": "teleport"}, "pp-a")
    assert info.value.errors[0].path == "$.type"


def test_batch_checks_each_request_against_the_previous_ones(reg: Registry) -> None:
    """Applies a batch in one transaction, skipping and reporting the rejected request."""
    appends: list[int] = []
    original = reg.store.append

    def counting(entries: Sequence[Any]) -> None:
        appends.append(len(entries))
        original(entries)

    reg.store.append = counting  # type: ignore[method-assign]
    results = reg.submit_batch(
        [
            {**transfer("PP-A", "B", quantity=100), "actor": "pp-a"},
            {**transfer("B", "C", quantity=100), "actor": "b"},  # needs the first
            {**transfer("B", "C", quantity=1), "actor": "b"},  # B is empty now
            {**transfer("C", "D", serials=[901, 1000]), "actor": "c"},
        ]
    )
    assert [r.ok for r in results] == [True, True, False, True]
    assert isinstance(results[2], Rejection)
    assert results[2].to_json()["error"]["code"] == "INSUFFICIENT_CREDITS"
    assert appends == [3]
    assert [r.entry for r in results if isinstance(r, Receipt)] == [
        reg.last_entry - 2,
        reg.last_entry - 1,
        reg.last_entry,
    ]
    assert reg.balances()["D"] == 100
    assert reg.verify() == ()


def test_a_failed_batch_transaction_changes_nothing(reg: Registry) -> None:
    """Leaves state and journal as they were when the store refuses the batch."""
    before = (len(reg.store), reg.balances(), reg.fees_paid(), reg.last_entry)

    def failing(_entries: Sequence[Any]) -> None:
        raise StoreError("disk full")

    reg.store.append = failing  # type: ignore[method-assign]
    with pytest.raises(StoreError):
        reg.submit_batch([{**transfer("PP-A", "B", quantity=100), "actor": "pp-a"}])
    with pytest.raises(StoreError):
        reg.submit(transfer("PP-A", "B", quantity=100), "pp-a")
    assert (len(reg.store), reg.balances(), reg.fees_paid(), reg.last_entry) == before


def test_import_mode_records_the_given_times() -> None:
    """Stamps imported entries with their 'at'; refuses times going backwards (API.md)."""
    registry = Registry(clock=Clock())
    times = ["2016-03-01T00:00:00Z", "2016-03-02T00:00:00Z", "2016-03-01T12:00:00Z"]
    requests = [
        _r("add_party", party=p, registry_id=f"{p}01", administrator=a, actor="operator", at=t)
        for p, a, t in zip(("JPN", "MNG", "VNM"), ("jcma", "mn", "vn"), times, strict=True)
    ]
    results = registry.submit_batch(requests, import_by="operator")
    assert [r.ok for r in results] == [True, True, False]
    assert isinstance(results[2], Rejection)
    assert results[2].code == "TIME_REVERSED"
    stamps = [e.at for e in registry.store.entries()]
    assert stamps == [dt.datetime(2016, 3, d, tzinfo=dt.UTC) for d in (1, 2)]


def test_import_mode_is_for_the_operator_only() -> None:
    """Refuses an import by anyone but the operator, and 'at' outside import mode."""
    registry = Registry(clock=Clock())
    request = {
        **req("add_party", "operator", party="JPN", registry_id="JPN01", administrator="j")[0],
        "actor": "operator",
        "at": "2016-03-01T00:00:00Z",
    }
    with pytest.raises(JcmError) as info:
        registry.submit_batch([request], import_by="jcma")
    assert info.value.code == "NOT_PERMITTED"
    (result,) = registry.submit_batch([request])
    assert not result.ok
    assert len(registry.store) == 0


def test_fees_follow_the_schedule_in_force() -> None:
    """Charges nothing for requests before the first schedule (2025-04-01, rules.md §5)."""
    registry = Registry(clock=Clock(dt.datetime(2024, 1, 1, tzinfo=dt.UTC)))
    registry.submit(
        {**_PARTY, "party": "JPN", "registry_id": "JPN01", "administrator": "jcma"}, "operator"
    )
    registry.submit(_r("add_principal", principal="b", role="account_holder", party="JPN"), "jcma")
    receipt = registry.submit({**_OPEN, "account": "B"}, "jcma")
    assert receipt.fee == 0


# --------------------------------------------------------------------------- durability, audits


def test_reopening_replays_the_journal(tmp_path: Path) -> None:
    """Rebuilds the same balances and holdings from the SQLite file (ARCHITECTURE.md rule 3)."""
    path = tmp_path / "r.sqlite"
    source: Registry = world()
    issue(source)
    source.submit(transfer("PP-A", "B", quantity=123), "pp-a")
    with Registry.open(path, operator="operator", clock=Clock()) as durable:
        durable.submit_batch([{**e.request, "actor": e.actor} for e in source.store.entries()])
    with Registry.open(path) as reopened:
        assert reopened.balances() == source.balances()
        assert reopened.holdings("B") == source.holdings("B")
        assert reopened.verify() == ()
        assert reopened.operator == "operator"


def test_verify_finds_a_state_that_differs_from_the_journal(reg: Registry) -> None:
    """Reports REPLAY_MISMATCH and CONSERVATION when the live state was changed behind its back."""
    assert reg.verify() == ()
    reg.state.holdings["B"].add(reg.holdings("GOJ")[0].with_serials(_serials(5001, 5010)))
    codes = {p.code for p in reg.verify()}
    assert "REPLAY_MISMATCH" in codes
    assert reg.problems()[0].code == "CONSERVATION"
    assert "CONSERVATION" in {p.code for p in reg.verify(replay=False)}


def _serials(start: int, end: int) -> Any:
    from jcm.core.credit import SerialRange

    return SerialRange(start, end)


def test_as_of_shows_the_past(reg: Registry) -> None:
    """Shows balances as they were before a later transfer (as_of)."""
    before = reg.state.last_at
    assert before is not None
    reg.submit(transfer("PP-A", "B", quantity=10), "pp-a")
    past = reg.as_of(before)
    assert (past.balance("PP-A"), past.balance("B")) == (500, 0)
    assert (reg.balance("PP-A"), reg.balance("B")) == (490, 10)
    assert reg.as_of(dt.date(2020, 1, 1)).balances() == {}


def test_history_of_an_account_and_a_serial(reg: Registry) -> None:
    """Lists the entries that touched account B, and those that moved serial 995."""
    reg.submit(transfer("PP-A", "B", quantity=10), "pp-a")
    reg.submit(transfer("B", "C", serials=[995, 996]), "b")
    account = reg.history("B")
    assert [r.type for r in account] == ["open_account", "transfer", "transfer"]
    serial = reg.history("JPN01:995")
    assert [(r.type, r.target) for r in serial] == [
        ("issue", "PP-A"),
        ("transfer", "B"),
        ("transfer", "C"),
    ]
    block = reg.holdings("C")[0]
    assert reg.history(block.identifier()) == serial
    with pytest.raises(JcmError):
        reg.history("995")  # two registries: the registry must be named


def test_the_memory_store_can_be_given(reg: Registry) -> None:
    """Replays a store that already holds entries when a Registry is built on it."""
    store = MemoryStore()
    store.set_meta("operator", "operator")
    store.append(list(reg.store.entries()))
    assert Registry(store).balances() == reg.balances()


def test_an_administrator_of_an_unknown_party_opens_nothing() -> None:
    """Refuses an account in the registry of a Party that was never added (NO_SUCH_PARTY)."""
    registry: Registry = world()
    admin = _r("add_principal", principal="vn-admin", role="registry_administrator", party="VNM")
    registry.submit(admin, "operator")
    request = {**_OPEN, "party": "VNM", "holder": "vn-admin"}
    assert code_of(registry, request, "vn-admin") == "NO_SUCH_PARTY"


def test_issuance_needs_the_allocation_accounts() -> None:
    """Refuses to issue to an allocation account that was never opened (NO_SUCH_ACCOUNT)."""
    registry: Registry = world(allocation=(("JPN", "GOJ", "50"), ("JPN", "NEVER-OPENED", "50")))
    before = registry.balances()
    assert code_of(registry, _ISSUE, "jcma") == "NO_SUCH_ACCOUNT"
    assert registry.balances() == before


def _rechained(entries: Sequence[Any], changed: dict[int, dict[str, Any]]) -> MemoryStore:
    """A store whose entries are ``entries`` with some effects replaced (as JSON), the chain
    recomputed: what someone who can write the file and knows the format could forge."""
    from jcm.registry.journal import GENESIS_HASH, decode_effects, effects_json, seal
    from jcm.registry.kinds import KINDS

    store = MemoryStore()
    store.set_meta("operator", "operator")
    prev, out = GENESIS_HASH, []
    for e in entries:
        kind = KINDS[e.type]
        data = changed.get(e.seq, effects_json(kind, e.effects))
        entry = seal(
            seq=e.seq, at=e.at, actor=e.actor, kind=kind, request=e.request,
            effects=decode_effects(kind, data), prev_hash=prev, rules=e.rules, fee=e.fee,
            idempotency_key=e.idempotency_key,
        )  # fmt: skip
        out.append(entry)
        prev = entry.hash
    store.append(out)
    return store


def test_verify_finds_forged_effects_behind_a_sound_chain(reg: Registry) -> None:
    """Reports an entry whose effects do not fit the state, even with a recomputed chain."""
    reg.submit(transfer("PP-A", "B", quantity=10), "pp-a")
    entries = list(reg.store.entries())
    last = entries[-1]
    forged = {**last.effects_json(), "serials": [["JPN01", 1, 10]]}  # GOJ's, not PP-A's
    registry = Registry(_rechained(entries, {last.seq: forged}))
    assert [p.code for p in registry.damage] == ["REPLAY_FAILED"]
    assert "REPLAY_FAILED" in {p.code for p in registry.verify()}
    with pytest.raises(JcmError) as info:
        registry.submit(transfer("PP-A", "B", quantity=1), "pp-a")
    assert info.value.code == "JOURNAL_DAMAGED"


def test_verify_finds_a_forged_debit_of_a_retirement_account(reg: Registry) -> None:
    """Reports TERMINAL_DEBITED for an entry that moves credits out of a retirement account."""
    reg.submit({"type": "retire", "from": "PP-A", "quantity": 10}, "pp-a")
    reg.submit(transfer("PP-A", "B", quantity=10), "pp-a")
    entries = list(reg.store.entries())
    last = entries[-1]
    forged = {**last.effects_json(), "from": "JPN-RET", "serials": [["JPN01", 991, 1000]]}
    registry = Registry(_rechained(entries, {last.seq: forged}))
    assert "TERMINAL_DEBITED" in {p.code for p in registry.verify()}


def test_named_serials_of_another_registry_can_move_on(reg: Registry) -> None:
    """Finds named serials among the credits of another Party's registry an account holds."""
    reg.submit(transfer("GOJ", "MNG-GOV", quantity=50), "jcma")  # JPN01 451-500
    receipt = reg.submit(transfer("MNG-GOV", "GOJ", serials=[460, 470]), "mng-admin")
    assert receipt.to_json()["serials"] == [["JPN01", 460, 470]]
    assert [(b.registry, b.serials.start, b.serials.end) for b in reg.holdings("MNG-GOV")] == [
        ("JPN01", 451, 459),
        ("JPN01", 471, 500),
    ]
    assert reg.verify() == ()
