"""The product graph on hand-made datasets with known results, and on the real samples."""

import pandas as pd
import pytest

from recsys_core import cache
from recsys_core.data import make_dataset
from recsys_core.figures import degree_distribution_figure, degree_scatter_figure, ego_html, offline_html
from recsys_core.figures.graph_html import RemoteResourceError
from recsys_core.graph import GraphParams, ProductNotFoundError, basket_copurchase, build_graph, household_coview_proxy


def _toy_dataset(**extra_tables):
    products = pd.DataFrame({"product_id": list("abcdef"), "title": [f"Product {p}" for p in "abcdef"]})
    copurchase = pd.DataFrame({
        "src": ["a", "b", "a", "c", "e"],
        "dst": ["b", "a", "c", "d", "a"],
        "weight": [0.9, 0.5, 0.4, 0.7, 0.2],
        "provenance": "also_bought",
    })
    coview = pd.DataFrame({"src": ["c", "d", "f"], "dst": ["e", "f", "d"], "weight": [0.3, 0.6, 0.6],
                           "provenance": "also_viewed"})
    tables = {"products": products, "copurchase": copurchase, "coview": coview, **extra_tables}
    return make_dataset("toy", "test", **tables)


@pytest.fixture()
def toy_graph():
    return build_graph(_toy_dataset(), use_cache=False)


def test_stats_known_graph(toy_graph):
    stats = toy_graph.stats()
    assert stats["products"] == 6
    assert stats["edges"] == {"co-purchase": 5, "co-view": 3}
    assert stats["reciprocity"] == pytest.approx(2 / 5)
    assert stats["two_way_pairs"] == 1
    assert stats["one_way_pairs"] == 3
    assert stats["one_way_share"] == pytest.approx(3 / 4)
    assert stats["coview_pairs"] == 2
    assert stats["coview_listed_reciprocity"] == pytest.approx(2 / 3)
    assert stats["coview_is_proxy"] is False
    assert stats["degree"]["copurchase_in"]["max"] == 2
    assert stats["degree_distribution"]["copurchase_out"] == [[0, 2], [1, 3], [2, 1]]


def test_coview_rows_cover_both_directions(toy_graph):
    pairs = set(zip(toy_graph.coview["src"], toy_graph.coview["dst"]))
    assert pairs == {("c", "e"), ("e", "c"), ("d", "f"), ("f", "d")}
    listed = toy_graph.coview.set_index(["src", "dst"])["listed"]
    assert listed[("c", "e")]
    assert not listed[("e", "c")]


def test_neighbors_sorted_by_weight(toy_graph):
    assert toy_graph.out_neighbors("a")["product_id"].tolist() == ["b", "c"]
    assert toy_graph.in_neighbors("a")["product_id"].tolist() == ["b", "e"]
    assert toy_graph.in_neighbors("a")["weight"].tolist() == [0.5, 0.2]
    assert toy_graph.coview_neighbors("e")["product_id"].tolist() == ["c"]
    assert toy_graph.out_neighbors("f").empty


@pytest.mark.parametrize("a, b, expected", [
    ("a", "b", "co-purchase"),
    ("c", "a", "reverse co-purchase"),
    ("a", "e", "reverse co-purchase"),
    ("e", "c", "co-view"),
    ("a", "d", "second order"),
    ("b", "c", "second order"),
    ("a", "f", "none"),
    ("d", "a", "none"),
])
def test_link_type(toy_graph, a, b, expected):
    assert toy_graph.link_type(a, b) == expected


def test_unknown_product_is_named(toy_graph):
    with pytest.raises(ProductNotFoundError, match="product 'zzz' is not in dataset 'toy'"):
        toy_graph.out_neighbors("zzz")


def test_ego_one_hop(toy_graph):
    ego = toy_graph.ego("a", hops=1, max_nodes=10)
    assert set(ego.nodes["product_id"]) == {"a", "b", "c", "e"}
    assert ego.total_nodes == 4
    assert not ego.capped
    # c — e links two hop-1 nodes, so it is not drawn.
    assert set(zip(ego.edges["src"], ego.edges["dst"], ego.edges["relation"])) == {
        ("a", "b", "co-purchase"), ("b", "a", "co-purchase"), ("a", "c", "co-purchase"),
        ("e", "a", "co-purchase")}


def test_ego_cap_keeps_strongest(toy_graph):
    ego = toy_graph.ego("a", hops=1, max_nodes=2)
    assert ego.nodes["product_id"].tolist() == ["a", "b"]
    assert ego.total_nodes == 4
    assert ego.capped


def test_ego_two_hops_counts_reach(toy_graph):
    ego = toy_graph.ego("a", hops=2, max_nodes=100)
    assert set(ego.nodes["product_id"]) == {"a", "b", "c", "d", "e"}
    assert ego.nodes.set_index("product_id").loc["d", "hop"] == 2
    assert ego.total_nodes == 5
    assert ("c", "d") in set(zip(ego.edges["src"], ego.edges["dst"]))
    graph = ego.to_networkx()
    assert graph.number_of_nodes() == 5


