"""``awd-rice``: methane (and nitrous oxide) from rice paddies whose water management gets drier.

Follows the structure of JCM PH_AM004 Ver01.0 ("Methane Emission Reduction by Water Management in
Rice Paddy Fields", option "country-specific EF") and the IPCC 2019 Refinement Vol. 4 Ch. 5.5
(Eq. 5.1-5.3, Tables 5.11-5.14); methodologies.md §2.2-2.3, API.md "Built-in methodologies".

For every stratum st (a set of fields sharing water regimes, pre-season regime, amendments)::

    EF_i   = EF_c x SF_w x SF_p x SF_o x SF_s                 [kg CH4/ha/d]   (IPCC Eq. 5.2)
    SF_o   = (1 + Σ_i ROA_i x CFOA_i)^0.59                     [1]             (IPCC Eq. 5.3)
    E_CH4  = EF_i x t x A x 10^-3 x GWP_CH4                   [tCO2e]         (IPCC Eq. 5.1)
    E_N2O  = N x A x EF_N2O(w) x 44/28 x 10^-3 x GWP_N2O       [tCO2e]

with SF_w the reference regime for RE and the project regime for PE; RE_p and PE_p sum over
strata and the host computes ER_p = (RE_p - PE_p) x (1 - Ud). Worked example (AWD-1 of
methodologies.md §7.2): EF_c 1.22, 100 d, 100 ha, continuously flooded -> multiple drainage,
GWP 28: RE = 1.22 x 100 x 100 x 10^-3 x 28 = 341.6, PE = 341.6 x 0.55 = 187.88 tCO2e.

Eligibility (PH_AM004 criterion 1): the project regime must be drier than the reference
(continuously flooded -> single or multiple drainage, or single -> multiple drainage). A stratum
that is not is an eligibility problem and contributes nothing (it credits 0).

All strata are computed at once on columns (:class:`StrataColumns`), so one code path serves the
ordinary input, the batch input (:meth:`AwdRice.calculate_batch`) and the fast path for large JSON
inputs (:meth:`AwdRice.calculate_json`), which therefore give identical numbers.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from jcm.core.period import MonitoringPeriod
from jcm.errors import InvalidValueError, Problem, Severity
from jcm.methodologies.batch import Columns, blocks
from jcm.methodologies.protocol import (
    Emissions,
    FloatArray,
    GwpSet,
    gwp_field,
    uncertainty_deduction_field,
)
from jcm.methodologies.tables import (
    GWP_SETS,
    NITROUS_OXIDE_NITROGEN_TO_N2O,
    RICE_N2O_EMISSION_FACTORS,
    RICE_ORGANIC_AMENDMENT_CONVERSION,
    RICE_PRESEASON_SCALING,
    RICE_SF_O_EXPONENT,
    RICE_WATER_REGIME_SCALING,
)
from jcm.serialization import structure
from jcm.units import FRACTION, QuantitySpec, quantity

__all__ = [
    "AMENDMENT_COLUMN_PREFIX",
    "FAST_PATH_MIN_STRATA",
    "MAX_PLAUSIBLE_BASELINE_EMISSION_FACTOR",
    "MAX_PLAUSIBLE_ORGANIC_AMENDMENT_RATE",
    "AwdRice",
    "AwdRiceInputs",
    "OrganicAmendment",
    "OrganicAmendmentType",
    "PreseasonWaterRegime",
    "StrataColumns",
    "Stratum",
    "WaterRegime",
    "daily_emission_factor",
    "methane_emissions",
    "nitrous_oxide_emissions",
    "organic_amendment_scaling",
    "prepare_strata_columns",
    "strata_from_prepared",
]

MAX_PLAUSIBLE_BASELINE_EMISSION_FACTOR: Final = 20.0
"""Above this EF_c [kg CH4/ha/d] the value is taken for a per-season figure (methodologies.md §8.1
A4): rejected with code ``UNIT_SUSPECT``."""
MAX_PLAUSIBLE_ORGANIC_AMENDMENT_RATE: Final = 50.0
"""Above this ROA [t/ha] the value is taken for kg/ha (methodologies.md §8.1 A4):
``UNIT_SUSPECT``."""
FAST_PATH_MIN_STRATA: Final = 1000
"""From this many strata, a plain JSON input takes the columnar fast path (identical results)."""


class WaterRegime(enum.Enum):
    """Water regime during the cultivation period (IPCC 2019 Table 5.12), driest last."""

    CONTINUOUSLY_FLOODED = "continuously_flooded"
    SINGLE_DRAINAGE = "single_drainage"
    MULTIPLE_DRAINAGE = "multiple_drainage"


class PreseasonWaterRegime(enum.Enum):
    """Water regime before the cultivation period (IPCC 2019 Table 5.13)."""

    NON_FLOODED_LESS_THAN_180_DAYS = "non_flooded_less_than_180_days"
    NON_FLOODED_MORE_THAN_180_DAYS = "non_flooded_more_than_180_days"
    FLOODED_MORE_THAN_30_DAYS = "flooded_more_than_30_days"
    NON_FLOODED_MORE_THAN_365_DAYS = "non_flooded_more_than_365_days"


class OrganicAmendmentType(enum.Enum):
    """Type of organic amendment (IPCC 2019 Table 5.14)."""

    STRAW_LESS_THAN_30_DAYS = "straw_less_than_30_days"
    STRAW_MORE_THAN_30_DAYS = "straw_more_than_30_days"
    COMPOST = "compost"
    FARMYARD_MANURE = "farmyard_manure"
    GREEN_MANURE = "green_manure"


_REGIMES: Final = tuple(r.value for r in WaterRegime)
_PRESEASON: Final = tuple(r.value for r in PreseasonWaterRegime)
_AMENDMENTS: Final = tuple(a.value for a in OrganicAmendmentType)
_SF_W: Final = np.array([RICE_WATER_REGIME_SCALING[r] for r in _REGIMES])
_SF_P: Final = np.array([RICE_PRESEASON_SCALING[p] for p in _PRESEASON])
_CFOA: Final = {a: RICE_ORGANIC_AMENDMENT_CONVERSION[a] for a in _AMENDMENTS}
_EF_N2O: Final = np.array([RICE_N2O_EMISSION_FACTORS[r] for r in _REGIMES])
_COMBINED_PROJECT: Final = len(_PRESEASON)
_COMBINED_REFERENCE: Final = len(_REGIMES) * len(_PRESEASON)
_F_SF_P, _F_SF_W_REFERENCE, _F_SF_W_PROJECT = 0, 1, 2  # EF_N2O of each side: 2 rows further
_FACTORS: Final = np.array(
    [
        [_SF_P[p], _SF_W[r], _SF_W[j], _EF_N2O[r], _EF_N2O[j]]
        for r in range(len(_REGIMES))
        for j in range(len(_REGIMES))
        for p in range(len(_PRESEASON))
    ]
).T.copy()
"""Column ``r * 12 + j * 4 + p`` (reference r, project j, pre-season p): SF_p of p, SF_w of r
and of j, EF_N2O of r and of j (one row per factor, so that each look-up is contiguous)."""

# --------------------------------------------------------------------------- equations


def daily_emission_factor(
    baseline_emission_factor: FloatArray,
    water_regime_scaling: FloatArray | float,
    preseason_scaling: FloatArray | float,
    organic_amendment_scaling: FloatArray | float,
    soil_scaling: FloatArray | float,
) -> FloatArray:
    """Adjusted daily CH4 emission factor, EF_i = EF_c x SF_w x SF_p x SF_o x SF_s.

    IPCC 2019 Refinement Vol. 4 Eq. 5.2; PH_AM004 ``EF_CH4,R,s,d,st`` (methodologies.md §2.2).

    Parameters
    ----------
    baseline_emission_factor : FloatArray
        EF_c, continuously flooded, no organic amendment [kg CH4/ha/d].
    water_regime_scaling : FloatArray or float
        SF_w of the cultivation-period water regime [1] (Table 5.12).
    preseason_scaling : FloatArray or float
        SF_p of the pre-season water regime [1] (Table 5.13).
    organic_amendment_scaling : FloatArray or float
        SF_o [1] (Eq. 5.3).
    soil_scaling : FloatArray or float
        SF_s, soil type and cultivar scaling factor [1].

    Returns
    -------
    FloatArray
        EF_i [kg CH4/ha/d].

    References
    ----------
    .. [1] IPCC 2019 Refinement, Vol. 4 Ch. 5.5, Eq. 5.2.
    """
    return (
        baseline_emission_factor
        * water_regime_scaling
        * preseason_scaling
        * organic_amendment_scaling
        * soil_scaling
    )


def organic_amendment_scaling(
    rates: Mapping[str, FloatArray], conversion_factors: Mapping[str, float], size: int
) -> FloatArray:
    """Scaling factor of organic amendments, SF_o = (1 + Σ_i ROA_i x CFOA_i)^0.59.

    IPCC 2019 Refinement Vol. 4 Eq. 5.3 (methodologies.md §2.3; the exponent, absent from the
    third-party restatement of PH_AM004, is the IPCC one).

    Parameters
    ----------
    rates : Mapping[str, FloatArray]
        ROA_i per amendment type i, one value per stratum [t/ha]: dry weight for straw, fresh
        weight for the others. Types absent from the mapping are not applied.
    conversion_factors : Mapping[str, float]
        CFOA_i per amendment type [1] (Table 5.14); the sum runs in this mapping's order.
    size : int
        Number of strata.

    Returns
    -------
    FloatArray
        SF_o per stratum [1].
    """
    total: FloatArray | None = None
    for amendment, factor in conversion_factors.items():
        if amendment in rates:
            if total is None:
                total = np.asarray(rates[amendment] * factor, dtype=np.float64)
            else:
                total += rates[amendment] * factor
    if total is None:  # no amendment: SF_o = 1^0.59 = 1
        return np.ones(size)
    total += 1.0  # (the sum is a new array: updated in place, as are all temporaries here)
    result: FloatArray = np.power(total, RICE_SF_O_EXPONENT, out=total)
    return result


def methane_emissions(
    daily_factor: FloatArray, cultivation_days: FloatArray, area: FloatArray, gwp_ch4: float
) -> FloatArray:
    """CH4 emissions of a stratum over its season, EF_i x t x A x 10^-3 x GWP_CH4.

    IPCC 2019 Refinement Vol. 4 Eq. 5.1 (in t instead of Gg); PH_AM004 ``RE_CH4`` / ``PE_CH4``
    (methodologies.md §2.2).

    Parameters
    ----------
    daily_factor : FloatArray
        EF_i [kg CH4/ha/d].
    cultivation_days : FloatArray
        t, days of the cultivation period [d].
    area : FloatArray
        A, harvested area of the stratum [ha].
    gwp_ch4 : float
        GWP of CH4 [tCO2e/t CH4].

    Returns
    -------
    FloatArray
        Emissions [tCO2e].
    """
    return daily_factor * cultivation_days * area * 1e-3 * gwp_ch4


def nitrous_oxide_emissions(
    nitrogen_input: FloatArray, area: FloatArray, n2o_factor: FloatArray, gwp_n2o: float
) -> FloatArray:
    """Direct N2O emissions of nitrogen applied, N x A x EF_N2O x 44/28 x 10^-3 x GWP_N2O.

    PH_AM004 ``RE_N2O`` / ``PE_N2O`` with the IPCC 2019 Table 11.1 EF1FR disaggregation by water
    regime (methodologies.md §2.2; API.md "awd-rice").

    Parameters
    ----------
    nitrogen_input : FloatArray
        N applied per season [kg N/ha].
    area : FloatArray
        A [ha].
    n2o_factor : FloatArray
        EF_N2O of the stratum's water regime [kg N2O-N/kg N].
    gwp_n2o : float
        GWP of N2O [tCO2e/t N2O].

    Returns
    -------
    FloatArray
        Emissions [tCO2e].
    """
    return nitrogen_input * area * n2o_factor * NITROUS_OXIDE_NITROGEN_TO_N2O * 1e-3 * gwp_n2o


# --------------------------------------------------------------------------- inputs


def _suspect(field: str, value: float, limit: float, unit: str, hint: str) -> InvalidValueError:
    return InvalidValueError(
        field,
        value,
        f"must be <= {limit:g} [{unit}] to be plausible; {hint}",
        code="UNIT_SUSPECT",
    )


@attrs.frozen(kw_only=True)
class OrganicAmendment:
    """One organic amendment applied to a stratum (IPCC 2019 Eq. 5.3).

    Parameters
    ----------
    type
        Its type (Table 5.14), which selects CFOA.
    rate
        ROA, application rate [t/ha] (dry weight for straw, fresh weight otherwise).
    """

    type: OrganicAmendmentType
    rate: float = quantity("t/ha", ge=0)

    def __attrs_post_init__(self) -> None:
        if self.rate > MAX_PLAUSIBLE_ORGANIC_AMENDMENT_RATE:
            raise _suspect(
                "rate", self.rate, MAX_PLAUSIBLE_ORGANIC_AMENDMENT_RATE, "t/ha", "kg/ha given?"
            )


@attrs.frozen(kw_only=True)
class Stratum:
    """A stratum of rice fields sharing regimes and amendments (PH_AM004 stratification).

    Parameters
    ----------
    name
        The stratum's name.
    area
        A_s,st, harvested area [ha], > 0.
    cultivation_days
        D_s,st, days of the cultivation period [d], an integer > 0.
    baseline_emission_factor
        EF_c, continuously flooded without organic amendment [kg CH4/ha/d].
    reference_water_regime, project_water_regime
        Water regime without and with the project (select SF_w).
    preseason_water_regime
        Pre-season water regime (selects SF_p); default non-flooded < 180 days.
    organic_amendments
        Amendments applied (give SF_o); default none.
    soil_scaling_factor
        SF_s [1], default 1.
    nitrogen_input
        N applied per season [kg N/ha], default 0.
    """

    name: str
    area: float = quantity("ha", gt=0)
    cultivation_days: int = quantity("d", gt=0, integer=True)
    baseline_emission_factor: float = quantity("kgCH4/ha/d", ge=0)
    reference_water_regime: WaterRegime = attrs.field(
        validator=attrs.validators.instance_of(WaterRegime)
    )
    project_water_regime: WaterRegime = attrs.field(
        validator=attrs.validators.instance_of(WaterRegime)
    )
    preseason_water_regime: PreseasonWaterRegime = attrs.field(
        default=PreseasonWaterRegime.NON_FLOODED_LESS_THAN_180_DAYS,
        validator=attrs.validators.instance_of(PreseasonWaterRegime),
    )
    organic_amendments: tuple[OrganicAmendment, ...] = attrs.field(default=(), converter=tuple)
    soil_scaling_factor: float = quantity(FRACTION, gt=0, default=1.0)
    nitrogen_input: float = quantity("kgN/ha", ge=0, default=0.0)

    def __attrs_post_init__(self) -> None:
        if self.baseline_emission_factor > MAX_PLAUSIBLE_BASELINE_EMISSION_FACTOR:
            raise _suspect(
                "baseline_emission_factor",
                self.baseline_emission_factor,
                MAX_PLAUSIBLE_BASELINE_EMISSION_FACTOR,
                "kgCH4/ha/d",
                "a per-season factor given where a daily one is expected?",
            )


def _non_empty(_instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    if not value:
        raise InvalidValueError(attribute.name, [], "must list at least one stratum")


@attrs.frozen(kw_only=True)
class AwdRiceInputs:
    """Inputs of ``awd-rice`` for one monitoring period (API.md "awd-rice").

    Parameters
    ----------
    period
        The monitoring period.
    strata
        The strata, at least one.
    gwp
        GWP set (default AR5: CH4 28, N2O 265; PH_AM004 requires AR5).
    uncertainty_deduction
        Ud [1] in [0, 1) (PH_AM004: 0.05/0.10 direct measurement, 0.15 country-specific EF).
    """

    period: MonitoringPeriod
    strata: tuple[Stratum, ...] = attrs.field(converter=tuple, validator=_non_empty)
    gwp: GwpSet = gwp_field()  # noqa: RUF009 - an attrs field, not a shared default
    uncertainty_deduction: float = uncertainty_deduction_field()


# --------------------------------------------------------------------------- columns


@attrs.frozen(eq=False)
class StrataColumns:
    """All strata as columns: the one representation the equations run on.

    Category columns hold codes into the tables' key order (``WaterRegime``,
    ``PreseasonWaterRegime``), as int8; ``amendment_rates`` has one column per
    ``OrganicAmendmentType`` value that occurs [t/ha], the rates of one type within a stratum
    summed in the order given (a type absent from a stratum is 0 there, which adds exactly
    nothing, so which columns exist never changes a result).
    """

    area: FloatArray
    cultivation_days: FloatArray
    baseline_emission_factor: FloatArray
    reference_regime: npt.NDArray[np.int8]
    project_regime: npt.NDArray[np.int8]
    preseason_regime: npt.NDArray[np.int8]
    amendment_rates: Mapping[str, FloatArray]
    soil_scaling_factor: FloatArray
    nitrogen_input: FloatArray

    @classmethod
    def from_strata(cls, strata: Sequence[Stratum]) -> StrataColumns:
        """Columns of a sequence of structured strata."""
        n = len(strata)
        rates: dict[str, FloatArray] = {}
        for i, s in enumerate(strata):
            for a in s.organic_amendments:
                column = rates.setdefault(a.type.value, np.zeros(n))
                column[i] = column[i] + a.rate
        return cls(
            area=np.array([s.area for s in strata], dtype=np.float64),
            cultivation_days=np.array([s.cultivation_days for s in strata], dtype=np.float64),
            baseline_emission_factor=np.array(
                [s.baseline_emission_factor for s in strata], dtype=np.float64
            ),
            reference_regime=np.array(
                [_REGIMES.index(s.reference_water_regime.value) for s in strata], dtype=np.int8
            ),
            project_regime=np.array(
                [_REGIMES.index(s.project_water_regime.value) for s in strata], dtype=np.int8
            ),
            preseason_regime=np.array(
                [_PRESEASON.index(s.preseason_water_regime.value) for s in strata],
                dtype=np.int8,
            ),
            amendment_rates=rates,
            soil_scaling_factor=np.array([s.soil_scaling_factor for s in strata], dtype=np.float64),
            nitrogen_input=np.array([s.nitrogen_input for s in strata], dtype=np.float64),
        )

    def eligible(self) -> npt.NDArray[np.bool_]:
        """Strata whose project regime is drier than the reference (PH_AM004 criterion 1)."""
        result: npt.NDArray[np.bool_] = self.project_regime > self.reference_regime
        return result

    def emissions(self, gwp: GwpSet) -> tuple[FloatArray, FloatArray]:
        """RE and PE per stratum [tCO2e], ineligible strata contributing 0.

        Computed block by block (:func:`jcm.methodologies.batch.blocks`) so that temporaries stay
        in cache; every element is computed by the same operations whatever the blocking.
        """
        gases = GWP_SETS[gwp.value]
        size = self.area.shape[0]
        reference, project = np.empty(size), np.empty(size)
        fertilised = bool(self.nitrogen_input.any())
        for block in blocks(size):
            self._block(
                block,
                gwp_ch4=gases["CH4"],
                gwp_n2o=gases["N2O"],
                fertilised=fertilised,
                reference=reference,
                project=project,
            )
        return reference, project

    def _block(
        self,
        block: slice,
        *,
        gwp_ch4: float,
        gwp_n2o: float,
        fertilised: bool,
        reference: FloatArray,
        project: FloatArray,
    ) -> None:
        area = self.area[block]
        ref, pj = self.reference_regime[block], self.project_regime[block]
        # The code of the (reference, project, pre-season) triple selects every regime-dependent
        # factor from one column of _FACTORS (one contiguous look-up per factor).
        combined = ref * np.int8(_COMBINED_REFERENCE)
        combined += pj * np.int8(_COMBINED_PROJECT)
        combined += self.preseason_regime[block]
        index = combined.astype(np.intp)
        sf_p = _FACTORS[_F_SF_P].take(index, mode="clip")
        # Eq. 5.2 and 5.1 with SF_w factored out: the season's CH4 as if continuously flooded
        # (SF_w = 1), then scaled by the reference and the project regime's SF_w. The same
        # products as daily_emission_factor and methane_emissions, in the same order, in place
        # (a factor of exactly 1 -- SF_w here, SF_o without amendment -- is skipped: x * 1.0 == x).
        flooded = np.multiply(self.baseline_emission_factor[block], sf_p)
        if self.amendment_rates:
            sf_o = organic_amendment_scaling(
                {k: v[block] for k, v in self.amendment_rates.items()}, _CFOA, area.shape[0]
            )
            flooded *= sf_o
        flooded *= self.soil_scaling_factor[block]
        flooded *= self.cultivation_days[block]
        flooded *= area
        flooded *= 1e-3
        flooded *= gwp_ch4
        # The first product of nitrous_oxide_emissions, shared by both sides (none without N).
        nitrogen_area = self.nitrogen_input[block] * area if fertilised else None
        eligible = pj > ref
        all_eligible = bool(eligible.all())
        sides = ((reference, _F_SF_W_REFERENCE), (project, _F_SF_W_PROJECT))
        for out, column in sides:
            sf_w = _FACTORS[column].take(index, mode="clip")
            total = np.multiply(flooded, sf_w, out=out[block])
            if nitrogen_area is not None:
                ef_n2o = _FACTORS[column + 2].take(index, mode="clip")  # of the same regime
                n2o = nitrogen_area * ef_n2o
                n2o *= NITROUS_OXIDE_NITROGEN_TO_N2O
                n2o *= 1e-3
                n2o *= gwp_n2o
                total += n2o
            if not all_eligible:
                # x 1.0 keeps an eligible stratum's value exactly; x 0.0 zeroes an ineligible one.
                np.multiply(total, eligible, out=total)


def _ineligible_problem(index: int, name: str | None, reference: str, project: str) -> Problem:
    label = f"stratum {name!r}" if name is not None else f"row {index}"
    return Problem(
        "ineligible_water_regime",
        f"{label}: project water regime {project} is not drier than the reference {reference} "
        "(PH_AM004 eligibility criterion 1); it credits 0",
        Severity.ERROR,
        field=f"$.strata[{index}].project_water_regime"
        if name is not None
        else "project_water_regime",
        subject=name if name is not None else f"row {index}",
    )


# --------------------------------------------------------------------------- fast JSON path

_STRATUM_REQUIRED: Final = frozenset(
    {
        "name",
        "area",
        "cultivation_days",
        "baseline_emission_factor",
        "reference_water_regime",
        "project_water_regime",
    }
)
_STRATUM_KEYS: Final = _STRATUM_REQUIRED | {
    "preseason_water_regime",
    "organic_amendments",
    "soil_scaling_factor",
    "nitrogen_input",
}
_TOP_KEYS: Final = frozenset({"period", "strata", "gwp", "uncertainty_deduction"})


_NUMBER_TYPES: Final = (float, int)
_MISSING: Final = object()


def _plain_number(value: object) -> bool:
    return type(value) in _NUMBER_TYPES


def _fast_columns(
    data: Mapping[str, Any],
) -> tuple[StrataColumns, Any, GwpSet, float, int] | None:
    """Columns and normalised JSON of a plain, valid input; None whenever anything is unusual.

    Every rejection is left to the ordinary path, which reports all bad fields with their paths.
    """
    if not set(data) <= _TOP_KEYS or "period" not in data:
        return None
    strata = data.get("strata")
    if not isinstance(strata, list) or len(strata) < FAST_PATH_MIN_STRATA:
        return None
    gwp_raw = data.get("gwp", GwpSet.AR5.value)
    ud = data.get("uncertainty_deduction", 0.0)
    if gwp_raw not in _GWP_VALUES or not _plain_number(ud) or not 0 <= ud < 1:
        return None
    try:
        period = structure(data["period"], MonitoringPeriod)
    except InvalidValueError:
        return None
    n = len(strata)
    flat: list[float] = []
    codes: list[int] = []
    amended: dict[str, tuple[list[int], list[float]]] = {}
    normalised: list[dict[str, Any]] = []
    regime_code = {r: i for i, r in enumerate(_REGIMES)}
    preseason_code = {p: i for i, p in enumerate(_PRESEASON)}
    default_pre = PreseasonWaterRegime.NON_FLOODED_LESS_THAN_180_DAYS.value
    numeric = _NUMBER_TYPES
    for i, s in enumerate(strata):
        if type(s) is not dict:
            return None
        try:
            name = s["name"]
            area = s["area"]
            days = s["cultivation_days"]
            efc = s["baseline_emission_factor"]
            ref_text = s["reference_water_regime"]
            pj_text = s["project_water_regime"]
        except KeyError:
            return None
        optional = 0
        sfs = s.get("soil_scaling_factor", _MISSING)
        if sfs is _MISSING:
            sfs = 1.0
        else:
            optional += 1
        nin = s.get("nitrogen_input", _MISSING)
        if nin is _MISSING:
            nin = 0.0
        else:
            optional += 1
        pre_text = s.get("preseason_water_regime", _MISSING)
        if pre_text is _MISSING:
            pre_text = default_pre
        else:
            optional += 1
        amendments = s.get("organic_amendments", _MISSING)
        if amendments is _MISSING:
            amendments = []
        else:
            optional += 1
        if len(s) != len(_STRATUM_REQUIRED) + optional:  # an unknown key
            return None
        if (
            type(name) is not str
            or type(area) not in numeric
            or type(days) not in numeric
            or type(efc) not in numeric
            or type(sfs) not in numeric
            or type(nin) not in numeric
            or type(ref_text) is not str
            or type(pj_text) is not str
            or type(pre_text) is not str
            or type(amendments) is not list
        ):
            return None
        r_ref = regime_code.get(ref_text)
        r_pj = regime_code.get(pj_text)
        r_pre = preseason_code.get(pre_text)
        if r_ref is None or r_pj is None or r_pre is None:
            return None
        try:
            if type(days) is float:
                if not days.is_integer():
                    return None
                days = int(days)
            area, efc, sfs, nin = float(area), float(efc), float(sfs), float(nin)
        except OverflowError:  # an integer too large for a float: the ordinary path reports it
            return None
        flat += (area, days, efc, sfs, nin)
        codes += (r_ref, r_pj, r_pre)
        norm_amendments = []
        if amendments:
            totals: dict[str, float] = {}
            for a in amendments:
                if type(a) is not dict or len(a) != 2:
                    return None
                kind: Any = a.get("type")
                raw_rate: Any = a.get("rate")
                if type(kind) is not str or kind not in _CFOA or type(raw_rate) not in numeric:
                    return None
                if not (0 <= raw_rate <= MAX_PLAUSIBLE_ORGANIC_AMENDMENT_RATE):
                    return None  # out of range, NaN, or an integer too large for a float
                rate = float(raw_rate)
                totals[kind] = totals.get(kind, 0.0) + rate
                norm_amendments.append({"type": kind, "rate": rate})
            for kind, total in totals.items():
                rows, values = amended.setdefault(kind, ([], []))
                rows.append(i)
                values.append(total)
        normalised.append(
            {
                "name": name,
                "area": area,
                "cultivation_days": days,
                "baseline_emission_factor": efc,
                "reference_water_regime": ref_text,
                "project_water_regime": pj_text,
                "preseason_water_regime": pre_text,
                "organic_amendments": norm_amendments,
                "soil_scaling_factor": sfs,
                "nitrogen_input": nin,
            }
        )
    numbers = np.array(flat, dtype=np.float64).reshape(n, 5)
    code_matrix = np.array(codes, dtype=np.int8).reshape(n, 3)
    ref, pj, pre = (code_matrix[:, k].copy() for k in range(3))
    rates: dict[str, FloatArray] = {}
    for kind, (rows, values) in amended.items():
        column = np.zeros(n)
        column[rows] = values
        rates[kind] = column
    area_c, days_c, efc_c, sfs_c, nin_c = (numbers[:, k].copy() for k in range(5))
    with np.errstate(invalid="ignore"):
        ok = (
            np.isfinite(numbers[:, :5]).all()
            and bool((area_c > 0).all())
            and bool((days_c > 0).all())
            and bool((efc_c >= 0).all())
            and bool((efc_c <= MAX_PLAUSIBLE_BASELINE_EMISSION_FACTOR).all())
            and bool((sfs_c > 0).all())
            and bool((nin_c >= 0).all())
        )
    if not ok:
        return None
    columns = StrataColumns(area_c, days_c, efc_c, ref, pj, pre, rates, sfs_c, nin_c)
    gwp = GwpSet(gwp_raw)
    document = {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "strata": normalised,
        "gwp": gwp.value,
        "uncertainty_deduction": float(ud),
    }
    return columns, document, gwp, float(ud), period.days


_GWP_VALUES: Final = frozenset(g.value for g in GwpSet)

# --------------------------------------------------------------------------- the methodology


class AwdRice:
    """The ``awd-rice`` methodology (see the module docstring for the equations)."""

    id = "awd-rice"
    version = "1.0"
    title = "Methane emission reduction by alternate wetting and drying in rice paddies"
    follows: tuple[str, ...] = ("PH_AM004",)
    Inputs: type[AwdRiceInputs] = AwdRiceInputs

    def calculate(self, inputs: AwdRiceInputs) -> Emissions:
        """RE and PE per stratum [tCO2e] for structured inputs."""
        columns = StrataColumns.from_strata(inputs.strata)
        return self._emissions(columns, inputs.gwp, inputs.uncertainty_deduction, inputs)

    def calculate_json(self, data: Mapping[str, Any]) -> tuple[Emissions, Any] | None:
        """Fast path for a large, plain JSON input (>= ``FAST_PATH_MIN_STRATA`` strata)."""
        fast = _fast_columns(data)
        if fast is None:
            return None
        columns, document, gwp, ud, period_days = fast
        names = [s["name"] for s in document["strata"]]
        problems = _problems(columns, names, period_days)
        reference, project = columns.emissions(gwp)
        emissions = Emissions(
            reference=reference,
            project=project,
            leakage=np.zeros(1),
            uncertainty_deduction=ud,
            gwp_set=gwp.value,
            problems=problems,
        )
        return emissions, document

    def prepare_batch(self, columns: Any) -> Mapping[str, npt.NDArray[Any]]:
        """Validated columns, one row per stratum (see :func:`prepare_strata_columns`)."""
        return prepare_strata_columns(columns)

    def calculate_batch(
        self, prepared: Mapping[str, npt.NDArray[Any]], *, gwp: GwpSet
    ) -> Emissions:
        """RE and PE per row of prepared columns [tCO2e], each row a stratum."""
        strata = strata_from_prepared(prepared)
        reference, project = strata.emissions(gwp)
        eligible = strata.eligible()
        problems: tuple[Problem, ...] = ()
        n_bad = int(np.count_nonzero(~eligible))
        if n_bad:
            row = int(np.argmin(eligible))
            problems = (
                Problem(
                    "ineligible_water_regime",
                    f"{n_bad} row(s) have a project water regime not drier than the reference "
                    f"(first: row {row}); they credit 0 (PH_AM004 eligibility criterion 1)",
                    Severity.ERROR,
                    field="project_water_regime",
                    subject=f"row {row}",
                ),
            )
        return Emissions(
            reference=reference,
            project=project,
            leakage=np.zeros(strata.area.shape[0]),
            gwp_set=gwp.value,
            problems=problems,
        )

    def _emissions(
        self, columns: StrataColumns, gwp: GwpSet, ud: float, inputs: AwdRiceInputs
    ) -> Emissions:
        names = [s.name for s in inputs.strata]
        problems = _problems(columns, names, inputs.period.days)
        reference, project = columns.emissions(gwp)
        return Emissions(
            reference=reference,
            project=project,
            leakage=np.zeros(1),
            uncertainty_deduction=ud,
            gwp_set=gwp.value,
            problems=problems,
        )


def _problems(
    columns: StrataColumns, names: Sequence[str], period_days: int
) -> tuple[Problem, ...]:
    problems: list[Problem] = []
    eligible = columns.eligible()
    for i in np.flatnonzero(~eligible).tolist():
        problems.append(
            _ineligible_problem(
                i,
                names[i],
                _REGIMES[columns.reference_regime[i]],
                _REGIMES[columns.project_regime[i]],
            )
        )
    for i in np.flatnonzero(columns.cultivation_days > period_days).tolist():
        problems.append(
            Problem(
                "cultivation_days_exceed_period",
                f"stratum {names[i]!r}: {int(columns.cultivation_days[i])} cultivation days exceed "
                f"the {period_days} days of the monitoring period",
                Severity.WARNING,
                field=f"$.strata[{i}].cultivation_days",
                subject=names[i],
            )
        )
    return tuple(problems)


_BATCH_NUMBERS: Final = {
    "area": QuantitySpec("ha", gt=0),
    "cultivation_days": QuantitySpec("d", gt=0, integer=True),
    "baseline_emission_factor": QuantitySpec(
        "kgCH4/ha/d", ge=0, le=MAX_PLAUSIBLE_BASELINE_EMISSION_FACTOR
    ),
    "soil_scaling_factor": QuantitySpec(FRACTION, gt=0),
    "nitrogen_input": QuantitySpec("kgN/ha", ge=0),
}
_BATCH_DEFAULTS: Final = {"soil_scaling_factor": 1.0, "nitrogen_input": 0.0}
AMENDMENT_COLUMN_PREFIX: Final = "organic_amendment_"
"""Batch columns ``organic_amendment_<type>`` give the rate of each amendment type [t/ha]."""


def prepare_strata_columns(columns: Any) -> dict[str, npt.NDArray[Any]]:
    """Validate batch columns (errors name the column and the first bad row).

    Columns: ``area`` [ha], ``cultivation_days`` [d], ``baseline_emission_factor``
    [kg CH4/ha/d], ``reference_water_regime``, ``project_water_regime`` (text or pandas
    categorical), and optionally ``preseason_water_regime``, ``soil_scaling_factor`` [1],
    ``nitrogen_input`` [kg N/ha], ``organic_amendment_<type>`` [t/ha] for each
    ``OrganicAmendmentType``, and ``name`` (ignored by the equations). Any other column is an
    error.

    Returns
    -------
    dict
        Float64 arrays in canonical units and int8 category codes, by column name (the form
        :func:`strata_from_prepared` reads and the host hashes).
    """
    cols = Columns(columns)
    prepared: dict[str, npt.NDArray[Any]] = {
        name: cols.number(name, spec, default=_BATCH_DEFAULTS.get(name))
        for name, spec in _BATCH_NUMBERS.items()
    }
    amendment_spec = QuantitySpec("t/ha", ge=0, le=MAX_PLAUSIBLE_ORGANIC_AMENDMENT_RATE)
    for a in _AMENDMENTS:
        name = AMENDMENT_COLUMN_PREFIX + a
        if name in cols:
            prepared[name] = cols.number(name, amendment_spec)
    prepared["reference_water_regime"] = cols.category("reference_water_regime", _REGIMES)
    prepared["project_water_regime"] = cols.category("project_water_regime", _REGIMES)
    prepared["preseason_water_regime"] = cols.category(
        "preseason_water_regime",
        _PRESEASON,
        default=PreseasonWaterRegime.NON_FLOODED_LESS_THAN_180_DAYS.value,
    )
    if "name" in cols:
        cols.mark_used("name")
    cols.check_no_unknown()
    return prepared


def strata_from_prepared(prepared: Mapping[str, npt.NDArray[Any]]) -> StrataColumns:
    """:class:`StrataColumns` of columns validated by :func:`prepare_strata_columns`."""
    return StrataColumns(
        area=prepared["area"],
        cultivation_days=prepared["cultivation_days"],
        baseline_emission_factor=prepared["baseline_emission_factor"],
        reference_regime=prepared["reference_water_regime"],
        project_regime=prepared["project_water_regime"],
        preseason_regime=prepared["preseason_water_regime"],
        amendment_rates={
            a: prepared[AMENDMENT_COLUMN_PREFIX + a]
            for a in _AMENDMENTS
            if AMENDMENT_COLUMN_PREFIX + a in prepared
        },
        soil_scaling_factor=prepared["soil_scaling_factor"],
        nitrogen_input=prepared["nitrogen_input"],
    )
