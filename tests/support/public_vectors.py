"""The public test vectors of the built-in methodologies, read from ``tests/data/``.

Importable by every test module (``tests/support`` is on pytest's ``pythonpath``); the file and its
source are described in ``tests/data/README.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["DATA", "VECTORS", "load_vectors", "vectors_by_id"]

DATA = Path(__file__).resolve().parents[1] / "data"
"""The repository's test-data directory, ``tests/data``."""

VECTORS = DATA / "vectors-public.json"
"""The public vectors: ``[{"id", "methodology", "input", "expected"}, ...]``."""


def load_vectors() -> list[dict[str, Any]]:
    """The cases of ``tests/data/vectors-public.json``, in file order."""
    cases: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))
    return cases


def vectors_by_id() -> dict[str, dict[str, Any]]:
    """The cases keyed by their id (``"AWD-1"``, ``"WTE-1 y=1"``, ...)."""
    return {case["id"]: case for case in load_vectors()}
