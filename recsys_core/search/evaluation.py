"""Held-out evaluation of the search models: intents, attribute spans and implicit attributes.

The held-out queries are the ones `models.is_held_out` selects; no model saw them in training.

- Intents: micro- and macro-F1 of the shown intents (probability at or above the threshold)
  against the true intents of each (country, query) pair. The demo world plants them. Other
  datasets use the types that received at least `gold_share` of the pair's clicks.
- Explicit attributes: exact span-and-type F1 (micro and per type) of the tagger.
- Implicit attributes (demo world only): hit@k and recall@k of the walk's top k against the
  planted answers of each query: attribute values shared by every matching product,
  complement types and substitute brands. The co-occurrence baseline is scored the same way.
"""

from __future__ import annotations

import logging
import time
from typing import Optional

import numpy as np
import pandas as pd

from recsys_core.data.schema import Dataset
from recsys_core.progress import ProgressCallback, report
from recsys_core.search.analyzer import DEFAULT_INTENT_THRESHOLD, QueryAnalyzer
from recsys_core.search.graph import node_name
from recsys_core.search.intent import click_labels
from recsys_core.search.metrics import set_f1, span_scores
from recsys_core.search.models import SearchModels, is_held_out

logger = logging.getLogger(__name__)


def planted_implicit(row) -> set[str]:
    """Nodes a query implies in the demo truth: shared attribute values, complement types, substitute brands."""
    nodes = {node_name(key, value) for key, value in (row.implied or {}).items()}
    nodes |= {node_name("type", kind) for kind in (row.complement_types or [])}
    nodes |= {node_name("brand", brand) for brand in (row.substitute_brands or [])}
    return {n for n in nodes if n}


def evaluate_search(dataset: Dataset, models: SearchModels, truth=None,
                    threshold: float = DEFAULT_INTENT_THRESHOLD, top_k: int = 5, gold_share: float = 0.3,
                    max_queries: Optional[int] = 1000, progress: Optional[ProgressCallback] = None) -> dict:
    """Score the models on the held-out queries of `dataset`; see the module docstring.

    Parameters
    ----------
    truth
        The demo world's `DemoTruth`; without it, intents come from clicks and implicit
        attributes are not scored.
    max_queries
        Cap on the held-out (country, query) pairs scored for implicit attributes, taken in a
        fixed order; ``None`` scores all.
    """
    holdout = models.params.holdout_fraction
    if holdout <= 0:
        raise ValueError("the models were trained without a held-out split (holdout_fraction=0); "
                         "train them with a positive holdout_fraction to evaluate")
    started = time.perf_counter()
    result: dict = {"dataset": dataset.name, "threshold": threshold, "top_k": top_k,
                    "holdout_fraction": holdout}

    report(progress, 0.05, "Scoring intents on held-out queries")
    if truth is not None:
        gold_frame = truth.query_truth[truth.query_truth["query"].map(lambda q: is_held_out(q, holdout))]
        gold_frame = gold_frame.reset_index(drop=True)
        gold_sets = [set(intents) for intents in gold_frame["intents"]]
        intent_source = "planted intents of the demo world"
    else:
        labels = click_labels(dataset.require("search_log", "evaluation"), dataset.require("products", "evaluation"))
        keep = labels.pairs["query"].map(lambda q: is_held_out(q, holdout)).to_numpy()
        gold_frame = labels.pairs[keep].reset_index(drop=True)
        gold_sets = [{labels.types[i] for i in np.flatnonzero(row >= gold_share)} for row in labels.targets[keep]]
        intent_source = f"types with at least {gold_share:.0%} of the clicks"
    probabilities = models.intent.predict_proba(list(gold_frame["query"]), list(gold_frame["country"]))
    predicted_sets = [{models.intent.types_[i] for i in np.flatnonzero(row >= threshold)} for row in probabilities]
    intents = set_f1(gold_sets, predicted_sets)
    top1 = [models.intent.types_[int(row.argmax())] in gold for row, gold in zip(probabilities, gold_sets)]
    result["intent"] = {**intents, "top1_accuracy": float(np.mean(top1)) if top1 else 0.0,
                        "queries": len(gold_frame), "gold": intent_source}

    report(progress, 0.3, "Scoring attribute spans on held-out queries")
    labelled = dataset.labelled_queries
    if models.tagger is not None and labelled is not None and not labelled.empty:
        held = labelled[labelled["query"].map(lambda q: is_held_out(q, holdout))]
        held = held[[any(t != "O" for t in tags) for tags in held["tags"]]]
        predicted = models.tagger.predict([[w.lower() for w in tokens] for tokens in held["tokens"]])
        spans = span_scores(list(held["tags"]), predicted)
        result["attributes"] = {
            "queries": int(len(held)),
            "micro_f1": float(spans.loc["micro", "f1"]) if "micro" in spans.index else 0.0,
            "per_type": {kind: {"f1": float(row.f1), "support": int(row.support)}
                         for kind, row in spans.drop(index="micro", errors="ignore").iterrows()},
        }
    else:
        result["attributes"] = None

    if truth is not None:
        result["implicit"] = _implicit_scores(models, gold_frame, threshold, top_k, max_queries, progress)
    else:
        result["implicit"] = None
    result["seconds"] = time.perf_counter() - started
    report(progress, 1.0, "Evaluation done")
    return result


def _implicit_scores(models: SearchModels, gold_frame: pd.DataFrame, threshold: float, top_k: int,
                     max_queries: Optional[int], progress) -> dict:
    analyzer = QueryAnalyzer(models, intent_threshold=threshold, top_n=top_k)
    rows = [row for row in gold_frame.itertuples() if planted_implicit(row)]
    if max_queries is not None:
        rows = rows[:max_queries]
    scores = {"walk": {"hits": 0, "recall": 0.0}, "cooccurrence": {"hits": 0, "recall": 0.0}}
    for position, row in enumerate(rows):
        planted = planted_implicit(row)
        for method in scores:
            analysis = analyzer.analyze(row.query, country=row.country, method=method, top_n=top_k)
            found = set(analysis.implicit["node"]) & planted
            scores[method]["hits"] += bool(found)
            scores[method]["recall"] += len(found) / len(planted)
        if position % 50 == 0:
            report(progress, 0.35 + 0.6 * position / max(1, len(rows)), f"Implicit attributes: query {position + 1}/{len(rows)}")
    n = max(1, len(rows))
    return {
        "queries": len(rows),
        f"hit_at_{top_k}": scores["walk"]["hits"] / n,
        f"recall_at_{top_k}": scores["walk"]["recall"] / n,
        f"baseline_hit_at_{top_k}": scores["cooccurrence"]["hits"] / n,
        f"baseline_recall_at_{top_k}": scores["cooccurrence"]["recall"] / n,
        "baseline": "co-occurrence: one step from the seeds, each seed's edges normalised",
    }
