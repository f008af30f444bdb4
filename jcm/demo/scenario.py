"""The demo's history: every registry request, from the Parties' set-up to a freeze.

Design
------
The demo imports a plausible history of 2024–2026 into one engine holding four registries: Japan's
(``JPN01``) and those of the Philippines (``PHL01``), Viet Nam (``VNM01``) and Chile (``CHL01``).
Each of the three sample projects (:mod:`jcm.demo.sample`) goes through the whole project cycle
(PIN, no objection, PDD with its credit allocation, public input, validation, registration), then
through it once per monitoring period (monitoring report with the calculation, verification,
issuance request, the Joint Committee's decision by vintage, issuance by each side). Then credits
move: transfers (one of them international), an SHK retirement by a Japanese company (after both
Parties authorized the credits for NDC use), a cancellation, a certificate and a freeze.

Every request is a JSON mapping that names its ``actor``, carries an ``idempotency_key``
(``jcm-demo:NNN:type``) and the time ``at`` of its entry; the operator submits them as one import
(:meth:`jcm.registry.Registry.submit_batch` with ``import_by``). A second run on the same file
returns the first receipts and changes nothing, so the report it prints is the same.

Steps are listed with a date and sorted by it (stably, so steps of one day keep their order);
the n-th step of a day is stamped 09:00 + n minutes UTC, so times never go backwards.

The request refused on purpose (a transfer from the frozen account, ``FROZEN``) is not part of
the import: :data:`FROZEN_TRANSFER` is submitted on its own after it, and never recorded.

Worked example: the wet season 2024 of ``DEMO-PH01`` credits 6,923 tCO2e; the period lies in
2024, so the Joint Committee decides ``{"2024": 6923}``; the allocation 50/10/20/20 gives Japan's
government 3,461, the Japanese participant 692 (Japan issues both, 4,153 credits, serials
1-4153 of ``JPN01``) and the Philippine government and participant 1,385 each (the Philippines
issues 2,770 in ``PHL01``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from jcm.core.period import MonitoringPeriod
from jcm.demo.sample import Sample
from jcm.methodologies.result import CalculationResult

__all__ = [
    "BUYER_ACCOUNT",
    "CANCELLED",
    "FROZEN_ACCOUNT",
    "FROZEN_TRANSFER",
    "OPERATOR",
    "PARTIES",
    "PRINCIPALS",
    "RETIRED",
    "Step",
    "build_requests",
    "split_by_vintage",
]

OPERATOR: Final = "operator"
"""The principal id of the operator of the demo's engine."""

PARTIES: Final = (
    ("JPN", "JPN01", "jcma"),
    ("PHL", "PHL01", "phl-admin"),
    ("VNM", "VNM01", "vnm-admin"),
    ("CHL", "CHL01", "chl-admin"),
)
"""``(party, registry id, administrator)`` of the four registries."""

_ADMIN: Final = {party: admin for party, _, admin in PARTIES}

PRINCIPALS: Final = (
    ("jcma", "JPN", "registry_administrator", "Japan's registry administrator"),
    ("phl-admin", "PHL", "registry_administrator", "the Philippines' registry administrator"),
    ("vnm-admin", "VNM", "registry_administrator", "Viet Nam's registry administrator"),
    ("chl-admin", "CHL", "registry_administrator", "Chile's registry administrator"),
    ("jc-phl", "PHL", "joint_committee", "Japan-Philippines Joint Committee"),
    ("jc-vnm", "VNM", "joint_committee", "Japan-Viet Nam Joint Committee"),
    ("jc-chl", "CHL", "joint_committee", "Japan-Chile Joint Committee"),
    ("tpe", "JPN", "third_party_entity", "third-party entity (validation, verification)"),
    ("pp-jp-awd", "JPN", "project_participant", "Japanese participant, AWD programme"),
    ("pp-ph-awd", "PHL", "project_participant", "Philippine participant, AWD programme"),
    ("pp-jp-wte", "JPN", "project_participant", "Japanese participant, waste-to-energy"),
    ("pp-vn-wte", "VNM", "project_participant", "Vietnamese participant, waste-to-energy"),
    ("pp-jp-pv", "JPN", "project_participant", "Japanese participant, solar with storage"),
    ("pp-cl-pv", "CHL", "project_participant", "Chilean participant, solar with storage"),
    ("buyer-co", "JPN", "account_holder", "a Japanese company reporting under SHK"),
    ("trader-co", "JPN", "account_holder", "a Japanese credit trader"),
)
"""``(principal, party, role, description)`` of every principal the demo adds."""

