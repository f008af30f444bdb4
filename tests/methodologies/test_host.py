"""Tests of the methodology host: loading, refusing, blocking, wrapping, provenance."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import attrs
import numpy as np
import pytest

import jcm
import jcm.methodologies.builtin
from jcm.errors import (
    CalculationError,
    InvalidInputError,
    InvalidValueError,
    PluginError,
    UnknownMethodologyError,
)
from jcm.methodologies import Emissions, MethodologyHost, hookimpl
from jcm.methodologies.host import version_key
from jcm.units import quantity

EE1 = {
    "period": {"start": "2024-01-01", "end": "2024-12-31"},
    "electricity_consumed": 1500.0,
    "cop_project": 6.3,
    "cop_reference": 5.5,
    "emission_factor": 0.5,
}
"""EE-1 of methodologies.md §7.2."""


@attrs.frozen
class _MeterInputs:
    electricity: float = quantity("MWh", ge=0)
    emission_factor: float = quantity("tCO2/MWh", ge=0)


@attrs.frozen
class _UnitlessInputs:
    electricity: float = quantity("MWh", ge=0)
    factor: float = attrs.field(default=0.5)


@attrs.frozen
class _NestedUnitless:
    meters: tuple[_UnitlessInputs, ...] = ()


class _Meter:
    """A tiny methodology: RE = EG x EF (PV-1 structure, methodologies.md §5.2)."""

    def __init__(self, version: str = "1.0", *, fail: bool = False, inputs: Any = _MeterInputs):
        self.id = "meter"
        self.version = version
        self.title = "Metered displacement"
        self.follows = ("TH_AM001",)
        self.Inputs = inputs
        self._fail = fail

    def calculate(self, inputs: Any) -> Emissions:
        if self._fail:
            raise ZeroDivisionError("boom")
        re = np.array([inputs.electricity * inputs.emission_factor])
        return Emissions(reference=re, project=np.zeros(1))


class _Plugin:
    def __init__(self, *methodologies: object) -> None:
        self._methodologies = list(methodologies)

    @hookimpl
    def jcm_register_methodologies(self) -> list[object]:
        return self._methodologies


PV1 = {"electricity": 1234.567, "emission_factor": 0.533}
"""PV-1 of methodologies.md §7.2: 658.024211 tCO2, 658 credits."""


def test_importing_creates_no_host_and_loads_no_plugin() -> None:
    """Imports jcm.methodologies without creating the default host or loading entry points."""
    code = (
        "import sys, jcm.methodologies as m; "
        "print(len(m._default), 'jcm.methodologies.builtin' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False"]


def test_builtins_come_through_the_entry_point() -> None:
    """Loads the five built-ins from jcm's own entry point, attributed to jcm-engine."""
    host = MethodologyHost()
    infos = {i.id: i for i in host.available()}
    assert {"awd-rice", "redd-plus", "waste-to-energy", "solar-pv", "chiller"} <= set(infos)
    assert {infos[i].distribution for i in ("awd-rice", "chiller")} == {"jcm-engine"}
    assert "builtin" in host.plugin_names()


def test_hosts_share_no_state(host: MethodologyHost) -> None:
    """Keeps a fresh host empty while another host has plugins."""
    other = MethodologyHost()
    assert other.available()
    assert host.available() == ()


def test_get_returns_the_newest_version_by_default(host: MethodologyHost) -> None:
    """Returns 1.10 over 1.9 by default and a fixed version on request."""
    host.register(_Plugin(_Meter("1.9"), _Meter("1.10")), distribution=("meters", "2.0"))
    assert host.get("meter").version == "1.10"
    assert host.get("meter", version="1.9").version == "1.9"
    assert version_key("1.10") > version_key("1.9")


def test_unknown_methodology_is_an_error_listing_what_exists(host: MethodologyHost) -> None:
    """Raises UnknownMethodologyError (a KeyError) naming the id and the available ones."""
    host.register(_Plugin(_Meter()), distribution=("meters", "2.0"))
    with pytest.raises(UnknownMethodologyError, match=r"meter 1\.0") as info:
        host.get("geothermal")
    assert isinstance(info.value, KeyError)
    with pytest.raises(UnknownMethodologyError):
        host.get("meter", version="3.0")


