"""Intent labels and calibration, word-piece alignment, a tiny tagger fine-tune and artefact storage."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch

from recsys_core.search import store
from recsys_core.search.encoder import load_tokenizer
from recsys_core.search.intent import _fit_temperature, _masked_softmax, click_labels
from recsys_core.search.tagger import IGNORE, BioTagger, TaggerParams


def test_click_labels_shares_and_country_spaces():
    products = pd.DataFrame({"product_id": ["a", "b", "c"], "type": ["phone", "phone case", "laptop"]})
    log = pd.DataFrame({
        "query": ["iPhone 8", "iphone 8", "iphone 8", "macbook"],
        "country": ["us", "us", "de", "de"],
        "product_id": ["a", "b", "a", "c"],
        "clicks": [3, 1, 2, 5],
    })
    labels = click_labels(log, products)
    pairs = labels.pairs.set_index(["country", "query"])
    targets = pd.DataFrame(labels.targets, index=pairs.index, columns=labels.types)
    assert targets.loc[("us", "iphone 8"), "phone"] == pytest.approx(0.75)
    assert targets.loc[("us", "iphone 8"), "phone case"] == pytest.approx(0.25)
    assert targets.loc[("de", "iphone 8"), "phone"] == pytest.approx(1.0)
    assert pairs.loc[("us", "iphone 8"), "clicks"] == 4
    assert labels.country_types == {"de": ["laptop", "phone"], "us": ["phone", "phone case"]}


def test_click_labels_without_typed_clicks():
    products = pd.DataFrame({"product_id": ["a"], "type": [""]})
    log = pd.DataFrame({"query": ["x"], "country": ["us"], "product_id": ["a"], "clicks": [1]})
    with pytest.raises(ValueError, match="type"):
        click_labels(log, products)


def test_temperature_recovers_known_scale():
    generator = torch.Generator().manual_seed(0)
    true_logits = torch.randn(4000, 5, generator=generator) * 2
    drawn = torch.multinomial(torch.softmax(true_logits, dim=-1), 1, generator=generator).squeeze(1)
    targets = torch.nn.functional.one_hot(drawn, 5).float()
    temperature = _fit_temperature(true_logits * 3.0, targets, torch.ones_like(targets))
    assert temperature == pytest.approx(3.0, rel=0.15)


def test_masked_types_get_zero_probability():
    logits = torch.tensor([[2.0, 1.0, 5.0]])
    mask = torch.tensor([[1.0, 1.0, 0.0]])
    probabilities = _masked_softmax(logits, mask)
    assert probabilities[0, 2] == 0.0
    assert float(probabilities.sum()) == pytest.approx(1.0)
    assert float(probabilities[0, 0]) == pytest.approx(1 / (1 + np.exp(-1.0)))


def test_first_word_piece_carries_label():
    tagger = BioTagger(TaggerParams(max_length=16))
    tokenizer = load_tokenizer()
    words = [["otterbox", "iphone", "case"]]
    batch = tagger._encode(words, [[1, 2, 0]], tokenizer)
    pieces = tokenizer.convert_ids_to_tokens(batch["input_ids"][0].tolist())
    labels = batch["labels"][0].tolist()
    first = batch["first_piece"][0]
    assert pieces[first[0]] == tokenizer.tokenize("otterbox")[0]
    assert len(tokenizer.tokenize("otterbox")) > 1
    assert [labels[first[w]] for w in range(3)] == [1, 2, 0]
    assert sum(label != IGNORE for label in labels) == 3


def test_tiny_tagger_learns_and_round_trips(tmp_path):
    tokens = [["red", "iphone", "case"], ["blue", "galaxy", "charger"], ["black", "pixel", "cable"],
              ["white", "iphone", "charger"]] * 8
    tags = [["B-color", "B-model", "B-type"]] * 32
    tagger = BioTagger(TaggerParams(num_layers=1, max_length=8, epochs=12, batch_size=8, head_lr=5e-3)).fit(tokens, tags)
    assert tagger.history_[-1] < tagger.history_[0]
    assert tagger.predict([["red", "galaxy", "cable"]]) == [["B-color", "B-model", "B-type"]]

    state, metadata = tagger.state()
    store.save_artefact("unit-tagger", state, metadata)
    tensors, loaded_meta = store.load_artefact("unit-tagger")
    assert json.loads((store.artefact_dir("unit-tagger") / "meta.json").read_text())["kind"] == "bio-tagger"
    restored = BioTagger.from_state(tensors, loaded_meta)
    assert np.allclose(restored.predict_proba([["red", "galaxy", "cable"]])[0],
                       tagger.predict_proba([["red", "galaxy", "cable"]])[0], atol=1e-5)


def test_tagger_rejects_untagged_data():
    with pytest.raises(ValueError, match="only 'O'"):
        BioTagger().fit([["a"]], [["O"]])
    with pytest.raises(ValueError, match="2 words but 1 tags"):
        BioTagger().fit([["a", "b"]], [["O"]])


def test_missing_artefact_is_none():
    assert store.load_artefact("no-such-key") is None


def test_bio_file_sets_tagger_tags(tmp_path):
    from recsys_core.data.schema import make_dataset
    from recsys_core.search.models import SearchParams, train_search_models

    conll = tmp_path / "tags.conll"
    conll.write_text("red\tB-color\ncase\tB-core_product_type\n\nsamsung\tB-creator\nphone\tB-core_product_type\n\n",
                     encoding="utf-8")
    products = pd.DataFrame({"product_id": ["a", "b"], "type": ["phone", "phone case"], "brand": ["Samsung", "Acme"],
                             "attributes": [{"color": "black"}, {"color": "red"}]})
    log = pd.DataFrame({"query": ["samsung phone", "red case"] * 10, "country": "us",
                        "product_id": ["a", "b"] * 10, "clicks": 1})
    dataset = make_dataset("tiny", "test", products=products, search_log=log)
    params = SearchParams(num_layers=1, max_length=8, intent_epochs=1, tagger_epochs=1, gnn_epochs=2, gnn_dim=4,
                          holdout_fraction=0.0)
    models = train_search_models(dataset, params, bio_file=str(conll))
    assert models.tagger.tags_ == ["O", "B-color", "I-color", "B-core_product_type", "I-core_product_type",
                                   "B-creator", "I-creator"]
    assert models.info["tagged_queries"] == 2
    assert models.graph.node_id("type:phone case") is not None
