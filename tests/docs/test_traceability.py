"""Tests of docs/traceability.md: every name it cites exists, every source key and tag is known."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "traceability.md"
SOURCE_KEYS = ROOT / "tests" / "data" / "source-keys.txt"
"""The source keys of the rule book's §1 (docs/rules.md §1), one a line (tests/data/README.md)."""
TAGS = {"[P]", "[P2]", "[S]", "[M]", "[SEED]", "[I]"}


def rows() -> list[list[str]]:
    """The cells of every rule row (tables of five columns whose first cell is a section)."""
    found = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"\d+(\.\d+)*", cells[0]):
            found.append(cells)
    return found


def resolves(dotted: str) -> bool:
    """True when ``dotted`` names a module or an attribute path inside one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def test_every_cited_name_exists() -> None:
    """Resolves every `jcm....` name of the implemented-in column to real code."""
    names = [n for r in rows() for n in re.findall(r"`(jcm\.[\w.]+)`", r[4])]
    assert len(names) > 60
    missing = [n for n in names if not resolves(n)]
    assert missing == []


def source_keys() -> list[str]:
    """The keys of ``tests/data/source-keys.txt``: the first field of each non-comment line."""
    lines = SOURCE_KEYS.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]


def test_every_row_has_a_tag_and_covers_sections_2_to_10() -> None:
    """Gives each row one known confidence tag, and rows for every section from 2 to 10."""
    table = rows()
    assert {r[3] for r in table} <= TAGS
    assert {int(r[0].split(".")[0]) for r in table} == set(range(2, 11))


def test_the_source_keys_are_those_of_the_rule_book() -> None:
    """Reads the 33 keys of docs/rules.md §1.1-§1.3, from ACT-57-2 to SBSTA60, each once."""
    keys = set(source_keys())
    assert len(keys) == len(source_keys()) == 33
    assert {"ACT-57-2", "JCM-SPEC", "2CMA3", "AEF-V2", "SBSTA60"} <= keys
    assert all(re.fullmatch(r"[A-Z0-9][A-Z0-9-]+", k) for k in keys)


def test_every_source_key_is_a_key_of_the_rules() -> None:
    """Cites only the source keys that docs/rules.md §1 defines (tests/data/source-keys.txt)."""
    keys = set(source_keys())
    cited = {k.strip() for r in rows() for k in r[2].split(",") if k.strip() not in ("—", "")}
    assert cited <= keys, cited - keys
