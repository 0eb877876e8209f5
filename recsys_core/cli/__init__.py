"""The ``recsys`` command line.

Each module in `COMMAND_MODULES` defines ``register(subparsers)``, which adds its subcommands
and sets ``func`` on each parser. A subcommand returns the exit status. Bad input
(`DatasetError`, `ValueError`, a missing file) prints one line on stderr and exits with 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Optional, Sequence

logger = logging.getLogger(__name__)

COMMAND_MODULES = (
    "recsys_core.cli.data_commands",
    "recsys_core.cli.graph_commands",
    "recsys_core.cli.demo_commands",
    "recsys_core.cli.evaluate",
    "recsys_core.cli.repeat_commands",
    "recsys_core.cli.related_commands",
    "recsys_core.cli.search_commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recsys",
        description="Recommendation workbench: datasets, product graphs and recommenders.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and timings to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


class UsageError(Exception):
    """Bad input from the user; the message is printed as is and the exit status is 2."""


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except (UsageError, ValueError, KeyError, FileNotFoundError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"recsys {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"recsys {args.command}: interrupted", file=sys.stderr)
        return 130


def stderr_progress(fraction: float, message: str) -> None:
    """Progress callback that redraws one status line on stderr."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r[{100 * fraction:5.1f}%] {message[:100]:<100}")
        if fraction >= 1.0:
            sys.stderr.write("\n")
    else:
        sys.stderr.write(f"[{100 * fraction:5.1f}%] {message}\n")
    sys.stderr.flush()


def add_dataset_argument(parser: argparse.ArgumentParser, default: Optional[str] = "completejourney") -> None:
    parser.add_argument(
        "--dataset", default=default, metavar="SPEC",
        help="dataset spec: a built-in name (see 'recsys datasets') or FORMAT:PATH "
             f"(default: {default})",
    )
    parser.add_argument("--no-progress", action="store_true", help="do not print progress lines")


def command_targets(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse._SubParsersAction:
    """Return the targets of ``recsys NAME`` (such as ``train related``), creating NAME on first use.

    Several command modules add targets to one command, in any order.
    """
    parser = subparsers.choices.get(name)
    if parser is None:
        parser = subparsers.add_parser(name, help=help_text)
        parser.set_defaults(func=lambda args: parser.print_help(sys.stderr) or 2)
        parser._recsys_targets = parser.add_subparsers(dest="target", metavar="TARGET")
    return parser._recsys_targets


def progress_for(args: argparse.Namespace):
    return None if getattr(args, "no_progress", False) else stderr_progress


if __name__ == "__main__":
    sys.exit(main())
