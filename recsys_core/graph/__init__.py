"""The product graph: directed co-purchase and bidirected co-view edges, statistics, ego subgraphs.

    from recsys_core.graph import build_graph
    graph = build_graph(dataset)
    graph.stats()["reciprocity"], graph.out_neighbors(product_id), graph.ego(product_id, hops=2)
"""

from recsys_core.graph.build import COVIEW_PROXY_DESCRIPTION, basket_copurchase, build_graph, household_coview_proxy
from recsys_core.graph.params import GraphParams
from recsys_core.graph.product_graph import LINK_TYPES, EgoGraph, ProductGraph, ProductNotFoundError

__all__ = [
    "COVIEW_PROXY_DESCRIPTION",
    "LINK_TYPES",
    "EgoGraph",
    "GraphParams",
    "ProductGraph",
    "ProductNotFoundError",
    "basket_copurchase",
    "build_graph",
    "household_coview_proxy",
]
