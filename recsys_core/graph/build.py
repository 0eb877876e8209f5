"""Build a `ProductGraph` from a `Dataset`, from listed edges or from basket statistics.

Co-purchase: a dataset's listed copurchase table when it has one, otherwise derived from its
orders: a → b when the pair's support (baskets holding both) and P(b | a) pass the thresholds of
`GraphParams`, keeping the top N per product.

Co-view: a dataset's listed coview table when it has one. Transaction data has no views, so a
proxy is used instead: **same-type household overlap**. Two products of the same product type are
linked when enough households bought both (in any baskets), weighted by the Jaccard similarity
of their buyer sets. Amazon's also-viewed lists mostly link alternatives a shopper compares:
McAuley, Pandey and Leskovec ("Inferring Networks of Substitutable and Complementary Products",
KDD 2015) learn substitutes from these browsing links. Households that buy two products of one
type over the year are the closest trace of such comparison that receipts keep. The proxy is
labelled as such in ``ProductGraph.info`` and in the app.

Built graphs are cached on disk, keyed by the dataset's content and the parameters.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd
from scipy import sparse

from recsys_core import cache
from recsys_core.data.schema import Dataset, DatasetError
from recsys_core.graph.params import GraphParams
from recsys_core.graph.product_graph import EDGE_COLUMNS, ProductGraph
from recsys_core.progress import ProgressCallback, report

logger = logging.getLogger(__name__)

# Bump when the builder's output changes, so cached graphs are rebuilt.
GRAPH_VERSION = 1

COVIEW_PROXY_DESCRIPTION = (
    "Proxy for co-view: products of the same product type bought by the same households "
    "(at least {min_households} households, Jaccard similarity of buyer sets at least {min_jaccard}, "
    "top {top_n} per product). Transaction data records no views; like Amazon's also-viewed "
    "lists, this links alternatives that shoppers choose between."
)
BASKET_DESCRIPTION = (
    "Co-purchase derived from baskets: a → b when at least {min_pair_baskets} baskets hold both, "
    "P(b | a) ≥ {min_confidence} and lift > {min_lift}; top {top_n} per product by P(b | a); "
    "baskets with more than {max_basket_size} distinct products skipped."
)


def build_graph(dataset: Dataset, params: Optional[GraphParams] = None,
                progress: Optional[ProgressCallback] = None, use_cache: bool = True) -> ProductGraph:
    """Build the product graph of `dataset`, or read it from the disk cache.

    Parameters
    ----------
    dataset
        Any dataset with a products table. Listed copurchase / coview tables are used as they
        are; without them, orders are turned into edges as `GraphParams` describes.
    params
        Thresholds for edges derived from orders; defaults to ``GraphParams()``.
    progress
        Optional ``(fraction, message)`` callback.
    use_cache
        Read and write the built edges under the artefact cache.

    Raises
    ------
    DatasetError
        When the dataset has no products.
    """
    params = params or GraphParams()
    products = dataset.require("products", "the product graph")
    products = products.set_index("product_id", drop=True)

    path = None
    if use_cache:
        path = cache.artifact_path("graphs", _cache_key(dataset, params))
        if (path / "info.json").is_file():
            report(progress, 0.0, "Reading cached product graph")
            graph = _read(path, dataset.name, products)
            report(progress, 1.0, "Read cached product graph")
            return graph

    started = time.perf_counter()
    info: dict[str, Any] = {"params": params.to_dict(), "dataset_info": dict(dataset.info)}
    copurchase, excluded = _copurchase(dataset, params, info, progress)
    coview = _coview(dataset, params, info, progress)
    graph = ProductGraph(dataset.name, products, copurchase, coview, excluded, info)
    info["build_seconds"] = round(time.perf_counter() - started, 2)
    logger.info("built graph of %s in %.1f s: %d co-purchase, %d co-view rows",
                dataset.name, info["build_seconds"], len(copurchase), len(coview))
    if path is not None:
        _write(path, graph)
    report(progress, 1.0, "Built the product graph")
    return graph


def _copurchase(dataset: Dataset, params: GraphParams, info: dict[str, Any],
                progress: Optional[ProgressCallback]) -> tuple[pd.DataFrame, pd.DataFrame]:
    empty = pd.DataFrame(columns=EDGE_COLUMNS)
    if dataset.copurchase is not None and len(dataset.copurchase):
        edges = dataset.copurchase[EDGE_COLUMNS]
        if params.include_bought_together:
            excluded = empty
        else:
            is_bundle = (edges["provenance"] == "bought_together").to_numpy()
            excluded, edges = edges[is_bundle].reset_index(drop=True), edges[~is_bundle]
        info["copurchase_source"] = "listed"
        info["copurchase_description"] = "Co-purchase edges as the dataset lists them."
        return _merge_duplicates(edges), excluded
    if dataset.orders is not None and len(dataset.orders):
        report(progress, 0.05, "Deriving co-purchase edges from baskets")
        info["copurchase_source"] = "baskets"
        info["copurchase_description"] = BASKET_DESCRIPTION.format(**params.to_dict())
        edges = basket_copurchase(dataset.orders, params, info)
        report(progress, 0.55, f"Derived {len(edges):,} co-purchase edges")
        return edges, empty
    info["copurchase_source"] = "none"
    info["copurchase_description"] = "The dataset has neither co-purchase edges nor orders."
    return empty, empty


def _coview(dataset: Dataset, params: GraphParams, info: dict[str, Any],
            progress: Optional[ProgressCallback]) -> pd.DataFrame:
    if dataset.coview is not None and len(dataset.coview):
        info["coview_source"] = "listed"
        info["coview_is_proxy"] = False
        info["coview_description"] = "Co-view edges as the dataset lists them; each pair counts in both directions."
        return _mirror(_merge_duplicates(dataset.coview[EDGE_COLUMNS]))
    if dataset.orders is not None and len(dataset.orders):
        report(progress, 0.6, "Deriving the co-view proxy from households")
        info["coview_source"] = "proxy"
        info["coview_is_proxy"] = True
        info["coview_description"] = COVIEW_PROXY_DESCRIPTION.format(
            min_households=params.coview_min_households, min_jaccard=params.coview_min_jaccard,
            top_n=params.coview_top_n)
        proxy = _mirror(household_coview_proxy(dataset.orders, dataset.products, params))
        report(progress, 0.95, f"Derived {len(proxy) // 2:,} co-view proxy pairs")
        proxy["listed"] = True  # symmetric by construction: both directions are the proxy's own
        return proxy
    info["coview_source"] = "none"
    info["coview_is_proxy"] = False
    info["coview_description"] = "The dataset has neither co-view edges nor orders."
    return pd.DataFrame(columns=EDGE_COLUMNS + ["listed"])


def _merge_duplicates(edges: pd.DataFrame) -> pd.DataFrame:
    """Merge repeated ordered pairs into one row: the highest weight, provenances joined with '+'."""
    if not edges.duplicated(["src", "dst"]).any():
        return edges.reset_index(drop=True)
    grouped = edges.groupby(["src", "dst"], sort=False)
    merged = grouped["weight"].max().to_frame()
    merged["provenance"] = grouped["provenance"].agg(lambda values: "+".join(sorted(set(values))))
    return merged.reset_index()[EDGE_COLUMNS]


def _mirror(edges: pd.DataFrame) -> pd.DataFrame:
    """Add the reverse of every pair that is listed in one direction only."""
    listed = edges.assign(listed=True)
    reverse = edges.rename(columns={"src": "dst", "dst": "src"})[EDGE_COLUMNS]
    have = pd.MultiIndex.from_frame(edges[["src", "dst"]])
    missing = ~pd.MultiIndex.from_frame(reverse[["src", "dst"]]).isin(have)
    added = reverse[missing].assign(listed=False)
    return pd.concat([listed, added], ignore_index=True)


def _basket_keys(orders: pd.DataFrame) -> pd.Series:
    if "basket_id" in orders and orders["basket_id"].astype(str).str.len().gt(0).all():
        return orders["basket_id"].astype(str)
    # Without basket ids, one customer's purchases on one day form a basket.
    return orders["customer_id"].astype(str) + "@" + orders["timestamp"].dt.strftime("%Y-%m-%d")


def basket_copurchase(orders: pd.DataFrame, params: GraphParams, info: Optional[dict[str, Any]] = None) -> pd.DataFrame:
    """Derive directed co-purchase edges a → b from basket co-occurrence.

    Returns a frame with src, dst, weight = P(b | a) and provenance 'baskets', at most
    ``params.top_n`` rows per src.
    """
    info = info if info is not None else {}
    pairs = pd.DataFrame({"basket": _basket_keys(orders), "product": orders["product_id"].astype(str)})
    pairs = pairs.drop_duplicates()
    basket_codes, basket_index = pd.factorize(pairs["basket"])
    sizes = np.bincount(basket_codes)
    n_baskets_all = len(basket_index)
    keep = sizes[basket_codes] <= params.max_basket_size
    info["baskets"] = int(n_baskets_all)
    info["baskets_skipped_as_too_large"] = int((sizes > params.max_basket_size).sum())
    pairs = pairs[keep]
    basket_codes = pd.factorize(pairs["basket"])[0]
    n_baskets = int(basket_codes.max()) + 1 if len(basket_codes) else 0

    # A pair can reach min_pair_baskets only if both products are in that many baskets.
    product_counts = pairs["product"].value_counts()
    frequent = product_counts.index[product_counts >= params.min_pair_baskets]
    subset = pairs["product"].isin(frequent).to_numpy()
    product_codes, product_index = pd.factorize(pairs["product"][subset])
    baskets_per_product = np.bincount(product_codes).astype(np.float64)
    matrix = sparse.csr_matrix(
        (np.ones(len(product_codes), dtype=np.int32), (basket_codes[subset], product_codes)),
        shape=(n_baskets, len(product_index)))
    together = (matrix.T @ matrix).tocoo()
    src, dst, support = together.row, together.col, together.data

    mask = (src != dst) & (support >= params.min_pair_baskets)
    src, dst, support = src[mask], dst[mask], support[mask]
    confidence = support / baskets_per_product[src]
    lift = confidence / (baskets_per_product[dst] / max(n_baskets, 1))
    mask = (confidence >= params.min_confidence) & (lift > params.min_lift)
    src, dst, support, confidence = src[mask], dst[mask], support[mask], confidence[mask]

    # Top N per source by confidence, ties broken by support.
    order = np.lexsort((-support, -confidence, src))
    src, dst, confidence = src[order], dst[order], confidence[order]
    rank = np.arange(len(src)) - np.searchsorted(src, src, side="left")
    keep = rank < params.top_n
    return pd.DataFrame({
        "src": product_index.to_numpy()[src[keep]],
        "dst": product_index.to_numpy()[dst[keep]],
        "weight": confidence[keep],
        "provenance": "baskets",
    })


def household_coview_proxy(orders: pd.DataFrame, products: pd.DataFrame, params: GraphParams) -> pd.DataFrame:
    """Link products of the same type that the same households bought (the co-view proxy).

    Returns one row per unordered pair that passes the thresholds (src < dst is not
    guaranteed), with weight = Jaccard similarity of the buyer sets and provenance
    'proxy: same-type households'. Products with an empty type are left out.
    """
    types = products.set_index("product_id")["type"] if "product_id" in products else products["type"]
    buyers = pd.DataFrame({"customer": orders["customer_id"].astype(str),
                           "product": orders["product_id"].astype(str)}).drop_duplicates()
    buyers["type"] = buyers["product"].map(types).fillna("")
    buyers = buyers[buyers["type"] != ""]
    households_per_product = buyers["product"].value_counts()
    frequent = households_per_product.index[households_per_product >= params.coview_min_households]
    buyers = buyers[buyers["product"].isin(frequent)]

    # One row per (household, type): products of different types never share a row, so the
    # product of this matrix with itself counts shared households of same-type pairs only.
    row_codes, _ = pd.factorize(pd.MultiIndex.from_frame(buyers[["customer", "type"]]))
    product_codes, product_index = pd.factorize(buyers["product"])
    matrix = sparse.csr_matrix(
        (np.ones(len(row_codes), dtype=np.int32), (row_codes, product_codes)),
        shape=(int(row_codes.max()) + 1 if len(row_codes) else 0, len(product_index)))
    shared = sparse.triu(matrix.T @ matrix, k=1).tocoo()
    a, b, both = shared.row, shared.col, shared.data
    mask = both >= params.coview_min_households
    a, b, both = a[mask], b[mask], both[mask]
    size = np.bincount(product_codes).astype(np.float64)
    jaccard = both / (size[a] + size[b] - both)
    mask = jaccard >= params.coview_min_jaccard
    a, b, jaccard = a[mask], b[mask], jaccard[mask]

    # Top N per product, counting both ends; a pair stays when either end keeps it.
    ends = np.concatenate([a, b])
    weights = np.concatenate([jaccard, jaccard])
    pair = np.concatenate([np.arange(len(a)), np.arange(len(a))])
    order = np.lexsort((-weights, ends))
    ends, pair = ends[order], pair[order]
    rank = np.arange(len(ends)) - np.searchsorted(ends, ends, side="left")
    kept = np.unique(pair[rank < params.coview_top_n])
    ids = product_index.to_numpy()
    return pd.DataFrame({
        "src": ids[a[kept]],
        "dst": ids[b[kept]],
        "weight": jaccard[kept],
        "provenance": "proxy: same-type households",
    })


# ------------------------------------------------------------------ disk cache

def _cache_key(dataset: Dataset, params: GraphParams) -> str:
    return cache.cache_key("graph", GRAPH_VERSION, dataset.name, dataset.info.get("spec"),
                           _content_hash(dataset), params.to_dict())


def _content_hash(dataset: Dataset) -> str:
    """Hash of the columns the graph depends on, so an edited dataset gets a new graph."""
    parts = []
    for name, columns in (("products", ["product_id", "type"]),
                          ("copurchase", EDGE_COLUMNS), ("coview", EDGE_COLUMNS),
                          ("orders", ["customer_id", "product_id", "basket_id"])):
        table = dataset.table(name)
        if table is None:
            parts.append(f"{name}:none")
            continue
        present = [column for column in columns if column in table]
        digest = pd.util.hash_pandas_object(table[present], index=False).sum()
        parts.append(f"{name}:{len(table)}:{int(digest) & 0xFFFFFFFFFFFFFFFF:x}")
    return "|".join(parts)


def _write(path: Path, graph: ProductGraph) -> None:
    def write(tmp: Path) -> None:
        tmp.mkdir(parents=True)
        graph.copurchase.to_parquet(tmp / "copurchase.parquet", index=False)
        graph.coview.to_parquet(tmp / "coview.parquet", index=False)
        graph.excluded.astype({"src": str, "dst": str, "weight": float, "provenance": str}).to_parquet(
            tmp / "excluded.parquet", index=False)
        (tmp / "info.json").write_text(json.dumps(graph.info, indent=2, default=str), encoding="utf-8")

    try:
        cache.atomic_write(path, write)
    except OSError as error:
        logger.warning("could not cache the graph of %s at %s: %s", graph.name, path, error)


def _read_edges(file: Path) -> pd.DataFrame:
    # Parquet gives back pandas' string dtype; the schema keeps ids as Python str objects.
    frame = pd.read_parquet(file)
    return frame.astype({column: object for column in ("src", "dst", "provenance")})


def _read(path: Path, name: str, products: pd.DataFrame) -> ProductGraph:
    try:
        info = json.loads((path / "info.json").read_text(encoding="utf-8"))
        tables = [_read_edges(path / f"{name}.parquet") for name in ("copurchase", "coview", "excluded")]
        return ProductGraph(name, products, *tables, info)
    except (OSError, ValueError) as error:
        raise DatasetError(f"cached graph at {path} is unreadable ({error}); delete that folder to rebuild it") from None
