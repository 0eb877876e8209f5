"""Time top-10 related-product lookups over 100,000 products with synthetic embeddings.

Run: .venv/bin/python bench/related_lookup.py [--products N] [--dim D] [--queries Q]

The lookup is `GNNScorer.recommend`, the one the app and CLI use: a matrix-vector product of the
[N, d] target matrix with source(q), then torch.topk. Its time depends on N and d only, so
synthetic embeddings time it as well as trained ones. Prints p50, p95 and p99
in milliseconds, the load average, and a fixed reference computation from the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recsys_core.related.train import GNNScorer, RelatedParams  # noqa: E402


def reference_seconds() -> float:
    """Median time of a fixed 1024 x 1024 float32 matrix product: a yardstick for machine speed."""
    a = torch.randn(1024, 1024, generator=torch.Generator().manual_seed(0))
    times = []
    for _ in range(7):
        started = time.perf_counter()
        a @ a
        times.append(time.perf_counter() - started)
    return sorted(times)[3]


def synthetic_scorer(products: int, dim: int) -> GNNScorer:
    generator = torch.Generator().manual_seed(0)
    scorer = GNNScorer(RelatedParams(dim=dim))
    scorer.source_ = F.normalize(torch.randn(products, dim, generator=generator), dim=1)
    scorer.target_ = F.normalize(torch.randn(products, dim, generator=generator), dim=1)
    scorer.cold_ = np.zeros(products, dtype=bool)
    return scorer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000, help="catalog size (default: 100000)")
    parser.add_argument("--dim", type=int, default=64, help="embedding width (default: 64)")
    parser.add_argument("--queries", type=int, default=2000, help="timed lookups (default: 2000)")
    parser.add_argument("-k", type=int, default=10, help="list length (default: 10)")
    args = parser.parse_args()

    scorer = synthetic_scorer(args.products, args.dim)
    queries = np.random.default_rng(1).integers(0, args.products, size=args.queries + 100)
    for query in queries[:100]:  # warm-up
        scorer.recommend(int(query), args.k)
    reference = reference_seconds()
    times = []
    for query in queries[100:]:
        started = time.perf_counter()
        scorer.recommend(int(query), args.k)
        times.append(time.perf_counter() - started)
    milliseconds = np.array(times) * 1000
    p50, p95, p99 = np.percentile(milliseconds, [50, 95, 99])
    print(f"products {args.products}, dim {args.dim}, k {args.k}, lookups {args.queries}, "
          f"torch threads {torch.get_num_threads()}")
    print(f"top-{args.k} lookup ms: p50 {p50:.2f}  p95 {p95:.2f}  p99 {p99:.2f}")
    print(f"reference 1024x1024 matmul {reference * 1000:.1f} ms; p95 / reference = {p95 / (reference * 1000):.2f}")
    print(f"load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
