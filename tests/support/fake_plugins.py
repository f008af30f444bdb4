"""Installed-looking methodology plugins, good and broken, for tests of plugin isolation.

:func:`install` writes distributions (a ``*.dist-info`` with ``METADATA`` and
``entry_points.txt``, and the plugin module) into a directory put first on ``sys.path``, so that
``importlib.metadata`` finds them exactly as it finds a pip-installed plugin. Importable by every
test module (``tests/support`` is on pytest's ``pythonpath``).
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

__all__ = ["PLUGINS", "install"]

_METER = """
import attrs
import numpy as np

from jcm.methodologies import Emissions, GwpSet, gwp_field, hookimpl
from jcm.units import quantity


@attrs.frozen
class MeterInputs:
    electricity: float = quantity("MWh", ge=0)
    emission_factor: float = quantity("tCO2/MWh", ge=0)
    gwp: GwpSet = gwp_field()


class Meter:
    id, version, title, follows = "{id}", "1.0", "Metered displacement", ("TH_AM001",)
    Inputs = MeterInputs

    def calculate(self, inputs):
        re = np.array([inputs.electricity * inputs.emission_factor])
        return Emissions(reference=re, project=np.zeros(1), gwp_set={gwp_set})


@hookimpl
def jcm_register_methodologies():
    return [Meter()]
"""

PLUGINS: dict[str, tuple[str, str]] = {
    # entry-point name: (module name, module source)
    "good": ("jcm_fake_good", _METER.format(id="meter", gwp_set="inputs.gwp.value")),
    "enum": ("jcm_fake_enum", _METER.format(id="enum-meter", gwp_set="inputs.gwp")),
    "boom": ("jcm_fake_boom", "import jcm_no_such_module_anywhere\n"),
    "misspelt": (
        "jcm_fake_misspelt",
        "from jcm.methodologies import hookimpl\n\n\n"
        "@hookimpl\ndef jcm_register_methodology():\n    return []\n",
    ),
    "raises": (
        "jcm_fake_raises",
        "from jcm.methodologies import hookimpl\n\n\n"
        "@hookimpl\ndef jcm_register_methodologies():\n    raise RuntimeError('no licence')\n",
    ),
    "unitless": (
        "jcm_fake_unitless",
        _METER.format(id="unitless", gwp_set="None").replace(
            'emission_factor: float = quantity("tCO2/MWh", ge=0)', "emission_factor: float = 0.5"
        ),
    ),
}
"""The fake plugins by entry-point name: ``good`` (methodology ``meter``), ``enum`` (methodology
``enum-meter`` returning ``gwp_set=inputs.gwp``, an enum), and four broken ones: ``boom`` (import
error), ``misspelt`` (an unknown hook), ``raises`` (its hook raises), ``unitless`` (an ``Inputs``
number without a unit)."""


def install(
    monkeypatch: pytest.MonkeyPatch, where: Path, *names: str, dist: str | None = None
) -> dict[str, str]:
    """Install the fake plugins ``names``, each as distribution ``jcm-fake-<name>`` 0.1.0.

    With ``dist``, they are all entry points of that one distribution. Returns the distribution
    name of each entry point. The directory and the modules are removed again by ``monkeypatch``.
    """
    where.mkdir(parents=True, exist_ok=True)
    dists: dict[str, str] = {}
    for name in names:
        module, source = PLUGINS[name]
        (where / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        dists[name] = dist or f"jcm-fake-{name}"
    for dist_name in sorted(set(dists.values())):
        info = where / f"{dist_name.replace('-', '_')}-0.1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: 0.1.0\n", encoding="utf-8"
        )
        lines = [f"{n} = {PLUGINS[n][0]}" for n in names if dists[n] == dist_name]
        (info / "entry_points.txt").write_text(
            "[jcm.methodologies]\n" + "\n".join(lines) + "\n", encoding="utf-8"
        )
    monkeypatch.syspath_prepend(str(where))
    for name in names:  # forget the module after the test, whether or not it is imported
        module = PLUGINS[name][0]
        monkeypatch.setitem(sys.modules, module, sys.modules.get(module))
        del sys.modules[module]
    importlib.invalidate_caches()
    return dists
