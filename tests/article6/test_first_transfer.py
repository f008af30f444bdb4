"""Authorization, versions and first transfer (rules.md §7.2, §7.3, §8.4; scenarios 2 and 11)."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from jcm.article6.action import ActionSubtype, ActionType
from jcm.article6.adjustment import Attribution, first_transferred_by_year
from jcm.article6.authorization import (
    Authorization,
    AuthorizationBook,
    CooperativeApproach,
    FirstTransferDefinition,
    FirstTransferTrigger,
    Purpose,
    Timeframe,
    purposes_label,
)
from jcm.article6.first_transfer import (
    AuthorizeEvent,
    IssueEvent,
    ItmoTracker,
    TransferEvent,
    replay,
)
from jcm.core.credit import CreditBlock, SerialRange
from jcm.errors import Article6Error

D = dt.date
ISSUED = D(2025, 1, 10)


def block(
    start: int = 1,
    end: int = 1000,
    *,
    vintage: int = 2024,
    registry: str = "MNG01",
    party: str = "MNG",
    issued: dt.date = ISSUED,
) -> CreditBlock:
    return CreditBlock(
        registry, party, "MN010", "MNG", vintage, SerialRange(start, end), issued, "1"
    )


def ndc_auth(version: int = 1, **changes: object) -> Authorization:
    auth = Authorization("MNG-JCM-2024-001", "MNG", "CA0099", version, D(2025, 3, 1), {Purpose.NDC})
    return attrs.evolve(auth, **changes)


def oimp_auth(**changes: object) -> Authorization:
    auth = Authorization(
        "MNG-CORSIA-1",
        "MNG",
        "CA0099",
        1,
        D(2026, 1, 10),
        {Purpose.IMP},
        authorized_quantity=500,
        oimp="use under CORSIA",
        first_transfer_definition=FirstTransferDefinition.USE_OR_CANCELLATION,
    )
    return attrs.evolve(auth, **changes)


def issued(b: CreditBlock | None = None, **kw: object) -> ItmoTracker:
    return ItmoTracker(**kw).issue(b or block(), D(2025, 1, 10))  # type: ignore[arg-type]


def codes(tracker: ItmoTracker) -> list[tuple[str, str, str | None]]:
    return [
        (a.reporting_party, a.type.value, None if a.subtype is None else a.subtype.value)
        for a in tracker.actions
    ]


def test_first_transfer_before_authorization_is_not_authorized() -> None:
    """Refuses first transferring an unauthorized 2024 block: NOT_AUTHORIZED (scenario 2)."""
    t = issued()
    with pytest.raises(Article6Error) as info:
        t.transfer(block(), D(2025, 6, 10), "MNG", "JPN")
    assert info.value.code == "NOT_AUTHORIZED"
    assert t.actions == ()


def test_first_transfer_after_authorization_creates_the_rows() -> None:
    """Succeeds after authorize(NDC) and records First transfer and Acquisition (scenario 2)."""
    t = issued().authorize(ndc_auth(), D(2025, 3, 1))
    t = t.transfer(block(), D(2025, 6, 10), "MNG", "JPN")
    assert codes(t) == [
        ("MNG", "Authorization", "Authorization"),
        ("MNG", "First transfer", "First transfer to another Party"),
        ("JPN", "Acquisition", None),
    ]
    ft, acq = t.actions[1], t.actions[2]
    assert (ft.acquiring_party, ft.transferring_party) == ("JPN", None)
    assert (acq.transferring_party, acq.registry) == ("MNG", "JPN01")
    assert t.is_first_transferred(block())


def test_party_not_among_authorized_parties_is_refused() -> None:
    """Refuses a first transfer to a Party not authorized (PARTY_NOT_AUTHORIZED)."""
    t = issued().authorize(ndc_auth(authorized_parties={"KOR"}), D(2025, 3, 1))
    with pytest.raises(Article6Error) as info:
        t.transfer(block(), D(2025, 6, 10), "MNG", "JPN")
    assert info.value.code == "PARTY_NOT_AUTHORIZED"


def test_transfer_outside_the_timeframe_is_refused() -> None:
    """Refuses a first transfer in 2031 under a 2021 - 2030 timeframe."""
    t = issued().authorize(ndc_auth(timeframe=Timeframe(2021, 2030)), D(2025, 3, 1))
    with pytest.raises(Article6Error) as info:
        t.transfer(block(), D(2031, 1, 5), "MNG", "JPN")
    assert info.value.code == "OUTSIDE_AUTHORIZED_TIMEFRAME"


def test_authorization_without_date_fails_closed() -> None:
    """Refuses a first transfer under an authorization that has no date."""
    t = issued().authorize(ndc_auth(date=None), D(2025, 3, 1))
    with pytest.raises(Article6Error) as info:
        t.transfer(block(), D(2025, 6, 10), "MNG", "JPN")
    assert info.value.code == "MISSING_AUTHORIZATION_DATE"


def test_quantity_above_the_authorized_quantity_is_refused() -> None:
    """Refuses first transferring more than the authorized quantity."""
    t = issued().authorize(ndc_auth(authorized_quantity=600), D(2025, 3, 1))
    t = t.transfer(block(1, 600), D(2025, 6, 10), "MNG", "JPN")
    with pytest.raises(Article6Error) as info:
        t.transfer(block(601, 601), D(2025, 6, 11), "MNG", "JPN")
    assert info.value.code == "AUTHORIZED_QUANTITY_EXCEEDED"


def test_oimp_authorization_without_first_transfer_definition_fails_closed() -> None:
    """Refuses an OIMP authorization that states no first-transfer definition."""
    with pytest.raises(Article6Error) as info:
        oimp_auth(first_transfer_definition=None)
    assert info.value.code == "MISSING_FIRST_TRANSFER_DEFINITION"


def test_versions_must_follow_in_order() -> None:
    """Refuses version 3 after version 1 of an authorization."""
    book = AuthorizationBook().add(ndc_auth())
    with pytest.raises(Article6Error) as info:
        book.add(ndc_auth(version=3))
    assert info.value.code == "AUTHORIZATION_VERSION"


def test_a_revoking_version_spares_itmos_already_first_transferred() -> None:
    """Applies a revocation only to ITMOs not yet first transferred (§8.4)."""
    t = issued().authorize(ndc_auth(), D(2025, 3, 1))
    t = t.transfer(block(1, 400), D(2025, 6, 10), "MNG", "JPN")
    t = t.authorize(ndc_auth(version=2, revoked=True), D(2025, 7, 1))
    with pytest.raises(Article6Error) as info:
        t.transfer(block(401, 1000), D(2025, 8, 1), "MNG", "JPN")
    assert info.value.code == "NOT_AUTHORIZED"
    used = t.retire(block(1, 400), D(2026, 3, 1), "JPN")
    assert used.actions[-1].type is ActionType.USE
    assert used.actions[-1].authorization_version == 1


def test_issuance_into_japan_is_the_first_transfer_by_default() -> None:
    """Treats issuing authorized credits into Japan's registry as their first transfer (§9.6)."""
    jp = block(registry="JPN01", party="JPN")
    t = ItmoTracker().authorize(ndc_auth(), D(2025, 3, 1)).issue(jp, D(2025, 6, 1))
    assert codes(t) == [
        ("MNG", "Authorization", "Authorization"),
        ("MNG", "First transfer", "First transfer to another Party"),
        ("JPN", "Acquisition", None),
    ]
    assert t.actions[2].block.first.render() == "CA0099-JPN01-MNG-1-2024"


