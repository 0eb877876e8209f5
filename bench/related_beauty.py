"""Evaluate the related-products GNN, its ablations and the baselines on Amazon Beauty (2014).

Run: .venv/bin/python bench/related_beauty.py [--epochs N] [--json OUT]

Prints a Markdown table of test HitRate@10, MRR, direction AUC and selection-bias recall@10 per
scorer, the cold-start table and the training time of each model. It also prints the load
average and the time of a fixed reference computation from the same run, so timings compare as
ratios across machines and loads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recsys_core.data import load_dataset  # noqa: E402
from recsys_core.related.data import product_graph  # noqa: E402
from recsys_core.related.evaluate import split_copurchase  # noqa: E402
from recsys_core.related.features import product_features  # noqa: E402
from recsys_core.related.report import ablations, evaluate_cold_start, evaluate_related  # noqa: E402
from recsys_core.related.service import HOLDOUT, SPLIT_SEED, test_metrics, train_related  # noqa: E402
from recsys_core.related.train import RelatedParams  # noqa: E402

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "amazon_beauty_2014" / "meta.json.gz"


def reference_seconds() -> float:
    """Median time of a fixed 1024 x 1024 float32 matrix product: a yardstick for machine speed."""
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(1024, 1024, generator=generator)
    times = []
    for _ in range(7):
        started = time.perf_counter()
        a @ a
        times.append(time.perf_counter() - started)
    return sorted(times)[3]


def markdown(frame) -> str:
    """Format a DataFrame as a Markdown table, floats with four decimals."""
    def cell(value) -> str:
        return f"{value:.4f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def sweep(dataset, params: RelatedParams, weights: list[float], progress, retrain: bool) -> int:
    """Train one model per asymmetry weight and compare them on the validation edges only.

    Selection rule: the largest weight whose validation MRR is within 5% of the best validation
    MRR of the sweep, so direction is bought only while it costs little ranking quality.
    """
    graph = product_graph(dataset)
    split = split_copurchase(graph, HOLDOUT, SPLIT_SEED)
    rows = []
    for weight in weights:
        model = train_related(dataset, replace(params, asymmetry_weight=weight), progress, retrain=retrain)
        scorer = model.scorer.attach(split.train)  # embeddings from the training edges, as during training
        validation = test_metrics(scorer, split, graph, edges=split.validation)
        rows.append({"asymmetry weight": weight, "validation HitRate@10": validation["hit_rate@10"],
                     "validation MRR": validation["mrr"], "validation direction AUC": validation["direction_auc"],
                     "epochs": len(model.meta["history"]), "training time (s)": round(model.meta["train_seconds"])})
        print(json.dumps(rows[-1]), flush=True)
    frame = pd.DataFrame(rows)
    best = frame["validation MRR"].max()
    chosen = frame.loc[frame["validation MRR"] >= 0.95 * best, "asymmetry weight"].max()
    print(markdown(frame))
    print(f"\nchosen asymmetry weight: {chosen} (largest weight with validation MRR >= 95% of the best, {best:.4f})")
    print(f"load average after: {os.getloadavg()}; reference matmul {reference_seconds() * 1000:.1f} ms")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default=str(DEFAULT_PATH), help="McAuley 2014 metadata file (JSON lines, gzip)")
    parser.add_argument("--epochs", type=int, default=RelatedParams().epochs, help="maximum epochs per model")
    parser.add_argument("--no-ablations", action="store_true", help="skip the ablation models")
    parser.add_argument("--json", default=None, help="also write the report as JSON to this file")
    parser.add_argument("--encoder", default=RelatedParams().encoder, choices=["auto", "minilm", "tfidf"],
                        help="text encoder of the input features (default: auto)")
    parser.add_argument("--retrain", action="store_true",
                        help="train every model again instead of reusing the models saved in the cache")
    parser.add_argument("--saved-only", action="store_true",
                        help="collect only the ablation models already saved by --part runs, training none")
    parser.add_argument("--sweep", default=None, metavar="WEIGHTS",
                        help="instead of the table, train one model per asymmetry weight in this comma-separated "
                             "list and print validation MRR and direction AUC, with the weight the selection rule picks")
    parser.add_argument("--part", default=None,
                        help="compute one part and save it in the cache: a row label of the table (such as "
                             "'without asymmetry'), or 'cold' for the cold-start table; parts can run in "
                             "parallel processes, and a final run without --part collects them")
    args = parser.parse_args()

    started = time.perf_counter()
    dataset = load_dataset(f"amazon-meta:{args.path}")
    params = RelatedParams(epochs=args.epochs, encoder=args.encoder)
    print(f"load average before: {os.getloadavg()}; reference matmul {reference_seconds() * 1000:.1f} ms", flush=True)
    encoding_started = time.perf_counter()
    _, features = product_features(dataset.products, params.encoder, params.feature_dim)
    print(f"input features {features.shape} ready in {time.perf_counter() - encoding_started:.1f} s "
          "(encoded now or read from the cache)", flush=True)

    def progress(fraction: float, message: str) -> None:
        print(f"[{100 * fraction:5.1f}%] {message}", file=sys.stderr, flush=True)

    if args.sweep:
        return sweep(dataset, params, [float(w) for w in args.sweep.split(",")], progress, args.retrain)
    if args.part == "cold":
        evaluate_cold_start(dataset, params, progress, retrain=args.retrain)
        return 0
    if args.part:
        variant = [p for label, p in ablations(params) if args.part in label]
        if not variant:
            parser.error(f"no table row matches --part {args.part!r}; labels: {[l for l, _ in ablations(params)]}")
        model = train_related(dataset, variant[0], progress, retrain=args.retrain)
        print(json.dumps(model.meta["test"]))
        return 0
    result = evaluate_related(dataset, params, with_ablations=not args.no_ablations, progress=progress,
                              retrain=args.retrain, saved_only=args.saved_only)
    columns = ["scorer", "hit_rate@10", "mrr", "direction_auc", "selection_bias_recall@10", "train_seconds"]
    print(markdown(result.table[columns]))
    print()
    print(markdown(result.cold_start))
    print(f"\nparams: {params.to_dict()}")
    print(f"total {time.perf_counter() - started:.0f} s; load average after: {os.getloadavg()}; "
          f"reference matmul {reference_seconds() * 1000:.1f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
