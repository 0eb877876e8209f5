"""Training, saving, cold start and the CLI on a small phones-and-accessories world.

The world is written here: every phone's buyers also buy its case and a charger, but not the
other way round, so every co-purchase edge is one-way and a working model must learn direction.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from recsys_core.cli import main
from recsys_core.data import load_dataset
from recsys_core.data.schema import DatasetError
from recsys_core.related.data import product_graph
from recsys_core.related.service import check_k, model_folder, train_related
from recsys_core.related.train import RelatedParams

PHONES = 12
TINY = RelatedParams(dim=16, layers=1, epochs=25, batch_size=4096, encoder="tfidf", feature_dim=16,
                     cold_start_neighbours=3, patience=25, learning_rate=0.02)


def write_world(folder: Path, with_edges: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    products, copurchase, coview = [], [], []
    brands = ["Acme", "Zento", "Nordi"]
    for i in range(PHONES):
        brand = brands[i % 3]
        products.append((f"phone{i}", f"{brand} smartphone model {i}", "phone", brand, "Electronics > Phones", 300 + 10 * i))
        products.append((f"case{i}", f"{brand} protective case for model {i}", "phone case", brand, "Accessories > Cases", 15))
        copurchase += [(f"phone{i}", f"case{i}"), (f"phone{i}", f"charger{i % 3}")]
        coview.append((f"case{i}", f"case{(i + 3) % PHONES}"))
        coview.append((f"phone{i}", f"phone{(i + 3) % PHONES}"))
    for j in range(3):
        products.append((f"charger{j}", f"{brands[j]} fast charger {j}", "charger", brands[j], "Accessories > Chargers", 25))
    frame = pd.DataFrame(products, columns=["product_id", "title", "type", "brand", "category", "price"])
    frame.to_csv(folder / "products.csv", index=False)
    if with_edges:
        pd.DataFrame(copurchase, columns=["src", "dst"]).to_csv(folder / "copurchase.csv", index=False)
        pd.DataFrame(coview, columns=["src", "dst"]).to_csv(folder / "coview.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> str:
    return "folder:" + str(write_world(tmp_path_factory.mktemp("related-world") / "phones"))


@pytest.fixture(scope="module")
def trained(world):
    return train_related(load_dataset(world), TINY)


def test_model_learns_direction_on_training_edges(trained):
    graph = trained.graph
    scorer = trained.scorer
    forward = scorer.score_pairs(graph.copurchase[0], graph.copurchase[1])
    backward = scorer.score_pairs(graph.copurchase[1], graph.copurchase[0])
    assert float((forward > backward).float().mean()) >= 0.9


def test_phone_recommends_its_accessories(trained):
    table = trained.recommend("phone0", k=5)
    assert len(table) == 5
    assert {"case0", "charger0"} & set(table["product_id"].head(5))
    assert (table["score"].diff().dropna() <= 1e-6).all()
    assert "phone0" not in set(table["product_id"])


def test_saved_model_reloads_with_same_scores(world, trained):
    folder = model_folder(trained.dataset, TINY)
    assert (folder / "model.pt").is_file()
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["params"]["dim"] == 16
    assert torch.load(folder / "model.pt", weights_only=True)  # plain tensors only
    reloaded = train_related(load_dataset(world), TINY)
    assert torch.allclose(reloaded.scorer.source_, trained.scorer.source_, atol=1e-6)
    assert torch.allclose(reloaded.scorer.target_, trained.scorer.target_, atol=1e-6)


def test_new_product_is_scored_both_ways(trained):
    result = trained.recommend_new("Acme smartphone model 99", "Acme", "Electronics > Phones", 399.0, k=5)
    recommendations, recommended_for = result["recommendations"], result["recommended_for"]
    assert len(recommendations) == 5
    assert len(recommended_for) == 5
    assert set(result["neighbours"]["product_id"]) <= {f"phone{i}" for i in range(PHONES)} | \
        {f"case{i}" for i in range(PHONES)} | {f"charger{j}" for j in range(3)}
    assert result["neighbours"]["product_id"].str.startswith("phone").any()
    assert recommendations["product_id"].str.startswith(("case", "charger")).sum() >= 3


def test_product_without_edges_gets_cold_start_label(tmp_path):
    folder = write_world(tmp_path / "world")
    products = pd.read_csv(folder / "products.csv")
    extra = pd.DataFrame([("phone-new", "Zento smartphone model 77", "phone", "Zento", "Electronics > Phones", 350)],
                         columns=products.columns)
    pd.concat([products, extra]).to_csv(folder / "products.csv", index=False)
    model = train_related(load_dataset(f"folder:{folder}"), replace(TINY, epochs=3))
    position = model.position("phone-new")
    assert bool(model.scorer.cold_[position])
    assert torch.isclose(model.scorer.source_[position].norm(), torch.tensor(1.0))
    table = model.recommend("phone-new", k=3)
    assert len(table) == 3


def test_cold_start_copies_single_neighbour(trained):
    """With one neighbour, a new product's vectors are exactly that neighbour's final vectors."""
    scorer = copy.copy(trained.scorer)
    scorer.params = replace(TINY, cold_start_neighbours=1)
    features = scorer.features_[trained.position("case4")].unsqueeze(0)
    nearest = int(scorer.nearest_linked(features, 1)[0][0, 0])
    assert trained.graph.product_ids[nearest].startswith("case")
    source, target = scorer.embed_new(features)
    assert torch.allclose(source[0], trained.scorer.source_[nearest], atol=1e-6)
    assert torch.allclose(target[0], trained.scorer.target_[nearest], atol=1e-6)


def test_cold_start_weighted_neighbour_mean(trained):
    """Two neighbours at cosines 0.8 and 0.2 get weights 0.8 and 0.2 before normalising."""
    scorer = trained.scorer
    a, b = trained.position("phone2"), trained.position("case7")
    neighbours = torch.tensor([[a, b]])
    cosines = torch.tensor([[0.8, 0.2]])
    original = scorer.nearest_linked
    scorer.nearest_linked = lambda features, k=None: (neighbours, cosines)
    try:
        source, target = scorer.embed_new(scorer.features_[:1])
    finally:
        scorer.nearest_linked = original
    expected = 0.8 * scorer.states_[-1][0][a] + 0.2 * scorer.states_[-1][0][b]
    assert torch.allclose(source[0], expected / expected.norm(), atol=1e-6)
    expected = 0.8 * scorer.states_[-1][1][a] + 0.2 * scorer.states_[-1][1][b]
    assert torch.allclose(target[0], expected / expected.norm(), atol=1e-6)


def test_new_case_reaches_phone_lists(trained):
    """A new Acme case resembles the Acme cases, which the Acme phones (0, 3, 6, 9) point to."""
    result = trained.recommend_new("Acme protective case for model 40", brand="Acme", category="Accessories > Cases",
                                   k=5)
    recommended_for = result["recommended_for"]
    assert set(recommended_for["product_id"].head(4)) == {"phone0", "phone3", "phone6", "phone9"}
    assert recommended_for["rank_in_their_top_k"].head(4).notna().all()


def test_invalid_settings_rejected():
    with pytest.raises(ValueError, match="cold-start mode"):
        RelatedParams(cold_start="magic")
    with pytest.raises(ValueError, match="asymmetry_weight"):
        RelatedParams(asymmetry_weight=float("nan"))
    with pytest.raises(ValueError, match="coview_weight"):
        RelatedParams(coview_weight=-1.0)
    with pytest.raises(ValueError, match="from 0 to 10"):
        RelatedParams(asymmetry_weight=1e308)


def test_bad_k_is_rejected():
    with pytest.raises(ValueError, match="at least 1"):
        check_k(0, 10)
    with pytest.raises(ValueError, match="larger than"):
        check_k(10, 10)
    assert check_k(9, 10) == 9


def test_dataset_without_edges_is_rejected(tmp_path):
    folder = write_world(tmp_path / "no-edges", with_edges=False)
    with pytest.raises(DatasetError, match="no co-purchase edges"):
        product_graph(load_dataset(f"folder:{folder}"))


CLI_OPTIONS = ["--epochs", "3", "--dim", "16", "--layers", "1", "--encoder", "tfidf", "--no-progress"]


@pytest.mark.parametrize("arguments, message", [
    (["--product", "nope", "-k", "3"], "unknown product 'nope'"),
    (["--product", "phone0", "-k", "0"], "k must be at least 1"),
    (["--product", "phone0", "-k", "1000"], "larger than"),
])
def test_cli_rejects_bad_input(world, capsys, arguments, message):
    status = main(["related", "--dataset", world, *arguments, *CLI_OPTIONS])
    error = capsys.readouterr().err
    assert status == 2
    assert message in error
    assert "Traceback" not in error


def test_cli_rejects_dataset_without_edges(tmp_path, capsys):
    folder = write_world(tmp_path / "no-edges", with_edges=False)
    status = main(["related", "--dataset", f"folder:{folder}", "--product", "phone0", *CLI_OPTIONS])
    error = capsys.readouterr().err
    assert status == 2
    assert "no co-purchase edges" in error


def test_cli_related_json(world, capsys):
    status = main(["related", "--dataset", world, "--product", "phone1", "-k", "4", "--json", *CLI_OPTIONS])
    output = json.loads(capsys.readouterr().out)
    assert status == 0
    assert output["product"] == "phone1"
    assert len(output["results"]) == 4
    assert {"score", "reverse_score", "link", "category"} <= set(output["results"][0])
    assert output["results"][0]["rank"] == 1


def test_cli_train_uses_loss_settings(world, capsys):
    status = main(["train", "related", "--dataset", world, "--asymmetry-weight", "0.5", "--coview-weight", "0.25",
                   "--cold-start", "layers", "--json", *CLI_OPTIONS])
    meta = json.loads(capsys.readouterr().out)
    assert status == 0
    assert meta["params"]["asymmetry_weight"] == 0.5
    assert meta["params"]["coview_weight"] == 0.25
    assert meta["params"]["cold_start"] == "layers"


def test_cli_rejects_negative_weight(world, capsys):
    status = main(["train", "related", "--dataset", world, "--asymmetry-weight", "-1", *CLI_OPTIONS])
    error = capsys.readouterr().err
    assert status == 2
    assert "asymmetry_weight must be a number from 0 to 10" in error


def test_diverging_training_is_reported(world):
    """A temperature near zero divides score gaps into infinity; training stops with a message."""
    with pytest.raises(ValueError, match="training diverged in epoch 1"):
        train_related(load_dataset(world), replace(TINY, temperature=1e-40, epochs=3))


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_cli_rejects_non_finite_min_score(world, capsys, value):
    status = main(["related", "--dataset", world, "--product", "phone0", "--min-score", value, *CLI_OPTIONS])
    assert status == 2
    assert "min_score must be a finite number" in capsys.readouterr().err


def test_cli_train_prints_test_metrics(world, capsys):
    status = main(["train", "related", "--dataset", world, *CLI_OPTIONS])
    output = capsys.readouterr().out
    assert status == 0
    assert "Test HitRate@10" in output
    assert "direction AUC" in output


def test_evaluate_command_prints_all_tables(world, capsys):
    import argparse

    from recsys_core.cli import add_dataset_argument
    from recsys_core.cli.related_commands import add_evaluate_arguments, evaluate_command

    parser = argparse.ArgumentParser()
    add_dataset_argument(parser)
    parser.add_argument("--json", action="store_true")
    add_evaluate_arguments(parser)
    args = parser.parse_args(["--dataset", world, "--no-ablations", "--json", *CLI_OPTIONS])
    assert evaluate_command(args) == 0
    output = json.loads(capsys.readouterr().out)
    scorers = [row["scorer"] for row in output["table"]]
    assert scorers[0].startswith("GNN, directed")
    assert {"popularity", "co-occurrence"} <= set(scorers)
    assert {"hit_rate@10", "mrr", "direction_auc", "selection_bias_recall@10"} <= set(output["table"][0])
    roles = {(row["scorer"], row["new product as"]) for row in output["cold_start"]}
    assert ("popular in category", "query") in roles
    assert ("GNN, directed, cold start: average", "candidate") in roles
    assert ("GNN, directed, cold start: layers", "query") in roles
