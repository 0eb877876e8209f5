"""Span-level scores for attribute tagging and set-level scores for intents."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Sequence

import pandas as pd

from recsys_core.search.text import bio_spans


def span_scores(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]],
                tokens: Sequence[Sequence[str]] | None = None) -> pd.DataFrame:
    """Score predicted BIO tags against gold tags at the span level.

    A predicted span counts as correct only when its start, end and type all equal a gold
    span's (exact match, as in the CoNLL evaluation). Returns one row per type plus a row
    ``micro`` over all spans, with columns precision, recall, f1, support (gold spans),
    predicted, correct.
    """
    correct: Counter = Counter()
    gold_count: Counter = Counter()
    predicted_count: Counter = Counter()
    for position, (gold_tags, predicted_tags) in enumerate(zip(gold, predicted)):
        words = list(tokens[position]) if tokens is not None else [""] * len(gold_tags)
        gold_spans = {(s.type, s.start, s.end) for s in bio_spans(words, list(gold_tags))}
        predicted_spans = {(s.type, s.start, s.end) for s in bio_spans(words, list(predicted_tags))}
        for span in gold_spans:
            gold_count[span[0]] += 1
        for span in predicted_spans:
            predicted_count[span[0]] += 1
        for span in gold_spans & predicted_spans:
            correct[span[0]] += 1
    rows = []
    for kind in sorted(set(gold_count) | set(predicted_count)):
        rows.append(_row(kind, correct[kind], gold_count[kind], predicted_count[kind]))
    rows.append(_row("micro", sum(correct.values()), sum(gold_count.values()), sum(predicted_count.values())))
    return pd.DataFrame(rows).set_index("type")


def _row(kind: str, correct: int, gold: int, predicted: int) -> dict:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"type": kind, "precision": precision, "recall": recall, "f1": f1,
            "support": gold, "predicted": predicted, "correct": correct}


def set_f1(gold: Iterable[set], predicted: Iterable[set]) -> dict[str, float]:
    """Micro- and macro-averaged F1 of predicted label sets against gold label sets.

    Macro-F1 averages the per-label F1 over every label that occurs in gold or predictions.
    """
    true_positive: defaultdict = defaultdict(int)
    false_positive: defaultdict = defaultdict(int)
    false_negative: defaultdict = defaultdict(int)
    for gold_set, predicted_set in zip(gold, predicted):
        for label in gold_set & predicted_set:
            true_positive[label] += 1
        for label in predicted_set - gold_set:
            false_positive[label] += 1
        for label in gold_set - predicted_set:
            false_negative[label] += 1
    labels = set(true_positive) | set(false_positive) | set(false_negative)

    def f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0

    micro = f1(sum(true_positive.values()), sum(false_positive.values()), sum(false_negative.values()))
    macro = sum(f1(true_positive[l], false_positive[l], false_negative[l]) for l in labels) / len(labels) if labels else 0.0
    return {"micro_f1": micro, "macro_f1": macro, "labels": len(labels)}
