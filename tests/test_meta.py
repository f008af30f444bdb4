"""Meta-tests: every public name is documented, the package imports cleanly, the CLI starts."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest

import jcm
from jcm.cli import main


def _modules() -> list[ModuleType]:
    names = ["jcm"] + [
        m.name for m in pkgutil.walk_packages(jcm.__path__, "jcm.") if m.name != "jcm.__main__"
    ]
    return [importlib.import_module(n) for n in names]


@pytest.mark.parametrize("module", _modules(), ids=lambda m: m.__name__)
def test_every_module_and_public_name_has_a_docstring(module: ModuleType) -> None:
    """Documents every module and every name it exports in __all__."""
    assert inspect.getdoc(module), f"{module.__name__} has no docstring"
    undocumented = []
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        if name.startswith("__") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not inspect.getdoc(obj):
            undocumented.append(name)
    assert not undocumented, f"{module.__name__}: undocumented {undocumented}"


def test_importing_jcm_has_no_side_effects() -> None:
    """Imports jcm in a fresh interpreter without loading plugins or opening files."""
    code = (
        "import sys, jcm; "
        "assert not any(m.startswith('sqlite3') for m in sys.modules), 'sqlite3 loaded'; "
        "print(jcm.__version__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == jcm.__version__


def test_cli_prints_version(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the version for `jcm --version` and exits 0."""
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"jcm {jcm.__version__}"


def test_cli_without_command_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    """Exits 2 with the usage on stderr when no command is given."""
    assert main([]) == 2
    assert "usage: jcm" in capsys.readouterr().err


def test_cli_unknown_command_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    """Exits 2 for an unknown command with argparse's usage and message on stderr."""
    assert main(["teleport"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: jcm")
    assert "invalid choice: 'teleport'" in err
