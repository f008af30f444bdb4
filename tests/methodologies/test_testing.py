"""Tests of ``jcm.testing``: the conformance check catches what it promises to catch."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import numpy as np
import pytest

from jcm.errors import PluginError
from jcm.methodologies import Emissions, MethodologyHost
from jcm.testing import check_methodology, numeric_leaves, spec_at
from jcm.units import quantity

PV1 = {"electricity": 1234.567, "emission_factor": 0.533}
"""PV-1 of methodologies.md §7.2 (658.024211 tCO2)."""


@attrs.frozen
class _Inputs:
    electricity: float = quantity("MWh", ge=0)
    emission_factor: float = quantity("tCO2/MWh", ge=0)


@attrs.frozen
class _Unitless:
    electricity: float = quantity("MWh", ge=0)
    emission_factor: float = 0.5


class _Pv:
    id, version, title, follows = "pv-test", "1.0", "PV for tests", ("TH_AM001",)
    Inputs: type[Any] = _Inputs

    def calculate(self, inputs: Any) -> Emissions:
        return Emissions(
            reference=np.array([inputs.electricity * inputs.emission_factor]), project=np.zeros(1)
        )


class _Drifting(_Pv):
    def __init__(self) -> None:
        self._calls = itertools.count()

    def calculate(self, inputs: Any) -> Emissions:
        drift = next(self._calls) * 1e-3
        return Emissions(
            reference=np.array([inputs.electricity * inputs.emission_factor + drift]),
            project=np.zeros(1),
        )


class _NoUnits(_Pv):
    Inputs = _Unitless


def test_a_conforming_methodology_passes() -> None:
    """Passes a methodology that honours the contract (PV-1 sample)."""
    check_methodology(_Pv(), PV1)


def test_a_sample_with_units_passes() -> None:
    """Passes the PV-1 sample written with units ({"value", "unit"}), probing each value."""
    sample = {"electricity": {"value": 1_234_567, "unit": "kWh"}, "emission_factor": 0.533}
    check_methodology(_Pv(), sample)


def test_nondeterministic_results_fail() -> None:
    """Fails a methodology whose results change between identical calls."""
    with pytest.raises(AssertionError, match="differ"):
        check_methodology(_Drifting(), PV1)


def test_numbers_without_units_are_refused() -> None:
    """Refuses, through the host, a methodology whose Inputs has a number without a unit."""
    with pytest.raises(PluginError, match="emission_factor"):
        check_methodology(_NoUnits(), PV1)


def test_a_sample_without_numbers_fails() -> None:
    """Fails when the sample offers no number to probe."""

    @attrs.frozen
    class Named:
        name: str

    class Textual(_Pv):
        Inputs = Named

        def calculate(self, inputs: Any) -> Emissions:
            return Emissions(reference=np.zeros(1), project=np.zeros(1))

    with pytest.raises(AssertionError, match="no number"):
        check_methodology(Textual(), {"name": "x"})


def test_numeric_leaves_and_their_specs() -> None:
    """Lists every number of a sample with its $.path and finds the field's unit."""
    data = {"a": 1, "b": [{"c": 2.5}, {"c": True}], "d": "x"}
    assert [p for p, _ in numeric_leaves(data)] == ["$.a", "$.b[0].c"]
    spec = spec_at(_Inputs, PV1, ("electricity",))
    assert spec is not None
    assert spec.unit == "MWh"


def test_host_fixture_is_empty(host: MethodologyHost) -> None:
    """Provides a host with no entry points loaded."""
    assert host.available() == ()
