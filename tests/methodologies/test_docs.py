"""Meta-tests of ``docs/methodologies.md``: every hookspec is documented, the glossary lists every
numeric input field of every built-in with its unit, and every such field has a unit."""

from __future__ import annotations

import inspect
import itertools
import json
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest

import jcm.methodologies.builtin
from jcm.methodologies import hookspecs
from jcm.units import quantity_spec

DOC = (Path(__file__).resolve().parents[2] / "docs" / "methodologies.md").read_text(
    encoding="utf-8"
)
BUILTINS = jcm.methodologies.builtin.jcm_register_methodologies()


def _fields(cls: type[Any], path: str = "") -> list[tuple[str, attrs.Attribute[Any], Any]]:
    out = []
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        out.append((path + field.name, field, hints[field.name]))
        stack = [hints[field.name]]
        while stack:
            t = stack.pop()
            if isinstance(t, type) and attrs.has(t):
                out += _fields(t, f"{path}{field.name}.")
            else:
                stack.extend(typing.get_args(t))
    return out


def _section(methodology_id: str) -> str:
    match = re.search(rf"^### {re.escape(methodology_id)}\n(.*?)(?=^#)", DOC, re.S | re.M)
    assert match, f"no glossary section for {methodology_id}"
    return match.group(1)


def test_every_hookspec_is_documented() -> None:
    """Documents every hook specification under its own heading in docs/methodologies.md."""
    specs = [
        name
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("jcm_")
    ]
    assert specs
    for name in specs:
        assert f"### `{name}()`" in DOC, f"{name} is not documented"


@pytest.mark.parametrize("methodology", BUILTINS, ids=lambda m: m.id)
def test_every_numeric_input_field_has_a_unit(methodology: Any) -> None:
    """Declares a unit on every int or float input field of the built-in (recursively)."""
    for path, field, annotation in _fields(methodology.Inputs):
        leaves = {annotation, *typing.get_args(annotation)}
        if leaves & {int, float}:
            assert quantity_spec(field) is not None, f"{methodology.id}: {path} has no unit"


@pytest.mark.parametrize("methodology", BUILTINS, ids=lambda m: m.id)
def test_glossary_lists_every_numeric_field_with_its_unit(methodology: Any) -> None:
    """Lists every numeric input field in the glossary with the unit the code declares."""
    section = _section(methodology.id)
    for path, field, _ in _fields(methodology.Inputs):
        spec = quantity_spec(field)
        if spec is None:
            continue
        row = re.search(rf"^\| `{re.escape(path)}` \|[^|]*\| `([^`]*)` \|", section, re.M)
        assert row, f"{methodology.id}: {path} missing from the glossary"
        assert row.group(1) == spec.unit, f"{methodology.id}: {path} documented in {row.group(1)}"


# --------------------------------------------------------------------------- the plugin tutorial

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorials" / "methodology-plugin.md"
EXAMPLE = ROOT / "examples" / "jcm-methodology-led"
_SHOWN = re.compile(r"^<!-- example: (\S+) -->\n```\w*\n(.*?)^```$", re.M | re.S)
_CONSOLE = re.compile(r"^```console\n(.*?)^```$", re.M | re.S)


def _shown_files() -> dict[str, str]:
    text = TUTORIAL.read_text(encoding="utf-8")
    return dict(_SHOWN.findall(text))


def _example_files() -> list[Path]:
    skip = ("__pycache__", ".egg-info", ".pytest_cache", ".mypy_cache")
    return sorted(
        p
        for p in EXAMPLE.rglob("*")
        if p.is_file() and not any(part.endswith(skip) for part in p.parts)
    )


def _output_of(command: str) -> str:
    """The lines the tutorial shows after ``$ <command>``, up to the next command or fence."""
    for block in _CONSOLE.findall(TUTORIAL.read_text(encoding="utf-8")):
        lines = block.splitlines()
        if f"$ {command}" in lines:
            after = lines[lines.index(f"$ {command}") + 1 :]
            shown = list(itertools.takewhile(lambda x: not x.startswith("$"), after))
            return "\n".join(shown) + "\n"
    raise AssertionError(f"the tutorial does not show $ {command}")


def test_the_tutorial_shows_the_example_package_file_for_file() -> None:
    """Shows every non-empty file of examples/jcm-methodology-led exactly as it is in the repo."""
    shown = _shown_files()
    files = {p.relative_to(EXAMPLE.parent).as_posix(): p for p in _example_files()}
    assert {name for name, p in files.items() if p.stat().st_size} == set(shown)
    for name, body in shown.items():
        assert files[name].read_text(encoding="utf-8") == body, f"{name} differs from the tutorial"


def test_the_tutorial_tree_lists_every_file() -> None:
    """Names every file of the example package in the tutorial's file tree, py.typed included."""
    text = TUTORIAL.read_text(encoding="utf-8")
    tree = re.search(r"^```text\n(jcm-methodology-led/\n.*?)^```$", text, re.M | re.S)
    assert tree is not None
    names = {p.name for p in _example_files()}
    assert "py.typed" in names
    assert all(re.search(rf"[─ ]{re.escape(n)}\b", tree.group(1)) for n in names), names


def test_the_tutorial_shows_the_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Shows what jcm methodologies and jcm calculate print for the tutorial's input.json."""
    from jcm.cli import main

    text = TUTORIAL.read_text(encoding="utf-8")
    sample = re.search(r"^<!-- file: input.json -->\n```json\n(.*?)^```$", text, re.M | re.S)
    assert sample is not None
    monkeypatch.chdir(tmp_path)
    Path("input.json").write_text(sample.group(1), encoding="utf-8")
    for command in ("jcm methodologies", "jcm calculate led-lighting input.json"):
        assert main(command.split()[1:]) == 0
        assert capsys.readouterr().out == _output_of(command), command
    assert main(["calculate", "led-lighting", "input.json", "--json"]) == 0
    shown = json.loads(_output_of("jcm calculate led-lighting input.json --json"))
    real = json.loads(capsys.readouterr().out)
    for body in (shown, real):  # the only part that changes with a release of jcm
        body["provenance"].pop("jcm_version")
    assert shown == real
    assert shown["emission_reductions"] == 109


def test_the_example_package_passes_mypy_strict() -> None:
    """Type-checks the tutorial's package with mypy --strict, as the tutorial says it does."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(EXAMPLE / "jcm_methodology_led")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found in 4 source files")
