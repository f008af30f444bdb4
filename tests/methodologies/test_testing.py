"""Tests of ``jcm.testing``: the conformance check catches what it promises to catch."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import numpy as np
import pytest

import jcm.methodologies
from jcm.errors import CalculationError, PluginError, Problem
from jcm.methodologies import Emissions, GwpSet, HostedMethodology, MethodologyHost, gwp_field
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


@attrs.frozen
class _GwpInputs:
    electricity: float = quantity("MWh", ge=0)
    emission_factor: float = quantity("tCO2/MWh", ge=0)
    gwp: GwpSet = gwp_field()  # noqa: RUF009 - an attrs field, not a shared default


class _EnumGwp(_Pv):
    """Returns ``gwp_set=inputs.gwp``: the enum, not its name."""

    Inputs = _GwpInputs

    def calculate(self, inputs: Any) -> Emissions:
        return Emissions(
            reference=np.array([inputs.electricity * inputs.emission_factor]),
            project=np.zeros(1),
            gwp_set=inputs.gwp,
        )


class _NamedGwp(_EnumGwp):
    def calculate(self, inputs: Any) -> Emissions:
        return attrs.evolve(super().calculate(inputs), gwp_set=inputs.gwp.value)


class _TextProblem(_Pv):
    """Returns a plain string among its problems."""

    def calculate(self, inputs: Any) -> Emissions:
        return attrs.evolve(super().calculate(inputs), problems=("check the meter",))


class _ProblemWithNumber(_Pv):
    """Returns a Problem whose field is a number."""

    def calculate(self, inputs: Any) -> Emissions:
        problem = Problem("meter_drift", "the meter drifts", field=3)  # type: ignore[arg-type]
        return attrs.evolve(super().calculate(inputs), problems=(problem,))


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


def _hosted(methodology: _Pv, distribution: tuple[str, str]) -> HostedMethodology:
    """The methodology as a fresh host runs it, registered under ``distribution``."""

    class Plugin:
        @jcm.methodologies.hookimpl
        def jcm_register_methodologies(self) -> list[object]:
            return [methodology]

    host = MethodologyHost(entry_points=False)
    host.register(Plugin(), distribution=distribution)
    return host.get(methodology.id)


def test_a_gwp_set_given_as_the_enum_fails() -> None:
    """Fails a plugin returning gwp_set=inputs.gwp (an enum), saying to write .value."""
    with pytest.raises(AssertionError, match=r"gwp_set <GwpSet\.AR5: 'AR5'>.*GwpSet\.value"):
        check_methodology(_EnumGwp(), PV1)


def test_a_gwp_set_given_by_name_passes() -> None:
    """Passes the same plugin when it returns inputs.gwp.value, recorded in the provenance."""
    check_methodology(_NamedGwp(), {**PV1, "gwp": "AR6"})
    hosted = _hosted(_NamedGwp(), ("pv", "1.0"))
    assert hosted.calculate({**PV1, "gwp": "AR6"}).provenance.gwp_set == "AR6"


@pytest.mark.parametrize("plugin", [_TextProblem(), _ProblemWithNumber()], ids=type)
def test_a_problem_that_is_not_json_fails(plugin: _Pv) -> None:
    """Fails a plugin whose problems hold a string or a Problem with a number for its field."""
    with pytest.raises(AssertionError, match=r"problems\[0\]"):
        check_methodology(plugin, PV1)


def test_the_host_refuses_such_results_with_a_calculation_error() -> None:
    """Raises CalculationError naming the methodology, its distribution and gwp_set."""
    hosted = _hosted(_EnumGwp(), ("enums", "0.2"))
    with pytest.raises(CalculationError, match=r"pv-test 1\.0 from enums 0\.2") as info:
        hosted.calculate(PV1)
    assert info.value.field == "gwp_set"
