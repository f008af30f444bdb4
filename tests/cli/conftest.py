"""Fixtures of the command-line tests: registry files made by ``jcm registry apply``; a runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_world import ARTICLE6, SETUP, Run, write_requests

from jcm.cli import main


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Runs ``jcm ARGS`` in-process and returns its exit status, stdout and stderr."""

    def go(*args: str | Path) -> Run:
        capsys.readouterr()
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Run(status, out, err)

    return go


@pytest.fixture
def registry_db(tmp_path: Path) -> Path:
    """A registry file holding SETUP: GOJ 1-500, PP-A 501-800, B 801-1000."""
    path = tmp_path / "registry.sqlite"
    requests = write_requests(tmp_path / "setup.jsonl", SETUP)
    assert main(["registry", "--db", str(path), "apply", str(requests), "--json"]) == 0
    return path


@pytest.fixture
def article6_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A registry file with both authorizations, the issuance of 2025-06-01 and 200 retired."""
    path = tmp_path / "article6.sqlite"
    requests = write_requests(tmp_path / "article6.jsonl", ARTICLE6)
    assert main(["registry", "--db", str(path), "apply", str(requests), "--import", "--json"]) == 0
    capsys.readouterr()
    return path
