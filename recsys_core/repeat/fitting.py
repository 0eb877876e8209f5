"""Maximum-likelihood fits behind the repeat-purchase models.

Log-normal intervals
    ln t ~ N(mu, sigma^2) over positive intervals. The MLE is closed-form: mu is the mean of
    ln t and sigma its standard deviation with divisor n. This is the two-parameter model; it
    equals ``scipy.stats.lognorm.fit(t, floc=0)``. Without ``floc=0`` scipy also fits a location
    shift, a three-parameter model whose estimates drift on interval data, so it is not used.
    Zero intervals have no logarithm: they are counted apart as a point mass (``zero_share``).
    A sigma floor keeps the density finite when all intervals are equal.

Gamma-Poisson rates
    Each customer's repurchase rate lambda ~ Gamma(alpha, beta) (shape, rate); given lambda,
    the k repeat purchases in an exposure of t days are Poisson(lambda * t). Integrating lambda
    out gives a negative binomial for k. The fit maximises that likelihood, truncated at
    k = 0 when only repeat customers (k >= 1) are observed, for many products at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

logger = logging.getLogger(__name__)

SIGMA_FLOOR = 0.1
"""Smallest log-normal sigma (in ln-days); identical intervals would otherwise give sigma = 0."""

# Parameter box of the Gamma fit, in ln space. At the upper bounds the data show no
# heterogeneity between customers (the Poisson limit); the fit reports it as `at_bound`.
LOG_ALPHA_BOUNDS = (np.log(1e-3), np.log(1e4))
LOG_BETA_BOUNDS = (np.log(1e-3), np.log(1e7))


@dataclass(frozen=True)
class LogNormalFit:
    """Log-normal fit of intervals in days, with zero intervals counted apart."""

    mu: float
    sigma: float
    sigma_mle: float
    positive_intervals: int
    zero_intervals: int

    @property
    def zero_share(self) -> float:
        total = self.positive_intervals + self.zero_intervals
        return self.zero_intervals / total if total else 0.0


def fit_lognormal(intervals: np.ndarray | list[float], sigma_floor: float = SIGMA_FLOOR) -> LogNormalFit:
    """Fit ln t ~ N(mu, sigma^2) to the positive intervals (days); zeros are counted apart.

    Raises
    ------
    ValueError
        When an interval is negative or not finite, or no interval is positive.
    """
    values = np.asarray(intervals, dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("intervals must be finite and >= 0 days")
    positive = values[values > 0]
    if positive.size == 0:
        raise ValueError(
            f"no positive interval among {values.size}; a log-normal needs at least one "
            "repurchase on a later day"
        )
    logs = np.log(positive)
    mu = float(logs.mean())
    sigma_mle = float(logs.std())
    return LogNormalFit(mu, max(sigma_mle, sigma_floor), sigma_mle, int(positive.size), int(values.size - positive.size))


def lognormal_from_sums(count: np.ndarray, log_sum: np.ndarray, log_sq_sum: np.ndarray,
                        sigma_floor: float = SIGMA_FLOOR) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised log-normal MLE from per-group sums of ln t and ln^2 t.

    Returns mu, sigma (floored) and the unfloored sigma; groups with count 0 get mu = 0,
    sigma = `sigma_floor` and sigma_mle = 0, and callers must mark them as not fitted.
    """
    count = np.asarray(count, dtype=float)
    safe = np.maximum(count, 1.0)
    mu = np.where(count > 0, np.asarray(log_sum, dtype=float) / safe, 0.0)
    variance = np.where(count > 0, np.asarray(log_sq_sum, dtype=float) / safe - mu * mu, 0.0)
    sigma_mle = np.sqrt(np.clip(variance, 0.0, None))
    return mu, np.maximum(sigma_mle, sigma_floor), sigma_mle


