"""The directed product-graph GNN: a source and a target embedding per product.

One layer l maps the source and target embeddings ``s, t: [N, d]`` to

    s'(u) = ReLU(Σ_{(u,v) ∈ E_cp} w_uv t(v) W_l) + ReLU(Σ_{(u,v) ∈ E_cv} w_uv t(v) W_l)
    t'(v) = ReLU(Σ_{(u,v) ∈ E_cp} w_uv s(u) W_l) + ReLU(Σ_{(u,v) ∈ E_cv} w_uv s(u) W_l)

where E_cv holds each co-view pair in both directions and w are edge weights. With
``residual=True`` (the default) the previous embedding is added before normalising:
``s ← normalize(s + s')``, ``t ← normalize(t + t')``. Without it, a product with no out-edges
would get a zero source vector (and one with no in-edges a zero target vector), so it could
never be scored as a query (candidate); the residual also keeps the product's own input features
in play after several layers instead of averaging them away. Both vectors are normalised to unit
length after every layer, and relevance(q, v) = s(q) · t(v).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.utils import spmm


@dataclass
class GraphTensors:
    """Sparse ``[N, N]`` adjacency matrices that a forward pass runs on.

    ``copurchase_out[u, v] = w`` for a co-purchase edge u -> v, ``copurchase_in`` is its
    transpose, and ``coview`` is symmetric.
    """

    copurchase_out: torch.Tensor
    copurchase_in: torch.Tensor
    coview: torch.Tensor
    num_products: int

    @classmethod
    def from_edges(cls, copurchase: torch.Tensor, copurchase_weight: torch.Tensor,
                   coview: torch.Tensor, coview_weight: torch.Tensor, num_products: int) -> "GraphTensors":
        """Build the matrices from ``[2, E]`` edge indexes and ``[E]`` weights."""
        def adjacency(rows: torch.Tensor, columns: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
            indices = torch.stack([rows, columns])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # CSR support is labelled beta in torch 2.x
                matrix = torch.sparse_coo_tensor(indices, weight.float(), (num_products, num_products))
                return matrix.coalesce().to_sparse_csr()

        return cls(adjacency(copurchase[0], copurchase[1], copurchase_weight),
                   adjacency(copurchase[1], copurchase[0], copurchase_weight),
                   adjacency(coview[0], coview[1], coview_weight), num_products)


class _SparseProduct(torch.autograd.Function):
    """A @ X for a constant sparse A whose transpose is known, so backward needs no transpose."""

    @staticmethod
    def forward(ctx, matrix: torch.Tensor, transpose: torch.Tensor, dense: torch.Tensor) -> torch.Tensor:
        ctx.transpose = transpose
        return spmm(matrix, dense)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        return None, None, spmm(ctx.transpose, grad)


def _product(matrix: torch.Tensor, transpose: torch.Tensor, dense: torch.Tensor) -> torch.Tensor:
    if dense.requires_grad:
        return _SparseProduct.apply(matrix, transpose, dense)
    return spmm(matrix, dense)


class DirectedLayer(nn.Module):
    """One layer of the directed GNN (see the module docstring for the formula)."""

    def __init__(self, dim: int, residual: bool = True):
        super().__init__()
        self.weight = nn.Linear(dim, dim, bias=False)
        self.residual = residual

    def forward(self, source: torch.Tensor, target: torch.Tensor, graph: GraphTensors) -> tuple[torch.Tensor, torch.Tensor]:
        # Σ t(v) W = (Σ t(v)) W because W is linear, so W is applied once per product.
        target_w = self.weight(target)  # [N, d]
        source_w = self.weight(source)  # [N, d]
        # A sparse product sums the neighbours' rows: (A @ X)[u] = Σ_v A[u, v] X[v]. It is several
        # times faster here than gathering one message per edge and scattering it back.
        out, into, coview = graph.copurchase_out, graph.copurchase_in, graph.coview
        new_source = F.relu(_product(out, into, target_w)) + F.relu(_product(coview, coview, target_w))
        new_target = F.relu(_product(into, out, source_w)) + F.relu(_product(coview, coview, source_w))
        if self.residual:
            new_source = new_source + source
            new_target = new_target + target
        return F.normalize(new_source, dim=-1), F.normalize(new_target, dim=-1)


class RelatedGNN(nn.Module):
    """Source and target embeddings from input features through `layers` directed layers.

    Layer 0 is ``normalize(x P + o)``: a linear projection P of the input features x plus,
    when `num_products` is given, a learned per-product offset o that starts at zero, so the
    embeddings start from the features alone. The offsets let the model store what the graph
    says about each product beyond its coarse features. Products outside the catalog (cold
    start) have no offset and use x P alone.

    With ``symmetric=True`` the model is the symmetric baseline: one projection, one embedding
    per product (source = target), and the caller passes a co-purchase graph that holds every
    edge in both directions, so relevance(q, v) = relevance(v, q).

    Parameters
    ----------
    in_dim : int
        Width of the input features.
    dim : int
        Embedding width d.
    layers : int
        Number of layers L (0 keeps the projected features).
    num_products : int, optional
        Catalog size N; gives every product a learned offset at layer 0.
    """

    def __init__(self, in_dim: int, dim: int = 64, layers: int = 2, residual: bool = True, symmetric: bool = False,
                 num_products: Optional[int] = None):
        super().__init__()
        self.symmetric = symmetric
        self.project_source = nn.Linear(in_dim, dim)
        self.project_target = None if symmetric else nn.Linear(in_dim, dim)
        self.source_offset = self.target_offset = None
        if num_products is not None:
            self.source_offset = nn.Embedding(num_products, dim)
            nn.init.zeros_(self.source_offset.weight)
            if not symmetric:
                self.target_offset = nn.Embedding(num_products, dim)
                nn.init.zeros_(self.target_offset.weight)
        self.layers = nn.ModuleList(DirectedLayer(dim, residual) for _ in range(layers))

    def initial(self, features: torch.Tensor, offsets: bool = False,
                keep: Optional[torch.Tensor] = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the layer-0 source and target vectors ``[N, d]`` of `features` ``[N, in_dim]``.

        With `offsets`, the per-product offsets are added (rows of `features` must then be the
        whole catalog in order); `keep` ``[N]`` (0 or 1) drops the offsets of some products.
        """
        source = self.project_source(features)
        target = None if self.symmetric else self.project_target(features)
        if offsets and self.source_offset is not None:
            scale = 1.0 if keep is None else keep.unsqueeze(-1)
            source = source + scale * self.source_offset.weight
            if target is not None:
                target = target + scale * self.target_offset.weight
        source = F.normalize(source, dim=-1)
        if self.symmetric:
            return source, source
        return source, F.normalize(target, dim=-1)

    def forward(self, features: torch.Tensor, graph: GraphTensors,
                keep: Optional[torch.Tensor] = None) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Return the (source, target) pair after each layer, layer 0 first; the last is θ_s, θ_t.

        `keep` ``[N]`` zeroes the per-product offsets of some products (training-time dropout).
        """
        source, target = self.initial(features, offsets=True, keep=keep)
        states = [(source, target)]
        for layer in self.layers:
            source, target = layer(source, target, graph)
            if self.symmetric:
                target = source
            states.append((source, target))
        return states

    def extend(self, states: list[tuple[torch.Tensor, torch.Tensor]], features: torch.Tensor,
               neighbours: torch.Tensor, weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Embed new products linked to existing ones by undirected similarity edges (cold start).

        The new products get edges to `neighbours` ``[C, k]`` with `weights` ``[C, k]``, treated like
        co-view edges, and run through the layers on that subgraph. The edges point only into
        the new products, so existing embeddings in `states` stay as they are.

        Returns
        -------
        source, target : Tensor
            ``[C, d]`` final embeddings of the new products.
        """
        source, target = self.initial(features)
        for layer, (old_source, old_target) in zip(self.layers, states[:-1]):
            # Each new product's neighbours are existing products, so a sum over them is a
            # weighted gather; there are no co-purchase edges.
            from_targets = (weights.unsqueeze(-1) * layer.weight(old_target)[neighbours]).sum(1)
            from_sources = (weights.unsqueeze(-1) * layer.weight(old_source)[neighbours]).sum(1)
            new_source, new_target = F.relu(from_targets), F.relu(from_sources)
            if layer.residual:
                new_source, new_target = new_source + source, new_target + target
            source, target = F.normalize(new_source, dim=-1), F.normalize(new_target, dim=-1)
            if self.symmetric:
                target = source
        return source, target
