"""The methodology host: loads plugins, checks them, and runs their calculations.

Design. A :class:`MethodologyHost` owns one pluggy ``PluginManager`` and nothing global. On first
use it loads the entry points of the group ``jcm.methodologies`` (the built-ins come through the
same door, from ``jcm``'s own entry point), calls ``check_pending()`` so that a misspelt hook fails
loudly, then asks every plugin for its methodologies through the one registration hook
(:func:`jcm.methodologies.hookspecs.jcm_register_methodologies`). Each hook implementation is
called on its own, through a typed facade, so every methodology is attributed to the distribution
that provided it, and checked:

* it has a non-empty ``id``, ``version``, ``title``, a tuple of ``follows``, an attrs ``Inputs``
  class and a ``calculate``;
* every int or float field of its ``Inputs`` (recursively) has a unit (:func:`jcm.units.quantity`);
* no other plugin already provides the same ``(id, version)``.

Plugins are isolated from each other. Each entry point is loaded on its own: one that fails to
import, implements an unknown hook, raises in its registration hook or returns a methodology the
host refuses is set aside as a :class:`BrokenPlugin` (its distribution, entry point and error), and
the others load; :meth:`MethodologyHost.broken` lists them and ``jcm methodologies`` shows them.
A plugin registered in code (:meth:`MethodologyHost.register`) is not isolated: what is wrong with
it raises :class:`jcm.errors.PluginError`, naming the distribution and its version, because the
caller wrote that code. A plugin can be blocked by its entry-point name or its distribution's name
(``MethodologyHost(block=...)``, :meth:`MethodologyHost.set_blocked`, the environment variable
``JCM_BLOCK_PLUGINS``, ``jcm --block-plugin NAME``). Loading is logged at debug level on the logger
``jcm.methodologies`` (loaded, blocked, broken).

A calculation goes through :class:`HostedMethodology`: the inputs (a JSON-like mapping or the
plugin's ``Inputs``) are structured with :func:`jcm.serialization.structure` (errors name every bad
field), the plugin returns :class:`~jcm.methodologies.protocol.Emissions`, and the host sums,
subtracts, applies the uncertainty deduction, floors to whole tCO2e and attaches
:class:`~jcm.methodologies.provenance.Provenance`. An exception of the plugin other than an
input error (:class:`jcm.errors.InvalidValueError`) is re-raised as
:class:`jcm.errors.CalculationError` ``from`` it, naming the methodology and the distribution.

Example::

    >>> host = MethodologyHost()
    >>> m = host.get("awd-rice")
    >>> r = m.calculate({"period": {"start": "2025-06-01", "end": "2025-10-31"},
    ...     "strata": [{"name": "S", "area": 100, "cultivation_days": 100,
    ...                 "baseline_emission_factor": 1.22,
    ...                 "reference_water_regime": "continuously_flooded",
    ...                 "project_water_regime": "multiple_drainage"}]})
    >>> r.emission_reductions
    153
"""

from __future__ import annotations

import importlib.metadata
import itertools
import logging
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any, Final, TypeVar

import attrs
import numpy as np
import pluggy

from jcm._version import __version__ as jcm_version
from jcm.errors import (
    CalculationError,
    InvalidValueError,
    MethodologyError,
    PluginError,
    Problem,
    Severity,
    UnknownMethodologyError,
)
from jcm.methodologies import hookspecs
from jcm.methodologies.batch import columns_sha256
from jcm.methodologies.markers import PROJECT_NAME
from jcm.methodologies.protocol import (
    BatchMethodology,
    Emissions,
    FastJsonMethodology,
    FloatArray,
    GwpSet,
    Methodology,
    numeric_fields_without_units,
)
from jcm.methodologies.provenance import Provenance, inputs_sha256
from jcm.methodologies.result import (
    BatchResult,
    CalculationResult,
    credited,
    emission_reductions_exact,
)
from jcm.serialization import canonical_json, structure, unstructure
from jcm.units import FRACTION, QuantitySpec, check_quantity

