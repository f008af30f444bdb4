"""Consistency checks C01–C12 of an AEF submission, run before export (a pre-consistency check).

The secretariat's Article 6 database checks each AEF submission for consistency and flags what
does not agree (2/CMA.3 annex para 33(a) [P2]; 6/CMA.4 para 29 encourages Parties to run a
pre-consistency check first). Which comparisons it makes is not published; these twelve are what
the tables let a checker compare (``shared/reference/rules.md`` §7.8 [I]):

=====  ======================================================================  ========
code   check                                                                   severity
=====  ======================================================================  ========
C01    IDs, codes and dates match their patterns and controlled lists (§8.3)   error
C02    every Table 3/4 Authorization ID is in a Table 2 (this or earlier)      error
C03    the action's purpose agrees with the authorization's purposes           error
C04    first transfers within the authorized quantity; dates in the timeframe  error
C05    no first transfer or transfer before the authorization date             error
C06    ID ranges of Table 4 do not overlap; an ID is first transferred once    error
C07    no action on IDs already used or cancelled                              error
C08    a transfer matches the acquiring Party's acquisition (mirror)           error
C09    holdings roll forward: H(t−1) + in − out = H(t), per ID range           error
C10    ITMOs used toward the NDC: vintage and NDC year inside the NDC period   error
C11    quantity = Last ID − First ID + 1                                       error
C12    conditional fields are NA where they do not apply, present where due    warning
=====  ======================================================================  ========

Every check is a function of the report (and, where it compares across reports, of the
previous year's holdings, earlier actions, known authorizations or the counterpart Parties'
reports) returning ``Problem`` values with the code ``"C01"``…``"C12"``; none raises.

C09 in detail: starting from the ID ranges of last year's Table 4, the Party's actions of the
year are applied in date order — ``Acquisition`` and ``Authorization`` add their IDs; ``Use``,
``Transfer``, cancellations and the first transfers that move or consume units (to another
Party, on use or cancellation) remove them; a first transfer on authorization or issuance moves
nothing. The result must equal this year's Table 4, range for range and in its Quantity column
(rules.md §9.6: 1,000 − 400 = 600).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from typing import Final

from jcm.article6.action import ALLOWED_SUBTYPES, ActionSubtype, ActionType
from jcm.article6.aef import (
    ACTIVITY_TYPES,
    SECTORS,
    TABLE_NAMES,
    UNDERLYING_UNIT_REGISTRIES,
    ActionRow,
    AefReport,
    AuthorizationRow,
    HoldingRow,
)
from jcm.article6.authorization import AUTHORIZATION_ID_PATTERN, FirstTransferDefinition
from jcm.article6.itmo import ITMO_ID_PATTERN, REGISTRY_ID_PATTERN, ItmoBlock, merge_ranges
from jcm.article6.itmo import subtract_ranges as _subtract
from jcm.errors import InvalidValueError, Problem, ProblemGroup, Severity

__all__ = [
    "CHECKS",
    "check_aef",
    "check_c01",
    "check_c02",
    "check_c03",
    "check_c04",
    "check_c05",
    "check_c06",
    "check_c07",
    "check_c08",
    "check_c09",
    "check_c10",
    "check_c11",
    "check_c12",
]

CHECKS: Final = {
    "C01": "syntax of IDs, codes and dates; controlled vocabularies",
    "C02": "Authorization ID known in Table 2",
    "C03": "action purpose consistent with the authorization purposes",
    "C04": "authorized quantity and timeframe respected",
    "C05": "no first transfer or transfer before the authorization date",
    "C06": "no overlapping ID ranges; an ID first transferred at most once",
    "C07": "no action on IDs already used or cancelled",
    "C08": "mirror of transfers and acquisitions between Parties",
    "C09": "holdings roll-forward per ID range",
    "C10": "vintage and NDC year of uses inside the NDC period",
    "C11": "quantity equals Last ID - First ID + 1",
    "C12": "conditional fields NA where not applicable, present where required",
}
"""The checks and what each compares."""

_PARTY: Final = re.compile(r"^[A-Z]{3}$")
_APPROACH: Final = re.compile(r"^CA\d{4}$")
_VERSION: Final = re.compile(r"^\d+\.\d+$")
_TIMEFRAME: Final = re.compile(r"^\d{4} - \d{4}$")
_PURPOSES: Final = frozenset(
    {"NDC", "OIMP", "IMP", "OP", "NDC and OIMP", "NDC and IMP", "NDC and OP"}
)
_FT_DEFINITIONS: Final = frozenset(d.value for d in FirstTransferDefinition)
_MITIGATION: Final = frozenset(
    {"Emission reductions", "Removals", "Emission reductions and removals"}
)
_TYPES: Final = {t.value: t for t in ActionType}
_SUBTYPES: Final = {s.value: s for s in ActionSubtype}

_REMOVING_FT: Final = frozenset(
    {
        ActionSubtype.FIRST_TRANSFER_TO_ANOTHER_PARTY.value,
        ActionSubtype.USE_OR_CANCELLATION.value,
        ActionSubtype.MANDATORY_OMGE.value,
        ActionSubtype.VOLUNTARY_OMGE.value,
        ActionSubtype.OTHER_CANCELLATIONS.value,
    }
)
_TERMINAL_TYPES: Final = frozenset({"Use", "Cancellation", "Voluntary Cancellation"})
_TERMINAL_FT: Final = _REMOVING_FT - {ActionSubtype.FIRST_TRANSFER_TO_ANOTHER_PARTY.value}


def _where(table: int, index: int, column: str) -> str:
    return f"{TABLE_NAMES[table - 1]}[{index}].{column}"


def _problem(
    code: str, message: str, field: str | None = None, subject: str | None = None
) -> Problem:
    severity = Severity.WARNING if code == "C12" else Severity.ERROR
    return Problem(code, message, severity, field, subject)


def _block(row: ActionRow | HoldingRow) -> ItmoBlock | None:
    try:
        return ItmoBlock.from_ids(row.first_id, row.last_id)
    except InvalidValueError:
        return None


def _ranges_text(ranges: Iterable[tuple[int, int]]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in ranges) or "none"


# --------------------------------------------------------------------------- C01


class _Syntax:
    """Collects C01 problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def need(  # noqa: PLR0917 - one call per cell keeps the checks readable
        self, ok: bool, table: int, index: int, column: str, value: object, rule: str
    ) -> None:
        if not ok:
            where = _where(table, index, column)
            self.problems.append(_problem("C01", f"{where}: {value!r} {rule}", where))

    def ids(self, table: int, i: int, r: ActionRow | HoldingRow) -> None:
        need = self.need
        need(
            bool(_APPROACH.match(r.cooperative_approach)),
            table,
            i,
            "Cooperative approach ID",
            r.cooperative_approach,
            "is not CANNNN",
        )
        need(
            bool(AUTHORIZATION_ID_PATTERN.match(r.authorization_id)),
            table,
            i,
            "Authorization ID",
            r.authorization_id,
            "does not match [A-Za-z0-9 -]+",
        )
        need(
            bool(_PARTY.match(r.first_transferring_party)),
            table,
            i,
            "First transferring participating Party ID",
            r.first_transferring_party,
            "is not an alpha-3 code",
        )
        need(
            bool(REGISTRY_ID_PATTERN.match(r.registry)),
            table,
            i,
            "Party ITMO registry ID",
            r.registry,
            "is not AAA99",
        )
        need(
            bool(ITMO_ID_PATTERN.match(r.first_id)),
            table,
            i,
            "First ID",
            r.first_id,
            "is not an ITMO unique identifier",
        )
        need(
            bool(ITMO_ID_PATTERN.match(r.last_id)),
            table,
            i,
            "Last ID",
            r.last_id,
            "is not an ITMO unique identifier",
        )
        need(
            r.underlying_registry is None or r.underlying_registry in UNDERLYING_UNIT_REGISTRIES,
            table,
            i,
            "Underlying unit registry ID",
            r.underlying_registry,
            "is not in 31(b)",
        )
        need(r.metric in ("GHG", "non-GHG"), table, i, "Metric", r.metric, "is not in 12(b)")
        need(
            r.mitigation_type in _MITIGATION,
            table,
            i,
            "Mitigation type",
            r.mitigation_type,
            "is not in 36(b)",
        )


