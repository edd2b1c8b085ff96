"""The headless command line: ``imgtag [--library PATH] COMMAND ...``.

Each area registers its subcommands from its own module (``register(subparsers)``); a
command's handler gets the parsed arguments and returns the process exit status.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from typing import NoReturn

from ..core.catalog import CatalogError
from ..core.catalog.health import explain
from .common import CliError, library_path

# Modules that contribute subcommands, in help order.
COMMAND_MODULES = ("library", "tagging", "suggestions", "metadata", "search", "duplicates", "places")


class _Parser(argparse.ArgumentParser):
    """argparse with the command line's one error style: one line, ``imgtag: error: ...``, exit
    status 2, as every other error ``imgtag`` reports (argparse's own prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"imgtag: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    # Subcommands' parsers are made of the same class (argparse's default for add_subparsers).
    parser = _Parser(prog="imgtag", description="Offline photo tagger (headless).")
    parser.add_argument("--library", metavar="PATH", help="catalog file (default: per-user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(sub)
    return parser


# Subcommands whose positional arguments are queries, which may start with '-' ("-dog").
QUERY_COMMANDS = (("search",), ("albums", "add"), ("albums", "edit"))


def dash_positionals(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Let query arguments start with '-' (``imgtag search -dog``): for a query command,
    every token that starts with '-' and is not one of its options is moved after ``--``."""
    if "--" in argv:
        return argv
    i, current = 0, parser
    path: list[str] = []
    while i < len(argv):
        tok = argv[i]
        subs = [a for a in current._actions if isinstance(a, argparse._SubParsersAction)]
        if tok.startswith("-"):
            action = current._option_string_actions.get(tok.split("=", 1)[0])
            i += 1 + (action.nargs is None and "=" not in tok if action is not None else 0)
            continue
        if not subs or tok not in subs[0].choices:
            break
        path.append(tok)
        current = subs[0].choices[tok]
        i += 1
        if not any(isinstance(a, argparse._SubParsersAction) for a in current._actions):
            break
    if tuple(path) not in QUERY_COMMANDS:
        return argv
    options: list[str] = []
    positionals: list[str] = []
    rest = argv[i:]
    j = 0
    while j < len(rest):
        tok = rest[j]
        action = current._option_string_actions.get(tok.split("=", 1)[0]) if tok.startswith("-") else None
        if action is None:
            positionals.append(tok)
        else:
            options.append(tok)
            if action.nargs is None and "=" not in tok and j + 1 < len(rest):
                j += 1
                options.append(rest[j])
        j += 1
    if not any(p.startswith("-") for p in positionals):
        return argv
    return argv[:i] + options + ["--"] + positionals


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    for stream, errors in ((sys.stdout, "surrogateescape"), (sys.stderr, "backslashreplace")):
        if hasattr(stream, "reconfigure"):  # a non-UTF-8 file name is printed as its own bytes
            stream.reconfigure(errors=errors)
    try:
        args = parser.parse_args(dash_positionals(parser, list(sys.argv[1:] if argv is None else argv)))
    except SystemExit as stop:  # --help (0) or a refused command line (2, said in one line): the status
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        raise
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.handler(args) or 0)
    except (CliError, CatalogError) as exc:
        print(f"imgtag: error: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:  # outside a transaction (a read): the same one-line advice
        explained = explain(exc, library_path(args))
        if explained is exc:
            raise
        print(f"imgtag: error: {explained}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("imgtag: interrupted; work done so far is saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``imgtag search --json | head``): stop quietly, like other tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
