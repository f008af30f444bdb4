"""Versioned default tables of the methodologies, each with its source.

A methodology never scatters constants through its equations: it looks them up here, by table and
key, and the table's ``name``, ``version`` and ``source`` say where every number comes from
(methodologies.md §9, "Hard-coded constants": constants live in versioned parameter tables with
provenance). Changing a value means adding a new version of the table, never editing one in place.

Example::

    >>> GWP_SETS["AR5"]["CH4"], GWP_SETS["AR5"]["SF6"]
    (28.0, 23500.0)
    >>> RICE_WATER_REGIME_SCALING.source
    'IPCC 2019 Refinement Vol. 4 Ch. 5.5, Table 5.12 (methodologies.md §2.3)'

Source tags in brackets follow ``shared/reference/methodologies.md`` §0: [S#] sourced, [3P]
third-party restatement, [MEM] recalled from the IPCC/CDM text (to verify against the primary
document before treating as official).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from typing import Final

import attrs
import globalwarmingpotentials

from jcm.errors import InvalidValueError

__all__ = [
    "AUXILIARY_FUEL_DEFAULTS",
    "CARBON_TO_CO2",
    "FOSSIL_CARBON",
    "FOSSIL_CARBON_SOURCE",
    "GWP_SETS",
    "INCINERATION_OXIDATION_FACTOR",
    "METHANE_CARBON_TO_METHANE",
    "NITROUS_OXIDE_NITROGEN_TO_N2O",
    "RICE_N2O_EMISSION_FACTORS",
    "RICE_ORGANIC_AMENDMENT_CONVERSION",
    "RICE_PRESEASON_SCALING",
    "RICE_SF_O_EXPONENT",
    "RICE_WATER_REGIME_SCALING",
    "TOOL04_DECAY_RATES",
    "TOOL04_DEGRADABLE_ORGANIC_CARBON",
    "TOOL04_PARAMETERS",
    "FossilCarbon",
    "Table",
    "global_warming_potential",
]


@attrs.frozen
class Table:
    """A named, versioned, read-only mapping of default values with its source.

    Parameters
    ----------
    name
        The table's name (``"GWP"``, ``"rice.SF_w"``).
    version
        Version of the table; a change of a value is a new version.
    unit
        Unit of the values, in the notation of ``jcm.units`` (``"1"`` for dimensionless).
    source
        Where the values come from (document, table, paragraph, and the tag of methodologies.md §0).
    values
        The values by key, as an immutable tuple of pairs (use ``table[key]``).
    """

    name: str
    version: str
    unit: str
    source: str
    values: tuple[tuple[str, float], ...]

    def __getitem__(self, key: str) -> float:
        for k, v in self.values:
            if k == key:
                return v
        raise KeyError(f"{self.name} v{self.version} has no entry {key!r}")

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self.values)

    def __contains__(self, key: object) -> bool:
        return any(k == key for k, _ in self.values)

    def keys(self) -> tuple[str, ...]:
        """The keys, in table order."""
        return tuple(k for k, _ in self.values)

    def items(self) -> tuple[tuple[str, float], ...]:
        """The ``(key, value)`` pairs, in table order."""
        return self.values

    def as_dict(self) -> dict[str, float]:
        """A fresh ``dict`` copy of the values."""
        return dict(self.values)


def _table(name: str, version: str, unit: str, source: str, values: Mapping[str, float]) -> Table:
    return Table(name, version, unit, source, tuple((k, float(v)) for k, v in values.items()))


# --------------------------------------------------------------------------- stoichiometry

CARBON_TO_CO2: Final = 44.0 / 12.0
"""Molar mass ratio CO2/C [tCO2/tC] (methodologies.md §1.3)."""
METHANE_CARBON_TO_METHANE: Final = 16.0 / 12.0
"""Molar mass ratio CH4/C [tCH4/tC] (methodologies.md §1.3; CDM Tool 04)."""
NITROUS_OXIDE_NITROGEN_TO_N2O: Final = 44.0 / 28.0
"""Molar mass ratio N2O/N2O-N [kg N2O/kg N2O-N] (methodologies.md §1.3)."""

# --------------------------------------------------------------------------- GWP sets

_GWP_PACKAGE_VERSION: Final[str] = globalwarmingpotentials.__version__
_GWP_DATA: Final[Mapping[str, Mapping[str, float]]] = globalwarmingpotentials.data

_GWP_SOURCES: Final[Mapping[str, tuple[str, str]]] = {
    "AR4": (
        "AR4GWP100",
        "IPCC AR4 WG1 Ch. 2 Table 2.14, 100-year GWP (as compiled by the GHG Protocol)",
    ),
    "AR5": (
        "AR5GWP100",
        "IPCC AR5 WG1 Ch. 8 Table 8.A.1, 100-year GWP without climate-carbon feedbacks (as "
        "compiled by the GHG Protocol); required by JCM PH_AM004",
    ),
    "AR6": (
        "AR6GWP100",
        "IPCC AR6 WG1 Ch. 7 Supplementary Material Table 7.SM.7, 100-year GWP. CH4 27.9 is that "
        "table's methane value, the one for non-fossil (biogenic) methane such as rice paddies' "
        "and landfills'; fossil methane, whose carbon adds CO2 when it oxidises, has a higher "
        "GWP-100 in AR6 (29.8) that no built-in uses",
    ),
}


def _gwp_table(name: str) -> Table:
    column, source = _GWP_SOURCES[name]
    values = {"CO2": 1.0, **{gas: float(v) for gas, v in _GWP_DATA[column].items()}}
    return _table(
        f"GWP.{name}",
        _GWP_PACKAGE_VERSION,
        "tCO2e/t",
        f"{source}; from the data package globalwarmingpotentials {_GWP_PACKAGE_VERSION} "
        f"(openclimatedata, column {column}); CO2 is 1 by definition",
        values,
    )


GWP_SETS: Final[Mapping[str, Table]] = {name: _gwp_table(name) for name in _GWP_SOURCES}
"""Global warming potentials by set name (``"AR4"``, ``"AR5"``, ``"AR6"``) [tCO2e/t gas].

