"""The evaluation table: the model, its ablations and the baselines on one held-out split.

Every row uses the same split: 20% of co-purchase edges held out with a fixed seed, half for
validation and half for test. The GNN rows pick their epoch on validation and report test once.
The cold-start table holds out 10% of the products with all their edges and trains again.
The report is cached on disk next to the models, keyed by dataset and parameters.
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass, replace
from typing import Optional

import numpy as np
import pandas as pd
import torch

from recsys_core import cache
from recsys_core.data.schema import Dataset
from recsys_core.progress import ProgressCallback, report, scaled
from recsys_core.related.data import product_graph
from recsys_core.related.evaluate import ranks, split_copurchase, split_products, summarise
from recsys_core.related.features import product_features
from recsys_core.related.scorers import CooccurrenceScorer, PopularInCategoryScorer, PopularityScorer
from recsys_core.related.service import (HOLDOUT, SPLIT_SEED, dataset_fingerprint, model_folder, test_metrics,
                                         train_related)
from recsys_core.related.train import COLD_START_MODES, GNNScorer, RelatedParams

logger = logging.getLogger(__name__)

REPORT_VERSION = 2
COLD_FRACTION = 0.1

METRIC_HELP = {
    "hit_rate@10": "Share of held-out co-purchase edges (q, v) with v in q's top 10 (q's training neighbours excluded).",
    "mrr": "Mean reciprocal rank of v among all products for q; ties count half.",
    "direction_auc": "Share of held-out one-way edges (u, v) with relevance(u, v) > relevance(v, u); 0.5 = no sense of direction.",
    "selection_bias_recall@10": "Recall@10 on held-out edges that the training graph reaches from q only through a co-view edge.",
}


@dataclass
class EvaluationReport:
    """Test metrics per scorer (``table``) and cold-start metrics (``cold_start``)."""

    table: pd.DataFrame
    cold_start: pd.DataFrame
    params: dict

    def to_dict(self) -> dict:
        return {"params": self.params,
                "table": json.loads(self.table.to_json(orient="records")),
                "cold_start": json.loads(self.cold_start.to_json(orient="records"))}

    @classmethod
    def from_dict(cls, data: dict) -> "EvaluationReport":
        return cls(pd.DataFrame(data["table"]), pd.DataFrame(data["cold_start"]), data["params"])


def ablations(params: RelatedParams) -> list[tuple[str, RelatedParams]]:
    """The model and one variant per loss term switched off, plus the symmetric GNN."""
    variants = [("GNN, directed: " + " + ".join(params.loss_terms), params)]
    if len(params.loss_terms) > 1:
        for term in params.loss_terms:
            kept = tuple(t for t in params.loss_terms if t != term)
            variants.append((f"GNN, directed: without {term}", replace(params, loss_terms=kept)))
    symmetric_terms = tuple(t for t in params.loss_terms if t != "asymmetry") or ("copurchase",)
    variants.append(("GNN, symmetric (baseline)", replace(params, symmetric=True, loss_terms=symmetric_terms)))
    return variants


def _report_path(dataset: Dataset, params: RelatedParams, with_ablations: bool):
    key = cache.cache_key("related-report", REPORT_VERSION, dataset_fingerprint(dataset), params.to_dict(), with_ablations)
    return cache.artifact_path("related-reports", key, ".json")


def cached_report(dataset: Dataset, params: RelatedParams, with_ablations: bool = True) -> Optional[EvaluationReport]:
    """Return the saved report for `dataset` and `params`, or None when it was never computed."""
    path = _report_path(dataset, params, with_ablations)
    if not path.is_file():
        return None
    return EvaluationReport.from_dict(json.loads(path.read_text(encoding="utf-8")))


def evaluate_related(dataset: Dataset, params: RelatedParams = RelatedParams(), with_ablations: bool = True,
                     progress: Optional[ProgressCallback] = None, retrain: bool = False,
                     saved_only: bool = False) -> EvaluationReport:
    """Evaluate the model, its ablations (optional), the baselines and cold start on `dataset`.

    With `saved_only`, the ablation rows whose model was never trained and saved are left out
    instead of trained, and the report is not cached.
    """
    if not retrain:
        saved = cached_report(dataset, params, with_ablations)
        if saved is not None:
            report(progress, 1.0, "Read the saved evaluation report")
            return saved
    graph = product_graph(dataset)
    _, features = product_features(dataset.products, params.encoder, params.feature_dim)
    split = split_copurchase(graph, HOLDOUT, SPLIT_SEED)

    variants = ablations(params) if with_ablations else ablations(params)[:1]
    if saved_only:
        variants = variants[:1] + [(label, variant) for label, variant in variants[1:]
                                   if (model_folder(dataset, variant) / "meta.json").is_file()]
    rows = []
    share = 0.8 / (len(variants) + 1)
    for i, (label, variant) in enumerate(variants):
        model = train_related(dataset, variant, scaled(progress, i * share, (i + 1) * share), retrain=retrain)
        rows.append({"scorer": label, "kind": "model" if i == 0 else "ablation" if not variant.symmetric else "baseline",
                     **model.meta["test"], "train_seconds": model.meta.get("train_seconds")})
    report(progress, len(variants) * share, "Scoring the baselines")
    for scorer in (PopularityScorer(), CooccurrenceScorer()):
        scorer.fit(split.train, dataset.products, features)
        rows.append({"scorer": scorer.name, "kind": "baseline", **test_metrics(scorer, split, graph)})
    table = pd.DataFrame(rows)

    report(progress, 0.8, "Cold start: training without 10% of the products")
    cold = evaluate_cold_start(dataset, params, scaled(progress, 0.8, 1.0), retrain=retrain)
    result = EvaluationReport(table, cold, params.to_dict())
    if saved_only:
        return result
    cache.atomic_write_text(_report_path(dataset, params, with_ablations), json.dumps(result.to_dict(), indent=2))
    report(progress, 1.0, "Evaluation done")
    return result


def evaluate_cold_start(dataset: Dataset, params: RelatedParams = RelatedParams(),
                        progress: Optional[ProgressCallback] = None, retrain: bool = False) -> pd.DataFrame:
    """HitRate@10 and MRR for held-out products as queries and as candidates.

    10% of the products with co-purchase edges are removed with all their edges; the model is
    trained on the rest (its epoch chosen on 10% of the remaining co-purchase edges), and the
    removed products are embedded from their nearest products in feature space. The table is
    cached on disk, keyed by dataset and parameters.
    """
    key = cache.cache_key("related-cold-start", REPORT_VERSION, dataset_fingerprint(dataset), params.to_dict())
    path = cache.artifact_path("related-reports", key, ".json")
    if path.is_file() and not retrain:
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    graph = product_graph(dataset)
    _, features = product_features(dataset.products, params.encoder, params.feature_dim)
    cold = split_products(graph, COLD_FRACTION, SPLIT_SEED)
    try:
        inner = split_copurchase(cold.train, 0.1, SPLIT_SEED)
    except ValueError as error:
        raise ValueError(f"cold start holds out {COLD_FRACTION:.0%} of the products with all their edges, and "
                         f"then {error}") from None
    validation = torch.cat([inner.validation, inner.test], dim=1)
    model = GNNScorer(params).fit(inner.train, dataset.products, features, scaled(progress, 0.0, 0.95),
                                  validation=validation)
    # The same trained model with the other way of embedding new products, for comparison.
    other_mode = next(mode for mode in COLD_START_MODES if mode != params.cold_start)
    other = copy.copy(model)
    other.params = replace(params, cold_start=other_mode)
    other.attach(inner.train)
    category = PopularInCategoryScorer().fit(cold.train, dataset.products, features)
    popularity = PopularityScorer().fit(cold.train, dataset.products, features)
    rows = []
    scorers = ((f"{model.name}, cold start: {params.cold_start}", model),
               (f"{model.name}, cold start: {other_mode}", other),
               (category.name, category), (popularity.name, popularity))
    for label, scorer in scorers:
        for role, edges in (("query", cold.as_query), ("candidate", cold.as_candidate)):
            metrics = summarise(ranks(scorer.score_rows, cold.train, edges))
            rows.append({"scorer": label, "new product as": role, **metrics,
                         "held_out_products": int(len(cold.products)), "edges": int(edges.shape[1])})
    report(progress, 1.0, "Cold start done")
    cache.atomic_write_text(path, json.dumps(rows, indent=2))
    return pd.DataFrame(rows)
