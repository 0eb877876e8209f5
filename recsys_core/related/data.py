"""Edges and integer indexes that the related-products models train on.

`edges_for` is the one place that reads a dataset's product graph, through
`recsys_core.graph.build_graph`, so transaction-only datasets get their derived edges too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd
import torch

from recsys_core.data.schema import Dataset, DatasetError
from recsys_core.graph import build_graph
from recsys_core.progress import ProgressCallback

logger = logging.getLogger(__name__)

LINK_TYPES = ("co-purchase", "reverse co-purchase", "co-view", "second order", "none")


def edges_for(dataset: Dataset, progress: Optional[ProgressCallback] = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the co-purchase and co-view edges of `dataset`.

    Returns
    -------
    copurchase, coview : DataFrame
        Columns src, dst, weight. Co-purchase edges are directed; co-view holds every
        unordered pair in both directions. Duplicate pairs keep their largest weight.
    """
    graph = build_graph(dataset, progress=progress)
    copurchase, coview = graph.copurchase, graph.coview
    return _clean(copurchase), _clean(coview)


def _clean(edges: Optional[pd.DataFrame]) -> pd.DataFrame:
    if edges is None or edges.empty:
        return pd.DataFrame({"src": pd.Series(dtype=object), "dst": pd.Series(dtype=object),
                             "weight": pd.Series(dtype=float)})
    frame = edges[["src", "dst"]].astype(str).copy()
    frame["weight"] = edges["weight"].astype(float).to_numpy() if "weight" in edges else 1.0
    frame = frame[frame["src"] != frame["dst"]]
    frame = frame.groupby(["src", "dst"], as_index=False, sort=False)["weight"].max()
    return frame.reset_index(drop=True)


@dataclass
class ProductGraph:
    """Products as integer ids ``0..N-1`` with their edges as ``[2, E]`` index tensors.

    ``copurchase`` is directed (row 0 = source product, row 1 = target). ``coview`` holds each
    unordered pair in both directions.
    """

    product_ids: list[str]
    copurchase: torch.Tensor
    coview: torch.Tensor
    copurchase_weight: torch.Tensor
    coview_weight: torch.Tensor
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {product: i for i, product in enumerate(self.product_ids)}

    @property
    def num_products(self) -> int:
        return len(self.product_ids)

    def position(self, product_id: str) -> int:
        """Return the integer id of `product_id`, or raise a `KeyError` naming it."""
        try:
            return self.index[str(product_id)]
        except KeyError:
            raise KeyError(f"unknown product {product_id!r}; it is not in this dataset's catalog") from None

    def with_copurchase(self, edges: torch.Tensor) -> "ProductGraph":
        """Return a copy that keeps only the co-purchase edges in `edges` (``[2, E']``)."""
        keys = _pair_keys(self.copurchase, self.num_products)
        order = np.argsort(keys)
        wanted = _pair_keys(edges, self.num_products)
        found = order[np.searchsorted(keys, wanted, sorter=order)]
        return ProductGraph(self.product_ids, edges.clone(), self.coview, self.copurchase_weight[found],
                            self.coview_weight, self.index)

    def without_products(self, removed: np.ndarray) -> "ProductGraph":
        """Return a copy without any edge that touches a product in `removed` (integer ids)."""
        mask = np.zeros(self.num_products, dtype=bool)
        mask[removed] = True
        keep_cp = ~(mask[self.copurchase[0].numpy()] | mask[self.copurchase[1].numpy()])
        keep_cv = ~(mask[self.coview[0].numpy()] | mask[self.coview[1].numpy()])
        keep_cp_t, keep_cv_t = torch.from_numpy(keep_cp), torch.from_numpy(keep_cv)
        return ProductGraph(self.product_ids, self.copurchase[:, keep_cp_t], self.coview[:, keep_cv_t],
                            self.copurchase_weight[keep_cp_t], self.coview_weight[keep_cv_t], self.index)


def _pair_keys(edges: torch.Tensor, num_products: int) -> np.ndarray:
    return edges[0].numpy().astype(np.int64) * num_products + edges[1].numpy().astype(np.int64)


def pair_set(edges: torch.Tensor, num_products: int) -> np.ndarray:
    """Sorted int64 keys ``src * N + dst`` of `edges`, for membership tests with `np.isin`."""
    return np.unique(_pair_keys(edges, num_products))


def product_graph(dataset: Dataset, progress: Optional[ProgressCallback] = None) -> ProductGraph:
    """Index the products of `dataset` and its edges.

    Raises
    ------
    DatasetError
        When the dataset has no co-purchase edges, which every related-products model needs.
    """
    copurchase, coview = edges_for(dataset, progress)
    if copurchase.empty:
        raise DatasetError(
            f"dataset {dataset.name!r} has no co-purchase edges, so there is nothing to learn "
            "related products from; pick a dataset with a product graph, such as amazon-meta:PATH"
        )
    product_ids = dataset.products["product_id"].astype(str).tolist()
    index = {product: i for i, product in enumerate(product_ids)}

    def to_tensor(edges: pd.DataFrame) -> tuple[torch.Tensor, torch.Tensor]:
        src = edges["src"].map(index)
        dst = edges["dst"].map(index)
        known = src.notna() & dst.notna()
        if not known.all():
            logger.info("dropped %d edges that name products outside the catalog", int((~known).sum()))
        pairs = np.stack([src[known].to_numpy(np.int64), dst[known].to_numpy(np.int64)])
        return torch.from_numpy(pairs), torch.tensor(edges["weight"][known].to_numpy(), dtype=torch.float32)

    cp, cp_weight = to_tensor(copurchase)
    cv, cv_weight = to_tensor(coview)
    return ProductGraph(product_ids, cp, cv, cp_weight, cv_weight, index)


class LinkIndex:
    """Classify how two products are linked in a graph: the labels of `LINK_TYPES`.

    Second order means the candidate is two hops from the query over co-purchase (either
    direction) or co-view edges, without a direct edge.
    """

    def __init__(self, graph: ProductGraph):
        self.graph = graph
        n = graph.num_products
        self._cp = set(pair_set(graph.copurchase, n).tolist())
        self._cv = set(pair_set(graph.coview, n).tolist())
        neighbours: list[set[int]] = [set() for _ in range(n)]
        for edges in (graph.copurchase, graph.coview):
            for a, b in edges.t().tolist():
                neighbours[a].add(b)
                neighbours[b].add(a)
        self._neighbours = neighbours

    def link_type(self, query: int, candidate: int) -> str:
        n = self.graph.num_products
        if query * n + candidate in self._cp:
            return "co-purchase"
        if candidate * n + query in self._cp:
            return "reverse co-purchase"
        if query * n + candidate in self._cv:
            return "co-view"
        if self._neighbours[query] & self._neighbours[candidate]:
            return "second order"
        return "none"


def link_classifier(dataset: Dataset, graph: ProductGraph):
    """Return ``link_type(a, b)`` on product ids, from `recsys_core.graph` when it is importable."""
    try:
        from recsys_core.graph import build_graph
    except ImportError:
        build_graph = None
    if build_graph is not None:
        return build_graph(dataset).link_type
    links = LinkIndex(graph)
    return lambda a, b: links.link_type(graph.position(a), graph.position(b))