_ACCOUNTS_2024: Final = (
    ("JPN-GOV", "JPN", "government_holding", "jcma"),
    ("JPN-RET", "JPN", "retirement", "jcma"),
    ("JPN-CAN", "JPN", "cancellation", "jcma"),
    ("JP-PP-AWD", "JPN", "entity_holding", "pp-jp-awd"),
    ("JP-PP-WTE", "JPN", "entity_holding", "pp-jp-wte"),
    ("JP-PP-PV", "JPN", "entity_holding", "pp-jp-pv"),
    ("PHL-GOV", "PHL", "government_holding", "phl-admin"),
    ("PH-PP-AWD", "PHL", "entity_holding", "pp-ph-awd"),
    ("VNM-GOV", "VNM", "government_holding", "vnm-admin"),
    ("VN-PP-WTE", "VNM", "entity_holding", "pp-vn-wte"),
    ("CHL-GOV", "CHL", "government_holding", "chl-admin"),
    ("CL-PP-PV", "CHL", "entity_holding", "pp-cl-pv"),
)
"""Accounts opened in January 2024, before the fee schedule of 2025-04-01 (so free)."""

BUYER_ACCOUNT: Final = "JP-BUYER"
"""The SHK company's account (opened in June 2025, so it pays the account fee)."""
FROZEN_ACCOUNT: Final = "JP-TRADER"
"""The trader's account, frozen at the end of the history."""

_ACCOUNTS_2025: Final = (
    (BUYER_ACCOUNT, "JPN", "entity_holding", "buyer-co"),
    (FROZEN_ACCOUNT, "JPN", "entity_holding", "trader-co"),
)

_PROJECT_SETUP: Final = {
    # project: (participants, allocation [(party, account, share in %)])
    "DEMO-PH01": (
        ("pp-jp-awd", "pp-ph-awd"),
        (("JPN", "JPN-GOV", "50"), ("JPN", "JP-PP-AWD", "10"), ("PHL", "PHL-GOV", "20"),
         ("PHL", "PH-PP-AWD", "20")),
    ),
    "DEMO-VN01": (
        ("pp-jp-wte", "pp-vn-wte"),
        (("JPN", "JPN-GOV", "50"), ("JPN", "JP-PP-WTE", "20"), ("VNM", "VNM-GOV", "10"),
         ("VNM", "VN-PP-WTE", "20")),
    ),
    "DEMO-CL01": (
        ("pp-jp-pv", "pp-cl-pv"),
        (("JPN", "JPN-GOV", "50"), ("JPN", "JP-PP-PV", "25"), ("CHL", "CHL-GOV", "10"),
         ("CHL", "CL-PP-PV", "15")),
    ),
}  # fmt: skip
"""Participants and the Credit Allocation Form of each sample project."""

_AEF_CLASSES: Final = {
    # project: (sectors of nomenclature 15(b), activity types of 51(b)), rules.md §8.3 [P2]
    "DEMO-PH01": (("Agriculture",), ("Agriculture", "Methane avoidance")),
    "DEMO-VN01": (("Waste management", "Energy generation"), ("Waste",)),
    "DEMO-CL01": (("Energy generation",), ("Solar",)),
}
"""The AEF Table 2 sectors and activity types each project's authorizations state [I]."""

_CREDITING_PERIOD: Final = {"start": "2024-06-15", "end": "2030-12-31"}
"""The crediting period of every project (JCM credits run to 2030)."""

_PERIOD_DATES: Final = {
    # (project, period index): monitoring report, verification, issuance request, JC decision,
    # issuance by each side
    ("DEMO-PH01", 0): ("2024-12-02", "2025-01-20", "2025-01-27", "2025-02-17", "2025-02-24"),
    ("DEMO-CL01", 0): ("2025-02-03", "2025-03-10", "2025-03-17", "2025-04-14", "2025-04-21"),
    ("DEMO-PH01", 1): ("2025-05-05", "2025-06-09", "2025-06-16", "2025-07-07", "2025-07-10"),
    ("DEMO-VN01", 0): ("2025-08-04", "2025-09-15", "2025-09-22", "2025-10-20", "2025-10-27"),
    ("DEMO-CL01", 1): ("2026-02-02", "2026-03-09", "2026-03-16", "2026-04-13", "2026-04-20"),
    ("DEMO-VN01", 1): ("2026-08-03", "2026-09-14", "2026-09-21", "2026-10-19", "2026-10-26"),
}
"""When each monitoring period goes through the cycle (all after the period's end)."""

