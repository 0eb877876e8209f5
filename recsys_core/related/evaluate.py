"""Offline evaluation of related-product scorers on held-out co-purchase edges.

Protocol: hold out a share of the co-purchase edges with a fixed seed (half for validation, half
for test), train on the rest plus every co-view edge, and for each held-out edge (q, v) rank all
products for q, leaving out q itself and q's training co-purchase out-neighbours.

Metrics
-------
HitRate@10
    Share of held-out edges whose candidate v ranks in the top 10 for q.
MRR
    Mean of 1 / rank of v. Ties count half (rank = 1 + #higher + (#equal - 1) / 2).
direction AUC
    Over held-out one-way edges (u, v), whose reverse (v, u) is not a co-purchase edge in the
    whole graph: share with relevance(u, v) > relevance(v, u); ties count half.
selection-bias recall
    Recall@10 on held-out edges (q, v) that the training graph reaches from q only with a co-view
    edge: v is a co-view neighbour of q, a co-view neighbour of a co-purchase out-neighbour of q,
    or a co-purchase out-neighbour of a co-view neighbour of q, and v is not within two
    co-purchase hops of q.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.sparse as sp
import torch

from recsys_core.related.data import ProductGraph, pair_set

RowScorer = Callable[[torch.Tensor], torch.Tensor]


@dataclass
class EdgeSplit:
    """Training graph plus held-out co-purchase edges ``[2, E]`` for validation and test."""

    train: ProductGraph
    validation: torch.Tensor
    test: torch.Tensor


def split_copurchase(graph: ProductGraph, holdout: float = 0.2, seed: int = 0) -> EdgeSplit:
    """Hold out a `holdout` share of co-purchase edges, half for validation and half for test."""
    if not 0.0 < holdout < 1.0:
        raise ValueError(f"holdout share must be between 0 and 1, got {holdout}")
    generator = np.random.default_rng(seed)
    order = generator.permutation(graph.copurchase.shape[1])
    held = int(round(holdout * len(order)))
    if held < 2 or held >= len(order):
        raise ValueError(
            f"the graph has {len(order)} co-purchase edges, too few to hold out {holdout:.0%} for "
            "validation and test; use a dataset with more edges")
    validation, test, train = order[:held // 2], order[held // 2:held], np.sort(order[held:])
    edges = graph.copurchase
    return EdgeSplit(graph.with_copurchase(edges[:, torch.from_numpy(train)]),
                     edges[:, torch.from_numpy(validation)], edges[:, torch.from_numpy(test)])


@dataclass
class ColdSplit:
    """Training graph without the held-out products, and the held-out products' edges.

    ``as_query`` holds co-purchase edges from a held-out product to a kept one, ``as_candidate``
    edges from a kept product to a held-out one.
    """

    train: ProductGraph
    products: np.ndarray
    as_query: torch.Tensor
    as_candidate: torch.Tensor


def split_products(graph: ProductGraph, fraction: float = 0.1, seed: int = 0) -> ColdSplit:
    """Hold out a `fraction` of the products that have co-purchase edges, with all their edges."""
    linked = np.unique(graph.copurchase.numpy())
    generator = np.random.default_rng(seed)
    count = max(1, int(round(fraction * len(linked))))
    held = np.sort(generator.choice(linked, size=count, replace=False))
    mask = np.zeros(graph.num_products, dtype=bool)
    mask[held] = True
    src, dst = graph.copurchase[0].numpy(), graph.copurchase[1].numpy()
    as_query = mask[src] & ~mask[dst]
    as_candidate = ~mask[src] & mask[dst]
    return ColdSplit(graph.without_products(held), held,
                     graph.copurchase[:, torch.from_numpy(as_query)],
                     graph.copurchase[:, torch.from_numpy(as_candidate)])


def _adjacency(edges: torch.Tensor, n: int) -> sp.csr_matrix:
    data = np.ones(edges.shape[1], dtype=np.float32)
    matrix = sp.csr_matrix((data, (edges[0].numpy(), edges[1].numpy())), shape=(n, n))
    matrix.data[:] = 1.0
    return matrix


def ranks(score_rows: RowScorer, train: ProductGraph, edges: torch.Tensor, batch_size: int = 256) -> np.ndarray:
    """Rank of each held-out candidate among all products for its query (1 = best).

    The query itself and its training co-purchase out-neighbours are left out of the ranking.
    """
    n = train.num_products
    known = _adjacency(train.copurchase, n)
    queries, inverse = np.unique(edges[0].numpy(), return_inverse=True)
    candidates = edges[1].numpy()
    out = np.empty(edges.shape[1], dtype=np.float64)
    for start in range(0, len(queries), batch_size):
        batch = queries[start:start + batch_size]
        scores = score_rows(torch.from_numpy(batch)).detach().clone().float()  # [B, n]
        rows = known[batch].tocoo()
        scores[torch.from_numpy(rows.row.astype(np.int64)), torch.from_numpy(rows.col.astype(np.int64))] = -torch.inf
        scores[torch.arange(len(batch)), torch.from_numpy(batch)] = -torch.inf
        selected = np.flatnonzero((inverse >= start) & (inverse < start + len(batch)))
        row_index = torch.from_numpy(inverse[selected] - start)
        target = scores[row_index, torch.from_numpy(candidates[selected])].unsqueeze(1)  # [S, 1]
        rows_scores = scores[row_index]
        higher = (rows_scores > target).sum(1).double()
        equal = (rows_scores == target).sum(1).double()
        out[selected] = (1.0 + higher + (equal - 1.0) / 2.0).numpy()
    return out


def one_way_mask(edges: torch.Tensor, all_copurchase: torch.Tensor, n: int) -> np.ndarray:
    """True for edges (u, v) whose reverse (v, u) is not in `all_copurchase`."""
    reverse = edges[1].numpy().astype(np.int64) * n + edges[0].numpy().astype(np.int64)
    return ~np.isin(reverse, pair_set(all_copurchase, n))


def direction_auc(forward: torch.Tensor, backward: torch.Tensor) -> float:
    """Share of pairs with forward > backward relevance, ties counting half."""
    if len(forward) == 0:
        return float("nan")
    wins = (forward > backward).double().sum() + 0.5 * (forward == backward).double().sum()
    return float(wins / len(forward))


def selection_bias_mask(train: ProductGraph, edges: torch.Tensor) -> np.ndarray:
    """True for held-out edges (q, v) that the training graph reaches from q only through co-view."""
    n = train.num_products
    cp = _adjacency(train.copurchase, n)
    cv = _adjacency(train.coview, n)
    queries, candidates = edges[0].numpy(), edges[1].numpy()
    mask = np.zeros(len(queries), dtype=bool)
    for start in range(0, len(queries), 2048):
        q = queries[start:start + 2048]
        v = candidates[start:start + 2048]
        cp_rows, cv_rows = cp[q], cv[q]
        through_coview = cv_rows + cp_rows @ cv + cv_rows @ cp
        copurchase_only = cp_rows + cp_rows @ cp
        index = np.arange(len(q))
        mask[start:start + len(q)] = ((np.asarray(through_coview[index, v]).ravel() > 0)
                                      & (np.asarray(copurchase_only[index, v]).ravel() == 0))
    return mask


def summarise(rank_values: np.ndarray, k: int = 10) -> dict[str, float]:
    """HitRate@k and MRR of an array of ranks."""
    if len(rank_values) == 0:
        return {f"hit_rate@{k}": float("nan"), "mrr": float("nan")}
    return {f"hit_rate@{k}": float(np.mean(rank_values <= k)), "mrr": float(np.mean(1.0 / rank_values))}
