"""The attribute relation graph: nodes are attribute values, edges record how values relate.

A node is ``key:value`` in lower case, such as ``brand:apple``, ``type:phone`` or ``os:ios``.
Edges carry a relation, which becomes the "source" shown next to an implicit attribute:

catalog
    Two values on the same product (what sellers entered), weighted by the product count.
queries
    Two attribute spans in the same tagged query.
intent
    A span of a query and the type of a product clicked after it, weighted by clicks.
complement
    Directed, from a type to a type bought with it (phone -> phone case).
substitute
    Two values that replace each other: types (phone ~ tablet) or brands (apple ~ samsung).

Tag types from query tagging map onto catalog keys through `KEY_ALIASES` (QueryNER's
``creator`` is a brand, ``core_product_type`` a type).
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

import numpy as np
import pandas as pd

from recsys_core.search.text import bio_spans

logger = logging.getLogger(__name__)

RELATIONS = ("catalog", "queries", "intent", "complement", "substitute")
UNDIRECTED = {"catalog", "queries", "intent", "substitute"}
KEY_ALIASES = {
    "creator": "brand", "manufacturer": "brand", "core_product_type": "type", "product_type": "type",
    "colour": "color", "product_name": "model",
}
MAX_VALUE_CHARS = 60


def normalize_key(key: str) -> str:
    key = str(key).strip().lower().replace(" ", "_")
    return KEY_ALIASES.get(key, key)


def node_name(key: str, value: object) -> Optional[str]:
    """Return ``key:value`` in lower case, or ``None`` for an empty or overlong value."""
    text = " ".join(str(value).lower().split())
    if not text or text in ("nan", "none") or len(text) > MAX_VALUE_CHARS:
        return None
    return f"{normalize_key(key)}:{text}"


def split_node(node: str) -> tuple[str, str]:
    key, _, value = node.partition(":")
    return key, value


@dataclass
class AttributeGraph:
    """Attribute values and their typed, weighted edges.

    Attributes
    ----------
    nodes
        Node names ``key:value``; a node's id is its position.
    edges
        Frame with columns src, dst (node ids), relation (one of `RELATIONS`) and weight.
        Undirected relations are stored once per pair, with src < dst.
    info
        Counts per relation and the provenance of the complement and substitute edges.
    """

    nodes: list[str]
    edges: pd.DataFrame
    info: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.nodes)}

    @property
    def num_nodes(self) -> int:
        return len(self.nodes)

    def node_id(self, name: str) -> Optional[int]:
        return self.index.get(name)

    def find_value(self, key: str, value: str) -> Optional[int]:
        """Return the node for ``key:value``, or for the same value under another key, or ``None``."""
        name = node_name(key, value)
        if name is None:
            return None
        if name in self.index:
            return self.index[name]
        _, text = split_node(name)
        return self._by_value().get(text)

    def match_phrases(self, words: list[str], max_words: int = 4) -> list[tuple[int, int, int]]:
        """Find runs of `words` that equal a node's value, longest first, left to right.

        Returns ``(start, end, node)`` triples for non-overlapping runs.
        """
        index = self._by_value()
        matches = []
        position = 0
        while position < len(words):
            for length in range(min(max_words, len(words) - position), 0, -1):
                node = index.get(" ".join(words[position:position + length]).lower())
                if node is not None:
                    matches.append((position, position + length, node))
                    position += length
                    break
            else:
                position += 1
        return matches

    def _by_value(self) -> dict[str, int]:
        if not hasattr(self, "_value_index"):
            counts = defaultdict(float)
            for row in self.edges.itertuples():
                counts[row.src] += row.weight
                counts[row.dst] += row.weight
            best: dict[str, int] = {}
            for i, name in enumerate(self.nodes):
                _, text = split_node(name)
                if text not in best or counts[i] > counts[best[text]]:
                    best[text] = i
            self._value_index = best
        return self._value_index

    def directed_edges(self) -> pd.DataFrame:
        """Return every edge in each direction a walk may take it (undirected relations both ways)."""
        forward = self.edges
        backward = forward[forward["relation"].isin(UNDIRECTED)].rename(columns={"src": "dst", "dst": "src"})
        return pd.concat([forward, backward[forward.columns]], ignore_index=True)

    def to_metadata(self) -> dict:
        return {"nodes": self.nodes, "edges": {c: self.edges[c].tolist() for c in self.edges.columns},
                "info": self.info}

    @classmethod
    def from_metadata(cls, data: dict) -> "AttributeGraph":
        edges = pd.DataFrame(data["edges"])
        if edges.empty:
            edges = pd.DataFrame({"src": [], "dst": [], "relation": [], "weight": []})
        return cls(list(data["nodes"]), edges.astype({"src": int, "dst": int, "weight": float}), dict(data["info"]))


# -- edge sources ------------------------------------------------------------------------------


def product_values(row) -> list[str]:
    """Attribute nodes of one product row: its type, its brand and its attributes dict."""
    values = [node_name("type", row.type), node_name("brand", row.brand)]
    attributes = row.attributes if isinstance(row.attributes, dict) else {}
    for key, value in attributes.items():
        if normalize_key(key) in ("type", "brand"):
            continue
        for part in str(value).split("|"):
            values.append(node_name(key, part))
    return sorted({v for v in values if v})


def catalog_pairs(products: pd.DataFrame) -> Iterable[tuple[str, str, str, float]]:
    counts: dict[tuple[str, str], float] = defaultdict(float)
    for row in products.itertuples():
        for a, b in itertools.combinations(product_values(row), 2):
            counts[(a, b)] += 1.0
    for (a, b), weight in counts.items():
        yield a, b, "catalog", weight


def query_spans(tokens: list[str], tags: list[str]) -> list[str]:
    words = [w.lower() for w in tokens]
    return sorted({n for span in bio_spans(words, list(tags)) if (n := node_name(span.type, span.text))})


def query_pairs(labelled_queries: pd.DataFrame) -> Iterable[tuple[str, str, str, float]]:
    counts: dict[tuple[str, str], float] = defaultdict(float)
    for row in labelled_queries.itertuples():
        for a, b in itertools.combinations(query_spans(row.tokens, row.tags), 2):
            counts[(a, b)] += 1.0
    for (a, b), weight in counts.items():
        yield a, b, "queries", weight


def intent_pairs(search_log: pd.DataFrame, products: pd.DataFrame,
                 query_values: dict[str, list[str]]) -> Iterable[tuple[str, str, str, float]]:
    """Link each span of a logged query to the types of the products clicked after it.

    `query_values` maps a lower-cased query text to its attribute nodes (from tagged queries).
    """
    types = products.set_index("product_id")["type"]
    counts: dict[tuple[str, str], float] = defaultdict(float)
    log = search_log.assign(type=search_log["product_id"].map(types), query=search_log["query"].str.lower())
    grouped = log.dropna(subset=["type"]).groupby(["query", "type"])["clicks"].sum()
    for (query, kind), clicks in grouped.items():
        type_node = node_name("type", kind)
        for value in query_values.get(query, []):
            if type_node and value != type_node:
                counts[tuple(sorted((value, type_node)))] += float(clicks)
    for (a, b), weight in counts.items():
        yield a, b, "intent", weight


def relation_pairs(relations: pd.DataFrame) -> Iterable[tuple[str, str, str, float]]:
    """Declared complement and substitute relations: columns relation, src_key, src, dst_key, dst, weight."""
    for row in relations.itertuples():
        a, b = node_name(row.src_key, row.src), node_name(row.dst_key, row.dst)
        if a and b and a != b and row.relation in ("complement", "substitute"):
            yield a, b, row.relation, float(getattr(row, "weight", 1.0) or 1.0)


def derive_relations(products: pd.DataFrame, copurchase: Optional[pd.DataFrame], coview: Optional[pd.DataFrame],
                     min_count: int = 3, max_per_type: int = 5) -> pd.DataFrame:
    """Derive type complements from co-purchases and brand and type substitutes from co-views.

    Complement ``a -> b``: products of type a are bought before products of type b in at least
    `min_count` co-purchase edges, and more often than the reverse. Substitute: co-viewed
    products of the same type but different brands link their brands; co-viewed products of
    different types link their types. Each type keeps its `max_per_type` strongest partners.
    """
    frames = []
    type_of = products.set_index("product_id")["type"]
    brand_of = products.set_index("product_id")["brand"]

    def describe(edges: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"type": edges["src"].map(type_of), "type_dst": edges["dst"].map(type_of),
                             "brand": edges["src"].map(brand_of), "brand_dst": edges["dst"].map(brand_of)}).dropna()

    if copurchase is not None and not copurchase.empty:
        joined = describe(copurchase)
        joined = joined[(joined["type"] != "") & (joined["type_dst"] != "") & (joined["type"] != joined["type_dst"])]
        counts = joined.groupby(["type", "type_dst"]).size()
        rows = []
        for (a, b), n in counts.items():
            reverse = counts.get((b, a), 0)
            if n >= min_count and n > reverse:
                rows.append(("complement", "type", a, "type", b, float(n)))
        frames.append(_strongest(rows, max_per_type))
    if coview is not None and not coview.empty:
        joined = describe(coview)
        same = joined[(joined["type"] == joined["type_dst"]) & (joined["brand"] != joined["brand_dst"])
                      & (joined["brand"] != "") & (joined["brand_dst"] != "")]
        pairs = same.apply(lambda r: tuple(sorted((r["brand"], r["brand_dst"]))), axis=1) if len(same) else []
        rows = [("substitute", "brand", a, "brand", b, float(n))
                for (a, b), n in pd.Series(list(pairs), dtype=object).value_counts().items() if n >= min_count]
        frames.append(_strongest(rows, max_per_type))
        other = joined[(joined["type"] != joined["type_dst"]) & (joined["type"] != "") & (joined["type_dst"] != "")]
        pairs = other.apply(lambda r: tuple(sorted((r["type"], r["type_dst"]))), axis=1) if len(other) else []
        rows = [("substitute", "type", a, "type", b, float(n))
                for (a, b), n in pd.Series(list(pairs), dtype=object).value_counts().items() if n >= min_count]
        frames.append(_strongest(rows, max_per_type))
    columns = ["relation", "src_key", "src", "dst_key", "dst", "weight"]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _strongest(rows: list[tuple], limit: int) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["relation", "src_key", "src", "dst_key", "dst", "weight"])
    if frame.empty:
        return frame
    frame = frame.sort_values("weight", ascending=False)
    return frame.groupby("src", sort=False).head(limit).reset_index(drop=True)


def build_graph(pairs: Iterable[tuple[str, str, str, float]], info: Optional[dict] = None) -> AttributeGraph:
    """Assemble an `AttributeGraph` from ``(node_a, node_b, relation, weight)`` tuples.

    Repeated pairs of one relation add up their weights; undirected pairs are stored once.
    """
    weights: dict[tuple[str, str, str], float] = defaultdict(float)
    for a, b, relation, weight in pairs:
        if relation not in RELATIONS:
            raise ValueError(f"unknown relation {relation!r}; expected one of {RELATIONS}")
        if a == b or weight <= 0:
            continue
        if relation in UNDIRECTED and b < a:
            a, b = b, a
        weights[(a, b, relation)] += weight
    nodes = sorted({n for a, b, _ in weights for n in (a, b)})
    index = {name: i for i, name in enumerate(nodes)}
    edges = pd.DataFrame(
        [(index[a], index[b], relation, weight) for (a, b, relation), weight in weights.items()],
        columns=["src", "dst", "relation", "weight"],
    )
    edges = edges.astype({"src": np.int64, "dst": np.int64, "weight": np.float64})
    info = dict(info or {})
    info["edges_per_relation"] = {r: int((edges["relation"] == r).sum()) for r in RELATIONS}
    info["nodes"] = len(nodes)
    return AttributeGraph(nodes, edges, info)
