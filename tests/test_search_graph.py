"""Attribute graph and random walk on a tiny hand-made catalog whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recsys_core.search.graph import (
    build_graph, catalog_pairs, derive_relations, intent_pairs, node_name, product_values, query_pairs,
    relation_pairs,
)
from recsys_core.search.walk import RandomWalker, WalkParams, cooccurrence_rank


def tiny_products() -> pd.DataFrame:
    rows = [
        ("p1", "phone", "Apple", {"os": "iOS", "model": "iPhone 8", "color": "black"}),
        ("p2", "phone", "Apple", {"os": "iOS", "model": "iPhone X", "color": "white"}),
        ("p3", "phone", "Samsung", {"os": "Android", "model": "Galaxy S9", "color": "black"}),
        ("p4", "phone case", "Otterbox", {"compatible_with": "iPhone 8", "color": "black"}),
        ("p5", "laptop", "Apple", {"os": "macOS", "color": "silver"}),
        ("p6", "charger", "Anker", {"connector": "lightning"}),
    ]
    return pd.DataFrame([{"product_id": p, "type": t, "brand": b, "attributes": a} for p, t, b, a in rows])


def tiny_relations() -> pd.DataFrame:
    return pd.DataFrame([
        ("complement", "type", "phone", "type", "phone case", 1.0),
        ("complement", "type", "phone", "type", "charger", 1.0),
        ("substitute", "brand", "apple", "brand", "samsung", 1.0),
    ], columns=["relation", "src_key", "src", "dst_key", "dst", "weight"])


def tiny_graph():
    products = tiny_products()
    return build_graph(list(catalog_pairs(products)) + list(relation_pairs(tiny_relations())))


def test_product_values_lowercase_and_keyed():
    row = next(tiny_products().itertuples())
    assert product_values(row) == ["brand:apple", "color:black", "model:iphone 8", "os:ios", "type:phone"]


def test_node_name_aliases_and_limits():
    assert node_name("creator", " Apple ") == "brand:apple"
    assert node_name("core_product_type", "Phone  Case") == "type:phone case"
    assert node_name("color", "") is None
    assert node_name("color", "x" * 100) is None


def test_catalog_edges_count_products():
    graph = tiny_graph()
    edges = graph.edges[graph.edges["relation"] == "catalog"]
    apple, ios = graph.node_id("brand:apple"), graph.node_id("os:ios")
    pair = edges[(edges["src"] == min(apple, ios)) & (edges["dst"] == max(apple, ios))]
    assert pair["weight"].tolist() == [2.0]
    assert graph.info["edges_per_relation"]["complement"] == 2
    assert graph.info["edges_per_relation"]["substitute"] == 1


def test_complement_is_directed():
    graph = tiny_graph()
    directed = graph.directed_edges()
    phone, case = graph.node_id("type:phone"), graph.node_id("type:phone case")
    complement = directed[directed["relation"] == "complement"]
    assert ((complement["src"] == phone) & (complement["dst"] == case)).sum() == 1
    assert ((complement["src"] == case) & (complement["dst"] == phone)).sum() == 0


def test_query_and_intent_edges():
    queries = pd.DataFrame({"query": ["black iphone 8"], "tokens": [["black", "iphone", "8"]],
                            "tags": [["B-color", "B-product_name", "I-product_name"]]})
    pairs = list(query_pairs(queries))
    assert pairs == [("color:black", "model:iphone 8", "queries", 1.0)]
    log = pd.DataFrame({"query": ["Black iPhone 8"], "country": ["us"], "product_id": ["p4"], "clicks": [3]})
    intents = list(intent_pairs(log, tiny_products(), {"black iphone 8": ["color:black", "model:iphone 8"]}))
    assert sorted(intents) == [("color:black", "type:phone case", "intent", 3.0),
                               ("model:iphone 8", "type:phone case", "intent", 3.0)]


def test_walk_iphone_known_answer():
    graph = tiny_graph()
    walker = RandomWalker(graph)
    seeds = {graph.node_id("model:iphone 8"): 1.0, graph.node_id("type:phone"): 0.8}
    ranking = walker.walk(seeds, top_n=10, exclude_keys={"model", "type"}).ranking.set_index("node")
    assert ranking.loc["brand:apple", "source"] == "catalog"
    assert ranking.loc["os:ios", "source"] == "catalog"
    assert ranking.loc["type:phone case", "source"] == "complement"
    assert ranking.loc["brand:samsung", "source"] == "substitute"
    assert "model:iphone 8" not in ranking.index
    assert ranking["confidence"].between(0, 1).all()
    assert ranking.loc["brand:apple", "score"] > ranking.loc["brand:samsung", "score"]


def test_walk_steps_explain_each_value():
    graph = tiny_graph()
    result = RandomWalker(graph).walk({graph.node_id("type:phone"): 1.0}, top_n=5)
    steps = result.steps.set_index("dst")
    assert steps.loc["type:phone case", "src"] == "type:phone"
    assert steps.loc["type:phone case", "relation"] == "complement"
    assert len(result.steps) == len(result.ranking)


def test_walk_restart_concentrates_mass():
    graph = tiny_graph()
    seeds = {graph.node_id("model:iphone 8"): 1.0}
    walker = RandomWalker(graph)
    near = walker.walk(seeds, top_n=20, restart=0.9).ranking.set_index("node")["score"]
    far = walker.walk(seeds, top_n=20, restart=0.1).ranking.set_index("node")["score"]
    assert near["brand:apple"] / near.sum() > far["brand:apple"] / far.sum()


def test_walk_rejects_bad_restart():
    graph = tiny_graph()
    with pytest.raises(ValueError, match="restart probability"):
        RandomWalker(graph).walk({0: 1.0}, restart=1.5)


def test_walk_without_seeds_is_empty():
    assert RandomWalker(tiny_graph()).walk({}).ranking.empty


def test_embeddings_must_match_nodes():
    with pytest.raises(ValueError, match="rows"):
        RandomWalker(tiny_graph(), embeddings=np.zeros((2, 4)))


def test_embeddings_tilt_towards_similar_values():
    graph = tiny_graph()
    seeds = {graph.node_id("type:phone"): 1.0}
    embeddings = np.full((graph.num_nodes, 2), [1.0, 0.0])
    embeddings[graph.node_id("type:phone")] = [0.0, 1.0]
    embeddings[graph.node_id("brand:samsung")] = [0.0, 1.0]
    plain = RandomWalker(graph, WalkParams(key_share=0)).walk(seeds, top_n=30).ranking.set_index("node")
    tilted = RandomWalker(graph, WalkParams(embedding_weight=3.0, key_share=0), embeddings)
    tilted_scores = tilted.walk(seeds, top_n=30).ranking.set_index("node")
    assert tilted_scores.loc["brand:samsung", "score"] > plain.loc["brand:samsung", "score"]


def test_cooccurrence_baseline_cannot_tell_complements():
    graph = tiny_graph()
    seeds = {graph.node_id("model:iphone 8"): 1.0}
    ranking = cooccurrence_rank(graph, seeds).set_index("node")
    assert ranking.loc["brand:apple", "source"] == "catalog"
    assert "brand:samsung" not in ranking.index
    assert set(ranking["kind"]) == {"cooccurrence"}


def test_derive_relations_from_edges():
    products = tiny_products()
    copurchase = pd.DataFrame({"src": ["p1"] * 3 + ["p2"] * 2, "dst": ["p4"] * 3 + ["p6"] * 2, "weight": 1.0})
    coview = pd.DataFrame({"src": ["p1", "p2", "p1"], "dst": ["p3", "p3", "p3"], "weight": 1.0})
    relations = derive_relations(products, copurchase, coview, min_count=2)
    as_tuples = set(zip(relations["relation"], relations["src"], relations["dst"]))
    assert ("complement", "phone", "phone case") in as_tuples
    assert ("complement", "phone", "charger") in as_tuples
    assert ("complement", "phone case", "phone") not in as_tuples
    assert ("substitute", "Apple", "Samsung") in as_tuples


def test_declared_relations_both_forms():
    from recsys_core.data.schema import make_dataset
    from recsys_core.search.models import dataset_relations

    products = tiny_products()
    mapping = make_dataset("a", "test", {"relations": {"complement_types": [["phone", "phone case"]],
                                                       "substitute_brands": [["apple", "samsung"]]}},
                           products=products)
    frame, provenance = dataset_relations(mapping)
    assert provenance == "declared by the dataset"
    assert set(zip(frame["relation"], frame["src"], frame["dst"])) == {
        ("complement", "phone", "phone case"), ("substitute", "apple", "samsung")}
    records = make_dataset("b", "test", {"relations": tiny_relations().to_dict(orient="records")}, products=products)
    assert len(dataset_relations(records)[0]) == 3
    derived = make_dataset("c", "test", products=products)
    assert dataset_relations(derived)[1] == "derived from co-purchase and co-view edges"