def test_registry_transfer_trigger_leaves_issuance_alone() -> None:
    """With ON_REGISTRY_TRANSFER, issuance into Japan's registry is no first transfer."""
    approach = CooperativeApproach(
        "CA0099", first_transfer_trigger=FirstTransferTrigger.ON_REGISTRY_TRANSFER
    )
    jp = block(registry="JPN01", party="JPN")
    t = ItmoTracker(approach=approach).authorize(ndc_auth(), D(2025, 3, 1)).issue(jp, D(2025, 6, 1))
    assert codes(t) == [("MNG", "Authorization", "Authorization")]
    with pytest.raises(Article6Error) as info:
        t.retire(jp, D(2026, 3, 1), "JPN")
    assert info.value.code == "NOT_FIRST_TRANSFERRED"


def test_oimp_use_or_cancellation_first_transfers_at_cancellation() -> None:
    """Records no internal transfer; a CORSIA cancellation is the first transfer (scenario 11)."""
    b = block(1, 500, vintage=2025)
    t = ItmoTracker().issue(b, D(2026, 1, 5)).authorize(oimp_auth(), D(2026, 1, 10))
    before = t.actions
    t = t.transfer(b, D(2026, 5, 1), "MNG", "MNG")
    assert t.actions == before
    assert not t.is_first_transferred(b)
    t = t.cancel(b, D(2027, 5, 1), "MNG", purpose="CORSIA", entity="airline-x")
    assert t.is_first_transferred(b)
    row = t.actions[-1]
    assert (row.type, row.subtype) == (ActionType.FIRST_TRANSFER, ActionSubtype.USE_OR_CANCELLATION)
    assert (row.purpose, row.using_entity, row.quantity) == ("CORSIA", "airline-x", 500)
    assert first_transferred_by_year(t.actions, "MNG") == {2027: 500}
    assert first_transferred_by_year(t.actions, "MNG", Attribution.VINTAGE) == {2025: 500}


