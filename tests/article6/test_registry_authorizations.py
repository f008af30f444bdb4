"""AEF Table 2 from a registry's full ``authorize`` requests (rules.md §8.2 [P2], §7.8 C12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from registry_world import issue, world

from jcm.article6 import view
from jcm.article6.aef import AuthorizationRow
from jcm.demo.sample import calculate, load_samples
from jcm.demo.scenario import OPERATOR, build_requests
from jcm.registry import Registry

SUBMITTED = dt.date(2026, 4, 15)

TABLE_2: dict[str, Any] = {
    "vintages": [2023],
    "purposes": ["NDC"],
    "date": "2025-05-20",
    "sectors": ["Energy generation"],
    "activity_types": ["Solar"],
    "authorized_parties": ["JPN"],
    "terms": "Changes apply to credits not yet first transferred.",
    "timeframe": {"start": "2021-01-01", "end": "2030-12-31"},
    "authorized_quantity": 1000,
}
"""A fully specified NDC authorization of MN010's 2023 credits, less its id and Party.

The quantity covers Japan's half (500, first transferred to Japan when Mongolia authorizes them,
issued there before: the default trigger, docs/api.md) and Mongolia's transfer of 100.
"""


def _registry(**extra: Any) -> Registry:
    """Both Parties authorize MN010 with ``TABLE_2`` (and ``extra``); Mongolia first transfers 100.

    Each Party issues its half (500 credits); Mongolia moves 100 to Japan's registry.
    """
    reg = world(allocation=(("JPN", "GOJ", "50"), ("MNG", "MNG-GOV", "50")), authorize=False)
    issue(reg, "MNG")
    issue(reg, "JPN")
    for name, party, admin in (("JP-1", "JPN", "jcma"), ("MN-1", "MNG", "mng-admin")):
        request = {"type": "authorize", "authorization": name, "party": party, "project": "MN010"}
        reg.submit({**request, **TABLE_2, **extra}, actor=admin)
    reg.submit({"type": "transfer", "from": "MNG-GOV", "to": "GOJ", "quantity": 100}, "mng-admin")
    return reg


def _rows(reg: Registry, party: str) -> tuple[AuthorizationRow, ...]:
    return view.aef_bundle(reg, party, 2025, submitted_on=SUBMITTED).report.authorizations


def test_full_authorizations_give_no_c12_warning() -> None:
    """Checks both Parties' 2025 AEF of a registry with full authorizations: no problem at all."""
    reg = _registry()
    for party in ("JPN", "MNG"):
        bundle = view.aef_bundle(reg, party, 2025, submitted_on=SUBMITTED)
        assert len(bundle.report.authorizations) == 1
        assert bundle.check().codes() == ()


def test_missing_sectors_give_a_c12_warning() -> None:
    """Warns C12 on the Table 2 row of an authorization that states no sector."""
    reg = world(allocation=(("JPN", "GOJ", "50"), ("MNG", "MNG-GOV", "50")), authorize=False)
    issue(reg, "MNG")
    fields = {k: v for k, v in TABLE_2.items() if k != "sectors"}
    reg.submit(
        {"type": "authorize", "authorization": "MN-1", "party": "MNG", "project": "MN010",
         **fields},
        actor="mng-admin",
    )  # fmt: skip
    reg.submit({"type": "transfer", "from": "MNG-GOV", "to": "GOJ", "quantity": 100}, "mng-admin")
    problems = view.aef_bundle(reg, "MNG", 2025, submitted_on=SUBMITTED).check()
    assert problems.codes() == ("C12",)
    assert "Sector(s)" in problems.problems[0].message


