"""Random walk with restart over the attribute graph, and the co-occurrence baseline.

The walk runs on three copies of the graph, one per kind of result:

attribute
    Values of the product the query asks for. Catalog, query and intent edges stay here.
complement
    Values of products bought with it. A complement edge leads here from the attribute copy.
substitute
    Values of products that replace it. A substitute edge leads here from the attribute copy.

Inside the complement and substitute copies the walk follows catalog, query and intent edges
only, so "case of a phone" is a complement but "complement of a complement" is not. At each
step the walker first picks a relation with probability proportional to its weight in
`WalkParams.relation_weights` (among the relations the node has), then an edge of that
relation in proportion to edge weight. With probability ``restart`` it jumps back to the
seeds: the query's explicit attributes and its intents.

A value reported as an attribute of the wanted product must hold at least
`WalkParams.key_share` of the attribute copy's score summed over all values of its key. A
value that shares its key with strong rivals (samsung next to apple, 64gb next to 256gb) is
not implied; the substitute copy may still report it.

Node embeddings, when given, tilt each step towards values close to the seeds: the weight of a
step into v is multiplied by ``exp(embedding_weight * cos(z_v, z_seeds))``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Optional

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recsys_core.search.graph import AttributeGraph, split_node

logger = logging.getLogger(__name__)

CLASSES = ("attribute", "complement", "substitute")
SAME_CLASS_RELATIONS = ("catalog", "queries", "intent")


@dataclass
class WalkParams:
    """Settings of the walk; `restart` is the probability of jumping back to the seeds at each step."""

    restart: float = 0.3
    iterations: int = 40
    tolerance: float = 1e-6
    embedding_weight: float = 1.0
    key_share: float = 0.5
    relation_weights: dict = field(default_factory=lambda: {
        "catalog": 0.35, "queries": 0.15, "intent": 0.15, "complement": 0.2, "substitute": 0.25})


@dataclass
class WalkResult:
    """Ranked implicit attributes and the walk's strongest steps, for tables and drawings.

    ``ranking`` has columns node, key, value, source, kind, confidence, score. ``steps`` has
    columns src, dst, relation, flow: for each ranked value, the step that brought it the most
    probability mass.
    """

    ranking: pd.DataFrame
    steps: pd.DataFrame
    seeds: dict[str, float]


class RandomWalker:
    """The three-copy walk over an `AttributeGraph`, with its steps precomputed as arrays.

    Every possible step is one entry of flat arrays (from state, to state, relation, edge
    weight), sorted by target state. A query then only rescales the weights and runs sparse
    matrix-vector products. State ``class_index * num_nodes + node`` is a node in one copy.
    """

    def __init__(self, graph: AttributeGraph, params: Optional[WalkParams] = None,
                 embeddings: Optional[np.ndarray] = None):
        self.graph = graph
        self.params = params or WalkParams()
        n = graph.num_nodes
        self.n = n
        self.embeddings = None
        if embeddings is not None:
            if embeddings.shape[0] != n:
                raise ValueError(f"embeddings have {embeddings.shape[0]} rows but the graph has {n} nodes")
            norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
            self.embeddings = embeddings / np.maximum(norms, 1e-12)
        self.relations = [r for r, w in self.params.relation_weights.items() if w > 0]
        edges = graph.directed_edges()
        parts = []
        for relation_id, relation in enumerate(self.relations):
            part = edges[edges["relation"] == relation]
            if part.empty:
                continue
            if relation in SAME_CLASS_RELATIONS:
                moves = [(kind, kind) for kind in range(len(CLASSES))]
            elif relation in ("complement", "substitute"):
                moves = [(0, CLASSES.index(relation))]
            else:
                continue
            for source, target in moves:
                parts.append(pd.DataFrame({
                    "from": part["src"].to_numpy() + source * n, "to": part["dst"].to_numpy() + target * n,
                    "relation": relation_id, "node": part["dst"].to_numpy(), "weight": part["weight"].to_numpy(float),
                }))
        steps = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            {"from": [], "to": [], "relation": [], "node": [], "weight": []})
        steps = steps.sort_values(["to", "from"], kind="stable").reset_index(drop=True)
        self._from = steps["from"].to_numpy(np.int64)
        self._to = steps["to"].to_numpy(np.int64)
        self._relation = steps["relation"].to_numpy(np.int64)
        self._node = steps["node"].to_numpy(np.int64)
        self._weight = steps["weight"].to_numpy(float)
        states = len(CLASSES) * n
        self._indptr = np.searchsorted(self._to, np.arange(states + 1)).astype(np.int64)
        # Weight sums are per (from state, relation) group; the relation shares come from the
        # relations a state has, which do not depend on the query.
        self._group = self._from * max(1, len(self.relations)) + self._relation
        groups = states * max(1, len(self.relations))
        present = np.bincount(self._group, minlength=groups) > 0
        relation_weight = np.array([self.params.relation_weights[r] for r in self.relations] or [0.0])
        available = (present.reshape(states, -1) * relation_weight).sum(axis=1)
        self._share = relation_weight[self._relation] / np.maximum(available[self._from], 1e-12)
        self._groups = groups
        keys = [split_node(name)[0] for name in graph.nodes]
        self._key_names = sorted(set(keys))
        self._key_id = np.array([self._key_names.index(k) for k in keys], dtype=np.int64) if keys else np.zeros(0, np.int64)

    def _probabilities(self, tilt: Optional[np.ndarray]) -> np.ndarray:
        weight = self._weight * tilt[self._node] if tilt is not None else self._weight
        sums = np.bincount(self._group, weights=weight, minlength=self._groups)
        return self._share * weight / sums[self._group]

    def walk(self, seeds: dict[int, float], top_n: int = 10, restart: Optional[float] = None,
             exclude_keys: Optional[set[str]] = None, use_embeddings: bool = True) -> WalkResult:
        """Rank the values the seeds imply.

        Parameters
        ----------
        seeds
            Node id to weight; the restart distribution is the weights normalised to sum 1.
        top_n
            Number of values returned.
        restart
            Overrides `WalkParams.restart` (0 < restart < 1).
        exclude_keys
            Keys the query states explicitly. Values of these keys are not reported as
            attributes of the wanted product (a query for a samsung phone is not implicitly
            apple), though they may come back as complements or substitutes.
        use_embeddings
            Tilt the steps towards values whose embeddings are close to the seeds'.
        """
        n = self.n
        restart = self.params.restart if restart is None else float(restart)
        if not 0.0 < restart < 1.0:
            raise ValueError(f"restart probability {restart} is out of range; use a value between 0 and 1, such as 0.3")
        seeds = {int(k): float(v) for k, v in seeds.items() if v > 0 and 0 <= int(k) < n}
        if not seeds or n == 0:
            return WalkResult(pd.DataFrame(columns=empty_columns()),
                              pd.DataFrame(columns=["src", "dst", "relation", "flow"]), {})
        start = np.zeros(len(CLASSES) * n)
        total = sum(seeds.values())
        for node, weight in seeds.items():
            start[node] = weight / total
        tilt = None
        if use_embeddings and self.embeddings is not None and self.params.embedding_weight:
            centre = sum(self.embeddings[node] * weight for node, weight in seeds.items())
            centre = centre / max(np.linalg.norm(centre), 1e-12)
            tilt = np.exp(self.params.embedding_weight * (self.embeddings @ centre))
        probabilities = self._probabilities(tilt)
        # Row i of `incoming` lists the steps into state i: scores_next = incoming @ scores.
        incoming = sp.csr_matrix((probabilities, self._from, self._indptr), shape=(len(start), len(start)))
        scores = start.copy()
        for _ in range(self.params.iterations):
            moved = incoming @ scores
            lost = 1.0 - moved.sum()  # mass at dead ends goes back to the seeds
            updated = restart * start + (1 - restart) * (moved + lost * start)
            converged = np.abs(updated - scores).sum() < self.params.tolerance
            scores = updated
            if converged:
                break
        return self._rank(scores, probabilities, seeds, top_n, exclude_keys or set())

    def _rank(self, scores: np.ndarray, probabilities: np.ndarray, seeds: dict[int, float], top_n: int,
              exclude_keys: set[str]) -> WalkResult:
        n = self.n
        names = self.graph.nodes
        by_class = scores.reshape(len(CLASSES), n).copy()
        by_class[:, list(seeds)] = 0.0
        if exclude_keys:
            stated = [self._key_names.index(k) for k in exclude_keys if k in self._key_names]
            by_class[0, np.isin(self._key_id, stated)] = 0.0
        attribute = by_class[0]
        if self.params.key_share > 0 and attribute.max() > 0:
            key_total = np.bincount(self._key_id, weights=attribute, minlength=len(self._key_names))
            by_class[0, attribute < self.params.key_share * key_total[self._key_id]] = 0.0
        best_class = by_class.argmax(axis=0)
        best = by_class.max(axis=0)
        total = best.sum()
        ranked = np.argsort(-best, kind="stable")[:top_n]
        order = [int(i) for i in ranked if best[i] > 0]
        rows, steps = [], []
        for node in order:
            kind = CLASSES[best_class[node]]
            state = best_class[node] * n + node
            lo, hi = self._indptr[state], self._indptr[state + 1]
            flows = probabilities[lo:hi] * scores[self._from[lo:hi]]
            relation_flow = np.bincount(self._relation[lo:hi], weights=flows, minlength=len(self.relations))
            relation = self.relations[int(relation_flow.argmax())]
            step = lo + int(flows.argmax())
            source = relation if kind == "attribute" else kind
            key, value = names[node].split(":", 1)
            rows.append({"node": names[node], "key": key, "value": value, "source": source, "kind": kind,
                         "confidence": float(best[node] / total) if total > 0 else 0.0, "score": float(best[node])})
            steps.append({"src": names[self._from[step] % n], "dst": names[node],
                          "relation": self.relations[self._relation[step]], "flow": float(flows.max())})
        return WalkResult(pd.DataFrame(rows, columns=empty_columns()),
                          pd.DataFrame(steps, columns=["src", "dst", "relation", "flow"]),
                          {names[k]: v for k, v in seeds.items()})


def empty_columns() -> list[str]:
    return ["node", "key", "value", "source", "kind", "confidence", "score"]


def cooccurrence_rank(graph: AttributeGraph, seeds: dict[int, float], top_n: int = 10) -> pd.DataFrame:
    """Baseline: rank values by their edge weight to the seeds, each seed's edges normalised to sum 1.

    It uses every relation as a plain co-occurrence count and takes one step, so it cannot tell
    a complement from an attribute of the product itself. The source column names the relation
    of the heaviest contributing edge.
    """
    edges = graph.directed_edges()
    total = sum(seeds.values()) or 1.0
    scores: dict[int, float] = {}
    sources: dict[int, tuple[float, str]] = {}
    for seed, weight in seeds.items():
        part = edges[edges["src"] == seed]
        if part.empty:
            continue
        shares = part["weight"] / part["weight"].sum() * weight / total
        for dst, relation, share in zip(part["dst"], part["relation"], shares):
            if dst in seeds:
                continue
            scores[dst] = scores.get(dst, 0.0) + share
            if share > sources.get(dst, (0.0, ""))[0]:
                sources[dst] = (share, relation)
    order = sorted(scores, key=lambda node: -scores[node])[:top_n]
    rows = []
    for node in order:
        key, value = graph.nodes[node].split(":", 1)
        rows.append({"node": graph.nodes[node], "key": key, "value": value, "source": sources[node][1],
                     "kind": "cooccurrence", "confidence": scores[node], "score": scores[node]})
    return pd.DataFrame(rows, columns=empty_columns())


def params_dict(params: WalkParams) -> dict:
    return asdict(params)
