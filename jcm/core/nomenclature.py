"""Controlled vocabularies of the AEF that the registry and Article 6 both read.

The common nomenclature of 17 Feb 2026 lists the values of AEF-V2 Table 2's sector and activity
type columns (rules.md §8.3 [P2]). They live in :mod:`jcm.core` so that the registry's
``authorize`` request (:mod:`jcm.registry.requests`) and the AEF (:mod:`jcm.article6.aef`) check
against the same lists (ARCHITECTURE.md: ``jcm.registry`` imports from ``jcm.core`` only).
"""

from __future__ import annotations

from typing import Final

__all__ = ["ACTIVITY_TYPES", "DEFAULT_APPROACH", "SECTORS"]

SECTORS: Final = frozenset(
    {
        "Agriculture",
        "Building and construction",
        "Cross-sectoral mechanisms",
        "Energy generation",
        "Forestry and land use",
        "Industrial processes",
        "Transportation",
        "Urban development",
        "Waste management",
    }
)
"""Sectors, nomenclature 15(b) (rules.md §8.3 [P2])."""

ACTIVITY_TYPES: Final = frozenset(
    {
        "Afforestation",
        "Agriculture",
        "Biogas",
        "Biomass Energy",
        "Cement",
        "C02 usage",
        "Coal bed/mine methane",
        "Energy distribution",
        "Energy Efficiency households",
        "Energy Efficiency Industry",
        "Energy Efficiency own generation",
        "Energy Efficiency service",
        "Energy Efficiency supply side",
        "Fossil fuel switch",
        "Fugitive",
        "Geothermal",
        "Hydro",
        "Landfill gas",
        "Methane avoidance",
        "N2O",
        "PFCs and SF6",
        "Reforestation",
        "Solar",
        "Tidal",
        "Transport",
        "Waste",
        "Wind",
    }
)
"""Activity types, nomenclature 51(b) (rules.md §8.3 [P2]); ``C02 usage`` with a digit zero."""

DEFAULT_APPROACH: Final = "CA0099"
"""The JCM's cooperative approach ID, illustrative as in rules.md §9.6 (the real one is unknown)."""