def test_table_2_row_carries_the_request_fields() -> None:
    """Writes date, approach, version, sectors, activity types, Parties and terms into Table 2."""
    (row,) = _rows(_registry(), "MNG")
    assert row.authorization_id == "MN-1"
    assert row.date == dt.date(2025, 5, 20)
    assert (row.cooperative_approach, row.version) == ("CA0099", 1)
    assert row.sectors == ("Energy generation",)
    assert row.activity_types == ("Solar",)
    assert row.authorized_parties == ("JPN",)
    assert row.terms == "Changes apply to credits not yet first transferred."
    assert (row.timeframe, row.authorized_quantity) == ("2021 - 2030", 1000)
    assert row.purposes == "NDC"


def test_oimp_authorization_states_its_oimp() -> None:
    """Fills 'OIMP authorized by the Party' and the first-transfer definition; no C12 warning."""
    reg = _registry(
        purposes=["NDC", "IMP"],
        oimp="use under CORSIA",
        first_transfer_definition="Use or Cancellation",
        authorized_entities=["Airline Co."],
    )
    bundle = view.aef_bundle(reg, "MNG", 2025, submitted_on=SUBMITTED)
    (row,) = bundle.report.authorizations
    assert (row.purposes, row.oimp) == ("NDC and IMP", "use under CORSIA")
    assert row.first_transfer_definition == "Use or Cancellation"
    assert row.authorized_entities == ("Airline Co.",)
    assert "C12" not in bundle.check().codes()


def test_each_version_is_a_table_2_row() -> None:
    """Reports versions 1 and 2 of one authorization as two Table 2 rows."""
    reg = _registry()
    change = {"type": "authorize", "authorization": "MN-1", "party": "MNG", "project": "MN010"}
    reg.submit({**change, **TABLE_2, "version": 2, "authorized_quantity": 900}, "mng-admin")
    bundle = view.aef_bundle(reg, "MNG", 2025, submitted_on=SUBMITTED)
    rows = bundle.report.authorizations
    assert [(r.authorization_id, r.version, r.authorized_quantity) for r in rows] == [
        ("MN-1", 1, 1000),
        ("MN-1", 2, 900),
    ]
    assert bundle.check().codes() == ()


def test_authorization_of_another_approach_is_left_out() -> None:
    """Leaves a CA0042 authorization out of the CA0099 view; one naming no approach is in both."""
    reg = _registry()
    other = {"type": "authorize", "authorization": "MN-9", "party": "MNG", "project": "MN010"}
    reg.submit({**other, **TABLE_2, "cooperative_approach": "CA0042"}, "mng-admin")
    rows = _rows(reg, "MNG")
    assert [(r.authorization_id, r.cooperative_approach) for r in rows] == [("MN-1", "CA0099")]
    ids = {
        approach: sorted({a.authorization_id for a in view.actions(reg, approach)})
        for approach in ("CA0099", "CA0042")
    }
    assert ids == {"CA0099": ["MN-1"], "CA0042": []}
    other_view = view.aef_bundle(reg, "MNG", 2025, submitted_on=SUBMITTED, approach_id="CA0042")
    assert [r.authorization_id for r in other_view.report.authorizations] == ["MN-9"]


def test_demo_aef_has_no_problem_in_any_year() -> None:
    """Finds no C01-C12 problem, warnings included, in Japan's AEF of each demo year."""
    samples = load_samples()
    results = {
        (sample.project, index): calculate(sample, period)
        for sample in samples
        for index, period in enumerate(sample.periods)
    }
    requests = build_requests(samples, results)
    authorizations = [r for r in requests if r["type"] == "authorize"]
    assert len(authorizations) == 6
    assert all(r["sectors"] and r["activity_types"] for r in authorizations)
    reg = Registry()
    assert all(r.ok for r in reg.submit_batch(requests, import_by=OPERATOR))
    for year in (2024, 2025, 2026):
        bundle = view.aef_bundle(reg, "JPN", year, submitted_on=dt.date(year + 1, 4, 15))
        assert bundle.check().codes() == ()
    assert len(view.aef_bundle(reg, "JPN", 2024, submitted_on=SUBMITTED).report.authorizations) == 3
