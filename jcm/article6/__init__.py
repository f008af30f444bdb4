"""Article 6.2 for the JCM: authorization, first transfer, ITMO identifiers, corresponding
adjustments, the AEF and its consistency checks, SHK / GX use, and the JCM targets.

Everything here computes from plain records (credit blocks, positions, action records); the
folds of :mod:`jcm.article6.view` read what a :class:`jcm.registry.Registry` recorded into those
records. The rules the engine applies (authorization, first transfer, NDC periods) live in
:mod:`jcm.core`; nothing here decides them again.

==========================  ===================================================================
module                      what
==========================  ===================================================================
``itmo``                    ITMO unique identifiers and blocks (docs/rules.md §7.7)
``authorization``           the cooperative approach; the authorization vocabulary (from core)
``action``                  action records (AEF Table 3 vocabulary) and holdings
``ndc``                     each Party's NDC period and adjustment method, as data
``adjustment``              Japan's averaging, the partner mirror, the para 8 balance (§7.4)
``shk``                     SHK / GX eligibility and fiscal-year statements (§6.2)
``aef``                     the five AEF V2 tables and their generation (§8.2, §8.3, §10)
``consistency``             checks C01–C12 (§7.8)
``export``                  CSV and JSON (XLSX when openpyxl is installed)
``targets``                 progress toward the JCM targets (100 Mt by FY2030, 200 Mt by FY2040)
``view``                    folds of what a registry recorded
``examples``                the worked examples of docs/rules.md §9.3, §9.6 and scenario 12
==========================  ===================================================================
"""

from jcm.article6.action import Action, ActionSubtype, ActionType, Holding
from jcm.article6.adjustment import (
    Adjustment,
    CreditPosition,
    Location,
    corresponding_adjustment,
    emissions_balance,
    japan_averaging,
    partner_adjustment,
)
from jcm.article6.aef import AefReport, generate_aef
from jcm.article6.authorization import (
    JCM_APPROACH,
    Authorization,
    CooperativeApproach,
    FirstTransferDefinition,
    FirstTransferTrigger,
    Purpose,
    Timeframe,
)
from jcm.article6.consistency import check_aef
from jcm.article6.export import export_aef
from jcm.article6.itmo import ItmoBlock, ItmoId
from jcm.article6.ndc import DEFAULT_NDCS, JAPAN_NDC, CaMethod, Ndc, NdcBook
from jcm.article6.shk import (
    ShkBlock,
    ShkCutoffs,
    ShkDecision,
    ShkReason,
    ShkRoute,
    shk_eligibility,
    shk_report,
    shk_statement,
)
from jcm.article6.targets import JCM_TARGETS, target_progress
from jcm.core.ndc import Attribution

__all__ = [
    "DEFAULT_NDCS",
    "JAPAN_NDC",
    "JCM_APPROACH",
    "JCM_TARGETS",
    "Action",
    "ActionSubtype",
    "ActionType",
    "Adjustment",
    "AefReport",
    "Attribution",
    "Authorization",
    "CaMethod",
    "CooperativeApproach",
    "CreditPosition",
    "FirstTransferDefinition",
    "FirstTransferTrigger",
    "Holding",
    "ItmoBlock",
    "ItmoId",
    "Location",
    "Ndc",
    "NdcBook",
    "Purpose",
    "ShkBlock",
    "ShkCutoffs",
    "ShkDecision",
    "ShkReason",
    "ShkRoute",
    "Timeframe",
    "check_aef",
    "corresponding_adjustment",
    "emissions_balance",
    "export_aef",
    "generate_aef",
    "japan_averaging",
    "partner_adjustment",
    "shk_eligibility",
    "shk_report",
    "shk_statement",
    "target_progress",
]
