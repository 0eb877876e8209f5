"""CoNLL BIO and WANDS loaders: hand-written files with known content, and the real samples."""

from __future__ import annotations

import pytest

from recsys_core.data import DatasetError, load_dataset, parse_spec
from recsys_core.data.conll import read_conll
from recsys_core.data.wands import read_queries

CONLL = """# esci_example_id = 11
red\tB-color
iphone\tB-product_name
8\tI-product_name
case\tB-core_product_type

# esci_example_id = 12
# note = second query
usb\tB-core_product_type
cable\tI-core_product_type
for\tO
samsung\tB-creator
"""


def test_conll_reads_tokens_tags_and_ids(tmp_path):
    path = tmp_path / "tiny.conll"
    path.write_text(CONLL, encoding="utf-8")
    frame = read_conll(path)
    assert list(frame["query_id"]) == ["11", "12"]
    assert frame.loc[0, "tokens"] == ["red", "iphone", "8", "case"]
    assert frame.loc[0, "tags"] == ["B-color", "B-product_name", "I-product_name", "B-core_product_type"]
    assert frame.loc[1, "query"] == "usb cable for samsung"
    assert frame.loc[1, "note"] == "second query"


def test_conll_spec_gives_dataset_without_products(tmp_path):
    path = tmp_path / "tiny.conll"
    path.write_text(CONLL, encoding="utf-8")
    dataset = load_dataset(f"conll:{path}", use_cache=False)
    assert dataset.products.empty
    assert "product_id" in dataset.products.columns
    assert len(dataset.labelled_queries) == 2
    assert dataset.info["tag_types"] == ["color", "core_product_type", "creator", "product_name"]


@pytest.mark.parametrize("text, message", [
    ("red\n", "expected 'token<TAB>tag'"),
    ("red\tRED\n", "invalid BIO tag"),
    ("# only = comments\n\n", "no tagged queries"),
])
def test_conll_rejects_malformed_files(tmp_path, text, message):
    path = tmp_path / "bad.conll"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        read_conll(path)


def test_conll_missing_file_names_path(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        read_conll(tmp_path / "absent.conll")


def test_wands_reads_queries_and_classes(tmp_path):
    path = tmp_path / "query.csv"
    path.write_text("query_id\tquery\tquery_class\n0\tsalon chair\tMassage Chairs\n1\t  desk \tDesks\n2\tlamp\t\n",
                    encoding="utf-8")
    frame = read_queries(path)
    assert list(frame["query"]) == ["salon chair", "desk", "lamp"]
    assert list(frame["intent"]) == ["Massage Chairs", "Desks", ""]
    dataset = load_dataset(f"wands:{path}", use_cache=False)
    assert dataset.info["intent_classes"] == 2
    assert dataset.labelled_queries.loc[0, "tags"] == ["O", "O"]


def test_wands_missing_column_is_reported(tmp_path):
    path = tmp_path / "query.csv"
    path.write_text("query_id\tquery\n0\tsalon chair\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="query_class"):
        read_queries(path)


def test_specs_registered():
    assert parse_spec.__module__ == "recsys_core.data.registry"
    from recsys_core.data import FORMATS

    assert "conll" in FORMATS
    assert "wands" in FORMATS


def test_real_queryner_and_wands(shared_data):
    test = read_conll(shared_data / "queryner" / "test.conll")
    assert len(test) == 993
    assert all(len(tokens) == len(tags) for tokens, tags in zip(test["tokens"], test["tags"]))
    wands = read_queries(shared_data / "wands" / "query.csv")
    assert len(wands) == 480
    assert wands.loc[wands["intent"] != "", "intent"].nunique() == 188
