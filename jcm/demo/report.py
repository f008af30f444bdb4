"""The demo's text report: numbered sections of aligned tables, with totals that add up.

Every figure comes from :class:`jcm.demo.figures.DemoFigures`, which is read from the registry;
amounts of credits are whole tCO2e written with thousands separators, fees are JPY, and exact
Article 6 amounts are rounded for display only. Tables are plain text: a header, a rule, rows
(numbers right-aligned), so the report reads well in a terminal and is easy to check by machine.
"""

from __future__ import annotations

from collections.abc import Sequence

from jcm.article6.shk import ShkRoute
from jcm.demo.figures import DemoFigures, display
from jcm.demo.scenario import FROZEN_TRANSFER
from jcm.errors import Severity

__all__ = ["render", "table"]

_INDENT = "  "


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Lines of an aligned table: numbers right-aligned with separators, text left-aligned.

    Ints are written with thousands separators, floats with one decimal; a column of numbers
    (``"-"`` standing for none) is right-aligned.

    >>> for line in table(("Account", "Balance"), [("A", 1200), ("BB", 5), ("C", "-")]):
    ...     print(line)
    Account  Balance
    -------  -------
    A          1,200
    BB             5
    C              -
    """
    cells = [[_cell(c) for c in row] for row in rows]
    numeric = [
        bool(rows)
        and all(_is_number(row[i]) or row[i] == "-" for row in rows)
        and any(_is_number(row[i]) for row in rows)
        for i in range(len(headers))
    ]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)]


def _section(number: int, title: str) -> list[str]:
    heading = f"{number}. {title}"
    return ["", heading, "-" * len(heading)]


def _indent(lines: list[str]) -> list[str]:
    return [_INDENT + line if line else line for line in lines]


def _header(f: DemoFigures, db: str) -> list[str]:
    title = "jcm demo: Japan's Joint Crediting Mechanism, end to end"
    span = ""
    if f.first_at is not None and f.last_at is not None:
        span = f", {f.first_at.date().isoformat()} to {f.last_at.date().isoformat()} (UTC)"
    return [
        title,
        "=" * len(title),
        f"Registry file: {db}",
        f"Journal: {f.entries:,} entries{span}, imported by the operator with their dates.",
        "One engine holds the registries of Japan and three partners; every change is a request",
        "checked against the rules and recorded in one hash-chained journal.",
    ]


def _parties(f: DemoFigures) -> list[str]:
    rows = [(party, registry, admin, n) for party, registry, admin, n in f.parties]
    return _section(1, "Parties and their registries") + _indent(
        table(("Party", "Registry", "Administrator", "Accounts"), rows)
    )


def _projects(f: DemoFigures) -> list[str]:
    rows = [
        (
            p.project,
            p.partner,
            p.methodology,
            p.state,
            ", ".join(f"{account} {share}%" for _, account, share in p.allocation),
        )
        for p in f.projects
    ]
    lines = table(("Project", "Partner", "Methodology", "State", "Credit allocation"), rows)
    lines.append("")
    lines += [f"{p.project}: {p.title}" for p in f.projects]
    lines.append(
        "Each went through PIN, no objection, PDD, public input (30 days), validation and "
        "registration."
    )
    return _section(2, "Projects") + _indent(lines)


def _periods(f: DemoFigures) -> list[str]:
    rows = [
        (
            p.project,
            f"{p.period.start.isoformat()}..{p.period.end.isoformat()}",
            p.reference_emissions,
            p.project_emissions,
            p.emission_reductions_exact,
            p.calculated,
            p.verified,
            ", ".join(f"{year}: {q:,}" for year, q in p.decided),
        )
        for p in f.periods
    ]
    headers = (
        "Project",
        "Monitoring period",
        "Reference",
        "Project em.",
        "ER exact",
        "Credited",
        "Verified",
        "JC decision by vintage",
    )
    lines = table(headers, rows)
    lines.append("")
    lines.append(
        "[tCO2e] Calculated from the sample monitoring data shipped with jcm (jcm/demo/data), "
        "attached"
    )
    lines.append(
        "to each monitoring report; credited = floor of ER exact; verified by the third-party "
        "entity."
    )
    return _section(3, "Monitoring, verification and issuance decisions") + _indent(lines)


def _issued(f: DemoFigures) -> list[str]:
    lines: list[str] = []
    for p in f.projects:
        mine = [i for i in f.issued if i.project == p.project]
        decided = sum(q for per in f.periods if per.project == p.project for _, q in per.decided)
        rows: list[tuple[object, ...]] = [
            (i.account, i.party, f"{i.share}%", i.issued) for i in mine
        ]
        total = sum(i.issued for i in mine)
        lines.append(f"{p.project} ({p.methodology}, host {p.partner}):")
        lines += table(("Account", "Party", "Share", "Issued"), rows)
        lines.append(f"total issued {total:,} = decided by the Joint Committee {decided:,}")
        lines.append("")
    lines.append(
        "Each side issues its share into its own registry; issuing authorized credits into Japan's"
    )
    lines.append("registry is their first transfer to Japan.")
    return _section(4, "Issuance by credit allocation [tCO2e]") + _indent(lines)


def _moves(f: DemoFigures) -> list[str]:
    rows = [
        (
            m.on.isoformat(),
            m.type,
            m.source,
            m.target or "-",
            m.quantity if m.quantity else "-",
            m.fee,
            m.note,
        )
        for m in f.moves
    ]
    lines = table(("Date", "Request", "Account", "To", "Credits", "Fee [JPY]", "Note"), rows)
    lines.append("")
    if f.refusal is not None:
        lines.append(f"Refused: {f.refusal.request}")
        lines.append(f"  -> {f.refusal.code}: {f.refusal.message}")
        lines.append("  Nothing changed: no entry, no fee.")
    else:
        lines.append(
            f"NOT refused: {FROZEN_TRANSFER['type']} from the frozen account "
            f"{FROZEN_TRANSFER['from']} was accepted (an engine bug)."
        )
    return _section(5, "Transfers, retirement, cancellation, certificate, freeze") + _indent(lines)


def _balances(f: DemoFigures) -> list[str]:
    rows = [
        (
            a.account,
            a.registry,
            a.kind + (" (frozen)" if a.frozen else ""),
            a.holder,
            a.balance,
        )
        for a in f.accounts
    ]
    lines = table(("Account", "Registry", "Kind", "Holder", "Balance"), rows)
    lines.append("")
    by_registry: dict[str, int] = {}
    for a in f.accounts:
        by_registry[a.registry] = by_registry.get(a.registry, 0) + a.balance
    lines.append("held per registry: " + ", ".join(f"{r} {n:,}" for r, n in by_registry.items()))
    lines.append(
        f"total held {f.held_total:,} = total issued {f.issued_total:,} (conservation; retired "
        "and cancelled credits stay in their accounts)"
    )
    return _section(6, "Balances by account [tCO2e]") + _indent(lines)


def _fees(f: DemoFigures) -> list[str]:
    rows = [(payer, fee) for payer, fee in f.fees]
    lines = table(("Payer", "Fees [JPY]"), rows)
    lines.append(f"total fees {f.fees_total:,} JPY")
    lines.append(
        "Schedule of 2025-04-01 [SEED]: entity account 14,400, transfer to an entity account 2,500,"
    )
    lines.append(
        "certificate 1,200; free to government, retirement and cancellation accounts, and "
        "before 2025-04-01."
    )
    return _section(7, "Fees charged") + _indent(lines)


def _article6(f: DemoFigures) -> list[str]:
    rows = [
        (auth, party, project, ", ".join(str(v) for v in vintages), ", ".join(purposes))
        for auth, party, project, vintages, purposes in f.authorizations
    ]
    lines = ["Authorizations (Art. 6.3) by Japan and each host partner:"]
    lines += table(("Authorization", "Party", "Project", "Vintages", "Purposes"), rows)
    lines.append("")
    lines.append("Corresponding adjustments (averaging over the NDC period):")
    adj_rows = []
    for a in f.adjustments:
        first, last = a.ndc_period
        sign = "subtracted from" if a.subtracted else "added to"
        partners = ", ".join(f"{p} {display(q)}" for p, q in a.by_partner if q)
        adj_rows.append(
            (a.party, f"{first}-{last}", display(a.adjustment), f"{sign} emissions", partners)
        )
    lines += table(("Party", "NDC period", "Adjustment", "Direction", "By counterpart"), adj_rows)
    japan = next((a for a in f.adjustments if a.party == "JPN"), None)
    if japan is not None:
        first, last = japan.ndc_period
        years = last - first + 1
        lines.append(
            f"Japan: authorized credits first transferred to Japan and retired toward its NDC, "
            f"{display(japan.adjustment * years)} tCO2e, / {years} years = "
            f"{display(japan.adjustment)} tCO2e."
        )
    lines.append("")
    aef = f.aef
    lines.append(f"AEF of {aef.party} for {aef.year} (Article 6.2 agreed electronic format):")
    lines += table(("Table", "Rows"), list(aef.tables))
    lines.append("")
    lines += table(("Action type", "Rows", "tCO2e"), list(aef.actions))
    lines.append("")
    lines.append("Consistency checks C01-C12 of each reported year:")
    for year, problems in aef.checks:
        if not problems:
            lines.append(f"  {year}: no problems")
            continue
        errors = sum(p.severity is Severity.ERROR for p in problems)
        lines.append(
            f"  {year}: {errors} error(s), {len(problems) - errors} warning(s); first: "
            f"[{problems[0].code}] {problems[0].message}"
        )
    return _section(8, "Article 6: authorizations, corresponding adjustments, AEF") + _indent(lines)


def _shk(f: DemoFigures) -> list[str]:
    rows = [
        (
            u.on.isoformat(),
            u.company,
            u.route.value,
            u.block.project,
            str(u.block.vintage),
            u.block.serials.quantity,
        )
        for u in f.shk_uses
        if u.route is ShkRoute.RETIRE
    ]
    lines = ["Credits a company retired toward Japan's NDC for its SHK report (from the journal):"]
    lines += table(("Date", "Company", "Route", "Project", "Vintage", "Credits"), rows)
    lines.append("")
    report = f.shk_holdings
    lines.append(f"Eligibility of what {report.account} still holds:")
    lines += table(
        ("Serials", "Project", "Vintage", "Eligible", "Route", "Reason"),
        [
            (
                f"{b.serials.start}-{b.serials.end}",
                b.project,
                str(b.vintage),
                d.eligible,
                d.route.value if d.route else "-",
                d.reason.value,
            )
            for b, d in report.blocks
        ],
    )
    return _section(9, "SHK use (Japan's reporting system)") + _indent(lines)


def _audit(f: DemoFigures) -> list[str]:
    if not f.problems:
        lines = [
            "verify(): clean, 0 problems (hash chain, replay of every entry, conservation, "
            "serial uniqueness)."
        ]
    else:
        lines = [f"verify(): {len(f.problems)} problem(s):"]
        lines += [f"  [{p.code}] {p.message}" for p in f.problems]
    return _section(10, "Audit") + _indent(lines)


def render(figures: DemoFigures, db: str) -> str:
    """The demo's report for ``figures`` of the registry in the file ``db``."""
    lines = _header(figures, db)
    for part in (
        _parties,
        _projects,
        _periods,
        _issued,
        _moves,
        _balances,
        _fees,
        _article6,
        _shk,
        _audit,
    ):
        lines += part(figures)
    return "\n".join(lines) + "\n"
