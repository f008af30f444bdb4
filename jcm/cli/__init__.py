"""The ``jcm`` command: a thin layer over the library that holds no rules of its own.

Exit status (API.md): 0 done; 1 a request was rejected or ``verify`` found problems; 2 bad usage
or bad input (the message names the field). Errors go to stderr, JSON to stdout.

Each sub-command lives in its own module of this package and exposes ``register(subparsers)``,
which adds its parser and sets ``handler`` (a function of the parsed arguments returning the exit
status).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence

from jcm._version import __version__
from jcm.errors import InvalidValueError, JcmError
from jcm.methodologies import blocking

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_REJECTED", "Handler", "main"]

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]

_SUBCOMMANDS: tuple[str, ...] = ("methodologies", "registry", "article6", "export", "demo")
"""Modules of ``jcm.cli`` that add a sub-command, in the order ``jcm --help`` lists them."""


class _Parser(argparse.ArgumentParser):
    """argparse with the exit status 2 and a message on stderr for bad usage (its default)."""


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``jcm`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        with blocking(args.block_plugin):
            return handler(args)
    except InvalidValueError as exc:
        print(f"jcm: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except JcmError as exc:
        print(f"jcm: error [{exc.code}]: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except FileNotFoundError as exc:
        print(f"jcm: error: {exc.filename}: no such file", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader went away (``jcm registry balances | head``): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
