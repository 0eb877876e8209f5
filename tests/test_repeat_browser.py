"""The buy-again page in a real browser, on a small folder dataset written per test session."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recsys_core.data import folder, make_dataset
from recsys_core.repeat.simulate import simulate_cycles

REPO = Path(__file__).resolve().parents[1]


def _missing_routed_pages() -> list[str]:
    routed = re.findall(r'st\.Page\(\s*"([^"]+)"', (REPO / "app.py").read_text(encoding="utf-8"))
    return [page for page in routed if not (REPO / page).is_file()]


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(_missing_routed_pages()),
                       reason=f"app.py routes to pages missing from this checkout: {_missing_routed_pages()}"),
]


@pytest.fixture(scope="module")
def folder_spec(tmp_path_factory):
    orders, products = simulate_cycles({"milk": (np.log(7), 0.3), "soap": (np.log(40), 0.3)},
                                       customers=40, days=200, seed=4)
    extra = pd.DataFrame({"customer_id": ["c0"], "product_id": ["caviar"],
                          "timestamp": [pd.Timestamp("2024-03-01 12:00")], "quantity": [1], "basket_id": ["x1"]})
    products = pd.concat([products, pd.DataFrame({"product_id": ["caviar"], "title": ["<b>Caviar</b>"], "category": [""]})])
    dataset = make_dataset("tiny", "test", products=products, orders=pd.concat([orders, extra], ignore_index=True))
    path = tmp_path_factory.mktemp("repeat-browser") / "tiny"
    folder.save(dataset, path)
    return f"folder:{path}"


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']", has_text=label).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def _errors(page) -> list[str]:
    return page.locator("[data-testid='stAlertContentError']").all_inner_texts()


def test_product_view_shows_fit(app_page, folder_spec):
    app_page.open(f"buy_again?dataset={folder_spec}&view=product&product=milk", wait_text="μ (ln days)")
    page = app_page.page
    assert app_page.exceptions() == []
    assert _errors(page) == []
    mu = float(_metric(page, "μ (ln days)"))
    assert mu == pytest.approx(np.log(7), abs=0.1)
    assert float(_metric(page, "RCP")) == pytest.approx(1.0)
    assert page.get_by_text("Intervals in ln days").count() >= 1
    assert app_page.foreign_requests() == []


def test_customer_view_ranks_candidates(app_page, folder_spec):
    app_page.open(f"buy_again?dataset={folder_spec}&view=customer&customer=c1&at=2024-05-01&model=atd",
                  wait_text="Candidates")
    page = app_page.page
    assert app_page.exceptions() == []
    assert _errors(page) == []
    assert int(_metric(page, "Candidates")) == 2
    assert page.get_by_text("Ranking as days pass without a purchase").count() >= 1
    assert "customer=c1" in page.url
    assert "at=2024-05-01" in page.url


@pytest.mark.parametrize("query, message", [
    ("view=product&product=caviar", "has no repeat customers"),
    ("view=customer&customer=nobody", "'nobody' is not in the purchase history"),
    ("view=customer&customer=c1&at=1990-01-01", "outside the data"),
    ("view=product&product=milk&r=abc", "Invalid r_threshold 'abc'"),
    ("view=product&product=milk&r=1", "use a number from 0 to 0.99"),
])
def test_bad_input_shows_error(app_page, folder_spec, query, message):
    app_page.open(f"buy_again?dataset={folder_spec}&{query}", wait_text="Buy it again")
    page = app_page.page
    assert app_page.exceptions() == []
    errors = _errors(page)
    assert any(message in text for text in errors), errors
