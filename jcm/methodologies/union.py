"""Untagged unions of input objects told apart by their keys (``{"electricity"}`` or
``{"meter_start", "meter_end"}``), registered on the one converter.

API.md writes some inputs as alternatives distinguished by which keys are present (a PV record
gives ``electricity`` or meter readings; a forest carbon stock gives biomass or carbon). This
helper registers a structure hook for such a union: the first member whose *distinguishing key* is
present is structured (errors keep their ``$.path``); none or several present is an error naming
the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jcm.errors import InvalidValueError
from jcm.serialization import converter, structure

__all__ = ["register_keyed_union"]


def register_keyed_union(union: Any, members: Sequence[tuple[str, type[Any]]]) -> None:
    """Make ``union`` structure as the member whose key is present in the JSON object.

    Parameters
    ----------
    union
        The union type as annotated on the attrs field (``A | B``).
    members
        ``(key, class)`` pairs: a mapping holding ``key`` is structured as ``class``.
    """
    classes = tuple(cls for _, cls in members)
    keys = [key for key, _ in members]
    alternatives = " or ".join(repr(k) for k in keys)

    def structure_keyed(value: Any, _t: Any) -> Any:
        if isinstance(value, classes):
            return value
        if not isinstance(value, Mapping):
            raise InvalidValueError(keys[0], value, f"must be a JSON object with {alternatives}")
        present = [(key, cls) for key, cls in members if key in value]
        if len(present) != 1:
            raise InvalidValueError(
                keys[0] if not present else present[1][0],
                sorted(value),
                f"must give exactly one of {alternatives}",
            )
        return structure(value, present[0][1])

    converter().register_structure_hook(union, structure_keyed)
