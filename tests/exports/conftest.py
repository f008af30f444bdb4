"""Registries the export tests read: the demo's history, and a two-Party world with every move."""

from __future__ import annotations

import datetime as dt

import pytest
from registry_world import issue, world

from jcm.demo.sample import calculate, load_samples
from jcm.demo.scenario import OPERATOR, build_requests
from jcm.registry import Registry, Rejection


def demo_registry() -> Registry:
    """The demo's whole history (``jcm demo``) imported into a registry in memory."""
    samples = load_samples()
    results = {
        (sample.project, index): calculate(sample, period)
        for sample in samples
        for index, period in enumerate(sample.periods)
    }
    requests = build_requests(samples, results)
    registry = Registry(operator=OPERATOR, clock=lambda: dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    outcomes = registry.submit_batch(requests, import_by=OPERATOR)
    assert not [o for o in outcomes if isinstance(o, Rejection)]
    return registry


def two_party_world() -> Registry:
    """Both Parties issue their shares; credits go abroad, are retired and cancelled in both
    registries; a second project has only its PIN."""
    reg = world((("JPN", "GOJ", "40"), ("JPN", "PP-A", "40"), ("MNG", "MNG-GOV", "20")))
    issue(reg, "JPN")
    issue(reg, "MNG")
    moves = [
        ({"type": "transfer", "from": "PP-A", "to": "B", "quantity": 300}, "pp-a"),
        ({"type": "transfer", "from": "PP-A", "to": "MNG-GOV", "quantity": 50}, "pp-a"),
        ({"type": "retire", "from": "B", "quantity": 120, "beneficiary": "ACME"}, "b"),
        ({"type": "retire", "from": "B", "quantity": 30}, "b"),
        ({"type": "cancel", "from": "GOJ", "quantity": 25, "purpose": "OMGE"}, "jcma"),
        ({"type": "retire", "from": "MNG-GOV", "quantity": 60}, "mng-admin"),
        (
            {"type": "submit_pin", "project": "MN011", "partner": "MNG", "title": "Wind",
             "sector": "energy", "participants": ["pp-a"]},
            "pp-a",
        ),
    ]  # fmt: skip
    for request, actor in moves:
        reg.submit(request, actor=actor)
    return reg


@pytest.fixture(scope="module")
def demo() -> Registry:
    """The demo's registry (read it, never change it)."""
    return demo_registry()


@pytest.fixture(scope="module")
def two_parties() -> Registry:
    """The two-Party world (read it, never change it)."""
    return two_party_world()


@pytest.fixture(params=["demo", "two_parties"])
def realistic(request: pytest.FixtureRequest) -> Registry:
    """Each realistic registry in turn."""
    registry: Registry = request.getfixturevalue(request.param)
    return registry