def lognormal_pdf(t: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Log-normal density at t > 0 days; returns 0 where t <= 0."""
    t = np.asarray(t, dtype=float)
    positive = t > 0
    safe_t = np.where(positive, t, 1.0)
    z = (np.log(safe_t) - mu) / sigma
    density = np.exp(-0.5 * z * z) / (safe_t * sigma * np.sqrt(2 * np.pi))
    return np.where(positive, density, 0.0)


def lognormal_quantile(q: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """Quantiles (days) of the log-normal part of an interval distribution."""
    from scipy.stats import norm

    return np.exp(mu + sigma * norm.ppf(np.asarray(q, dtype=float)))


# Gamma-Poisson ---------------------------------------------------------------------------------


def _group_terms(log_alpha: np.ndarray, log_beta: np.ndarray, k: np.ndarray, t: np.ndarray,
                 group: np.ndarray, groups: int, truncated: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-group log-likelihood and its gradient with respect to ln(alpha) and ln(beta)."""
    alpha = np.exp(log_alpha)[group]
    beta = np.exp(log_beta)[group]
    # L = ln(beta / (beta + t)) < 0; the negative binomial probability of k = 0 is exp(alpha L).
    log_ratio = np.log(beta) - np.log(beta + t)
    loglik = (special.gammaln(k + alpha) - special.gammaln(alpha) + alpha * log_ratio
              + k * (np.log(t) - np.log(beta + t)))
    d_alpha = special.digamma(k + alpha) - special.digamma(alpha) + log_ratio
    d_beta = alpha * (1.0 / beta - 1.0 / (beta + t)) - k / (beta + t)
    if truncated:
        # Dividing by P(k >= 1) = 1 - exp(alpha L) conditions on being a repeat customer.
        log_p_any = np.log(-np.expm1(alpha * log_ratio))
        loglik = loglik - log_p_any
        p_zero_ratio = np.exp(alpha * log_ratio - log_p_any)  # P(0) / P(k >= 1)
        d_alpha = d_alpha + p_zero_ratio * log_ratio
        d_beta = d_beta + p_zero_ratio * alpha * (1.0 / beta - 1.0 / (beta + t))
    return (
        np.bincount(group, weights=loglik, minlength=groups),
        np.bincount(group, weights=d_alpha * alpha, minlength=groups),
        np.bincount(group, weights=d_beta * beta, minlength=groups),
    )


def fit_gamma_poisson(k: np.ndarray, t: np.ndarray, group: np.ndarray | None = None,
                      truncated: bool = True, max_iterations: int = 200, tolerance: float = 1e-6) -> pd.DataFrame:
    """Fit Gamma(alpha, beta) rate priors by maximum likelihood, one per group.

    Parameters
    ----------
    k
        Repeat purchases of each customer (int >= 0; >= 1 when `truncated`).
    t
        Exposure of each customer in days (> 0): time from the first purchase to the end of the
        observation window.
    group
        Integer group (product) index of each customer, 0..G-1; one group when omitted.
    truncated
        Condition the likelihood on k >= 1, for samples that hold repeat customers only.

    Returns
    -------
    DataFrame indexed by group with alpha, beta (shape, rate per day), customers, at_bound
    (True when a parameter ended at the edge of its search box), converged and
    log_likelihood (up to a constant that depends on the data only).
    """
    k = np.asarray(k, dtype=float)
    t = np.asarray(t, dtype=float)
    group = np.zeros(len(k), dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
    if len(k) == 0:
        raise ValueError("no customers to fit a Gamma-Poisson prior to")
    if np.any(t <= 0) or not np.all(np.isfinite(t)):
        raise ValueError("exposures t must be finite and > 0 days")
    if np.any(k < 0) or (truncated and np.any(k < 1)):
        raise ValueError("repeat purchase counts k must be >= 1 for a truncated fit (>= 0 otherwise)")
    groups = int(group.max()) + 1

    # Start from the method of moments on per-customer rates, which is close for most groups.
    counts = np.bincount(group, minlength=groups).astype(float)
    rates = k / t
    mean_rate = np.bincount(group, weights=rates, minlength=groups) / np.maximum(counts, 1)
    mean_sq = np.bincount(group, weights=rates * rates, minlength=groups) / np.maximum(counts, 1)
    variance = np.maximum(mean_sq - mean_rate ** 2, 1e-12)
    alpha0 = np.clip(mean_rate ** 2 / variance, 0.05, 50.0)
    beta0 = alpha0 / np.maximum(mean_rate, 1e-6)
    x_alpha = np.clip(np.log(alpha0), *LOG_ALPHA_BOUNDS)
    x_beta = np.clip(np.log(beta0), *LOG_BETA_BOUNDS)

    # The groups are independent, so each gets its own damped Newton (Levenberg-Marquardt) step
    # in (ln alpha, ln beta), all computed at once. The Hessian comes from finite differences of
    # the analytic gradient.
    epsilon = 1e-5
    damping = np.full(groups, 1e-3)
    converged = np.zeros(groups, dtype=bool)
    loglik, g_alpha, g_beta = _group_terms(x_alpha, x_beta, k, t, group, groups, truncated)
    iterations = 0
    for iterations in range(1, max_iterations + 1):
        # Only the rows of groups still moving are evaluated; most groups converge early.
        rows = ~converged[group]
        rk, rt, rg = k[rows], t[rows], group[rows]
        _, ga_a, gb_a = _group_terms(x_alpha + epsilon, x_beta, rk, rt, rg, groups, truncated)
        _, ga_b, gb_b = _group_terms(x_alpha, x_beta + epsilon, rk, rt, rg, groups, truncated)
        h_aa = (ga_a - g_alpha) / epsilon
        h_bb = (gb_b - g_beta) / epsilon
        h_ab = 0.5 * ((gb_a - g_beta) + (ga_b - g_alpha)) / epsilon
        # Solve (-H + damping * scale * I) step = gradient for each group (2 x 2, closed form).
        scale = np.abs(h_aa) + np.abs(h_bb) + 1e-12
        a11 = -h_aa + damping * scale
        a22 = -h_bb + damping * scale
        a12 = -h_ab
        determinant = a11 * a22 - a12 * a12
        bad = ~(determinant > 0) | ~(a11 > 0)
        determinant = np.where(bad, 1.0, determinant)
        step_alpha = np.where(bad, g_alpha / scale, (a22 * g_alpha - a12 * g_beta) / determinant)
        step_beta = np.where(bad, g_beta / scale, (a11 * g_beta - a12 * g_alpha) / determinant)
        step_alpha = np.where(converged, 0.0, np.clip(step_alpha, -2.0, 2.0))
        step_beta = np.where(converged, 0.0, np.clip(step_beta, -2.0, 2.0))
        new_alpha = np.clip(x_alpha + step_alpha, *LOG_ALPHA_BOUNDS)
        new_beta = np.clip(x_beta + step_beta, *LOG_BETA_BOUNDS)
        new_loglik, new_g_alpha, new_g_beta = _group_terms(new_alpha, new_beta, rk, rt, rg, groups, truncated)
        accept = (new_loglik >= loglik - 1e-12 * np.abs(loglik)) & ~converged
        moved = np.maximum(np.abs(new_alpha - x_alpha), np.abs(new_beta - x_beta))
        x_alpha = np.where(accept, new_alpha, x_alpha)
        x_beta = np.where(accept, new_beta, x_beta)
        loglik = np.where(accept, new_loglik, loglik)
        g_alpha = np.where(accept, new_g_alpha, g_alpha)
        g_beta = np.where(accept, new_g_beta, g_beta)
        damping = np.where(accept, np.maximum(damping / 10, 1e-9), np.minimum(damping * 10, 1e9))
        converged |= accept & (moved < tolerance)
        converged |= ~accept & (damping >= 1e9)
        if converged.all():
            break
    logger.debug("Gamma-Poisson fit of %d groups: %d iterations", groups, iterations)
    if not converged.all():
        logger.warning("Gamma-Poisson fit: %d of %d groups did not converge in %d iterations",
                       int((~converged).sum()), groups, max_iterations)
    at_bound = (
        np.isclose(x_alpha, LOG_ALPHA_BOUNDS[0]) | np.isclose(x_alpha, LOG_ALPHA_BOUNDS[1])
        | np.isclose(x_beta, LOG_BETA_BOUNDS[0]) | np.isclose(x_beta, LOG_BETA_BOUNDS[1])
    )
    return pd.DataFrame({
        "alpha": np.exp(x_alpha),
        "beta": np.exp(x_beta),
        "customers": counts.astype("int64"),
        "at_bound": at_bound,
        "converged": converged,
        "log_likelihood": loglik,
    })
