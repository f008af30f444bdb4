"""``led-lighting``: an example ``jcm`` methodology plugin (JCM ID_AM020 / TH_AM016 structure).

The entry point ``led = "jcm_methodology_led"`` of ``pyproject.toml`` names this module; ``jcm``
calls its hook ``jcm_register_methodologies`` and takes the methodologies it returns.
"""

from __future__ import annotations

from jcm.methodologies import Methodology, hookimpl
from jcm_methodology_led.equations import project_emissions, reference_emissions
from jcm_methodology_led.inputs import MAX_LUMINOUS_EFFICACY, LedLightingInputs
from jcm_methodology_led.methodology import LedLighting

__all__ = [
    "MAX_LUMINOUS_EFFICACY",
    "LedLighting",
    "LedLightingInputs",
    "jcm_register_methodologies",
    "project_emissions",
    "reference_emissions",
]


@hookimpl
def jcm_register_methodologies() -> list[Methodology]:
    """The methodologies of this plugin: ``led-lighting`` 1.0."""
    return [LedLighting()]
