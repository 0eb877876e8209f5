"""Analyse one query with the three modules: intent, explicit attributes and implicit attributes."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Iterable, Optional

import numpy as np
import pandas as pd

from recsys_core.search.graph import node_name, normalize_key
from recsys_core.search.models import SearchModels
from recsys_core.search.text import QueryError, bio_spans, clean_query, tokenize_query
from recsys_core.search.walk import cooccurrence_rank

logger = logging.getLogger(__name__)

DEFAULT_INTENT_THRESHOLD = 0.3
# Seed weight of an intent of probability 1, relative to a stated attribute (weight 1). An
# intent is a broad node (type:phone reaches every phone brand), so it weighs less.
INTENT_SEED_WEIGHT = 0.3


@dataclass
class QueryAnalysis:
    """The result of analysing one query.

    Attributes
    ----------
    query
        The query after cleaning (see `text.clean_query`).
    warnings
        What cleaning changed, such as truncation of an overlong query.
    tokens, tags
        The query's words and their BIO tags.
    spans
        Explicit attributes: columns type, text, start, end, node (the graph node it maps to,
        empty when the graph has none).
    intents
        Every type of the country's label space: columns type, probability, shown (probability
        at or above the threshold), most likely first.
    implicit
        Implied values ranked by the walk: columns node, key, value, source, kind, confidence, score.
    steps
        For each implied value, the walk step that brought it the most probability mass.
    seeds
        Restart distribution of the walk: graph node to weight.
    timings_ms
        Milliseconds spent in each module.
    """

    query: str
    warnings: list[str]
    tokens: list[str]
    tags: list[str]
    spans: pd.DataFrame
    intents: pd.DataFrame
    implicit: pd.DataFrame
    steps: pd.DataFrame
    seeds: dict[str, float]
    threshold: float
    timings_ms: dict[str, float] = field(default_factory=dict)

    def shown_intents(self) -> list[tuple[str, float]]:
        shown = self.intents[self.intents["shown"]]
        return list(zip(shown["type"], shown["probability"].astype(float)))

    def to_dict(self) -> dict:
        """JSON-ready form, used by ``recsys analyze-query --json`` and the batch download."""
        return {
            "query": self.query, "warnings": self.warnings, "tokens": self.tokens, "tags": self.tags,
            "threshold": self.threshold,
            "intents": [{"type": t, "probability": round(p, 4)} for t, p in self.shown_intents()],
            "explicit_attributes": self.spans.to_dict(orient="records"),
            "implicit_attributes": [
                {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
                for row in self.implicit[["key", "value", "source", "confidence"]].to_dict(orient="records")
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


class QueryAnalyzer:
    """Run intent classification, attribute tagging and the attribute walk on queries.

    Parameters
    ----------
    models
        Trained `SearchModels` (see `models.load_or_train`).
    intent_threshold
        Probability at which an intent is shown and seeds the walk.
    restart
        Restart probability of the walk; higher keeps the walk closer to the query.
    top_n
        Number of implicit attributes returned.
    """

    def __init__(self, models: SearchModels, intent_threshold: float = DEFAULT_INTENT_THRESHOLD,
                 restart: Optional[float] = None, top_n: int = 10):
        self.models = models
        self.intent_threshold = intent_threshold
        self.restart = restart if restart is not None else models.walk_params.restart
        self.top_n = top_n

    def analyze(self, text: object, country: Optional[str] = None, intent_threshold: Optional[float] = None,
                restart: Optional[float] = None, top_n: Optional[int] = None,
                method: str = "walk") -> QueryAnalysis:
        """Analyse one query.

        Parameters
        ----------
        country
            Marketplace whose label space the intents use; ``None`` or an unknown country uses
            every type.
        method
            ``walk`` (random walk with restart) or ``cooccurrence`` (the one-step baseline).

        Raises
        ------
        QueryError
            When the query is empty after cleaning.
        ValueError
            When a threshold, the restart probability or top-n is out of range.
        """
        threshold = self.intent_threshold if intent_threshold is None else float(intent_threshold)
        restart = self.restart if restart is None else float(restart)
        top_n = self.top_n if top_n is None else int(top_n)
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"intent threshold {threshold} is out of range; use a probability between 0 and 1")
        if top_n < 1:
            raise ValueError(f"top-n {top_n} is out of range; ask for at least 1 implicit attribute")
        if method not in ("walk", "cooccurrence"):
            raise ValueError(f"unknown method {method!r}; use 'walk' or 'cooccurrence'")
        query, warnings = clean_query(text)
        tokens = tokenize_query(query)
        timings: dict[str, float] = {}

        mark = time.perf_counter()
        probabilities = self.models.intent.predict_proba([query], [country])[0]
        order = np.argsort(-probabilities)
        intents = pd.DataFrame({
            "type": [self.models.intent.types_[i] for i in order],
            "probability": probabilities[order].astype(float),
        })
        intents = intents[intents["probability"] > 0].reset_index(drop=True)
        intents["shown"] = intents["probability"] >= threshold
        timings["intent"] = 1000 * (time.perf_counter() - mark)

        mark = time.perf_counter()
        tags = self.models.tagger.predict([tokens])[0] if self.models.tagger is not None else ["O"] * len(tokens)
        graph = self.models.graph
        span_rows = []
        for span in bio_spans(tokens, tags):
            node = graph.find_value(normalize_key(span.type), span.text)
            span_rows.append({"type": span.type, "text": span.text, "start": span.start, "end": span.end,
                              "node": graph.nodes[node] if node is not None else ""})
        spans = pd.DataFrame(span_rows, columns=["type", "text", "start", "end", "node"])
        timings["attributes"] = 1000 * (time.perf_counter() - mark)

        mark = time.perf_counter()
        seeds: dict[int, float] = {}
        stated_keys: set[str] = set()
        for node in spans["node"]:
            if node:
                seeds[graph.index[node]] = seeds.get(graph.index[node], 0.0) + 1.0
                stated_keys.add(node.split(":", 1)[0])
        # Words the tagger left untagged still seed the walk, at half weight, when they spell a
        # value of the graph exactly. This catches, say, a brand-only query the tagger missed.
        covered = {i for row in spans.itertuples() for i in range(row.start, row.end)}
        for start, end, node in graph.match_phrases(tokens):
            if covered.isdisjoint(range(start, end)) and node not in seeds:
                seeds[node] = 0.5
                stated_keys.add(graph.nodes[node].split(":", 1)[0])
        for kind, probability in zip(intents["type"], intents["probability"]):
            if probability < threshold:
                break
            node = node_name("type", kind)
            if node in graph.index:
                seeds[graph.index[node]] = seeds.get(graph.index[node], 0.0) + INTENT_SEED_WEIGHT * float(probability)
                stated_keys.add("type")
        if method == "walk":
            result = self.models.walker().walk(seeds, top_n=top_n, restart=restart, exclude_keys=stated_keys)
            implicit, steps, seed_names = result.ranking, result.steps, result.seeds
        else:
            implicit = cooccurrence_rank(graph, seeds, top_n)
            steps = pd.DataFrame(columns=["src", "dst", "relation", "flow"])
            seed_names = {graph.nodes[k]: v for k, v in seeds.items()}
        timings["implicit"] = 1000 * (time.perf_counter() - mark)
        timings["total"] = sum(timings.values())
        return QueryAnalysis(query, warnings, tokens, tags, spans, intents, implicit, steps, seed_names,
                             threshold, timings)

    def analyze_many(self, queries: Iterable[object], country: Optional[str] = None, **options) -> pd.DataFrame:
        """Analyse a list of queries into one row each; a query that fails gets its error message instead."""
        rows = []
        for raw in queries:
            text = "" if raw is None else str(raw)
            try:
                result = self.analyze(text, country=country, **options)
            except QueryError as error:
                rows.append({"query": text[:200], "intents": "", "explicit_attributes": "",
                             "implicit_attributes": "", "message": str(error)})
                continue
            rows.append({
                "query": result.query,
                "intents": "; ".join(f"{t} ({p:.2f})" for t, p in result.shown_intents()),
                "explicit_attributes": "; ".join(f"{r.type}={r.text}" for r in result.spans.itertuples()),
                "implicit_attributes": "; ".join(
                    f"{r.key}={r.value} [{r.source} {r.confidence:.2f}]" for r in result.implicit.itertuples()),
                "message": " ".join(result.warnings),
            })
        return pd.DataFrame(rows, columns=["query", "intents", "explicit_attributes", "implicit_attributes", "message"])
