"""How the ``jcm`` command fails: one exit status and one error object for every sub-command.

Every sub-command raises instead of printing its own error; :func:`jcm.cli.main` catches what
escapes and hands it to :func:`report`, which

* writes the human message on stderr (``jcm: error [CODE]: message``; argparse's usage line first
  for bad usage),
* with ``--json`` (or ``--format json``) also writes one JSON object on stdout,
  ``{"ok": false, "error": {"code", "message", "field", "value", "rule"}}`` (docs/api.md, "Errors
  as JSON"); the five keys are always there (``null`` when unknown), ``value`` is made JSON-safe,
  and an error with several parts adds them (``"errors"`` for every failing field of a structured
  input, ``"rows"`` for every bad line of a requests file);
* returns the exit status of docs/api.md, "CLI": 2 for bad usage or bad input (an invalid value,
  an unknown id named on the command line, a missing or unreadable file, a missing optional
  package), 1 for anything else the rules refused.

>>> body = error_body(InvalidValueError("--year", 1999, "must be from 2021 to 2100"))
>>> body["error"]["field"], body["error"]["value"], exit_status(InvalidValueError("x", 1, "r"))
('--year', 1999, 2)
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any, Final

from jcm.errors import InvalidValueError, JcmError

__all__ = [
    "BAD_INPUT_CODES",
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_REJECTED",
    "BadRowsError",
    "UsageError",
    "error_body",
    "exit_status",
    "from_exception",
    "json_safe",
    "report",
]

EXIT_OK: Final = 0
EXIT_REJECTED: Final = 1
EXIT_BAD_INPUT: Final = 2

BAD_INPUT_CODES: Final = frozenset(
    {
        "NO_SUCH_REGISTRY",
        "STORE_UNREADABLE",
        "NO_SUCH_PARTY",
        "NO_SUCH_ACCOUNT",
        "NO_SUCH_METHODOLOGY",
        "NO_SUCH_FILE",
        "NOT_UTF8",
        "NOT_JSON",
        "OS_ERROR",
        "USAGE",
        "XLSX_UNAVAILABLE",
        "PANDAS_UNAVAILABLE",
    }
)
"""Error codes that mean bad usage or bad input (exit 2) whatever the error's class."""


class UsageError(JcmError):
    """Bad usage of the command line (argparse's complaint), exit status 2.

    Parameters
    ----------
    message
        argparse's message (``the following arguments are required: --party``).
    usage
        The usage line of the (sub-)command concerned, printed before the message on stderr.
    prog
        The (sub-)command's name (``jcm registry balances``).
    """

    default_code = "USAGE"

    def __init__(self, message: str, *, usage: str = "", prog: str = "jcm") -> None:
        field, value = _argparse_field(message)
        super().__init__(message, field=field, value=value, rule=f"see '{prog} --help'")
        self.usage = usage
        self.prog = prog


_ARGUMENT: Final = re.compile(r"^argument (?P<field>[^:]+): (?P<rest>.*)$")
_REQUIRED: Final = re.compile(r"^the following arguments are required: (?P<field>[^,]+)")
_VALUE: Final = re.compile(r"(?:invalid [\w ]+ value|invalid choice): '(?P<value>[^']*)'")
_UNRECOGNIZED: Final = re.compile(r"^unrecognized arguments: (?P<value>.*)$")


def _argparse_field(message: str) -> tuple[str | None, str | None]:
    """The option (``--year``) and the value an argparse message names, when it names them."""
    match = _ARGUMENT.match(message)
    if match is not None:
        value = _VALUE.search(match.group("rest"))
        field = match.group("field").split("/")[-1]  # "-h/--help" -> "--help"
        return field, None if value is None else value.group("value")
    match = _REQUIRED.match(message)
    if match is not None:
        return match.group("field").strip(), None
    match = _UNRECOGNIZED.match(message)
    if match is not None:
        return None, match.group("value")
    return None, None


