"""Train, save, load and query related-product models: the API that the CLI and the app call.

A trained model is an artefact folder in the cache (``related-models/KEY``) keyed by the
dataset and the parameters. It holds ``model.pt`` (the state dict, loaded with
``weights_only=True``) and ``meta.json`` (parameters, product count, training history, test
metrics). Both are written atomically.

The parameters are fitted on 80% of the co-purchase edges with the epoch chosen on 10%
(validation) and the test metrics measured once on the last 10%. For serving, the fitted layers
then run on the whole graph, so every known edge informs the embeddings.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
import torch

from recsys_core import cache
from recsys_core.data.schema import Dataset
from recsys_core.progress import ProgressCallback, report, scaled
from recsys_core.related.data import ProductGraph, link_classifier, product_graph
from recsys_core.related.evaluate import (direction_auc, one_way_mask, ranks, selection_bias_mask,
                                          split_copurchase, summarise)
from recsys_core.related.features import FeatureEncoder, product_features
from recsys_core.related.scorers import (CooccurrenceScorer, PopularInCategoryScorer, PopularityScorer,
                                         RelatedScorer)
from recsys_core.related.train import GNNScorer, RelatedParams, build_model

logger = logging.getLogger(__name__)

MODEL_VERSION = 1
HOLDOUT = 0.2
SPLIT_SEED = 0


def dataset_fingerprint(dataset: Dataset) -> dict:
    """Identify a dataset's content cheaply: spec, table sizes and a hash of ids and edges."""
    def digest(frame: Optional[pd.DataFrame], columns: list[str]) -> int:
        if frame is None or frame.empty:
            return 0
        return int(pd.util.hash_pandas_object(frame[columns], index=False).sum() % (2**61))

    return {
        "name": dataset.name,
        "spec": dataset.info.get("spec", dataset.name),
        "products": digest(dataset.products, ["product_id"]),
        "copurchase": digest(dataset.copurchase, ["src", "dst"]),
        "coview": digest(dataset.coview, ["src", "dst"]),
        "sizes": [len(dataset.products),
                  0 if dataset.copurchase is None else len(dataset.copurchase),
                  0 if dataset.coview is None else len(dataset.coview)],
    }


def model_folder(dataset: Dataset, params: RelatedParams) -> Path:
    key = cache.cache_key("related-model", MODEL_VERSION, dataset_fingerprint(dataset), params.to_dict())
    return cache.artifact_path("related-models", key)


