"""Escaping of untrusted text for st.markdown (pages/ui.py), checked on the strings it returns."""

from __future__ import annotations

import pytest

from pages import ui


@pytest.mark.parametrize("text, trigger", [
    ("see https://example.invalid/phish", "https://"),
    ("see HTTP://EXAMPLE.INVALID", "HTTP://"),
    ("visit www.example.invalid now", "www."),
    ("mail admin@example.invalid", "n@e"),
])
def test_markdown_text_breaks_autolinks(text, trigger):
    escaped = ui.markdown_text(text).replace("\\", "")
    assert trigger not in escaped
    assert escaped.replace(ui.ZERO_WIDTH_SPACE, "") == text


def test_markdown_text_escapes_punctuation():
    assert ui.markdown_text("<b>*x*</b>") == "\\<b\\>\\*x\\*\\<\\/b\\>"


def test_shorten_notes_full_length():
    assert ui.shorten("abc") == "abc"
    assert ui.shorten("9" * 5000, limit=10) == "9999999999… (5,000 characters)"
