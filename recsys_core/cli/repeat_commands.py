"""CLI commands of the buy-it-again system.

``recsys evaluate repeat``   metrics of every model and baseline on a temporal split
``recsys buy-again``         one customer's ranking at a date
``recsys repeat-product``    one product's RCP and log-normal interval fit
"""

from __future__ import annotations

import argparse
import json
import math

import numpy as np
import pandas as pd

from recsys_core.cli import add_dataset_argument, progress_for
from recsys_core.cli.evaluate import register_evaluator
from recsys_core.data import load_dataset
from recsys_core.repeat import MODEL_NAMES, PurchaseHistory, make_model
from recsys_core.repeat.evaluation import (
    DEFAULT_TEST_DAYS,
    atd_calibration,
    calibration_summary,
    evaluate_models,
)
from recsys_core.repeat.report import product_report


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("buy-again", help="rank the products a customer may buy again, at a date")
    add_dataset_argument(parser)
    parser.add_argument("--customer", required=True, help="customer id, as in the orders table")
    parser.add_argument("--at", required=True, metavar="DATE", help="ranking date, YYYY-MM-DD")
    parser.add_argument("--model", default="rcp*atd", choices=MODEL_NAMES, help="ranking model (default: rcp*atd)")
    parser.add_argument("--top", type=int, default=10, help="number of products to print (default: 10)")
    parser.add_argument("--r-threshold", type=float, default=0.0,
                        help="rank only products whose RCP is above this value, in [0, 1) (default: 0)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a text table")
    parser.set_defaults(func=run_buy_again)

    parser = subparsers.add_parser("repeat-product", help="show a product's RCP and repurchase-interval fit")
    add_dataset_argument(parser)
    parser.add_argument("--product", required=True, help="product id")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run_repeat_product)


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cutoff", metavar="DATE",
                        help="first test day, YYYY-MM-DD (default: TEST_DAYS days before the end of the data)")
    parser.add_argument("--test-days", type=int, default=DEFAULT_TEST_DAYS,
                        help=f"length of the test window in days (default: {DEFAULT_TEST_DAYS})")
    parser.add_argument("--k", type=int, default=10, help="rank cut-off of precision@k and recall@k (default: 10)")
    parser.add_argument("--r-threshold", type=float, default=0.0,
                        help="rank only products whose RCP is above this value (default: 0)")
    parser.add_argument("--window-days", type=float, default=7.0,
                        help="window of the Poisson-Gamma purchase probability, in days (default: 7)")
    parser.add_argument("--models", default=",".join(MODEL_NAMES),
                        help=f"comma-separated models to evaluate (default: all: {','.join(MODEL_NAMES)})")


def run_evaluate(args: argparse.Namespace) -> int:
    models = [name.strip() for name in args.models.split(",") if name.strip()]
    unknown = [name for name in models if name not in MODEL_NAMES]
    if unknown or not models:
        raise ValueError(f"unknown model(s) {unknown or models}; choose from {', '.join(MODEL_NAMES)}")
    progress = progress_for(args)
    dataset = load_dataset(args.dataset, progress=progress)
    orders = dataset.require("orders", "the repeat-purchase evaluation")
    result = evaluate_models(orders, dataset.products, models=models, cutoff=args.cutoff, test_days=args.test_days,
                             k=args.k, r_threshold=args.r_threshold, window_days=args.window_days, progress=progress)
    calibration = pd.DataFrame()
    if "atd" in models or "rcp*atd" in models:
        atd = make_model("atd").fit(PurchaseHistory.from_orders(
            orders, dataset.products, end=result.cutoff))
        calibration = calibration_summary(atd_calibration(atd))
    if args.json:
        payload = {"dataset": args.dataset, **result.to_dict(),
                   "atd_calibration": calibration.to_dict(orient="records")}
        print(json.dumps(_finite(payload), indent=2))
        return 0
    print(f"Dataset {args.dataset}: trained before {result.cutoff}, tested {result.cutoff} to {result.test_end} "
          f"on {result.customers:,} customers with a repurchase")
    print(result.metrics.drop(columns="description").to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    for note in result.notes:
        print(f"- {note}")
    if not calibration.empty:
        print("\nATD calibration (products fitted on 30+ of their own intervals; coverage = share of observed "
              "intervals at or below the predicted quantile):")
        print(calibration.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    return 0


def run_buy_again(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise ValueError(f"--top must be >= 1, got {args.top}")
    progress = progress_for(args)
    dataset = load_dataset(args.dataset, progress=progress)
    orders = dataset.require("orders", "buy-again rankings")
    history = PurchaseHistory.from_orders(orders, dataset.products, progress=progress)
    model = make_model(args.model, r_threshold=args.r_threshold).fit(history)
    ranked = model.rank(args.customer, args.at, top=args.top)
    if args.json:
        payload = {"dataset": args.dataset, "customer": args.customer, "at": str(pd.Timestamp(args.at).date()),
                   "model": args.model, "description": model.description,
                   "ranking": ranked.to_dict(orient="records")}
        print(json.dumps(_finite(payload), indent=2, default=str))
        return 0
    print(f"Customer {args.customer} at {pd.Timestamp(args.at).date()}, model {args.model}: {model.description}")
    if ranked.empty:
        print("No repeat-purchasable product in this customer's history (lower --r-threshold to see more).")
        return 0
    print(ranked.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    return 0


def run_repeat_product(args: argparse.Namespace) -> int:
    progress = progress_for(args)
    dataset = load_dataset(args.dataset, progress=progress)
    orders = dataset.require("orders", "repeat-purchase statistics")
    history = PurchaseHistory.from_orders(orders, dataset.products, progress=progress)
    report = product_report(make_model("atd").fit(history), args.product)
    intervals = report.pop("interval_days")
    report["interval_quartiles_days"] = [float(v) for v in np.quantile(intervals, [0.25, 0.5, 0.75])] if len(intervals) else []
    if args.json:
        print(json.dumps(_finite(report), indent=2))
        return 0
    for key, value in report.items():
        print(f"{key:<24} {value:.4g}" if isinstance(value, float) else f"{key:<24} {value}")
    return 0


def _finite(value):
    """Replace NaN and infinities by None so the JSON output stays valid."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


register_evaluator("repeat", "buy-it-again models and baselines on a temporal split "
                             "(precision@k, recall@k, NDCG@10, ATD calibration)",
                   add_evaluate_arguments, run_evaluate)