def test_bought_together_excluded_by_default():
    extra = pd.DataFrame({"src": ["a", "d"], "dst": ["b", "e"], "provenance": ["bought_together", "bought_together"]})
    dataset = _toy_dataset()
    dataset.copurchase = pd.concat([dataset.copurchase, extra.assign(weight=1.0)], ignore_index=True)

    default = build_graph(dataset, use_cache=False)
    assert len(default.copurchase) == 5
    assert len(default.excluded) == 2
    assert default.stats()["excluded_edges"] == {"bought_together": 2}

    merged = build_graph(dataset, GraphParams(include_bought_together=True), use_cache=False)
    provenance = merged.copurchase.set_index(["src", "dst"])["provenance"]
    assert len(merged.copurchase) == 6
    assert provenance[("a", "b")] == "also_bought+bought_together"
    assert provenance[("d", "e")] == "bought_together"


def _orders(baskets):
    rows = []
    for basket, (customer, items) in enumerate(baskets):
        for item in items:
            rows.append({"customer_id": customer, "product_id": item, "basket_id": f"k{basket}",
                         "timestamp": pd.Timestamp("2024-01-01") + pd.Timedelta(days=basket)})
    return pd.DataFrame(rows)


def test_basket_copurchase_is_directed():
    # P(y | x) = 10 / 12 and P(x | y) = 10 / 15: with min_confidence 0.75 x -> y survives and
    # y -> x does not; z -> y has P(y | z) = 1 but y -> z only 5 / 15.
    baskets = [("u", ["x", "y"])] * 10 + [("u", ["x"])] * 2 + [("u", ["y", "z"])] * 5
    params = GraphParams(min_pair_baskets=3, min_confidence=0.75, min_lift=0.0)
    edges = basket_copurchase(_orders(baskets), params).set_index(["src", "dst"])["weight"]
    assert sorted(edges.index) == [("x", "y"), ("z", "y")]
    assert edges[("x", "y")] == pytest.approx(10 / 12)
    assert edges[("z", "y")] == pytest.approx(1.0)


def test_basket_copurchase_support_and_top_n():
    baskets = [("u", ["x", "y"])] * 4 + [("u", ["x", "z"])] * 3 + [("u", ["x", "w"])] * 2
    edges = basket_copurchase(_orders(baskets), GraphParams(min_pair_baskets=3, min_confidence=0.0, min_lift=0.0, top_n=1))
    from_x = edges[edges["src"] == "x"]
    assert from_x["dst"].tolist() == ["y"]  # z passes support but only the top 1 is kept; w fails support
    assert ("w", "x") not in set(zip(edges["src"], edges["dst"]))


def test_basket_copurchase_skips_large_baskets():
    baskets = [("u", ["x", "y", "z"])] * 5
    edges = basket_copurchase(_orders(baskets), GraphParams(min_pair_baskets=1, min_confidence=0.0,
                                                            min_lift=0.0, max_basket_size=2))
    assert edges.empty


def test_coview_proxy_links_same_type_only():
    products = pd.DataFrame({"product_id": ["milk1", "milk2", "bread"], "type": ["milk", "milk", "bread"]})
    baskets = [(f"h{i}", ["milk1", "bread"]) for i in range(6)] + [(f"h{i}", ["milk2"]) for i in range(4)]
    edges = household_coview_proxy(_orders(baskets), products,
                                   GraphParams(coview_min_households=3, coview_min_jaccard=0.1))
    assert sorted(zip(edges["src"], edges["dst"])) == [("milk1", "milk2")]
    assert edges["weight"].iloc[0] == pytest.approx(4 / 6)


def test_orders_dataset_gets_proxy_graph():
    products = pd.DataFrame({"product_id": ["x", "y", "z"], "type": ["soda", "soda", "chips"]})
    baskets = [(f"h{i}", ["x", "z"]) for i in range(12)] + [(f"h{i}", ["y"]) for i in range(12)]
    dataset = make_dataset("shop", "test", products=products, orders=_orders(baskets))
    graph = build_graph(dataset, GraphParams(min_pair_baskets=5, min_lift=0.0), use_cache=False)

    assert set(zip(graph.copurchase["src"], graph.copurchase["dst"])) == {("x", "z"), ("z", "x")}
    assert set(zip(graph.coview["src"], graph.coview["dst"])) == {("x", "y"), ("y", "x")}
    assert graph.info["coview_is_proxy"] is True
    assert "Proxy for co-view" in graph.info["coview_description"]
    assert graph.stats()["edges"]["co-view"] == 2


def test_graph_cache_round_trip():
    dataset = _toy_dataset()
    first = build_graph(dataset)
    cached = list((cache.cache_dir() / "graphs").iterdir())
    second = build_graph(dataset)
    assert cached
    assert second.stats() == first.stats()
    pd.testing.assert_frame_equal(second.copurchase, first.copurchase)
    other = build_graph(dataset, GraphParams(top_n=3))
    assert len(list((cache.cache_dir() / "graphs").iterdir())) == len(cached) + 1
    assert other.stats()["edges"] == first.stats()["edges"]


