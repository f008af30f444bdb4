"""pandas DataFrames of balances, history and the AEF tables (``jcm.frames``)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from cli_world import ARTICLE6, SETUP, write_requests

import jcm.frames
from jcm.article6 import view
from jcm.article6.aef import TABLE_NAMES, ActionRow
from jcm.article6.examples import report, section_9_6_registry
from jcm.cli import main
from jcm.errors import JcmError
from jcm.registry import Registry

SECTION_9_6 = section_9_6_registry()


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    """The registry of SETUP: GOJ 1-500, PP-A 501-800, B 801-1000."""
    path = tmp_path / "r.sqlite"
    requests = write_requests(tmp_path / "s.jsonl", SETUP)
    assert main(["registry", "--db", str(path), "apply", str(requests), "--json"]) == 0
    with Registry.open(path) as reg:
        yield reg


def test_balances_frame(registry: Registry) -> None:
    """Has one row per account with its kind, holder and integer balance, as the CLI shows them."""
    frame = jcm.frames.balances(registry)
    assert tuple(frame.columns) == jcm.frames.BALANCE_COLUMNS
    assert frame["balance"].dtype == "int64"
    assert dict(zip(frame["account"], frame["balance"], strict=True)) == registry.balances()
    assert frame.loc[frame["account"] == "B", ["kind", "holder", "frozen"]].iloc[0].tolist() == [
        "entity_holding",
        "b",
        False,
    ]
    assert int(frame["balance"].sum()) == 1000  # conservation: everything issued is held
    assert jcm.frames.balances(registry, party="MNG").empty


def test_history_frame(registry: Registry) -> None:
    """Lists the issuance and the transfer of serial 900 with UTC times and int quantities."""
    frame = jcm.frames.history(registry, "JPN01:900")
    assert tuple(frame.columns) == jcm.frames.HISTORY_COLUMNS
    assert frame[["type", "to", "serials"]].values.tolist() == [
        ["issue", "PP-A", "JPN01:501-1000"],
        ["transfer", "B", "JPN01:801-1000"],
    ]
    assert frame["from"].isna().tolist() == [True, False]  # an issuance debits no account
    assert frame["quantity"].tolist() == [500, 200]
    assert frame["fee"].tolist() == [0, 2500]
    assert str(frame["at"].dt.tz) == "UTC"
    assert frame["entry"].is_monotonic_increasing


def test_aef_tables_keep_the_template_types() -> None:
    """Gives the five tables with the template's labels, integer numbers and datetime dates."""
    tables = jcm.frames.aef_tables(report(SECTION_9_6, "JPN", 2025))
    assert tuple(tables) == TABLE_NAMES
    actions = tables["Table 3 Actions"]
    assert tuple(actions.columns) == ActionRow.headers()
    assert actions["Action date"].dtype.kind == "M"
    assert actions["Action date"].iloc[0] == pd.Timestamp("2025-06-10")
    assert actions["Quantity (t CO2 eq)"].tolist() == [1000]
    assert actions["Action subtype"].tolist() == ["NA"]
    assert tables["Table 1 Submission"]["Date of submission"].iloc[0] == pd.Timestamp("2026-04-10")
    empty = tables["Table 5 Auth. entities"]
    assert empty.empty
    assert empty["Date of the authorization"].dtype.kind == "M"


def test_aef_tables_from_a_registry(tmp_path: Path) -> None:
    """Sums Japan's 2025 holdings to the 800 credits left after retiring 200 of 1,000."""
    path = tmp_path / "a6.sqlite"
    requests = write_requests(tmp_path / "a6.jsonl", ARTICLE6)
    assert main(["registry", "--db", str(path), "apply", str(requests), "--import", "--json"]) == 0
    with Registry.open(path) as reg:
        bundle = view.aef_bundle(reg, "JPN", 2025, submitted_on=dt.date(2026, 4, 10))
    holdings = jcm.frames.aef_tables(bundle.report)["Table 4 Holdings"]
    assert int(holdings["Quantity (t CO2 eq)"].sum()) == 800


def test_without_pandas_the_error_says_what_to_install(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raises PANDAS_UNAVAILABLE naming the extra when pandas cannot be imported."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    for call in (
        lambda: jcm.frames.balances(registry),
        lambda: jcm.frames.history(registry, "B"),
        lambda: jcm.frames.aef_tables(report(SECTION_9_6, "JPN", 2025)),
    ):
        with pytest.raises(JcmError) as info:
            call()
        assert info.value.code == "PANDAS_UNAVAILABLE"
        assert "jcm-engine[pandas]" in info.value.message
