"""Errors as JSON (docs/api.md): every command that prints JSON fails with one error object.

Each case runs one failing command line with ``--json`` (``--format json`` for ``aef``) and checks
the exit status, the error's code, field and value, the single JSON object on stdout and the
human message on stderr. A walk over the parser checks that every command with JSON output has a
case here, so a new command cannot forget its JSON error.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from cli_world import Run

import jcm.cli.registry
from jcm.cli import build_parser, main, wants_json
from jcm.cli.failure import BadRowsError, UsageError, error_body, exit_status, json_safe
from jcm.errors import InvalidValueError, JcmError, UnknownAccountError

KEYS = {"code", "message", "field", "value", "rule"}


@attrs.frozen
class Case:
    """A failing command line and the error it must report."""

    command: str
    """The (sub-)command concerned, as ``jcm --help`` names it (``registry balances``)."""
    argv: tuple[str, ...]
    status: int
    code: str
    field: str | None
    value: Any = None


def _files(tmp: Path) -> None:
    (tmp / "latin1.jsonl").write_bytes('{"actor": "Jos\xe9"}\n'.encode("latin-1"))
    (tmp / "empty.sqlite").write_bytes(b"")
    (tmp / "notes.sqlite").write_text("not a registry\n" * 100, encoding="utf-8")
    (tmp / "outdir").mkdir()
    (tmp / "broken.json").write_text('{"parcels": [', encoding="utf-8")
    (tmp / "list.json").write_text("[1, 2]", encoding="utf-8")


CASES = [
    Case("registry apply", ("registry", "--db", "{db}", "apply", "{tmp}/none.jsonl", "--json"),
         2, "NO_SUCH_FILE", "REQUESTS.jsonl", "{tmp}/none.jsonl"),
    Case("registry apply", ("registry", "--db", "{db}", "apply", "{tmp}/latin1.jsonl", "--json"),
         2, "NOT_UTF8", "REQUESTS.jsonl", "{tmp}/latin1.jsonl"),
    Case("registry apply", ("registry", "--db", "{db}", "apply", "--json"),
         2, "USAGE", "REQUESTS.jsonl"),
    Case("registry balances", ("registry", "--db", "{tmp}/none.sqlite", "balances", "--json"),
         2, "NO_SUCH_REGISTRY", "--db", "{tmp}/none.sqlite"),
    Case("registry balances", ("registry", "--db", "{tmp}/empty.sqlite", "balances", "--json"),
         2, "STORE_UNREADABLE", "--db", "{tmp}/empty.sqlite"),
    Case("registry balances", ("registry", "--db", "{db}", "balances", "--party", "XXX", "--json"),
         2, "NO_SUCH_PARTY", "--party", "XXX"),
    Case("registry balances", ("registry", "balances", "--json"), 2, "USAGE", "--db"),
    Case("registry history", ("registry", "--db", "{db}", "history", "not a thing", "--json"),
         2, "INVALID_VALUE", "subject", "not a thing"),
    Case("registry verify", ("registry", "--db", "{tmp}/notes.sqlite", "verify", "--json"),
         2, "STORE_UNREADABLE", "--db", "{tmp}/notes.sqlite"),
    Case("registry certificate", ("registry", "--db", "{db}", "certificate", "NOPE", "--json"),
         2, "NO_SUCH_ACCOUNT", "account", "NOPE"),
    Case("article6 aef", ("article6", "--db", "{db}", "aef", "--party", "XXX", "--year", "2025",
                          "--format", "json"), 2, "NO_SUCH_PARTY", "--party", "XXX"),
    Case("article6 aef", ("article6", "--db", "{db}", "aef", "--party", "JPN", "--year", "1999",
                          "--format", "json"), 2, "INVALID_VALUE", "--year", 1999),
    Case("article6 aef", ("article6", "--db", "{db}", "aef", "--party", "JPN", "--year", "2101",
                          "--format", "json"), 2, "INVALID_VALUE", "--year", 2101),
    Case("article6 aef", ("article6", "--db", "{db}", "aef", "--party", "JPN", "--year", "2025",
                          "--submitted-on", "10/04/2026", "--format", "json"),
         2, "USAGE", "--submitted-on", "10/04/2026"),
    Case("article6 aef", ("article6", "--db", "{db}", "aef", "--party", "JPN", "--year", "twenty",
                          "--format", "json"), 2, "USAGE", "--year", "twenty"),
    Case("article6 adjustments", ("article6", "--db", "{db}", "adjustments", "--party", "ZZZ",
                                  "--json"), 2, "NO_SUCH_PARTY", "--party", "ZZZ"),
    Case("article6 adjustments", ("article6", "--db", "{db}", "adjustments", "--party", "japan",
                                  "--json"), 2, "INVALID_VALUE", "--party", "japan"),
    Case("article6 shk", ("article6", "--db", "{db}", "shk", "--account", "NOPE", "--json"),
         2, "NO_SUCH_ACCOUNT", "account", "NOPE"),
    Case("export", ("export", "--db", "{tmp}/none.sqlite", "cadt", "--json"),
         2, "NO_SUCH_REGISTRY", "--db", "{tmp}/none.sqlite"),
    Case("export", ("export", "--db", "{db}", "offsetsdb", "--out", "{tmp}/outdir", "--json"),
         2, "OS_ERROR", "out", "{tmp}/outdir"),
    Case("export", ("export", "--db", "{db}", "xml", "--json"), 2, "USAGE", "format", "xml"),
    Case("calculate", ("calculate", "awd-rice", "{tmp}/none.json", "--json"),
         2, "NO_SUCH_FILE", "input", "{tmp}/none.json"),
    Case("calculate", ("calculate", "awd-rice", "{tmp}/broken.json", "--json"),
         2, "INVALID_VALUE", "$", "{tmp}/broken.json"),
    Case("calculate", ("calculate", "awd-rice", "{tmp}/list.json", "--json"),
         2, "INVALID_VALUE", "$", "list"),
    Case("methodologies", ("methodologies", "--json", "--bogus"), 2, "USAGE", None, "--bogus"),
]  # fmt: skip


def _fill(text: Any, tmp: Path, db: Path) -> Any:
    if isinstance(text, str):
        return text.replace("{tmp}", str(tmp)).replace("{db}", str(db))
    return text


def _id(case: Case) -> str:
    return f"{case.command}:{case.code}:{case.field}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_a_failing_command_writes_one_json_error(
    case: Case, tmp_path: Path, registry_db: Path, run: Callable[..., Run]
) -> None:
    """Writes one error object on stdout, the message on stderr, with the documented status."""
    _files(tmp_path)
    result = run(*(_fill(a, tmp_path, registry_db) for a in case.argv))
    assert result.status == case.status
    lines = result.out.splitlines()
    assert len(lines) == 1, result.out
    body = json.loads(lines[0])
    assert body["ok"] is False
    error = body["error"]
    assert set(error) >= KEYS
    assert (error["code"], error["field"]) == (case.code, case.field)
    assert error["value"] == _fill(case.value, tmp_path, registry_db)
    assert error["message"] in result.err
    if case.code != "USAGE":
        assert f"jcm: error [{case.code}]" in result.err


def _commands_with_json() -> set[str]:
    """Every (sub-)command whose parser has ``--json`` or a ``--format`` with ``json``."""
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    walk(sub, f"{name} {sub_name}".strip())
            elif "--json" in action.option_strings or (
                "--format" in action.option_strings and "json" in (action.choices or ())
            ):
                found.add(name)

    walk(build_parser(), "")
    return found


def test_every_command_with_json_output_has_an_error_case() -> None:
    """Finds a JSON error case above for every command that prints JSON."""
    commands = _commands_with_json()
    assert {"registry balances", "article6 aef", "export", "calculate"} <= commands
    assert commands == {case.command for case in CASES}


def test_bad_lines_are_listed_as_rows(
    tmp_path: Path, registry_db: Path, run: Callable[..., Run]
) -> None:
    """Lists every bad line of a requests file as a row, applies nothing, and exits 2."""
    good = {"type": "transfer", "actor": "b", "from": "B", "to": "PP-A", "quantity": 1}
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps(good) + "\n\n" + json.dumps({**good, "qty": 1}) + "\n{not json\n",
        encoding="utf-8",
    )
    result = run("registry", "--db", registry_db, "apply", path, "--json")
    assert result.status == 2
    error = result.json()["error"]
    assert (error["code"], error["field"], error["value"]) == (
        "INVALID_INPUT",
        "REQUESTS.jsonl",
        str(path),
    )
    assert [(r["row"], r["column"], r["code"]) for r in error["rows"]] == [
        (3, "$.qty", "UNKNOWN_KEY"),
        (4, None, "NOT_JSON"),
    ]
    assert "  line 3: $.qty" in result.err
    assert run("registry", "--db", registry_db, "balances", "--json").json()["B"] == 200


def test_without_json_stdout_stays_empty(
    tmp_path: Path, registry_db: Path, run: Callable[..., Run]
) -> None:
    """Writes the error on stderr only, with the same exit status, when --json is not given."""
    result = run("registry", "--db", registry_db, "balances", "--party", "XXX")
    assert (result.status, result.out) == (2, "")
    assert "jcm: error [NO_SUCH_PARTY]: --party: 'XXX' is invalid" in result.err
    usage = run("registry", "--db", registry_db, "balances", "--bogus")
    assert (usage.status, usage.out) == (2, "")
    assert usage.err.startswith("usage: jcm")


def test_a_read_of_a_missing_or_empty_file_changes_nothing(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    """Refuses a query on a missing or 0-byte file and neither creates nor writes the file."""
    missing, empty = tmp_path / "missing.sqlite", tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    for action in (("balances",), ("verify",), ("history", "B"), ("certificate", "B")):
        assert run("registry", "--db", missing, *action).status == 2
        assert run("registry", "--db", empty, *action).status == 2
    for report in (("adjustments", "--party", "JPN"), ("shk", "--account", "B")):
        assert run("article6", "--db", empty, *report).status == 2
    assert run("export", "--db", empty, "cadt").status == 2
    assert not missing.exists()
    assert empty.read_bytes() == b""


def test_an_unexpected_exception_is_not_swallowed(
    registry_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lets a bug (an exception that is neither a jcm error nor an input error) propagate."""

    def broken(_args: argparse.Namespace) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(jcm.cli.registry, "_verify", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["registry", "--db", str(registry_db), "verify", "--json"])


