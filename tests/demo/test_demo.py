"""Tests of ``jcm demo``: the report's figures against the registry reopened from its file."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from jcm.article6 import view
from jcm.article6.adjustment import corresponding_adjustment
from jcm.cli import main
from jcm.core.account import AccountKind
from jcm.demo import chart
from jcm.demo.labels import account_kind, country, registry_label
from jcm.demo.scenario import FROZEN_ACCOUNT, FROZEN_TRANSFER
from jcm.registry import Registry

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run ``jcm`` with ``argv``; return the exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


class Demo:
    """One run of ``jcm demo --db --plot`` into a temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.db = folder / "out" / "jcm-demo.sqlite"
        self.png = folder / "out" / "jcm-demo.png"
        self.status, self.out, self.err = run_cli(
            "demo", "--db", str(self.db), "--plot", str(self.png)
        )

    def section(self, number: int) -> list[str]:
        """The lines of the report's section ``number`` (without its heading)."""
        lines = self.out.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith(f"{number}. "))
        end = next(
            (i for i in range(start + 2, len(lines)) if re.match(r"^\d+\. ", lines[i])),
            len(lines),
        )
        return lines[start + 2 : end]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo, run once for the module."""
    return Demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def registry(demo: Demo) -> Iterator[Registry]:
    """The demo's registry, reopened from its file."""
    with Registry.open(demo.db) as reg:
        yield reg


def number(text: str) -> int:
    """An integer written with thousands separators."""
    return int(text.replace(",", ""))


def by_registry(registry: Registry) -> dict[str, dict[str, int]]:
    """Credits of each issuing registry by where they lie: holding, retirement, cancellation."""
    out: dict[str, dict[str, int]] = {}
    for account in registry.accounts():
        for block in registry.holdings(account.id):
            where = out.setdefault(block.registry, {})
            where[account.kind.value] = where.get(account.kind.value, 0) + block.serials.quantity
            if not account.kind.terminal and block.registry != account.registry:
                where["abroad"] = where.get("abroad", 0) + block.serials.quantity
    return out


def row(lines: list[str], first: str) -> list[str]:
    """The cells (split on runs of 2+ spaces) of the table row whose first cell is ``first``."""
    for line in lines:
        cells = re.split(r"\s{2,}", line.strip())
        if cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r}")


def test_demo_exits_zero_and_audit_is_clean(demo: Demo, registry: Registry) -> None:
    """Exits 0, reports a clean audit, and the reopened registry verifies clean."""
    assert demo.status == 0, demo.err
    assert registry.verify() == ()
    assert any("verify(): clean, 0 problems" in line for line in demo.section(11))


def test_balances_match_the_registry(demo: Demo, registry: Registry) -> None:
    """Reports every account's balance as the registry holds it, and totals that add up."""
    lines = demo.section(7)
    for account in registry.accounts():
        cells = row(lines, account.id)
        assert number(cells[-1]) == registry.balance(account.id)
        assert cells[1] == registry_label(account.party, account.registry)
        assert cells[2].removesuffix(" (frozen)") == account_kind(account.kind.value)
        assert cells[2].endswith(" (frozen)") == account.frozen
    total = next(line for line in lines if "total in all accounts" in line)
    held, issued = (number(n) for n in re.findall(r"total [a-z ]+ ([\d,]+)", total))
    assert held == issued == sum(registry.issued().values()) == sum(registry.balances().values())


def test_issued_per_project_is_the_sum_of_its_allocation(demo: Demo, registry: Registry) -> None:
    """Reports per project issued credits equal to the registry's and to the JC decisions."""
    lines = demo.section(4)
    for project in ("DEMO-PH01", "DEMO-VN01", "DEMO-CL01"):
        start = next(i for i, line in enumerate(lines) if line.strip().startswith(project))
        end = next(i for i in range(start, len(lines)) if "total issued" in lines[i])
        rows = [re.split(r"\s{2,}", line.strip()) for line in lines[start + 3 : end]]
        total, decided = (number(n) for n in re.findall(r"[\d,]{2,}", lines[end]))
        in_registry = sum(q for (_, p, _), q in registry.issued().items() if p == project)
        by_decision = sum(
            q for rec in registry.periods(project) for _, q in rec.quantities_by_vintage
        )
        assert sum(number(r[-1]) for r in rows) == total == in_registry == decided == by_decision
        shares = {a.account: a.share for a in registry.project(project).allocation}
        assert {r[0] for r in rows} == set(shares)


