"""Repeat-purchase rankers behind one interface: RCP, ATD, Poisson-Gamma and baselines.

The models follow Bhagat et al., "Buy It Again: Modeling Repeat Purchase Recommendations"
(KDD 2018). The probability that a customer buys product A again at time t is split as
P(t) ~ Q(A) x R_A(t): Q is time-independent (the repeat customer probability, RCP) and R gives
the timing (the log-normal interval density of ATD, or the Poisson-Gamma purchase probability).

Every ranker is fitted on a `PurchaseHistory` (or an orders table) and scores the products a
customer bought before a date t. Only *repeat-purchasable* products, those with RCP above
``r_threshold``, are candidates, for every model and baseline alike, so rankings differ only in
their order. Ties are broken by the most recent purchase, then by product id.
"""

from __future__ import annotations

import json
import logging
from typing import Any, ClassVar, Optional

import numpy as np
import pandas as pd

from recsys_core import cache
from recsys_core.progress import ProgressCallback, report
from recsys_core.repeat.fitting import (
    SIGMA_FLOOR,
    fit_gamma_poisson,
    lognormal_from_sums,
    lognormal_pdf,
)
from recsys_core.repeat.history import PurchaseHistory, format_day

logger = logging.getLogger(__name__)

MIN_DAYS = 0.5
"""ATD evaluates its density at no less than half a day, so a purchase today scores finitely."""


class NotFittedError(RuntimeError):
    """The model is used before `fit`."""


class RepeatRanker:
    """Base class: fit on a purchase history, then score and rank a customer's products.

    Parameters
    ----------
    r_threshold
        Products with RCP <= r_threshold are not repeat-purchasable and never ranked.
    """

    name: ClassVar[str] = "base"
    description: ClassVar[str] = ""

    def __init__(self, r_threshold: float = 0.0):
        if not 0.0 <= r_threshold < 1.0:
            raise ValueError(f"r_threshold must be in [0, 1), got {r_threshold}")
        self.r_threshold = float(r_threshold)
        self.history_: Optional[PurchaseHistory] = None
        self.params_: Optional[pd.DataFrame] = None

    # Fitting ------------------------------------------------------------------------------------

    def fit(self, orders: pd.DataFrame | PurchaseHistory, products: Optional[pd.DataFrame] = None, *,
            end: Any = None, progress: Optional[ProgressCallback] = None) -> "RepeatRanker":
        """Fit the model on `orders` before `end` (or on a prepared `PurchaseHistory`).

        Returns
        -------
        self, with ``params_`` (one row per product, indexed by product_id) and ``history_``.
        """
        if isinstance(orders, PurchaseHistory):
            history = orders
        else:
            history = PurchaseHistory.from_orders(orders, products, end=end, progress=progress)
        self.history_ = history
        report(progress, 0.8, f"Fitting {self.name}")
        self.params_ = self._fit(history)
        report(progress, 1.0, f"Fitted {self.name}")
        return self

    def _fit(self, history: PurchaseHistory) -> pd.DataFrame:
        stats = history.product_stats.set_index("product_id")
        return stats[["customers", "repeat_customers", "rcp"]].copy()

    def summary(self) -> pd.DataFrame:
        """Fitted parameters, one row per product, with repeat_purchasable marked."""
        params = self._require_fit().reset_index()
        params["repeat_purchasable"] = params["product_id"].map(self.rcp() > self.r_threshold).fillna(False)
        return params

    def _require_fit(self) -> pd.DataFrame:
        if self.params_ is None or self.history_ is None:
            raise NotFittedError(f"model {self.name} has not been fit yet; call fit() first")
        return self.params_

    def rcp(self) -> pd.Series:
        self._require_fit()
        return self.history_.stats_by_product["rcp"]

    # Scoring ------------------------------------------------------------------------------------

    def score_state(self, state: pd.DataFrame, day: int) -> np.ndarray:
        """Scores of a customer-product state at `day`; subclasses define them.

        `state` contains product_id, purchases, first_day, last_day (events on or before `day`).
        """
        raise NotImplementedError

    def candidates(self, state: pd.DataFrame) -> pd.DataFrame:
        """Rows of `state` whose product is repeat-purchasable (RCP > r_threshold)."""
        rcp = state["product_id"].map(self.rcp()).fillna(0.0).to_numpy()
        return state[rcp > self.r_threshold]

    def score(self, customer: str, t: Any) -> pd.Series:
        """Score each repeat-purchasable product `customer` bought on or before date `t`.

        Returns
        -------
        Series of scores indexed by product_id (higher means more likely to be bought again).
        """
        self._require_fit()
        day = self.history_.day_of(t)
        self.history_.check_day(day)
        state = self.candidates(self.history_.customer_state(customer, day))
        return pd.Series(self.score_state(state, day), index=state["product_id"].to_numpy(), name=self.name)

    def rank(self, customer: str, at: Any, top: Optional[int] = None) -> pd.DataFrame:
        """Rank the repeat-purchasable products of `customer` at date `at`.

        Returns
        -------
        DataFrame with rank (1 = best), product_id, title, score, purchases, last_purchase
        (date) and days_since_last, best first; at most `top` rows.
        """
        self._require_fit()
        history = self.history_
        day = history.day_of(at)
        history.check_day(day)
        events = history.customer_events(customer)
        if int(events["day"].min()) > day:
            raise ValueError(
                f"customer {customer!r} made no purchase on or before {format_day(day)}; their first "
                f"purchase is on {format_day(int(events['day'].min()))}, so pick a later date"
            )
        state = self.candidates(history.customer_state(customer, day))
        ranked = rank_state(state, self.score_state(state, day), day)
        ranked.insert(2, "title", [history.title(product) for product in ranked["product_id"]])
        return ranked if top is None else ranked.head(top)


