"""Query text checks and BIO span helpers shared by the tagger, the metrics and the analyzer."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 32

_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]")


class QueryError(ValueError):
    """Raised for a query that cannot be analysed, such as an empty one. The message explains why."""


@dataclass(frozen=True)
class Span:
    """An attribute mention: words ``start`` to ``end - 1`` of the query, tagged ``type``."""

    type: str
    start: int
    end: int
    text: str


def clean_query(text: object) -> tuple[str, list[str]]:
    """Normalise a raw query and return it with a list of warnings about what was changed.

    Applies Unicode NFKC normalisation, removes control and zero-width characters, collapses
    whitespace and truncates to `MAX_QUERY_CHARS` characters and `MAX_QUERY_WORDS` words.

    Raises
    ------
    QueryError
        When nothing but whitespace or control characters is left.
    """
    if text is None:
        raise QueryError("the query is empty; type a few words such as 'iphone 8 case'")
    raw = str(text)
    normalized = unicodedata.normalize("NFKC", raw)
    normalized = _CONTROL.sub(" ", normalized)
    normalized = " ".join(normalized.split())
    if not normalized:
        raise QueryError("the query is empty; type a few words such as 'iphone 8 case'")
    warnings: list[str] = []
    if len(normalized) > MAX_QUERY_CHARS:
        normalized = normalized[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] if " " in normalized[:MAX_QUERY_CHARS] else normalized[:MAX_QUERY_CHARS]
        warnings.append(f"the query had {len(raw):,} characters; only the first {len(normalized)} were analysed "
                        f"(limit {MAX_QUERY_CHARS})")
    words = normalized.split()
    if len(words) > MAX_QUERY_WORDS:
        normalized = " ".join(words[:MAX_QUERY_WORDS])
        warnings.append(f"the query had {len(words)} words; only the first {MAX_QUERY_WORDS} were analysed")
    return normalized, warnings


def tokenize_query(text: str) -> list[str]:
    """Split a cleaned query into words; the tagger labels one BIO tag per word."""
    return text.lower().split()


def repair_bio(tags: list[str]) -> list[str]:
    """Turn an ``I-X`` that does not continue an ``X`` span into ``B-X``, keeping spans well formed."""
    repaired: list[str] = []
    previous_type = None
    for tag in tags:
        if tag.startswith("I-") and previous_type != tag[2:]:
            tag = "B-" + tag[2:]
        repaired.append(tag)
        previous_type = tag[2:] if tag != "O" else None
    return repaired


def bio_spans(tokens: list[str], tags: list[str]) -> list[Span]:
    """Extract the spans of a BIO-tagged word sequence (an ``I-`` without its ``B-`` starts a span)."""
    spans: list[Span] = []
    start, kind = None, None
    for position, tag in enumerate(list(tags) + ["O"]):
        continues = tag.startswith("I-") and kind == tag[2:]
        if start is not None and not continues:
            spans.append(Span(kind, start, position, " ".join(tokens[start:position])))
            start, kind = None, None
        if tag != "O" and not continues:
            start, kind = position, tag[2:]
    return spans