Every species of the IPCC table: CO2, CH4, N2O, SF6, NF3, the HFCs (``"HFC134a"``), PFCs
(``"CF4"``), CFCs, HCFCs and halons, named as the package ``globalwarmingpotentials`` names them.
CH4 and N2O: AR4 25/298, AR5 28/265, AR6 27.9/273.
"""


def global_warming_potential(species: str, gwp_set: str | enum.Enum = "AR5") -> float:
    """The 100-year GWP of ``species`` in ``gwp_set`` [tCO2e/t].

    Parameters
    ----------
    species
        The gas as the IPCC tables name it: ``"CH4"``, ``"N2O"``, ``"SF6"``, ``"HFC134a"``...
    gwp_set
        ``"AR4"``, ``"AR5"`` (default) or ``"AR6"``, or a :class:`~jcm.methodologies.GwpSet`.

    Raises
    ------
    jcm.errors.InvalidValueError
        Naming ``gwp`` for an unknown set, ``species`` for a gas the set does not list.

    Examples
    --------
    >>> global_warming_potential("SF6", "AR5")
    23500.0
    """
    name = gwp_set.value if isinstance(gwp_set, enum.Enum) else gwp_set
    table = GWP_SETS.get(name) if isinstance(name, str) else None
    if table is None:
        raise InvalidValueError("gwp", name, f"must be one of {', '.join(GWP_SETS)}")
    if species not in table:
        raise InvalidValueError(
            "species", species, f"is not a species of {table.name} (for example CH4, N2O, SF6)"
        )
    return table[species]


# --------------------------------------------------------------------------- rice (awd-rice)

RICE_WATER_REGIME_SCALING: Final = _table(
    "rice.SF_w",
    "2019.1",
    "1",
    "IPCC 2019 Refinement Vol. 4 Ch. 5.5, Table 5.12 (methodologies.md §2.3)",
    {"continuously_flooded": 1.00, "single_drainage": 0.71, "multiple_drainage": 0.55},
)
"""SF_w, scaling factor of the water regime during the cultivation period [1]."""

RICE_PRESEASON_SCALING: Final = _table(
    "rice.SF_p",
    "2019.1",
    "1",
    "IPCC 2019 Refinement Vol. 4 Ch. 5.5, Table 5.13 (methodologies.md §2.3)",
    {
        "non_flooded_less_than_180_days": 1.00,
        "non_flooded_more_than_180_days": 0.89,
        "flooded_more_than_30_days": 2.41,
        "non_flooded_more_than_365_days": 0.59,
    },
)
"""SF_p, scaling factor of the pre-season water regime [1]."""

RICE_ORGANIC_AMENDMENT_CONVERSION: Final = _table(
    "rice.CFOA",
    "2019.1",
    "1",
    "IPCC 2019 Refinement Vol. 4 Ch. 5.5, Table 5.14 (methodologies.md §2.3)",
    {
        "straw_less_than_30_days": 1.00,
        "straw_more_than_30_days": 0.19,
        "compost": 0.17,
        "farmyard_manure": 0.21,
        "green_manure": 0.45,
    },
)
"""CFOA_i, conversion factor of organic amendment i relative to straw applied < 30 days [1]."""

RICE_SF_O_EXPONENT: Final = 0.59
"""Exponent of SF_o = (1 + Σ ROA_i × CFOA_i)^0.59 [1] (IPCC 2019 Vol. 4 Eq. 5.3; methodologies.md
§2.2-2.3: the third-party restatement of PH_AM004 omits it, the IPCC form is used)."""

RICE_N2O_EMISSION_FACTORS: Final = _table(
    "rice.EF_N2O",
    "2019.1",
    "kg N2O-N/kg N",
    "IPCC 2019 Refinement Vol. 4 Table 11.1, EF1FR disaggregated by water regime, as restated for "
    "PH_AM004 (methodologies.md §2.2, [3P][MEM])",
    {"continuously_flooded": 0.003, "single_drainage": 0.005, "multiple_drainage": 0.005},
)
"""Direct N2O-N emission factor of nitrogen applied to flooded rice, by water regime."""

# --------------------------------------------------------------------------- waste (CDM Tool 04)

TOOL04_PARAMETERS: Final = _table(
    "tool04.parameters",
    "7.0",
    "1",
    "CDM Tool 04 v07.0 application B and IPCC 2006 Vol. 5 Ch. 3 (methodologies.md §4.2: F and "
    "DOC_f [S34]; φ 0.85, OX 0.1, MCF 1.0 [MEM])",
    {
        "model_correction_factor": 0.85,
        "oxidation_factor": 0.1,
        "methane_correction_factor": 1.0,
        "fraction_methane_captured": 0.0,
        "methane_fraction_in_landfill_gas": 0.5,
        "fraction_doc_decomposing": 0.5,
    },
)
"""Default parameters of the Tool 04 first-order-decay model (φ, OX, MCF, f, F, DOC_f) [1]."""

TOOL04_DEGRADABLE_ORGANIC_CARBON: Final = _table(
    "tool04.DOC_j",
    "2006.1",
    "t C/t waste (wet)",
    "IPCC 2006 Vol. 5 Table 2.4 via 40 CFR 98 Table HH-1 (methodologies.md §4.2, [S34]); rubber "
    "and leather are taken as non-degradable in a SWDS (DOC 0, [MEM])",
    {
        "food": 0.15,
        "garden": 0.20,
        "paper": 0.40,
        "wood": 0.43,
        "textiles": 0.24,
        "nappies": 0.24,
        "sludge": 0.05,
        "rubber_leather": 0.0,
        "plastics": 0.0,
        "inert": 0.0,
    },
)
"""DOC_j, degradable organic carbon of waste type j, wet basis [tC/t]."""

_K_SOURCE = (
    "IPCC 2006 Vol. 5 Table 3.3 via USEPA lfg-calc-py (methodologies.md §4.2, [S33]); nappies take "
    "the 'other non-food putrescibles' row and non-degradable types 0 ([MEM])"
)


def _decay(paper: float, wood: float, garden: float, food: float) -> Mapping[str, float]:
    return {
        "food": food,
        "garden": garden,
        "paper": paper,
        "wood": wood,
        "textiles": paper,
        "nappies": garden,
        "sludge": food,
        "rubber_leather": 0.0,
        "plastics": 0.0,
        "inert": 0.0,
    }


TOOL04_DECAY_RATES: Final[Mapping[str, Table]] = {
    "boreal_temperate_dry": _table(
        "tool04.k.boreal_temperate_dry", "2006.1", "1/y", _K_SOURCE, _decay(0.04, 0.02, 0.05, 0.06)
    ),
    "boreal_temperate_wet": _table(
        "tool04.k.boreal_temperate_wet", "2006.1", "1/y", _K_SOURCE, _decay(0.06, 0.03, 0.10, 0.185)
    ),
    "tropical_dry": _table(
        "tool04.k.tropical_dry", "2006.1", "1/y", _K_SOURCE, _decay(0.045, 0.025, 0.065, 0.085)
    ),
    "tropical_wet": _table(
        "tool04.k.tropical_wet", "2006.1", "1/y", _K_SOURCE, _decay(0.07, 0.035, 0.17, 0.40)
    ),
}
"""k_j, decay rate of waste type j by climate zone [1/y]."""


@attrs.frozen
class FossilCarbon:
    """Incineration defaults of one waste type (IPCC 2006 Vol. 5 Table 2.4).

    Parameters
    ----------
    dry_matter
        dm_j, dry matter content [t d.m./t wet].
    carbon
        CF_j, total carbon content of the dry matter [tC/t d.m.].
    fossil
        FCF_j, fossil fraction of the total carbon [1].
    """

    dry_matter: float
    carbon: float
    fossil: float


FOSSIL_CARBON: Final[Mapping[str, FossilCarbon]] = {
    "plastics": FossilCarbon(1.00, 0.75, 1.00),
    "textiles": FossilCarbon(0.80, 0.50, 0.20),
    "paper": FossilCarbon(0.90, 0.46, 0.01),
    "nappies": FossilCarbon(0.40, 0.70, 0.10),
    "rubber_leather": FossilCarbon(0.84, 0.67, 0.20),
    "food": FossilCarbon(0.40, 0.38, 0.0),
    "garden": FossilCarbon(0.40, 0.49, 0.0),
    "wood": FossilCarbon(0.85, 0.50, 0.0),
    "sludge": FossilCarbon(0.10, 0.40, 0.0),
    "inert": FossilCarbon(1.00, 0.0, 0.0),
}
"""dm_j, CF_j and FCF_j by waste type; source :data:`FOSSIL_CARBON_SOURCE`."""

FOSSIL_CARBON_SOURCE: Final = (
    "IPCC 2006 Vol. 5 Table 2.4/2.6 (methodologies.md §4.2, [MEM], version 2006.1); food, garden, "
    "wood, sludge and inert have no fossil carbon (FCF 0), so their dm and CF do not matter"
)
"""Where :data:`FOSSIL_CARBON` comes from."""

INCINERATION_OXIDATION_FACTOR: Final = 1.0
"""OF, oxidation factor of MSW incineration [1] (IPCC 2006 Vol. 5 Table 5.2; methodologies.md
§4.2)."""

AUXILIARY_FUEL_DEFAULTS: Final = _table(
    "fuel.gas_diesel_oil",
    "2006.1",
    "mixed",
    "IPCC 2006 Vol. 2 Tables 1.2/1.4, gas/diesel oil (methodologies.md §4.2, [MEM]); "
    "net_calorific_value [GJ/t], emission_factor [tCO2/TJ]",
    {"net_calorific_value": 43.0, "emission_factor": 74.1},
)
"""Reference values of gas/diesel oil for documentation and plausibility checks only."""