def rank_state(state: pd.DataFrame, scores: np.ndarray, day: int) -> pd.DataFrame:
    """Order one customer's state by score, breaking ties by recency and then product id."""
    frame = pd.DataFrame({
        "product_id": state["product_id"].to_numpy(),
        "score": np.asarray(scores, dtype=float),
        "purchases": state["purchases"].to_numpy(),
        "last_day": state["last_day"].to_numpy(),
    })
    frame = frame.sort_values(["score", "last_day", "product_id"], ascending=[False, False, True], kind="stable")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame["last_purchase"] = [format_day(int(value)) for value in frame["last_day"]]
    frame["days_since_last"] = day - frame["last_day"]
    return frame.drop(columns="last_day").reset_index(drop=True)


class RCPModel(RepeatRanker):
    """Repeat customer probability: customers who bought A twice or more / customers of A."""

    name = "rcp"
    description = "RCP: share of a product's customers who bought it more than once (time-independent)"

    def score_state(self, state: pd.DataFrame, day: int) -> np.ndarray:
        return state["product_id"].map(self.rcp()).fillna(0.0).to_numpy(dtype=float)


class FrequencyBaseline(RepeatRanker):
    """Baseline: the customer's own number of purchase events of the product."""

    name = "frequency"
    description = "Baseline: how often the customer bought the product"

    def score_state(self, state: pd.DataFrame, day: int) -> np.ndarray:
        return state["purchases"].to_numpy(dtype=float)


class RecencyBaseline(RepeatRanker):
    """Baseline: the most recently bought product first, score 1 / (1 + days since)."""

    name = "recency"
    description = "Baseline: the most recently bought product first"

    def score_state(self, state: pd.DataFrame, day: int) -> np.ndarray:
        days = np.maximum(day - state["last_day"].to_numpy(dtype=float), 0.0)
        return 1.0 / (1.0 + days)


