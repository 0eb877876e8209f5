"""Benchmark: training time of the default search models and one query's analysis latency.

Trains the default search models of the demo world (`SearchParams()`), unless ``--reuse``
finds them in the artefact cache, then analyses held-out demo queries one at a time with all
three modules and prints p50 / p95 / max latency per module. A fixed reference workload
(a 384 x 384 float32 matrix product repeated, single thread) is timed in the same run, so the
figures can be compared across machines and loads as ratios. Training runs on one thread, so
its CPU time is close to the wall time it would take on an idle machine.

    .venv/bin/python bench/search_latency.py [--queries N] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recsys_core.data import load_dataset  # noqa: E402
from recsys_core.search.analyzer import QueryAnalyzer  # noqa: E402
from recsys_core.search.models import SearchParams, is_held_out, load_or_train  # noqa: E402


def reference_ms(repeats: int = 200) -> float:
    """Median milliseconds of one 384 x 384 float32 matrix product, as a machine-speed yardstick."""
    import torch

    torch.set_num_threads(1)
    a = torch.randn(384, 384)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ a
        times.append(1000 * (time.perf_counter() - start))
    return float(np.median(times))


def every_tenth():
    """Progress callback that prints one line per tenth of the job."""
    printed = set()

    def show(fraction: float, message: str) -> None:
        if int(10 * fraction) not in printed:
            printed.add(int(10 * fraction))
            print(f"  [{100 * fraction:5.1f}%] {message}", flush=True)

    return show


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300, help="held-out queries analysed (default 300)")
    parser.add_argument("--reuse", action="store_true", help="load cached models instead of retraining them")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    print(f"load average before: {os.getloadavg()}; {platform.machine()}, {os.cpu_count()} cores")
    reference_before = reference_ms()
    dataset = load_dataset("demo")
    params = SearchParams()
    started, cpu_started = time.perf_counter(), time.process_time()
    models = load_or_train(dataset, params, retrain=not args.reuse, progress=every_tenth())
    train_seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    timings = models.info.get("timings", {})
    print(f"training the default search models: {train_seconds:.0f} s wall, {cpu_seconds:.0f} s CPU "
          f"(tagger {timings.get('tagger_s', 0):.0f} s, intent {timings.get('intent_s', 0):.0f} s, "
          f"graph and embeddings {timings.get('graph_s', 0):.0f} s wall){' [reused]' if args.reuse else ''}")
    print(f"load average after training: {os.getloadavg()}")

    analyzer = QueryAnalyzer(models)
    queries = [q for q in dataset.search_log["query"].drop_duplicates() if is_held_out(q, params.holdout_fraction)]
    queries = queries[:args.queries]
    for query in queries[:10]:
        analyzer.analyze(query)  # warm-up
    per_module: dict[str, list[float]] = {"intent": [], "attributes": [], "implicit": [], "total": []}
    for query in queries:
        start = time.perf_counter()
        result = analyzer.analyze(query, country="US")
        wall = 1000 * (time.perf_counter() - start)
        for module in ("intent", "attributes", "implicit"):
            per_module[module].append(result.timings_ms[module])
        per_module["total"].append(wall)
    reference_after = reference_ms()

    print(f"\none query's analysis over {len(queries)} held-out demo queries (ms)")
    print(f"{'module':<12}{'p50':>8}{'p95':>8}{'max':>8}")
    figures = {}
    for module, values in per_module.items():
        values = np.array(values)
        figures[module] = {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)),
                           "max": float(values.max())}
        print(f"{module:<12}{figures[module]['p50']:>8.1f}{figures[module]['p95']:>8.1f}{figures[module]['max']:>8.1f}")
    reference = (reference_before + reference_after) / 2
    print(f"\nreference 384x384 matmul: {reference_before:.3f} ms before, {reference_after:.3f} ms after; "
          f"p95 total = {figures['total']['p95'] / reference:.0f} x reference")
    print(f"load average after: {os.getloadavg()}")
    if args.json:
        args.json.write_text(json.dumps({"train_seconds": timings, "train_cpu_seconds": cpu_seconds,
                                         "latency_ms": figures,
                                         "reference_ms": [reference_before, reference_after]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
