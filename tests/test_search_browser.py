"""The Query search page in headless Chromium: the "iphone 8" view, URL state, escaping, batch mode.

The app runs with ``RECSYS_SEARCH_PRESET=quick``, set below before any app server starts, and
finds the small models that `demo_models` trains into the session's artefact cache.
"""

from __future__ import annotations

import os
import urllib.parse

import pytest

from conftest import wait_until_idle

os.environ["RECSYS_SEARCH_PRESET"] = "quick"

pytestmark = pytest.mark.browser

XSS_QUERY = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def trained(request):
    """Train the quick demo models before the page asks for them (shared with test_search_demo)."""
    from recsys_core.data import load_dataset
    from recsys_core.search.models import SearchParams, load_or_train

    return load_or_train(load_dataset("demo"), SearchParams.quick())


@pytest.fixture()
def page(app_page, trained):
    app_page.open("?dataset=demo", wait_text="Overview")
    return app_page


def _open(page, **params) -> None:
    page.open(f"query_search?{urllib.parse.urlencode({'dataset': 'demo', **params})}", wait_text="Query search")
    wait_until_idle(page.page)


def test_iphone_8_page_shows_all_three_modules(page):
    _open(page, q="iphone 8", country="US")
    body = page.page.locator("[data-testid='stMain']")
    body.get_by_text("Implicit attributes").first.wait_for(timeout=120_000)
    assert page.exceptions() == []
    assert page.page.locator(".qs-span").count() >= 1
    assert page.page.locator("[data-testid='stPlotlyChart']").count() == 2
    assert body.get_by_text("Download CSV").count() >= 2
    assert page.foreign_requests() == []


def test_html_query_is_shown_as_text(page):
    _open(page, q="iphone 8")
    box = page.page.get_by_label("Search query")
    box.fill(XSS_QUERY)
    box.press("Enter")
    wait_until_idle(page.page)
    assert page.dialogs == []
    assert page.exceptions() == []
    assert page.page.locator("img[src='x']").count() == 0
    tokens = page.page.locator(".qs-tokens")
    assert "<img" in tokens.inner_text()
    assert "onerror=alert(1)>" in tokens.inner_text()
    assert "q=%3Cimg" in page.page.url


def test_empty_and_long_queries_get_messages(page):
    _open(page, q="   ")
    assert page.page.get_by_text("Type a query to analyse it").count() == 1
    _open(page, q="x" * 3000)
    assert page.page.get_by_text("only the first").count() >= 1
    assert page.exceptions() == []


def test_controls_come_from_the_url(page):
    _open(page, q="iphone 8", threshold="0.95", top="3")
    assert page.page.get_by_text("No product type reaches the cut-off 0.95").count() == 1
    assert page.exceptions() == []


@pytest.mark.parametrize("params, message", [
    ({"threshold": "nan"}, "Invalid intent cut-off 'nan'"),
    ({"restart": "2"}, "Invalid restart probability '2'"),
    ({"top": "many"}, "Invalid top-n 'many'"),
    ({"country": "XX"}, "Unknown country 'XX'"),
    ({"mode": "bulk"}, "Unknown mode 'bulk'"),
])
def test_bad_url_setting_shows_warning(page, params, message):
    _open(page, q="iphone 8", **params)
    warnings = page.page.locator("[data-testid='stAlertContentWarning']").all_inner_texts()
    assert any(message in text for text in warnings), warnings
    assert page.exceptions() == []


def test_batch_mode_analyses_pasted_queries(page):
    _open(page, mode="batch")
    area = page.page.get_by_role("textbox", name="Queries")
    area.fill(f"iphone 8\n{XSS_QUERY}\ndog food")
    area.press("Control+Enter")
    wait_until_idle(page.page)
    page.page.get_by_text("Download CSV").first.wait_for(timeout=60_000)
    assert page.dialogs == []
    assert page.exceptions() == []


def test_returning_to_first_query_updates_url(page):
    _open(page, q="iphone 8")
    box = page.page.get_by_label("Search query")
    for query in ("dog food", "iphone 8"):
        box.fill(query)
        box.press("Enter")
        wait_until_idle(page.page)
        assert box.input_value() == query
        assert urllib.parse.parse_qs(urllib.parse.urlparse(page.page.url).query)["q"] == [query]
    assert page.exceptions() == []