class ATDModel(RepeatRanker):
    """Aggregate time distribution: a log-normal density of the days between repurchases.

    Intervals are pooled over all repeat customers of a product. Same-day repurchases (interval
    0) form a point mass of weight ``zero_share``. The log-normal is fitted to the positive
    intervals, and the score at t days since the last purchase is
    ``(1 - zero_share) * lognormal_pdf(max(t, 0.5))``. Products with fewer than
    ``min_intervals`` positive intervals take the fit of their category, or the fit over all
    products when the category has too few as well; ``fit_source`` names which.
    """

    name = "atd"
    description = "ATD: log-normal density of the days between repurchases, at the days since the last purchase"

    def __init__(self, r_threshold: float = 0.0, min_intervals: int = 10, sigma_floor: float = SIGMA_FLOOR):
        super().__init__(r_threshold)
        if min_intervals < 1:
            raise ValueError(f"min_intervals must be >= 1, got {min_intervals}")
        if sigma_floor <= 0:
            raise ValueError(f"sigma_floor must be > 0, got {sigma_floor}")
        self.min_intervals = int(min_intervals)
        self.sigma_floor = float(sigma_floor)

    def _fit(self, history: PurchaseHistory) -> pd.DataFrame:
        key = ("atd", self.min_intervals, self.sigma_floor)
        return history.memo(key, lambda: fit_atd_params(history, self.min_intervals, self.sigma_floor)).copy()

    def score_state(self, state: pd.DataFrame, day: int) -> np.ndarray:
        params = self._require_fit().reindex(state["product_id"].to_numpy())
        days = np.maximum(day - state["last_day"].to_numpy(dtype=float), MIN_DAYS)
        density = lognormal_pdf(days, params["mu"].to_numpy(), params["sigma"].to_numpy())
        return (1.0 - params["zero_share"].to_numpy()) * density


def fit_atd_params(history: PurchaseHistory, min_intervals: int, sigma_floor: float) -> pd.DataFrame:
    """Log-normal parameters of every product, with category and global fallbacks."""
    stats = history.product_stats.set_index("product_id")
    positive = stats["positive_intervals"].to_numpy(dtype=float)
    if positive.sum() == 0:
        raise ValueError(
            "no customer bought any product again on a later day, so interval models cannot be fitted; "
            "use a dataset with repeat purchases"
        )
    categories = history.categories.reindex(stats.index).fillna("")
    sums = stats[["positive_intervals", "zero_intervals", "log_sum", "log_sq_sum"]]
    by_category = sums[categories.to_numpy() != ""].groupby(categories[categories != ""]).sum()
    totals = sums.sum()

    mu, sigma, sigma_mle = lognormal_from_sums(sums["positive_intervals"], sums["log_sum"], sums["log_sq_sum"], sigma_floor)
    params = pd.DataFrame({
        "repeat_customers": stats["repeat_customers"].to_numpy(),
        "rcp": stats["rcp"].to_numpy(),
        "positive_intervals": stats["positive_intervals"].to_numpy(),
        "zero_intervals": stats["zero_intervals"].to_numpy(),
        "mu": mu, "sigma": sigma, "sigma_mle": sigma_mle,
        "fit_source": "product", "fit_group": stats.index.to_numpy(),
    }, index=stats.index)
    params["zero_share"] = params["zero_intervals"] / (params["positive_intervals"] + params["zero_intervals"]).clip(lower=1)

    category_mu, category_sigma, category_sigma_mle = lognormal_from_sums(
        by_category["positive_intervals"], by_category["log_sum"], by_category["log_sq_sum"], sigma_floor)
    category_fit = pd.DataFrame({
        "mu": category_mu, "sigma": category_sigma, "sigma_mle": category_sigma_mle,
        "zero_share": by_category["zero_intervals"] / (by_category["positive_intervals"] + by_category["zero_intervals"]).clip(lower=1),
        "usable": by_category["positive_intervals"] >= min_intervals,
    }, index=by_category.index)
    global_mu, global_sigma, global_sigma_mle = lognormal_from_sums(
        np.array([totals["positive_intervals"]]), np.array([totals["log_sum"]]), np.array([totals["log_sq_sum"]]), sigma_floor)
    global_zero_share = totals["zero_intervals"] / max(totals["positive_intervals"] + totals["zero_intervals"], 1)

    too_few = params["positive_intervals"] < min_intervals
    product_category = categories[too_few]
    has_category_fit = product_category.map(category_fit["usable"].astype(float)).fillna(0.0) > 0
    use_category = product_category.index[has_category_fit.to_numpy()]
    use_global = product_category.index[~has_category_fit.to_numpy()]
    for column in ("mu", "sigma", "sigma_mle", "zero_share"):
        params.loc[use_category, column] = product_category[use_category].map(category_fit[column]).to_numpy()
    params.loc[use_category, "fit_source"] = "category"
    params.loc[use_category, "fit_group"] = product_category[use_category].to_numpy()
    params.loc[use_global, ["mu", "sigma", "sigma_mle", "zero_share"]] = [
        global_mu[0], global_sigma[0], global_sigma_mle[0], global_zero_share]
    params.loc[use_global, "fit_source"] = "global"
    params.loc[use_global, "fit_group"] = "all products"
    params["median_days"] = np.exp(params["mu"])
    params["mean_days"] = np.exp(params["mu"] + params["sigma"] ** 2 / 2)
    return params