def check_c01(report: AefReport) -> tuple[Problem, ...]:
    """Syntax: IDs, codes and dates match their patterns and controlled lists (rules.md §8.3)."""
    c = _Syntax()
    need = c.need
    s = report.submission
    need(bool(_PARTY.match(s.party)), 1, 0, "Party", s.party, "is not an alpha-3 code")
    need(bool(_VERSION.match(s.version)), 1, 0, "Version", s.version, "is not X.Y")
    need(
        (s.ndc_first_year is None) == (s.ndc_last_year is None)
        and (
            s.ndc_first_year is None
            or s.ndc_last_year is None
            or s.ndc_first_year <= s.ndc_last_year
        ),
        1,
        0,
        "Last year of the NDC implementation period",
        s.ndc_last_year,
        "precedes the first (or only one of the two is given)",
    )
    for i, a in enumerate(report.authorizations):
        need(
            bool(AUTHORIZATION_ID_PATTERN.match(a.authorization_id)),
            2,
            i,
            "Authorization ID",
            a.authorization_id,
            "does not match [A-Za-z0-9 -]+",
        )
        need(
            bool(_APPROACH.match(a.cooperative_approach)),
            2,
            i,
            "Cooperative approach ID",
            a.cooperative_approach,
            "is not CANNNN",
        )
        need(a.version >= 1, 2, i, "Version of the authorization", a.version, "is not >= 1")
        need(a.metric in ("GHG", "non-GHG"), 2, i, "Metric", a.metric, "is not in 12(b)")
        need(
            a.purposes in _PURPOSES,
            2,
            i,
            "Purposes for authorization",
            a.purposes,
            "is not in 16(b)",
        )
        need(
            a.first_transfer_definition is None or a.first_transfer_definition in _FT_DEFINITIONS,
            2,
            i,
            "First transfer definition for OIMP",
            a.first_transfer_definition,
            "is not in 22(b)",
        )
        need(
            a.timeframe is None or bool(_TIMEFRAME.match(a.timeframe)),
            2,
            i,
            "Authorized timeframe",
            a.timeframe,
            "is not 'dddd - dddd'",
        )
        need(set(a.sectors) <= SECTORS, 2, i, "Sector(s)", a.sectors, "are not all in 15(b)")
        need(
            set(a.activity_types) <= ACTIVITY_TYPES,
            2,
            i,
            "Activity type(s)",
            a.activity_types,
            "are not all in 51(b)",
        )
        need(
            all(_PARTY.match(p) for p in a.authorized_parties),
            2,
            i,
            "Authorized Party(ies) ID",
            a.authorized_parties,
            "are not all alpha-3 codes",
        )
    for i, r in enumerate(report.actions):
        kind = _TYPES.get(r.action_type)
        need(kind is not None, 3, i, "Action type", r.action_type, "is not in 25(b)")
        sub = None if r.action_subtype is None else _SUBTYPES.get(r.action_subtype)
        known_sub = r.action_subtype is None or sub is not None
        need(known_sub, 3, i, "Action subtype", r.action_subtype, "is not in 26(b)")
        if kind is not None and known_sub:
            need(
                sub in ALLOWED_SUBTYPES[kind],
                3,
                i,
                "Action subtype",
                r.action_subtype,
                f"is not a subtype of {r.action_type!r}",
            )
        c.ids(3, i, r)
        for column, value in (
            ("Transferring participating Party ID", r.transferring_party),
            ("Acquiring participating Party ID", r.acquiring_party),
            ("Using/cancelling participating Party ID", r.using_party),
        ):
            need(
                value is None or bool(_PARTY.match(value)),
                3,
                i,
                column,
                value,
                "is not an alpha-3 code",
            )
    for i, h in enumerate(report.holdings):
        c.ids(4, i, h)
    for i, e in enumerate(report.entities):
        need(
            bool(_PARTY.match(e.country)),
            5,
            i,
            "Country of incorporation",
            e.country,
            "is not an alpha-3 code",
        )
        need(
            bool(_APPROACH.match(e.cooperative_approach)),
            5,
            i,
            "Cooperative approach ID",
            e.cooperative_approach,
            "is not CANNNN",
        )
    return tuple(c.problems)


