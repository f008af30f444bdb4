"""The demo's text report: a summary, then numbered sections of aligned tables whose totals add up.

Every figure comes from :class:`jcm.demo.figures.DemoFigures`, which is read from the registry.
Amounts of credits are whole tCO2e with thousands separators, fees are JPY, and exact Article 6
amounts are rounded for display only. Codes the registry uses inside (account kinds, request
types, ISO country codes) are written in words (:mod:`jcm.demo.labels`); ids a reader may type
later (``JPN01``, ``JP-BUYER``, ``DEMO-PH01``) stay, next to the words. Tables are plain text: a
header, a rule, rows (numbers right-aligned), so the report reads well in a terminal and is easy
to check by machine.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from fractions import Fraction
from typing import Final

from jcm.core.party import JAPAN
from jcm.demo.figures import DemoFigures, FlowFigures, MoveFigures, Refusal, display
from jcm.demo.labels import (
    account_kind,
    countries_in_text,
    country,
    country_in_text,
    registry_label,
    request_label,
    shk_reason,
)
from jcm.demo.scenario import FROZEN_TRANSFER, PRINCIPALS
from jcm.errors import Problem, Severity

__all__ = ["render", "table"]

_INDENT: Final = "  "
_WHO: Final = {principal: description for principal, _, _, description in PRINCIPALS}
"""What each principal of the demo is, in words."""
_PURPOSES: Final = {"NDC": "use toward an NDC", "OIMP": "other international mitigation purposes"}


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


def _heading(title: str, number: int | None = None) -> list[str]:
    heading = title if number is None else f"{number}. {title}"
    return ["", heading, "-" * len(heading)]


def _indent(lines: list[str]) -> list[str]:
    return [_INDENT + line if line else line for line in lines]


def _count(n: int) -> str:
    return ("no", "one", "two", "three", "four", "five")[n] if n <= 5 else f"{n:,}"


def _who(principal: str) -> str:
    return _WHO.get(principal, principal)


def _party_of(f: DemoFigures, registry_id: str) -> str:
    return next((p.party for p in f.parties if p.registry == registry_id), registry_id)


def _registry(f: DemoFigures, registry_id: str) -> str:
    party = next((p for p in f.parties if p.registry == registry_id), None)
    return registry_id if party is None else registry_label(party.party, registry_id)


def _header(f: DemoFigures, db: str) -> list[str]:
    title = "jcm demo: Japan's Joint Crediting Mechanism, end to end"
    span = ""
    if f.first_at is not None and f.last_at is not None:
        span = f" from {f.first_at.date().isoformat()} to {f.last_at.date().isoformat()} (UTC)"
    partners = [p.party for p in f.parties if p.party != JAPAN]
    return [
        title,
        "=" * len(title),
        f"Registry file: {db}",
        f"Journal: {f.entries:,} entries{span}, imported by the operator with their dates.",
        *textwrap.wrap(
            f"One engine holds the registries of Japan and {_count(len(partners))} partner "
            f"countries ({countries_in_text(partners)}); every change is a request checked "
            "against the rules and recorded in one hash-chained journal.",
            96,
        ),
        "Quantities are in tCO2e (one credit is one tonne of CO2 equivalent); fees are in JPY.",
    ]


def _summary(f: DemoFigures) -> list[str]:
    hosts = list(dict.fromkeys(p.partner for p in f.projects))
    verified = sum(p.verified for p in f.periods)
    in_japan = sum(i.issued for i in f.issued if i.party == JAPAN)
    held = sum(x.held for x in f.flows)
    retired = sum(x.retired for x in f.flows)
    cancelled = sum(x.cancelled for x in f.flows)
    lines = [
        ("Projects", f"{_count(len(f.projects))}, hosted by {countries_in_text(hosts)}"),
        ("Reductions", f"{verified:,} tCO2e verified over {len(f.periods)} monitoring periods"),
        (
            "Credits issued",
            f"{f.issued_total:,}: {in_japan:,} into Japan's registry, "
            f"{f.issued_total - in_japan:,} into the partners' registries",
        ),
        (
            "Where they are",
            f"{held:,} held, {retired:,} retired toward Japan's NDC, {cancelled:,} cancelled",
        ),
    ]
    for m in f.moves:
        if m.international:
            lines.append(
                (
                    "Moved abroad",
                    f"{m.quantity:,} from {_registry(f, m.source_registry)} to "
                    f"{_registry(f, m.target_registry)}",
                )
            )
    japan = next((a for a in f.adjustments if a.party == JAPAN and a.credits), None)
    if japan is not None:
        first, last = japan.ndc_period
        mirror = countries_in_text([p for p, _ in japan.by_counterpart])
        lines.append(
            (
                "Adjustment",
                f"Japan subtracts {display(japan.amount)} tCO2e from its {last} emissions "
                f"({display(japan.credits)} retired, averaged over {first}-{last}); "
                f"{mirror} adds as much",
            )
        )
    checked = f.aef.checks
    found = sum(len(problems) for _, _, problems in checked)
    years = sorted({y for _, y, _ in checked})
    span = f"{years[0]}-{years[-1]}" if years else "-"
    lines.append(
        (
            "AEF checks",
            f"{'no problems' if not found else f'{found} problem(s)'} in {len(checked)} AEFs "
            f"({len(f.parties)} Parties x {span}, checks C01-C12)",
        )
    )
    lines.append(
        ("Audit", "the journal verifies clean" if not f.problems else f"{len(f.problems)} problems")
    )
    width = max(len(label) for label, _ in lines) + 2
    out = []
    for label, text in lines:
        out += textwrap.wrap(
            text, 96, initial_indent=f"{label + ':':<{width}}", subsequent_indent=" " * width
        )
    return _heading("At a glance") + _indent(out)


def _parties(f: DemoFigures) -> list[str]:
    rows = [
        (country(p.party), registry_label(p.party, p.registry), p.administrator, p.accounts)
        for p in f.parties
    ]
    return _heading("Parties and their registries", 1) + _indent(
        table(("Country", "Registry", "Administrator", "Accounts"), rows)
    )


def _allocation(lines: Sequence[tuple[str, str, str]]) -> str:
    """The shares by country: ``Japan 60%, Philippines 40%``."""
    by_party: dict[str, float] = {}
    for party, _account, share in lines:
        by_party[party] = by_party.get(party, 0.0) + float(share)
    return ", ".join(f"{country(party)} {total:g}%" for party, total in by_party.items())


def _projects(f: DemoFigures) -> list[str]:
    rows = [
        (p.project, country(p.partner), p.methodology, p.state, _allocation(p.allocation))
        for p in f.projects
    ]
    lines = table(("Project", "Host country", "Methodology", "State", "Credit allocation"), rows)
    lines.append("")
    lines += [f"{p.project}: {p.title}" for p in f.projects]
    lines.append("")
    lines.append(
        "Each went through PIN, no objection, PDD, public input (30 days), validation and "
        "registration."
    )
    lines.append("The credit allocation splits every issuance between the two countries' accounts.")
    return _heading("Projects", 2) + _indent(lines)


def _periods(f: DemoFigures) -> list[str]:
    rows = [
        (
            p.project,
            f"{p.period.start.isoformat()} to {p.period.end.isoformat()}",
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
        "Reference em.",
        "Project em.",
        "Reductions",
        "Credited",
        "Verified",
        "Decided per vintage",
    )
    lines = table(headers, rows)
    lines.append("")
    lines += [
        "[tCO2e] Calculated from the sample monitoring data shipped with jcm (jcm/demo/data) and",
        "attached to each monitoring report: reductions = reference emissions - project emissions",
        "(no leakage here); credited = reductions rounded down to whole tonnes; verified by the",
        "third-party entity; the Joint Committee decides the credits per vintage (calendar year).",
    ]
    return _heading("Monitoring, verification and issuance decisions", 3) + _indent(lines)


def _issued(f: DemoFigures) -> list[str]:
    lines: list[str] = []
    kinds = {a.account: a for a in f.accounts}
    for p in f.projects:
        mine = [i for i in f.issued if i.project == p.project]
        decided = sum(q for per in f.periods if per.project == p.project for _, q in per.decided)
        rows: list[tuple[object, ...]] = []
        for i in mine:
            account = kinds.get(i.account)
            holder = "-" if account is None else _who(account.holder)
            registry = "-" if account is None else registry_label(account.party, account.registry)
            rows.append((i.account, holder, registry, f"{i.share}%", i.issued))
        total = sum(i.issued for i in mine)
        lines.append(
            f"{p.project}, hosted by {country_in_text(p.partner)} (methodology {p.methodology}):"
        )
        lines += table(("Account", "Holder", "Registry", "Share", "Issued"), rows)
        lines.append(f"total issued {total:,} = decided by the Joint Committee {decided:,}")
        lines.append("")
    lines.append(
        "Each side issues its share into its own registry; issuing authorized credits into Japan's"
    )
    lines.append("registry is their first transfer to Japan (Article 6).")
    return _heading("Issuance by credit allocation [tCO2e]", 4) + _indent(lines)


def _note(f: DemoFigures, m: MoveFigures) -> str:
    if m.type == "freeze":
        return "disposal restriction recorded (no more debits)"
    if m.type == "unfreeze":
        return "disposal restriction released"
    if m.type == "request_certificate":
        balance = "-" if m.balance is None else f"{m.balance:,}"
        return f"certificate of the account's records (balance {balance})"
    notes = []
    if m.international:
        notes.append(
            f"international: {country(_party_of(f, m.source_registry))} to "
            f"{country(_party_of(f, m.target_registry))}"
        )
    if m.type == "retire":
        party = next((a.party for a in f.accounts if a.account == m.source), JAPAN)
        year = "" if m.ndc_year is None else f" ({m.ndc_year})"
        notes.append(f"toward {country_in_text(party)}'s NDC{year}")
        if m.beneficiary:
            notes.append(f"for {m.beneficiary}")
    if m.purpose:
        notes.append(f"purpose: {m.purpose}")
    return "; ".join(notes)


def _refusal(r: Refusal) -> list[str]:
    what = request_label(r.type)
    quantity = f" of {r.quantity:,} credits" if r.quantity else ""
    target = f" to {r.target}" if r.target else ""
    return [
        f"Refused on purpose: a {what}{quantity} from the frozen account {r.source}{target},",
        f"asked by {r.actor} after the freeze",
        f"  -> {r.code}: {r.message}",
        "  Nothing changed: no entry, no fee.",
    ]


def _moves(f: DemoFigures) -> list[str]:
    rows = [
        (
            m.on.isoformat(),
            request_label(m.type),
            m.source,
            m.target or "-",
            m.quantity if m.quantity else "-",
            m.fee,
            _note(f, m),
        )
        for m in f.moves
    ]
    lines = table(("Date", "Request", "Account", "To", "Credits", "Fee [JPY]", "Note"), rows)
    lines.append("")
    if f.refusal is not None:
        lines += _refusal(f.refusal)
    else:
        lines.append(
            f"NOT refused: {FROZEN_TRANSFER['type']} from the frozen account "
            f"{FROZEN_TRANSFER['from']} was accepted (an engine bug)."
        )
    return _heading("Transfers, retirement, cancellation, certificate, freeze", 5) + _indent(lines)


def _flow_row(f: DemoFigures, x: FlowFigures) -> tuple[object, ...]:
    check = "ok" if x.accounted == x.issued else f"MISMATCH ({x.accounted - x.issued:+,})"
    return (
        registry_label(x.party, x.registry),
        x.issued,
        x.held,
        x.held_elsewhere,
        x.retired,
        x.cancelled,
        check,
    )


def _flows(f: DemoFigures) -> list[str]:
    rows = [_flow_row(f, x) for x in f.flows]
    total = FlowFigures(
        "",
        "",
        sum(x.issued for x in f.flows),
        sum(x.held for x in f.flows),
        sum(x.held_elsewhere for x in f.flows),
        sum(x.retired for x in f.flows),
        sum(x.cancelled for x in f.flows),
    )
    rows.append(("All registries", *_flow_row(f, total)[1:]))
    headers = (
        "Issuing registry",
        "Issued",
        "Held",
        "of which abroad",
        "Retired",
        "Cancelled",
        "Issued = held + retired + cancelled",
    )
    lines = table(headers, rows)
    lines.append("")
    lines += [
        "Credits keep the serial numbers of the registry that issued them. Held: in a holding",
        "account, of which abroad: in an account of another Party's registry (an international",
        "transfer); retired: in a retirement account (used toward an NDC); cancelled: in a",
        "cancellation account. Retired and cancelled credits can never move again.",
    ]
    return _heading("Where the credits are, by issuing registry [tCO2e]", 6) + _indent(lines)


def _balances(f: DemoFigures) -> list[str]:
    rows = [
        (
            a.account,
            registry_label(a.party, a.registry),
            account_kind(a.kind) + (" (frozen)" if a.frozen else ""),
            _who(a.holder),
            a.balance,
        )
        for a in f.accounts
    ]
    lines = table(("Account", "Registry", "Kind", "Holder", "Balance"), rows)
    lines.append("")
    by_registry: dict[tuple[str, str], int] = {}
    for a in f.accounts:
        key = (a.party, a.registry)
        by_registry[key] = by_registry.get(key, 0) + a.balance
    lines += table(
        ("Registry", "Credits in its accounts"),
        [(registry_label(p, r), n) for (p, r), n in by_registry.items()],
    )
    lines.append(f"total in all accounts {f.held_total:,} = total issued {f.issued_total:,}")
    lines.append("(retired and cancelled credits stay in their accounts)")
    return _heading("Balances by account [tCO2e]", 7) + _indent(lines)


def _fees(f: DemoFigures) -> list[str]:
    rows = [(payer, _who(payer), fee) for payer, fee in f.fees]
    lines = table(("Payer", "Who", "Fees [JPY]"), rows)
    lines.append(f"total fees {f.fees_total:,} JPY")
    lines += [
        "Schedule from 2025-04-01: opening an entity holding account 14,400, a transfer to an",
        "entity account 2,500, a certificate 1,200; free to government, retirement and",
        "cancellation accounts, and before 2025-04-01. The amounts come from the government's",
        "2025 overview and are not yet confirmed elsewhere (docs/rules.md §5).",
    ]
    return _heading("Fees charged", 8) + _indent(lines)


def _amount(amount: Fraction) -> int | str:
    """An exact amount for a table: an int (right-aligned, separators) when whole."""
    return amount.numerator if amount.denominator == 1 else display(amount)


def _problems_cell(problems: Sequence[Problem]) -> str:
    if not problems:
        return "no problems"
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return f"{errors} error(s), {len(problems) - errors} warning(s)"


def _article6(f: DemoFigures) -> list[str]:
    rows = [
        (
            a.authorization,
            country(a.party),
            a.project,
            ", ".join(str(v) for v in a.vintages),
            ", ".join(_PURPOSES.get(p, p) for p in a.purposes),
            ", ".join(a.sectors) or "-",
            ", ".join(a.activity_types) or "-",
        )
        for a in f.authorizations
    ]
    lines = ["Authorizations (Article 6.3) by Japan and each host country:"]
    lines += table(
        ("Authorization", "Country", "Project", "Vintages", "Purpose", "Sectors", "Activity types"),
        rows,
    )
    lines.append("")
    lines.append("Corresponding adjustments (Article 6.2; averaging, docs/rules.md §7.5):")
    adj_rows = []
    for a in f.adjustments:
        first, last = a.ndc_period
        direction = "subtracted from" if a.subtracted else "added to"
        counterparts = ", ".join(f"{country(p)} {display(q)}" for p, q in a.by_counterpart)
        adj_rows.append(
            (
                country(a.party),
                f"{first}-{last}",
                _amount(a.credits),
                _amount(a.amount),
                f"{direction} its {last} emissions" if a.credits else "-",
                counterparts or "-",
            )
        )
    lines += table(
        ("Country", "NDC period", "Credits covered", "Adjustment", "Direction", "Counterpart"),
        adj_rows,
    )
    japan = next((a for a in f.adjustments if a.party == JAPAN), None)
    if japan is not None and japan.averaging:
        first, last = japan.ndc_period
        years = last - first + 1
        lines += textwrap.wrap(
            f"Japan: {display(japan.credits)} tCO2e of credits authorized by both countries, "
            f"first transferred to Japan and retired toward its NDC, averaged over the {years} "
            f"years {first}-{last}: {display(japan.credits)} / {years} = "
            f"{display(japan.amount)} tCO2e, subtracted from its {last} emissions; the host "
            "country of the credits adds as much to its own.",
            96,
        )
    lines.append("")
    aef = f.aef
    lines.append(
        f"AEF of {country(aef.party)} for {aef.year} (Article 6.2 agreed electronic format, "
        "docs/rules.md §8):"
    )
    lines += table(("Table", "Rows"), list(aef.tables))
    lines.append("(Table 2 lists only the authorizations given in the reported year.)")
    lines.append("")
    lines += table(("Action type", "Rows", "tCO2e"), list(aef.actions))
    lines.append("")
    checked_years = sorted({y for _, y, _ in aef.checks})
    lines.append("Consistency checks C01-C12 of every Party's AEF (docs/rules.md §7.8):")
    check_rows = []
    for p in f.parties:
        by_year = {y: problems for party, y, problems in aef.checks if party == p.party}
        check_rows.append(
            (country(p.party), *(_problems_cell(by_year.get(y, ())) for y in checked_years))
        )
    lines += table(("Country", *(str(y) for y in checked_years)), check_rows)
    for party, year, problems in aef.checks:
        for problem in problems:
            lines.append(f"  {country(party)} {year}: [{problem.code}] {problem.message}")
    return _heading("Article 6: authorizations, corresponding adjustments, AEF", 9) + _indent(lines)


def _shk(f: DemoFigures) -> list[str]:
    rows = [
        (
            u.on.isoformat(),
            u.company,
            request_label(u.route.value),
            u.block.project,
            str(u.block.vintage),
            u.block.serials.quantity,
        )
        for u in f.shk_uses
        if u.route.value == "retire"
    ]
    lines = ["Credits a company retired toward Japan's NDC for its SHK report:"]
    lines += table(("Date", "Company", "Route", "Project", "Vintage", "Credits"), rows)
    lines.append("")
    report = f.shk_holdings
    lines.append(f"Whether what {report.account} still holds counts for SHK (docs/rules.md §6.2):")
    lines += table(
        ("Serials", "Project", "Vintage", "Counts", "Route", "Why"),
        [
            (
                f"{b.serials.start:,}-{b.serials.end:,}",
                b.project,
                str(b.vintage),
                d.eligible,
                "-" if d.route is None else request_label(d.route.value),
                shk_reason(d.reason.value),
            )
            for b, d in report.blocks
        ],
    )
    return _heading("SHK use (Japan's reporting system)", 10) + _indent(lines)


def _audit(f: DemoFigures) -> list[str]:
    if not f.problems:
        lines = [
            "verify(): clean, 0 problems (hash chain, replay of every entry, conservation, "
            "serial uniqueness)."
        ]
    else:
        lines = [f"verify(): {len(f.problems)} problem(s):"]
        lines += [f"  [{p.code}] {p.message}" for p in f.problems]
    return _heading("Audit", 11) + _indent(lines)


def render(figures: DemoFigures, db: str) -> str:
    """The demo's report for ``figures`` of the registry in the file ``db``."""
    lines = _header(figures, db)
    for part in (
        _summary,
        _parties,
        _projects,
        _periods,
        _issued,
        _moves,
        _flows,
        _balances,
        _fees,
        _article6,
        _shk,
        _audit,
    ):
        lines += part(figures)
    return "\n".join(lines) + "\n"
