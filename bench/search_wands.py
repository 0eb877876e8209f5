"""Benchmark: intent classification on WANDS queries, MiniLM classifier against TF-IDF logistic regression.

Five-fold cross-validation (shuffled, fixed seed) over the WANDS queries that have a product
class. Each fold fine-tunes the intent classifier (one-hot targets, one label space) and fits
a TF-IDF (word 1-2-grams and character 3-5-grams) logistic regression on the same training
queries, then scores top-1 and top-5 accuracy on the held-out fold. A class that no training
query of a fold has counts as a miss for both models.

    .venv/bin/python bench/search_wands.py [--data query.csv] [--epochs N] [--layers N]
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

from recsys_core.data.wands import read_queries  # noqa: E402
from recsys_core.search.intent import IntentClassifier, IntentParams  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wands" / "query.csv"


def top_k_hits(probabilities: np.ndarray, classes: list[str], gold: list[str], k: int) -> np.ndarray:
    order = np.argsort(-probabilities, axis=1)[:, :k]
    return np.array([g in {classes[i] for i in row} for row, g in zip(order, gold)])


def tfidf_baseline(train_text, train_labels, test_text):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    model = make_pipeline(
        make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)),
        LogisticRegression(C=20.0, max_iter=3000),
    )
    model.fit(train_text, train_labels)
    return model.predict_proba(test_text), list(model.classes_)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="WANDS query.csv")
    parser.add_argument("--epochs", type=int, default=12, help="fine-tuning epochs per fold (default 12)")
    parser.add_argument("--layers", type=int, default=6, help="encoder layers kept, 1 to 6 (default 6)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    from sklearn.model_selection import KFold

    frame = read_queries(args.data)
    frame = frame[frame["intent"] != ""].reset_index(drop=True)
    print(f"{len(frame)} queries with a class, {frame['intent'].nunique()} classes; load average {os.getloadavg()}")
    texts, labels = frame["query"].tolist(), frame["intent"].tolist()
    results = {"model": {"top1": [], "top5": []}, "tfidf": {"top1": [], "top5": []}}
    seconds = {"model": 0.0, "tfidf": 0.0}
    for fold, (train, test) in enumerate(KFold(args.folds, shuffle=True, random_state=0).split(texts), start=1):
        train_text, test_text = [texts[i] for i in train], [texts[i] for i in test]
        train_labels, test_labels = [labels[i] for i in train], [labels[i] for i in test]

        started = time.perf_counter()
        probabilities, classes = tfidf_baseline(train_text, train_labels, test_text)
        seconds["tfidf"] += time.perf_counter() - started
        results["tfidf"]["top1"].append(top_k_hits(probabilities, classes, test_labels, 1).mean())
        results["tfidf"]["top5"].append(top_k_hits(probabilities, classes, test_labels, 5).mean())

        started = time.perf_counter()
        classes = sorted(set(train_labels))
        index = {c: i for i, c in enumerate(classes)}
        targets = np.zeros((len(train_text), len(classes)), dtype=np.float32)
        targets[np.arange(len(train_text)), [index[c] for c in train_labels]] = 1.0
        params = IntentParams(num_layers=args.layers, epochs=args.epochs, batch_size=16, head_lr=5e-3, seed=fold)
        model = IntentClassifier(params).fit(train_text, ["all"] * len(train_text), targets, classes)
        probabilities = model.predict_proba(test_text)
        seconds["model"] += time.perf_counter() - started
        results["model"]["top1"].append(top_k_hits(probabilities, classes, test_labels, 1).mean())
        results["model"]["top5"].append(top_k_hits(probabilities, classes, test_labels, 5).mean())
        print(f"fold {fold}: MiniLM top-1 {results['model']['top1'][-1]:.3f} top-5 {results['model']['top5'][-1]:.3f}; "
              f"TF-IDF top-1 {results['tfidf']['top1'][-1]:.3f} top-5 {results['tfidf']['top5'][-1]:.3f}", flush=True)

    print(f"\n{'5-fold accuracy':<28}{'top-1':>12}{'top-5':>12}{'seconds':>10}")
    for name, label in (("model", f"MiniLM intent ({args.layers} layers)"), ("tfidf", "TF-IDF logistic regression")):
        top1, top5 = np.array(results[name]["top1"]), np.array(results[name]["top5"])
        print(f"{label:<28}{100 * top1.mean():>7.1f} ±{100 * top1.std():>4.1f}"
              f"{100 * top5.mean():>7.1f} ±{100 * top5.std():>4.1f}{seconds[name]:>10.0f}")
    print(f"load average after: {os.getloadavg()}; {platform.machine()}, {os.cpu_count()} cores")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "seconds": seconds}, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