RETIRED: Final = 1_500
"""Credits the SHK company retires toward Japan's NDC [tCO2e]."""
CANCELLED: Final = 1_000
"""Credits the Japanese waste-to-energy participant cancels [tCO2e]."""

_MOVES: Final = (
    # date, actor, request
    ("2025-07-14", "pp-jp-pv", {"type": "transfer", "from": "JP-PP-PV", "to": BUYER_ACCOUNT,
                                "quantity": 2_000}),
    ("2025-07-14", "pp-jp-awd", {"type": "transfer", "from": "JP-PP-AWD", "to": FROZEN_ACCOUNT,
                                 "quantity": 500}),
    ("2025-09-01", "buyer-co", {"type": "retire", "from": BUYER_ACCOUNT, "quantity": RETIRED,
                                "beneficiary": "Demo Power Co., Ltd. (SHK FY2025)"}),
    ("2025-11-17", "pp-vn-wte", {"type": "transfer", "from": "VN-PP-WTE", "to": FROZEN_ACCOUNT,
                                 "quantity": 1_000}),
    ("2025-12-08", "pp-jp-wte", {"type": "cancel", "from": "JP-PP-WTE", "quantity": CANCELLED,
                                 "purpose": "voluntary"}),
    ("2026-03-02", "buyer-co", {"type": "request_certificate", "account": BUYER_ACCOUNT}),
    ("2026-11-02", "jcma", {"type": "freeze", "account": FROZEN_ACCOUNT}),
)  # fmt: skip
"""Credits moving after issuance, the certificate and the freeze, in time order."""

FROZEN_TRANSFER: Final = {
    "type": "transfer",
    "actor": "trader-co",
    "from": FROZEN_ACCOUNT,
    "to": BUYER_ACCOUNT,
    "quantity": 100,
}
"""The transfer the demo submits after the import; the freeze makes the engine refuse it."""


@attrs.frozen
class Step:
    """One request of the history with its date (before it is stamped and keyed)."""

    on: dt.date
    actor: str
    request: dict[str, Any] = attrs.field(eq=False, hash=False)


def _step(day: str, actor: str, type_: str, /, **fields: Any) -> Step:
    return Step(dt.date.fromisoformat(day), actor, {"type": type_, **fields})


def _period_json(period: MonitoringPeriod) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def split_by_vintage(period: MonitoringPeriod, quantity: int) -> dict[str, int]:
    """Split ``quantity`` credits over the calendar years of ``period``, pro rata to days.

    Every year but the last gets the floor of its share; the last gets the rest, so the parts
    add up to ``quantity``. A period inside one year gives that year everything.

    >>> split_by_vintage(MonitoringPeriod(dt.date(2024, 11, 15), dt.date(2025, 3, 31)), 9070)
    {'2024': 3111, '2025': 5959}
    """
    pieces = period.split_by_calendar_year()
    total_days = sum(p.days for p in pieces)
    out: dict[str, int] = {}
    left = quantity
    for piece in pieces[:-1]:
        part = quantity * piece.days // total_days
        out[str(piece.start.year)] = part
        left -= part
    out[str(pieces[-1].start.year)] = left
    return out


def _setup() -> list[Step]:
    steps = []
    for party, registry_id, admin in PARTIES:
        steps.append(
            _step(
                "2024-01-10",
                OPERATOR,
                "add_party",
                party=party,
                registry_id=registry_id,
                administrator=admin,
            )
        )
    admins = {admin for _, _, admin in PARTIES}
    for principal, party, role, _ in PRINCIPALS:
        if principal in admins:
            continue
        by = OPERATOR if role in ("joint_committee", "third_party_entity") else _ADMIN[party]
        steps.append(
            _step("2024-01-10", by, "add_principal", principal=principal, role=role, party=party)
        )
    for account, party, kind, holder in _ACCOUNTS_2024:
        steps.append(
            _step(
                "2024-01-15",
                _ADMIN[party],
                "open_account",
                account=account,
                party=party,
                kind=kind,
                holder=holder,
            )
        )
    return steps


