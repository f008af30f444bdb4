"""The command line's shared conventions: ``--db`` before or after the action, help everywhere."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_world import SETUP, Run, write_requests

from jcm.cli import build_parser

QUERIES = [
    ("registry", "balances", "--json"),
    ("registry", "balances", "--party", "JPN"),
    ("registry", "history", "B", "--json"),
    ("registry", "verify", "--json"),
    ("registry", "certificate", "B"),
    ("article6", "adjustments", "--party", "JPN", "--json"),
    ("article6", "shk", "--account", "PP-A", "--json"),
    ("article6", "aef", "--party", "JPN", "--year", "2025", "--submitted-on", "2026-04-10"),
    ("export", "cadt"),
    ("export", "offsetsdb"),
]


@pytest.mark.parametrize("query", QUERIES, ids=" ".join)
def test_db_may_follow_the_action(
    query: tuple[str, ...], article6_db: Path, run: Callable[..., Run]
) -> None:
    """Prints the same output with --db before or after the action (or the export format)."""
    command, action, *rest = query
    before = run(command, "--db", article6_db, action, *rest)
    after = run(command, action, *rest, "--db", article6_db)
    assert before.status == 0, before.err
    assert (after.status, after.out, after.err) == (before.status, before.out, before.err)
    assert before.out


def test_apply_takes_db_and_operator_after_the_action(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    """Creates the file named after the action with the operator named there."""
    path = tmp_path / "after.sqlite"
    first = {**SETUP[0], "actor": "boss"}
    requests = write_requests(tmp_path / "a.jsonl", [first])
    result = run("registry", "apply", requests, "--db", path, "--operator", "boss", "--json")
    assert result.status == 0, result.err
    assert result.json()["ok"] is True
    assert path.exists()


def test_db_after_the_action_wins(
    tmp_path: Path, registry_db: Path, run: Callable[..., Run]
) -> None:
    """Uses the --db given after the action when both places name one."""
    result = run("registry", "--db", tmp_path / "none.sqlite", "balances", "--db", registry_db)
    assert result.status == 0
    assert "GOJ" in result.out


@pytest.mark.parametrize("command", [("registry", "verify"), ("article6", "shk", "--account", "A")])
def test_db_is_required_somewhere(command: tuple[str, ...], run: Callable[..., Run]) -> None:
    """Refuses a command line without --db as bad usage, naming --db."""
    result = run(*command)
    assert result.status == 2
    assert "the following arguments are required: --db" in result.err
    assert result.err.startswith(f"usage: jcm {command[0]} {command[1]}")


def _parsers() -> Iterator[tuple[str, argparse.ArgumentParser, argparse._SubParsersAction]]:
    """Every parser with its sub-commands' action, depth first."""

    def walk(
        parser: argparse.ArgumentParser, name: str
    ) -> Iterator[tuple[str, argparse.ArgumentParser, argparse._SubParsersAction]]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                yield name, parser, action
                for sub_name, sub in action.choices.items():
                    yield from walk(sub, f"{name} {sub_name}")

    yield from walk(build_parser(), "jcm")


def _all_parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    found = [("jcm", build_parser())]
    for name, _parser, subs in _parsers():
        found += [(f"{name} {n}", p) for n, p in subs.choices.items()]
    return found


def test_every_option_and_argument_has_a_help_text() -> None:
    """Finds a help text for every option and positional argument of every command."""
    missing = [
        f"{name}: {'/'.join(action.option_strings) or action.dest}"
        for name, parser in _all_parsers()
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
        and (not action.help or action.help == argparse.SUPPRESS)
    ]
    assert missing == []


def test_every_command_has_a_help_text() -> None:
    """Finds a one-line help for every command and action that ``--help`` lists."""
    missing = [
        f"{name} {choice.dest}"
        for name, _parser, subs in _parsers()
        for choice in subs._choices_actions
        if not choice.help
    ]
    assert missing == []
    assert len(_all_parsers()) > 10


def test_the_walk_sees_the_commands() -> None:
    """Walks into every command and action (so the help checks cannot pass on nothing)."""
    names = {name for name, _parser in _all_parsers()}
    assert {"jcm registry balances", "jcm article6 aef", "jcm export", "jcm demo"} <= names
