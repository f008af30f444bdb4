"""Meta-tests of ``docs/methodologies.md``: every hookspec is documented, the glossary lists every
numeric input field of every built-in with its unit, and every such field has a unit."""

from __future__ import annotations

import inspect
import re
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
