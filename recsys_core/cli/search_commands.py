"""CLI commands of query attribute search.

``recsys analyze-query "TEXT" [--json]`` analyses one query with the dataset's search models,
training them first when the artefact cache has none. ``recsys train search [--bio-file PATH]``
trains them; ``recsys evaluate search [--json]`` scores them on held-out queries.

``evaluate search`` is a target of `recsys_core.cli.evaluate`, registered at import time.
``train search`` is a target of the shared ``train`` command (see
`recsys_core.cli.command_targets`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from recsys_core.cli import add_dataset_argument, command_targets, progress_for
from recsys_core.cli.evaluate import register_evaluator
from recsys_core.data import load_dataset

logger = logging.getLogger(__name__)

DEFAULT_DATASET = "demo"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze-query", help="show a search query's intents, explicit and implicit attributes",
        description="Analyse one search query: product-type intents with calibrated probabilities, the "
                    "attributes it states (BIO tagging) and the attributes it implies (random walk on "
                    "the attribute graph). Trains the dataset's search models first if needed.",
    )
    parser.add_argument("text", metavar="TEXT", help="the query, quoted, such as \"iphone 8\"")
    add_dataset_argument(parser, default=DEFAULT_DATASET)
    parser.add_argument("--country", help="marketplace whose product types the intents use (default: all types)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="probability at which an intent is shown and seeds the walk (default: 0.3)")
    parser.add_argument("--restart", type=float, default=None,
                        help="restart probability of the random walk, between 0 and 1 (default: 0.3)")
    parser.add_argument("--top-n", type=int, default=10, help="number of implicit attributes (default: 10)")
    parser.add_argument("--method", choices=("walk", "cooccurrence"), default="walk",
                        help="ranking of implicit attributes: the random walk or the co-occurrence baseline")
    parser.add_argument("--json", action="store_true", help="print the analysis as JSON")
    parser.set_defaults(func=run_analyze_query)

    targets = command_targets(subparsers, "train", "train a model and save it in the cache")
    target = targets.add_parser("search", help="train the query attribute search models")
    add_train_arguments(target)
    target.set_defaults(func=train_command)


def _load_models(args: argparse.Namespace, retrain: bool = False):
    from recsys_core.search.models import SearchParams, load_or_train

    dataset = load_dataset(args.dataset, progress=progress_for(args))
    params = SearchParams.from_environment()
    bio_file = getattr(args, "bio_file", None)
    if bio_file and not Path(bio_file).expanduser().is_file():
        raise FileNotFoundError(f"BIO file {bio_file!r} does not exist; give the path of a CoNLL token<TAB>tag file")
    return dataset, load_or_train(dataset, params, bio_file=bio_file, progress=progress_for(args), retrain=retrain)


def run_analyze_query(args: argparse.Namespace) -> int:
    from recsys_core.search.analyzer import QueryAnalyzer
    from recsys_core.search.text import clean_query

    clean_query(args.text)  # reject an empty query before any model loads
    _, models = _load_models(args)
    analyzer = QueryAnalyzer(models, top_n=args.top_n)
    result = analyzer.analyze(args.text, country=args.country, intent_threshold=args.threshold,
                              restart=args.restart, method=args.method)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return 0
    for warning in result.warnings:
        print(f"note: {warning}", file=sys.stderr)
    print(f"Query: {result.query}")
    print(f"Intents (probability >= {result.threshold:.2f}):")
    shown = result.shown_intents()
    for kind, probability in shown:
        print(f"  {kind:<28} {probability:.3f}")
    if not shown:
        best = result.intents.head(3)
        print("  none; most likely: " + ", ".join(f"{t} {p:.3f}" for t, p in zip(best["type"], best["probability"])))
    print("Explicit attributes:")
    for row in result.spans.itertuples():
        print(f"  {row.type:<28} {row.text}")
    if result.spans.empty:
        print("  none")
    print(f"Implicit attributes ({args.method}):")
    for row in result.implicit.itertuples():
        print(f"  {row.key + ':' + row.value:<40} {row.source:<11} {row.confidence:.3f}")
    if result.implicit.empty:
        print("  none: the query states nothing that the attribute graph knows")
    return 0


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``recsys train search``."""
    add_dataset_argument(parser, default=DEFAULT_DATASET)
    parser.add_argument("--bio-file", metavar="PATH",
                        help="train the attribute tagger on this CoNLL BIO file (token<TAB>tag lines) instead of "
                             "the dataset's tagged queries")
    parser.add_argument("--retrain", action="store_true", help="train again even when a cached model exists")
    parser.add_argument("--json", action="store_true", help="print the training summary as JSON")


