"""Buy-again figures: finite data for degenerate inputs, escaped titles, fitted overlays."""

import numpy as np
import pandas as pd
import pytest

from recsys_core.figures import repeat as figures


def _all_numbers(figure):
    values = []
    for trace in figure.data:
        for axis in ("x", "y"):
            data = getattr(trace, axis, None)
            if data is None:
                continue
            array = np.asarray(data)
            if array.dtype.kind in "fiu":
                values.append(array.astype(float).ravel())
    return np.concatenate(values) if values else np.array([])


@pytest.mark.parametrize("intervals", [
    [0, 0, 0],              # same-day repurchases only
    [7, 7, 7, 7],           # identical intervals (sigma floored)
    [],                     # one-purchase customers only: no interval at all
    [0, 3, 0, 10, 200],
])
@pytest.mark.parametrize("log_scale", [False, True])
def test_histogram_finite_for_degenerate_intervals(intervals, log_scale):
    figure = figures.interval_histogram(intervals, mu=np.log(7), sigma=0.1, zero_share=0.5, log_scale=log_scale)
    numbers = _all_numbers(figure)
    assert np.isfinite(numbers).all()


@pytest.mark.parametrize("intervals", [[0, 0], [7, 7, 7], [], [1, 2, 4, 8, 16]])
def test_qq_plot_finite(intervals):
    figure = figures.qq_plot(intervals, mu=np.log(5), sigma=0.1)
    assert np.isfinite(_all_numbers(figure)).all()


def test_histogram_overlays_fitted_density():
    rng = np.random.default_rng(0)
    intervals = rng.lognormal(3.0, 0.5, 2000)
    figure = figures.interval_histogram(intervals, 3.0, 0.5, log_scale=True)
    curve = figure.data[1]
    peak = np.asarray(curve.x)[np.argmax(curve.y)]
    assert peak == pytest.approx(3.0, abs=0.05)
    assert max(curve.y) == pytest.approx(1 / (0.5 * np.sqrt(2 * np.pi)), rel=0.01)


def test_qq_points_follow_diagonal_for_lognormal_data():
    rng = np.random.default_rng(1)
    intervals = rng.lognormal(2.0, 0.4, 1000)
    figure = figures.qq_plot(intervals, 2.0, 0.4)
    points = figure.data[0]
    ratio = np.asarray(points.y) / np.asarray(points.x)
    assert np.median(np.abs(np.log(ratio))) < 0.05


def test_rcp_curve_counts_products_above_threshold():
    figure = figures.rcp_threshold_curve([0.0, 0.2, 0.5, 0.9], threshold=0.3)
    curve = figure.data[0]
    counts = dict(zip(np.round(curve.x, 2), curve.y))
    assert counts[0.0] == 3
    assert counts[0.5] == 1
    assert "2 products" in figure.layout.annotations[0].text


def test_titles_are_escaped():
    timeline = pd.DataFrame({"date": ["2024-01-01"], "day": [19723], "product_id": ["p1"],
                             "title": ["<script>alert(1)</script>"]})
    figure = figures.purchase_timeline(timeline)
    labels = list(figure.data[0].y)
    assert "<script>" not in labels[0]
    assert "&lt;script&gt;" in labels[0]
    trajectory = pd.DataFrame({"days_since_last": [0, 1], "date": ["2024-01-01", "2024-01-02"], "product_id": ["p1"] * 2,
                               "title": ["<b>bold</b>"] * 2, "rank": [1, 1], "score": [0.5, 0.4]})
    chart = figures.rank_chart(trajectory, chosen_day=1)
    assert "<b>" not in chart.data[0].name


def test_empty_inputs_give_a_note():
    empty = pd.DataFrame(columns=["days_since_last", "date", "product_id", "title", "rank", "score"])
    assert figures.rank_chart(empty).layout.annotations[0].text.startswith("No repeat-purchasable")
    assert figures.purchase_timeline(pd.DataFrame(columns=["date", "product_id", "title"])).layout.annotations
    assert figures.rcp_threshold_curve([], 0.1).layout.annotations
