"""Plain words for the demo's report and chart: country names, registries, account kinds, requests.

The registry speaks in codes (``PHL``, ``PHL01``, ``retirement``, ``request_certificate``); a
reader of the demo should not need to know them. Every label here keeps the code next to the
words where the reader may type it later (a registry id, an account id), and drops it where it
is internal (an account kind, a request type)::

    >>> registry_label("PHL", "PHL01")
    "the Philippines' registry (PHL01)"
    >>> account_kind("retirement")
    'retirement account'
    >>> request_label("request_certificate")
    'certificate'
"""

from __future__ import annotations

from typing import Final

from jcm.core.countries import partner
from jcm.core.party import JAPAN
from jcm.errors import JcmError

__all__ = [
    "account_kind",
    "countries_in_text",
    "country",
    "country_in_text",
    "possessive",
    "registry_label",
    "request_label",
    "shk_reason",
]

_WITH_ARTICLE: Final = frozenset({"Philippines", "Maldives", "United Arab Emirates"})
"""Country names written with "the" in running text."""

_ACCOUNT_KINDS: Final = {
    "government_holding": "government holding account",
    "entity_holding": "entity holding account",
    "retirement": "retirement account",
    "cancellation": "cancellation account",
}

_REQUESTS: Final = {
    "transfer": "transfer",
    "retire": "retirement",
    "cancel": "cancellation",
    "request_certificate": "certificate",
    "freeze": "freeze",
    "unfreeze": "unfreeze",
}

_SHK_REASONS: Final = {
    "INTL_COOP_ER": "vintage 2021 or later, authorized by Japan and the host",
    "NOT_AUTHORIZED": "vintage 2021 or later, not authorized by both",
    "PRE2021_LEGACY": "vintage before 2021, issued by the cut-off",
    "PRE2021_TRANSITIONAL": "vintage before 2021, public input started by the cut-off",
    "PRE2021_ISSUED_AFTER_CUTOFF": "vintage before 2021, issued after the cut-off",
}


def country(code: str) -> str:
    """The country's short name (``"Viet Nam"``); the code itself for one the JCM does not know.

    >>> country("JPN"), country("VNM")
    ('Japan', 'Viet Nam')
    """
    if code == JAPAN:
        return "Japan"
    try:
        return partner(code).name
    except JcmError:
        return code


def country_in_text(code: str) -> str:
    """The country's name as it reads inside a sentence (``"the Philippines"``)."""
    name = country(code)
    return f"the {name}" if name in _WITH_ARTICLE else name


def countries_in_text(codes: list[str] | tuple[str, ...]) -> str:
    """Country names joined as in a sentence.

    >>> countries_in_text(["PHL", "VNM", "CHL"])
    'the Philippines, Viet Nam and Chile'
    """
    names = [country_in_text(c) for c in codes]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def possessive(code: str) -> str:
    """The country's name in the possessive, inside a sentence (``"the Philippines'"``).

    >>> possessive("JPN"), possessive("PHL")
    ("Japan's", "the Philippines'")
    """
    name = country_in_text(code)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def registry_label(party: str, registry_id: str) -> str:
    """A Party's registry in words with its id: ``"Japan's registry (JPN01)"``."""
    return f"{possessive(party)} registry ({registry_id})"


def account_kind(kind: str) -> str:
    """An account kind in words (``"government holding account"``)."""
    return _ACCOUNT_KINDS.get(kind, kind.replace("_", " "))


def request_label(kind: str) -> str:
    """A request type in words (``"retirement"`` for ``retire``)."""
    return _REQUESTS.get(kind, kind.replace("_", " "))


def shk_reason(reason: str) -> str:
    """The row of the SHK decision table (docs/rules.md §6.2) in words."""
    return _SHK_REASONS.get(reason, reason)
