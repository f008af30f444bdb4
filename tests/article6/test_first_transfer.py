"""First transfers decided by the registry and read back as AEF actions (docs/rules.md §7.3, §10).

Every history here goes through ``Registry.submit``; the Article 6 rows are folds of what the
engine recorded (:func:`jcm.article6.view.actions`).
"""

from __future__ import annotations

from typing import Any

from registry_world import code_of, issue, world

from jcm.article6 import view
from jcm.core.authorization import FirstTransferTrigger
from jcm.core.first_transfer import Cover, FirstTransferKind
from jcm.core.ruleset import DEFAULT_RULESETS, Ruleset
from jcm.registry import Registry

MONGOLIA = (("MNG", "MNG-GOV", "100"),)
"""An allocation of every credit to the Government of Mongolia (issued in MNG01)."""

MN_NDC = {
    "type": "authorize",
    "authorization": "MN-NDC",
    "party": "MNG",
    "project": "MN010",
    "vintages": [2023],
    "purposes": ["NDC"],
}
JP_NDC = {**MN_NDC, "authorization": "JP-NDC", "party": "JPN"}
OUT = {"type": "transfer", "from": "MNG-GOV", "to": "GOJ"}


def rows(reg: Registry) -> list[tuple[str, str, str | None, int]]:
    """``(reporting Party, type, subtype, quantity)`` of every recorded action, in order."""
    return [
        (
            a.reporting_party,
            a.type.value,
            None if a.subtype is None else a.subtype.value,
            a.quantity,
        )
        for a in view.actions(reg)
    ]


def mongolian(**kw: Any) -> Registry:
    """Mongolia issued 1,000 credits of MN010 (vintage 2023) into its own registry, unauthorized."""
    reg = world(allocation=MONGOLIA, authorize=False, **kw)
    issue(reg, "MNG")
    return reg


def test_first_transfer_waits_for_the_hosts_authorization() -> None:
    """Refuses the unauthorized transfer, then records First transfer and Acquisition (§11.2)."""
    reg = mongolian()
    assert code_of(reg, {**OUT, "quantity": 100}, "mng-admin") == "NOT_AUTHORIZED"
    assert rows(reg) == []
    reg.submit(MN_NDC, "mng-admin")
    assert rows(reg) == []  # an NDC authorization first transfers nothing by itself
    reg.submit({**OUT, "quantity": 100}, "mng-admin")
    assert rows(reg) == [
        ("MNG", "Authorization", "Authorization", 100),
        ("MNG", "First transfer", "First transfer to another Party", 100),
        ("JPN", "Acquisition", None, 100),
    ]
    (block,) = reg.holdings("GOJ")
    assert (block.cover, block.first_transfer and block.first_transfer.kind) == (
        Cover("MN-NDC", 1),
        FirstTransferKind.TO_ANOTHER_PARTY,
    )
    assert reg.state.covered == {"MN-NDC": 100}


def test_issuance_into_japan_is_the_first_transfer_by_default() -> None:
    """Treats issuing authorized credits into Japan's registry as their first transfer (§9.6)."""
    reg = world()
    issue(reg, "JPN")
    assert (
        rows(reg)
        == [
            ("MNG", "Authorization", "Authorization", 500),
            ("MNG", "First transfer", "First transfer to another Party", 500),
            ("JPN", "Acquisition", None, 500),
        ]
        * 2
    )
    entry = list(reg.entries())[-1]
    assert (
        entry.rules.first_transfer_trigger is FirstTransferTrigger.ON_ISSUANCE_TO_ACQUIRING_REGISTRY
    )


def test_registry_transfer_trigger_leaves_issuance_alone() -> None:
    """With ON_REGISTRY_TRANSFER, credits issued into Japan's registry are not ITMOs."""
    rulesets = DEFAULT_RULESETS.with_ruleset(
        Ruleset(
            partner="MNG",
            version="2025",
            first_transfer_trigger=FirstTransferTrigger.ON_REGISTRY_TRANSFER,
        )
    )
    reg = world(rulesets=rulesets)
    issue(reg, "JPN")
    assert rows(reg) == []
    assert {b.cover for b in reg.holdings("GOJ")} == {None}
    retire = {"type": "retire", "from": "PP-A", "quantity": 10}
    assert code_of(reg, retire, "pp-a") == "NOT_AUTHORIZED"
    entry = list(reg.entries())[-1]
    assert entry.rules.first_transfer_trigger is FirstTransferTrigger.ON_REGISTRY_TRANSFER


def test_a_later_authorization_first_transfers_credits_already_in_japan() -> None:
    """First transfers credits issued into Japan's registry before the host authorized them."""
    reg = world(authorize=False)
    issue(reg, "JPN")
    assert rows(reg) == []
    receipt = reg.submit(MN_NDC, "mng-admin").to_json()
    assert [(c["account"], c["first"], c["last"]) for c in receipt["changes"]] == [
        ("GOJ", 1, 500),
        ("PP-A", 501, 1000),
    ]
    assert [r[:3] for r in rows(reg)] == [
        ("MNG", "Authorization", "Authorization"),
        ("MNG", "First transfer", "First transfer to another Party"),
        ("JPN", "Acquisition", None),
    ] * 2


