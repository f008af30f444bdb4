"""The values of the JCM domain and the project cycle as pure transitions.

``jcm.core`` imports nothing of ``jcm`` but ``jcm.errors`` and ``jcm.units`` (ARCHITECTURE.md).
The project-cycle steps live in :mod:`jcm.core.cycle`, the methodology approval steps in
:mod:`jcm.core.methodology`.
"""

from jcm.core.account import Account, AccountKind
from jcm.core.countries import (
    DateStatus,
    PartnerCountry,
    partner,
    partner_countries,
    partners_as_of,
)
from jcm.core.credit import CreditBlock, SerialRange
from jcm.core.cycle import PeriodRecord, PeriodState, ProjectRecord, ProjectState
from jcm.core.methodology import Methodology, MethodologyRecord, MethodologyState
from jcm.core.party import JAPAN, Principal, Role
from jcm.core.period import CreditingPeriod, MonitoringPeriod, Vintage
from jcm.core.project import AllocationShare, Participant, Project
from jcm.core.ruleset import DEFAULT_RULESET, Ruleset, ruleset_for

__all__ = [
    "DEFAULT_RULESET",
    "JAPAN",
    "Account",
    "AccountKind",
    "AllocationShare",
    "CreditBlock",
    "CreditingPeriod",
    "DateStatus",
    "Methodology",
    "MethodologyRecord",
    "MethodologyState",
    "MonitoringPeriod",
    "Participant",
    "PartnerCountry",
    "PeriodRecord",
    "PeriodState",
    "Principal",
    "Project",
    "ProjectRecord",
    "ProjectState",
    "Role",
    "Ruleset",
    "SerialRange",
    "Vintage",
    "partner",
    "partner_countries",
    "partners_as_of",
    "ruleset_for",
]
