"""Tests of the OffsetsDB and CADT exports on a small registry built through the request API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

import jcm.cli
from jcm.cli import main
from jcm.core.credit import parse_identifier
from jcm.errors import InvalidValueError
from jcm.exports import cadt_json, cadt_units, credit_transactions, offsetsdb_csv
from jcm.exports.cadt import ISSUANCE_KEYS, UNIT_KEYS, VERIFICATION_APPROACH
from jcm.exports.offsetsdb import COLUMNS, PROJECT_COLUMNS
from jcm.registry import Registry

PERIOD = {"start": "2022-07-01", "end": "2023-06-30"}
START = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


class Clock:
    """A clock that advances one minute per reading from 2025-06-01 00:00 UTC."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


def steps() -> list[tuple[dict[str, Any], str]]:
    """The requests (and actors) of a small world: PIN to issuance, then moves."""

    def r(type_: str, actor: str, **fields: Any) -> tuple[dict[str, Any], str]:
        return {"type": type_, **fields}, actor

    accounts = [
        ("GOJ", "JPN", "government_holding", "jcma"),
        ("JPN-RET", "JPN", "retirement", "jcma"),
        ("JPN-CAN", "JPN", "cancellation", "jcma"),
        ("PP-A", "JPN", "entity_holding", "pp-a"),
        ("B", "JPN", "entity_holding", "b"),
        ("MNG-GOV", "MNG", "government_holding", "mng-admin"),
    ]
    allocation = [
        {"party": "JPN", "account": "GOJ", "share": "50"},
        {"party": "JPN", "account": "PP-A", "share": "50"},
    ]
    return [
        r("add_party", "operator", party="JPN", registry_id="JPN01", administrator="jcma"),
        r("add_party", "operator", party="MNG", registry_id="MNG01", administrator="mng-admin"),
        r("add_principal", "operator", principal="pp-a", role="project_participant", party="JPN"),
        r("add_principal", "operator", principal="jc-mn", role="joint_committee", party="MNG"),
        r("add_principal", "operator", principal="tpe", role="third_party_entity", party="JPN"),
        r("add_principal", "jcma", principal="b", role="account_holder", party="JPN"),
        *[
            r("open_account", "jcma" if p == "JPN" else "mng-admin", account=a, party=p, kind=k,
              holder=h)
            for a, p, k, h in accounts
        ],
        r("submit_pin", "pp-a", project="MN010", partner="MNG", title="Solar", sector="energy",
          participants=["pp-a"]),
        r("decide_no_objection", "jc-mn", project="MN010"),
        r("submit_pdd", "pp-a", project="MN010", methodology="MN_AM003",
          methodology_version="1.0", crediting_period={"start": "2022-07-01", "end": "2030-12-31"},
          allocation=allocation),
        r("start_public_input", "jc-mn", project="MN010", on="2024-01-01"),
        r("close_public_input", "jc-mn", project="MN010", on="2024-02-01"),
        r("submit_validation_report", "tpe", project="MN010", positive=True),
        r("register_project", "jc-mn", project="MN010"),
        r("submit_monitoring_report", "pp-a", project="MN010", period=PERIOD),
        r("submit_verification_report", "tpe", project="MN010", period=PERIOD,
          verified_reductions=1000),
        r("request_issuance", "pp-a", project="MN010", period=PERIOD),
        r("decide_issuance", "jc-mn", project="MN010", period=PERIOD,
          quantities_by_vintage={"2022": 400, "2023": 600}),
        r("authorize", "jcma", authorization="JP-1", party="JPN", project="MN010",
          vintages=[2023], purposes=["NDC"]),
        r("authorize", "mng-admin", authorization="MN-1", party="MNG", project="MN010",
          vintages=[2023], purposes=["NDC"]),
        r("issue", "jcma", project="MN010", period=PERIOD, party="JPN"),
        r("transfer", "pp-a", **{"from": "PP-A", "to": "B"}, quantity=200),
        r("retire", "b", **{"from": "B"}, quantity=150, beneficiary="ACME Corp"),
        r("cancel", "jcma", **{"from": "GOJ"}, serials=[1, 100], purpose="voluntary"),
        r("retire", "b", **{"from": "B"}, quantity=50),
    ]  # fmt: skip


