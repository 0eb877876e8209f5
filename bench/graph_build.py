"""Benchmark: build the Complete Journey product graph from its 1.46M order rows (target ≤ 60 s).

Run with ``python bench/graph_build.py [--repeats N]``. The dataset is loaded once (from the
artefact cache when present); each repeat then builds the graph from scratch with the disk
cache off. Timings on a shared machine are noisy, so the script also times a fixed NumPy
workload (sorting 5M random floats) in the same run and prints each figure as a ratio to it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# Run from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recsys_core.data import load_dataset
from recsys_core.graph import GraphParams, build_graph


def baseline_seconds(repeats: int) -> float:
    """Median time to sort 5M random float64 values, a fixed yardstick for this machine's speed."""
    values = np.random.default_rng(0).random(5_000_000)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        np.sort(values)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="graph builds to time (default: 3)")
    args = parser.parse_args()

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}")
    print(f"load average before: {os.getloadavg()}")
    baseline = baseline_seconds(5)
    print(f"baseline (sort 5M floats, median of 5): {baseline:.3f} s")

    started = time.perf_counter()
    dataset = load_dataset("completejourney")
    load_seconds = time.perf_counter() - started
    print(f"load completejourney: {load_seconds:.1f} s ({len(dataset.orders):,} order rows, "
          f"{len(dataset.products):,} products)")

    params = GraphParams()
    times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        graph = build_graph(dataset, params, use_cache=False)
        times.append(time.perf_counter() - started)
    stats = graph.stats()
    build = statistics.median(times)
    print(f"build graph, median of {args.repeats}: {build:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)}; {build / baseline:.0f}x baseline)")
    print(f"graph: {stats['edges']['co-purchase']:,} co-purchase edges, "
          f"{stats['edges']['co-view']:,} co-view proxy edges, reciprocity {stats['reciprocity']:.3f}")

    started = time.perf_counter()
    build_graph(dataset, params)  # writes the disk cache if missing
    started = time.perf_counter()
    build_graph(dataset, params)
    cached = time.perf_counter() - started
    print(f"read graph from disk cache: {cached:.2f} s ({cached / baseline:.1f}x baseline)")
    print(f"target: build ≤ 60 s -> {'met' if build <= 60 else 'NOT met'}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
