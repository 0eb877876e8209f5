"""The scorer interface that the model and every baseline share, and the baselines.

A scorer is fitted on a `ProductGraph` (its training edges) plus the product features, then
gives relevance(q, v) for query products q and candidates v. Scores are comparable within one
scorer only.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Optional

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch

from recsys_core.progress import ProgressCallback
from recsys_core.related.data import ProductGraph

logger = logging.getLogger(__name__)


class RelatedScorer(ABC):
    """Scores relevance(q, v) of candidate v for query product q.

    Subclasses implement `fit` and `score_rows`; `score_pairs` and `recommend` build on them.
    """

    name: str = "scorer"
    description: str = ""

    @abstractmethod
    def fit(self, graph: ProductGraph, products: pd.DataFrame, features: np.ndarray,
            progress: Optional[ProgressCallback] = None) -> "RelatedScorer":
        """Fit on the edges of `graph`; `products` and `features` ``[N, F]`` are row-aligned with it."""

    @property
    @abstractmethod
    def num_products(self) -> int:
        """Number of products the scorer can rank (catalog plus any cold-start products)."""

    @abstractmethod
    def score_rows(self, queries: torch.Tensor) -> torch.Tensor:
        """Return relevance of every product for each query: ``[Q] -> [Q, num_products]``."""

    def score_pairs(self, queries: torch.Tensor, candidates: torch.Tensor) -> torch.Tensor:
        """Return relevance(queries[i], candidates[i]) as ``[E]``."""
        out = torch.empty(len(queries))
        for start in range(0, len(queries), 1024):
            rows = self.score_rows(queries[start:start + 1024])
            out[start:start + 1024] = rows.gather(1, candidates[start:start + 1024].unsqueeze(1)).squeeze(1)
        return out

    def recommend(self, query: int, k: int, exclude: Optional[torch.Tensor] = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the top-k candidate positions and their scores for one query, the query excluded."""
        scores = self.score_rows(torch.tensor([query])).squeeze(0).clone()
        scores[query] = -torch.inf
        if exclude is not None and len(exclude):
            scores[exclude] = -torch.inf
        k = min(k, int(torch.isfinite(scores).sum()))
        values, positions = torch.topk(scores, k)
        return positions, values


def in_degree(graph: ProductGraph) -> torch.Tensor:
    """Weighted in-degree over the co-purchase edges: how often each product is bought with others."""
    return torch.zeros(graph.num_products).index_add_(0, graph.copurchase[1], graph.copurchase_weight)


class PopularityScorer(RelatedScorer):
    """relevance(q, v) = co-purchase in-degree of v, the same list for every query."""

    name = "popularity"
    description = "Most often co-purchased products overall (in-degree), the same for every query."

    def fit(self, graph, products, features, progress=None):
        self.popularity_ = in_degree(graph)
        return self

    @property
    def num_products(self) -> int:
        return len(self.popularity_)

    def score_rows(self, queries):
        return self.popularity_.unsqueeze(0).expand(len(queries), -1)

    def score_pairs(self, queries, candidates):
        return self.popularity_[candidates]


class CooccurrenceScorer(RelatedScorer):
    """Symmetric item-to-item co-occurrence, the way classic item-to-item recommenders score.

    Each product is a binary vector over the products it is linked to by a co-purchase edge
    in either direction or a co-view edge. relevance(q, v) = link(q, v) + cosine(q, v), where
    link is 1 for a direct link, so direct links rank first and the cosine of the two link
    vectors orders the rest. relevance(q, v) = relevance(v, q) by construction.
    """

    name = "co-occurrence"
    description = "Symmetric item-to-item: direct link first, then cosine of the two products' neighbour sets."

    def fit(self, graph, products, features, progress=None):
        n = graph.num_products
        edges = torch.cat([graph.copurchase, graph.copurchase.flip(0), graph.coview], dim=1).numpy()
        links = sp.coo_matrix((np.ones(edges.shape[1], dtype=np.float32), (edges[0], edges[1])), shape=(n, n)).tocsr()
        links.data[:] = 1.0  # duplicates summed by tocsr become 1
        self.links_ = links
        self.norms_ = np.sqrt(np.asarray(links.sum(axis=1)).ravel()).astype(np.float32)
        return self

    @property
    def num_products(self) -> int:
        return self.links_.shape[0]

    def score_rows(self, queries):
        rows = self.links_[queries.numpy()]
        overlap = np.asarray((rows @ self.links_.T).todense(), dtype=np.float32)
        denominator = np.maximum(self.norms_[queries.numpy()][:, None] * self.norms_[None, :], 1e-12)
        return torch.from_numpy(np.asarray(rows.todense(), dtype=np.float32) + overlap / denominator)


class PopularInCategoryScorer(RelatedScorer):
    """Cold-start baseline: the most co-purchased products of the query's category first.

    relevance(q, v) = [category(v) = category(q)] + popularity(v) / (1 + max popularity), so
    products of the same category rank above all others, each group by popularity. It needs only
    the query's category, so it scores new products too.
    """

    name = "popular in category"
    description = "Most co-purchased products of the query's category, then the most co-purchased overall."

    def fit(self, graph, products, features, progress=None):
        popularity = in_degree(graph)
        self.popularity_ = popularity / (1.0 + float(popularity.max()))
        self.codes_, self.categories_ = pd.factorize(products["category"].astype(str).to_numpy())
        self.codes_ = torch.from_numpy(self.codes_.astype(np.int64))
        return self

    @property
    def num_products(self) -> int:
        return len(self.popularity_)

    def category_code(self, category: str) -> int:
        matches = np.flatnonzero(self.categories_ == str(category))
        return int(matches[0]) if len(matches) else -1

    def score_codes(self, codes: torch.Tensor) -> torch.Tensor:
        """Score every product for queries given by category code ``[Q] -> [Q, N]``."""
        same = (self.codes_.unsqueeze(0) == codes.unsqueeze(1)) & (codes.unsqueeze(1) >= 0)
        return same.float() + self.popularity_.unsqueeze(0)

    def score_rows(self, queries):
        return self.score_codes(self.codes_[queries])