def test_beauty_graph_statistics(shared_data):
    from recsys_core.data import load_dataset

    graph = build_graph(load_dataset(f"amazon-meta:{shared_data / 'amazon_beauty_2014' / 'meta.json.gz'}"))
    stats = graph.stats()
    assert stats["products"] == 12_101
    assert stats["listed_inside"]["also_bought"] == 239_345
    assert stats["edges"]["co-purchase"] == 239_344  # the one self-reference is dropped
    assert stats["edges"]["co-view"] == 155_350
    assert round(stats["reciprocity"], 2) == 0.38
    assert round(stats["coview_listed_reciprocity"], 2) == 0.47
    assert stats["excluded_edges"] == {"bought_together": 9_021}


def test_gift_cards_graph_statistics(shared_data):
    from recsys_core.data import load_dataset

    graph = build_graph(load_dataset(f"amazon-meta:{shared_data / 'amazon_gift_cards_2018' / 'meta_Gift_Cards.json.gz'}"))
    stats = graph.stats()
    assert stats["products"] == 1_547
    assert stats["edges"]["co-purchase"] == 5_993
    assert stats["edges"]["co-view"] == 6_675
    assert round(stats["reciprocity"], 2) == 0.24


# ---------------------------------------------------------------- figures

def _hostile_graph():
    products = pd.DataFrame({
        "product_id": ["x1", "p2", "p3"],
        "title": ["<img src=x onerror=alert(1)> href", "</script><script>alert(2)</script>", "Case & cover"],
        "brand": ["<b>Evil</b>", "", ""],
    })
    copurchase = pd.DataFrame({"src": ["x1", "p2", "x1"], "dst": ["p2", "x1", "p3"]})
    coview = pd.DataFrame({"src": ["p2"], "dst": ["p3"]})
    dataset = make_dataset("hostile", "test", products=products, copurchase=copurchase, coview=coview)
    return build_graph(dataset, use_cache=False)


def test_ego_html_is_offline():
    import re

    graph = _hostile_graph()
    document = ego_html(graph, graph.ego("x1", hops=2, max_nodes=10))
    assert "new vis.Network" in document
    assert "cdn.jsdelivr.net" not in document
    assert re.search(r"\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", document, re.IGNORECASE) is None


def test_ego_html_escapes_titles():
    graph = _hostile_graph()
    document = ego_html(graph, graph.ego("x1", hops=2, max_nodes=10))
    assert "<img src=x" not in document
    assert "</script><script>alert(2)" not in document
    assert "<b>Evil</b>" not in document
    assert "\\u003cimg src=x onerror=alert(1)\\u003e href" in document  # kept for textContent


def test_ego_html_legend_names_relations():
    graph = _hostile_graph()
    document = ego_html(graph, graph.ego("x1", hops=1, max_nodes=2))
    assert "co-purchase a → b (directed)" in document
    assert "co-view (bidirected)" in document
    assert "2 of 3 products within 1 hop" in document


def test_offline_html_rejects_remote_resources():
    with pytest.raises(RemoteResourceError, match="remote resource"):
        offline_html('<html><body><img src="https://example.com/x.png"></body></html>')
    cleaned = offline_html('<link href="https://cdn.example/x.css" rel="stylesheet"/>'
                           '<script src="https://cdn.example/x.js"></script><p>kept</p>')
    assert cleaned == "<p>kept</p>"


def test_degree_scatter_figure_points():
    graph = _toy_dataset()
    graph = build_graph(graph, use_cache=False)
    figure = degree_scatter_figure(graph.degrees(), graph.products["title"], highlight="a")
    points = figure.data[0]
    assert sorted(points.customdata[:, 0].tolist()) == ["a", "b", "c", "d", "e"]  # f has no co-purchase edge
    index = points.customdata[:, 0].tolist().index("a")
    assert (points.x[index], points.y[index]) == (3, 3)  # in 2, out 2, plotted as degree + 1
    assert figure.data[1].name == "this product"


def test_degree_scatter_escapes_titles():
    graph = _hostile_graph()
    figure = degree_scatter_figure(graph.degrees(), graph.products["title"])
    hover = figure.data[0].customdata[:, 1].tolist()
    assert "&lt;img src=x onerror=alert(1)&gt; href" in hover


def test_degree_distribution_figure_traces():
    graph = build_graph(_toy_dataset(), use_cache=False)
    figure = degree_distribution_figure(graph.stats()["degree_distribution"], coview_is_proxy=True)
    names = [trace.name for trace in figure.data]
    assert names == ["co-purchase out-degree (zero: 33%)", "co-purchase in-degree (zero: 33%)",
                     "co-view proxy degree (zero: 33%)"]
    assert list(figure.data[0].x) == [1, 2]
