"""Runs every example in the docstrings of ``jcm`` (the worked examples are part of the docs)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import jcm


def _modules() -> list[ModuleType]:
    names = ["jcm"] + [
        m.name for m in pkgutil.walk_packages(jcm.__path__, "jcm.") if m.name != "jcm.__main__"
    ]
    return [importlib.import_module(n) for n in names]


_WITH_EXAMPLES = [m for m in _modules() if any(t.examples for t in doctest.DocTestFinder().find(m))]


def test_some_modules_carry_examples() -> None:
    """Finds docstring examples in the modules that hold worked examples."""
    names = {m.__name__ for m in _WITH_EXAMPLES}
    assert {"jcm.units", "jcm.core.cycle", "jcm.core.period", "jcm.serialization"} <= names


@pytest.mark.parametrize("module", _WITH_EXAMPLES, ids=lambda m: m.__name__)
def test_docstring_examples_run(module: ModuleType) -> None:
    """Runs the docstring examples of one module and finds no failure."""
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, report=False)
    assert result.failed == 0, f"{module.__name__}: {result.failed} failing example(s)"
