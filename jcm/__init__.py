"""jcm: an open, embeddable engine for Japan's Joint Crediting Mechanism (JCM).

The four rooms (``shared/design/ARCHITECTURE.md``):

* :mod:`jcm.core` — domain values and the project cycle as pure transitions;
* :mod:`jcm.methodologies` — the plugin host and the built-in methodologies;
* :mod:`jcm.registry` — the registry engine, its hash-chained journal and stores;
* :mod:`jcm.article6` — authorization, first transfer, corresponding adjustments, AEF, SHK.

Importing ``jcm`` loads the domain values only: the methodology host, the registry engine (and
SQLite) and Article 6 load on first use of ``jcm.methodologies``, ``jcm.registry``, ``jcm.Registry``
or ``jcm.article6``, and no plugin is loaded before a methodology is asked for.

>>> import jcm
>>> reg = jcm.Registry()
>>> reg.balances()
{}
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from jcm._version import __version__
from jcm.core.account import Account, AccountKind
from jcm.core.countries import PartnerCountry, partner_countries
from jcm.core.credit import CreditBlock, SerialRange
from jcm.core.methodology import Methodology
from jcm.core.party import Principal, Role
from jcm.core.period import CreditingPeriod, MonitoringPeriod, Vintage
from jcm.core.project import AllocationShare, Participant, Project
from jcm.errors import (
    InvalidInputError,
    InvalidValueError,
    JcmError,
    NotAuthorizedError,
    Problem,
)

if TYPE_CHECKING:
    from jcm import article6, methodologies, registry
    from jcm.registry import Registry

if not any(isinstance(h, logging.NullHandler) for h in logging.getLogger("jcm").handlers):
    logging.getLogger("jcm").addHandler(logging.NullHandler())  # a library logs; the app shows

__all__ = [
    "Account",
    "AccountKind",
    "AllocationShare",
    "CreditBlock",
    "CreditingPeriod",
    "InvalidInputError",
    "InvalidValueError",
    "JcmError",
    "Methodology",
    "MonitoringPeriod",
    "NotAuthorizedError",
    "Participant",
    "PartnerCountry",
    "Principal",
    "Problem",
    "Project",
    "Registry",
    "Role",
    "SerialRange",
    "Vintage",
    "__version__",
    "article6",
    "methodologies",
    "partner_countries",
    "registry",
]

_LAZY_MODULES = ("methodologies", "registry", "article6")


def __getattr__(name: str) -> Any:
    """Load ``methodologies``, ``registry``, ``article6`` and ``Registry`` on first use."""
    if name in _LAZY_MODULES:
        return importlib.import_module(f"jcm.{name}")
    if name == "Registry":
        return importlib.import_module("jcm.registry").Registry
    raise AttributeError(f"module 'jcm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
