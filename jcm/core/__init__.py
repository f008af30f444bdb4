"""The values of the JCM domain and the project cycle as pure transitions.

``jcm.core`` imports nothing of ``jcm`` but ``jcm.errors`` and ``jcm.units`` (ARCHITECTURE.md).
"""

from jcm.core.party import JAPAN, Principal, Role
from jcm.core.period import CreditingPeriod, MonitoringPeriod, Vintage

__all__ = ["JAPAN", "CreditingPeriod", "MonitoringPeriod", "Principal", "Role", "Vintage"]
