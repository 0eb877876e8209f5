"""Known-answer tests of the log-normal and Gamma-Poisson fits."""

import numpy as np
import pytest
from scipy import stats as scipy_stats

from recsys_core.repeat.fitting import (
    SIGMA_FLOOR,
    fit_gamma_poisson,
    fit_lognormal,
    lognormal_from_sums,
    lognormal_pdf,
)


def test_lognormal_recovers_mu_and_sigma():
    rng = np.random.default_rng(7)
    intervals = rng.lognormal(mean=3.0, sigma=0.5, size=10_000)
    fit = fit_lognormal(intervals)
    assert abs(fit.mu - 3.0) < 0.02
    assert abs(fit.sigma - 0.5) < 0.02


def test_lognormal_matches_scipy_with_floc_zero():
    rng = np.random.default_rng(1)
    intervals = rng.lognormal(mean=2.0, sigma=0.8, size=500)
    shape, location, scale = scipy_stats.lognorm.fit(intervals, floc=0)
    fit = fit_lognormal(intervals)
    assert location == 0
    assert fit.sigma == pytest.approx(shape, rel=1e-9)
    assert fit.mu == pytest.approx(np.log(scale), rel=1e-9)


def test_lognormal_counts_zero_intervals_apart():
    fit = fit_lognormal([0, 0, 10, 10, 20, 40])
    assert fit.zero_intervals == 2
    assert fit.positive_intervals == 4
    assert fit.zero_share == pytest.approx(1 / 3)
    assert fit.mu == pytest.approx(np.mean(np.log([10, 10, 20, 40])))


def test_identical_intervals_use_sigma_floor():
    fit = fit_lognormal([7.0] * 20)
    assert fit.sigma_mle == pytest.approx(0.0, abs=1e-12)
    assert fit.sigma == SIGMA_FLOOR
    density = lognormal_pdf(np.array([0.0, 0.5, 7.0, 1e6]), fit.mu, fit.sigma)
    assert np.all(np.isfinite(density))
    assert density[0] == 0.0
    assert density[2] > density[1]


def test_lognormal_rejects_only_zero_intervals():
    with pytest.raises(ValueError, match="no positive interval"):
        fit_lognormal([0, 0, 0])


def test_lognormal_from_sums_handles_empty_groups():
    mu, sigma, sigma_mle = lognormal_from_sums(np.array([0, 2]), np.array([0.0, 2 * np.log(5)]),
                                               np.array([0.0, 2 * np.log(5) ** 2]))
    assert np.all(np.isfinite(mu))
    assert np.all(np.isfinite(sigma))
    assert sigma[0] == SIGMA_FLOOR
    assert mu[1] == pytest.approx(np.log(5))
    assert sigma_mle[1] == pytest.approx(0.0, abs=1e-7)


def _simulate_gamma_poisson(alpha, beta, customers, seed):
    rng = np.random.default_rng(seed)
    rates = rng.gamma(shape=alpha, scale=1.0 / beta, size=customers)
    exposure = rng.uniform(30, 360, size=customers)
    repeats = rng.poisson(rates * exposure)
    return repeats.astype(float), exposure


@pytest.mark.parametrize("alpha, beta", [(2.0, 40.0), (0.7, 20.0)])
def test_gamma_poisson_recovers_alpha_beta(alpha, beta):
    repeats, exposure = _simulate_gamma_poisson(alpha, beta, 20_000, seed=3)
    fit = fit_gamma_poisson(repeats, exposure, truncated=False).iloc[0]
    assert abs(fit["alpha"] / alpha - 1) < 0.10
    assert abs(fit["beta"] / beta - 1) < 0.10
    assert bool(fit["converged"])


def test_truncated_gamma_poisson_recovers_alpha_beta():
    repeats, exposure = _simulate_gamma_poisson(2.0, 40.0, 20_000, seed=4)
    repeat_customers = repeats >= 1
    fit = fit_gamma_poisson(repeats[repeat_customers], exposure[repeat_customers], truncated=True).iloc[0]
    assert abs(fit["alpha"] / 2.0 - 1) < 0.10
    assert abs(fit["beta"] / 40.0 - 1) < 0.10


def test_grouped_fit_equals_separate_fits():
    first = _simulate_gamma_poisson(2.0, 40.0, 3000, seed=5)
    second = _simulate_gamma_poisson(0.5, 10.0, 3000, seed=6)
    repeats = np.concatenate([first[0], second[0]])
    exposure = np.concatenate([first[1], second[1]])
    group = np.repeat([0, 1], 3000)
    joint = fit_gamma_poisson(repeats, exposure, group, truncated=False)
    alone = fit_gamma_poisson(second[0], second[1], truncated=False)
    assert joint.loc[1, "alpha"] == pytest.approx(alone.loc[0, "alpha"], rel=1e-4)
    assert joint.loc[1, "beta"] == pytest.approx(alone.loc[0, "beta"], rel=1e-4)
    assert joint.loc[0, "alpha"] != pytest.approx(joint.loc[1, "alpha"], rel=0.1)


def test_gamma_poisson_poisson_limit_stays_finite():
    # Every customer buys at exactly the same rate: no heterogeneity, so alpha runs to its bound.
    exposure = np.full(500, 100.0)
    repeats = np.random.default_rng(0).poisson(0.1 * exposure).astype(float)
    fit = fit_gamma_poisson(repeats, exposure, truncated=False).iloc[0]
    assert np.isfinite(fit["alpha"])
    assert np.isfinite(fit["beta"])
    assert fit["alpha"] / fit["beta"] == pytest.approx(0.1, rel=0.05)


def test_gamma_poisson_rejects_zero_exposure():
    with pytest.raises(ValueError, match="exposures"):
        fit_gamma_poisson(np.array([1.0]), np.array([0.0]))
