"""CLI commands about datasets: ``recsys datasets``."""

from __future__ import annotations

import argparse
import json

from recsys_core.data import registry


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("datasets", help="list the built-in datasets and the file formats")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run_datasets)


def run_datasets(args: argparse.Namespace) -> int:
    builtins = {name: loader.description for name, loader in registry.BUILTINS.items()}
    formats = {f"{name}:PATH": loader.description for name, loader in registry.FORMATS.items()}
    if args.json:
        print(json.dumps({"builtins": builtins, "formats": formats}, indent=2, ensure_ascii=False))
        return 0
    print("Built-in datasets:")
    for name, description in builtins.items():
        print(f"  {name:<18} {description}")
    print("File formats (--dataset FORMAT:PATH):")
    for name, description in formats.items():
        print(f"  {name:<18} {description}")
    return 0
