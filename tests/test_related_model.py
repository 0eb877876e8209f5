"""Known-answer tests of the directed GNN layer, the symmetric variant and cold-start embedding."""

from __future__ import annotations

import math

import torch

from recsys_core.related.model import DirectedLayer, GraphTensors, RelatedGNN, _SparseProduct

# Six products. Co-purchase 0→1, 0→2, 3→1, 4→5; co-view 1—2 and 3—4 (stored both ways).
COPURCHASE = torch.tensor([[0, 0, 3, 4], [1, 2, 1, 5]])
COVIEW = torch.tensor([[1, 2, 3, 4], [2, 1, 4, 3]])
SOURCE = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
TARGET = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 2.0], [1.0, -1.0], [2.0, 1.0]])
# Row-vector convention h W: (a, b) W = (a + 0.5 b, b).
W = torch.tensor([[1.0, 0.0], [0.5, 1.0]])


def six_product_layer(residual: bool) -> tuple[DirectedLayer, GraphTensors]:
    graph = GraphTensors.from_edges(COPURCHASE, torch.ones(4), COVIEW, torch.ones(4), 6)
    layer = DirectedLayer(2, residual=residual)
    with torch.no_grad():
        layer.weight.weight.copy_(W.T)  # nn.Linear computes x @ weight.T
    return layer, graph


def unit(x: float, y: float) -> list[float]:
    norm = math.hypot(x, y)
    return [x / norm, y / norm] if norm else [0.0, 0.0]


def test_layer_matches_hand_computation():
    layer, graph = six_product_layer(residual=False)
    source, target = layer(SOURCE, TARGET, graph)
    # t(v) W: t1 W = (1, 0), t2 W = (1.5, 1), t4 W = (0.5, -1), t5 W = (2.5, 1), t3 W = (1, 2).
    expected_source = torch.tensor([
        unit(2.5, 1.0),   # 0: out-neighbours 1, 2: (1, 0) + (1.5, 1)
        unit(1.5, 1.0),   # 1: no out-edge; co-view 2: (1.5, 1)
        unit(1.0, 0.0),   # 2: co-view 1: (1, 0)
        unit(1.5, 0.0),   # 3: out 1: (1, 0); co-view 4: ReLU(0.5, -1) = (0.5, 0)
        unit(3.5, 3.0),   # 4: out 5: (2.5, 1); co-view 3: (1, 2)
        unit(0.0, 0.0),   # 5: no out-edge, no co-view: zero vector
    ])
    # s(u) W: s0 W = (1, 0), s1 W = (0.5, 1), s2 W = (1.5, 1), s3 W = (2, 0), s4 W = (0.5, 1).
    expected_target = torch.tensor([
        unit(0.0, 0.0),   # 0: no in-edge, no co-view
        unit(4.5, 1.0),   # 1: in 0, 3: (1, 0) + (2, 0); co-view 2: (1.5, 1)
        unit(1.5, 1.0),   # 2: in 0: (1, 0); co-view 1: (0.5, 1)
        unit(0.5, 1.0),   # 3: co-view 4: (0.5, 1)
        unit(2.0, 0.0),   # 4: co-view 3: (2, 0)
        unit(0.5, 1.0),   # 5: in 4: (0.5, 1)
    ])
    assert torch.allclose(source, expected_source, atol=1e-6)
    assert torch.allclose(target, expected_target, atol=1e-6)


def test_layer_residual_adds_previous_embedding():
    layer, graph = six_product_layer(residual=True)
    source, target = layer(SOURCE, TARGET, graph)
    assert torch.allclose(source[0], torch.tensor(unit(2.5 + 1.0, 1.0 + 0.0)), atol=1e-6)
    assert torch.allclose(source[5], torch.tensor(unit(1.0, -1.0)), atol=1e-6)  # keeps its own vector
    assert torch.allclose(target[0], torch.tensor(unit(0.0, 1.0)), atol=1e-6)
    assert torch.allclose(target[1], torch.tensor(unit(4.5 + 1.0, 1.0 + 0.0)), atol=1e-6)


def test_layer_output_has_unit_rows():
    layer, graph = six_product_layer(residual=True)
    source, target = layer(SOURCE, TARGET, graph)
    assert torch.allclose(source.norm(dim=1), torch.ones(6), atol=1e-6)
    assert torch.allclose(target.norm(dim=1), torch.ones(6), atol=1e-6)


def test_sparse_product_gradient():
    matrix = torch.tensor([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0], [0.0, 0.0, 0.0]], dtype=torch.double)
    dense = torch.randn(3, 2, dtype=torch.double, requires_grad=True)
    sparse, transpose = matrix.to_sparse_csr(), matrix.T.contiguous().to_sparse_csr()
    assert torch.autograd.gradcheck(lambda x: _SparseProduct.apply(sparse, transpose, x), (dense,))


def test_directed_model_is_asymmetric_and_symmetric_is_not():
    torch.manual_seed(0)
    graph = GraphTensors.from_edges(COPURCHASE, torch.ones(4), COVIEW, torch.ones(4), 6)
    features = torch.randn(6, 5)
    directed = RelatedGNN(5, dim=4, layers=2)
    source, target = directed(features, graph)[-1]
    relevance = source @ target.T
    assert not torch.allclose(relevance, relevance.T, atol=1e-4)

    both_ways = torch.cat([COPURCHASE, COPURCHASE.flip(0)], dim=1)
    symmetric_graph = GraphTensors.from_edges(both_ways, torch.ones(8), COVIEW, torch.ones(4), 6)
    symmetric = RelatedGNN(5, dim=4, layers=2, symmetric=True)
    source, target = symmetric(features, symmetric_graph)[-1]
    relevance = source @ target.T
    assert torch.allclose(relevance, relevance.T, atol=1e-6)


def test_extend_matches_forward_with_edges_into_new_product():
    torch.manual_seed(1)
    model = RelatedGNN(3, dim=4, layers=2)
    features = torch.randn(7, 3)
    # Product 6 is new: similarity edges 6 <- 1 (weight 0.75) and 6 <- 4 (weight 0.25), pointing
    # only into 6, so products 0..5 keep their embeddings.
    old = GraphTensors.from_edges(COPURCHASE, torch.ones(4), COVIEW, torch.ones(4), 6)
    coview_with_new = torch.cat([COVIEW, torch.tensor([[6, 6], [1, 4]])], dim=1)
    new = GraphTensors.from_edges(COPURCHASE, torch.ones(4), coview_with_new,
                                  torch.tensor([1.0, 1.0, 1.0, 1.0, 0.75, 0.25]), 7)
    with torch.no_grad():
        states = model(features[:6], old)
        full_source, full_target = model(features, new)[-1]
        source, target = model.extend(states, features[6:], torch.tensor([[1, 4]]), torch.tensor([[0.75, 0.25]]))
    assert torch.allclose(source[0], full_source[6], atol=1e-6)
    assert torch.allclose(target[0], full_target[6], atol=1e-6)
    assert torch.allclose(states[-1][0], full_source[:6], atol=1e-6)
