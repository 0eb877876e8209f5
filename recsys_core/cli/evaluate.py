"""``recsys evaluate TARGET``: one subcommand whose targets each system registers.

A command module registers its target at import time::

    from recsys_core.cli.evaluate import register_evaluator
    register_evaluator("repeat", "rank repurchases on a temporal split", add_arguments, run)

and lists itself in `recsys_core.cli.COMMAND_MODULES`. When the parser is built, this module
imports every command module first, so the targets do not depend on the order of that list.
Each target gets ``--dataset``, ``--no-progress`` and ``--json``; `add_arguments` adds the rest.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass
from typing import Callable

from recsys_core.cli import add_dataset_argument


@dataclass(frozen=True)
class Evaluator:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


EVALUATORS: dict[str, Evaluator] = {}


def register_evaluator(name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None],
                       run: Callable[[argparse.Namespace], int]) -> None:
    """Add target `name` to ``recsys evaluate``; registering a name twice replaces it."""
    EVALUATORS[name] = Evaluator(name, help, add_arguments, run)


def register(subparsers: argparse._SubParsersAction) -> None:
    from recsys_core.cli import COMMAND_MODULES

    for module in COMMAND_MODULES:
        if module != __name__:
            importlib.import_module(module)
    parser = subparsers.add_parser("evaluate", help="evaluate a recommender on held-out data",
                                   description="Evaluate a recommender; pick the system as TARGET.")
    targets = parser.add_subparsers(dest="target", metavar="TARGET")
    for evaluator in sorted(EVALUATORS.values(), key=lambda item: item.name):
        target = targets.add_parser(evaluator.name, help=evaluator.help, description=evaluator.help)
        add_dataset_argument(target)
        target.add_argument("--json", action="store_true", help="print JSON instead of a text table")
        evaluator.add_arguments(target)
        target.set_defaults(func=evaluator.run)
    parser.set_defaults(func=lambda args: _missing_target(parser))


def _missing_target(parser: argparse.ArgumentParser) -> int:
    choices = ", ".join(sorted(EVALUATORS)) or "none registered"
    parser.print_usage()
    raise ValueError(f"name what to evaluate: recsys evaluate TARGET, with TARGET one of: {choices}")
