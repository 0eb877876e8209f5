"""Share of the demo world's planted complement pairs that the GNN scores higher in their planted direction.

Run: .venv/bin/python bench/related_demo.py [--customers N] [--days D] [--seed S]

The demo world plants pairs (a, b), such as a phone and its case, that shoppers buy in the
order a then b and never the other way. For each pair the script compares relevance(a, b) with
relevance(b, a) under the default model settings and prints the share with relevance(a, b) >
relevance(b, a), the test metrics of that model, and its training time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recsys_core.data import demo  # noqa: E402
from recsys_core.related.service import train_related  # noqa: E402
from recsys_core.related.train import RelatedParams  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=demo.DEFAULT_CUSTOMERS, help="simulated shoppers")
    parser.add_argument("--days", type=int, default=demo.DEFAULT_DAYS, help="simulated days")
    parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="random seed of the world")
    args = parser.parse_args()

    # A fresh cache, so the model is trained in this run and its training time is measured.
    os.environ["RECSYS_CACHE_DIR"] = tempfile.mkdtemp(prefix="related-demo-bench-")
    dataset, truth = demo.generate(customers=args.customers, days=args.days, seed=args.seed)
    params = RelatedParams()
    started = time.perf_counter()
    model = train_related(dataset, params)
    seconds = time.perf_counter() - started

    index = model.graph.index
    pairs = [(a, b) for a, b in truth.complement_pairs if a in index and b in index]
    first = torch.tensor([index[a] for a, _ in pairs])
    second = torch.tensor([index[b] for _, b in pairs])
    forward = model.scorer.score_pairs(first, second)
    backward = model.scorer.score_pairs(second, first)
    share = float((forward > backward).float().mean())
    print(json.dumps({
        "planted_pairs": len(pairs),
        "share_higher_in_planted_direction": round(share, 4),
        "test": model.meta["test"],
        "seconds_with_feature_encoding": round(seconds, 1),
        "params": params.to_dict(),
        "load_average": os.getloadavg(),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