def _registration(sample: Sample, committee: str) -> list[Step]:
    project = sample.project
    participants, allocation = _PROJECT_SETUP[project]
    lead = participants[0]
    shares = [{"party": p, "account": a, "share": s} for p, a, s in allocation]
    return [
        _step("2024-02-05", lead, "submit_pin", project=project, partner=sample.partner,
              title=sample.title, sector=sample.sector, participants=list(participants)),
        _step("2024-03-04", committee, "decide_no_objection", project=project),
        _step("2024-03-18", lead, "submit_pdd", project=project, methodology=sample.methodology,
              methodology_version="1.0", crediting_period=_CREDITING_PERIOD, allocation=shares),
        _step("2024-04-01", committee, "start_public_input", project=project, on="2024-04-01"),
        _step("2024-05-02", committee, "close_public_input", project=project, on="2024-05-02"),
        _step("2024-05-20", "tpe", "submit_validation_report", project=project, positive=True),
        _step("2024-06-10", committee, "register_project", project=project),
    ]  # fmt: skip


def _authorizations(sample: Sample) -> list[Step]:
    vintages = sorted({y for p in sample.periods for y in _years(p.period)})
    sectors, activity_types = _AEF_CLASSES[sample.project]
    return [
        _step("2024-06-24", _ADMIN[party], "authorize",
              authorization=f"{party}-AUTH-{sample.project}", party=party,
              project=sample.project, vintages=vintages, purposes=["NDC"],
              sectors=list(sectors), activity_types=list(activity_types))
        for party in ("JPN", sample.partner)
    ]  # fmt: skip


def _years(period: MonitoringPeriod) -> list[int]:
    return [p.start.year for p in period.split_by_calendar_year()]


def _monitoring(
    sample: Sample, committee: str, index: int, result: CalculationResult
) -> list[Step]:
    project = sample.project
    participants, allocation = _PROJECT_SETUP[project]
    lead = participants[0]
    period = _period_json(sample.periods[index].period)
    report, verification, request, decision, issue = _PERIOD_DATES[(project, index)]
    verified = result.emission_reductions
    quantities = split_by_vintage(sample.periods[index].period, verified)
    sides = list(dict.fromkeys(party for party, _, _ in allocation))
    return [
        _step(report, lead, "submit_monitoring_report", project=project, period=period,
              calculation=result.to_json()),
        _step(verification, "tpe", "submit_verification_report", project=project, period=period,
              verified_reductions=verified),
        _step(request, lead, "request_issuance", project=project, period=period),
        _step(decision, committee, "decide_issuance", project=project, period=period,
              quantities_by_vintage=quantities),
        *(
            _step(issue, _ADMIN[party], "issue", project=project, period=period, party=party)
            for party in sides
        ),
    ]  # fmt: skip


def _committee(partner: str) -> str:
    return f"jc-{partner.lower()}"


def build_requests(
    samples: Sequence[Sample], results: Mapping[tuple[str, int], CalculationResult]
) -> tuple[dict[str, Any], ...]:
    """Every request of the demo's history, in time order, stamped and keyed.

    Parameters
    ----------
    samples
        The sample projects (:func:`jcm.demo.sample.load_samples`).
    results
        The calculation of each ``(project, period index)``.

    Returns
    -------
    tuple of dict
        JSON requests with ``actor``, ``at`` (ISO 8601, UTC) and ``idempotency_key``, for
        ``Registry.submit_batch(..., import_by=OPERATOR)``.
    """
    steps = _setup()
    for sample in samples:
        committee = _committee(sample.partner)
        steps += _registration(sample, committee)
        steps += _authorizations(sample)
        for index in range(len(sample.periods)):
            steps += _monitoring(sample, committee, index, results[(sample.project, index)])
    for account, party, kind, holder in _ACCOUNTS_2025:
        steps.append(
            _step(
                "2025-06-02",
                _ADMIN[party],
                "open_account",
                account=account,
                party=party,
                kind=kind,
                holder=holder,
            )
        )
    for on, actor, request in _MOVES:
        steps.append(Step(dt.date.fromisoformat(on), actor, dict(request)))
    ordered = sorted(steps, key=lambda s: s.on)  # stable: a day's steps keep their order
    out = []
    minute: dict[dt.date, int] = {}
    for number, step in enumerate(ordered, start=1):
        n = minute.get(step.on, 0)
        minute[step.on] = n + 1
        at = dt.datetime.combine(step.on, dt.time(9), dt.UTC) + dt.timedelta(minutes=n)
        out.append(
            {
                **step.request,
                "actor": step.actor,
                "at": at.isoformat().replace("+00:00", "Z"),
                "idempotency_key": f"jcm-demo:{number:03d}:{step.request['type']}",
            }
        )
    return tuple(out)