# --------------------------------------------------------------------------- authorizations


def _authorizations(
    report: AefReport, known: Iterable[AuthorizationRow]
) -> dict[str, list[AuthorizationRow]]:
    out: dict[str, list[AuthorizationRow]] = {}
    for a in (*known, *report.authorizations):
        out.setdefault(a.authorization_id, []).append(a)
    for rows in out.values():
        rows.sort(key=lambda a: (a.version, a.date))
    return out


def _governing(rows: list[AuthorizationRow], on: dt.date) -> AuthorizationRow:
    """The newest version dated on or before ``on`` (else the first)."""
    dated = [a for a in rows if a.date <= on]
    return dated[-1] if dated else rows[0]


def check_c02(
    report: AefReport, known_authorizations: Iterable[AuthorizationRow] = ()
) -> tuple[Problem, ...]:
    """Every Table 3/4 Authorization ID is in Table 2 (this or an earlier or another submission)."""
    auths = _authorizations(report, known_authorizations)
    out: list[Problem] = []
    rows: list[tuple[int, int, ActionRow | HoldingRow]] = [
        *((3, i, r) for i, r in enumerate(report.actions)),
        *((4, i, h) for i, h in enumerate(report.holdings)),
    ]
    for table, i, r in rows:
        where = _where(table, i, "Authorization ID")
        found = auths.get(r.authorization_id)
        if not found:
            out.append(_problem("C02", f"{where}: {r.authorization_id!r} is in no Table 2", where))
        elif all(a.cooperative_approach != r.cooperative_approach for a in found):
            out.append(
                _problem(
                    "C02",
                    f"{where}: {r.authorization_id!r} belongs to another cooperative approach "
                    f"than {r.cooperative_approach}",
                    where,
                )
            )
    return tuple(out)