class PoissonGammaModel(RepeatRanker):
    """Poisson-Gamma: each customer repurchases as a Poisson process with a Gamma-distributed rate.

    For each product, Gamma(alpha, beta) (shape, rate per day) is fitted by maximum likelihood
    to the k repeat purchases of each customer in the t days from their first purchase to the
    end of the history (a negative binomial likelihood). With ``population='all'`` (default)
    every customer of the product counts, one-time buyers with k = 0; with 'repeat' only repeat
    customers count and the likelihood is truncated at k = 0. The truncated fit is not the
    default because on Complete Journey (Dec 2017 cut-off) half of the per-product fits ran to
    alpha -> 0, where the truncated likelihood is flat. A customer's
    posterior mean rate is lambda = (k + alpha) / (t + beta) and the score is the probability
    of at least one purchase in the next ``window_days``: 1 - exp(-lambda * window_days).
    Products with fewer than ``min_customers`` repeat customers take their category's prior,
    or the prior over all products; ``fit_source`` names which.
    """

    name = "pg"
    description = "Poisson-Gamma: probability of a purchase in the coming window from the customer's posterior rate"

    def __init__(self, r_threshold: float = 0.0, min_customers: int = 5, window_days: float = 7.0,
                 population: str = "all"):
        super().__init__(r_threshold)
        if population not in ("all", "repeat"):
            raise ValueError(f"population must be 'all' or 'repeat', got {population!r}")
        self.population = population
        if min_customers < 2:
            raise ValueError(f"min_customers must be >= 2, got {min_customers}")
        if window_days <= 0:
            raise ValueError(f"window_days must be > 0, got {window_days}")
        self.min_customers = int(min_customers)
        self.window_days = float(window_days)

    def _fit(self, history: PurchaseHistory) -> pd.DataFrame:
        key = ("pg", self.min_customers, self.population)
        return history.memo(key, lambda: cached_pg_params(history, self.min_customers, self.population)).copy()

    def rate(self, state: pd.DataFrame, day: int) -> np.ndarray:
        """Posterior mean purchase rate per day, (k + alpha) / (t + beta), t from the first purchase."""
        params = self._require_fit().reindex(state["product_id"].to_numpy())
        repeats = state["purchases"].to_numpy(dtype=float) - 1.0
        since_first = np.maximum(day - state["first_day"].to_numpy(dtype=float), 0.0)
        return (repeats + params["alpha"].to_numpy()) / (since_first + params["beta"].to_numpy())

    def score_state(self, state: pd.DataFrame, day: int) -> np.ndarray:
        return -np.expm1(-self.rate(state, day) * self.window_days)