def test_fees_match_the_registry(demo: Demo, registry: Registry) -> None:
    """Reports each payer's fees and the total as the registry charged them."""
    lines = demo.section(8)
    payers = [p for p in registry.state.principals if registry.fees_paid(p)]
    assert payers
    for payer in payers:
        assert number(row(lines, payer)[-1]) == registry.fees_paid(payer)
    total = next(line for line in lines if line.strip().startswith("total fees"))
    assert number(total.split()[2]) == registry.fees_paid() > 0


def test_corresponding_adjustment_matches_the_retirements(demo: Demo, registry: Registry) -> None:
    """Reports Japan's adjustment as the retired credits averaged over the NDC period."""
    cells = row(demo.section(9), "Japan")
    expected = corresponding_adjustment(
        view.credit_positions(registry), "JPN", ndcs=view.ndcs(registry)
    )
    first, last = expected.ndc_period
    assert Fraction(number(cells[3])) == expected.adjustment
    assert number(cells[2]) == registry.balance("JPN-RET") == 1_500
    assert expected.adjustment == Fraction(registry.balance("JPN-RET"), last - first + 1) > 0
    assert cells[4] == f"subtracted from its {last} emissions"
    chile = row(demo.section(9), "Chile")
    assert (number(chile[2]), chile[4], chile[5]) == (
        1_500,
        f"added to its {last} emissions",
        "Japan 1,500",
    )


def test_every_aef_of_the_demo_is_without_problems(demo: Demo, registry: Registry) -> None:
    """Finds no problem of any severity in the AEF of every Party and year, and reports so."""
    years = sorted({e.at.astimezone(dt.UTC).year for e in registry.store.entries()})
    assert years == [2024, 2025, 2026]
    for party in registry.parties():
        for year in years:
            bundle = view.aef_bundle(registry, party.party, year, submitted_on=dt.date(2026, 11, 2))
            assert tuple(bundle.check()) == (), (party.party, year)
    lines = demo.section(9)
    header = next(
        i for i, line in enumerate(lines) if line.split()[:1] == ["Country"] and "2024" in line
    )
    assert re.split(r"\s{2,}", lines[header].strip()) == ["Country", "2024", "2025", "2026"]
    for party in registry.parties():
        assert row(lines[header:], country(party.party))[1:] == ["no problems"] * 3
    assert "AEF checks:     no problems in 12 AEFs" in demo.out


def test_demo_authorizations_state_their_aef_classes(registry: Registry) -> None:
    """Records sectors and activity types on every authorization (AEF Table 2, check C12)."""
    authorizations = registry.authorizations()
    assert len(authorizations) == 6
    assert all(a.sectors and a.activity_types for a in authorizations)


def test_calculations_reach_the_monitoring_reports(demo: Demo, registry: Registry) -> None:
    """Reports per period the credited and verified reductions the registry recorded."""
    lines = demo.section(3)
    for project in ("DEMO-PH01", "DEMO-VN01", "DEMO-CL01"):
        for rec in registry.periods(project):
            span = f"{rec.period.start.isoformat()} to {rec.period.end.isoformat()}"
            cells = next(
                re.split(r"\s{2,}", line.strip())
                for line in lines
                if line.strip().startswith(project) and span in line
            )
            assert number(cells[5]) == rec.calculated_reductions
            assert number(cells[6]) == rec.verified_reductions == rec.decided_quantity


def test_transfer_from_frozen_account_is_refused(demo: Demo, registry: Registry) -> None:
    """Shows the transfer from the frozen account refused with FROZEN, and records nothing."""
    assert any("-> FROZEN:" in line for line in demo.section(5))
    assert any("Refused on purpose: a transfer of 100 credits" in line for line in demo.section(5))
    assert registry.account(FROZEN_ACCOUNT).frozen
    moves_from_frozen = [
        e
        for e in registry.store.entries()
        if e.request["type"] == "transfer" and e.request["from"] == FROZEN_TRANSFER["from"]
    ]
    assert moves_from_frozen == []