class BadRowsError(InvalidValueError):
    """An input file with bad rows (lines); nothing of it was used.

    Parameters
    ----------
    field
        The argument that names the file (``REQUESTS``).
    path
        The file.
    rows
        ``{"row", "column", "code", "message"}`` for every bad row (docs/api.md, "Traces, dry runs,
        following, spreadsheets"); ``row`` counts from 1, ``column`` is a JSON path or ``None``.
    """

    def __init__(self, field: str, path: str, rows: Iterable[Mapping[str, Any]]) -> None:
        self.rows: tuple[dict[str, Any], ...] = tuple(dict(r) for r in rows)
        if not self.rows:
            raise ValueError("BadRowsError needs at least one row")
        super().__init__(
            field,
            path,
            f"{len(self.rows)} bad line(s), nothing was applied",
            code=self.rows[0]["code"] if len(self.rows) == 1 else "INVALID_INPUT",
        )

    def details(self) -> tuple[str, ...]:
        """One line of text per bad row (``line 3: $.qty: ... is invalid: ...``)."""
        return tuple(f"line {r['row']}: {r['message']}" for r in self.rows)

    def to_json(self) -> dict[str, Any]:
        body = super().to_json()
        body["rows"] = [dict(r) for r in self.rows]
        return body


def json_safe(value: object) -> Any:
    """``value`` as plain JSON: containers recursively, non-finite floats and others as text.

    >>> from pathlib import Path
    >>> json_safe((1, Path("a.json"), float("nan"), {"k": {2}}))
    [1, 'a.json', 'nan', {'k': [2]}]
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v) for v in value), key=repr)
    return str(value)


def error_body(exc: JcmError) -> dict[str, Any]:
    """``{"ok": false, "error": {...}}`` for ``exc`` (docs/api.md, "Errors as JSON")."""
    error: dict[str, Any] = {
        "code": exc.code,
        "message": exc.message,
        "field": exc.field,
        "value": json_safe(exc.value),
        "rule": exc.rule,
    }
    for key, extra in exc.to_json().items():
        error.setdefault(key, json_safe(extra))
    return {"ok": False, "error": error}


def exit_status(exc: JcmError) -> int:
    """2 for bad usage or bad input, else 1 (docs/api.md, "CLI")."""
    bad_input = (
        isinstance(exc, (InvalidValueError, UsageError, KeyError)) or exc.code in BAD_INPUT_CODES
    )
    return EXIT_BAD_INPUT if bad_input else EXIT_REJECTED


def from_exception(exc: BaseException, field: str = "file") -> JcmError | None:
    """A jcm error for an exception escaping a handler that is not one; ``None`` when unknown.

    A missing file, a file that is not UTF-8 or not JSON, and any other ``OSError`` become bad
    input naming ``field`` (the argument that gave the file) and the file.
    """
    if isinstance(exc, JcmError):
        return exc
    filename = getattr(exc, "filename", None)
    if isinstance(exc, FileNotFoundError):
        return InvalidValueError(field, filename, "no such file", code="NO_SUCH_FILE")
    if isinstance(exc, UnicodeDecodeError):
        return InvalidValueError(
            field, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})", code="NOT_UTF8"
        )
    if isinstance(exc, json.JSONDecodeError):
        return InvalidValueError(
            field,
            None,
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            code="NOT_JSON",
        )
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        return InvalidValueError(field, filename, f"cannot be used: {reason}", code="OS_ERROR")
    return None


def report(exc: JcmError, *, as_json: bool) -> int:
    """Write ``exc`` on stderr (and as JSON on stdout when ``as_json``); return the exit status."""
    if isinstance(exc, UsageError):
        sys.stderr.write(exc.usage)
        print(f"{exc.prog}: error: {exc.message}", file=sys.stderr)
    else:
        print(f"jcm: error [{exc.code}]: {exc.message}", file=sys.stderr)
    if isinstance(exc, BadRowsError):
        for line in exc.details():
            print(f"  {line}", file=sys.stderr)
    if as_json:
        print(json.dumps(error_body(exc), ensure_ascii=False))
    return exit_status(exc)
