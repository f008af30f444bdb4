"""Fixtures of the methodology tests: ``host`` (from ``jcm.testing``), ``builtin_host`` and the
public vectors of ``shared/reference/vectors-public.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import jcm.methodologies.builtin
from jcm.methodologies import MethodologyHost
from jcm.testing import host

__all__ = ["builtin_host", "host", "load_vectors", "pytest_generate_tests"]

VECTORS = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "vectors-public.json"
)


def load_vectors() -> list[dict[str, Any]]:
    """The cases of ``shared/reference/vectors-public.json`` (beside the repository)."""
    cases: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))
    return cases


@pytest.fixture
def builtin_host(host: MethodologyHost) -> MethodologyHost:
    """A fresh host with only the built-in methodologies registered."""
    host.register(jcm.methodologies.builtin, name="builtin")
    return host


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize every test that takes ``vector`` with the public vectors, by their ids."""
    if "vector" in metafunc.fixturenames:
        cases = load_vectors()
        metafunc.parametrize("vector", cases, ids=[c["id"] for c in cases])