def build(registry: Registry) -> Registry:
    """Submit every step to ``registry``; return it."""
    for request, actor in steps():
        registry.submit(request, actor=actor)
    return registry


@pytest.fixture(autouse=True)
def _export_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes ``jcm export`` available whether or not the lead has wired it yet."""
    if "export" not in jcm.cli._SUBCOMMANDS:
        monkeypatch.setattr(jcm.cli, "_SUBCOMMANDS", (*jcm.cli._SUBCOMMANDS, "export"))


@pytest.fixture
def reg() -> Registry:
    """The small world in memory."""
    return build(Registry(clock=Clock()))


def at(entry: int) -> str:
    """The time the clock gives entry number ``entry``."""
    when = START + dt.timedelta(minutes=entry)
    return when.isoformat().replace("+00:00", "Z")


def test_the_world_holds_what_the_tests_expect(reg: Registry) -> None:
    """Issues 2022 serials 1-400 and 2023 serials 401-1000, each vintage split half and half."""
    assert reg.verify() == ()
    blocks = {a: [(b.vintage, b.serials.start, b.serials.end) for b in reg.holdings(a)]
              for a in ("GOJ", "PP-A", "B", "JPN-RET", "JPN-CAN")}  # fmt: skip
    assert blocks == {
        "GOJ": [(2022, 101, 200), (2023, 401, 700)],
        "PP-A": [(2022, 201, 400), (2023, 701, 800)],
        "B": [],
        "JPN-RET": [(2023, 801, 1000)],
        "JPN-CAN": [(2022, 1, 100)],
    }


def test_offsetsdb_rows_are_exact(reg: Registry) -> None:
    """Writes one row per (entry, project, vintage) of issuances, retirements and cancellations."""
    rows = list(csv.reader(io.StringIO(offsetsdb_csv(reg))))
    issue = len(steps()) - 4  # entry number of the issue; the transfer after it has no row
    assert rows == [
        list(COLUMNS),
        ["400", "MN010", "2022", at(issue), "issuance", "", "", "", "", "", ""],
        ["600", "MN010", "2023", at(issue), "issuance", "", "", "", "", "", ""],
        ["150", "MN010", "2023", at(issue + 2), "retirement", "B", "NDC 2030", "", "ACME Corp",
         "", ""],
        ["100", "MN010", "2022", at(issue + 3), "cancellation", "GOJ", "voluntary", "", "", "",
         ""],
        ["50", "MN010", "2023", at(issue + 4), "retirement", "B", "NDC 2030", "", "", "", ""],
    ]  # fmt: skip


def test_offsetsdb_projects_row_is_exact(reg: Registry) -> None:
    """Writes the project with its PIN time, first issuance and retirement, and its totals."""
    rows = list(csv.DictReader(io.StringIO(offsetsdb_csv(reg, table="projects"))))
    issue = len(steps()) - 4
    assert [list(r) for r in rows] == [list(PROJECT_COLUMNS)]
    assert rows == [
        {
            "project_id": "MN010",
            "name": "Solar",
            "registry": "joint-crediting-mechanism",
            "proponent": "pp-a",
            "protocol": "",
            "protocol_unassigned": '["MN_AM003"]',
            "category": "unknown",
            "project_type": "Unknown",
            "project_type_source": "jcm",
            "status": "registered",
            "country": "Mongolia",
            "listed_at": at(13),
            "first_issuance_at": at(issue),
            "first_retirement_at": at(issue + 2),
            "issued": "1000",
            "retired": "200",
            "is_compliance": "False",
            "project_url": "",
        }
    ]


def test_offsetsdb_refuses_an_unknown_table(reg: Registry) -> None:
    """Refuses a table OffsetsDB does not have, naming the field and the tables it has."""
    with pytest.raises(InvalidValueError, match="table: 'units' is invalid: must be one of"):
        offsetsdb_csv(reg, table="units")  # type: ignore[arg-type]


def test_offsetsdb_quantities_balance_the_registry(reg: Registry) -> None:
    """Sums issuances and retirements to what the registry holds and has retired."""
    rows = credit_transactions(reg)
    issued = sum(r.quantity for r in rows if r.transaction_type == "issuance")
    retired = sum(r.quantity for r in rows if r.transaction_type == "retirement")
    assert issued == sum(reg.issued().values()) == 1000
    assert retired == reg.balance("JPN-RET")


def test_a_move_across_vintages_gives_a_row_per_vintage(reg: Registry) -> None:
    """Splits a cancellation of 2022 and 2023 serials into one row for each vintage."""
    reg.submit({"type": "transfer", "from": "PP-A", "to": "B", "quantity": 10}, "pp-a")
    before = credit_transactions(reg)
    reg.submit({"type": "cancel", "from": "PP-A", "quantity": 150, "purpose": "OMGE"}, "pp-a")
    after = credit_transactions(reg)
    assert after[: len(before)] == before  # the transfer added no row
    assert [(r.vintage, r.quantity, r.transaction_type) for r in after[len(before) :]] == [
        (2022, 60, "cancellation"),
        (2023, 90, "cancellation"),
    ]


def test_cadt_units_are_exact(reg: Registry) -> None:
    """Writes one unit per held block, retired and cancelled ones with their reasons."""
    units = cadt_units(reg)
    assert all(tuple(u) == UNIT_KEYS and tuple(u["issuance"]) == ISSUANCE_KEYS for u in units)
    summary = [
        (u["unitOwner"], u["unitRegistryLink"], u["vintageYear"], u["unitStatus"],
         u["unitStatusReason"], u["correspondingAdjustmentDeclaration"], u["unitBlockStart"],
         u["unitBlockEnd"], u["unitCount"])
        for u in units
    ]  # fmt: skip
    assert summary == [
        ("jcma", "JPN01-MN010-2022-000000101-000000200", 2022, "Held", None, "Unknown", "101",
         "200", 100),
        ("jcma", "JPN01-MN010-2023-000000401-000000700", 2023, "Held", None, "Committed", "401",
         "700", 300),
        ("jcma", "JPN01-MN010-2023-000000801-000000850", 2023, "Retired", "NDC 2030", "Committed",
         "801", "850", 50),
        ("jcma", "JPN01-MN010-2023-000000851-000001000", 2023, "Retired",
         "NDC 2030; beneficiary ACME Corp", "Committed", "851", "1000", 150),
        ("jcma", "JPN01-MN010-2022-000000001-000000100", 2022, "Cancelled", "voluntary",
         "Unknown", "1", "100", 100),
        ("pp-a", "JPN01-MN010-2022-000000201-000000400", 2022, "Held", None, "Unknown", "201",
         "400", 200),
        ("pp-a", "JPN01-MN010-2023-000000701-000000800", 2023, "Held", None, "Committed", "701",
         "800", 100),
    ]  # fmt: skip
    first = units[0]
    assert first["countryJurisdictionOfOwner"] == "Japan"
    assert first["unitType"] == "Reduction - technical"
    assert first["correspondingAdjustmentStatus"] == "Not Started"
    verified = [e for e in reg.store.entries() if e.type == "submit_verification_report"]
    assert first["issuance"] == {
        "warehouseProjectId": "MN010",
        "startDate": "2022-07-01",
        "endDate": "2023-06-30",
        "verificationApproach": VERIFICATION_APPROACH,
        "verificationBody": "tpe",
        "verificationReportDate": verified[0].at.date().isoformat(),
    }
    assert first["issuance"]["verificationReportDate"] == "2025-06-01"
    no_source = (
        "projectLocationId",
        "inCountryJurisdictionOfOwner",
        "marketplace",
        "marketplaceLink",
        "marketplaceIdentifier",
        "unitTags",
    )
    assert all(u[key] is None for u in units for key in no_source)


def test_cadt_units_count_every_held_credit(reg: Registry) -> None:
    """Counts exactly the credits the registry holds; each link names the unit's serials."""
    units = cadt_units(reg)
    assert sum(u["unitCount"] for u in units) == sum(reg.balances().values())
    for unit in units:
        registry, project, vintage, serials = parse_identifier(unit["unitRegistryLink"])
        assert (registry, project, vintage) == ("JPN01", "MN010", unit["vintageYear"])
        assert (str(serials.start), str(serials.end)) == (
            unit["unitBlockStart"],
            unit["unitBlockEnd"],
        )
        assert serials.end - serials.start + 1 == unit["unitCount"]


