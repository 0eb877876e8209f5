"""The Overview and Product graph pages in headless Chromium: rendering, offline pyvis, escaping, errors."""

import hashlib
import json
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import network_frame, wait_until_idle

pytestmark = pytest.mark.browser

XSS_TITLE = "<img src=x onerror=alert(1)> href"


@pytest.fixture(scope="module")
def user_files(tmp_path_factory):
    """Hand-made datasets the tests point the app at, plus their hashes before any test runs."""
    root = tmp_path_factory.mktemp("user-files")
    shop = root / "shop"
    shop.mkdir()
    (shop / "products.csv").write_text(
        "product_id,title,brand,type\n"
        f'x1,"{XSS_TITLE}","<b>Evil</b> brand",phone\n'
        "p2,Blue phone case,Acme,case\n"
        "p3,USB charger,Acme,charger\n"
        "p4,Braided cable,Acme,cable\n", encoding="utf-8")
    (shop / "copurchase.csv").write_text(
        "src,dst,weight\nx1,p2,0.9\np2,x1,0.4\nx1,p3,0.5\np4,x1,0.3\np4,p2,0.3\np4,p3,0.3\n", encoding="utf-8")
    (shop / "coview.csv").write_text("src,dst\np2,p3\n", encoding="utf-8")

    broken = root / "broken"
    broken.mkdir()
    (broken / "meta.json").write_text('{"asin": "A"}\n{"asin": "B", "related": \n', encoding="utf-8")
    missing_column = root / "missing_column"
    missing_column.mkdir()
    (missing_column / "products.csv").write_text("title,brand\nPhone,Acme\n", encoding="utf-8")
    empty = root / "empty"
    empty.mkdir()
    (empty / "products.csv").write_text("", encoding="utf-8")
    hashes = {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in root.rglob("*") if path.is_file()}
    return {"root": root, "shop": shop, "broken": broken / "meta.json", "missing_column": missing_column,
            "empty": empty, "hashes": hashes}


_ROUTER_READY: set[str] = set()


@pytest.fixture()
def page(app_page):
    # Streamlit treats an app with a pages/ folder as a version-1 multipage app until
    # st.navigation runs once in the server process, so a first visit to /graph would show a
    # "Page not found" dialog. Opening the root page once per server avoids that.
    if app_page.base_url not in _ROUTER_READY:
        app_page.open("", wait_text="Overview")
        _ROUTER_READY.add(app_page.base_url)
    return app_page


def _url(path: str, **params: str) -> str:
    return f"{path}?{urllib.parse.urlencode(params)}"


def _errors(page) -> list[str]:
    return page.page.locator("[data-testid='stAlertContentError']").all_inner_texts()


def test_every_page_opens_offline(page):
    pages = {
        "?dataset=completejourney": ("Top categories", "Co-view edges (proxy)"),
        "product_graph?dataset=completejourney": ("Asymmetry of co-purchase", "Co-view proxy neighbours"),
    }
    for path, (wait_text, proxy_label) in pages.items():
        page.open(path, wait_text=wait_text)
        assert page.exceptions() == [], path
        assert _errors(page) == [], path
        assert page.page.get_by_text(proxy_label).count() >= 1, path
        assert page.page.get_by_text("Page not found").count() == 0, path
    assert page.foreign_requests() == []
    assert page.dialogs == []


def test_pick_product_draws_graph(page):
    page.open("product_graph?dataset=completejourney", wait_text="Find a product by id or title")
    search = page.page.get_by_label("Find a product by id or title")
    search.fill("potato chips")
    search.press("Enter")
    wait_until_idle(page.page)
    page.page.get_by_label("Product", exact=True).click()
    option = page.page.get_by_role("option").first
    chosen = option.inner_text()
    option.click()
    wait_until_idle(page.page)

    product_id = chosen.rsplit("— ", 1)[1].strip()
    assert f"product={product_id}" in page.page.url
    frame = network_frame(page.page)
    assert frame.evaluate("nodes.length") >= 1
    assert frame.evaluate(f"nodes.get({json.dumps(product_id)}) !== null")
    assert "potato chips" in chosen.lower()
    assert page.page.locator("[data-testid='stDataFrame']").count() >= 2  # out- and in-neighbour tables
    assert page.exceptions() == []
    assert page.foreign_requests() == []


