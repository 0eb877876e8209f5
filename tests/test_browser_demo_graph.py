"""The product graph page on the demo world, opened by a shared link on a freshly started app."""

import json
import urllib.parse

import pytest

from conftest import AppServer, RecordedPage, network_frame

pytestmark = pytest.mark.browser

PHONE = "apple-iphone-8-64gb-space-gray"
CASE = "otterbox-defender-series-case-for-iphone-8-black"


@pytest.fixture(scope="module")
def fresh_server(browser, tmp_path_factory, isolated_cache):
    """A server that no test has visited yet, so the first request is the deep link itself."""
    logs = tmp_path_factory.mktemp("fresh-server-log")
    server = AppServer(isolated_cache, logs / "streamlit.log")
    yield server
    server.stop()


def test_demo_phone_links_to_its_case(browser, fresh_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = RecordedPage(context.new_page(), fresh_server.url)
    query = urllib.parse.urlencode({"dataset": "demo", "product": PHONE})
    page.open(f"product_graph?{query}", wait_text="Apple iPhone 8 64GB Space Gray")

    frame = network_frame(page.page)
    phone_node = json.loads(frame.evaluate(f"JSON.stringify(nodes.get({json.dumps(PHONE)}))"))
    case_node = json.loads(frame.evaluate(f"JSON.stringify(nodes.get({json.dumps(CASE)}))"))
    phone_to_case = frame.evaluate(
        f"edges.get().filter(e => e.from === {json.dumps(PHONE)} && e.to === {json.dumps(CASE)}).length")
    case_to_phone = frame.evaluate(
        f"edges.get().filter(e => e.from === {json.dumps(CASE)} && e.to === {json.dumps(PHONE)} && e.arrows).length")

    assert phone_node is not None
    assert case_node is not None
    assert "OtterBox" in case_node["label"]
    assert phone_to_case >= 1
    assert case_to_phone == 0
    assert page.page.get_by_text("Page not found").count() == 0
    assert page.exceptions() == []
    assert page.foreign_requests() == []
    context.close()