def test_values_are_made_json_safe() -> None:
    """Writes paths, fractions, sets and non-finite floats of an error's value as JSON."""
    err = InvalidValueError("x", (Path("a/b.json"), Fraction(1, 3), {2, 1}, float("inf")), "r")
    body = error_body(err)
    assert body["error"]["value"] == ["a/b.json", "1/3", [1, 2], "inf"]
    json.dumps(body, allow_nan=False)
    assert json_safe({"k": (None, True, 1.5)}) == {"k": [None, True, 1.5]}


def test_exit_status_separates_bad_input_from_refusals() -> None:
    """Gives 2 for bad input (invalid value, unknown id, usage) and 1 for any other refusal."""
    assert exit_status(InvalidValueError("x", 1, "r")) == 2
    assert exit_status(UnknownAccountError("no account", field="account")) == 2
    assert exit_status(UsageError("bad")) == 2
    assert exit_status(JcmError("missing", code="NO_SUCH_REGISTRY")) == 2
    assert exit_status(JcmError("refused", code="AEF_INCONSISTENT")) == 1
    rows = BadRowsError("F", "f.jsonl", [{"row": 1, "column": None, "code": "NOT_JSON",
                                          "message": "not valid JSON"}])  # fmt: skip
    assert (exit_status(rows), rows.code, rows.details()) == (
        2,
        "NOT_JSON",
        ("line 1: not valid JSON",),
    )


def test_usage_errors_name_the_option_and_value() -> None:
    """Reads the option and the value out of argparse's messages."""
    bad_int = UsageError("argument --year: invalid int value: 'x'")
    assert (bad_int.field, bad_int.value) == ("--year", "x")
    choice = UsageError("argument --format: invalid choice: 'pdf' (choose from 'csv', 'json')")
    assert (choice.field, choice.value) == ("--format", "pdf")
    required = UsageError("the following arguments are required: --party, --year")
    assert (required.field, required.value) == ("--party", None)
    assert (UsageError("something else").field, UsageError("x").value) == (None, None)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["registry", "balances", "--json"], True),
        (["article6", "aef", "--format", "json"], True),
        (["article6", "aef", "--format=json"], True),
        (["article6", "aef", "--format", "csv"], False),
        (["export", "cadt"], False),
        (["calculate", "x", "json"], False),
    ],
)
def test_json_is_asked_for_by_json_or_format_json(argv: list[str], expected: bool) -> None:
    """Reads --json and --format json from a command line that did not parse."""
    assert wants_json(argv) is expected
