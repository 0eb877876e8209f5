"""The Related products page in headless Chromium: table, baselines, cold-start form, errors."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pandas as pd
import pytest

from conftest import wait_until_idle

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    """Six phones, their cases and two chargers; phone p0 has a hostile title."""
    folder = tmp_path_factory.mktemp("related-page") / "shop"
    folder.mkdir()
    products, copurchase, coview = [], [], []
    for i in range(6):
        products.append((f"p{i}", f"Acme phone {i}", "phone", "Acme", "Phones", 300.0))
        products.append((f"c{i}", f"Acme case {i}", "phone case", "Acme", "Cases", 15.0))
        copurchase += [(f"p{i}", f"c{i}"), (f"p{i}", f"u{i % 2}")]
        coview.append((f"c{i}", f"c{(i + 1) % 6}"))
    products += [("u0", "Acme charger 0", "charger", "Acme", "Chargers", 20.0),
                 ("u1", "Acme charger 1", "charger", "Acme", "Chargers", 25.0)]
    frame = pd.DataFrame(products, columns=["product_id", "title", "type", "brand", "category", "price"])
    frame.loc[0, "title"] = f"{HOSTILE} phone"
    frame.to_csv(folder / "products.csv", index=False)
    pd.DataFrame(copurchase, columns=["src", "dst"]).to_csv(folder / "copurchase.csv", index=False)
    pd.DataFrame(coview, columns=["src", "dst"]).to_csv(folder / "coview.csv", index=False)
    return folder


@pytest.fixture()
def page(app_page):
    # A first visit to a sub-page before st.navigation has run in the server shows a
    # "Page not found" dialog, so the root page is opened first.
    app_page.open("", wait_text="Overview")
    return app_page


def related_url(folder: Path, **params: str) -> str:
    return "related_products?" + urllib.parse.urlencode({"dataset": f"folder:{folder}", **params})


def test_related_page_shows_table_scatter_and_baselines(page, shop):
    page.open(related_url(shop, product="p1", k="3"), wait_text="Baselines side by side")
    assert page.exceptions() == []
    assert page.page.get_by_text("Related products for").count() >= 1
    assert page.page.locator("[data-testid='stDataFrame']").count() >= 4  # model + three baselines
    assert page.page.locator(".js-plotly-plot").count() >= 1
    for name in ("popularity", "co-occurrence", "popular in category"):
        assert page.page.get_by_text(name, exact=True).count() >= 1
    assert page.foreign_requests() == []


def test_hostile_query_title_renders_as_text(page, shop):
    page.open(related_url(shop, product="p0"), wait_text="Related products for")
    assert page.page.get_by_text(f"{HOSTILE} phone").count() >= 1
    assert page.page.locator("img[src='x']").count() == 0
    assert page.dialogs == []


def test_unknown_product_in_url_shows_error(page, shop):
    page.open(related_url(shop, product="no-such-id"), wait_text="is not in this dataset")
    assert page.exceptions() == []
    assert page.page.locator("[data-testid='stAlertContentError']").count() >= 1


def test_invalid_k_in_url_shows_error(page, shop):
    page.open(related_url(shop, product="p1", k="0"), wait_text="is invalid")
    assert page.exceptions() == []


def test_k_steps_follow_every_click(page, shop):
    page.open(related_url(shop, product="p1", k="3"), wait_text="Related products for")
    step_up = page.page.locator("[data-testid='stNumberInputStepUp']").first
    for expected in (4, 5, 6):
        step_up.click()
        wait_until_idle(page.page)
        assert f"k={expected}" in page.page.url
    assert page.page.locator("input[aria-label='k (products to list)']").input_value() == "6"
    assert page.exceptions() == []


def test_min_score_follows_every_key_press(page, shop):
    page.open(related_url(shop, product="p1"), wait_text="Related products for")
    slider = page.page.get_by_role("slider")
    for expected in ("-0.99", "-0.98", "-0.97"):
        slider.focus()
        slider.press("ArrowRight")
        wait_until_idle(page.page)
        assert f"min_score={expected}" in page.page.url
    assert page.exceptions() == []


def test_min_score_from_url_filters_table(page, shop):
    page.open(related_url(shop, product="p1", min_score="1"), wait_text="No product reaches the minimum score")
    assert page.exceptions() == []
    assert "min_score=1.00" in page.page.url


def test_invalid_min_score_in_url_shows_error(page, shop):
    page.open(related_url(shop, product="p1", min_score="nan"), wait_text="min_score=nan in the link is invalid")
    assert page.exceptions() == []
    assert page.page.get_by_text("Related products for").count() >= 1


def test_cold_start_panel_escapes_hostile_title(page, shop):
    page.open(related_url(shop, product="p1"), wait_text="Related products for")
    page.page.get_by_role("tab", name="Cold start").click()
    page.page.get_by_label("Title", exact=True).fill(HOSTILE)
    page.page.get_by_label("Brand", exact=True).fill("Acme")
    page.page.get_by_role("button", name="Recommend").click()
    page.page.get_by_text("Its recommendations").first.wait_for(timeout=60_000)
    wait_until_idle(page.page)
    assert page.exceptions() == []
    assert page.page.get_by_text(HOSTILE).count() >= 1  # visible as text
    assert page.page.locator("img[src='x']").count() == 0
    assert page.dialogs == []
    assert page.page.get_by_text("Where it would be recommended").count() == 1


def test_cold_start_title_url_is_not_a_link(page, shop):
    page.open(related_url(shop, product="p1"), wait_text="Related products for")
    page.page.get_by_role("tab", name="Cold start").click()
    page.page.get_by_label("Title", exact=True).fill("case, see https://example.invalid/phish or www.example.invalid")
    page.page.get_by_role("button", name="Recommend").click()
    page.page.get_by_text("Its recommendations").first.wait_for(timeout=60_000)
    wait_until_idle(page.page)
    assert page.page.locator("a[href*='example.invalid']").count() == 0
    assert page.exceptions() == []


def test_model_tab_shows_metrics_and_training_curve(page, shop):
    page.open(related_url(shop, product="p1"), wait_text="Related products for")
    page.page.get_by_role("tab", name="Model").click()
    page.page.get_by_text("validation MRR").first.wait_for(timeout=30_000)
    assert page.page.locator("[data-testid='stMetric']").count() == 4
    assert page.page.get_by_role("button", name="Run the full evaluation").count() == 1


def test_settings_from_url_train_another_model(page, shop):
    page.open(related_url(shop, product="p1", asymmetry="0.3", terms="copurchase,asymmetry"),
              wait_text="other settings than the defaults")
    assert page.exceptions() == []
    assert page.page.get_by_text("asymmetry weight 0.3, co-view weight 0.5, loss terms copurchase + asymmetry").count() >= 1


def test_invalid_setting_in_url_shows_error(page, shop):
    page.open(related_url(shop, product="p1", asymmetry="-1"), wait_text="asymmetry=-1 in the link is invalid")
    assert page.exceptions() == []
    assert page.page.get_by_text("other settings than the defaults").count() == 0


def test_settings_form_writes_url(page, shop):
    page.open(related_url(shop, product="p1"), wait_text="Related products for")
    page.page.get_by_role("tab", name="Model").click()
    weight = page.page.locator("input[aria-label='Asymmetry weight']")
    weight.fill("0.5")
    page.page.get_by_role("button", name="Train with these settings").click()
    page.page.get_by_text("other settings than the defaults").first.wait_for(timeout=60_000)
    wait_until_idle(page.page)
    assert "asymmetry=0.5" in page.page.url
    assert "coview=" not in page.page.url  # unchanged defaults stay out of the link
    assert page.page.get_by_role("tab", name="Model").get_attribute("aria-selected") == "true"
    assert page.exceptions() == []


def test_graph_too_small_to_split_shows_error(page, tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "products.csv").write_text("product_id,title\na,Phone\nb,Case\nc,Charger\n", encoding="utf-8")
    (folder / "copurchase.csv").write_text("src,dst\na,b\na,c\n", encoding="utf-8")
    page.open("related_products?" + urllib.parse.urlencode({"dataset": f"folder:{folder}"}), wait_text="too few to hold out")
    assert page.exceptions() == []
    assert page.page.locator("[data-testid='stAlertContentError']").count() >= 1


def test_dataset_without_edges_shows_error(page, tmp_path):
    folder = tmp_path / "bare"
    folder.mkdir()
    (folder / "products.csv").write_text("product_id,title\na,Phone\nb,Case\n", encoding="utf-8")
    page.open("related_products?" + urllib.parse.urlencode({"dataset": f"folder:{folder}"}), wait_text="no co-purchase edges")
    assert page.exceptions() == []