def test_duplicate_id_and_version_is_refused(host: MethodologyHost) -> None:
    """Refuses a second (id, version), naming both distributions and versions."""
    host.register(_Plugin(_Meter()), name="a", distribution=("meters-a", "1.2"))
    host.register(_Plugin(_Meter()), name="b", distribution=("meters-b", "3.4"))
    with pytest.raises(PluginError, match=r"meters-b 3\.4.*meters-a 1\.2"):
        host.available()


def test_inputs_without_units_are_refused(host: MethodologyHost) -> None:
    """Refuses a plugin whose Inputs has a number without a unit, naming field and distribution."""
    host.register(_Plugin(_Meter(inputs=_UnitlessInputs)), distribution=("sloppy", "0.3"))
    with pytest.raises(PluginError, match=r"sloppy 0\.3") as info:
        host.available()
    assert "factor" in str(info.value)


def test_nested_inputs_without_units_are_refused(host: MethodologyHost) -> None:
    """Finds a number without a unit inside a tuple of nested attrs classes."""
    host.register(_Plugin(_Meter(inputs=_NestedUnitless)), distribution=("sloppy", "0.4"))
    with pytest.raises(PluginError, match=r"meters\.factor"):
        host.available()


def test_non_methodology_is_refused(host: MethodologyHost) -> None:
    """Refuses an object that does not implement the Methodology protocol."""
    host.register(_Plugin(object()), distribution=("odd", "1.0"))
    with pytest.raises(PluginError, match=r"odd 1\.0"):
        host.available()


def test_misspelt_hook_fails_check_pending(host: MethodologyHost) -> None:
    """Refuses a plugin implementing a hook that does not exist (check_pending)."""

    class Misspelt:
        @hookimpl
        def jcm_register_methodology(self) -> list[object]:
            return []

    with pytest.raises(PluginError, match="jcm_register_methodology"):
        host.register(Misspelt())
    assert host.available() == ()


def test_plugin_exception_becomes_calculation_error(host: MethodologyHost) -> None:
    """Re-raises a plugin's exception as CalculationError from it, naming methodology and dist."""
    host.register(_Plugin(_Meter(fail=True)), distribution=("fragile", "0.9"))
    with pytest.raises(CalculationError, match=r"meter 1\.0 from fragile 0\.9") as info:
        host.get("meter").calculate(PV1)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_set_blocked_removes_a_plugin(host: MethodologyHost) -> None:
    """Drops a blocked plugin's methodologies and refuses to register it again."""
    host.register(_Plugin(_Meter()), name="meters", distribution=("meters", "1.0"))
    assert [i.id for i in host.available()] == ["meter"]
    host.set_blocked("meters")
    assert host.available() == ()
    assert host.is_blocked("meters")
    with pytest.raises(PluginError):
        host.register(_Plugin(_Meter()), name="meters")


def test_entry_point_can_be_blocked_before_loading() -> None:
    """Never loads the built-in entry point once it is blocked."""
    host = MethodologyHost()
    host.set_blocked("builtin")
    assert "chiller" not in {i.id for i in host.available()}


def test_host_computes_credits_and_provenance(host: MethodologyHost) -> None:
    """Subtracts, floors and records provenance for PV-1 (methodologies.md §7.2: 658)."""
    host.register(_Plugin(_Meter()), distribution=("meters", "2.0"))
    result = host.get("meter").calculate(PV1)
    assert result.emission_reductions == 658
    p = result.provenance
    assert (p.methodology, p.version, p.distribution, p.distribution_version) == (
        "meter",
        "1.0",
        "meters",
        "2.0",
    )
    assert p.jcm_version == jcm.__version__
    assert p.gwp_set is None
    assert len(p.inputs_sha256) == 64