def test_flow_of_each_registry_adds_up(demo: Demo, registry: Registry) -> None:
    """Reports per issuing registry issued = held + retired + cancelled, as the registry has it."""
    lines = demo.section(6)
    issued: dict[str, int] = {}
    for (registry_id, _project, _vintage), quantity in registry.issued().items():
        issued[registry_id] = issued.get(registry_id, 0) + quantity
    where = by_registry(registry)
    for party in registry.parties():
        r = party.registry_id
        cells = row(lines, registry_label(party.party, r))
        got = [number(c) for c in cells[1:6]]
        held = where[r].get("entity_holding", 0) + where[r].get("government_holding", 0)
        expected = [
            issued[r],
            held,
            where[r].get("abroad", 0),
            where[r].get("retirement", 0),
            where[r].get("cancellation", 0),
        ]
        assert got == expected
        assert got[0] == got[1] + got[3] + got[4]
        assert cells[6] == "ok"
    total = [number(c) for c in row(lines, "All registries")[1:6]]
    assert total == [100_363, 97_863, 1_000, 1_500, 1_000]
    assert total[0] == sum(registry.balances().values())


def test_summary_matches_the_registry(demo: Demo, registry: Registry) -> None:
    """Sums up issued, held, retired and cancelled credits as the registry holds them."""
    kinds = {a.id: a.kind for a in registry.accounts()}
    balances = registry.balances()
    retired = sum(q for a, q in balances.items() if kinds[a] is AccountKind.RETIREMENT)
    cancelled = sum(q for a, q in balances.items() if kinds[a] is AccountKind.CANCELLATION)
    held = sum(balances.values()) - retired - cancelled
    in_japan = sum(q for (r, _, _), q in registry.issued().items() if r == "JPN01")
    total = sum(registry.issued().values())
    assert (
        f"Credits issued: {total:,}: {in_japan:,} into Japan's registry, "
        f"{total - in_japan:,} into the partners' registries"
    ) in demo.out
    assert (
        f"Where they are: {held:,} held, {retired:,} retired toward Japan's NDC, "
        f"{cancelled:,} cancelled"
    ) in demo.out


def test_report_names_countries_and_words_not_codes(demo: Demo, registry: Registry) -> None:
    """Names countries and their registries in words, and request types in words."""
    parties = demo.section(1)
    for party in registry.parties():
        cells = row(parties, country(party.party))
        assert cells[1] == registry_label(party.party, party.registry_id)
    assert row(parties, "Viet Nam")[1] == "Viet Nam's registry (VNM01)"
    assert row(parties, "Philippines")[1] == "the Philippines' registry (PHL01)"
    assert [row(demo.section(2), p)[1] for p in ("DEMO-PH01", "DEMO-VN01", "DEMO-CL01")] == [
        "Philippines",
        "Viet Nam",
        "Chile",
    ]
    moves = demo.section(5)
    requests = [re.split(r"\s{2,}", line.strip())[1] for line in moves[2:9]]
    assert requests == [
        "transfer",
        "transfer",
        "retirement",
        "transfer",
        "cancellation",
        "certificate",
        "freeze",
    ]
    assert row(moves, "2025-11-17")[-1] == "international: Viet Nam to Japan"
    assert "(SHK FY2025)" in row(moves, "2025-09-01")[-1]
    report = demo.out.split("\nExplore")[0]
    assert re.findall(r"(?<![-\w])(?:JPN|PHL|VNM|CHL)(?![-\w])", report) == []
    for code in ("request_certificate", "entity_holding", "government_holding", "INTL_COOP"):
        assert code not in report


def test_chart_is_a_png(demo: Demo) -> None:
    """Writes the chart as a PNG file."""
    assert demo.png.read_bytes()[:8] == PNG_MAGIC


