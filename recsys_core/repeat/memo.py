"""A small process-wide LRU of fitted histories and models, shared by app sessions.

Streamlit's st.cache_resource records the progress-bar updates made inside a cached function
and fails to replay them on the next hit (streamlit 1.67), so the page memoises here instead
and reports progress outside any cached function.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable


class LRUMemo:
    """Thread-safe memo that keeps the `max_entries` most recently used results."""

    def __init__(self, max_entries: int):
        if max_entries < 1:
            raise ValueError(f"max_entries must be >= 1, got {max_entries}")
        self.max_entries = max_entries
        self._entries: "OrderedDict[Hashable, Any]" = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return the stored result for `key`, or compute, store and return it.

        Two threads asking for a missing key at once may both compute it; the later result wins.
        """
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._entries


FITTED = LRUMemo(max_entries=24)
"""Fitted purchase histories and models of the app, keyed by dataset and parameters."""
