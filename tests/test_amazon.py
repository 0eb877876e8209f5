"""The McAuley Amazon metadata loader: both schemas, Python literals, gzip and bad lines."""

import gzip
import json
import math

import pytest

from recsys_core.data import DatasetError, load_dataset
from recsys_core.data.amazon import load


def _write_lines(path, lines, compress=False):
    text = "\n".join(lines) + "\n"
    if compress:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _edges(frame, provenance=None):
    if provenance is not None:
        frame = frame[frame["provenance"] == provenance]
    return sorted(zip(frame["src"], frame["dst"]))


def test_2014_schema_edges_and_drops(tmp_path):
    lines = [
        json.dumps({"asin": "A", "title": "Phone", "brand": "Acme", "price": 199.0,
                    "categories": [["Electronics", "Phones"]],
                    "related": {"also_bought": ["B", "OUT1", "C", "A"], "also_viewed": ["C"],
                                "bought_together": ["B"]}}),
        json.dumps({"asin": "B", "categories": [["Electronics", "Cases"]], "brand": "Acme",
                    "related": {"also_bought": ["A", "B2", "OUT2"]}}),
        json.dumps({"asin": "C", "title": "Charger", "related": {"also_viewed": ["A", "B"]}}),
        json.dumps({"asin": "B2", "title": "Case, blue"}),
    ]
    dataset = load(str(_write_lines(tmp_path / "meta.json", lines)))

    assert len(dataset.products) == 4
    assert _edges(dataset.copurchase, "also_bought") == [("A", "B"), ("A", "C"), ("B", "A"), ("B", "B2")]
    assert _edges(dataset.copurchase, "bought_together") == [("A", "B")]
    assert _edges(dataset.coview) == [("A", "C"), ("C", "A"), ("C", "B")]
    assert dataset.info["outside_file"]["also_bought"] == 2
    assert dataset.info["listed_inside"]["also_bought"] == 5  # the self-reference A -> A included
    assert dataset.info["self_references"] == {"also_bought": 1}


def test_2014_weights_follow_list_order(tmp_path):
    lines = [json.dumps({"asin": "A", "related": {"also_bought": ["B", "OUT", "C"]}}),
             json.dumps({"asin": "B"}), json.dumps({"asin": "C"})]
    edges = load(str(_write_lines(tmp_path / "meta.json", lines))).copurchase.set_index("dst")["weight"]
    assert edges["B"] == pytest.approx(1.0)
    assert edges["C"] == pytest.approx(1 / 3)


def test_2014_product_fields(tmp_path):
    lines = [json.dumps({"asin": "A", "brand": "Conair", "price": 12.5,
                         "categories": [["Beauty", "Hair Care", "Curling Irons"]]})]
    product = load(str(_write_lines(tmp_path / "meta.json", lines))).products.iloc[0]
    assert product["title"] == "Conair curling irons (A)"
    assert product["type"] == "curling irons"
    assert product["category"] == "Beauty > Hair Care > Curling Irons"
    assert product["price"] == 12.5


def test_python_literal_lines_are_read(tmp_path):
    lines = ["{'asin': 'A', 'title': \"Kid's phone\", 'related': {'also_bought': ['B']}}",
             "{'asin': 'B', 'title': 'Case'}"]
    dataset = load(str(_write_lines(tmp_path / "meta.json", lines)))
    assert dataset.products["title"].tolist() == ["Kid's phone", "Case"]
    assert _edges(dataset.copurchase) == [("A", "B")]
    assert any("Python literals" in note for note in dataset.info["notes"])


