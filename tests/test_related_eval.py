"""Known-answer tests of the evaluation protocol, the negative sampler and the baselines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from recsys_core.related.data import ProductGraph, pair_set
from recsys_core.related.evaluate import (direction_auc, one_way_mask, ranks, selection_bias_mask,
                                          split_copurchase, split_products, summarise)
from recsys_core.related.scorers import CooccurrenceScorer, PopularInCategoryScorer, PopularityScorer
from recsys_core.related.train import _NegativeSampler


def graph_of(copurchase: list[tuple[int, int]], coview: list[tuple[int, int]], n: int) -> ProductGraph:
    cp = torch.tensor(copurchase, dtype=torch.long).reshape(-1, 2).T
    cv_pairs = coview + [(b, a) for a, b in coview]
    cv = torch.tensor(cv_pairs, dtype=torch.long).reshape(-1, 2).T
    return ProductGraph([f"p{i}" for i in range(n)], cp, cv, torch.ones(cp.shape[1]), torch.ones(cv.shape[1]))


def test_ranks_exclude_training_neighbours_and_split_ties():
    train = graph_of([(0, 1)], [], 5)
    scores = torch.tensor([[9.0, 8.0, 7.0, 7.0, 1.0]])  # the query 0 scores itself highest
    held_out = torch.tensor([[0, 0, 0], [2, 3, 4]])
    result = ranks(lambda q: scores.expand(len(q), -1), train, held_out)
    # Product 0 (the query) and 1 (a training neighbour) are left out; 2 and 3 tie for rank 1.
    assert result.tolist() == [1.5, 1.5, 3.0]
    metrics = summarise(result, k=2)
    assert metrics["hit_rate@2"] == 2 / 3
    assert abs(metrics["mrr"] - (1 / 1.5 + 1 / 1.5 + 1 / 3) / 3) < 1e-12


def test_direction_auc_counts_ties_half():
    forward = torch.tensor([0.9, 0.5, 0.2, 0.3])
    backward = torch.tensor([0.1, 0.5, 0.4, 0.1])
    assert direction_auc(forward, backward) == (2 + 0.5) / 4


def test_one_way_mask_uses_whole_graph():
    edges = torch.tensor([[0, 1], [1, 2]])
    everything = torch.tensor([[0, 1, 2], [1, 0, 3]])  # 1 → 0 exists, 2 → 1 does not
    assert one_way_mask(edges, everything, 4).tolist() == [False, True]


def test_selection_bias_mask_needs_a_coview_step():
    # 0 → 1 co-purchase, 1 — 2 co-view, 0 — 3 co-view and 3 → 4 co-purchase, 0 → 1 → 5 co-purchase.
    train = graph_of([(0, 1), (3, 4), (1, 5)], [(1, 2), (0, 3)], 7)
    held_out = torch.tensor([[0, 0, 0, 0, 0], [2, 4, 5, 3, 6]])
    assert selection_bias_mask(train, held_out).tolist() == [True, True, False, True, False]


def test_split_is_disjoint_and_repeatable():
    edges = [(i, (i * 7 + 3) % 50) for i in range(50)] + [(i, (i * 11 + 5) % 50) for i in range(50)]
    edges = [e for e in edges if e[0] != e[1]]
    graph = graph_of(sorted(set(edges)), [], 50)
    first, second = split_copurchase(graph, 0.2, seed=3), split_copurchase(graph, 0.2, seed=3)
    total = graph.copurchase.shape[1]
    keys = {name: set(pair_set(part, 50).tolist()) for name, part in
            (("train", first.train.copurchase), ("validation", first.validation), ("test", first.test))}
    assert len(keys["train"]) + len(keys["validation"]) + len(keys["test"]) == total
    assert not keys["train"] & keys["test"]
    assert not keys["train"] & keys["validation"]
    assert not keys["validation"] & keys["test"]
    assert abs(len(keys["validation"]) + len(keys["test"]) - 0.2 * total) <= 1
    assert torch.equal(first.test, second.test)


def test_product_split_drops_their_edges():
    edges = sorted({(i, (i * 7 + 3) % 40) for i in range(40)} - {(i, i) for i in range(40)})
    graph = graph_of(edges, [(0, 1), (2, 3)], 40)
    cold = split_products(graph, 0.1, seed=0)
    held = set(cold.products.tolist())
    assert len(held) == 4
    remaining = set(cold.train.copurchase.numpy().ravel().tolist()) | set(cold.train.coview.numpy().ravel().tolist())
    assert not held & remaining
    assert set(cold.as_query[0].tolist()) <= held
    assert set(cold.as_candidate[1].tolist()) <= held


def test_negative_sampler_avoids_training_neighbours_only():
    train = torch.tensor([[0, 0, 0], [1, 2, 3]])
    held_out = (0, 4)  # a held-out positive: the sampler must not know about it
    sampler = _NegativeSampler(train, 6, torch.Generator().manual_seed(0))
    assert held_out[0] * 6 + held_out[1] not in set(sampler.known.tolist())
    negatives, valid = sampler.sample(torch.zeros(2000, dtype=torch.long), 1)
    kept = set(negatives[valid].tolist())
    assert valid.float().mean() > 0.95  # 4 of 6 ids are excluded, so about (4/6)^11 stay invalid
    assert not kept & {0, 1, 2, 3}
    assert 4 in kept  # drawn like any other unknown pair


def test_cooccurrence_is_symmetric_and_ranks_direct_links_first():
    graph = graph_of([(0, 1), (2, 1), (3, 4)], [(0, 5)], 6)
    scorer = CooccurrenceScorer().fit(graph, None, None)
    rows = scorer.score_rows(torch.arange(6))
    assert torch.allclose(rows, rows.T)
    assert rows[1, 0] >= 1.0  # direct link, against the edge's direction
    assert rows[0, 2] > 0.0   # shares neighbour 1
    assert rows[0, 3] == 0.0


def test_popular_in_category_puts_same_category_first():
    graph = graph_of([(0, 1), (2, 1), (3, 1), (0, 4)], [], 5)
    products = pd.DataFrame({"category": ["a", "b", "a", "a", "a"]})
    scorer = PopularInCategoryScorer().fit(graph, products, np.zeros((5, 1)))
    order = torch.argsort(scorer.score_rows(torch.tensor([0]))[0], descending=True).tolist()
    assert order[0] == 4  # same category and co-purchased once
    assert set(order[1:4]) == {0, 2, 3}
    assert order[-1] == 1  # the highest in-degree, but from another category
    popularity = PopularityScorer().fit(graph, products, None)
    assert int(torch.argmax(popularity.score_rows(torch.tensor([0]))[0])) == 1


def test_cold_start_on_small_graph_explains_split(tmp_path):
    from recsys_core.data import load_dataset
    from recsys_core.related.report import evaluate_cold_start
    from recsys_core.related.train import RelatedParams

    folder = tmp_path / "small"
    folder.mkdir()
    products = [(f"p{i}", f"Phone {i}") for i in range(8)] + [(f"c{i}", f"Case {i}") for i in range(8)]
    pd.DataFrame(products, columns=["product_id", "title"]).to_csv(folder / "products.csv", index=False)
    edges = [(f"p{i}", f"c{i}") for i in range(8)] + [("p0", "c1")]
    pd.DataFrame(edges, columns=["src", "dst"]).to_csv(folder / "copurchase.csv", index=False)
    with pytest.raises(ValueError, match="cold start holds out 10% of the products with all their edges"):
        evaluate_cold_start(load_dataset(f"folder:{folder}"), RelatedParams(epochs=2, encoder="tfidf"))