def check_k(k: int, catalog_size: int) -> int:
    """Return `k` when 1 ≤ k ≤ catalog_size - 1, else raise a `ValueError` saying what is allowed."""
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise ValueError(f"k must be a whole number, got {k!r}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if k > catalog_size - 1:
        raise ValueError(f"k={k} is larger than the {catalog_size - 1} other products in the catalog; "
                         f"use k between 1 and {catalog_size - 1}")
    return int(k)


@dataclass
class RelatedModel:
    """A trained directed GNN attached to a dataset's full graph, plus its baselines."""

    dataset: Dataset
    params: RelatedParams
    graph: ProductGraph
    encoder: FeatureEncoder
    scorer: GNNScorer
    meta: dict
    _baselines: dict = field(default_factory=dict)
    _links: object = None

    @property
    def products(self) -> pd.DataFrame:
        return self.dataset.products

    def position(self, product_id: str) -> int:
        return self.graph.position(product_id)

    def baselines(self) -> dict[str, RelatedScorer]:
        """Popularity, co-occurrence and popular-in-category, fitted on the full graph."""
        if not self._baselines:
            features = self.scorer.features_.numpy()
            for scorer in (PopularityScorer(), CooccurrenceScorer(), PopularInCategoryScorer()):
                self._baselines[scorer.name] = scorer.fit(self.graph, self.products, features)
        return self._baselines

    def link_type(self, query: str, candidate: str) -> str:
        if self._links is None:
            self._links = link_classifier(self.dataset, self.graph)
        return self._links(query, candidate)

    def recommend(self, product_id: str, k: int = 10, min_score: Optional[float] = None,
                  scorer: Optional[RelatedScorer] = None) -> pd.DataFrame:
        """Return the top-k related products of `product_id` as a table.

        Columns: rank, product_id, title, category, score = relevance(q, v), reverse_score =
        relevance(v, q), link (how the pair is linked in the graph), cold (True when v has no
        edges and was embedded from its nearest products in feature space).

        Raises
        ------
        KeyError
            When `product_id` is not in the catalog.
        ValueError
            When k is below 1 or above the number of other products, or min_score is not finite.
        """
        query = self.position(product_id)
        k = check_k(k, self.graph.num_products)
        if min_score is not None and not math.isfinite(min_score):
            raise ValueError(f"min_score must be a finite number, got {min_score}")
        scorer = scorer or self.scorer
        positions, scores = scorer.recommend(query, k)
        if min_score is not None:
            keep = scores >= min_score
            positions, scores = positions[keep], scores[keep]
        reverse = scorer.score_pairs(positions, torch.full_like(positions, query))
        return self._table(positions.numpy(), scores.numpy(), reverse.numpy(), query_id=str(product_id))

    def _table(self, positions: np.ndarray, scores: np.ndarray, reverse: Optional[np.ndarray],
               query_id: Optional[str] = None) -> pd.DataFrame:
        rows = self.products.iloc[positions]
        table = pd.DataFrame({
            "rank": np.arange(1, len(positions) + 1),
            "product_id": rows["product_id"].to_numpy(),
            "title": rows["title"].to_numpy(),
            "category": rows["category"].to_numpy(),
            "score": scores.astype(float),
        })
        if reverse is not None:
            table["reverse_score"] = reverse.astype(float)
        if query_id is not None:
            table["link"] = [self.link_type(query_id, candidate) for candidate in table["product_id"]]
        table["cold"] = self.scorer.cold_[positions]
        return table

    def recommend_new(self, title: str, brand: str = "", category: str = "", price: Optional[float] = None,
                      k: int = 10) -> dict[str, pd.DataFrame]:
        """Embed a product that is not in the catalog and show it as query and as candidate.

        Returns
        -------
        dict with
            ``recommendations``: its top-k related products (it is the query);
            ``recommended_for``: the k products for which it scores highest as a candidate, with
            its would-be rank in each one's top-k (``None`` when it would not enter the top k);
            ``neighbours``: the nearest products in feature space that it was linked to.
        """
        if not str(title).strip() and not str(brand).strip() and not str(category).strip():
            raise ValueError("describe the new product: enter at least a title, a brand or a category")
        k = check_k(k, self.graph.num_products + 1)
        frame = pd.DataFrame([{"product_id": "new product", "title": str(title), "brand": str(brand),
                               "type": "", "category": str(category), "price": np.nan if price is None else price}])
        features = torch.from_numpy(self.encoder.encode(frame))
        source, target = self.scorer.embed_new(features)
        as_query = (source @ self.scorer.target_.T).squeeze(0)
        as_candidate = (self.scorer.source_ @ target.T).squeeze(1)

        values, positions = torch.topk(as_query, k)
        reverse = as_candidate[positions]
        recommendations = self._table(positions.numpy(), values.numpy(), reverse.numpy())

        values, positions = torch.topk(as_candidate, k)
        recommended_for = self._table(positions.numpy(), values.numpy(), as_query[positions].numpy())
        recommended_for = recommended_for.rename(columns={"score": "score_as_candidate",
                                                          "reverse_score": "score_as_query"})
        kth = self.scorer.kth_scores(k)[positions]
        would_rank = []
        for position, value in zip(positions.tolist(), values.tolist()):
            row = self.scorer.score_rows(torch.tensor([position])).squeeze(0)
            row[position] = -torch.inf
            would_rank.append(int((row > value).sum()) + 1 if value >= float(kth[len(would_rank)]) else None)
        recommended_for["rank_in_their_top_k"] = would_rank

        neighbours, similarity = self.scorer.nearest_linked(features)
        near = self._table(neighbours[0].numpy(), similarity[0].numpy(), None)
        near = near.rename(columns={"score": "feature_cosine"})
        return {"recommendations": recommendations, "recommended_for": recommended_for, "neighbours": near}


def _baseline_rows(split, products: pd.DataFrame, features: np.ndarray, graph: ProductGraph) -> list[tuple[str, RelatedScorer]]:
    return [(scorer.name, scorer.fit(split.train, products, features))
            for scorer in (PopularityScorer(), CooccurrenceScorer())]


def test_metrics(scorer: RelatedScorer, split, graph: ProductGraph, edges: Optional[torch.Tensor] = None) -> dict:
    """HitRate@10, MRR, direction AUC and selection-bias recall of `scorer` on held-out `edges`."""
    edges = split.test if edges is None else edges
    rank_values = ranks(scorer.score_rows, split.train, edges)
    metrics = summarise(rank_values)
    one_way = edges[:, torch.from_numpy(one_way_mask(edges, graph.copurchase, graph.num_products))]
    metrics["direction_auc"] = direction_auc(scorer.score_pairs(one_way[0], one_way[1]),
                                             scorer.score_pairs(one_way[1], one_way[0]))
    biased = selection_bias_mask(split.train, edges)
    metrics["selection_bias_recall@10"] = float(np.mean(rank_values[biased] <= 10)) if biased.any() else float("nan")
    metrics["held_out_edges"] = int(edges.shape[1])
    metrics["one_way_edges"] = int(one_way.shape[1])
    metrics["selection_bias_edges"] = int(biased.sum())
    return metrics


def train_related(dataset: Dataset, params: RelatedParams = RelatedParams(), progress: Optional[ProgressCallback] = None,
                  retrain: bool = False) -> RelatedModel:
    """Return the model for `dataset` and `params`, training and saving it when it is missing.

    Raises
    ------
    DatasetError
        When the dataset has no co-purchase edges.
    """
    report(progress, 0.0, "Reading the product graph")
    graph = product_graph(dataset, scaled(progress, 0.0, 0.05))
    encoder, features = product_features(dataset.products, params.encoder, params.feature_dim,
                                         scaled(progress, 0.05, 0.2))
    folder = model_folder(dataset, params)
    features_t = torch.from_numpy(features)
    if not retrain and (folder / "meta.json").is_file() and (folder / "model.pt").is_file():
        report(progress, 0.95, "Loading the saved model")
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        scorer = GNNScorer(params)
        scorer.features_ = features_t
        scorer.model_ = build_model(features.shape[1], graph.num_products, params)
        scorer.model_.load_state_dict(torch.load(folder / "model.pt", weights_only=True))
        scorer.model_.eval()
        scorer.history_ = meta.get("history", [])
        scorer.attach(graph)
        report(progress, 1.0, "Model ready")
        return RelatedModel(dataset, params, graph, encoder, scorer, meta)

    split = split_copurchase(graph, HOLDOUT, SPLIT_SEED)
    started = time.perf_counter()
    scorer = GNNScorer(params).fit(split.train, dataset.products, features, scaled(progress, 0.2, 0.9),
                                   validation=split.validation)
    seconds = time.perf_counter() - started
    report(progress, 0.9, "Measuring test metrics")
    metrics = test_metrics(scorer, split, graph)
    meta = {
        "version": MODEL_VERSION,
        "dataset": dataset_fingerprint(dataset),
        "params": params.to_dict(),
        "encoder": encoder.kind,
        "products": graph.num_products,
        "copurchase_edges": int(graph.copurchase.shape[1]),
        "coview_edges": int(graph.coview.shape[1]),
        "train_seconds": seconds,
        "history": scorer.history_,
        "test": metrics,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    state = {name: tensor.detach().clone() for name, tensor in scorer.model_.state_dict().items()}

    def write(tmp: Path) -> None:
        tmp.mkdir(parents=True)
        torch.save(state, tmp / "model.pt")
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2, default=float), encoding="utf-8")

    cache.atomic_write(folder, write)
    scorer.attach(graph)
    report(progress, 1.0, f"Trained in {seconds:.0f} s; test HitRate@10 {metrics['hit_rate@10']:.3f}")
    return RelatedModel(dataset, params, graph, encoder, scorer, meta)