def test_2018_schema_lists_as_strings_gzip(tmp_path):
    lines = [
        json.dumps({"asin": "A", "title": "Gift card $25", "brand": "Shop", "price": "$1,250.00",
                    "category": ["Gift Cards", "Gift Cards", "No expiration, no fees."],
                    "main_cat": "Gift Cards", "also_buy": '["B", "C", "ZZZ"]', "also_view": "['B']"}),
        json.dumps({"asin": "B", "title": "Gift card $50", "price": "$10.00 - $20.00",
                    "also_buy": ["A"], "also_view": ""}),
        json.dumps({"asin": "C", "title": "Gift box", "price": "", "also_buy": [], "also_view": []}),
    ]
    path = _write_lines(tmp_path / "meta_Gift_Cards.json.gz", lines, compress=True)
    dataset = load(str(path))
    products = dataset.products.set_index("product_id")

    assert _edges(dataset.copurchase, "also_buy") == [("A", "B"), ("A", "C"), ("B", "A")]
    assert _edges(dataset.coview, "also_view") == [("A", "B")]
    assert dataset.info["outside_file"] == {"also_buy": 1, "also_view": 0}
    assert products.loc["A", "price"] == 1250.0
    assert products.loc["B", "price"] == 10.0
    assert math.isnan(products.loc["C", "price"])
    assert products.loc["A", "category"] == "Gift Cards"
    assert products.loc["A", "attributes"] == {"main_category": "Gift Cards"}


def test_duplicate_asin_keeps_first(tmp_path):
    lines = [json.dumps({"asin": "A", "title": "first"}), json.dumps({"asin": "A", "title": "second"})]
    dataset = load(str(_write_lines(tmp_path / "meta.json", lines)))
    assert dataset.products["title"].tolist() == ["first"]
    assert dataset.info["duplicate_products"] == 1


def test_malformed_line_names_file_and_line(tmp_path):
    lines = [json.dumps({"asin": "A"}), json.dumps({"asin": "B"}), '{"asin": "C", "title": ']
    path = _write_lines(tmp_path / "broken.json", lines)
    with pytest.raises(DatasetError, match=r"broken\.json: line 3 is neither JSON nor a Python literal"):
        load(str(path))


def test_record_without_asin_is_rejected(tmp_path):
    path = _write_lines(tmp_path / "meta.json", [json.dumps({"asin": "A"}), json.dumps({"title": "x"})])
    with pytest.raises(DatasetError, match="line 2 has no 'asin'"):
        load(str(path))


def test_list_field_that_is_not_a_list(tmp_path):
    path = _write_lines(tmp_path / "meta.json", [json.dumps({"asin": "A", "also_buy": 5})])
    with pytest.raises(DatasetError, match="line 1: 'also_buy' must be a list"):
        load(str(path))


def test_empty_file_is_rejected(tmp_path):
    path = tmp_path / "empty.json.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("\n")
    with pytest.raises(DatasetError, match="contains no product records"):
        load(str(path))


def test_truncated_gzip_is_reported(tmp_path):
    full = _write_lines(tmp_path / "full.json.gz", [json.dumps({"asin": f"P{i}"}) for i in range(2000)], compress=True)
    truncated = tmp_path / "truncated.json.gz"
    truncated.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(DatasetError, match="check that the gzip file is complete"):
        load(str(truncated))


def test_spec_loads_through_registry(tmp_path):
    path = _write_lines(tmp_path / "meta.json", [json.dumps({"asin": "A", "related": {"also_bought": ["B"]}}),
                                                json.dumps({"asin": "B"})])
    dataset = load_dataset(f"amazon-meta:{path}")
    assert dataset.info["spec"] == f"amazon-meta:{path}"
    assert _edges(dataset.copurchase) == [("A", "B")]


def test_beauty_sample_counts(shared_data):
    dataset = load(str(shared_data / "amazon_beauty_2014" / "meta.json.gz"))
    assert len(dataset.products) == 12_101
    assert dataset.info["listed_inside"] == {"also_bought": 239_345, "bought_together": 9_021, "also_viewed": 155_350}
    assert (dataset.copurchase["provenance"] == "also_bought").sum() == 239_344  # one self-loop dropped
    assert len(dataset.coview) == 155_350
