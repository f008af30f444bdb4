"""Test helpers for methodology authors: a ``host`` fixture and ``check_methodology()``.

Use them from a plugin's own tests (see ``examples/jcm-methodology-led/tests``)::

    # tests/conftest.py
    from jcm.testing import host  # noqa: F401  (re-exports the fixture)

    # tests/test_my_methodology.py
    from jcm.testing import check_methodology

    def test_conforms():
        \"\"\"Passes the jcm conformance check.\"\"\"
        check_methodology(MyMethodology(), SAMPLE_INPUTS)

``check_methodology`` registers the methodology in a fresh host (which refuses numbers without a
unit), calculates the sample twice and from its structured ``Inputs`` (results must be identical),
checks that the result and its provenance serialize to JSON as ``jcm calculate --json`` writes
them and read back equal (a ``gwp_set`` that is an enum instead of its name fails here), replaces
every number of the sample in turn by NaN and, where the field forbids it, by a negative value
(each must be rejected with an error naming that number's ``$.path``), and checks that the
provenance is complete. It raises ``AssertionError`` listing every failure.
"""

from __future__ import annotations

import copy
import json
import math
import re
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import pytest

from jcm._version import __version__ as jcm_version
from jcm.errors import CalculationError, InvalidInputError, InvalidValueError
from jcm.methodologies.host import HostedMethodology, MethodologyHost, distribution_of
from jcm.methodologies.markers import hookimpl
from jcm.methodologies.protocol import Methodology
from jcm.methodologies.result import CalculationResult
from jcm.serialization import canonical_json
from jcm.units import QuantitySpec, floor_tonnes, quantity_spec

