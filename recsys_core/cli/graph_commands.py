"""CLI commands about the product graph: ``recsys graph-stats``."""

from __future__ import annotations

import argparse
import json

from recsys_core.cli import add_dataset_argument, progress_for
from recsys_core.data import load_dataset
from recsys_core.graph import GraphParams, ProductGraph, build_graph
from recsys_core.progress import scaled

_DEFAULTS = GraphParams()


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "graph-stats", help="build the product graph of a dataset and print its statistics",
        description="Build (or read from the cache) the product graph of a dataset and print products, "
                    "edges per relation, reciprocity, one-way pairs and degree summaries.")
    add_dataset_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON, including the degree distributions")
    group = parser.add_argument_group("thresholds for graphs derived from orders")
    group.add_argument("--min-pair-baskets", type=int, default=_DEFAULTS.min_pair_baskets,
                       help="baskets that must hold both products of a pair (default: %(default)s)")
    group.add_argument("--min-confidence", type=float, default=_DEFAULTS.min_confidence,
                       help="minimum P(b | a) for an edge a -> b (default: %(default)s)")
    group.add_argument("--min-lift", type=float, default=_DEFAULTS.min_lift,
                       help="lift P(b | a) / P(b) that an edge must exceed (default: %(default)s)")
    group.add_argument("--top-n", type=int, default=_DEFAULTS.top_n,
                       help="co-purchase out-edges kept per product (default: %(default)s)")
    parser.add_argument("--include-bought-together", action="store_true",
                        help="add Amazon bought_together lists to the co-purchase relation")
    parser.add_argument("--product", metavar="ID",
                        help="also print this product's degrees and strongest neighbours")
    parser.set_defaults(func=run_graph_stats)


def run_graph_stats(args: argparse.Namespace) -> int:
    params = GraphParams(
        min_pair_baskets=args.min_pair_baskets, min_confidence=args.min_confidence,
        min_lift=args.min_lift, top_n=args.top_n, include_bought_together=args.include_bought_together)
    progress = progress_for(args)
    dataset = load_dataset(args.dataset, progress=scaled(progress, 0.0, 0.5))
    graph = build_graph(dataset, params, progress=scaled(progress, 0.5, 1.0))
    stats = graph.stats()
    stats["spec"] = args.dataset
    stats["copurchase_description"] = graph.info.get("copurchase_description", "")
    stats["coview_description"] = graph.info.get("coview_description", "")
    if args.product is not None:
        stats["product"] = product_summary(graph, args.product)
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return 0
    print(format_stats(stats))
    return 0


def product_summary(graph: ProductGraph, product_id: str, top: int = 10) -> dict:
    """Degrees and strongest neighbours of one product; raises `ProductNotFoundError` for unknown ids."""
    out_edges = graph.out_neighbors(product_id)
    in_edges = graph.in_neighbors(product_id)
    coview_edges = graph.coview_neighbors(product_id)
    incoming = set(in_edges["product_id"])
    outgoing = set(out_edges["product_id"])
    titles = graph.products["title"]

    def rows(edges, reverse_ids):
        return [{"product_id": str(other), "title": str(titles.get(other, other)), "weight": float(weight),
                 "reverse_edge_exists": other in reverse_ids}
                for other, weight in zip(edges["product_id"].head(top), edges["weight"].head(top))]

    return {
        "product_id": product_id,
        "title": str(titles.get(product_id, product_id)),
        "out_degree": len(out_edges),
        "in_degree": len(in_edges),
        "coview_degree": len(coview_edges),
        "out_neighbors": rows(out_edges, incoming),
        "in_neighbors": rows(in_edges, outgoing),
    }


def format_stats(stats: dict) -> str:
    """Render graph statistics as aligned text lines."""
    coview_label = "co-view edges (proxy)" if stats["coview_is_proxy"] else "co-view edges"
    lines = [
        f"dataset                {stats['spec']}",
        f"products               {stats['products']:,}",
        f"co-purchase edges      {stats['edges']['co-purchase']:,}",
        f"{coview_label:<23}{stats['edges']['co-view']:,} directed pairs as listed ({stats['coview_pairs']:,} pairs)",
        f"reciprocity            {stats['reciprocity']:.3f} (share of co-purchase edges whose reverse is an edge)",
        f"one-way pairs          {stats['one_way_pairs']:,} of {stats['one_way_pairs'] + stats['two_way_pairs']:,} "
        f"linked pairs ({stats['one_way_share']:.1%})",
        f"products without edges {stats['products_without_edges']:,}",
    ]
    for name, label in (("copurchase_out", "co-purchase out-degree"), ("copurchase_in", "co-purchase in-degree"),
                        ("coview", "co-view degree")):
        summary = stats["degree"][name]
        lines.append(f"{label:<23}mean {summary['mean']:.2f}, median {summary['median']:g}, max {summary['max']:,}, "
                     f"zero for {summary['zero_share']:.1%}")
    for name, count in stats["listed_inside"].items():
        lines.append(f"{'listed inside the set':<23}{name}: {count:,}")
    for name, count in stats["self_references_dropped"].items():
        lines.append(f"{'self-loops dropped':<23}{name}: {count:,}")
    for name, count in stats["excluded_edges"].items():
        lines.append(f"{'kept out of the graph':<23}{name}: {count:,} (use --include-bought-together to add them)")
    lines.append(f"co-purchase source     {stats['copurchase_description']}")
    lines.append(f"co-view source         {stats['coview_description']}")
    if "product" in stats:
        product = stats["product"]
        lines.append(f"product                {product['product_id']}: {product['title']}")
        lines.append(f"                       out-degree {product['out_degree']}, in-degree {product['in_degree']}, "
                     f"co-view degree {product['coview_degree']}")
        for key, arrow in (("out_neighbors", "->"), ("in_neighbors", "<-")):
            for row in product[key]:
                reverse = "two-way" if row["reverse_edge_exists"] else "one-way"
                lines.append(f"  {arrow} {row['product_id']:<14} {row['weight']:.3f} {reverse:<8} {row['title']}")
    return "\n".join(lines)
