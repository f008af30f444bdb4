"""The built-in methodologies of ``jcm``, registered through the same hook as any plugin.

``jcm``'s own ``pyproject.toml`` declares this module as the entry point ``builtin`` of the group
``jcm.methodologies``; nothing here is special-cased by the host.
"""

from __future__ import annotations

from jcm.methodologies.builtin.awd_rice import AwdRice
from jcm.methodologies.builtin.chiller import Chiller
from jcm.methodologies.builtin.redd_plus import ReddPlus
from jcm.methodologies.builtin.solar_pv import SolarPv
from jcm.methodologies.builtin.waste_to_energy import WasteToEnergy
from jcm.methodologies.markers import hookimpl
from jcm.methodologies.protocol import Methodology

__all__ = [
    "AwdRice",
    "Chiller",
    "ReddPlus",
    "SolarPv",
    "WasteToEnergy",
    "jcm_register_methodologies",
]


@hookimpl
def jcm_register_methodologies() -> list[Methodology]:
    """The five built-in methodologies: awd-rice, redd-plus, waste-to-energy, solar-pv, chiller."""
    return [AwdRice(), ReddPlus(), WasteToEnergy(), SolarPv(), Chiller()]
