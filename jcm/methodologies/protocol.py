"""What a methodology plugin implements, and what it hands back to the host.

A plugin provides objects satisfying :class:`Methodology`: an ``id`` and ``version`` (as the JCM
names them), a ``title``, the JCM methodologies it ``follows``, an attrs class ``Inputs`` whose
every number is declared with :func:`jcm.units.quantity` (so it has a unit), and a ``calculate``
that turns an ``Inputs`` into :class:`Emissions`: reference, project and leakage emissions as
float64 arrays over the monitoring data (one element per stratum, generator, waste type...).

The plugin never subtracts, deducts or rounds: the host (:mod:`jcm.methodologies.host`) sums the
arrays, computes ``(RE - PE - LE) x (1 - uncertainty_deduction)``, floors it to whole tCO2e and
attaches provenance (ARCHITECTURE.md, "Methodologies"; API.md "Rounding of emission reductions").

Example (a complete, if trivial, methodology)::

    >>> import attrs, numpy as np
    >>> from jcm.units import quantity
    >>> @attrs.frozen
    ... class Inputs:
    ...     electricity: float = quantity("MWh", ge=0)
    ...     emission_factor: float = quantity("tCO2/MWh", ge=0)
    >>> class Meter:
    ...     id, version, title, follows = "meter", "1.0", "Metered displacement", ("TH_AM001",)
    ...     Inputs = Inputs
    ...     def calculate(self, inputs):
    ...         re = np.array([inputs.electricity * inputs.emission_factor])
    ...         return Emissions(reference=re, project=np.zeros(1))
    >>> isinstance(Meter(), Methodology)
    True
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np
import numpy.typing as npt

from jcm.errors import InvalidValueError, Problem
from jcm.units import FRACTION, quantity, quantity_spec

__all__ = [
    "BatchMethodology",
    "Emissions",
    "FastJsonMethodology",
    "FloatArray",
    "GwpSet",
    "Methodology",
    "as_float_array",
    "gwp_field",
    "numeric_fields_without_units",
    "uncertainty_deduction_field",
]

FloatArray = npt.NDArray[np.float64]
"""A float64 numpy array, the currency of every equation function."""


class GwpSet(enum.Enum):
    """The IPCC assessment report whose 100-year GWP values convert CH4 and N2O to CO2e.

    Values in :data:`jcm.methodologies.tables.GWP_SETS`, from the IPCC tables by way of the data
    package ``globalwarmingpotentials``; default ``AR5`` (CH4 28, N2O 265; docs/api.md).
    """

    AR4 = "AR4"
    AR5 = "AR5"
    AR6 = "AR6"


def gwp_field() -> Any:
    """An attrs field ``gwp`` of type :class:`GwpSet`, default ``AR5`` (API.md, built-ins)."""
    return attrs.field(
        default=GwpSet.AR5,
        validator=attrs.validators.instance_of(GwpSet),
        metadata={"doc": "GWP set converting CH4 and N2O to CO2e (methodologies.md §1.5)"},
    )


def uncertainty_deduction_field() -> Any:
    """An attrs field ``uncertainty_deduction``: a fraction in [0, 1), default 0 [1].

    The host applies it: ER = (RE - PE - LE) x (1 - Ud) (methodologies.md §1.1; PH_AM004 Ud).
    """
    return quantity(FRACTION, ge=0, lt=1, default=0.0)


def as_float_array(values: Any) -> FloatArray:
    """``values`` as a one-dimensional float64 array (a scalar becomes one element)."""
    return np.atleast_1d(np.asarray(values, dtype=np.float64))


def _no_problems() -> tuple[Problem, ...]:
    return ()


def _problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(problems)


@attrs.frozen
class Emissions:
    """What a plugin's ``calculate`` returns: emissions over the monitoring data, unsubtracted.

    Parameters
    ----------
    reference
        RE_p per element of the monitoring data [tCO2e]; the host sums it.
    project
        PE_p per element [tCO2e].
    leakage
        LE_p per element [tCO2e] (default none).
    uncertainty_deduction
        Ud [1] in [0, 1) that the host applies to RE - PE - LE (usually copied from the inputs).
    gwp_set
        Name of the GWP set used (``"AR5"``: ``inputs.gwp.value``, not the enum ``inputs.gwp``),
        recorded in the provenance; None when no non-CO2 gas is involved and the methodology has
        no ``gwp`` input. The host refuses anything else with a ``CalculationError``.
    problems
        Eligibility findings and plausibility warnings about the inputs, each a
        :class:`jcm.errors.Problem` of strings.
    """

    reference: FloatArray = attrs.field(converter=as_float_array)
    project: FloatArray = attrs.field(converter=as_float_array)
    leakage: FloatArray = attrs.field(converter=as_float_array, factory=lambda: np.zeros(1))
    uncertainty_deduction: float = 0.0
    gwp_set: str | None = None
    problems: tuple[Problem, ...] = attrs.field(factory=_no_problems, converter=_problems)


@runtime_checkable
class Methodology(Protocol):
    """The plugin contract: a methodology's identity, its inputs and its equations.

    Attributes
    ----------
    id
        Identifier, unique with ``version`` among installed plugins (``"awd-rice"``).
    version
        Version of the methodology (``"1.0"``).
    title
        One-line human title.
    follows
        The JCM methodologies whose structure it follows (``("PH_AM004",)``).
    Inputs
        The attrs class of its inputs; every int or float field is a :func:`jcm.units.quantity`.
    """

    @property
    def id(self) -> str:
        """Identifier."""
        ...

    @property
    def version(self) -> str:
        """Version."""
        ...

    @property
    def title(self) -> str:
        """Title."""
        ...

    @property
    def follows(self) -> tuple[str, ...]:
        """JCM methodologies followed."""
        ...

    @property
    def Inputs(self) -> type[Any]:  # noqa: N802 - the contract's name for the inputs class
        """The attrs class of the inputs."""
        ...

    def calculate(self, inputs: Any) -> Emissions:
        """Reference, project and leakage emissions for ``inputs`` (an ``Inputs`` instance)."""
        ...


@runtime_checkable
class BatchMethodology(Protocol):
    """Optional: a methodology that also computes many independent rows at once, vectorized.

    The host calls ``prepare_batch`` to validate the user's columns (errors name the column and
    the first bad row) into canonical arrays, hashes those for the provenance, and passes them to
    ``calculate_batch``, which returns emissions per row.
    """

    def prepare_batch(self, columns: Any) -> Mapping[str, npt.NDArray[Any]]:
        """Validated, canonical columns (float64 in canonical units, small-int category codes)."""
        ...

    def calculate_batch(
        self, prepared: Mapping[str, npt.NDArray[Any]], *, gwp: GwpSet
    ) -> Emissions:
        """Emissions per row of ``prepared`` columns [tCO2e]."""
        ...


@runtime_checkable
class FastJsonMethodology(Protocol):
    """Optional: a methodology with a fast path for large, plain JSON inputs.

    ``calculate_json`` returns the emissions and the normalised JSON form of the inputs (exactly
    ``unstructure(structure(data, Inputs))``, which the host hashes), or None to let the host take
    the ordinary path. It must give results identical to the ordinary path, and leave every
    rejection to it.
    """

    def calculate_json(self, data: Mapping[str, Any]) -> tuple[Emissions, Any] | None:
        """Emissions and normalised inputs for ``data``, or None to fall back."""
        ...


_NUMERIC = (int, float)


def _walk_types(t: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(t)
    if origin is None:
        return (t,)
    return tuple(a for a in typing.get_args(t) if a is not Ellipsis and a is not type(None))


def numeric_fields_without_units(cls: type[Any], *, path: str = "") -> tuple[str, ...]:
    """Dotted names of the int/float fields of ``cls`` (recursively) declared without a unit.

    A field is numeric when its annotation is ``int`` or ``float`` (possibly inside a tuple, a
    union or an optional); it has a unit when it was made by :func:`jcm.units.quantity`. Nested
    attrs classes are walked. The methodology host refuses a plugin whose ``Inputs`` has any such
    field (STYLE.md: every numeric parameter field has a unit).
    """
    if not attrs.has(cls):
        raise InvalidValueError("Inputs", cls, "must be an attrs class")
    hints = typing.get_type_hints(cls)
    missing: list[str] = []
    for field in attrs.fields(cls):
        name = f"{path}{field.name}"
        annotation = hints.get(field.name, field.type)
        stack = list(_walk_types(annotation))
        seen: set[int] = set()
        while stack:
            t = stack.pop()
            if id(t) in seen:
                continue
            seen.add(id(t))
            if t in _NUMERIC and t is not bool:
                if quantity_spec(field) is None and name not in missing:
                    missing.append(name)
            elif isinstance(t, type) and attrs.has(t):
                missing.extend(numeric_fields_without_units(t, path=f"{name}."))
            elif typing.get_origin(t) is not None:
                stack.extend(_walk_types(t))
    return tuple(missing)
