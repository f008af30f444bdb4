"""Provenance of a calculation: which methodology, which plugin, which GWP set, which inputs.

Every result carries it so that a verifier can recompute the number (methodologies.md §9,
"Reproducibility of published numbers"; ARCHITECTURE.md "Methodologies"). The inputs are
identified by the SHA-256 of their canonical JSON (:func:`jcm.serialization.canonical_json`) after
structuring, so the same inputs given as a number in kWh or in MWh, or as a Python ``Inputs``
object, hash the same.
"""

from __future__ import annotations

import hashlib
from typing import Any

import attrs

from jcm.serialization import canonical_json

__all__ = ["Provenance", "inputs_sha256"]


def inputs_sha256(normalised: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of normalised (structured, then unstructured) inputs."""
    return hashlib.sha256(canonical_json(normalised).encode("utf-8")).hexdigest()


@attrs.frozen
class Provenance:
    """Where a result comes from (API.md "Result JSON", ``provenance``).

    Parameters
    ----------
    methodology, version
        Id and version of the methodology.
    distribution, distribution_version
        The Python distribution that provided the plugin and its version (``"jcm"``, ``"0.1.0"``).
    jcm_version
        Version of ``jcm`` that ran the host.
    gwp_set
        GWP set used (``"AR5"``), or None when the methodology involves no non-CO2 gas.
    inputs_sha256
        SHA-256 of the canonical JSON of the structured inputs.
    """

    methodology: str
    version: str
    distribution: str
    distribution_version: str
    jcm_version: str
    gwp_set: str | None
    inputs_sha256: str

    def to_json(self) -> dict[str, Any]:
        """The JSON object of API.md "Result JSON", ``provenance``."""
        return {
            "methodology": self.methodology,
            "version": self.version,
            "distribution": self.distribution,
            "distribution_version": self.distribution_version,
            "jcm_version": self.jcm_version,
            "gwp_set": self.gwp_set,
            "inputs_sha256": self.inputs_sha256,
        }