class ModifiedPoissonGammaModel(PoissonGammaModel):
    """Modified Poisson-Gamma: the PG rate, damped right after a purchase.

    With k >= 1 repeat purchases, t_purch days between the customer's first and last purchase,
    their mean interval t_mean = t_purch / k and t days since the last purchase, the rate is

        (k + alpha) / (t_purch + 2 |t_mean - t| + beta)   when t < 2 t_mean,
        (k + alpha) / (t_first + beta)                     otherwise (the PG rate),

    so it peaks when t reaches the customer's usual interval and is low just after a purchase.
    Customers with one purchase, or whose purchases all fell on one day, keep the PG rate.
    """

    # NOTE: the formula above follows a secondary summary of Bhagat et al. (KDD 2018); it was
    # not checked against the paper's own text.
    name = "mpg"
    description = "Modified Poisson-Gamma: PG rate damped until the customer's usual interval has passed"

    def rate(self, state: pd.DataFrame, day: int) -> np.ndarray:
        params = self._require_fit().reindex(state["product_id"].to_numpy())
        alpha = params["alpha"].to_numpy()
        beta = params["beta"].to_numpy()
        repeats = state["purchases"].to_numpy(dtype=float) - 1.0
        first = state["first_day"].to_numpy(dtype=float)
        last = state["last_day"].to_numpy(dtype=float)
        since_first = np.maximum(day - first, 0.0)
        since_last = np.maximum(day - last, 0.0)
        span = last - first
        mean_interval = np.where(repeats > 0, span / np.maximum(repeats, 1.0), 0.0)
        damped = (repeats > 0) & (mean_interval > 0) & (since_last < 2 * mean_interval)
        denominator = np.where(damped, span + 2 * np.abs(mean_interval - since_last), since_first) + beta
        return (repeats + alpha) / denominator


def fit_pg_params(history: PurchaseHistory, min_customers: int, population: str = "all") -> pd.DataFrame:
    """Gamma priors of every product, with category and global fallbacks, in one joint fit.

    `population` 'all' fits the negative binomial over every customer of the product (k = 0
    for one-time buyers); 'repeat' fits the zero-truncated one over repeat customers only.
    """
    if population not in ("all", "repeat"):
        raise ValueError(f"population must be 'all' or 'repeat', got {population!r}")
    repeat_pairs = history.pairs[history.pairs["purchases"] >= 2]
    if repeat_pairs.empty:
        raise ValueError(
            "no customer bought any product twice, so the Poisson-Gamma prior cannot be fitted; "
            "use a dataset with repeat purchases"
        )
    pairs = history.pairs if population == "all" else repeat_pairs
    products = history.product_stats["product_id"]
    categories = history.categories.reindex(products).fillna("")
    repeats = pairs["purchases"].to_numpy(dtype=float) - 1.0
    exposure = (history.end_day - pairs["first_day"]).to_numpy(dtype=float)

    per_product = repeat_pairs.groupby("product_id").size()
    own = per_product[per_product >= min_customers].index
    pair_category = pairs["product_id"].map(categories).fillna("").to_numpy()
    repeat_category = repeat_pairs["product_id"].map(categories).fillna("")
    per_category = repeat_category[repeat_category != ""].value_counts()
    usable_categories = per_category[per_category >= min_customers].index

    # Groups: each product with enough repeat customers, each usable category, all products.
    group_names = ([("product", product) for product in own] + [("category", c) for c in usable_categories]
                   + [("global", "all products")])
    group_index = {name: i for i, name in enumerate(group_names)}
    rows_k, rows_t, rows_group = [repeats], [exposure], [np.full(len(pairs), group_index[("global", "all products")])]
    in_own = pairs["product_id"].isin(own).to_numpy()
    rows_k.append(repeats[in_own])
    rows_t.append(exposure[in_own])
    rows_group.append(pairs["product_id"][in_own].map({p: group_index[("product", p)] for p in own}).to_numpy())
    in_category = np.isin(pair_category, usable_categories)
    category_codes = {c: group_index[("category", c)] for c in usable_categories}
    rows_k.append(repeats[in_category])
    rows_t.append(exposure[in_category])
    rows_group.append(pd.Series(pair_category[in_category]).map(category_codes).to_numpy(dtype=np.int64))
    fitted = fit_gamma_poisson(np.concatenate(rows_k), np.concatenate(rows_t),
                               np.concatenate(rows_group).astype(np.int64), truncated=population == "repeat")
    fitted["source"] = [name[0] for name in group_names]
    fitted["group"] = [name[1] for name in group_names]

    # Each product takes its own prior, else its category's, else the prior over all products.
    global_index = group_index[("global", "all products")]
    product_group = pd.Series({product: group_index[("product", product)] for product in own}, dtype="int64")
    category_group = pd.Series({category: group_index[("category", category)] for category in usable_categories}, dtype="int64")
    chosen = products.map(product_group)
    chosen = chosen.fillna(pd.Series(categories.map(category_group).to_numpy(), index=chosen.index))
    chosen = chosen.fillna(global_index).astype("int64").to_numpy()
    params = pd.DataFrame({
        "product_id": products.to_numpy(),
        "alpha": fitted["alpha"].to_numpy()[chosen],
        "beta": fitted["beta"].to_numpy()[chosen],
        "at_bound": fitted["at_bound"].to_numpy()[chosen],
        "converged": fitted["converged"].to_numpy()[chosen],
        "fit_source": fitted["source"].to_numpy()[chosen],
        "fit_group": fitted["group"].to_numpy()[chosen],
    })
    params = params.set_index("product_id")
    params.insert(0, "repeat_customers", per_product.reindex(params.index).fillna(0).astype("int64"))
    params["prior_mean_rate"] = params["alpha"] / params["beta"]
    return params


