"""The directed GNN against the demo world's planted complement pairs (phone → case, never back)."""

from __future__ import annotations

import pytest
import torch

from recsys_core.related.service import train_related
from recsys_core.related.train import RelatedParams

demo = pytest.importorskip("recsys_core.data.demo", reason="the demo world (recsys_core.data.demo) is not in this checkout")

PARAMS = RelatedParams(dim=32, layers=2, epochs=10, batch_size=4096, encoder="tfidf", feature_dim=32, patience=100)


@pytest.fixture(scope="module")
def world():
    dataset, truth = demo.generate(customers=400, days=120, seed=0)
    return dataset, truth, train_related(dataset, PARAMS)


def test_planted_complements_score_higher_forward(world):
    dataset, truth, model = world
    index = model.graph.index
    pairs = [(a, b) for a, b in truth.complement_pairs if a in index and b in index]
    assert len(pairs) >= 100
    device = torch.tensor([index[a] for a, _ in pairs])
    complement = torch.tensor([index[b] for _, b in pairs])
    forward = model.scorer.score_pairs(device, complement)
    backward = model.scorer.score_pairs(complement, device)
    share = float((forward > backward).float().mean())
    assert share >= 0.9, f"only {share:.1%} of {len(pairs)} planted pairs score higher as (device, complement)"


def test_cold_start_products_are_labelled_and_scorable(world):
    dataset, truth, model = world
    cold = [p for p in truth.cold_start_products if p in model.graph.index]
    linked = {model.graph.product_ids[i] for i in model.graph.copurchase.unique().tolist()}
    edgeless = [p for p in cold if p not in linked and bool(model.scorer.cold_[model.position(p)])]
    assert edgeless, "expected new demo products without edges"
    table = model.recommend(edgeless[0], k=5)
    assert len(table) == 5
    assert torch.isclose(model.scorer.target_[model.position(edgeless[0])].norm(), torch.tensor(1.0))
