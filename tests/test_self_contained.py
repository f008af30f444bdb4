"""The repository is self-contained: its tests read only files inside it, and a bare clone runs.

Two checks. A cheap one reads the Python of ``tests/`` and ``examples/`` and refuses any string in
code (docstrings and comments aside) that builds a path to the project's working notes beside the
repository. A real one clones the committed HEAD into an empty directory, so that nothing lies
beside the clone, and collects the whole test suite there with the clone's own pytest options.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("tests", "examples")
"""The directories whose Python may not reach outside the repository."""

_OUTSIDE = re.compile(r"(^|/)\.\./shared\b|\bshared/(reference|design)\b|^shared$")
"""A string that names the working notes beside the repository, or is a path step to them."""


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def paths_outside(source: str) -> list[tuple[int, str]]:
    """``(line, string)`` of every string in the code of ``source`` that leads outside the repo."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and _OUTSIDE.search(node.value)
    )


def test_the_detector_finds_a_path_beside_the_repository() -> None:
    """Flags the path constructions that once read the vectors, and not a docstring."""
    source = (
        '"""Vectors of shared/reference/vectors-public.json."""\n'
        'A = ROOT / ".." / "shared" / "reference" / "vectors-public.json"\n'
        'B = open("../shared/reference/rules.md")\n'
        'C = "see docs/rules.md"\n'
    )
    assert [line for line, _ in paths_outside(source)] == [2, 3]


def test_no_test_or_example_reads_outside_the_repository() -> None:
    """Finds no path to ../shared in the code of tests/ and examples/, naming each offender."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for directory in CHECKED
        for path in sorted((ROOT / directory).rglob("*.py"))
        if path != Path(__file__).resolve()
        for line, value in paths_outside(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "reads outside the repository:\n" + "\n".join(offenders)


def _head(root: Path) -> str | None:
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    done = subprocess.run(
        [git, "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def test_a_bare_clone_collects_every_test(tmp_path: Path) -> None:
    """Collects the whole suite without an error in a clone of HEAD with nothing beside it."""
    head = _head(ROOT)
    if head is None:
        pytest.skip("not a git checkout (an unpacked sdist): nothing to clone")
    alone = tmp_path / "alone"
    alone.mkdir()
    clone = alone / "jcm"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["git", "-C", str(clone), "checkout", "--quiet", head], check=True, capture_output=True
    )
    assert sorted(p.name for p in alone.iterdir()) == ["jcm"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(clone)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-4000:]
    assert not [line for line in report.splitlines() if line.startswith("ERROR")], report[-4000:]
    summary = re.search(r"^(\d+) tests collected in ", report, flags=re.MULTILINE)
    assert summary is not None, report[-4000:]
    assert int(summary.group(1)) > 1000