def test_oimp_authorisation_definition_first_transfers_at_authorization() -> None:
    """Records First transfer / Authorization when the definition is Authorisation (§7.3)."""
    auth = oimp_auth(first_transfer_definition=FirstTransferDefinition.AUTHORISATION)
    t = ItmoTracker().issue(block(1, 500), D(2026, 1, 5)).authorize(auth, D(2026, 1, 10))
    assert codes(t)[-1] == ("MNG", "First transfer", "Authorization")
    assert t.holdings("MNG")[0].quantity == 500


def test_double_use_is_refused() -> None:
    """Refuses retiring units already used (ALREADY_USED)."""
    t = (
        issued()
        .authorize(ndc_auth(), D(2025, 3, 1))
        .transfer(block(), D(2025, 6, 10), "MNG", "JPN")
    )
    t = t.retire(block(1, 100), D(2026, 3, 1), "JPN")
    with pytest.raises(Article6Error) as info:
        t.retire(block(1, 100), D(2026, 3, 2), "JPN")
    assert info.value.code == "ALREADY_USED"


def test_pre_2021_vintage_cannot_be_used_toward_the_ndc() -> None:
    """Refuses using a 2019 vintage toward Japan's 2021–2030 NDC (VINTAGE_NOT_ELIGIBLE)."""
    old = block(vintage=2019)
    t = ItmoTracker().authorize(ndc_auth(), D(2025, 3, 1)).issue(old, D(2025, 4, 1))
    t = t.transfer(old, D(2025, 6, 10), "MNG", "JPN")
    with pytest.raises(Article6Error) as info:
        t.retire(old, D(2026, 3, 1), "JPN")
    assert info.value.code == "VINTAGE_NOT_ELIGIBLE"


def test_replay_stops_at_the_given_date() -> None:
    """Replays events up to a date, leaving later ones out."""
    events = [
        IssueEvent(D(2025, 1, 10), block()),
        AuthorizeEvent(D(2025, 3, 1), ndc_auth()),
        TransferEvent(D(2025, 6, 10), block(), "MNG", "JPN"),
    ]
    assert len(replay(events, until=D(2025, 5, 1)).actions) == 1
    assert len(replay(events).actions) == 3


def test_purposes_label_follows_the_nomenclature() -> None:
    """Labels purposes with the controlled values of 16(b)."""
    assert purposes_label({Purpose.NDC}) == "NDC"
    assert purposes_label({Purpose.NDC, Purpose.OIMP}) == "NDC and OIMP"
    assert purposes_label({Purpose.IMP, Purpose.OP}) == "OIMP"


def test_use_for_an_ndc_year_outside_the_period_is_refused() -> None:
    """Refuses a use for NDC year 2031 outside Japan's 2021–2030 period."""
    t = (
        issued()
        .authorize(ndc_auth(), D(2025, 3, 1))
        .transfer(block(), D(2025, 6, 10), "MNG", "JPN")
    )
    with pytest.raises(Article6Error) as info:
        t.retire(block(1, 10), D(2026, 3, 1), "JPN", ndc_year=2031)
    assert info.value.code == "NDC_YEAR_NOT_IN_PERIOD"


