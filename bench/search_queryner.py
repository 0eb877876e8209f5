"""Benchmark: the BIO attribute tagger against a gazetteer baseline on QueryNER.

Trains the MiniLM tagger on QueryNER's train split and reports exact-match span F1 on the
test split (micro and per type), next to a gazetteer built from the same training split.

    .venv/bin/python bench/search_queryner.py [--data DIR] [--epochs N] [--layers N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recsys_core.data.conll import read_conll  # noqa: E402
from recsys_core.search.gazetteer import GazetteerTagger  # noqa: E402
from recsys_core.search.metrics import span_scores  # noqa: E402
from recsys_core.search.tagger import BioTagger, TaggerParams  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "queryner"
REPORTED_TYPES = ("creator", "color", "core_product_type")


def every_tenth():
    """Progress callback that prints one line per tenth of the job."""
    printed = set()

    def show(fraction: float, message: str) -> None:
        tenth = int(10 * fraction)
        if tenth not in printed:
            printed.add(tenth)
            print(f"  [{100 * fraction:5.1f}%] {message}", flush=True)

    return show


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with train.conll and test.conll")
    parser.add_argument("--epochs", type=int, default=2, help="fine-tuning epochs (default 2)")
    parser.add_argument("--layers", type=int, default=6, help="encoder layers kept, 1 to 6 (default 6)")
    parser.add_argument("--max-length", type=int, default=32, help="word pieces per query (default 32)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    train = read_conll(args.data / "train.conll")
    test = read_conll(args.data / "test.conll")
    print(f"train {len(train)} queries, test {len(test)} queries; load average {os.getloadavg()}")

    started = time.perf_counter()
    gazetteer = GazetteerTagger().fit(train["tokens"], train["tags"])
    gazetteer_scores = span_scores(test["tags"], gazetteer.predict(test["tokens"]))
    gazetteer_seconds = time.perf_counter() - started

    started = time.perf_counter()
    params = TaggerParams(num_layers=args.layers, max_length=args.max_length, epochs=args.epochs, batch_size=32)
    tagger = BioTagger(params).fit(list(train["tokens"]), list(train["tags"]), progress=every_tenth())
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model_scores = span_scores(test["tags"], tagger.predict(list(test["tokens"])))
    predict_seconds = time.perf_counter() - started

    rows = ["micro", *REPORTED_TYPES]
    print(f"\n{'span F1 (test)':<20}{'MiniLM tagger':>15}{'gazetteer':>12}{'support':>9}")
    for kind in rows:
        model_f1 = model_scores.loc[kind, "f1"] if kind in model_scores.index else 0.0
        gazetteer_f1 = gazetteer_scores.loc[kind, "f1"] if kind in gazetteer_scores.index else 0.0
        support = int(model_scores.loc[kind, "support"]) if kind in model_scores.index else 0
        print(f"{kind:<20}{100 * model_f1:>15.1f}{100 * gazetteer_f1:>12.1f}{support:>9}")
    margin = 100 * (model_scores.loc["micro", "f1"] - gazetteer_scores.loc["micro", "f1"])
    print(f"\nmicro-F1 margin over the gazetteer: {margin:+.1f} points")
    print(f"tagger training {train_seconds:.0f} s ({args.epochs} epochs, {args.layers} layers, "
          f"max length {args.max_length}); test prediction {predict_seconds:.1f} s; gazetteer {gazetteer_seconds:.1f} s")
    print(f"load average after: {os.getloadavg()}; {platform.machine()}, {os.cpu_count()} cores")
    if args.json:
        args.json.write_text(json.dumps({
            "model": model_scores.reset_index().to_dict(orient="records"),
            "gazetteer": gazetteer_scores.reset_index().to_dict(orient="records"),
            "train_seconds": train_seconds, "margin_points": margin,
        }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
