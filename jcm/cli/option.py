"""Options and inputs that several ``jcm`` sub-commands share: ``--db``, dates, Parties, files.

``--db FILE`` may stand before or after the action (``jcm registry --db F balances`` and
``jcm registry balances --db F``): :func:`share_option` adds an option to a command and to each
of its actions, and :func:`check_required` (called by :func:`jcm.cli.main` after parsing) refuses
a command line that gives it in neither place, as argparse would.

Every failure here raises a jcm error that names the option and the value, so
:func:`jcm.cli.main` reports it the same way for every command (exit 2, JSON under ``--json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jcm.core.party import check_party_code
from jcm.errors import InvalidValueError, JcmError

if TYPE_CHECKING:
    from jcm.registry.engine import Registry

__all__ = [
    "DB_HELP",
    "JSON_HELP",
    "check_required",
    "iso_date",
    "known_party",
    "open_registry",
    "read_text",
    "share_option",
]

DB_HELP = "the registry's SQLite file (before or after the action)"
"""The help text of ``--db`` wherever it appears."""

JSON_HELP = 'print JSON on stdout (errors too: {"ok": false, "error": {...}})'
"""The help text of ``--json`` for a command whose output is JSON."""


def share_option(
    command: argparse.ArgumentParser,
    actions: Iterable[argparse.ArgumentParser],
    *flags: str,
    required: bool = False,
    default: Any = None,
    **kwargs: Any,
) -> None:
    """Add the option ``flags`` to ``command`` and to each of its ``actions``.

    Given after the action, the option overrides the value given before it. With ``required``,
    :func:`check_required` refuses a command line that gives it nowhere.
    """
    option = command.add_argument(*flags, default=default, **kwargs)
    for action in actions:
        action.add_argument(*flags, default=argparse.SUPPRESS, **kwargs)
        action.set_defaults(cli_parser=action)
    if required:
        before = command.get_default("required_options") or ()
        command.set_defaults(required_options=(*before, (flags[-1], option.dest)))


def check_required(args: argparse.Namespace) -> None:
    """Refuse (as argparse does, exit 2) a shared required option that was given nowhere."""
    missing = [
        flag for flag, dest in getattr(args, "required_options", ()) if getattr(args, dest) is None
    ]
    parser: argparse.ArgumentParser | None = getattr(args, "cli_parser", None)
    if missing and parser is not None:
        parser.error(f"the following arguments are required: {', '.join(missing)}")


def iso_date(text: str) -> dt.date:
    """An argparse type: a date written ``yyyy-mm-dd``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date value: '{text}' (write it yyyy-mm-dd, e.g. 2026-04-10)"
        ) from None


def _is_url(target: str) -> bool:
    return "://" in target


def open_registry(target: str, *, create: bool = False, operator: str = "operator") -> Registry:
    """The registry of ``--db target``; only ``create`` (a request) may make a new one.

    Raises
    ------
    InvalidValueError
        Naming ``--db``: ``NO_SUCH_REGISTRY`` for a missing file when not ``create``;
        ``STORE_UNREADABLE`` for an empty file or a file that is not a registry (docs/api.md,
        "Many writers and stores").
    """
    from jcm.registry.engine import Registry  # noqa: PLC0415 (keeps `jcm --help` light)

    if not _is_url(target):
        path = Path(target)
        if not create and not path.exists():
            raise InvalidValueError(
                "--db",
                target,
                "no such registry file (only 'jcm registry apply' creates one)",
                code="NO_SUCH_REGISTRY",
            )
        if path.is_dir():
            raise InvalidValueError("--db", target, "is a directory, not a registry file")
        if not create and path.stat().st_size == 0:
            raise InvalidValueError(
                "--db", target, "is an empty file, not a registry file", code="STORE_UNREADABLE"
            )
    try:
        return Registry.open(target, operator=operator)
    except JcmError as exc:
        raise InvalidValueError(
            "--db", target, f"not a registry file: {exc.message}", code=exc.code
        ) from exc


def known_party(registry: Registry, value: str, field: str = "--party") -> str:
    """``value`` when it is a Party with a registry in ``registry``; else ``NO_SUCH_PARTY``."""
    party = check_party_code(field, value)
    known = sorted(p.party for p in registry.parties())
    if party not in known:
        listed = ", ".join(known) if known else "none"
        raise InvalidValueError(
            field,
            value,
            f"must be a Party with a registry in this file (there: {listed})",
            code="NO_SUCH_PARTY",
        )
    return party


def read_text(path: str, field: str) -> str:
    """The UTF-8 text of the file ``path``, or an error naming ``field`` and the file."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidValueError(field, path, "no such file", code="NO_SUCH_FILE") from None
    except UnicodeDecodeError as exc:
        raise InvalidValueError(
            field,
            path,
            f"is not UTF-8 text ({exc.reason} at byte {exc.start})",
            code="NOT_UTF8",
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InvalidValueError(field, path, f"cannot be read: {reason}", code="OS_ERROR") from None