def test_units_not_in_the_senders_registry_are_not_held() -> None:
    """Refuses moving units from a registry that does not hold them (NOT_HELD)."""
    t = issued()
    with pytest.raises(Article6Error) as info:
        t.transfer(block(), D(2025, 6, 10), "JPN", "KOR")
    assert info.value.code == "NOT_HELD"
    with pytest.raises(Article6Error) as unknown:
        t.transfer(("MNG01", SerialRange(900, 1100)), D(2025, 6, 10), "MNG", "JPN")
    assert unknown.value.code == "NOT_HELD"


def test_issuing_known_serials_again_collides() -> None:
    """Refuses issuing serials already known (SERIAL_COLLISION)."""
    with pytest.raises(Article6Error) as info:
        issued().issue(block(500, 1500), D(2025, 2, 1))
    assert info.value.code == "SERIAL_COLLISION"


def test_authorization_of_another_approach_is_refused() -> None:
    """Refuses an authorization for another cooperative approach (WRONG_APPROACH)."""
    with pytest.raises(Article6Error) as info:
        issued().authorize(ndc_auth(cooperative_approach="CA0001"), D(2025, 3, 1))
    assert info.value.code == "WRONG_APPROACH"


def test_unknown_authorization_is_named() -> None:
    """Answers NO_SUCH_AUTHORIZATION for an unknown ID or version."""
    with pytest.raises(Article6Error) as info:
        AuthorizationBook().latest("X-1")
    assert info.value.code == "NO_SUCH_AUTHORIZATION"
    with pytest.raises(Article6Error) as version:
        AuthorizationBook().add(ndc_auth()).version("MNG-JCM-2024-001", 2)
    assert version.value.code == "NO_SUCH_AUTHORIZATION"


def test_first_transfer_before_the_authorization_date_is_refused() -> None:
    """Refuses a first transfer dated before the authorization's own date (C05)."""
    t = issued().authorize(ndc_auth(date=D(2025, 7, 1)), D(2025, 3, 1))
    with pytest.raises(Article6Error) as info:
        t.transfer(block(), D(2025, 6, 10), "MNG", "JPN")
    assert info.value.code == "NOT_AUTHORIZED"
    assert "precedes the date" in info.value.message


def test_later_international_transfer_is_transfer_and_acquisition() -> None:
    """Records Transfer (JPN) and Acquisition (KOR) when first-transferred ITMOs move on (§7.3)."""
    t = (
        issued()
        .authorize(ndc_auth(), D(2025, 3, 1))
        .transfer(block(), D(2025, 6, 10), "MNG", "JPN")
    )
    t = t.transfer(block(1, 100), D(2025, 9, 1), "JPN", "KOR")
    assert codes(t)[-2:] == [("JPN", "Transfer", None), ("KOR", "Acquisition", None)]
    assert t.actions[-2].acquiring_party == "KOR"
    assert t.first_transferred_quantity("MNG-JCM-2024-001") == 1000
    assert [h.quantity for h in t.holdings("KOR")] == [100]


def test_oimp_units_stay_home_until_used_or_cancelled() -> None:
    """Refuses moving OIMP units abroad before their use-or-cancellation first transfer."""
    b = block(1, 500, vintage=2025)
    t = ItmoTracker().issue(b, D(2026, 1, 5)).authorize(oimp_auth(), D(2026, 1, 10))
    with pytest.raises(Article6Error) as info:
        t.transfer(b, D(2026, 5, 1), "MNG", "JPN")
    assert info.value.code == "NOT_FIRST_TRANSFERRED"


def test_host_use_of_its_own_authorized_units_is_a_cancellation() -> None:
    """Records the host's own use of authorized units as Cancellation / Other cancellations."""
    t = issued().authorize(ndc_auth(), D(2025, 3, 1)).retire(block(1, 10), D(2025, 4, 1), "MNG")
    assert codes(t)[-1] == ("MNG", "Cancellation", "Other cancellations")
    assert [h.quantity for h in t.holdings("MNG")] == [990]
