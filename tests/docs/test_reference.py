"""Tests of the reference pages generated from the code (``python -m jcm.docs``)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import jcm.docs
from jcm.docs import code_uses, main, render, requests_reference
from jcm.registry import REQUEST_TYPES

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference"
pages = functools.cache(render)


@pytest.mark.parametrize("name", ["errors.md", "requests.md"])
def test_committed_page_is_up_to_date(name: str) -> None:
    """Matches the committed page to the generator (run python -m jcm.docs when this fails)."""
    committed = (REFERENCE / name).read_text(encoding="utf-8")
    assert committed == pages()[name], f"docs/reference/{name} is stale: python -m jcm.docs"


def test_every_request_type_is_documented() -> None:
    """Lists every request type with its JSON tag and the from key of moves."""
    text = requests_reference()
    for tag in REQUEST_TYPES:
        assert f'`"type": "{tag}"`' in text
    assert "| `from` | text | yes |" in text


def test_the_registry_codes_of_the_api_are_found() -> None:
    """Finds the codes of API.md in the source, each where it is raised."""
    found = {u.code for u in code_uses()}
    api = {"NOT_PERMITTED", "NOT_REGISTRY_ADMIN", "NOT_ACCOUNT_HOLDER", "NO_SUCH_ACCOUNT",
           "FROZEN", "TERMINAL_ACCOUNT", "NOT_HELD", "INSUFFICIENT_CREDITS",
           "VINTAGE_NOT_ELIGIBLE", "NOT_AUTHORIZED", "ALLOCATION_NOT_100", "NO_SUCH_PROJECT",
           "CYCLE_TRANSITION", "IDEMPOTENCY_CONFLICT"}  # fmt: skip
    assert api <= found
    assert "| `NOT_HELD` | error | `jcm.registry.moves:_pieces` |" in pages()["errors.md"]


def test_finds_codes_in_a_small_package(tmp_path: Path) -> None:
    """Reads code keywords, Problem codes and class defaults from source it is given."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text(
        "class BadError(Exception):\n"
        "    default_code = 'BAD'\n"
        "def f(x):\n"
        "    raise BadError('no')\n"
        "def g(x):\n"
        "    return Problem('low_value', 'm'), E('m', code='A' if x else 'B')\n",
        encoding="utf-8",
    )
    uses = {(u.code, u.kind, u.where) for u in code_uses(package)}
    assert uses == {
        ("BAD", "error", "pkg.m:BadError"),
        ("BAD", "error", "pkg.m:f"),
        ("low_value", "problem", "pkg.m:g"),
        ("A", "error", "pkg.m:g"),
        ("B", "error", "pkg.m:g"),
    }


def test_check_reports_a_stale_page_and_writing_fixes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exits 1 with --check on a stale directory, and 0 once the pages are written."""
    monkeypatch.setattr(jcm.docs, "render", pages)
    (tmp_path / "errors.md").write_text("old\n", encoding="utf-8")
    assert main([str(tmp_path), "--check"]) == 1
    assert (tmp_path / "errors.md").read_text(encoding="utf-8") == "old\n"
    assert main([str(tmp_path)]) == 0
    assert main([str(tmp_path), "--check"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors.md", "requests.md"]
