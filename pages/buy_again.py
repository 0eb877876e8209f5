"""Buy it again: per-product repurchase intervals and per-customer rankings over time.

URL parameters: ``view`` (product or customer), ``product``, ``customer``, ``at`` (YYYY-MM-DD),
``model`` and ``r`` (the RCP threshold), so a link reproduces the view.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pages import ui
from recsys_core.data import Dataset
from recsys_core.figures import repeat as figures
from recsys_core.repeat import MODEL_NAMES, PurchaseHistory, UnknownCustomerError, make_model
from recsys_core.repeat.evaluation import atd_calibration
from recsys_core.repeat.history import MAX_DAYS_AFTER_DATA, format_day
from recsys_core.repeat.memo import FITTED
from recsys_core.repeat.report import customer_timeline, product_report, rank_trajectory, rcp_table
from recsys_core.repeat.stats import day_to_timestamp

# The core accepts any r_threshold below 1; the slider moves in steps of 0.01, so 0.99 is its last step.
MAX_R_THRESHOLD = 0.99
VIEWS = {"product": "Product view", "customer": "Customer view"}
MODEL_LABELS = {
    "rcp": "RCP (time-independent)", "atd": "ATD (log-normal interval density)", "pg": "Poisson-Gamma",
    "mpg": "Modified Poisson-Gamma", "rcp*atd": "RCP × ATD", "rcp*pg": "RCP × Poisson-Gamma",
    "rcp*mpg": "RCP × modified Poisson-Gamma", "frequency": "Baseline: frequency", "recency": "Baseline: recency",
}
# The slider reaches as far past the data as the date check in PurchaseHistory allows.
DAYS_SHOWN_AFTER_DATA = MAX_DAYS_AFTER_DATA


def load_history(spec: str, dataset: Dataset, progress) -> PurchaseHistory:
    key = ("history", spec, id(dataset))
    return FITTED.get_or_compute(key, lambda: PurchaseHistory.from_orders(dataset.orders, dataset.products,
                                                                          progress=progress))


def load_model(name: str, r_threshold: float, history: PurchaseHistory):
    key = ("model", id(history), name, r_threshold)
    return FITTED.get_or_compute(key, lambda: make_model(name, r_threshold=r_threshold).fit(history))


def set_param(name: str, value: str) -> None:
    if st.query_params.get(name) != value:
        st.query_params[name] = value


def url_threshold() -> float:
    """Return the r_threshold from ``?r=``, or 0 with an error shown when it is not a number in [0, MAX_R_THRESHOLD]."""
    text = st.query_params.get("r", "0") or "0"
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= MAX_R_THRESHOLD:
        ui.error(f"Invalid r_threshold {text!r} in the URL; use a number from 0 to {MAX_R_THRESHOLD}. Using 0.")
        return 0.0
    return value


def fitted(spec: str, name: str, r_threshold: float, history: PurchaseHistory):
    try:
        return ui.run_with_progress(f"Fitting {MODEL_LABELS[name]}",
                                    lambda progress: load_model(name, r_threshold, history))
    except ValueError as error:
        ui.error(f"Cannot fit {MODEL_LABELS[name]} on {spec!r}: {error}")
        st.stop()


def product_view(spec: str, history: PurchaseHistory) -> None:
    default_product = history.product_stats.nlargest(1, "repeat_customers")["product_id"].iloc[0]
    product_key = ui.url_widget_key("buy_again_product", st.query_params.get("product", default_product))
    product = st.text_input("Product id", key=product_key,
                            help="Id from the products table; the RCP table below lists products with repeat customers.")
    product = product.strip()
    set_param("product", product)
    atd = fitted(spec, "atd", 0.0, history)
    try:
        report = product_report(atd, product)
    except ValueError as error:
        ui.error(str(error))
        report = None
    if report is not None:
        st.markdown(f"**{ui.markdown_text(report['title'])}** (product id {ui.markdown_text(product)})")
        columns = st.columns(6)
        columns[0].metric("μ (ln days)", f"{report['mu']:.3f}",
                          help="Mean of ln(interval) over positive repurchase intervals (maximum likelihood).")
        columns[1].metric("σ (ln days)", f"{report['sigma']:.3f}",
                          help=f"Standard deviation of ln(interval), floored at 0.1; unfloored {report['sigma_mle']:.3f}.")
        columns[2].metric("RCP", f"{report['rcp']:.3f}",
                          help="Repeat customer probability: customers who bought it more than once / customers.")
        columns[3].metric("Repeat customers", f"{report['repeat_customers']:,}",
                          help=f"Customers who bought it in two or more baskets, of {report['customers']:,} customers.")
        columns[4].metric("Median interval", f"{report['median_days']:.1f} days",
                          help="exp(μ): the median of the fitted log-normal, in days.")
        columns[5].metric("Same-day share", f"{report['zero_share']:.1%}",
                          help="Share of intervals of 0 days (bought again the same day); "
                               "the log-normal is fitted to the other intervals.")
        if report["fit_source"] != "product":
            st.info(f"Fewer than {atd.min_intervals} positive intervals: the ATD ranking uses the "
                    f"{report['fit_source']} fit ({ui.markdown_text(report['fit_group'])}); "
                    "the histograms show this product's own intervals.")
        left, right = st.columns(2)
        left.plotly_chart(figures.interval_histogram(report["interval_days"], report["mu"], report["sigma"],
                                                     report["zero_share"], title="Intervals in days"),
                          use_container_width=True)
        right.plotly_chart(figures.interval_histogram(report["interval_days"], report["mu"], report["sigma"],
                                                      report["zero_share"], log_scale=True,
                                                      title="Intervals in ln days"), use_container_width=True)
        st.plotly_chart(figures.qq_plot(report["interval_days"], report["mu"], report["sigma"]),
                        use_container_width=True)
        calibration = atd_calibration(atd, products=[product], min_intervals=1)
        if not calibration.empty:
            st.markdown("**Calibration:** fitted against observed interval quantiles (positive intervals only)")
            ui.show_table(calibration.drop(columns="product_id"), f"atd-calibration-{product}", hide_index=True,
                          column_config={
                              "predicted_days": st.column_config.NumberColumn(
                                  help="exp(μ + σ z_q): the fitted log-normal quantile, in days", format="%.1f"),
                              "observed_days": st.column_config.NumberColumn(
                                  help="Quantile of this product's observed positive intervals", format="%.1f"),
                              "log_ratio": st.column_config.NumberColumn(
                                  help="ln(observed / fitted); 0 when the fit matches", format="%.3f"),
                              "coverage": st.column_config.NumberColumn(
                                  help="Share of observed intervals at or below the fitted quantile; "
                                       "equals the quantile for a calibrated fit", format="%.3f"),
                          })

    st.subheader("Repeat customer probability")
    threshold = st.slider("r_threshold", 0.0, MAX_R_THRESHOLD, url_threshold(), 0.01,
                          help="A product is repeat-purchasable when its RCP is above this threshold; "
                               "only those are ranked in the customer view.")
    set_param("r", f"{threshold:.2f}")
    table = rcp_table(history, threshold)
    kept = int(table["repeat_purchasable"].sum())
    st.metric("Repeat-purchasable products", f"{kept:,} of {len(table):,}",
              help="Products with RCP > r_threshold, of all products with at least one order.")
    st.plotly_chart(figures.rcp_threshold_curve(table["rcp"], threshold), use_container_width=True)
    ui.show_table(table, "rcp", hide_index=True, column_config={
        "rcp": st.column_config.NumberColumn("RCP", help="repeat_customers / customers", format="%.3f"),
        "customers": st.column_config.NumberColumn(help="Customers who bought the product"),
        "repeat_customers": st.column_config.NumberColumn(help="Customers who bought it in two or more baskets"),
        "repeat_purchasable": st.column_config.CheckboxColumn(help="RCP > r_threshold"),
    })


def parse_date(text: str) -> dt.date:
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        raise ValueError(f"invalid date {text!r} in the URL; use the form YYYY-MM-DD") from None
    if stamp is pd.NaT:
        raise ValueError(f"invalid date {text!r} in the URL; use the form YYYY-MM-DD")
    return stamp.date()


def customer_view(spec: str, history: PurchaseHistory) -> None:
    customers = history.customers
    default_customer = max(customers[:500], key=lambda c: len(history.customer_events(c)))
    left, right = st.columns(2)
    customer_key = ui.url_widget_key("buy_again_customer", st.query_params.get("customer", default_customer))
    customer = left.text_input("Customer id", key=customer_key,
                               help="Customer (household) id from the orders table.").strip()
    model_name = st.query_params.get("model", "rcp*atd")
    if model_name not in MODEL_NAMES:
        ui.error(f"Unknown model {model_name!r} in the URL; choose one of {', '.join(MODEL_NAMES)}. Showing rcp*atd.")
        model_name = "rcp*atd"
    model_name = right.selectbox("Model", MODEL_NAMES, index=MODEL_NAMES.index(model_name),
                                 format_func=lambda name: MODEL_LABELS[name],
                                 help="How candidates are scored: RCP, the interval density (ATD), the "
                                      "Poisson-Gamma purchase probability, their products with RCP, or a baseline.")
    set_param("customer", customer)
    set_param("model", model_name)
    try:
        events = history.customer_events(customer)
    except UnknownCustomerError as error:
        ui.error(str(error))
        return

    first = day_to_timestamp(int(events["day"].min())).date()
    last = day_to_timestamp(history.last_day + DAYS_SHOWN_AFTER_DATA).date()
    default_at = min(day_to_timestamp(int(events["day"].max()) + 7).date(), last)
    at = default_at
    if "at" in st.query_params:
        try:
            at = parse_date(st.query_params["at"])
            day = history.day_of(at)
            history.check_day(day)
            if not first <= at <= last:
                raise ValueError(
                    f"date {at} is outside this customer's range: pick a date from {first} (their first purchase) "
                    f"to {last} ({DAYS_SHOWN_AFTER_DATA} days after the last order)")
        except ValueError as error:
            ui.error(f"{error}. Showing {default_at} instead.")
            at = default_at
    at = st.slider("Ranking date", min_value=first, max_value=last, value=at, format="YYYY-MM-DD",
                   help="Candidates are ranked with the purchases on or before this date.")
    set_param("at", at.isoformat())

    timeline = customer_timeline(history, customer)
    st.plotly_chart(figures.purchase_timeline(timeline, title=f"Purchases of customer {customer}"),
                    use_container_width=True)
    r_threshold = url_threshold()
    model = fitted(spec, model_name, r_threshold, history)
    trajectory, anchor = rank_trajectory(model, customer, at, horizon_days=60, top=10)
    chosen = history.day_of(at) - anchor
    st.caption(f"Last purchase on or before {at}: {format_day(anchor)} ({chosen} days earlier). The chart keeps the "
               "history of that day fixed and moves t forward; the table ranks at the chosen date.")
    st.plotly_chart(figures.rank_chart(trajectory, chosen_day=chosen, model=MODEL_LABELS[model_name]),
                    use_container_width=True)
    ranked = model.rank(customer, at)
    st.metric("Candidates", f"{len(ranked):,}",
              help=f"Products this customer bought on or before the date whose RCP is above r_threshold "
                   f"({r_threshold:.2f}, set with the slider of the product view).")
    ui.show_table(ranked, f"buy-again-{customer}-{at}-{model_name.replace('*', 'x')}", hide_index=True, column_config={
        "rank": st.column_config.NumberColumn(help="1 = most likely to be bought again now"),
        "score": st.column_config.NumberColumn(help=model.description, format="%.4g"),
        "purchases": st.column_config.NumberColumn(help="Baskets with this product on or before the date"),
        "days_since_last": st.column_config.NumberColumn(help="Days from the last purchase of this product to the date"),
    })


st.title("Buy it again")
st.caption("Which products a customer is likely to buy again, and when: RCP, log-normal repurchase intervals "
           "(ATD) and Poisson-Gamma purchase rates, fitted on every order of the dataset.")
dataset = ui.current_dataset()
spec = ui.current_spec()
if dataset.orders is None or dataset.orders.empty:
    ui.error(f"Dataset {spec!r} has no orders table, which buy-it-again needs; pick a dataset with orders, "
             "such as completejourney.")
    st.stop()
try:
    history = ui.run_with_progress("Preparing purchase history",
                                   lambda progress: load_history(spec, dataset, progress))
except ValueError as error:
    ui.error(f"Cannot prepare the purchase history of {spec!r}: {error}")
    st.stop()

requested_view = st.query_params.get("view", "product")
if requested_view not in VIEWS:
    ui.error(f"Unknown view {requested_view!r} in the URL; use view=product or view=customer. Showing the product view.")
    requested_view = "product"
view = st.radio("View", list(VIEWS), index=list(VIEWS).index(requested_view), format_func=VIEWS.get,
                horizontal=True, label_visibility="collapsed")
set_param("view", view)
st.caption(f"{len(history.customers):,} customers, {len(history.product_stats):,} products, orders from "
           f"{format_day(history.first_day)} to {format_day(history.last_day)}.")
if view == "product":
    product_view(spec, history)
else:
    customer_view(spec, history)