__all__ = ["check_methodology", "host", "numeric_leaves", "spec_at"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture
def host() -> MethodologyHost:
    """A fresh methodology host with no entry points loaded (register what the test needs)."""
    return MethodologyHost(entry_points=False)


class _SinglePlugin:
    """A plugin object providing one methodology (what ``check_methodology`` registers)."""

    def __init__(self, methodology: object) -> None:
        self._methodology = methodology

    @hookimpl
    def jcm_register_methodologies(self) -> list[object]:
        """The one methodology."""
        return [self._methodology]


def numeric_leaves(data: Any, path: str = "$") -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every number in JSON-like ``data``: its ``$.path`` and the key path to reach it."""
    yield from _leaves(data, path, ())


def _leaves(data: Any, path: str, keys: tuple[Any, ...]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _leaves(value, f"{path}.{key}", (*keys, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, f"{path}[{index}]", (*keys, index))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield path, keys


def _replaced(data: Any, keys: tuple[Any, ...], value: object) -> Any:
    out = copy.deepcopy(data)
    target = out
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return out


def spec_at(cls: type[Any], data: Any, keys: tuple[Any, ...]) -> QuantitySpec | None:
    """The ``QuantitySpec`` of the field reached by ``keys`` in ``data`` structured as ``cls``."""
    current: Any = cls
    node = data
    spec: QuantitySpec | None = None
    for key in keys:
        if isinstance(key, int):
            node = node[key]
            continue
        options = _attrs_options(current)
        chosen = next((c for c in options if key in attrs.fields_dict(c)), None)
        if chosen is None:
            return None
        field = attrs.fields_dict(chosen)[key]
        spec = quantity_spec(field)
        current = typing.get_type_hints(chosen).get(key, field.type)
        node = node[key]
    return spec


def _attrs_options(t: Any) -> list[type[Any]]:
    found: list[type[Any]] = []
    stack = [t]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and attrs.has(item):
            found.append(item)
        else:
            stack.extend(typing.get_args(item))
    return found


def _names(error: InvalidValueError, path: str) -> bool:
    if isinstance(error, InvalidInputError):
        return any(e.path == path for e in error.errors)
    return error.field == path


def check_methodology(methodology: Methodology, sample_inputs: Mapping[str, Any]) -> None:
    """Check that a methodology honours the plugin contract of ``jcm``.

    Parameters
    ----------
    methodology
        The methodology object, as the plugin's ``jcm_register_methodologies`` returns it.
    sample_inputs
        A valid JSON-like input for it, with at least one number.

    Raises
    ------
    AssertionError
        Listing every failed check; also when calculating the sample fails with
        :class:`jcm.errors.CalculationError` (the plugin raised, or returned something that is
        not JSON, such as an enum for ``gwp_set``).
    jcm.errors.PluginError
        When the host refuses the methodology (no unit on a number, bad protocol).
    """
    failures: list[str] = []
    fresh = MethodologyHost(entry_points=False)
    fresh.register(_SinglePlugin(methodology), distribution=distribution_of(methodology))
    hosted = fresh.get(methodology.id, methodology.version)

    try:
        first = hosted.calculate(sample_inputs)
        second = hosted.calculate(copy.deepcopy(dict(sample_inputs)))
        structured = hosted.calculate(hosted.structure(sample_inputs))
    except CalculationError as exc:
        raise AssertionError(
            f"{methodology.id} {methodology.version} fails the jcm conformance check:\n  "
            f"calculating sample_inputs raised CalculationError: {exc}"
        ) from exc
    if first.to_json() != second.to_json():
        failures.append("two calculations of the same inputs differ")
    if structured.to_json() != first.to_json():
        failures.append("the Inputs object and its JSON give different results")
    failures += _result_failures(first, hosted)
    failures += _json_failures(first)

    leaves = list(numeric_leaves(sample_inputs))
    if not leaves:
        failures.append("sample_inputs holds no number to probe")
    for path, keys in leaves:
        for bad, why in ((math.nan, "NaN"), (-1.0, "a negative value")):
            spec = spec_at(hosted.Inputs, sample_inputs, keys)
            if why != "NaN" and (spec is None or not _forbids_negative(spec)):
                continue
            try:
                hosted.calculate(_replaced(sample_inputs, keys, bad))
            except InvalidValueError as exc:
                if not _names(exc, path):
                    failures.append(f"{why} at {path} was rejected without naming it: {exc}")
            else:
                failures.append(f"{why} at {path} was accepted")
    if failures:
        raise AssertionError(
            f"{methodology.id} {methodology.version} fails the jcm conformance check:\n  "
            + "\n  ".join(failures)
        )


def _json_failures(result: CalculationResult) -> list[str]:
    """What keeps the result from serializing as ``jcm calculate --json`` does, or reading back."""
    try:
        text = json.dumps(result.to_json(), ensure_ascii=False, allow_nan=False)
        canonical_json(result.to_json())
    except (TypeError, ValueError, AttributeError) as exc:
        return [f"the result does not serialize to JSON: {type(exc).__name__}: {exc}"]
    try:
        again = CalculationResult.from_json(json.loads(text))
    except InvalidValueError as exc:
        return [f"the result JSON does not read back: {exc}"]
    if again != result:
        return ["the result JSON reads back as a different result (a value is not plain JSON)"]
    return []


def _forbids_negative(spec: QuantitySpec) -> bool:
    return (spec.ge is not None and spec.ge >= 0) or (spec.gt is not None and spec.gt >= 0)


def _result_failures(result: CalculationResult, hosted: HostedMethodology) -> list[str]:
    failures: list[str] = []
    p = result.provenance
    if (p.methodology, p.version) != (hosted.id, hosted.version):
        failures.append(f"provenance names {p.methodology} {p.version}")
    if not p.distribution or not p.distribution_version:
        failures.append("provenance lacks the plugin's distribution or its version")
    if p.jcm_version != jcm_version:
        failures.append(f"provenance jcm_version {p.jcm_version!r} is not {jcm_version!r}")
    if not _SHA256.match(p.inputs_sha256):
        failures.append(f"provenance inputs_sha256 {p.inputs_sha256!r} is not a SHA-256")
    expected = max(floor_tonnes(result.emission_reductions_exact), 0)
    if result.emission_reductions != expected:
        failures.append(f"credited {result.emission_reductions}, expected {expected}")
    for name in ("reference_emissions", "project_emissions", "leakage_emissions"):
        if not math.isfinite(getattr(result, name)):
            failures.append(f"{name} is not finite")
    return failures
