"""Streamlit helpers shared by every page: the dataset picker, cached loading, downloads.

Pages call `current_dataset()` to get the dataset chosen in the sidebar. The choice lives in the
URL as ``?dataset=SPEC`` so that a link reproduces the view.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections import OrderedDict
from typing import Any, Callable, Optional

import pandas as pd
import streamlit as st

from recsys_core.data import Dataset, DatasetError, load_dataset, registry

logger = logging.getLogger(__name__)

DEFAULT_DATASET = "completejourney"
CUSTOM_CHOICE = "Other (format:path)…"


def escape(text: Any) -> str:
    """Escape untrusted text (titles, brands, queries) before it goes into HTML or markdown."""
    return html.escape(str(text), quote=True)


def markdown_text(text: Any) -> str:
    """Escape untrusted text for st.markdown, where markdown syntax would otherwise render.

    Every ASCII punctuation character gets a backslash, which CommonMark renders as the literal
    character. So ``<img ...>`` shows as text, and no tag, link, emphasis, LaTeX ($) or
    Streamlit directive (``:red[...]``) forms. HTML entities are not used because st.markdown shows them
    verbatim, as ``&#x27;``. Bare URLs and addresses get a zero-width space (see `_break_autolinks`),
    so text copied from the page may contain one.
    """
    text = _break_autolinks(str(text))
    return "".join("\\" + char if char in _ASCII_PUNCTUATION else char for char in text)


def _break_autolinks(text: str) -> str:
    """Put a zero-width space inside every ``://``, ``www.`` and ``@``.

    GitHub-flavoured markdown turns bare URLs, www addresses and e-mail addresses into links
    even when their punctuation is backslash-escaped, so the escaping alone would leave a
    clickable link in a crafted title.
    """
    text = text.replace("://", ZERO_WIDTH_SPACE + "://").replace("@", ZERO_WIDTH_SPACE + "@")
    return re.sub(r"(?i)(www)\.", lambda match: match.group(1) + ZERO_WIDTH_SPACE + ".", text)


ZERO_WIDTH_SPACE = "\u200b"
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def shorten(text: Any, limit: int = 60) -> str:
    """Return `text` cut to `limit` characters, with its full length noted, for quoting in messages."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def error(message: Any) -> None:
    """Show `message` in an error box as plain text.

    Messages quote URL parameters, paths and file contents, so markdown in them must not render:
    an image link in a crafted URL would otherwise make the viewer's browser fetch it.
    """
    st.error(markdown_text(message))


def warning(message: Any) -> None:
    """Show `message` in a warning box as plain text (see `error`)."""
    st.warning(markdown_text(message))


def url_widget_key(key: str, url_value: Any) -> str:
    """Seed widget `key` with its value from the URL on first use and return the key.

    A widget built with ``value=`` taken from the URL changes identity whenever the URL value
    changes, so returning to an earlier value brings back that widget's stale text. A fixed key,
    seeded once, keeps one widget whose value the URL follows.
    """
    if key not in st.session_state:
        st.session_state[key] = url_value
    return key


def dataset_picker() -> None:
    """Draw the sidebar dataset picker and keep ``?dataset=`` in the URL in sync."""
    builtins = list(registry.BUILTINS)
    current = st.query_params.get("dataset", DEFAULT_DATASET)
    options = builtins + [CUSTOM_CHOICE]
    index = builtins.index(current) if current in builtins else len(builtins)
    with st.sidebar:
        st.header("Dataset")
        choice = st.selectbox(
            "Dataset", options, index=index, key="dataset_choice",
            help="Built-in datasets, or a spec FORMAT:PATH for your own files. " + registry.describe_specs(),
        )
        if choice == CUSTOM_CHOICE:
            default_text = "" if current in builtins else current
            spec = st.text_input(
                "Dataset spec", value=default_text, key="dataset_spec",
                placeholder="amazon-meta:/path/meta.json.gz or folder:/path/to/folder",
            ).strip()
        else:
            spec = choice
        if spec and spec != st.query_params.get("dataset"):
            st.query_params["dataset"] = spec
        if spec in registry.BUILTINS:
            st.caption(registry.BUILTINS[spec].description)
    st.session_state["dataset_spec_value"] = spec


def current_spec() -> str:
    return st.session_state.get("dataset_spec_value") or st.query_params.get("dataset", DEFAULT_DATASET)


class ProcessCache:
    """A small least-recently-used cache shared by every session of this server process.

    Used where st.cache_resource cannot be: it records the progress-bar updates made inside a
    cached function and fails to replay them on the next hit (KeyError in streamlit 1.67's
    cached_message_replay). Two sessions that miss at once may both build the value.
    """

    def __init__(self, max_entries: int):
        self._entries: "OrderedDict[Any, Any]" = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def get_or_build(self, key: Any, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = build()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return value


_DATASETS = ProcessCache(max_entries=4)


def _load_cached(spec: str, progress: Optional[Callable[[float, str], None]] = None) -> Dataset:
    return _DATASETS.get_or_build(spec, lambda: load_dataset(spec, progress=progress))


def _use_app_router() -> None:
    """Rerun under app.py's st.navigation when Streamlit started in pages/-folder mode.

    Streamlit treats an app with a pages/ folder as a version-1 multipage app until
    st.navigation runs once in the server process. Until then, a first visit to a URL that
    matches a file name, such as /overview, runs pages/overview.py alone, without app.py's
    router and sidebar. The rerun goes through app.py, which routes by URL path.
    """
    # NOTE: a first visit to a URL that matches no file name in pages/ shows Streamlit's
    # "Page not found" dialog once per server start, before any app code runs. app.py therefore
    # gives every page the url_path of its file name.
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def current_dataset() -> Dataset:
    """Load the selected dataset with visible progress, or show the error and stop the page."""
    _use_app_router()
    spec = current_spec()
    if not spec:
        st.info("Enter a dataset spec in the sidebar, such as folder:/path/to/folder.")
        st.stop()
    try:
        return run_with_progress(f"Loading dataset {spec}", lambda progress: _load_cached(spec, progress))
    except DatasetError as failure:
        error(f"Cannot load dataset {spec!r}: {failure}")
        st.stop()
    except OSError as failure:
        error(f"Cannot read dataset {spec!r}: {failure}")
        st.stop()
    raise AssertionError("unreachable")


def run_with_progress(label: str, job: Callable[[Callable[[float, str], None]], Any]) -> Any:
    """Run ``job(progress)`` inside an ``st.status`` box with a progress bar.

    When the job's result is already cached, the box closes at once.
    """
    with st.status(label, expanded=False) as status:
        bar = st.progress(0.0)

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(1.0, max(0.0, fraction)), text=message)

        try:
            result = job(progress)
        except Exception:
            status.update(label=f"{label}: failed", state="error")
            raise
        bar.empty()
        status.update(label=f"{label}: done", state="complete")
    return result


def download_table(frame: pd.DataFrame, file_stem: str, label: str = "Download CSV", key: Optional[str] = None) -> None:
    """Offer `frame` as a CSV download next to the table that shows it."""
    st.download_button(
        label, frame.to_csv(index=False).encode("utf-8"), file_name=f"{file_stem}.csv",
        mime="text/csv", key=key or f"download-{file_stem}",
    )


def show_table(frame: pd.DataFrame, file_stem: str, **kwargs: Any) -> None:
    """Show a table with its CSV download button below it."""
    st.dataframe(frame, **kwargs)
    download_table(frame, file_stem)