def train_command(args: argparse.Namespace) -> int:
    """Train (or load) the search models of ``args.dataset`` and print a summary."""
    _, models = _load_models(args, retrain=args.retrain)
    summary = {
        "dataset": args.dataset,
        "bio_file": args.bio_file,
        "intent_types": len(models.intent.types_),
        "intent_temperature": models.intent.temperature_,
        "tagger_tags": models.tagger.tags_ if models.tagger is not None else [],
        "graph": models.graph.info,
        "timings_s": models.info.get("timings", {}),
        "gnn": {k: v for k, v in models.info.get("gnn", {}).items() if k != "params"},
    }
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
        return 0
    print(f"Search models for {args.dataset}:")
    print(f"  intent classifier: {summary['intent_types']} product types, temperature {summary['intent_temperature']:.2f}")
    print(f"  attribute tagger: {len(summary['tagger_tags'])} BIO tags")
    print(f"  attribute graph: {models.graph.num_nodes} values, edges {models.graph.info.get('edges_per_relation')}")
    timings = summary["timings_s"]
    if timings:
        print(f"  training time: {timings.get('total_s', 0):.0f} s (loaded from cache if not retrained)")
    return 0


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``recsys evaluate search`` beyond the shared --dataset, --no-progress and --json."""
    for action in parser._actions:  # the shared --dataset defaults to a dataset without a search log
        if action.dest == "dataset":
            action.default = DEFAULT_DATASET
            action.help = ("dataset spec: a built-in name (see 'recsys datasets') or FORMAT:PATH "
                           f"(default: {DEFAULT_DATASET})")
    parser.add_argument("--threshold", type=float, default=0.3, help="intent probability threshold (default: 0.3)")
    parser.add_argument("--top-k", type=int, default=5, help="cut-off of hit@k for implicit attributes (default: 5)")
    parser.add_argument("--max-queries", type=int, default=1000,
                        help="held-out queries scored for implicit attributes (default: 1000)")


def evaluate_command(args: argparse.Namespace) -> int:
    """Score the search models on held-out queries of ``args.dataset`` and print the scores."""
    from recsys_core.search.evaluation import evaluate_search

    dataset, models = _load_models(args)
    truth = _demo_truth(args.dataset, dataset)
    scores = evaluate_search(dataset, models, truth, threshold=args.threshold, top_k=args.top_k,
                             max_queries=args.max_queries, progress=progress_for(args))
    if args.json:
        print(json.dumps(scores, indent=2, default=str))
        return 0
    intent = scores["intent"]
    print(f"Search evaluation on {scores['dataset']} (held-out share {scores['holdout_fraction']:.0%})")
    print(f"  intents ({intent['queries']} queries, gold: {intent['gold']}): micro-F1 {intent['micro_f1']:.3f}, "
          f"macro-F1 {intent['macro_f1']:.3f}, top-1 accuracy {intent['top1_accuracy']:.3f}")
    attributes = scores["attributes"]
    if attributes:
        print(f"  attribute spans ({attributes['queries']} queries): micro-F1 {attributes['micro_f1']:.3f}")
        for kind, row in attributes["per_type"].items():
            print(f"    {kind:<20} F1 {row['f1']:.3f}  (support {row['support']})")
    implicit = scores["implicit"]
    if implicit:
        k = scores["top_k"]
        print(f"  implicit attributes ({implicit['queries']} queries): hit@{k} {implicit[f'hit_at_{k}']:.3f}, "
              f"recall@{k} {implicit[f'recall_at_{k}']:.3f}; co-occurrence baseline hit@{k} "
              f"{implicit[f'baseline_hit_at_{k}']:.3f}, recall@{k} {implicit[f'baseline_recall_at_{k}']:.3f}")
    else:
        print("  implicit attributes: not scored (the dataset has no planted truth)")
    return 0


def _demo_truth(spec: str, dataset):
    """Return the planted truth of the demo world (built-in or a ``recsys demo`` folder), else None."""
    from recsys_core.data import demo

    if spec == "demo":
        return demo.load_truth()
    if spec.startswith("folder:"):
        folder = Path(spec.split(":", 1)[1]).expanduser()
        if (folder / demo.TRUTH_FILE).is_file():
            return demo.read_truth(folder)
    return None


register_evaluator(
    "search", "score intents, attribute spans and implicit attributes on held-out queries (default dataset: demo)",
    add_evaluate_arguments, evaluate_command)