def test_inputs_hash_is_the_canonical_json_of_structured_inputs(host: MethodologyHost) -> None:
    """Hashes the same for a number in MWh, in kWh and for the Inputs object."""
    host.register(_Plugin(_Meter()), distribution=("meters", "2.0"))
    m = host.get("meter")
    a = m.calculate({"electricity": 1234.567, "emission_factor": 0.533})
    b = m.calculate({"electricity": {"value": 1234567, "unit": "kWh"}, "emission_factor": 0.533})
    c = m.calculate(_MeterInputs(electricity=1234.567, emission_factor=0.533))
    assert a.provenance.inputs_sha256 == b.provenance.inputs_sha256 == c.provenance.inputs_sha256
    d = m.calculate({"electricity": 1234.568, "emission_factor": 0.533})
    assert d.provenance.inputs_sha256 != a.provenance.inputs_sha256


def test_wrong_input_type_is_rejected(builtin_host: MethodologyHost) -> None:
    """Rejects an input that is neither a mapping nor the methodology's Inputs."""
    with pytest.raises(InvalidValueError, match="inputs"):
        builtin_host.get("chiller").calculate([1, 2, 3])


def test_result_json_has_the_keys_of_api_md(builtin_host: MethodologyHost) -> None:
    """Writes the result JSON with exactly the keys of API.md "Result JSON", in order."""
    body = builtin_host.get("chiller").calculate(EE1).to_json()
    assert list(body) == [
        "methodology",
        "version",
        "reference_emissions",
        "project_emissions",
        "leakage_emissions",
        "emission_reductions_exact",
        "emission_reductions",
        "problems",
        "provenance",
    ]
    assert body["provenance"]["gwp_set"] == "AR5"
    json.dumps(body, allow_nan=False)


def test_gwp_set_is_recorded(builtin_host: MethodologyHost) -> None:
    """Records the GWP set given in the inputs (AR4) in the provenance."""
    result = builtin_host.get("chiller").calculate({**EE1, "gwp": "AR4"})
    assert result.provenance.gwp_set == "AR4"
    with pytest.raises(InvalidInputError, match=r"\$\.gwp"):
        builtin_host.get("chiller").calculate({**EE1, "gwp": "AR7"})


def test_batch_is_refused_for_methodologies_without_it(builtin_host: MethodologyHost) -> None:
    """Raises a MethodologyError for calculate_batch on a methodology with no batch path."""
    from jcm.errors import MethodologyError

    assert not builtin_host.get("chiller").supports_batch
    with pytest.raises(MethodologyError):
        builtin_host.get("chiller").calculate_batch({"x": [1.0]})


def test_registered_module_is_attributed_to_its_distribution(host: MethodologyHost) -> None:
    """Attributes a module registered directly to the distribution that installed it."""
    host.register(jcm.methodologies.builtin)
    assert {i.distribution for i in host.available()} == {"jcm-engine"}


def test_result_json_round_trips(builtin_host: MethodologyHost) -> None:
    """Reads back the result JSON of EE-1 with a problem into an equal result."""
    from jcm.methodologies import CalculationResult

    result = builtin_host.get("chiller").calculate({**EE1, "cop_project": 5.0})
    assert result.problems
    assert CalculationResult.from_json(json.loads(json.dumps(result.to_json()))) == result


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda b: b.pop("emission_reductions"), "$.emission_reductions"),
        (lambda b: b.__setitem__("colour", 1), "$.colour"),
        (lambda b: b.__setitem__("emission_reductions", 1.5), "$.emission_reductions"),
        (lambda b: b.__setitem__("reference_emissions", "1"), "$.reference_emissions"),
        (lambda b: b["provenance"].pop("inputs_sha256"), "$.provenance.inputs_sha256"),
    ],
)
def test_result_json_errors_name_the_field(
    builtin_host: MethodologyHost, edit: Any, path: str
) -> None:
    """Rejects a malformed result JSON naming the field."""
    from jcm.methodologies import CalculationResult

    body = builtin_host.get("chiller").calculate(EE1).to_json()
    edit(body)
    with pytest.raises(InvalidValueError) as info:
        CalculationResult.from_json(body)
    assert info.value.field == path
