"""A dictionary baseline for attribute tagging: the phrases seen in training, matched greedily."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Sequence

from recsys_core.search.text import bio_spans


class GazetteerTagger:
    """Tag the longest phrase that the training queries tagged, with its most frequent type.

    Fitting collects every gold span (lower-cased words) and counts its types. Prediction
    scans a query left to right and tags the longest known phrase starting at each word.
    Phrases tagged ``O`` more often than as any single type in training are left out.
    """

    def __init__(self, max_words: int = 6):
        self.max_words = max_words
        self.phrases_: dict[tuple[str, ...], str] = {}

    def fit(self, tokens: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> "GazetteerTagger":
        counts: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for words, labels in zip(tokens, tags):
            lowered = [w.lower() for w in words]
            for span in bio_spans(lowered, list(labels)):
                if span.end - span.start <= self.max_words:
                    counts[tuple(lowered[span.start:span.end])][span.type] += 1
            for position, label in enumerate(labels):
                if label == "O":
                    counts[(lowered[position],)]["O"] += 1
        self.phrases_ = {}
        for phrase, types in counts.items():
            kind, count = types.most_common(1)[0]
            if kind != "O":
                self.phrases_[phrase] = kind
        return self

    def predict(self, tokens: Sequence[Sequence[str]]) -> list[list[str]]:
        predictions = []
        for words in tokens:
            lowered = [w.lower() for w in words]
            tags = ["O"] * len(lowered)
            position = 0
            while position < len(lowered):
                for length in range(min(self.max_words, len(lowered) - position), 0, -1):
                    kind = self.phrases_.get(tuple(lowered[position:position + length]))
                    if kind is not None:
                        tags[position] = f"B-{kind}"
                        for inner in range(position + 1, position + length):
                            tags[inner] = f"I-{kind}"
                        position += length
                        break
                else:
                    position += 1
            predictions.append(tags)
        return predictions