PG_FORMAT_VERSION = 1


def cached_pg_params(history: PurchaseHistory, min_customers: int, population: str) -> pd.DataFrame:
    """Load the Gamma priors fitted on this exact history from the artefact cache, or fit and store them.

    The key hashes the customer-product table and the cut-off, so any change of data refits.
    """
    fingerprint = int(pd.util.hash_pandas_object(history.pairs, index=False).sum() % (1 << 63))
    key = cache.cache_key("repeat-pg", PG_FORMAT_VERSION, fingerprint, history.end_day, min_customers, population)
    path = cache.artifact_path("repeat-pg", key, ".parquet")
    if path.is_file():
        logger.info("reading Poisson-Gamma priors from %s", path)
        return pd.read_parquet(path)
    params = fit_pg_params(history, min_customers, population)
    cache.atomic_write(path, lambda tmp: params.to_parquet(tmp))
    meta = {"model": "pg", "min_customers": min_customers, "population": population,
            "end_day": format_day(history.end_day), "products": len(params), "format": PG_FORMAT_VERSION}
    cache.atomic_write_text(path.with_suffix(".json"), json.dumps(meta, indent=2))
    return params


class QTimesR(RepeatRanker):
    """The decomposition P ~ Q x R with Q = RCP and R from a timing model (ATD, PG or mPG)."""

    def __init__(self, timing: RepeatRanker):
        super().__init__(timing.r_threshold)
        self.timing = timing
        self.name = f"rcp*{timing.name}"
        self.description = f"RCP times {timing.name.upper()}: P = Q x R with Q = RCP"

    def _fit(self, history: PurchaseHistory) -> pd.DataFrame:
        self.timing.fit(history)
        params = self.timing.params_.copy()
        params["rcp"] = history.stats_by_product["rcp"].reindex(params.index).to_numpy()
        return params

    def score_state(self, state: pd.DataFrame, day: int) -> np.ndarray:
        q = state["product_id"].map(self.rcp()).fillna(0.0).to_numpy(dtype=float)
        return q * self.timing.score_state(state, day)


MODEL_NAMES = ("rcp", "atd", "pg", "mpg", "rcp*atd", "rcp*pg", "rcp*mpg", "frequency", "recency")


def make_model(name: str, r_threshold: float = 0.0, window_days: float = 7.0) -> RepeatRanker:
    """Create an unfitted ranker by name (see `MODEL_NAMES`)."""
    simple = {"rcp": RCPModel, "frequency": FrequencyBaseline, "recency": RecencyBaseline}
    if name in simple:
        return simple[name](r_threshold=r_threshold)
    timing_name = name.removeprefix("rcp*")
    if timing_name == "atd":
        timing: RepeatRanker = ATDModel(r_threshold=r_threshold)
    elif timing_name == "pg":
        timing = PoissonGammaModel(r_threshold=r_threshold, window_days=window_days)
    elif timing_name == "mpg":
        timing = ModifiedPoissonGammaModel(r_threshold=r_threshold, window_days=window_days)
    else:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")
    return QTimesR(timing) if name.startswith("rcp*") else timing
