"""Schema validation and the folder format."""

import json

import pandas as pd
import pytest

from recsys_core.data import DatasetError, load_dataset, make_dataset
from recsys_core.data import folder


def _products():
    return pd.DataFrame({"product_id": ["a", "b", "c"], "title": ["Phone", "Case", "Charger"],
                         "attributes": ['{"color": "red"}', None, "{}"]})


def test_make_dataset_fills_optional_columns():
    dataset = make_dataset("toy", "test", products=_products())
    products = dataset.products
    assert list(products["brand"]) == ["", "", ""]
    assert products["price"].isna().all()
    assert products.loc[0, "attributes"] == {"color": "red"}
    assert products.loc[1, "attributes"] == {}


def test_edges_to_unknown_products_are_dropped_and_counted():
    edges = pd.DataFrame({"src": ["a", "a", "b", "a"], "dst": ["b", "zzz", "a", "a"]})
    dataset = make_dataset("toy", "test", products=_products(), copurchase=edges)
    assert list(zip(dataset.copurchase["src"], dataset.copurchase["dst"])) == [("a", "b"), ("b", "a")]
    assert dataset.info["dropped"]["copurchase"] == 2
    assert (dataset.copurchase["weight"] == 1.0).all()


def test_missing_required_column_names_it():
    with pytest.raises(DatasetError, match="missing required column.*customer_id"):
        make_dataset("toy", "orders.csv", products=_products(),
                     orders=pd.DataFrame({"product_id": ["a"], "timestamp": ["2024-01-01"]}))


def test_invalid_timestamp_names_row():
    orders = pd.DataFrame({"customer_id": ["u", "u"], "product_id": ["a", "a"],
                           "timestamp": ["2024-01-01", "not a date"]})
    with pytest.raises(DatasetError, match="invalid timestamp 'not a date' in data row 2"):
        make_dataset("toy", "orders.csv", products=_products(), orders=orders)


def test_duplicate_product_id_rejected():
    products = pd.DataFrame({"product_id": ["a", "a"], "title": ["x", "y"]})
    with pytest.raises(DatasetError, match="'a' appears more than once"):
        make_dataset("toy", "products.csv", products=products)


def test_tag_count_must_match_tokens():
    queries = pd.DataFrame({"query_id": ["q1"], "tokens": [["red", "phone"]], "tags": [["B-color"]]})
    with pytest.raises(DatasetError, match="2 tokens but 1 tags"):
        make_dataset("toy", "queries", products=_products(), labelled_queries=queries)


def test_folder_round_trip(tmp_path):
    orders = pd.DataFrame({"customer_id": ["u1"], "product_id": ["a"], "timestamp": ["2024-03-01 10:00"],
                           "quantity": [2]})
    queries = pd.DataFrame({"query_id": ["q1"], "tokens": [["red", "phone"]], "tags": [["B-color", "B-type"]]})
    dataset = make_dataset("toy", "test", products=_products(), orders=orders, labelled_queries=queries)
    folder.save(dataset, tmp_path / "saved")
    loaded = folder.load(str(tmp_path / "saved"))
    assert loaded.name == "toy"
    assert loaded.products.loc[0, "attributes"] == {"color": "red"}
    assert loaded.orders.loc[0, "quantity"] == 2
    assert loaded.orders.loc[0, "timestamp"] == pd.Timestamp("2024-03-01 10:00")
    assert loaded.labelled_queries.loc[0, "tags"] == ["B-color", "B-type"]


def test_folder_csv_loader_reads_json_columns(tmp_path):
    (tmp_path / "products.csv").write_text('product_id,title,attributes\np1,Red phone,"{""color"": ""red""}"\n')
    dataset = load_dataset(f"folder:{tmp_path}")
    assert dataset.products.loc[0, "attributes"] == {"color": "red"}


def test_folder_empty_file_is_reported(tmp_path):
    (tmp_path / "products.csv").write_text("")
    with pytest.raises(DatasetError, match="products.csv: the file is empty"):
        load_dataset(f"folder:{tmp_path}", use_cache=False)


def test_unknown_spec_lists_choices():
    with pytest.raises(DatasetError, match="unknown dataset 'nope'.*completejourney"):
        load_dataset("nope")
