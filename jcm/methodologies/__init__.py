"""Methodologies: the plugin host, the ``Methodology`` protocol, and the built-ins.

``available()`` and ``get()`` use a default :class:`MethodologyHost` created on first use (never at
import time); for isolation, make your own host (``MethodologyHost(entry_points=False)`` in tests).
A plugin that fails to load is set aside and listed by ``broken()``; the others work. Plugins named
in the environment variable ``JCM_BLOCK_PLUGINS`` (entry-point or distribution names, separated by
commas) are not loaded; ``blocking(names)`` runs a block of code with more of them blocked.

    >>> import jcm.methodologies
    >>> m = jcm.methodologies.get("chiller")
    >>> r = m.calculate({"period": {"start": "2024-01-01", "end": "2024-12-31"},
    ...     "electricity_consumed": 1500.0, "cop_project": 6.3, "cop_reference": 5.5,
    ...     "emission_factor": 0.5})
    >>> r.emission_reductions
    109
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from jcm.methodologies.host import (
    BLOCK_PLUGINS_VARIABLE,
    ENTRY_POINT_GROUP,
    BrokenPlugin,
    HostedMethodology,
    MethodologyHost,
    MethodologyInfo,
)
from jcm.methodologies.markers import hookimpl, hookspec
from jcm.methodologies.protocol import (
    BatchMethodology,
    Emissions,
    FastJsonMethodology,
    GwpSet,
    Methodology,
    gwp_field,
    numeric_fields_without_units,
    uncertainty_deduction_field,
)
from jcm.methodologies.provenance import Provenance
from jcm.methodologies.result import BatchResult, CalculationResult

__all__ = [
    "BLOCK_PLUGINS_VARIABLE",
    "ENTRY_POINT_GROUP",
    "BatchMethodology",
    "BatchResult",
    "BrokenPlugin",
    "CalculationResult",
    "Emissions",
    "FastJsonMethodology",
    "GwpSet",
    "HostedMethodology",
    "Methodology",
    "MethodologyHost",
    "MethodologyInfo",
    "Provenance",
    "available",
    "blocking",
    "broken",
    "default_host",
    "get",
    "gwp_field",
    "hookimpl",
    "hookspec",
    "numeric_fields_without_units",
    "uncertainty_deduction_field",
]

_default: list[MethodologyHost] = []


def default_host() -> MethodologyHost:
    """The host behind :func:`available` and :func:`get`, created (and loaded) on first use."""
    if not _default:
        _default.append(MethodologyHost())
    return _default[0]


def available() -> tuple[MethodologyInfo, ...]:
    """Every installed methodology, as ``MethodologyInfo(id, version, title, follows, ...)``."""
    return default_host().available()


def broken() -> tuple[BrokenPlugin, ...]:
    """The plugins that failed to load or broke the contract, each with its distribution and error.

    Every other plugin works; ``jcm methodologies`` lists these as broken.
    """
    return default_host().broken()


@contextlib.contextmanager
def blocking(names: Iterable[str]) -> Iterator[MethodologyHost]:
    """Within the block, the default host is a fresh one that never loads the plugins ``names``.

    ``names`` are entry-point or distribution names (``jcm --block-plugin NAME`` uses this). The
    previous default host comes back afterwards. With no names, the default host is unchanged.
    """
    names = tuple(names)
    if not names:
        yield default_host()
        return
    previous = list(_default)
    _default[:] = [MethodologyHost(block=names)]
    try:
        yield _default[0]
    finally:
        _default[:] = previous


def get(id: str, version: str | None = None) -> HostedMethodology:
    """The installed methodology ``id`` (newest version unless ``version`` is given).

    Raises
    ------
    jcm.errors.UnknownMethodologyError
        When it is not installed.
    """
    return default_host().get(id, version)
