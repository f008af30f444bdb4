"""The ``jcm`` command: a thin layer over the library that holds no rules of its own.

Exit status (API.md): 0 done; 1 a request was rejected or ``verify`` found problems; 2 bad usage
or bad input (the message names the field). Errors go to stderr, JSON to stdout.

Each sub-command lives in its own module of this package and exposes ``register(subparsers)``,
which adds its parser and sets ``handler`` (a function of the parsed arguments returning the exit
status).

Handlers raise; they never print their own error. :func:`main` catches what escapes a handler
(and argparse's complaints) and reports it through :mod:`jcm.cli.failure`: the message on
stderr and, when the command line asks for JSON (``--json``, or ``--format json``), one object
``{"ok": false, "error": {"code", "message", "field", "value", "rule"}}`` on stdout (docs/api.md,
"Errors as JSON"), with the exit status of docs/api.md, "CLI".

The parser is the standard library's ``argparse``: click or typer would parse the same command
lines, but they add dependencies (typer also rich), have their own exit and error handling that
the JSON errors would have to undo, and every documented ``$ jcm`` line already runs as a test
against this one.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from jcm._version import __version__
from jcm.cli.failure import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    from_exception,
    report,
)
from jcm.cli.option import check_required
from jcm.errors import JcmError
from jcm.methodologies import blocking

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_REJECTED", "Handler", "main", "wants_json"]

Handler = Callable[[argparse.Namespace], int]

_SUBCOMMANDS: tuple[str, ...] = ("methodologies", "registry", "article6", "export", "demo")
"""Modules of ``jcm.cli`` that add a sub-command, in the order ``jcm --help`` lists them."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises :class:`~jcm.cli.failure.UsageError` for bad usage instead of exiting.

    :func:`main` reports it like any other error (usage and message on stderr, exit status 2, the
    JSON error under ``--json``). ``--help`` and ``--version`` still exit 0 as argparse does.
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, usage=self.format_usage(), prog=self.prog)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser of the ``jcm`` command."""
    parser = _Parser(
        prog="jcm",
        description="Japan's Joint Crediting Mechanism: methodologies, registry, Article 6.",
    )
    parser.add_argument("--version", action="version", version=f"jcm {__version__}")
    parser.add_argument(
        "--block-plugin",
        action="append",
        default=[],
        metavar="NAME",
        help="do not load the methodology plugin NAME (an entry-point or distribution name; "
        "repeatable; the environment variable JCM_BLOCK_PLUGINS takes a comma-separated list)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _SUBCOMMANDS:
        module_name = f"jcm.cli.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(sub)
    return parser


def wants_json(argv: Sequence[str], args: argparse.Namespace | None = None) -> bool:
    """True when the command line asks for JSON: ``--json``, or ``--format json``."""
    if args is not None:
        return getattr(args, "json", False) is True or getattr(args, "format", None) == "json"
    words = list(argv)
    pairs = zip(words, [*words[1:], ""], strict=True)
    return "--json" in words or "--format=json" in words or ("--format", "json") in pairs


def _field_of(args: argparse.Namespace | None, exc: BaseException) -> str:
    """The argument whose value is the file ``exc`` names (``input``, ``out``), else ``file``."""
    filename = getattr(exc, "filename", None)
    if args is not None and filename is not None:
        for name, value in vars(args).items():
            if isinstance(value, str) and value == str(filename):
                return name
    return "file"


def _quiet_broken_pipe() -> int:
    """The reader went away (``jcm registry balances | head``): stop quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``jcm`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args: argparse.Namespace | None = None
    try:
        args = parser.parse_args(words)
        check_required(args)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return EXIT_BAD_INPUT
        with blocking(args.block_plugin):
            return handler(args)
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except (JcmError, OSError, ValueError) as exc:
        error = from_exception(exc, _field_of(args, exc))
        if error is None:
            raise
        return report(error, as_json=wants_json(words, args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
