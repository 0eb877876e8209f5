"""CLI commands for related products.

``recsys train related``      train (or reuse) the directed GNN for a dataset
``recsys related``            top-k related products of one product
``evaluate related``          `add_evaluate_arguments` and `evaluate_command`, for the shared
                              ``recsys evaluate`` command to register as its ``related`` target
"""

from __future__ import annotations

import argparse
import json
import sys

from recsys_core.cli import add_dataset_argument, command_targets, progress_for
from recsys_core.data import load_dataset
from recsys_core.related.train import COLD_START_MODES, LOSS_TERMS, RelatedParams


def register(subparsers: argparse._SubParsersAction) -> None:
    train = command_targets(subparsers, "train", "train a model and save it in the cache")
    parser = train.add_parser("related", help="train the related-products GNN (reused when already trained)")
    add_model_arguments(parser)
    parser.add_argument("--retrain", action="store_true", help="train again even when a saved model exists")
    parser.add_argument("--json", action="store_true", help="print the model's metadata as JSON")
    parser.set_defaults(func=train_command, command="train related")

    parser = subparsers.add_parser("related", help="top-k related products of one product")
    add_model_arguments(parser)
    parser.add_argument("--product", required=True, metavar="ID", help="id of the query product")
    parser.add_argument("-k", type=int, default=10, help="number of related products to list (default: 10)")
    parser.add_argument("--min-score", type=float, default=None,
                        help="leave out products whose relevance is below this value (relevance lies in [-1, 1])")
    parser.add_argument("--scorer", default="gnn", choices=["gnn", "popularity", "co-occurrence", "popular in category"],
                        help="which scorer ranks the products (default: gnn)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=related_command)


def add_model_arguments(parser: argparse.ArgumentParser, dataset: bool = True) -> None:
    """Add the GNN's hyper-parameters to `parser`, and --dataset / --no-progress when `dataset`."""
    if dataset:
        add_dataset_argument(parser)
    defaults = RelatedParams()
    parser.add_argument("--epochs", type=int, default=defaults.epochs, help=f"maximum training epochs (default: {defaults.epochs})")
    parser.add_argument("--dim", type=int, default=defaults.dim, help=f"embedding width (default: {defaults.dim})")
    parser.add_argument("--layers", type=int, default=defaults.layers, help=f"number of GNN layers (default: {defaults.layers})")
    parser.add_argument("--loss-terms", default=",".join(defaults.loss_terms), metavar="TERMS",
                        help=f"comma-separated loss terms to use, from {', '.join(LOSS_TERMS)} (default: all)")
    parser.add_argument("--encoder", default=defaults.encoder, choices=["auto", "minilm", "tfidf"],
                        help="text encoder of the input features: MiniLM, hashed TF-IDF + SVD, or auto "
                             "(MiniLM up to 20,000 products)")
    parser.add_argument("--asymmetry-weight", type=float, default=defaults.asymmetry_weight,
                        help="weight of the asymmetry loss term; higher favours direction over ranking "
                             f"(default: {defaults.asymmetry_weight})")
    parser.add_argument("--coview-weight", type=float, default=defaults.coview_weight,
                        help=f"weight of the co-view loss term (default: {defaults.coview_weight})")
    parser.add_argument("--cold-start", default=defaults.cold_start, choices=list(COLD_START_MODES),
                        help="how products without edges are embedded: the mean of their nearest products' "
                             "vectors, or the GNN layers on the edges to them (default: average)")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed of the training (default: 0)")


def params_from(args: argparse.Namespace) -> RelatedParams:
    """Build `RelatedParams` from the parsed options; raises ValueError on invalid values."""
    terms = tuple(term.strip() for term in args.loss_terms.split(",") if term.strip())
    return RelatedParams(epochs=args.epochs, dim=args.dim, layers=args.layers, loss_terms=terms,
                         encoder=args.encoder, seed=args.seed, asymmetry_weight=args.asymmetry_weight,
                         coview_weight=args.coview_weight, cold_start=args.cold_start)


def train_command(args: argparse.Namespace) -> int:
    from recsys_core.related.service import train_related

    params = params_from(args)
    dataset = load_dataset(args.dataset, progress=progress_for(args))
    model = train_related(dataset, params, progress=progress_for(args), retrain=args.retrain)
    if args.json:
        print(json.dumps(model.meta, indent=2, default=float))
        return 0
    test = model.meta["test"]
    print(f"Model for {args.dataset}: {model.graph.num_products} products, "
          f"{model.meta['copurchase_edges']} co-purchase and {model.meta['coview_edges']} co-view edges")
    print(f"Test HitRate@10 {test['hit_rate@10']:.4f}  MRR {test['mrr']:.4f}  "
          f"direction AUC {test['direction_auc']:.4f}  selection-bias recall@10 {test['selection_bias_recall@10']:.4f}")
    return 0


def related_command(args: argparse.Namespace) -> int:
    from recsys_core.related.service import check_k, train_related

    params = params_from(args)
    dataset = load_dataset(args.dataset, progress=progress_for(args))
    if str(args.product) not in set(dataset.products["product_id"]):
        raise KeyError(f"unknown product {args.product!r} in dataset {args.dataset!r}; "
                       "check the id with the app's product search or the dataset's products table")
    check_k(args.k, len(dataset.products))
    model = train_related(dataset, params, progress=progress_for(args))
    scorer = None if args.scorer == "gnn" else model.baselines()[args.scorer]
    table = model.recommend(args.product, args.k, args.min_score, scorer=scorer)
    if args.json:
        print(json.dumps({"dataset": args.dataset, "product": args.product, "scorer": args.scorer,
                          "results": json.loads(table.to_json(orient="records"))}, indent=2, ensure_ascii=False))
        return 0
    if table.empty:
        print(f"No product scores at least {args.min_score} for {args.product}.")
        return 0
    print(table.to_string(index=False, max_colwidth=50, float_format=lambda x: f"{x:.4f}"))
    return 0


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``recsys evaluate related``; the shared command adds --dataset and --json."""
    add_model_arguments(parser, dataset=False)
    parser.add_argument("--no-ablations", action="store_true",
                        help="evaluate only the model and the baselines, not one model per loss term switched off")
    parser.add_argument("--retrain", action="store_true", help="train and evaluate again even when saved results exist")


def evaluate_command(args: argparse.Namespace) -> int:
    """Run ``recsys evaluate related``: the model, ablations, baselines and cold start."""
    from recsys_core.related.report import evaluate_related

    params = params_from(args)
    dataset = load_dataset(args.dataset, progress=progress_for(args))
    result = evaluate_related(dataset, params, with_ablations=not args.no_ablations,
                              progress=progress_for(args), retrain=args.retrain)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, default=float))
        return 0
    columns = ["scorer", "hit_rate@10", "mrr", "direction_auc", "selection_bias_recall@10"]
    print(result.table[columns].to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    print()
    print("Cold start (10% of products held out with all their edges):")
    print(result.cold_start[["scorer", "new product as", "hit_rate@10", "mrr", "edges"]]
          .to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    return 0


try:
    from recsys_core.cli.evaluate import register_evaluator
except ImportError:
    # NOTE: the shared ``recsys evaluate`` command is not in this checkout yet; once it is, the
    # target below registers itself when this module is imported.
    register_evaluator = None
if register_evaluator is not None:
    register_evaluator("related", "related products: model, ablations, baselines and cold start",
                       add_evaluate_arguments, evaluate_command)