def _is_oimp_use(r: ActionRow) -> bool:
    return (
        r.action_type == ActionType.FIRST_TRANSFER.value
        and r.action_subtype == ActionSubtype.USE_OR_CANCELLATION.value
    ) or (r.action_type == ActionType.USE.value and r.ndc_year is None and r.purpose is not None)


def check_c03(
    report: AefReport, known_authorizations: Iterable[AuthorizationRow] = ()
) -> tuple[Problem, ...]:
    """Uses toward the NDC need NDC among the purposes; OIMP uses need OIMP, IMP or OP."""
    auths = _authorizations(report, known_authorizations)
    out: list[Problem] = []
    for i, r in enumerate(report.actions):
        rows = auths.get(r.authorization_id)
        if not rows:
            continue  # C02
        purposes = _governing(rows, r.action_date).purposes
        where = _where(3, i, "Action type")
        if r.action_type == ActionType.USE.value and r.ndc_year is not None:
            if "NDC" not in purposes:
                out.append(
                    _problem(
                        "C03", f"{where}: use toward the NDC under purposes {purposes!r}", where
                    )
                )
        elif _is_oimp_use(r) and purposes == "NDC":
            out.append(_problem("C03", f"{where}: use for OIMP under purposes 'NDC'", where))
    return tuple(out)


def check_c04(
    report: AefReport,
    known_authorizations: Iterable[AuthorizationRow] = (),
    earlier_actions: Iterable[ActionRow] = (),
) -> tuple[Problem, ...]:
    """Cumulative first transfers within the authorized quantity; action years in the timeframe."""
    auths = _authorizations(report, known_authorizations)
    out: list[Problem] = []
    totals: dict[str, int] = {}
    for r in earlier_actions:
        if r.action_type == ActionType.FIRST_TRANSFER.value:
            totals[r.authorization_id] = totals.get(r.authorization_id, 0) + r.quantity
    for i, r in sorted(enumerate(report.actions), key=lambda p: p[1].action_date):
        rows = auths.get(r.authorization_id)
        if not rows or r.action_type == ActionType.AUTHORIZATION.value:
            continue
        auth = _governing(rows, r.action_date)
        where = _where(3, i, "Quantity (t CO2 eq)")
        if r.action_type == ActionType.FIRST_TRANSFER.value:
            totals[r.authorization_id] = totals.get(r.authorization_id, 0) + r.quantity
            cap = auth.authorized_quantity
            if cap is not None and totals[r.authorization_id] > cap:
                out.append(
                    _problem(
                        "C04",
                        f"{where}: {totals[r.authorization_id]} first transferred under "
                        f"{r.authorization_id} exceeds the authorized quantity {cap}",
                        where,
                    )
                )
        if auth.timeframe and _TIMEFRAME.match(auth.timeframe):
            first, last = (int(y) for y in auth.timeframe.split(" - "))
            if not first <= r.action_date.year <= last:
                out.append(
                    _problem(
                        "C04",
                        f"{_where(3, i, 'Action date')}: {r.action_date.isoformat()} is outside "
                        f"the authorized timeframe {auth.timeframe} of {r.authorization_id}",
                        _where(3, i, "Action date"),
                    )
                )
    return tuple(out)


