"""Results of a calculation, and how the host turns a plugin's emissions into credits.

The host, never the plugin, does the arithmetic that decides credits (API.md "Rounding of emission
reductions"; methodologies.md §1.1 and §1.4)::

    ER_exact = (RE - PE - LE) x (1 - Ud)            full precision, never rounded inside
    ER       = floor(quantise(ER_exact, 1e-6))      jcm.units.floor_tonnes; 0 when ER_exact < 0

Worked example (AWD-1 of methodologies.md §7.2): RE 341.6, PE 187.88, LE 0, Ud 0 give
ER_exact 153.72 and 153 credits. A result that is mathematically an integer but lands a few ulps
below it (``2.9999999999999996``) is still credited as that integer, because of the quantising.
A negative ER_exact credits 0 and adds the problem ``negative_emission_reductions``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from jcm.errors import InvalidValueError, Problem, Severity
from jcm.methodologies.batch import blocks, data_frame
from jcm.methodologies.protocol import FloatArray
from jcm.methodologies.provenance import Provenance
from jcm.units import floor_tonnes, floor_tonnes_array

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NEGATIVE_EMISSION_REDUCTIONS",
    "BatchResult",
    "CalculationResult",
    "credited",
    "emission_reductions_exact",
    "problem_to_json",
]

NEGATIVE_EMISSION_REDUCTIONS = "negative_emission_reductions"
"""Problem code of a result whose exact emission reductions are negative (credited 0)."""


def emission_reductions_exact(
    reference: float, project: float, leakage: float, uncertainty_deduction: float
) -> float:
    """ER_p = (RE_p - PE_p - LE_p) x (1 - Ud) [tCO2e] (methodologies.md §1.1, §3.3).

    Parameters
    ----------
    reference, project, leakage : float
        RE_p, PE_p and LE_p [tCO2e].
    uncertainty_deduction : float
        Ud [1], in [0, 1).

    Returns
    -------
    float
        Exact emission reductions [tCO2e], never rounded.
    """
    return (reference - project - leakage) * (1.0 - uncertainty_deduction)


def credited(exact: float) -> tuple[int, tuple[Problem, ...]]:
    """Whole tCO2e credited for ``exact`` [tCO2e], and the problem when it is negative.

    Floors after quantising to 1e-6 (:func:`jcm.units.floor_tonnes`, API.md "Rounding of emission
    reductions"); an amount negative after quantising credits 0 with the problem
    ``negative_emission_reductions``
    (methodologies.md §1.4: never clamp silently).
    """
    whole = floor_tonnes(exact)
    if whole < 0:
        return 0, (
            Problem(
                NEGATIVE_EMISSION_REDUCTIONS,
                f"emission reductions are negative ({exact!r} tCO2e); 0 credited",
                Severity.ERROR,
                field="emission_reductions_exact",
            ),
        )
    return whole, ()


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """The JSON object of a problem: ``code``, ``message``, ``severity``, and ``field`` if set."""
    body: dict[str, Any] = {
        "code": problem.code,
        "message": problem.message,
        "severity": problem.severity.value,
    }
    if problem.field is not None:
        body["field"] = problem.field
    if problem.subject is not None:
        body["subject"] = problem.subject
    return body


@attrs.frozen
class CalculationResult:
    """The result of one calculation over one monitoring period (API.md "Python", "Result JSON").

    Parameters
    ----------
    methodology, version
        Id and version of the methodology.
    reference_emissions, project_emissions, leakage_emissions
        RE_p, PE_p and LE_p [tCO2e], at full precision.
    emission_reductions_exact
        (RE - PE - LE) x (1 - Ud) [tCO2e], at full precision.
    emission_reductions
        Whole tCO2e credited (floor after quantising to 1e-6; 0 when negative).
    problems
        Eligibility problems and plausibility warnings.
    provenance
        Methodology, plugin, GWP set, inputs hash, ``jcm`` version.
    """

    methodology: str
    version: str
    reference_emissions: float
    project_emissions: float
    leakage_emissions: float
    emission_reductions_exact: float
    emission_reductions: int
    problems: tuple[Problem, ...]
    provenance: Provenance

    def to_json(self) -> dict[str, Any]:
        """The result as the JSON object of API.md "Result JSON" (key order as there)."""
        return {
            "methodology": self.methodology,
            "version": self.version,
            "reference_emissions": self.reference_emissions,
            "project_emissions": self.project_emissions,
            "leakage_emissions": self.leakage_emissions,
            "emission_reductions_exact": self.emission_reductions_exact,
            "emission_reductions": self.emission_reductions,
            "problems": [problem_to_json(p) for p in self.problems],
            "provenance": self.provenance.to_json(),
        }

    @classmethod
    def from_json(cls, data: Any) -> CalculationResult:
        """Read back the object of :meth:`to_json` (for example a monitoring report's calculation).

        Raises
        ------
        InvalidValueError
            Naming the first missing, unknown or mistyped key by its ``$.path``.
        """
        body = _object(data, "$", _RESULT_KEYS)
        prov = _object(body["provenance"], "$.provenance", _PROVENANCE_KEYS)
        for key in ("methodology", "version"):
            _typed(body[key], f"$.{key}", str)
        for key in _FLOAT_KEYS:
            _typed(body[key], f"$.{key}", float)
        _typed(body["emission_reductions"], "$.emission_reductions", int)
        for key in _PROVENANCE_KEYS - {"gwp_set"}:
            _typed(prov[key], f"$.provenance.{key}", str)
        if prov["gwp_set"] is not None:
            _typed(prov["gwp_set"], "$.provenance.gwp_set", str)
        problems = body["problems"]
        if not isinstance(problems, list):
            raise InvalidValueError("$.problems", problems, "must be a list")
        return cls(
            methodology=body["methodology"],
            version=body["version"],
            reference_emissions=float(body["reference_emissions"]),
            project_emissions=float(body["project_emissions"]),
            leakage_emissions=float(body["leakage_emissions"]),
            emission_reductions_exact=float(body["emission_reductions_exact"]),
            emission_reductions=body["emission_reductions"],
            problems=tuple(_problem(p, f"$.problems[{i}]") for i, p in enumerate(problems)),
            provenance=Provenance(**{k: prov[k] for k in _PROVENANCE_FIELDS}),
        )


_FLOAT_KEYS = (
    "reference_emissions",
    "project_emissions",
    "leakage_emissions",
    "emission_reductions_exact",
)
_RESULT_KEYS = frozenset(
    {"methodology", "version", "emission_reductions", "problems", "provenance", *_FLOAT_KEYS}
)
_PROVENANCE_FIELDS = (
    "methodology",
    "version",
    "distribution",
    "distribution_version",
    "jcm_version",
    "gwp_set",
    "inputs_sha256",
)
_PROVENANCE_KEYS = frozenset(_PROVENANCE_FIELDS)


def _object(data: Any, path: str, keys: frozenset[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidValueError(path, data, "must be a JSON object")
    for key in sorted(keys - set(data)):
        raise InvalidValueError(f"{path}.{key}", None, "required field is missing")
    for key in sorted(set(data) - keys):
        raise InvalidValueError(f"{path}.{key}", data[key], "unknown key")
    return data


def _typed(value: Any, path: str, kind: type) -> None:
    ok = (
        isinstance(value, int | float) and math.isfinite(value)
        if kind is float
        else isinstance(value, kind)
    )
    if isinstance(value, bool) or not ok:
        raise InvalidValueError(
            path, value, f"must be a {'number' if kind is float else kind.__name__}"
        )


def _problem(data: Any, path: str) -> Problem:
    if not isinstance(data, dict) or not {"code", "message", "severity"} <= set(data):
        raise InvalidValueError(path, data, "must be a problem {code, message, severity, ...}")
    extra = set(data) - {"code", "message", "severity", "field", "subject"}
    if extra:
        raise InvalidValueError(f"{path}.{sorted(extra)[0]}", data, "unknown key")
    try:
        severity = Severity(data["severity"])
    except ValueError:
        raise InvalidValueError(
            f"{path}.severity", data["severity"], "must be error or warning"
        ) from None
    return Problem(
        str(data["code"]),
        str(data["message"]),
        severity,
        field=data.get("field"),
        subject=data.get("subject"),
    )


@attrs.frozen(eq=False)
class BatchResult:
    """Per-row results of a vectorized calculation over many independent rows (strata, parcels).

    Every row is credited on its own: ``emission_reductions[i]`` is the floor of
    ``emission_reductions_exact[i]`` after quantising to 1e-6, and 0 where it is negative.

    Parameters
    ----------
    methodology, version
        Id and version of the methodology.
    reference_emissions, project_emissions, leakage_emissions
        RE, PE and LE per row [tCO2e].
    emission_reductions_exact
        (RE - PE - LE) x (1 - Ud) per row [tCO2e].
    emission_reductions
        Whole tCO2e credited per row (int64).
    problems
        Findings about the rows (each names its row in ``subject``).
    provenance
        As for a single calculation; ``inputs_sha256`` hashes the columns (see
        :func:`jcm.methodologies.batch.columns_sha256`).
    """

    methodology: str
    version: str
    reference_emissions: FloatArray
    project_emissions: FloatArray
    leakage_emissions: FloatArray
    emission_reductions_exact: FloatArray
    emission_reductions: npt.NDArray[np.int64]
    problems: tuple[Problem, ...]
    provenance: Provenance

    def __len__(self) -> int:
        return int(self.reference_emissions.shape[0])

    @classmethod
    def from_emissions(
        cls,
        *,
        methodology: str,
        version: str,
        reference: FloatArray,
        project: FloatArray,
        leakage: FloatArray,
        uncertainty_deduction: float,
        problems: tuple[Problem, ...],
        provenance: Provenance,
    ) -> BatchResult:
        """Subtract, deduct and floor per row (the host's arithmetic, vectorized)."""
        size = reference.shape[0]
        exact = np.empty(size)
        credits = np.empty(size, dtype=np.int64)
        negative = np.empty(size, dtype=bool)
        for block in blocks(size):
            part = (reference[block] - project[block] - leakage[block]) * (
                1.0 - uncertainty_deduction
            )
            whole = floor_tonnes_array(part)
            below = whole < 0
            whole[below] = 0
            exact[block], credits[block], negative[block] = part, whole, below
        extra: tuple[Problem, ...] = ()
        n_negative = int(np.count_nonzero(negative))
        if n_negative:
            first = int(np.argmax(negative))
            extra = (
                Problem(
                    NEGATIVE_EMISSION_REDUCTIONS,
                    f"{n_negative} row(s) have negative emission reductions (first: row {first});"
                    " 0 credited for them",
                    Severity.ERROR,
                    field="emission_reductions_exact",
                    subject=f"row {first}",
                ),
            )
        return cls(
            methodology,
            version,
            reference,
            project,
            leakage,
            exact,
            credits,
            problems + extra,
            provenance,
        )

    def to_frame(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame (needs pandas: ``pip install 'jcm-engine[pandas]'``).

        One row per input row (index ``row``), columns ``reference_emissions``,
        ``project_emissions``, ``leakage_emissions``, ``emission_reductions_exact`` [tCO2e,
        float64] and ``emission_reductions`` [tCO2e, int64]; ``frame.attrs`` holds
        ``methodology``, ``version``, ``problems`` and ``provenance`` as their JSON.

        Raises
        ------
        jcm.errors.MethodologyError
            ``MISSING_OPTIONAL_DEPENDENCY`` when pandas is not installed.
        """
        return data_frame(
            {
                "reference_emissions": self.reference_emissions,
                "project_emissions": self.project_emissions,
                "leakage_emissions": self.leakage_emissions,
                "emission_reductions_exact": self.emission_reductions_exact,
                "emission_reductions": self.emission_reductions,
            },
            metadata={
                "methodology": self.methodology,
                "version": self.version,
                "problems": [problem_to_json(p) for p in self.problems],
                "provenance": self.provenance.to_json(),
            },
        )

    def total_credits(self) -> int:
        """Sum of the credits of all rows [tCO2e]."""
        return int(self.emission_reductions.sum())

    def total_exact(self) -> float:
        """Sum of the exact emission reductions of all rows [tCO2e] (``math.fsum``)."""
        return math.fsum(self.emission_reductions_exact.tolist())
