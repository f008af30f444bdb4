"""Every case of ``tests/data/vectors-public.json`` reproduces through the Python API.

The expected values are those of methodologies.md §7 (computed by the script of §7.1); floats are
compared with a relative tolerance of 1e-9 and credits exactly.
"""

from __future__ import annotations

import copy
from typing import Any

from numpy.testing import assert_allclose
from public_vectors import load_vectors

import jcm.methodologies
from jcm.methodologies import MethodologyHost

FLOATS = (
    "reference_emissions",
    "project_emissions",
    "leakage_emissions",
    "emission_reductions_exact",
)


def test_reproduces_public_vector(vector: dict[str, Any], builtin_host: MethodologyHost) -> None:
    """Reproduces the RE, PE, LE, exact ER and credits of the public vector."""
    result = builtin_host.get(vector["methodology"]).calculate(copy.deepcopy(vector["input"]))
    for name in FLOATS:
        assert_allclose(getattr(result, name), vector["expected"][name], rtol=1e-9, atol=0)
    assert result.emission_reductions == vector["expected"]["emission_reductions"]
    assert result.problems == ()


def test_default_host_and_inputs_object_agree(vector: dict[str, Any]) -> None:
    """Gives the same result JSON through jcm.methodologies.get() for the mapping and Inputs."""
    m = jcm.methodologies.get(vector["methodology"])
    from_json = m.calculate(copy.deepcopy(vector["input"]))
    from_object = m.calculate(m.structure(vector["input"]))
    assert from_json.to_json() == from_object.to_json()
    assert from_json.provenance.distribution == "jcm-engine"


def test_vectors_cover_every_builtin() -> None:
    """Covers each built-in methodology with at least one public vector (§7.2)."""
    assert {c["methodology"] for c in load_vectors()} == {
        "awd-rice",
        "redd-plus",
        "waste-to-energy",
        "solar-pv",
        "chiller",
    }
