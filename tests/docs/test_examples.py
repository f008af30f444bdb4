"""Every code example of README.md and docs/**/*.md runs (python blocks, and `$ jcm ...` lines).

Each Markdown file is one test. Its fenced blocks run in document order, in one namespace, in a
fresh working directory:

* a ```` ```python ```` block is executed;
* in a ```` ```console ```` or ```` ```bash ```` block, every line ``$ jcm ARGS`` is run through
  :func:`jcm.cli.main` and must exit 0, or the status written at the end of the line as
  ``# exit N``; other lines (output, other commands) are not run.

A block preceded by the line ``<!-- not run -->`` is only compiled: for fragments that show part
of a larger program. A block of any language preceded by ``<!-- file: NAME -->`` is written to the
file NAME of the working directory (input files that a tutorial shows and then uses). A new
Markdown file is picked up by itself.
"""

from __future__ import annotations

import re
import shlex
import sys
import types
from pathlib import Path

import attrs
import pytest

import jcm.cli
from jcm.cli import main

ROOT = Path(__file__).resolve().parents[2]
NOT_RUN = "<!-- not run -->"
FENCE = re.compile(r"^```(\w*)\s*$")
EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")
FILE = re.compile(r"^<!--\s*file:\s*(\S+)\s*-->$")

PENDING: dict[str, set[str]] = {
    # Fragments of files owned by another helper, compiled only until they carry NOT_RUN or
    # their imports; keyed by the block's first line. The test fails when one disappears, so
    # this list cannot rot.
}


@pytest.fixture(autouse=True)
def _export_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes ``jcm export`` available whether or not it is wired into the CLI yet."""
    if "export" not in jcm.cli._SUBCOMMANDS:
        monkeypatch.setattr(jcm.cli, "_SUBCOMMANDS", (*jcm.cli._SUBCOMMANDS, "export"))


@attrs.frozen
class Block:
    """One fenced block of a Markdown file."""

    language: str
    code: str
    line: int
    """Line number of the first line of code."""
    run: bool
    file: str | None = None
    """The file name the block is written to, if it is marked so."""


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, in order."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        start = index + 1
        end = start
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        before = lines[index - 1].strip() if index > 0 else ""
        named = FILE.match(before)
        code = "\n".join(lines[start:end]) + "\n"
        found.append(
            Block(
                match.group(1).lower(),
                code,
                start + 1,
                before != NOT_RUN,
                named.group(1) if named else None,
            )
        )
        index = end + 1
    return found


def markdown_files() -> list[Path]:
    """README.md and every Markdown file under docs/ that holds a runnable example."""
    candidates = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [p for p in candidates if p.exists() and any(_runnable(b) for b in blocks(p))]


def _runnable(block: Block) -> bool:
    if block.language == "python":
        return True
    commands = ("$ jcm " in line for line in block.code.splitlines())
    return block.language in ("console", "bash") and any(commands)


def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def run_console(block: Block, where: str) -> None:
    """Run the block's ``$ jcm ...`` lines; check each exit status."""
    for offset, raw in enumerate(block.code.splitlines()):
        line = raw.strip()
        if not line.startswith("$ jcm "):
            continue
        expected = 0
        status = EXIT.search(line)
        if status is not None:
            expected = int(status.group(1))
            line = line[: status.start()]
        argv = shlex.split(line[len("$ jcm ") :])
        try:
            got = main(argv)
        except SystemExit as exc:  # --help, --version and argparse errors
            got = exc.code if isinstance(exc.code, int) else 2
        assert got == expected, f"{where}:{block.line + offset}: jcm {' '.join(argv)} -> {got}"


@pytest.mark.parametrize("path", markdown_files(), ids=_id)
def test_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs the file's python blocks and jcm command lines in order, without an error."""
    monkeypatch.chdir(tmp_path)
    name = _id(path)
    pending = set(PENDING.get(name, ()))
    module = types.ModuleType("jcm_docs_example")  # a real module: attrs resolves types in it
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace = module.__dict__
    for block in blocks(path):
        where = f"{name}:{block.line}"
        if block.file is not None:
            Path(block.file).write_text(block.code, encoding="utf-8")
        elif block.language == "python":
            code = compile(block.code, where, "exec")
            first = block.code.splitlines()[0] if block.code.strip() else ""
            if first in pending:
                pending.discard(first)
                continue
            if block.run:
                exec(code, namespace)
        elif block.language in ("console", "bash") and block.run:
            run_console(block, name)
    assert not pending, f"{name}: PENDING blocks no longer found, remove them: {pending}"


def test_the_block_reader_sees_fences_markers_and_lines(tmp_path: Path) -> None:
    """Reads languages, first code lines and the not-run marker of a small file."""
    page = tmp_path / "page.md"
    page.write_text(
        "# T\n\n```python\nx = 1\n```\n\n<!-- not run -->\n```python\nboom\n```\n\n"
        "```console\n$ jcm --help  # exit 0\nusage\n```\n<!-- file: a.json -->\n```json\n{}\n```\n",
        encoding="utf-8",
    )
    assert blocks(page) == [
        Block("python", "x = 1\n", 4, True),
        Block("python", "boom\n", 9, False),
        Block("console", "$ jcm --help  # exit 0\nusage\n", 13, True),
        Block("json", "{}\n", 18, True, "a.json"),
    ]


def test_a_failing_command_line_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Fails naming the file and line when a command exits with another status."""
    monkeypatch.chdir(tmp_path)
    block = Block("console", "$ jcm registry --db missing.sqlite verify\n", 3, True)
    with pytest.raises(AssertionError, match=r"page.md:3: jcm registry"):
        run_console(block, "page.md")
    assert "no such registry file" in capsys.readouterr().err