def test_untrusted_title_renders_as_text(page, user_files):
    page.open(_url("product_graph", dataset=f"folder:{user_files['shop']}", product="x1"), wait_text="Out-neighbours")
    frame = network_frame(page.page)
    assert frame.evaluate("nodes.length") == 4

    # Hover the query product so that its tooltip (built from the title) is shown.
    frame.evaluate("network.stopSimulation()")
    frame.locator("#mynetwork").scroll_into_view_if_needed()
    time.sleep(0.5)
    position = frame.evaluate("JSON.stringify(network.canvasToDOM(network.getPositions(['x1'])['x1']))")
    point = json.loads(position)
    box = frame.locator("#mynetwork").bounding_box()
    page.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    time.sleep(1.0)

    assert frame.locator("#tip").inner_text().startswith(XSS_TITLE)
    assert page.page.get_by_text(XSS_TITLE, exact=True).first.is_visible()
    assert page.page.locator("img[src='x']").count() == 0
    assert frame.locator("img[src='x']").count() == 0
    assert page.page.locator("b", has_text="Evil").count() == 0
    assert page.dialogs == []
    assert page.exceptions() == []
    assert page.foreign_requests() == []


def test_scatter_click_opens_product(page, user_files):
    page.open(_url("product_graph", dataset=f"folder:{user_files['shop']}", product="x1"), wait_text="Asymmetry")
    plot = page.page.locator(".js-plotly-plot").first  # the in- vs out-degree scatter
    plot.scroll_into_view_if_needed()
    time.sleep(1.0)
    # p4 has in-degree 0 and out-degree 3, drawn at (0 + 1, 3 + 1) on log axes.
    x, y = plot.evaluate("""(element) => {
        const xaxis = element._fullLayout.xaxis, yaxis = element._fullLayout.yaxis;
        return [xaxis._offset + xaxis.l2p(Math.log10(1)), yaxis._offset + yaxis.l2p(Math.log10(4))];
    }""")
    box = plot.bounding_box()
    page.page.mouse.click(box["x"] + x, box["y"] + y)
    time.sleep(1.0)
    wait_until_idle(page.page)

    assert "product=p4" in page.page.url
    assert page.page.get_by_text("Braided cable", exact=True).first.is_visible()
    assert page.exceptions() == []


def test_unknown_product_in_url_is_reported(page, user_files):
    page.open(_url("product_graph", dataset=f"folder:{user_files['shop']}", product="nope-42"), wait_text="Find a product")
    errors = _errors(page)
    assert any("'nope-42' from the URL is not in dataset" in error for error in errors), errors
    assert page.exceptions() == []


@pytest.mark.parametrize("case, expected", [
    ("broken", "line 2 is neither JSON nor a Python literal"),
    ("missing_column", "missing required column(s) product_id"),
    ("empty", "the file is empty"),
])
def test_bad_dataset_shows_error(page, user_files, case, expected):
    spec = f"amazon-meta:{user_files[case]}" if case == "broken" else f"folder:{user_files[case]}"
    for path in ("", "product_graph"):  # the Overview is the default page, served at the root
        page.open(_url(path, dataset=spec), wait_text="Cannot load dataset")
        errors = _errors(page)
        assert any(expected in error for error in errors), (path, errors)
        assert page.exceptions() == [], path


def test_user_files_unchanged(page, user_files):
    page.open(_url("", dataset=f"folder:{user_files['shop']}"), wait_text="Top categories")
    after = {str(path): hashlib.sha256(path.read_bytes()).hexdigest()
             for path in Path(user_files["root"]).rglob("*") if path.is_file()}
    assert after == user_files["hashes"]
