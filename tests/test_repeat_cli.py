"""The buy-it-again CLI on a small folder dataset: output, JSON and bad input."""

import json

import numpy as np
import pandas as pd
import pytest

from recsys_core.cli import main
from recsys_core.data import folder, make_dataset
from recsys_core.repeat.simulate import simulate_cycles


@pytest.fixture(scope="module")
def folder_spec(tmp_path_factory):
    orders, products = simulate_cycles({"milk": (np.log(7), 0.3), "soap": (np.log(40), 0.3)},
                                       customers=60, days=200, seed=4)
    # 'caviar' is bought once by one customer: a product without repeat customers.
    extra = pd.DataFrame({"customer_id": ["c0"], "product_id": ["caviar"],
                          "timestamp": [pd.Timestamp("2024-03-01 12:00")], "quantity": [1], "basket_id": ["x1"]})
    products = pd.concat([products, pd.DataFrame({"product_id": ["caviar"], "title": ["Caviar"], "category": [""]})])
    dataset = make_dataset("tiny", "test", products=products, orders=pd.concat([orders, extra], ignore_index=True))
    path = tmp_path_factory.mktemp("repeat-cli") / "tiny"
    folder.save(dataset, path)
    return f"folder:{path}"


def test_evaluate_repeat_json_lists_every_model(folder_spec, capsys):
    status = main(["evaluate", "repeat", "--dataset", folder_spec, "--json", "--no-progress", "--test-days", "14"])
    payload = json.loads(capsys.readouterr().out)
    assert status == 0
    models = [row["model"] for row in payload["metrics"]]
    assert models == ["rcp", "atd", "pg", "mpg", "rcp*atd", "rcp*pg", "rcp*mpg", "frequency", "recency"]
    for row in payload["metrics"]:
        assert 0.0 <= row["ndcg@10"] <= 1.0
        assert 0.0 <= row["precision@10"] <= 1.0
    assert payload["customers_evaluated"] > 0


def test_buy_again_json_ranking(folder_spec, capsys):
    status = main(["buy-again", "--dataset", folder_spec, "--customer", "c1", "--at", "2024-05-01",
                   "--model", "atd", "--json", "--no-progress"])
    payload = json.loads(capsys.readouterr().out)
    assert status == 0
    ranking = payload["ranking"]
    assert [row["rank"] for row in ranking] == list(range(1, len(ranking) + 1))
    assert {row["product_id"] for row in ranking} <= {"milk", "soap"}
    assert all(row["score"] is not None and row["score"] >= 0 for row in ranking)


def test_repeat_product_text(folder_spec, capsys):
    status = main(["repeat-product", "--dataset", folder_spec, "--product", "milk", "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0
    assert "fit_source               product" in out
    mu_line = next(line for line in out.splitlines() if line.startswith("mu "))
    assert float(mu_line.split()[1]) == pytest.approx(np.log(7), abs=0.1)


@pytest.mark.parametrize("argv, message", [
    (["buy-again", "--customer", "nobody", "--at", "2024-05-01"], "customer 'nobody' is not in the purchase history"),
    (["buy-again", "--customer", "c1", "--at", "1990-01-01"], "date 1990-01-01 is outside the data"),
    (["buy-again", "--customer", "c1", "--at", "someday"], "invalid date 'someday'"),
    (["repeat-product", "--product", "caviar"], "product 'caviar' has no repeat customers"),
    (["repeat-product", "--product", "unknown"], "product 'unknown' has no orders"),
    (["evaluate", "repeat", "--cutoff", "2030-01-01"], "cut-off 2030-01-01 leaves no training or no test orders"),
])
def test_bad_input_exits_2_with_message(folder_spec, capsys, argv, message):
    status = main(argv + ["--dataset", folder_spec, "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_evaluate_without_target_exits_2(capsys):
    status = main(["evaluate"])
    assert status == 2
    message = capsys.readouterr().err
    assert "TARGET one of: related, repeat, search" in message
