"""Registries the export tests read: the demo's history, and a two-Party world with every move."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from registry_world import issue, world

from jcm.demo import run_demo
from jcm.registry import Registry


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
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """The registry file ``jcm demo`` writes, open (read it, never change it)."""
    run = run_demo(tmp_path_factory.mktemp("demo") / "jcm-demo.sqlite")
    with Registry.open(run.db) as registry:
        yield registry


@pytest.fixture(scope="module")
def two_parties() -> Registry:
    """The two-Party world (read it, never change it)."""
    return two_party_world()


@pytest.fixture(params=["demo", "two_parties"])
def realistic(request: pytest.FixtureRequest) -> Registry:
    """Each realistic registry in turn."""
    registry: Registry = request.getfixturevalue(request.param)
    return registry
