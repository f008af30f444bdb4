"""Tests of ``jcm demo``: the report's figures against the registry reopened from its file."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from jcm.article6 import view
from jcm.article6.adjustment import corresponding_adjustment
from jcm.cli import main
from jcm.demo import chart
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
    assert any("verify(): clean, 0 problems" in line for line in demo.section(10))


def test_balances_match_the_registry(demo: Demo, registry: Registry) -> None:
    """Reports every account's balance as the registry holds it, and totals that add up."""
    lines = demo.section(6)
    for account in registry.accounts():
        assert number(row(lines, account.id)[-1]) == registry.balance(account.id)
    total = next(line for line in lines if "total held" in line)
    held, issued = (number(n) for n in re.findall(r"total (?:held|issued) ([\d,]+)", total))
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
    lines = demo.section(7)
    payers = [p for p in registry.state.principals if registry.fees_paid(p)]
    assert payers
    for payer in payers:
        assert number(row(lines, payer)[-1]) == registry.fees_paid(payer)
    total = next(line for line in lines if line.strip().startswith("total fees"))
    assert number(total.split()[2]) == registry.fees_paid() > 0


def test_corresponding_adjustment_matches_the_retirements(demo: Demo, registry: Registry) -> None:
    """Reports Japan's adjustment as the retired credits averaged over the NDC period."""
    cells = row(demo.section(8), "JPN")
    expected = corresponding_adjustment(
        view.credit_positions(registry), "JPN", ndcs=view.ndcs(registry)
    )
    first, last = expected.ndc_period
    assert Fraction(number(cells[2])) == expected.adjustment
    assert expected.adjustment == Fraction(registry.balance("JPN-RET"), last - first + 1) > 0


def test_aef_consistency_checks_report_no_errors(demo: Demo) -> None:
    """Runs the AEF consistency checks for every reported year and finds no error."""
    lines = demo.section(8)
    checked = [line for line in lines if re.match(r"\s+20\d\d: ", line)]
    assert checked
    assert all("no problems" in line or " 0 error(s)" in line for line in checked)


def test_calculations_reach_the_monitoring_reports(demo: Demo, registry: Registry) -> None:
    """Reports per period the credited and verified reductions the registry recorded."""
    lines = demo.section(3)
    for project in ("DEMO-PH01", "DEMO-VN01", "DEMO-CL01"):
        for rec in registry.periods(project):
            span = f"{rec.period.start.isoformat()}..{rec.period.end.isoformat()}"
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
    assert registry.account(FROZEN_ACCOUNT).frozen
    moves_from_frozen = [
        e
        for e in registry.store.entries()
        if e.request["type"] == "transfer" and e.request["from"] == FROZEN_TRANSFER["from"]
    ]
    assert moves_from_frozen == []


def test_chart_is_a_png(demo: Demo) -> None:
    """Writes the chart as a PNG file."""
    assert demo.png.read_bytes()[:8] == PNG_MAGIC


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
