"""Train, save and load the three search models of a dataset as one bundle.

`train_search_models` fits four parts in order. The attribute tagger learns from the
dataset's tagged queries or a CoNLL file, and the intent classifier from click shares of the
search log. The attribute graph joins the catalog, tagged and parsed queries, intents, and
complement and substitute relations. Last come its GraphSAGE node embeddings. A fraction of the distinct query texts, chosen by a hash of the
text, is held out from every model so that `evaluate` can score them on unseen queries.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
import torch

from recsys_core import cache
from recsys_core.data.schema import Dataset, DatasetError
from recsys_core.progress import ProgressCallback, report, scaled
from recsys_core.search import graph as graph_module
from recsys_core.search import store
from recsys_core.search.gnn import GnnParams, train_embeddings
from recsys_core.search.intent import IntentClassifier, IntentParams, click_labels
from recsys_core.search.tagger import BioTagger, TaggerParams
from recsys_core.search.walk import RandomWalker, WalkParams

logger = logging.getLogger(__name__)

MODEL_VERSION = 1


@dataclass
class SearchParams:
    """Training settings of the search models; every field goes into the artefact key.

    The defaults keep four of MiniLM's six layers: on 2 CPU cores that keeps the training of
    the demo models within a few minutes and one query's analysis within about 30 ms.
    """

    num_layers: int = 4
    max_length: int = 24
    intent_epochs: int = 2
    tagger_epochs: int = 2
    batch_size: int = 32
    max_steps: Optional[int] = None
    gnn_epochs: int = 150
    gnn_dim: int = 32
    holdout_fraction: float = 0.2
    max_queries: Optional[int] = None
    intent_lr: float = 5e-4
    tagger_lr: float = 2e-4
    seed: int = 0

    @classmethod
    def quick(cls) -> "SearchParams":
        """Small settings for tests and smoke runs: one encoder layer, 2,500 training queries."""
        return cls(num_layers=1, max_length=16, intent_epochs=3, tagger_epochs=3, batch_size=32,
                   max_steps=None, gnn_epochs=40, gnn_dim=16, max_queries=2500)

    @classmethod
    def from_environment(cls) -> "SearchParams":
        """Settings named by ``$RECSYS_SEARCH_PRESET``: ``default`` (or unset) or ``quick``.

        The app and the CLI use this, so a test run can point them at the small models.
        """
        preset = os.environ.get("RECSYS_SEARCH_PRESET", "default").strip().lower()
        if preset in ("", "default"):
            return cls()
        if preset == "quick":
            return cls.quick()
        raise ValueError(f"unknown RECSYS_SEARCH_PRESET {preset!r}; use 'default' or 'quick'")


@dataclass
class SearchModels:
    """The trained intent classifier, attribute tagger, attribute graph and node embeddings."""

    intent: IntentClassifier
    tagger: Optional[BioTagger]
    graph: graph_module.AttributeGraph
    embeddings: np.ndarray
    params: SearchParams
    info: dict = field(default_factory=dict)
    walk_params: WalkParams = field(default_factory=WalkParams)

    def walker(self) -> RandomWalker:
        if not hasattr(self, "_walker"):
            self._walker = RandomWalker(self.graph, self.walk_params, self.embeddings)
        return self._walker


def is_held_out(query: str, fraction: float) -> bool:
    """Return whether `query` belongs to the held-out split (a stable hash of its lower-cased text)."""
    if fraction <= 0:
        return False
    return zlib.crc32(str(query).lower().strip().encode("utf-8")) % 10_000 < fraction * 10_000


def model_key(dataset: Dataset, params: SearchParams, bio_file: Optional[str] = None) -> str:
    bio = None
    if bio_file:
        path = Path(bio_file).expanduser().resolve()
        bio = [str(path), cache.file_fingerprint(path)]
    return cache.cache_key("search", MODEL_VERSION, store.dataset_fingerprint(dataset), asdict(params), bio)


_MEMORY: "OrderedDict[str, SearchModels]" = OrderedDict()
_MEMORY_SIZE = 3
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def load_or_train(dataset: Dataset, params: Optional[SearchParams] = None, bio_file: Optional[str] = None,
                  progress: Optional[ProgressCallback] = None, retrain: bool = False) -> SearchModels:
    """Return the dataset's search models: from memory, from the artefact cache, or trained now.

    The last few bundles stay in memory, so the app and a long-running process load each once.
    Concurrent callers asking for the same models wait for one training run.
    """
    params = params or SearchParams()
    key = model_key(dataset, params, bio_file)
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        if not retrain and key in _MEMORY:
            _MEMORY.move_to_end(key)
            report(progress, 1.0, "Search models ready")
            return _MEMORY[key]
        models = None if retrain else load_models(key)
        if models is not None:
            report(progress, 1.0, "Loaded the trained search models")
        else:
            models = train_search_models(dataset, params, bio_file, progress)
            save_models(key, models)
        _MEMORY[key] = models
        while len(_MEMORY) > _MEMORY_SIZE:
            _MEMORY.popitem(last=False)
        return models


def _tagged_queries(dataset: Dataset, bio_file: Optional[str], holdout: float) -> pd.DataFrame:
    if bio_file:
        from recsys_core.data.conll import read_conll

        return read_conll(bio_file)
    labelled = dataset.labelled_queries
    if labelled is None or labelled.empty:
        return pd.DataFrame(columns=["query", "tokens", "tags"])
    labelled = labelled[[any(tag != "O" for tag in tags) for tags in labelled["tags"]]]
    labelled = labelled[~labelled["query"].map(lambda q: is_held_out(q, holdout))]
    return labelled.drop_duplicates("query")


def _subsample(frame: pd.DataFrame, params: SearchParams) -> pd.DataFrame:
    if params.max_queries is None or len(frame) <= params.max_queries:
        return frame
    return frame.sample(n=params.max_queries, random_state=params.seed)


def train_search_models(dataset: Dataset, params: Optional[SearchParams] = None, bio_file: Optional[str] = None,
                        progress: Optional[ProgressCallback] = None) -> SearchModels:
    """Train the tagger, the intent classifier, the attribute graph and its embeddings.

    Raises
    ------
    DatasetError
        When the dataset has no search log with clicks on typed products.
    """
    params = params or SearchParams()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    search_log = dataset.require("search_log", "intent training")
    products = dataset.require("products", "intent training")

    report(progress, 0.0, "Training the attribute tagger")
    tagged = _subsample(_tagged_queries(dataset, bio_file, params.holdout_fraction), params)
    tagger = None
    if len(tagged):
        tagger = BioTagger(TaggerParams(num_layers=params.num_layers, max_length=params.max_length,
                                        epochs=params.tagger_epochs, batch_size=params.batch_size,
                                        encoder_lr=params.tagger_lr, max_steps=params.max_steps, seed=params.seed))
        tagger.fit(list(tagged["tokens"]), list(tagged["tags"]), progress=scaled(progress, 0.0, 0.4))
    else:
        logger.warning("dataset %s has no tagged queries and no --bio-file was given; explicit attributes are off",
                       dataset.name)
    timings["tagger_s"] = time.perf_counter() - started

    mark = time.perf_counter()
    labels = click_labels(search_log, products)
    keep = ~labels.pairs["query"].map(lambda q: is_held_out(q, params.holdout_fraction)).to_numpy()
    if params.max_queries is not None and keep.sum() > params.max_queries:
        chosen = np.random.default_rng(params.seed).choice(np.flatnonzero(keep), params.max_queries, replace=False)
        keep = np.zeros_like(keep)
        keep[chosen] = True
    if not keep.any():
        raise DatasetError(f"dataset {dataset.name!r}: every logged query falls in the held-out split; "
                           "lower holdout_fraction")
    intent = IntentClassifier(IntentParams(num_layers=params.num_layers, max_length=params.max_length,
                                           epochs=params.intent_epochs, batch_size=params.batch_size,
                                           encoder_lr=params.intent_lr, max_steps=params.max_steps, seed=params.seed))
    intent.fit(list(labels.pairs["query"][keep]), list(labels.pairs["country"][keep]), labels.targets[keep],
               labels.types, labels.country_types, progress=scaled(progress, 0.4, 0.8))
    timings["intent_s"] = time.perf_counter() - mark

    mark = time.perf_counter()
    report(progress, 0.8, "Building the attribute graph")
    graph = build_attribute_graph(dataset, tagger, params.holdout_fraction, tagged if not bio_file else None)
    embeddings, gnn_info = train_embeddings(
        graph, GnnParams(dim=params.gnn_dim, epochs=params.gnn_epochs, feature_layers=params.num_layers,
                         seed=params.seed), progress=scaled(progress, 0.85, 1.0))
    timings["graph_s"] = time.perf_counter() - mark
    timings["total_s"] = time.perf_counter() - started
    report(progress, 1.0, f"Trained the search models in {timings['total_s']:.0f} s")
    info = {"dataset": dataset.name, "timings": timings, "gnn": gnn_info, "graph": graph.info,
            "tagged_queries": len(tagged), "intent_pairs": int(keep.sum()), "bio_file": bio_file,
            "intent_validation": intent.validation_}
    logger.info("search models trained: %s", timings)
    return SearchModels(intent, tagger, graph, embeddings, params, info)


def build_attribute_graph(dataset: Dataset, tagger: Optional[BioTagger], holdout: float,
                          tagged: Optional[pd.DataFrame] = None) -> graph_module.AttributeGraph:
    """Assemble the attribute graph from every edge source the dataset offers.

    Logged queries without gold tags are parsed with `tagger`; held-out queries are left out.
    """
    products = dataset.products
    pairs = list(graph_module.catalog_pairs(products))
    query_values: dict[str, list[str]] = {}
    if tagged is not None and len(tagged):
        pairs += list(graph_module.query_pairs(tagged))
        for row in tagged.itertuples():
            query_values[str(row.query).lower()] = graph_module.query_spans(row.tokens, row.tags)
    search_log = dataset.search_log
    if search_log is not None and not search_log.empty:
        log = search_log[~search_log["query"].map(lambda q: is_held_out(q, holdout))]
        if tagger is not None:
            untagged = sorted(set(log["query"].str.lower()) - set(query_values))
            words = [q.split() for q in untagged]
            for query, tokens, tags in zip(untagged, words, tagger.predict(words) if words else []):
                query_values[query] = graph_module.query_spans(tokens, tags)
        pairs += list(graph_module.intent_pairs(log, products, query_values))
    relations, provenance = dataset_relations(dataset)
    pairs += list(graph_module.relation_pairs(relations))
    return graph_module.build_graph(pairs, {"relations_from": provenance})


def dataset_relations(dataset: Dataset) -> tuple[pd.DataFrame, str]:
    """Complement and substitute relations: declared as data, or derived from the product graph.

    ``dataset.info['relations']`` may declare them in either of two forms: records with
    relation, src_key, src, dst_key, dst and an optional weight, or the demo world's mapping of
    ``complement_types``, ``substitute_types`` and ``substitute_brands`` to lists of pairs.
    Without a declaration, relations are derived from the co-purchase and co-view edges
    (`graph.derive_relations`).
    """
    declared = dataset.info.get("relations") if isinstance(dataset.info, dict) else None
    columns = ["relation", "src_key", "src", "dst_key", "dst", "weight"]
    if isinstance(declared, dict):
        rows = [("complement", "type", a, "type", b, 1.0) for a, b in declared.get("complement_types", [])]
        rows += [("substitute", "type", a, "type", b, 1.0) for a, b in declared.get("substitute_types", [])]
        rows += [("substitute", "brand", a, "brand", b, 1.0) for a, b in declared.get("substitute_brands", [])]
        if rows:
            return pd.DataFrame(rows, columns=columns), "declared by the dataset"
    elif declared:
        frame = pd.DataFrame(declared)
        if set(columns[:-1]) <= set(frame.columns):
            if "weight" not in frame.columns:
                frame["weight"] = 1.0
            return frame, "declared by the dataset"
    if declared:
        logger.warning("dataset %s declares relations in an unknown form; deriving them from co-purchases "
                       "and co-views instead", dataset.name)
    derived = graph_module.derive_relations(dataset.products, dataset.copurchase, dataset.coview)
    return derived, "derived from co-purchase and co-view edges"


# -- persistence -------------------------------------------------------------------------------


def save_models(key: str, models: SearchModels) -> Path:
    tensors: dict[str, torch.Tensor] = {}
    intent_state, intent_meta = models.intent.state()
    tensors.update({f"intent.{k}": v for k, v in intent_state.items()})
    tagger_meta = None
    if models.tagger is not None:
        tagger_state, tagger_meta = models.tagger.state()
        tensors.update({f"tagger.{k}": v for k, v in tagger_state.items()})
    tensors["embeddings"] = torch.from_numpy(np.ascontiguousarray(models.embeddings))
    metadata = {"model_version": MODEL_VERSION, "params": asdict(models.params), "intent": intent_meta,
                "tagger": tagger_meta, "graph": models.graph.to_metadata(), "info": models.info}
    return store.save_artefact(key, tensors, metadata)


def load_models(key: str) -> Optional[SearchModels]:
    loaded = store.load_artefact(key)
    if loaded is None:
        return None
    tensors, metadata = loaded
    if metadata.get("model_version") != MODEL_VERSION:
        return None

    def part(prefix: str) -> dict[str, torch.Tensor]:
        return {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}

    intent = IntentClassifier.from_state(part("intent."), metadata["intent"])
    tagger = BioTagger.from_state(part("tagger."), metadata["tagger"]) if metadata.get("tagger") else None
    graph = graph_module.AttributeGraph.from_metadata(metadata["graph"])
    return SearchModels(intent, tagger, graph, tensors["embeddings"].numpy(), SearchParams(**metadata["params"]),
                        dict(metadata.get("info", {})))