def check_c05(
    report: AefReport, known_authorizations: Iterable[AuthorizationRow] = ()
) -> tuple[Problem, ...]:
    """No first transfer or transfer before the authorization date (unless on Authorisation)."""
    auths = _authorizations(report, known_authorizations)
    out: list[Problem] = []
    for i, r in enumerate(report.actions):
        rows = auths.get(r.authorization_id)
        if not rows or r.action_type not in ("First transfer", "Transfer"):
            continue
        first = rows[0]
        if first.first_transfer_definition == FirstTransferDefinition.AUTHORISATION.value:
            continue
        if r.action_date < first.date:
            where = _where(3, i, "Action date")
            out.append(
                _problem(
                    "C05",
                    f"{where}: {r.action_type} on {r.action_date.isoformat()} precedes the date "
                    f"of authorization {r.authorization_id} ({first.date.isoformat()})",
                    where,
                )
            )
    return tuple(out)


class _IntervalSet:
    """Disjoint inclusive integer ranges, sorted, each with the label of its first part."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.labels: list[str] = []

    def _span(self, a: int, b: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, a) - 1
        if i < 0 or self.ends[i] < a:
            i += 1
        return i, bisect.bisect_right(self.starts, b)

    def find(self, a: int, b: int) -> str | None:
        """The label of a range overlapping ``a..b``, or ``None``."""
        i, j = self._span(a, b)
        return self.labels[i] if j > i else None

    def add(self, a: int, b: int, label: str = "") -> None:
        """Add ``a..b``, merging it with the ranges it overlaps or touches."""
        i, j = self._span(a - 1, b + 1)
        if j > i:
            a, b, label = min(a, self.starts[i]), max(b, self.ends[j - 1]), self.labels[i]
        self.starts[i:j], self.ends[i:j], self.labels[i:j] = [a], [b], [label]

    def remove(self, a: int, b: int) -> None:
        """Remove ``a..b`` wherever it is held."""
        i, j = self._span(a, b)
        starts: list[int] = []
        ends: list[int] = []
        labels: list[str] = []
        for k in range(i, j):
            if self.starts[k] < a:
                starts.append(self.starts[k])
                ends.append(a - 1)
                labels.append(self.labels[k])
            if self.ends[k] > b:
                starts.append(b + 1)
                ends.append(self.ends[k])
                labels.append(self.labels[k])
        self.starts[i:j], self.ends[i:j], self.labels[i:j] = starts, ends, labels

    def ranges(self) -> tuple[tuple[int, int], ...]:
        """The ranges, in order."""
        return tuple(zip(self.starts, self.ends, strict=True))


def _overlaps(
    rows: Iterable[tuple[str, ItmoBlock]],
) -> list[tuple[str, str, ItmoBlock]]:
    """Pairs of rows whose ID ranges overlap, found by one sweep per key (sorted by start)."""
    by_key: dict[tuple[str, str, str, int], list[tuple[int, int, str, ItmoBlock]]] = {}
    for n, (where, b) in enumerate(rows):
        by_key.setdefault(b.key, []).append((b.start, n, where, b))
    clashes = []
    for items in by_key.values():
        items.sort()
        reach, reach_where = 0, ""
        for start, _n, where, b in items:
            if start <= reach:
                clashes.append((where, reach_where, b))
            if b.end > reach:
                reach, reach_where = b.end, where
    return clashes


def check_c06(report: AefReport, earlier_actions: Iterable[ActionRow] = ()) -> tuple[Problem, ...]:
    """Table 4 ID ranges do not overlap; an ID is first transferred at most once ever."""
    out: list[Problem] = []
    held = [
        (_where(4, i, "First ID"), b) for i, h in enumerate(report.holdings) if (b := _block(h))
    ]
    for where, other, b in _overlaps(held):
        out.append(_problem("C06", f"{where}: range {b} overlaps {other}", where, str(b)))
    firsts = [
        ("an earlier submission", b)
        for r in earlier_actions
        if r.action_type == ActionType.FIRST_TRANSFER.value and (b := _block(r))
    ] + [
        (_where(3, i, "First ID"), b)
        for i, r in enumerate(report.actions)
        if r.action_type == ActionType.FIRST_TRANSFER.value and (b := _block(r))
    ]
    for where, other, b in _overlaps(firsts):
        out.append(
            _problem(
                "C06", f"{where}: IDs {b} were first transferred already ({other})", where, str(b)
            )
        )
    return tuple(out)


def _terminal(r: ActionRow) -> bool:
    return r.action_type in _TERMINAL_TYPES or (
        r.action_type == ActionType.FIRST_TRANSFER.value and r.action_subtype in _TERMINAL_FT
    )


def check_c07(report: AefReport, earlier_actions: Iterable[ActionRow] = ()) -> tuple[Problem, ...]:
    """No action on IDs already used or cancelled (no double use, no double cancellation)."""
    out: list[Problem] = []
    spent: dict[tuple[str, str, str, int], _IntervalSet] = {}
    for r in earlier_actions:
        b = _block(r)
        if _terminal(r) and b is not None:
            spent.setdefault(b.key, _IntervalSet()).add(b.start, b.end, "an earlier submission")
    order = sorted(enumerate(report.actions), key=lambda p: p[1].action_date)
    for i, r in order:
        b = _block(r)
        if b is None:
            continue
        where = _where(3, i, "First ID")
        ranges = spent.setdefault(b.key, _IntervalSet())
        other = ranges.find(b.start, b.end)
        if other is not None:
            out.append(
                _problem(
                    "C07",
                    f"{where}: {r.action_type} on IDs {b} already used or cancelled ({other})",
                    where,
                    str(b),
                )
            )
        if _terminal(r):
            ranges.add(b.start, b.end, where)
    return tuple(out)


def check_c08(
    report: AefReport, counterparts: Iterable[AefReport] = (), tolerance_days: int = 7
) -> tuple[Problem, ...]:
    """A Party's first transfers and transfers match the acquiring Party's acquisitions.

    Only counterparts whose report is given can be compared; dates may differ by at most
    ``tolerance_days`` [d] (a tolerance of the engine [I]).
    """
    others = {c.party: c for c in counterparts if c.year == report.year}
    out: list[Problem] = []

    def matches(a: ActionRow, b: ActionRow) -> bool:
        return (a.first_id, a.last_id, a.quantity) == (b.first_id, b.last_id, b.quantity) and abs(
            (a.action_date - b.action_date).days
        ) <= tolerance_days

    for i, r in enumerate(report.actions):
        outgoing = r.action_type == ActionType.TRANSFER.value or (
            r.action_type == ActionType.FIRST_TRANSFER.value
            and r.action_subtype == ActionSubtype.FIRST_TRANSFER_TO_ANOTHER_PARTY.value
        )
        where = _where(3, i, "First ID")
        if outgoing and r.acquiring_party in others:
            mirror = [
                a
                for a in others[r.acquiring_party].actions
                if a.action_type == ActionType.ACQUISITION.value
                and a.transferring_party == report.party
            ]
            if not any(matches(r, a) for a in mirror):
                out.append(
                    _problem(
                        "C08",
                        f"{where}: {r.action_type} of {r.first_id}..{r.last_id} to "
                        f"{r.acquiring_party} has no matching Acquisition in its report",
                        where,
                    )
                )
        if r.action_type == ActionType.ACQUISITION.value and r.transferring_party in others:
            mirror = [
                a
                for a in others[r.transferring_party].actions
                if a.action_type in ("First transfer", "Transfer")
                and a.acquiring_party == report.party
            ]
            if not any(matches(r, a) for a in mirror):
                out.append(
                    _problem(
                        "C08",
                        f"{where}: Acquisition of {r.first_id}..{r.last_id} from "
                        f"{r.transferring_party} has no matching transfer in its report",
                        where,
                    )
                )
    return tuple(out)


# --------------------------------------------------------------------------- C09


def _adds(r: ActionRow) -> bool:
    return r.action_type in (ActionType.ACQUISITION.value, ActionType.AUTHORIZATION.value)


def _removes(r: ActionRow) -> bool:
    if r.action_type == ActionType.FIRST_TRANSFER.value:
        return r.action_subtype in _REMOVING_FT
    return r.action_type in ("Transfer", "Use", "Cancellation", "Voluntary Cancellation")


Key = tuple[str, str, str, int]


def check_c09(
    report: AefReport, previous_holdings: Iterable[HoldingRow] | None
) -> tuple[Problem, ...]:
    """Holdings roll forward per ID range: H(31 Dec t−1) + in − out = H(31 Dec t).

    ``previous_holdings`` is last year's Table 4 (``()`` for a Party's first year); ``None``
    skips the check.
    """
    if previous_holdings is None:
        return ()
    sets: dict[Key, _IntervalSet] = {}
    for h in previous_holdings:
        b = _block(h)
        if b is not None:
            sets.setdefault(b.key, _IntervalSet()).add(b.start, b.end)
    for r in sorted(report.actions, key=lambda r: r.action_date):
        b = _block(r)
        if b is None:
            continue
        if _adds(r):
            sets.setdefault(b.key, _IntervalSet()).add(b.start, b.end)
        elif _removes(r) and b.key in sets:
            sets[b.key].remove(b.start, b.end)
    expected = {k: v.ranges() for k, v in sets.items()}
    actual_rows: dict[Key, list[HoldingRow]] = {}
    for h in report.holdings:
        b = _block(h)
        if b is not None:
            actual_rows.setdefault(b.key, []).append(h)
    out: list[Problem] = []
    for key in sorted(set(expected) | set(actual_rows)):
        want = tuple(r for r in expected.get(key, ()) if r)
        rows = actual_rows.get(key, [])
        have = merge_ranges((b.start, b.end) for h in rows if (b := _block(h)) is not None)
        want_qty = sum(b - a + 1 for a, b in want)
        have_qty = sum(h.quantity for h in rows)
        subject = f"{key[0]}-{key[1]}-{key[2]}-*-{key[3]}"
        if want != have or want_qty != have_qty:
            missing = _subtract(want, have)
            extra = _subtract(have, want)
            out.append(
                _problem(
                    "C09",
                    f"holdings of {subject} do not roll forward: expected "
                    f"{_ranges_text(want)} ({want_qty}), Table 4 has {_ranges_text(have)} "
                    f"({have_qty}); missing {_ranges_text(missing)}, extra {_ranges_text(extra)}",
                    "Table 4 Holdings",
                    subject,
                )
            )
    return tuple(out)


# --------------------------------------------------------------------------- C10–C12


def check_c10(report: AefReport) -> tuple[Problem, ...]:
    """Uses toward the NDC: the NDC year lies in an NDC period of the Party, and the vintage in
    that same period.

    The periods are the report's ``ndc_periods`` (all of the Party's), else Table 1's: a use
    early in a period may still count toward the previous one (Japan retires toward its 2030 NDC
    in 2031), so the reported year's period alone does not decide.
    """
    s = report.submission
    periods = report.ndc_periods or (
        ((s.ndc_first_year, s.ndc_last_year),)
        if s.ndc_first_year is not None and s.ndc_last_year is not None
        else ()
    )
    out: list[Problem] = []
    for i, r in enumerate(report.actions):
        if r.action_type != ActionType.USE.value or r.ndc_year is None:
            continue
        year_column = "Calendar year for which the ITMOs are used towards the Party's NDC"
        period = next((p for p in periods if p[0] <= r.ndc_year <= p[1]), None)
        if period is None:
            where = _where(3, i, year_column)
            shown = ", ".join(f"{a}-{b}" for a, b in periods) or "none"
            out.append(
                _problem(
                    "C10",
                    f"{where}: NDC year {r.ndc_year} outside the NDC periods ({shown})",
                    where,
                )
            )
            continue
        first, last = period
        if not first <= r.vintage <= last:
            where = _where(3, i, "Vintage")
            out.append(
                _problem(
                    "C10",
                    f"{where}: vintage {r.vintage} outside {first}-{last}, the period of NDC year "
                    f"{r.ndc_year}",
                    where,
                )
            )
    return tuple(out)


def check_c11(report: AefReport) -> tuple[Problem, ...]:
    """Quantity (t CO2 eq) equals Last ID − First ID + 1 (GHG metric)."""
    out: list[Problem] = []
    rows: list[tuple[int, int, ActionRow | HoldingRow]] = [
        *((3, i, r) for i, r in enumerate(report.actions)),
        *((4, i, h) for i, h in enumerate(report.holdings)),
    ]
    for table, i, r in rows:
        b = _block(r)
        if b is None or r.metric != "GHG":
            continue
        if r.quantity != b.quantity:
            where = _where(table, i, "Quantity (t CO2 eq)")
            out.append(
                _problem(
                    "C11",
                    f"{where}: {r.quantity} differs from Last ID - First ID + 1 = {b.quantity}",
                    where,
                )
            )
    return tuple(out)


def check_c12(report: AefReport) -> tuple[Problem, ...]:
    """Conditional fields are NA where they do not apply and present where required (§8.2)."""
    out: list[Problem] = []

    def flag(table: int, i: int, column: str, rule: str) -> None:
        where = _where(table, i, column)
        out.append(_problem("C12", f"{where}: {rule}", where))

    for i, a in enumerate(report.authorizations):
        if not a.sectors:
            flag(2, i, "Sector(s)", "required (nomenclature 15(b))")
        oimp = a.purposes != "NDC"
        if oimp and not a.oimp:
            flag(2, i, "OIMP authorized by the Party", "required when the purposes cover OIMP")
        if oimp != (a.first_transfer_definition is not None):
            flag(2, i, "First transfer definition for OIMP", "present exactly when OIMP is covered")
        if (a.metric == "non-GHG") != (a.non_ghg_metric is not None):
            flag(2, i, "Applicable non-GHG metric", "present exactly for the non-GHG metric")
    for i, r in enumerate(report.actions):
        acquisition = r.action_type == ActionType.ACQUISITION.value
        outgoing = r.action_type == ActionType.TRANSFER.value or (
            r.action_type == ActionType.FIRST_TRANSFER.value
            and r.action_subtype == ActionSubtype.FIRST_TRANSFER_TO_ANOTHER_PARTY.value
        )
        if acquisition != (r.transferring_party is not None):
            flag(3, i, "Transferring participating Party ID", "present only for Acquisition")
        if outgoing != (r.acquiring_party is not None):
            flag(
                3,
                i,
                "Acquiring participating Party ID",
                "present only for a first transfer to another Party or a transfer",
            )
        if r.ndc_year is not None and r.action_type != ActionType.USE.value:
            flag(
                3,
                i,
                "Calendar year for which the ITMOs are used towards the Party's NDC",
                "present only for Use",
            )
        if r.action_type == ActionType.USE.value and r.ndc_year is None and r.purpose is None:
            flag(
                3,
                i,
                "Calendar year for which the ITMOs are used towards the Party's NDC",
                "a use names its NDC year or its OIMP purpose",
            )
        if r.purpose is not None and r.action_type not in (
            "Use",
            "First transfer",
            "Cancellation",
            "Voluntary Cancellation",
        ):
            flag(
                3,
                i,
                "Purpose for which the ITMO has been used towards or cancelled for OIMP",
                "present only for Use, First transfer or Cancellation",
            )
        if (r.metric == "non-GHG") != (r.non_ghg_metric is not None):
            flag(3, i, "Applicable non-GHG metric", "present exactly for the non-GHG metric")
    return tuple(out)


# --------------------------------------------------------------------------- all


def check_aef(
    report: AefReport,
    *,
    previous_holdings: Iterable[HoldingRow] | None = None,
    known_authorizations: Iterable[AuthorizationRow] = (),
    earlier_actions: Iterable[ActionRow] = (),
    counterparts: Iterable[AefReport] = (),
    tolerance_days: int = 7,
) -> ProblemGroup:
    """Run C01–C12 on ``report`` and return every problem found, in check order.

    Parameters
    ----------
    report
        The submission to check.
    previous_holdings
        Last year's Table 4 (``()`` for a first year; ``None`` skips C09).
    known_authorizations
        Table 2 rows of earlier submissions and of other Parties (for C02–C05).
    earlier_actions
        Table 3 rows of the Party's earlier submissions (for C04, C06, C07).
    counterparts
        Other Parties' reports of the same year (for C08).
    tolerance_days
        Largest date difference accepted by the mirror check [d].
    """
    known = tuple(known_authorizations)
    earlier = tuple(earlier_actions)
    problems = (
        *check_c01(report),
        *check_c02(report, known),
        *check_c03(report, known),
        *check_c04(report, known, earlier),
        *check_c05(report, known),
        *check_c06(report, earlier),
        *check_c07(report, earlier),
        *check_c08(report, counterparts, tolerance_days),
        *check_c09(report, previous_holdings),
        *check_c10(report),
        *check_c11(report),
        *check_c12(report),
    )
    return ProblemGroup(problems)