def test_oimp_use_or_cancellation_first_transfers_at_cancellation() -> None:
    """First transfers, by a CORSIA cancellation, what the OIMP cap covers (§11.11)."""
    reg = mongolian()
    oimp = {
        **MN_NDC,
        "authorization": "MN-OIMP",
        "purposes": ["IMP"],
        "oimp": "use under CORSIA",
        "first_transfer_definition": "Use or Cancellation",
        "authorized_quantity": 500,
    }
    reg.submit(oimp, "mng-admin")
    cancel = {"type": "cancel", "from": "MNG-GOV", "quantity": 600, "purpose": "CORSIA"}
    receipt = reg.submit(cancel, "mng-admin").to_json()
    assert [(i["first"], i["last"], i["event"]) for i in receipt["itmos"]] == [
        (401, 900, "first_transfer")
    ]  # 500 within the cap; 901-1000 cancelled uncovered
    (action_authorization, action_ft) = view.actions(reg)
    assert (action_ft.type.value, action_ft.subtype and action_ft.subtype.value) == (
        "First transfer",
        "Use or cancellation",
    )
    assert (action_ft.purpose, action_ft.using_party, action_ft.quantity) == ("CORSIA", "MNG", 500)
    assert action_authorization.type.value == "Authorization"


def test_oimp_authorisation_definition_first_transfers_at_authorization() -> None:
    """Records First transfer / Authorization when the definition is Authorisation (§7.3)."""
    reg = mongolian()
    reg.submit(
        {
            **MN_NDC,
            "purposes": ["OP"],
            "oimp": "voluntary use",
            "first_transfer_definition": "Authorisation",
        },
        "mng-admin",
    )
    assert rows(reg) == [
        ("MNG", "Authorization", "Authorization", 1000),
        ("MNG", "First transfer", "Authorization", 1000),
    ]


def test_later_international_transfer_is_transfer_and_acquisition() -> None:
    """Records Transfer (JPN) and Acquisition (MNG) when first-transferred ITMOs move on (§7.3)."""
    reg = world()
    issue(reg, "JPN")
    reg.submit({"type": "transfer", "from": "GOJ", "to": "MNG-GOV", "quantity": 50}, "jcma")
    assert rows(reg)[-2:] == [
        ("JPN", "Transfer", None, 50),
        ("MNG", "Acquisition", None, 50),
    ]
    transfer, acquisition = view.actions(reg)[-2:]
    assert (transfer.acquiring_party, acquisition.transferring_party) == ("MNG", "JPN")


def test_host_use_of_its_own_credits_is_a_cancellation_row() -> None:
    """Records the host's own use as Cancellation / Other cancellations, after its coverage."""
    reg = mongolian()
    reg.submit(MN_NDC, "mng-admin")
    reg.submit({"type": "retire", "from": "MNG-GOV", "quantity": 30}, "mng-admin")
    assert rows(reg) == [
        ("MNG", "Authorization", "Authorization", 30),
        ("MNG", "Cancellation", "Other cancellations", 30),
    ]
    assert reg.state.covered == {"MN-NDC": 30}


def test_a_revocation_spares_itmos_already_first_transferred() -> None:
    """Stops new first transfers; credits first transferred under version 1 keep it (§8.4)."""
    reg = mongolian()
    reg.submit(MN_NDC, "mng-admin")
    reg.submit(JP_NDC, "jcma")
    reg.submit({**OUT, "quantity": 100}, "mng-admin")
    reg.submit({**MN_NDC, "version": 2, "revoked": True}, "mng-admin")
    assert code_of(reg, {**OUT, "quantity": 1}, "mng-admin") == "NOT_AUTHORIZED"
    retired = reg.submit({"type": "retire", "from": "GOJ", "quantity": 100}, "jcma").to_json()
    assert {i["cover"]["version"] for i in retired["itmos"]} == {1}
    assert retired["approval"] == {"authorization": "JP-NDC", "version": 1}
    assert rows(reg)[-1] == ("JPN", "Use", None, 100)


def test_a_pre_2021_vintage_and_a_year_outside_every_period_are_refused() -> None:
    """Refuses VINTAGE_NOT_ELIGIBLE for vintage 2019, NDC_YEAR_NOT_IN_PERIOD for 2040."""
    period = {"start": "2019-01-01", "end": "2019-12-31"}
    old = world(period=period, quantities={"2019": 100})
    old.submit({"type": "issue", "project": "MN010", "period": period, "party": "JPN"}, "jcma")
    assert code_of(old, {"type": "retire", "from": "PP-A", "quantity": 5}, "pp-a") == (
        "VINTAGE_NOT_ELIGIBLE"
    )
    reg = world()
    issue(reg, "JPN")
    late = {"type": "retire", "from": "PP-A", "quantity": 5, "ndc_year": 2040}
    assert code_of(reg, late, "pp-a") == "NDC_YEAR_NOT_IN_PERIOD"
    other = {"type": "retire", "from": "PP-A", "quantity": 5, "ndc_year": 2033}
    assert code_of(reg, other, "pp-a") == "VINTAGE_NOT_ELIGIBLE"  # 2023 credits, 2031-2035