def test_chart_tells_the_story_in_words(registry: Registry) -> None:
    """Draws three titled panels in tCO2e with thousands separators and country names."""
    pytest.importorskip("matplotlib")
    from jcm.demo.figures import gather
    from jcm.demo.scenario import BUYER_ACCOUNT

    figures = gather(
        registry,
        projects=["DEMO-PH01", "DEMO-VN01", "DEMO-CL01"],
        refusal=None,
        aef_party="JPN",
        aef_year=2025,
        shk_account=BUYER_ACCOUNT,
    )
    fig = chart.build_figure(figures)
    fig.canvas.draw()
    projects, flows, adjustments = fig.axes
    assert [ax.get_title(loc="left")[:1] for ax in fig.axes] == ["1", "2", "3"]
    assert all("tCO2e" in (ax.get_ylabel() + ax.get_xlabel()) for ax in fig.axes)
    assert projects.get_legend() is not None
    assert flows.get_legend() is not None
    ticks = [t.get_text() for t in projects.get_xticklabels()]
    assert [t.splitlines()[0] for t in ticks] == [
        "DEMO-PH01 \u00b7 Philippines",
        "DEMO-VN01 \u00b7 Viet Nam",
        "DEMO-CL01 \u00b7 Chile",
    ]
    assert any(t.get_text() == "50,000" for t in projects.get_yticklabels())
    assert next(t.get_text() for t in flows.get_yticklabels()) == "Japan's registry\n(JPN01)"
    texts = [t.get_text() for t in flows.texts]
    assert "70,146 issued = 67,646 held + 1,500 retired + 1,000 cancelled" in texts
    assert [t.get_text() for t in adjustments.get_yticklabels()] == [
        "Japan",
        "Philippines",
        "Viet Nam",
        "Chile",
    ]


def test_second_run_changes_nothing(demo: Demo, tmp_path: Path) -> None:
    """Runs again on the same file: records nothing and prints the same report."""
    with Registry.open(demo.db) as reg:
        before = (reg.last_entry, reg.state.last_hash)
    status, out, _ = run_cli("demo", "--db", str(demo.db))
    with Registry.open(demo.db) as reg:
        after = (reg.last_entry, reg.state.last_hash)
    assert status == 0
    assert after == before
    assert "nothing recorded" in out.splitlines()[0]
    report = out.split("\n", 2)[2].split("\nExplore")[0]
    assert report == demo.out.split("\n", 2)[2].split("\nChart:")[0]


def test_missing_matplotlib_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Says matplotlib is missing, writes no chart, and still succeeds."""
    monkeypatch.setattr(chart, "matplotlib_available", lambda: False)
    png = tmp_path / "chart.png"
    status, _, err = run_cli("demo", "--db", str(tmp_path / "d.sqlite"), "--plot", str(png))
    assert status == 0
    assert "matplotlib is not installed" in err
    assert not png.exists()


def test_default_file_is_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --db, writes jcm-demo.sqlite in the current directory."""
    monkeypatch.chdir(tmp_path)
    status, out, _ = run_cli("demo")
    assert status == 0
    assert (tmp_path / "jcm-demo.sqlite").is_file()
    assert "jcm-demo.sqlite" in out.splitlines()[0]


def test_file_with_another_history_is_refused(tmp_path: Path) -> None:
    """Exits 1 naming the refusal when the file holds another history, and changes nothing."""
    db = tmp_path / "other.sqlite"
    with Registry.open(db) as reg:
        reg.submit(
            {"type": "add_party", "party": "JPN", "registry_id": "JPN02", "administrator": "x"},
            actor="operator",
        )
    status, _, err = run_cli("demo", "--db", str(db))
    assert status == 1
    assert "holds another history than the demo's" in err
    with Registry.open(db) as reg:
        assert reg.last_entry == 1


def test_accepted_frozen_transfer_fails_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exits 1 and says so when the transfer from the frozen account is not refused."""
    import jcm.demo.run

    monkeypatch.setattr(jcm.demo.run, "_refuse", lambda _registry: None)
    status, out, _ = run_cli("demo", "--db", str(tmp_path / "d.sqlite"))
    assert status == 1
    assert "NOT refused" in out
