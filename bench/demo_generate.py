"""Benchmark the demo world: generation time, scaling in customers, and the planted-truth checks.

Run:  .venv/bin/python bench/demo_generate.py [--repeats 3] [--seeds 1 2 3 7]

Timings are noisy on a shared machine, so each is also printed as a ratio to a baseline job
measured in the same run: sorting 2 million random floats in pure Python, three times.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recsys_core.data import demo, demo_checks  # noqa: E402


def baseline_seconds() -> float:
    rng = random.Random(0)
    values = [rng.random() for _ in range(2_000_000)]
    started = time.perf_counter()
    for _ in range(3):
        sorted(values)
    return time.perf_counter() - started


def timed_generate(**params) -> tuple[float, object, object]:
    started = time.perf_counter()
    dataset, truth = demo.generate(**params)
    return time.perf_counter() - started, dataset, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of the default world to time (default: 3)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 7],
                        help="seeds whose default-size worlds are checked (default: 1 2 3 7)")
    parser.add_argument("--scaling", type=int, nargs="+", default=[500, 2000, 8000],
                        help="customer counts timed for scaling (default: 500 2000 8000)")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average at start: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    baseline = baseline_seconds()
    print(f"baseline (sort 2M floats x3): {baseline:.2f} s")

    times, digests = [], set()
    for _ in range(args.repeats):
        seconds, dataset, _ = timed_generate()
        times.append(seconds)
        digests.add(demo.dataset_digest(dataset))
    median = statistics.median(times)
    print(f"default world ({demo.DEFAULT_CUSTOMERS} customers, {demo.DEFAULT_DAYS} days): "
          f"median {median:.2f} s over {args.repeats} runs (min {min(times):.2f}, max {max(times):.2f}), "
          f"{median / baseline:.2f} x baseline; identical tables in every run: {len(digests) == 1}")

    print("scaling (365 days, seed 7):")
    for customers in args.scaling:
        seconds, dataset, _ = timed_generate(customers=customers)
        print(f"  {customers:>6} customers: {seconds:6.2f} s ({seconds / baseline:5.2f} x baseline), "
              f"{len(dataset.orders):>8,} orders, {dataset.info['counts']['sessions']:>7,} sessions")

    print("checks against the planted truth (default size):")
    print("  seed  direction-only  reverse  coview-same-type  mu-within-0.1  distinct-queries  label-spaces")
    for seed in args.seeds:
        _, dataset, truth = timed_generate(seed=seed)
        checks = demo_checks.summary(dataset, truth)
        print(f"  {seed:>4}  {checks['planted_direction_only_share']:>13.1%}  {checks['reverse_edges']:>7}  "
              f"{checks['coview_same_type_share']:>16.1%}  "
              f"{checks['consumables_mu_within_0_1']:>6} of {checks['consumables_fitted']:<4}  "
              f"{checks['search_queries']:>16,}  {checks['distinct_label_spaces']:>5} of {checks['countries']}")
    print(f"load average at end: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
