"""The product graph: directed co-purchase edges and bidirected co-view edges over one product set."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

logger = logging.getLogger(__name__)

EDGE_COLUMNS = ["src", "dst", "weight", "provenance"]
LINK_TYPES = ("co-purchase", "reverse co-purchase", "co-view", "second order", "none")


class ProductNotFoundError(ValueError):
    """Raised when a product id is not in the graph; the message names the id."""


@dataclass
class EgoGraph:
    """The neighbourhood of one product, capped in size.

    ``nodes`` has product_id, hop (0 for the centre) and score (the strongest edge weight that
    pulled the node in; 1.0 for the centre). ``edges`` has src, dst, weight, provenance and
    relation ('co-purchase' or 'co-view') for the edges between nodes one hop apart; a co-view
    pair appears once. ``total_nodes`` counts
    every product within ``hops`` hops before the cap.
    """

    center: str
    hops: int
    nodes: pd.DataFrame
    edges: pd.DataFrame
    total_nodes: int

    @property
    def capped(self) -> bool:
        return len(self.nodes) < self.total_nodes

    def to_networkx(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph(center=self.center)
        for row in self.nodes.itertuples(index=False):
            graph.add_node(row.product_id, hop=row.hop, score=row.score)
        for row in self.edges.itertuples(index=False):
            graph.add_edge(row.src, row.dst, weight=row.weight, relation=row.relation, provenance=row.provenance)
        return graph


@dataclass
class ProductGraph:
    """Co-purchase and co-view edges over a product table.

    Attributes
    ----------
    products
        The dataset's products, indexed by product_id (title, type, brand, category, price,
        attributes).
    copurchase
        Directed edges src → dst with weight and provenance, one row per ordered pair.
    coview
        Bidirected edges: each unordered pair appears in both directions. Column ``listed``
        is True for the directions the source listed and False for the reverse rows added here.
    excluded
        Edges the source listed that are not in either relation (such as Amazon
        ``bought_together`` under the default parameters).
    info
        Provenance notes: ``copurchase_source`` and ``coview_source`` ('listed', 'baskets',
        'proxy' or 'none'), ``coview_is_proxy``, ``coview_description``, the parameters and the
        dataset's own notes.
    """

    name: str
    products: pd.DataFrame
    copurchase: pd.DataFrame
    coview: pd.DataFrame
    excluded: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EDGE_COLUMNS))
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = self.products.index.to_numpy()
        self.position = pd.Index(self.ids)
        n = len(self.ids)
        self._cp = self._matrix(self.copurchase, n)
        self._cp_in = self._cp.T.tocsr()
        self._cv = self._matrix(self.coview, n)
        self._steps: sparse.csr_matrix | None = None

    def _matrix(self, edges: pd.DataFrame, n: int) -> sparse.csr_matrix:
        rows = self.position.get_indexer(edges["src"])
        cols = self.position.get_indexer(edges["dst"])
        if (rows < 0).any() or (cols < 0).any():
            raise ValueError(f"graph {self.name!r}: some edges name products that are not in the products table")
        matrix = sparse.csr_matrix((edges["weight"].to_numpy(dtype=np.float64), (rows, cols)), shape=(n, n))
        matrix.sum_duplicates()
        return matrix

    # ----------------------------------------------------------------- lookups

    def __contains__(self, product_id: object) -> bool:
        return product_id in self.position

    def index_of(self, product_id: str) -> int:
        """Row of `product_id` in the graph's matrices; raises `ProductNotFoundError`."""
        index = self.position.get_indexer([str(product_id)])[0]
        if index < 0:
            raise ProductNotFoundError(
                f"product {str(product_id)!r} is not in dataset {self.name!r}; "
                "search by title or pick an id from the products table")
        return int(index)

    def _neighbors(self, matrix: sparse.csr_matrix, product_id: str) -> pd.DataFrame:
        row = self.index_of(product_id)
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        frame = pd.DataFrame({
            "product_id": self.ids[matrix.indices[start:end]],
            "weight": matrix.data[start:end],
        })
        return frame.sort_values(["weight", "product_id"], ascending=[False, True], ignore_index=True)

    def out_neighbors(self, product_id: str) -> pd.DataFrame:
        """Products b with a co-purchase edge product_id → b, strongest first (product_id, weight)."""
        return self._neighbors(self._cp, product_id)

    def in_neighbors(self, product_id: str) -> pd.DataFrame:
        """Products a with a co-purchase edge a → product_id, strongest first (product_id, weight)."""
        return self._neighbors(self._cp_in, product_id)

    def coview_neighbors(self, product_id: str) -> pd.DataFrame:
        """Products linked to product_id by a co-view edge, strongest first (product_id, weight)."""
        return self._neighbors(self._cv, product_id)

    def has_copurchase(self, src: str, dst: str) -> bool:
        return self._cp[self.index_of(src), self.index_of(dst)] != 0

    def link_type(self, a: str, b: str) -> str:
        """Classify how product b relates to product a.

        Returns the first type that applies: 'co-purchase' (a → b), 'reverse co-purchase'
        (b → a), 'co-view' (a — b), 'second order' or 'none'. Second order means that a reaches b
        in two steps over co-purchase out-edges and co-view edges. Selection bias makes a → b
        likely along such paths.
        """
        i, j = self.index_of(a), self.index_of(b)
        if self._cp[i, j] != 0:
            return "co-purchase"
        if self._cp[j, i] != 0:
            return "reverse co-purchase"
        if self._cv[i, j] != 0:
            return "co-view"
        if i != j and self._second_order_reach(i)[j]:
            return "second order"
        return "none"

    def _second_order_reach(self, i: int) -> np.ndarray:
        """Boolean mask of the products two steps from product i over co-purchase out-edges and co-view."""
        if self._steps is None:
            steps = (self._cp + self._cv).tocsr()
            steps.data[:] = 1.0
            self._steps = steps
        first = self._steps.indices[self._steps.indptr[i]:self._steps.indptr[i + 1]]
        reach = np.zeros(len(self.ids), dtype=bool)
        for k in first:
            reach[self._steps.indices[self._steps.indptr[k]:self._steps.indptr[k + 1]]] = True
        return reach

    # -------------------------------------------------------------- statistics

    def stats(self) -> dict[str, Any]:
        """Counts, reciprocity and degree distributions of the graph.

        Reciprocity is the share of co-purchase edges whose reverse is also a co-purchase edge.
        A one-way pair is an unordered pair linked in one direction only, and the one-way share
        is one-way pairs over all linked pairs. Co-view edges are counted as
        the directed pairs the source listed (for a proxy, both directions of each pair).
        """
        cp = self._cp.copy()
        cp.data[:] = 1.0
        n_edges = int(cp.nnz)
        reciprocal = int(cp.multiply(cp.T).nnz)
        two_way_pairs = reciprocal // 2
        one_way_pairs = n_edges - reciprocal
        listed_coview = int(self.coview["listed"].sum()) if "listed" in self.coview else len(self.coview)
        coview_pairs = len(self.coview) // 2
        # Each one-way listed pair adds one unlisted reverse row, so this counts the listed
        # directions whose reverse is listed too.
        coview_two_way = listed_coview - (len(self.coview) - listed_coview)

        out_degree = np.diff(self._cp.indptr)
        in_degree = np.diff(self._cp_in.indptr)
        coview_degree = np.diff(self._cv.indptr)
        return {
            "dataset": self.name,
            "products": int(len(self.ids)),
            "edges": {"co-purchase": n_edges, "co-view": listed_coview},
            "coview_pairs": coview_pairs,
            "coview_is_proxy": bool(self.info.get("coview_is_proxy", False)),
            "reciprocity": reciprocal / n_edges if n_edges else 0.0,
            "reciprocal_edges": reciprocal,
            "two_way_pairs": two_way_pairs,
            "one_way_pairs": one_way_pairs,
            "one_way_share": one_way_pairs / (one_way_pairs + two_way_pairs) if n_edges else 0.0,
            "coview_listed_reciprocity": coview_two_way / listed_coview if listed_coview else 0.0,
            "listed_inside": dict(self.info.get("dataset_info", {}).get("listed_inside", {})),
            "self_references_dropped": dict(self.info.get("dataset_info", {}).get("self_references", {})),
            "excluded_edges": self.excluded["provenance"].value_counts().to_dict() if len(self.excluded) else {},
            "products_without_edges": int(((out_degree + in_degree + coview_degree) == 0).sum()),
            "degree": {
                "copurchase_out": _summary(out_degree),
                "copurchase_in": _summary(in_degree),
                "coview": _summary(coview_degree),
            },
            "degree_distribution": {
                "copurchase_out": _distribution(out_degree),
                "copurchase_in": _distribution(in_degree),
                "coview": _distribution(coview_degree),
            },
        }

    def degrees(self) -> pd.DataFrame:
        """Co-purchase in- and out-degree and co-view degree of every product, indexed by product_id."""
        return pd.DataFrame({
            "out_degree": np.diff(self._cp.indptr),
            "in_degree": np.diff(self._cp_in.indptr),
            "coview_degree": np.diff(self._cv.indptr),
        }, index=pd.Index(self.ids, name="product_id"))

    # -------------------------------------------------------------------- ego

    def ego(self, product_id: str, hops: int = 1, max_nodes: int = 50) -> EgoGraph:
        """Products within `hops` hops of `product_id` over all edges, capped at `max_nodes`.

        Hop by hop, the candidates are ranked by the strongest edge that links them to a node
        kept at the previous hop, and the best ones are kept until `max_nodes` is reached.
        """
        if hops < 1:
            raise ValueError(f"hops must be at least 1, got {hops}")
        if max_nodes < 1:
            raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
        center = self.index_of(product_id)
        kept = {center: (0, 1.0)}
        frontier = np.array([center])
        reached = np.zeros(len(self.ids), dtype=bool)
        reached[center] = True
        everything = np.array([center])
        for hop in range(1, hops + 1):
            candidates = self._touching(frontier)
            candidates = candidates[~candidates["node"].isin(list(kept))]
            room = max_nodes - len(kept)
            chosen = candidates.head(max(room, 0))
            for node, score in zip(chosen["node"], chosen["score"]):
                kept[int(node)] = (hop, float(score))
            frontier = chosen["node"].to_numpy()
            # Uncapped reach, for the 'N of M shown' count.
            new = self._touching(everything)["node"].to_numpy()
            new = new[~reached[new]]
            reached[new] = True
            everything = new
            if len(frontier) == 0 and len(everything) == 0:
                break

        order = np.array(list(kept))
        nodes = pd.DataFrame({
            "product_id": self.ids[order],
            "hop": [kept[i][0] for i in order],
            "score": [kept[i][1] for i in order],
        })
        edges = self._edges_among(order)
        # Only edges between consecutive hops are kept, because edges among nodes of the same hop
        # turn a dense neighbourhood into a hairball and do not show how it reaches the centre.
        hop_of = nodes.set_index("product_id")["hop"]
        layer_gap = (edges["src"].map(hop_of) - edges["dst"].map(hop_of)).abs()
        edges = edges[layer_gap.to_numpy() == 1].reset_index(drop=True)
        return EgoGraph(self.ids[center], hops, nodes, edges, int(reached.sum()))

    def _touching(self, frontier: np.ndarray) -> pd.DataFrame:
        """Nodes adjacent to `frontier` by any relation, with the strongest such edge, best first."""
        parts = []
        for matrix in (self._cp, self._cp_in, self._cv):
            block = matrix[frontier].tocoo()
            parts.append(pd.DataFrame({"node": block.col, "score": block.data}))
        frame = pd.concat(parts, ignore_index=True)
        if frame.empty:
            return pd.DataFrame({"node": np.array([], dtype=np.int64), "score": np.array([], dtype=float)})
        best = frame.groupby("node", sort=False)["score"].max().reset_index()
        best["id"] = self.ids[best["node"].to_numpy()]
        return best.sort_values(["score", "id"], ascending=[False, True], ignore_index=True)[["node", "score"]]

    def _edges_among(self, order: np.ndarray) -> pd.DataFrame:
        ids = set(self.ids[order])
        cp = self.copurchase[self.copurchase["src"].isin(ids) & self.copurchase["dst"].isin(ids)]
        cv = self.coview[self.coview["src"].isin(ids) & self.coview["dst"].isin(ids)]
        cv = cv[cv["src"] < cv["dst"]]
        return pd.concat([
            cp[EDGE_COLUMNS].assign(relation="co-purchase"),
            cv[EDGE_COLUMNS].assign(relation="co-view"),
        ], ignore_index=True)


def _summary(degree: np.ndarray) -> dict[str, float]:
    if len(degree) == 0:
        return {"mean": 0.0, "median": 0.0, "max": 0, "zero_share": 0.0}
    return {
        "mean": float(degree.mean()),
        "median": float(np.median(degree)),
        "max": int(degree.max()),
        "zero_share": float((degree == 0).mean()),
    }


def _distribution(degree: np.ndarray) -> list[list[int]]:
    values, counts = np.unique(degree, return_counts=True)
    return [[int(v), int(c)] for v, c in zip(values, counts)]