def test_cadt_writes_a_given_registry_link(reg: Registry) -> None:
    """Writes the caller's registry link in every unit, and refuses an empty one."""
    link = "https://registry.example/jcm"
    assert {u["unitRegistryLink"] for u in cadt_units(reg, registry_link=link)} == {link}
    with pytest.raises(InvalidValueError, match="registry_link"):
        cadt_units(reg, registry_link=" ")


def test_an_international_transfer_is_held_abroad(reg: Registry) -> None:
    """Shows credits moved to Mongolia's registry as held there by its government."""
    reg.submit({"type": "transfer", "from": "PP-A", "to": "MNG-GOV", "quantity": 10}, "pp-a")
    (unit,) = [u for u in cadt_units(reg) if u["unitOwner"] == "mng-admin"]
    assert (unit["countryJurisdictionOfOwner"], unit["unitStatus"], unit["unitCount"]) == (
        "Mongolia",
        "Held",
        10,
    )
    assert unit["unitRegistryLink"] == "JPN01-MN010-2023-000000791-000000800"


def test_cli_exports_a_registry_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Writes the same CSV tables and JSON from the command line as from Python."""
    db = tmp_path / "registry.sqlite"
    link = "https://registry.example/jcm"
    with Registry.open(db) as registry:
        build(registry)
        credits, projects = offsetsdb_csv(registry), offsetsdb_csv(registry, table="projects")
        expected_json = cadt_json(registry, registry_link=link)
    assert main(["export", "--db", str(db), "offsetsdb"]) == 0
    assert capsys.readouterr().out == credits
    assert main(["export", "--db", str(db), "offsetsdb", "--table", "credits"]) == 0
    assert capsys.readouterr().out == credits
    out = tmp_path / "projects.csv"
    args = ["export", "--db", str(db), "offsetsdb", "--table", "projects", "--out", str(out)]
    assert main(args) == 0
    assert out.read_text(encoding="utf-8") == projects
    out = tmp_path / "units.json"
    args = ["export", "--db", str(db), "cadt", "--registry-link", link, "--out", str(out)]
    assert main(args) == 0
    assert out.read_text(encoding="utf-8") == expected_json
    assert len(json.loads(expected_json)) == 7


@pytest.mark.parametrize(
    ("args", "option"),
    [(["cadt", "--table", "projects"], "--table"), (["offsetsdb", "--registry-link", "x"],
      "--registry-link")],
)  # fmt: skip
def test_cli_refuses_an_option_of_the_other_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], option: str
) -> None:
    """Exits 2 naming an option that belongs to the other export format."""
    db = tmp_path / "registry.sqlite"
    with Registry.open(db) as registry:
        build(registry)
    assert main(["export", "--db", str(db), *args]) == 2
    assert f"{option}: " in (err := capsys.readouterr().err)
    assert f"does not apply to the {args[0]} format" in err


def test_cli_refuses_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exits 2 naming a registry file that does not exist, and creates none."""
    db = tmp_path / "missing.sqlite"
    assert main(["export", "--db", str(db), "cadt"]) == 2
    assert "no such registry file" in capsys.readouterr().err
    assert not db.exists()
