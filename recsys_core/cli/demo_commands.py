"""CLI command ``recsys demo``: generate a demo world, write it as a dataset folder, check it."""

from __future__ import annotations

import argparse
import json
import time

from recsys_core.cli import progress_for
from recsys_core.data import demo, demo_checks, folder


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="simulate the demo world and write it as a dataset folder with its truth.json",
        description="Simulate shoppers over the curated demo catalog and write the tables (folder format) "
                    "with truth.json beside them. Read the result with --dataset folder:FOLDER.",
    )
    parser.add_argument("--customers", type=int, default=demo.DEFAULT_CUSTOMERS,
                        help=f"number of simulated shoppers (default: {demo.DEFAULT_CUSTOMERS})")
    parser.add_argument("--days", type=int, default=demo.DEFAULT_DAYS,
                        help=f"length of the simulated period in days (default: {demo.DEFAULT_DAYS})")
    parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED,
                        help=f"random seed; the same seed gives identical tables (default: {demo.DEFAULT_SEED})")
    parser.add_argument("--out", metavar="FOLDER",
                        help="folder to write; replaced if it exists (default: a folder in the artefact cache)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--no-progress", action="store_true", help="do not print progress lines")
    parser.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    target = demo.materialize(customers=args.customers, days=args.days, seed=args.seed, out=args.out,
                              progress=progress_for(args))
    elapsed = time.perf_counter() - started

    dataset = folder.load(str(target))
    truth = demo.read_truth(target)
    checks = demo_checks.summary(dataset, truth)
    result = {
        "folder": str(target),
        "dataset_spec": f"folder:{target}",
        "params": {"customers": args.customers, "days": args.days, "seed": args.seed},
        "seconds": round(elapsed, 2),
        "digest": demo.dataset_digest(dataset),
        "counts": dataset.info.get("counts", {}),
        "checks": checks,
        "examples": truth.examples,
    }

    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"Demo world: {args.customers:,} customers, {args.days} days, seed {args.seed} "
          f"({elapsed:.1f} s)")
    print(f"  written to {target}")
    print(f"  use it with: --dataset folder:{target}")
    for name, value in result["counts"].items():
        print(f"  {name.replace('_', ' '):<28} {value:,}")
    print("Checks against the planted truth:")
    print(f"  planted complement pairs found only in their direction: "
          f"{checks['planted_direction_only_share']:.1%} of {checks['planted_complement_pairs']}")
    print(f"  co-view edges between products of the same type:      {checks['coview_same_type_share']:.1%}")
    print(f"  consumables whose fitted mu is within 0.1 of planted:   "
          f"{checks['consumables_mu_within_0_1']} of {checks['consumables_fitted']}")
    print(f"  countries with their own label space:                   "
          f"{checks['distinct_label_spaces']} of {checks['countries']}")
    print(f"  table digest (sha256): {result['digest']}")
    return 0
