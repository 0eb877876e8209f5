"""Entry point of the workbench: routes between pages and owns the sidebar dataset picker.

Run with ``streamlit run app.py`` (or ``make app``).
"""

import logging

import streamlit as st

from pages import ui

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

# An emoji favicon is drawn locally; a ":material/...:" page icon is fetched from fonts.gstatic.com.
st.set_page_config(page_title="Recommendation workbench", page_icon="🛒", layout="wide")

PAGES = {
    "Data": [
        st.Page("pages/overview.py", title="Overview", icon=":material/table_chart:", default=True, url_path="overview"),
        st.Page("pages/product_graph.py", title="Product graph", icon=":material/hub:", url_path="product_graph"),
        st.Page("pages/demo_world.py", title="Demo world", icon=":material/science:", url_path="demo_world"),
    ],
    "Recommenders": [
        st.Page("pages/related_products.py", title="Related products", icon=":material/recommend:",
                url_path="related_products"),
        st.Page("pages/buy_again.py", title="Buy it again", icon=":material/replay:", url_path="buy_again"),
    ],
    "Search": [
        st.Page("pages/query_search.py", title="Query search", icon=":material/search:", url_path="query_search"),
    ],
}

navigation = st.navigation(PAGES)
ui.dataset_picker()
navigation.run()