__all__ = [
    "BLOCK_PLUGINS_VARIABLE",
    "ENTRY_POINT_GROUP",
    "BrokenPlugin",
    "HostedMethodology",
    "MethodologyHost",
    "MethodologyInfo",
    "blocked_from_environment",
    "distribution_of",
    "version_key",
]

ENTRY_POINT_GROUP: Final = "jcm.methodologies"
"""The entry-point group in which a distribution declares its methodology plugins."""

BLOCK_PLUGINS_VARIABLE: Final = "JCM_BLOCK_PLUGINS"
"""The environment variable naming plugins not to load: entry-point or distribution names,
separated by commas (``JCM_BLOCK_PLUGINS=led,jcm-methodology-boiler``)."""

_log = logging.getLogger("jcm.methodologies")

_T = TypeVar("_T")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a methodology version: numeric parts numerically (``"1.10"`` > ``"1.9"``)."""
    parts: list[tuple[int, int | str]] = []
    for part in version.replace("-", ".").split("."):
        parts.append((1, int(part)) if part.isdigit() else (0, part))
    return tuple(parts)


@attrs.frozen
class MethodologyInfo:
    """What ``available()`` lists about one installed methodology (API.md "Python").

    Parameters
    ----------
    id, version
        The methodology's identifier and version.
    title
        Its one-line title.
    follows
        The JCM methodologies whose structure it follows.
    distribution
        The Python distribution that provides it (``"jcm"`` for the built-ins).
    """

    id: str
    version: str
    title: str
    follows: tuple[str, ...]
    distribution: str


@attrs.frozen
class BrokenPlugin:
    """A plugin that the host set aside: it failed to load, or it broke the plugin contract.

    Listed by :meth:`MethodologyHost.broken` and ``jcm methodologies``; the other plugins work.

    Parameters
    ----------
    entry_point
        The entry-point name (the plugin's name in the host), as ``--block-plugin`` takes it.
    target
        What the entry point names (``"jcm_methodology_led"``, ``"package.module:object"``).
    distribution, distribution_version
        The distribution that declares the entry point, and its version.
    error
        What went wrong: the exception's type and message.
    """

    entry_point: str
    target: str
    distribution: str
    distribution_version: str
    error: str

    def to_json(self) -> dict[str, str]:
        """``{"entry_point", "target", "distribution", "distribution_version", "error"}``."""
        return {
            "entry_point": self.entry_point,
            "target": self.target,
            "distribution": self.distribution,
            "distribution_version": self.distribution_version,
            "error": self.error,
        }

    def describe(self) -> str:
        """One line: ``led (jcm-methodology-led 0.1.0): ImportError: ...``."""
        return f"{self.entry_point} ({self.distribution} {self.distribution_version}): {self.error}"


@attrs.frozen
class _Source:
    plugin_name: str
    distribution: str
    distribution_version: str
    order: int = 0
    """Registration order: on a duplicate (id, version) the earlier plugin keeps it."""
    target: str | None = None
    """The entry point's value when the plugin came from an entry point (then it is isolated)."""

    def describe(self) -> str:
        return f"{self.distribution} {self.distribution_version} (plugin {self.plugin_name!r})"

    def broken(self, error: str) -> BrokenPlugin:
        return BrokenPlugin(
            self.plugin_name,
            self.target or self.plugin_name,
            self.distribution,
            self.distribution_version,
            error,
        )


def _canonical(name: str) -> str:
    """A distribution or entry-point name compared as packaging does (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def blocked_from_environment() -> frozenset[str]:
    """The names in :data:`BLOCK_PLUGINS_VARIABLE` (``JCM_BLOCK_PLUGINS``), blanks dropped."""
    raw = os.environ.get(BLOCK_PLUGINS_VARIABLE, "")
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


def _describe_exception(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class HostedMethodology:
    """A methodology as the host runs it: the plugin's equations plus the host's arithmetic.

    Obtained from :meth:`MethodologyHost.get`; not constructed by users.
    """

    __slots__ = ("_plugin", "_source", "info")

    def __init__(self, plugin: Methodology, source: _Source) -> None:
        self._plugin = plugin
        self._source = source
        self.info: MethodologyInfo = MethodologyInfo(
            plugin.id, plugin.version, plugin.title, tuple(plugin.follows), source.distribution
        )
        """The descriptor listed by ``available()``."""

    def __repr__(self) -> str:
        return f"<HostedMethodology {self.id} {self.version} from {self._source.describe()}>"

    @property
    def id(self) -> str:
        """The methodology's identifier."""
        return self.info.id

    @property
    def version(self) -> str:
        """The methodology's version."""
        return self.info.version

    @property
    def title(self) -> str:
        """The methodology's title."""
        return self.info.title

    @property
    def follows(self) -> tuple[str, ...]:
        """The JCM methodologies it follows."""
        return self.info.follows

    @property
    def distribution(self) -> str:
        """The distribution that provides the plugin."""
        return self._source.distribution

    @property
    def distribution_version(self) -> str:
        """The version of that distribution."""
        return self._source.distribution_version

    @property
    def Inputs(self) -> type[Any]:  # noqa: N802 - the protocol's name for the inputs class
        """The attrs class of the methodology's inputs."""
        inputs: type[Any] = self._plugin.Inputs
        return inputs

    @property
    def plugin(self) -> Methodology:
        """The plugin object itself (for introspection and conformance checks)."""
        return self._plugin

    @property
    def supports_batch(self) -> bool:
        """True when the plugin computes many independent rows at once (``calculate_batch``)."""
        return isinstance(self._plugin, BatchMethodology)

    # ----------------------------------------------------------------- calculations

    def structure(self, data: Mapping[str, Any]) -> Any:
        """Structure JSON-like ``data`` into the plugin's ``Inputs`` (errors name every field)."""
        return structure(data, self.Inputs)

    def calculate(self, inputs: Any) -> CalculationResult:
        """Calculate one monitoring period (API.md "Python": ``m.calculate({...})``).

        Parameters
        ----------
        inputs
            A JSON-like mapping (structured with :func:`jcm.serialization.structure`) or an
            instance of the methodology's ``Inputs``.

        Raises
        ------
        InvalidInputError
            When the inputs are bad; it names every bad field with its ``$.path``.
        CalculationError
            When the plugin fails, ``from`` the plugin's exception; or when what it returns
            breaks the contract (not :class:`Emissions`, non-finite emissions, a ``gwp_set``
            that is not a string, a problem that is not a :class:`jcm.errors.Problem`), so that
            the result would not serialize to JSON.
        """
        emissions: Emissions | None = None
        normalised: Any = None
        if isinstance(inputs, Mapping):
            if isinstance(self._plugin, FastJsonMethodology):
                fast = self._run(self._plugin.calculate_json, inputs)
                if fast is not None:
                    emissions, normalised = fast
            if emissions is None:
                structured = self._run(structure, inputs, self.Inputs)
        elif isinstance(inputs, self.Inputs):
            structured = self._run(structure, self._run(unstructure, inputs), self.Inputs)
        else:
            raise InvalidValueError(
                "inputs",
                type(inputs).__name__,
                f"must be a JSON object or a {self.Inputs.__qualname__} of {self.id}",
            )
        if emissions is None:
            normalised = self._run(unstructure, structured)
            emissions = self._run(self._plugin.calculate, structured)
        self._check_emissions(emissions)
        reference = float(np.sum(emissions.reference))
        project = float(np.sum(emissions.project))
        leakage = float(np.sum(emissions.leakage))
        exact = emission_reductions_exact(
            reference, project, leakage, emissions.uncertainty_deduction
        )
        credits, extra = credited(exact)
        result = CalculationResult(
            methodology=self.id,
            version=self.version,
            reference_emissions=reference,
            project_emissions=project,
            leakage_emissions=leakage,
            emission_reductions_exact=exact,
            emission_reductions=credits,
            problems=(*emissions.problems, *extra),
            provenance=self._provenance(emissions.gwp_set, self._run(inputs_sha256, normalised)),
        )
        self._check_serializes(result)
        return result

    def calculate_batch(
        self,
        columns: Any,
        *,
        gwp: str | GwpSet = GwpSet.AR5,
        uncertainty_deduction: float = 0.0,
    ) -> BatchResult:
        """Calculate many independent rows at once (vectorized), each credited on its own.

        Parameters
        ----------
        columns
            A mapping of equal-length arrays (one per input field of a row), or a pandas DataFrame.
        gwp
            GWP set for every row (default ``AR5``).
        uncertainty_deduction
            Ud for every row [1], in [0, 1).

        Raises
        ------
        InvalidValueError
            Naming the column and the first bad row.
        MethodologyError
            When the methodology has no batch path.
        """
        if not isinstance(self._plugin, BatchMethodology):
            raise MethodologyError(
                f"{self.id} {self.version} ({self._source.describe()}) has no batch calculation",
                field="methodology",
                value=self.id,
            )
        gwp_set = _gwp(gwp)
        ud = float(
            check_quantity(
                QuantitySpec(FRACTION, ge=0, lt=1), "uncertainty_deduction", uncertainty_deduction
            )
        )
        prepared = self._run(self._plugin.prepare_batch, columns)
        settings = {"gwp": gwp_set.value, "uncertainty_deduction": ud}
        # hashlib releases the GIL on large buffers: hash on a second thread while calculating.
        with ThreadPoolExecutor(max_workers=1) as pool:
            digest = pool.submit(columns_sha256, prepared, extra=settings)
            emissions = self._run(self._plugin.calculate_batch, prepared, gwp=gwp_set)
            sha = digest.result()
        self._check_emissions(emissions)
        n = emissions.reference.shape[0]
        leakage = emissions.leakage if emissions.leakage.shape[0] == n else np.zeros(n)
        return BatchResult.from_emissions(
            methodology=self.id,
            version=self.version,
            reference=emissions.reference,
            project=emissions.project,
            leakage=leakage,
            uncertainty_deduction=ud,
            problems=emissions.problems,
            provenance=self._provenance(gwp_set.value, sha),
        )

    # ----------------------------------------------------------------- internals

    def _provenance(self, gwp_set: str | None, sha: str) -> Provenance:
        return Provenance(
            methodology=self.id,
            version=self.version,
            distribution=self._source.distribution,
            distribution_version=self._source.distribution_version,
            jcm_version=jcm_version,
            gwp_set=gwp_set,
            inputs_sha256=sha,
        )

    def _run(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        try:
            return fn(*args, **kwargs)
        except InvalidValueError:
            raise
        except Exception as exc:
            raise CalculationError(
                f"methodology {self.id} {self.version} from {self._source.describe()} failed: "
                f"{type(exc).__name__}: {exc}",
                field="methodology",
                value=self.id,
            ) from exc

    def _refuse(self, what: str, *, field: str, value: object) -> CalculationError:
        return CalculationError(
            f"methodology {self.id} {self.version} from {self._source.describe()} {what}",
            field=field,
            value=value,
            rule="a plugin returns Emissions whose every part serializes to JSON (docs/api.md)",
        )

    def _check_serializes(self, result: CalculationResult) -> None:
        try:
            canonical_json(result.to_json())
        except (TypeError, ValueError, AttributeError) as exc:
            raise self._refuse(
                f"returned a result that does not serialize to JSON: {_describe_exception(exc)}",
                field="methodology",
                value=self.id,
            ) from exc

    def _check_emissions(self, emissions: object) -> None:
        if not isinstance(emissions, Emissions):
            raise self._refuse(
                f"returned {type(emissions).__name__}, not Emissions",
                field="methodology",
                value=self.id,
            )
        gwp_set: object = emissions.gwp_set
        if gwp_set is not None and not isinstance(gwp_set, str):
            hint = f" (write {type(gwp_set).__name__}.value)" if hasattr(gwp_set, "value") else ""
            raise self._refuse(
                f"returned gwp_set {gwp_set!r} of type {type(gwp_set).__name__}, not the name of "
                f"a GWP set such as 'AR5'{hint}",
                field="gwp_set",
                value=repr(gwp_set),
            )
        for index, problem in enumerate(emissions.problems):
            if not _is_plain_problem(problem):
                raise self._refuse(
                    f"returned problems[{index}] = {problem!r}, not a jcm.errors.Problem of "
                    "strings (code, message, field, subject) and a Severity",
                    field=f"problems[{index}]",
                    value=repr(problem),
                )
        arrays: tuple[tuple[str, FloatArray], ...] = (
            ("reference", emissions.reference),
            ("project", emissions.project),
            ("leakage", emissions.leakage),
        )
        for name, arr in arrays:
            # A finite sum proves every element finite (NaN and infinities propagate); only a
            # sum that overflows needs the element-wise test.
            if not math.isfinite(float(arr.sum())) and not bool(np.all(np.isfinite(arr))):
                raise CalculationError(
                    f"methodology {self.id} {self.version} from {self._source.describe()} returned "
                    f"non-finite {name} emissions",
                    field=name,
                    value=self.id,
                )
        ud = emissions.uncertainty_deduction
        if not (isinstance(ud, float | int) and math.isfinite(ud) and 0 <= ud < 1):
            raise CalculationError(
                f"methodology {self.id} {self.version} from {self._source.describe()} returned "
                f"uncertainty_deduction {ud!r}, not a fraction in [0, 1)",
                field="uncertainty_deduction",
                value=ud,
            )


def _is_plain_problem(problem: object) -> bool:
    if not isinstance(problem, Problem):
        return False
    texts = (problem.code, problem.message)
    optional = (problem.field, problem.subject)
    return (
        all(isinstance(t, str) for t in texts)
        and all(t is None or isinstance(t, str) for t in optional)
        and isinstance(problem.severity, Severity)
    )


def _gwp(value: str | GwpSet) -> GwpSet:
    if isinstance(value, GwpSet):
        return value
    try:
        return GwpSet(value)
    except ValueError:
        raise InvalidValueError(
            "gwp", value, f"must be one of {', '.join(g.value for g in GwpSet)}"
        ) from None


def distribution_of(plugin: object) -> tuple[str, str]:
    """``(name, version)`` of the distribution that installed the plugin's top-level package.

    Falls back to ``(top-level package, "unknown")`` for code that no distribution installed.
    """
    module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
    top = module.split(".")[0]
    names = list(importlib.metadata.packages_distributions().get(top, []))
    # Editable installs list no packages; their entry points and their names still tell.
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.module.split(".")[0] == top and ep.dist is not None:
            names.append(ep.dist.metadata["Name"])
    names.append(top.replace("_", "-"))
    for name in names:
        try:
            return importlib.metadata.metadata(name)["Name"], importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return top, "unknown"


class MethodologyHost:
    """Loads methodology plugins, checks them and runs them; holds no global state.

    Parameters
    ----------
    entry_points
        Load the plugins declared in the entry-point group ``jcm.methodologies`` on first use
        (default), each in isolation, skipping those named in ``block`` or in the environment
        variable ``JCM_BLOCK_PLUGINS``. A host made with ``entry_points=False`` knows only what
        is :meth:`register`-ed, which is what tests want (the ``host`` fixture of
        :mod:`jcm.testing`).
    block
        Entry-point names or distribution names of plugins never to load (``"led"``,
        ``"jcm-methodology-led"``).
    """

    def __init__(self, *, entry_points: bool = True, block: Iterable[str] = ()) -> None:
        self._pm = pluggy.PluginManager(PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._entry_points = entry_points
        self._entry_points_loaded = False
        self._sources: dict[str, _Source] = {}
        self._order = itertools.count()
        self._blocked: set[str] = set()
        self._load_failures: dict[str, BrokenPlugin] = {}
        self._contract_failures: dict[str, BrokenPlugin] = {}
        self._catalogue: dict[tuple[str, str], HostedMethodology] | None = None
        for name in block:
            self.set_blocked(name)

    # ----------------------------------------------------------------- plugins

    def register(
        self,
        plugin: object,
        *,
        name: str | None = None,
        distribution: tuple[str, str] | None = None,
    ) -> str:
        """Register a plugin object (a module or object with ``@hookimpl`` functions).

        A plugin registered this way is not isolated: if it breaks the contract, :meth:`available`
        and :meth:`get` raise :class:`jcm.errors.PluginError` (the author should see it).

        Parameters
        ----------
        plugin
            The plugin.
        name
            Its plugin name (default: pluggy's, the module name for a module).
        distribution
            ``(name, version)`` of the distribution providing it; by default the distribution
            that installed the plugin's top-level package.

        Returns
        -------
        str
            The name under which it was registered.

        Raises
        ------
        PluginError
            When the plugin is blocked, is already registered, or implements an unknown hook.
        """
        try:
            registered = self._pm.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(f"cannot register plugin {name or plugin!r}: {exc}") from exc
        if registered is None:
            raise PluginError(f"plugin {name!r} is blocked", field="plugin", value=name)
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self._pm.unregister(name=registered)
            raise PluginError(f"plugin {registered!r} implements an unknown hook: {exc}") from exc
        dist_name, dist_version = distribution or distribution_of(plugin)
        if self._is_blocked(registered, dist_name):
            self._pm.unregister(name=registered)
            raise PluginError(
                f"plugin {registered!r} of {dist_name} is blocked", field="plugin", value=name
            )
        self._sources[registered] = _Source(
            registered, dist_name, dist_version, order=next(self._order)
        )
        self._catalogue = None
        return registered

    def set_blocked(self, name: str) -> None:
        """Block the plugins named ``name``: an entry-point (plugin) name or a distribution name.

        A blocked plugin is unregistered if loaded and never loaded again by this host.
        """
        self._blocked.add(_canonical(name))
        self._pm.set_blocked(name)
        for plugin_name, source in list(self._sources.items()):
            if self._is_blocked(plugin_name, source.distribution):
                if self._pm.has_plugin(plugin_name):
                    self._pm.unregister(name=plugin_name)
                self._pm.set_blocked(plugin_name)
                del self._sources[plugin_name]
                _log.debug("blocked plugin %r of %s", plugin_name, source.distribution)
        self._catalogue = None

    def is_blocked(self, name: str) -> bool:
        """True when the plugin or distribution ``name`` is blocked."""
        return self._pm.is_blocked(name) or _canonical(name) in self._blocked

    def plugin_names(self) -> tuple[str, ...]:
        """Names of the registered plugins (after loading entry points)."""
        self._ensure_loaded()
        return tuple(name for name, _ in self._pm.list_name_plugin() if name in self._sources)

    def load_entry_points(self) -> int:
        """Load the plugins of the entry-point group ``jcm.methodologies`` now; return how many.

        Each entry point is loaded on its own. One that is blocked (by this host or by
        ``JCM_BLOCK_PLUGINS``) is skipped; one that fails to import, is declared under the same
        name by two distributions, or implements an unknown hook is set aside and listed by
        :meth:`broken`; the others load. ``jcm``'s own entry point (the built-ins) comes first,
        then the others by distribution and entry-point name.
        """
        count = 0
        blocked = {_canonical(n) for n in blocked_from_environment()}
        declared: dict[str, str] = {}
        for dist_name, dist_version, ep in _entry_points():
            source = _Source(
                ep.name, dist_name, dist_version, order=next(self._order), target=ep.value
            )
            other = declared.setdefault(ep.name, dist_name)
            if other != dist_name:
                self._set_aside(
                    source,
                    f"the entry point name {ep.name!r} is declared by {other} too; uninstall one "
                    "of the two distributions",
                    self._load_failures,
                )
                continue
            if (
                self._is_blocked(ep.name, dist_name)
                or {
                    _canonical(ep.name),
                    _canonical(dist_name),
                }
                & blocked
            ):
                _log.debug("blocked plugin %r of %s %s", ep.name, dist_name, dist_version)
                continue
            if self._pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
                if self._pm.is_registered(plugin):
                    already = self._pm.get_name(plugin)
                    self._set_aside(
                        source,
                        f"its module or object is already loaded as plugin {already!r}",
                        self._load_failures,
                    )
                    continue
                self._pm.register(plugin, name=ep.name)
                self._pm.check_pending()
            except Exception as exc:
                if self._pm.has_plugin(ep.name):
                    self._pm.unregister(name=ep.name)
                self._set_aside(source, _describe_exception(exc), self._load_failures)
                continue
            self._load_failures.pop(ep.name, None)
            self._sources[ep.name] = source
            count += 1
            _log.debug("loaded plugin %r (%s) of %s %s", ep.name, ep.value, dist_name, dist_version)
        self._entry_points_loaded = True
        self._catalogue = None
        return count

    # ----------------------------------------------------------------- queries

    def available(self) -> tuple[MethodologyInfo, ...]:
        """Every installed methodology, sorted by id and then version (newest last)."""
        return tuple(m.info for m in self._sorted())

    def broken(self) -> tuple[BrokenPlugin, ...]:
        """The plugins set aside: failed to load or broke the contract, by entry-point name.

        Loads the entry points and asks every plugin for its methodologies first, so that a
        plugin whose registration hook fails is listed too.
        """
        self._ensure_catalogue()
        found = {**self._load_failures, **self._contract_failures}
        return tuple(found[name] for name in sorted(found))

    def methodologies(self) -> tuple[HostedMethodology, ...]:
        """Every installed methodology as runnable objects, in the order of :meth:`available`."""
        return self._sorted()

    def get(self, id: str, version: str | None = None) -> HostedMethodology:
        """The methodology ``id`` at ``version`` (default: its newest version).

        Raises
        ------
        UnknownMethodologyError
            When no installed plugin provides it; the message lists what is available, and the
            broken plugins that might have provided it.
        """
        catalogue = self._ensure_catalogue()
        candidates = [m for (mid, _), m in catalogue.items() if mid == id]
        if version is not None:
            candidates = [m for m in candidates if m.version == version]
        if not candidates:
            known = ", ".join(f"{m.id} {m.version}" for m in self._sorted()) or "none"
            what = f"{id} version {version}" if version is not None else id
            broken = self.broken()
            also = "; broken plugins: " + "; ".join(b.describe() for b in broken) if broken else ""
            raise UnknownMethodologyError(
                f"methodology: {what!r} is not installed; available: {known}{also}",
                field="methodology",
                value=id if version is None else f"{id} {version}",
                rule="must name an installed methodology (jcm methodologies)",
            )
        return max(candidates, key=lambda m: version_key(m.version))

    # ----------------------------------------------------------------- internals

    def _is_blocked(self, plugin_name: str, distribution: str) -> bool:
        return (
            self._pm.is_blocked(plugin_name)
            or _canonical(plugin_name) in self._blocked
            or _canonical(distribution) in self._blocked
        )

    def _set_aside(
        self, source: _Source, error: str, into: dict[str, BrokenPlugin]
    ) -> BrokenPlugin:
        record = source.broken(error)
        into[source.plugin_name] = record
        _log.debug("broken plugin %s", record.describe())
        return record

    def _sorted(self) -> tuple[HostedMethodology, ...]:
        catalogue = self._ensure_catalogue()
        return tuple(
            sorted(catalogue.values(), key=lambda m: (m.id, version_key(m.version), m.version))
        )

    def _ensure_loaded(self) -> None:
        if self._entry_points and not self._entry_points_loaded:
            self.load_entry_points()

    def _ensure_catalogue(self) -> dict[tuple[str, str], HostedMethodology]:
        self._ensure_loaded()
        if self._catalogue is not None:
            return self._catalogue
        catalogue: dict[tuple[str, str], HostedMethodology] = {}
        failures: dict[str, BrokenPlugin] = {}
        caller: pluggy.HookCaller = self._pm.hook.jcm_register_methodologies
        sources = [
            (
                self._sources.get(impl.plugin_name)
                or _Source(impl.plugin_name, *distribution_of(impl.plugin), order=-1),
                impl.function,
            )
            for impl in caller.get_hookimpls()
        ]
        for source, function in sorted(sources, key=lambda pair: pair[0].order):
            try:
                catalogue.update(_catalogued(function, source, catalogue))
            except PluginError as exc:
                if source.target is None:
                    raise
                self._set_aside(source, str(exc), failures)
        self._contract_failures = failures
        self._catalogue = catalogue
        return catalogue


def _entry_points() -> list[tuple[str, str, importlib.metadata.EntryPoint]]:
    """``(distribution, version, entry point)`` of the group, ``jcm``'s own first, deduplicated."""
    found: dict[tuple[str, str, str], tuple[str, str, importlib.metadata.EntryPoint]] = {}
    for dist in importlib.metadata.distributions():
        dist_name = dist.metadata["Name"] or "unknown"
        for ep in dist.entry_points:
            if ep.group == ENTRY_POINT_GROUP:
                found.setdefault((dist_name, ep.name, ep.value), (dist_name, dist.version, ep))
    return sorted(
        found.values(),
        key=lambda item: (not item[2].value.startswith("jcm."), _canonical(item[0]), item[2].name),
    )


def _catalogued(
    function: Callable[[], object],
    source: _Source,
    catalogue: Mapping[tuple[str, str], HostedMethodology],
) -> dict[tuple[str, str], HostedMethodology]:
    """The methodologies of one plugin, checked, and refused if one duplicates another's."""
    staged: dict[tuple[str, str], HostedMethodology] = {}
    for methodology in _registered(function, source):
        key = (methodology.id, methodology.version)
        other = catalogue.get(key) or staged.get(key)
        if other is not None:
            raise PluginError(
                f"methodology {key[0]} {key[1]} from {source.describe()} duplicates "
                f"the one from {other._source.describe()}; block one of them with "
                "set_blocked()",
                field="methodology",
                value=f"{key[0]} {key[1]}",
                rule="(id, version) pairs are unique among installed plugins",
            )
        staged[key] = HostedMethodology(methodology, source)
    return staged


def _registered(function: Callable[[], object], source: _Source) -> tuple[Methodology, ...]:
    """Call one plugin's registration hook and check what it returns (the typed facade)."""
    try:
        returned = function()
    except Exception as exc:
        raise PluginError(
            f"jcm_register_methodologies of {source.describe()} raised {type(exc).__name__}: {exc}"
        ) from exc
    if returned is None:
        return ()
    if isinstance(returned, str | bytes | Mapping) or not isinstance(returned, Iterable):
        raise PluginError(
            f"jcm_register_methodologies of {source.describe()} returned "
            f"{type(returned).__name__}, not a list of methodologies"
        )
    return tuple(_checked(m, source) for m in returned)


def _checked(methodology: object, source: _Source) -> Methodology:
    where = f"{source.describe()}"
    ident = getattr(methodology, "id", None)
    label = f"methodology {ident!r} of {where}"
    if not isinstance(methodology, Methodology):
        raise PluginError(
            f"{label} does not implement the Methodology protocol (id, version, title, follows, "
            "Inputs, calculate)",
            field="methodology",
            value=ident,
        )
    for attr in ("id", "version", "title"):
        value = getattr(methodology, attr)
        if not isinstance(value, str) or not value.strip():
            raise PluginError(
                f"{label}: {attr} must be a non-empty string", field=attr, value=value
            )
    follows = methodology.follows
    if not isinstance(follows, tuple | list) or not all(isinstance(f, str) for f in follows):
        raise PluginError(f"{label}: follows must be a tuple of strings", field="follows")
    inputs = methodology.Inputs
    if not (isinstance(inputs, type) and attrs.has(inputs)):
        raise PluginError(f"{label}: Inputs must be an attrs class", field="Inputs", value=inputs)
    try:
        missing = numeric_fields_without_units(inputs)
    except (NameError, TypeError) as exc:
        raise PluginError(f"{label}: cannot resolve the types of Inputs: {exc}") from exc
    if missing:
        raise PluginError(
            f"{label}: numeric input fields without a unit: {', '.join(missing)} "
            "(declare them with jcm.units.quantity)",
            field="Inputs",
            value=missing,
            rule="every numeric input field has a unit",
        )
    return methodology
