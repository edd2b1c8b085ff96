"""The headless command line: ``imgtag [--library PATH] COMMAND ...``.

Each area registers its subcommands from its own module (``register(subparsers)``); a
command's handler gets the parsed arguments and returns the process exit status.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from ..core.catalog import CatalogError
from .common import CliError

# Modules that contribute subcommands, in help order.
COMMAND_MODULES = ("library", "tagging", "suggestions", "metadata", "search")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imgtag", description="Offline photo tagger (headless).")
    parser.add_argument("--library", metavar="PATH", help="catalog file (default: per-user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.handler(args) or 0)
    except (CliError, CatalogError) as exc:
        print(f"imgtag: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("imgtag: interrupted; work done so far is saved", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
