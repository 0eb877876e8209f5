"""Instacart CSV loader on a hand-written three-order sample."""

import pandas as pd
import pytest

from recsys_core.data import DatasetError, load_dataset


def _write_sample(folder):
    (folder / "products.csv").write_text(
        "product_id,product_name,aisle_id,department_id\n1,Organic Bananas,24,4\n2,Whole Milk,84,16\n")
    (folder / "aisles.csv").write_text("aisle_id,aisle\n24,fresh fruits\n84,milk\n")
    (folder / "departments.csv").write_text("department_id,department\n4,produce\n16,dairy eggs\n")
    (folder / "orders.csv").write_text(
        "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\n"
        "10,7,prior,1,2,8,\n11,7,prior,2,3,9,7.0\n12,7,train,3,4,10,14.0\n")
    (folder / "order_products__prior.csv").write_text(
        "order_id,product_id,add_to_cart_order,reordered\n10,1,1,0\n10,2,2,0\n11,1,1,1\n")
    (folder / "order_products__train.csv").write_text(
        "order_id,product_id,add_to_cart_order,reordered\n12,1,1,1\n")


def test_instacart_timeline_from_day_gaps(tmp_path):
    _write_sample(tmp_path)
    dataset = load_dataset(f"instacart:{tmp_path}", use_cache=False)
    bananas = dataset.orders[dataset.orders["product_id"] == "1"].sort_values("timestamp")
    assert list(bananas["timestamp"]) == [pd.Timestamp("2017-01-01 08:00"), pd.Timestamp("2017-01-08 09:00"),
                                          pd.Timestamp("2017-01-22 10:00")]
    assert len(dataset.orders) == 4


def test_instacart_categories_from_lookup_files(tmp_path):
    _write_sample(tmp_path)
    dataset = load_dataset(f"instacart:{tmp_path}", use_cache=False)
    milk = dataset.products.set_index("product_id").loc["2"]
    assert milk["title"] == "Whole Milk"
    assert milk["type"] == "milk"
    assert milk["category"] == "Dairy Eggs > Milk"


def test_instacart_missing_orders_file(tmp_path):
    _write_sample(tmp_path)
    (tmp_path / "orders.csv").unlink()
    with pytest.raises(DatasetError, match="has no orders.csv"):
        load_dataset(f"instacart:{tmp_path}", use_cache=False)
