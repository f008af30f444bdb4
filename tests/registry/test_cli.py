"""Tests of ``jcm registry``: apply, balances, history, verify, certificate and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_world import SETUP, write_requests

from jcm.cli import main


def _r(type_: str, actor: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_, "actor": actor, **fields}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A registry file holding the setup: GOJ 1-500, PP-A 501-800, B 801-1000."""
    path = tmp_path / "registry.sqlite"
    setup = write_requests(tmp_path / "s.jsonl", SETUP)
    assert main(["registry", "--db", str(path), "apply", str(setup)]) == 0
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["registry", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_apply_prints_one_receipt_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Prints one JSON receipt per request with --json and exits 0 when all are accepted."""
    path = tmp_path / "r.sqlite"
    requests = write_requests(tmp_path / "s.jsonl", SETUP)
    code, out, _ = _run(capsys, "--db", str(path), "apply", str(requests), "--json")
    assert code == 0
    receipts = [json.loads(line) for line in out.splitlines()]
    assert len(receipts) == len(SETUP)
    assert all(r["ok"] for r in receipts)
    assert receipts[-1] == {
        "ok": True, "entry": len(SETUP), "type": "transfer", "fee": 2500, "from": "PP-A",
        "to": "B", "quantity": 200, "serials": [["JPN01", 801, 1000]],
    }  # fmt: skip


def test_apply_exits_1_when_a_request_is_rejected(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reports the rejection as JSON, applies the others, and exits 1 (API.md)."""
    requests = write_requests(
        tmp_path / "more.jsonl",
        [
            {"type": "retire", "actor": "b", "from": "B", "quantity": 10},  # not authorized
            {"type": "transfer", "actor": "b", "from": "B", "to": "PP-A", "quantity": 10},
        ],
    )
    code, out, err = _run(capsys, "--db", str(db), "apply", str(requests), "--json")
    assert code == 1
    first, second = (json.loads(line) for line in out.splitlines())
    assert set(first) == {"ok", "error"}
    assert first["ok"] is False
    assert set(first["error"]) == {"code", "message"}
    assert first["error"]["code"] == "NOT_AUTHORIZED"
    assert second["ok"] is True
    assert "NOT_AUTHORIZED" in err


def test_apply_exits_2_for_a_malformed_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Names the line and field of a malformed request, applies nothing and exits 2."""
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"type": "transfer", "actor": "b", "from": "B", "to": "PP-A", "quantity": 1})
        + "\n\n"
        + json.dumps({"type": "transfer", "actor": "b", "from": "B", "to": "PP-A", "qty": 1})
        + "\n{not json\n",
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "--db", str(db), "apply", str(path))
    assert code == 2
    assert out == ""
    assert "line 3" in err
    assert "$.qty" in err
    assert "line 4" in err
    _, balances, _ = _run(capsys, "--db", str(db), "balances", "--json")
    assert json.loads(balances)["B"] == 200


def test_apply_refuses_times_without_import(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refuses 'at' unless --import is given (exit 2), and records it with --import."""
    request = {"type": "add_party", "actor": "operator", "party": "VNM", "registry_id": "VNM01",
               "administrator": "vn", "at": "2099-01-01T00:00:00Z"}  # fmt: skip
    path = write_requests(tmp_path / "imp.jsonl", [request])
    code, _, err = _run(capsys, "--db", str(db), "apply", str(path))
    assert code == 2
    assert "$.at" in err
    code, out, _ = _run(capsys, "--db", str(db), "apply", str(path), "--import")
    assert code == 0
    assert "add_party" in out


def test_balances_lists_every_account(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lists every account, empty ones too, as JSON and as an aligned table."""
    code, out, _ = _run(capsys, "--db", str(db), "balances", "--json")
    assert code == 0
    assert json.loads(out) == {"GOJ": 500, "JPN-RET": 0, "PP-A": 300, "B": 200}
    code, out, _ = _run(capsys, "--db", str(db), "balances", "--party", "JPN")
    lines = out.splitlines()
    assert lines[0].split() == ["account", "party", "kind", "holder", "balance"]
    assert set(lines[1]) == {"-", " "}
    assert lines[5].split() == ["B", "JPN", "entity_holding", "b", "200"]
    assert len({len(line) for line in lines}) == 1  # right-aligned balances


def test_history_of_a_serial_and_an_account(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lists the issuance and the transfer of serial 900, and the entries of account B."""
    code, out, _ = _run(capsys, "--db", str(db), "history", "JPN01:900", "--json")
    assert code == 0
    assert [(r["type"], r["to"]) for r in json.loads(out)] == [("issue", "PP-A"), ("transfer", "B")]
    code, out, _ = _run(capsys, "--db", str(db), "history", "B")
    assert code == 0
    assert "transfer" in out
    assert "JPN01:801-1000" in out
    code, _, err = _run(capsys, "--db", str(db), "history", "not a thing")
    assert code == 2
    assert "subject" in err


def test_verify_exits_0_on_a_sound_file_and_1_on_a_damaged_one(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reports a clean journal, and exits 1 naming the entry after a byte is changed."""
    code, out, _ = _run(capsys, "--db", str(db), "verify", "--json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "entries": len(SETUP), "problems": []}
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE journal SET body = replace(body, ?, ?) WHERE seq = ?",
            ('"quantity":200', '"quantity":201', len(SETUP)),
        )
    conn.close()
    code, out, _ = _run(capsys, "--db", str(db), "verify", "--json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert any(p["subject"] == f"entry {len(SETUP)}" for p in problems)


def test_certificate_of_an_account(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the account's records as text and as JSON; an unknown account exits 2."""
    code, out, _ = _run(capsys, "--db", str(db), "certificate", "B")
    assert code == 0
    assert "balance   200 tCO2e" in out
    assert "JPN01-MN010-2023-000000801-000001000" in out
    code, out, _ = _run(capsys, "--db", str(db), "certificate", "B", "--json")
    assert json.loads(out)["holdings"][0]["serials"] == [801, 1000]
    code, _, err = _run(capsys, "--db", str(db), "certificate", "NOPE")
    assert code == 2
    assert "NO_SUCH_ACCOUNT" in err


def test_queries_need_an_existing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exits 2 when the registry file of a query does not exist, and creates nothing."""
    path = tmp_path / "missing.sqlite"
    code, _, err = _run(capsys, "--db", str(path), "balances")
    assert code == 2
    assert "no such registry file" in err
    assert not path.exists()


def test_operator_is_named_when_the_file_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Makes --operator the registry's operator; requests by 'operator' are then refused."""
    path = tmp_path / "r.sqlite"
    request = _r("add_party", "boss", party="JPN", registry_id="JPN01", administrator="jcma")
    other = {**request, "actor": "operator", "party": "MNG", "registry_id": "MNG01"}
    requests = write_requests(tmp_path / "a.jsonl", [request, {**other, "administrator": "m"}])
    args = ["--db", str(path), "--operator", "boss", "apply", str(requests), "--json"]
    code, out, _ = _run(capsys, *args)
    assert code == 1
    ok, refused = (json.loads(line) for line in out.splitlines())
    assert ok["ok"] is True
    assert refused["error"]["code"] == "NOT_PERMITTED"


def test_a_file_that_is_not_a_registry_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exits 2 naming the file when --db is not a registry file."""
    path = tmp_path / "notes.sqlite"
    path.write_text("these are not the credits you are looking for\n" * 100, encoding="utf-8")
    code, _, err = _run(capsys, "--db", str(path), "verify")
    assert code == 2
    assert "not a registry file" in err
