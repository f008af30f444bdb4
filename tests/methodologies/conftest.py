"""Fixtures of the methodology tests: ``host`` (from ``jcm.testing``), ``builtin_host`` and the
public vectors of ``tests/data/vectors-public.json``."""

from __future__ import annotations

import pytest
from public_vectors import load_vectors

import jcm.methodologies.builtin
from jcm.methodologies import MethodologyHost
from jcm.testing import host

__all__ = ["builtin_host", "host", "load_vectors", "pytest_generate_tests"]


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
