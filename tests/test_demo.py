"""The demo world: catalog, seeded simulator, planted truth, CLI and page."""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recsys_core.cli import main as cli_main
from recsys_core.data import demo, demo_checks, folder, load_dataset, registry
from recsys_core.data.demo_catalog import catalog_folder, load_catalog
from recsys_core.data.demo_queries import TAGS, QueryWriter, matches

REPO = Path(__file__).resolve().parents[1]
MAX_DEFAULT_SECONDS = 15.0


@pytest.fixture(scope="module")
def world():
    """The default world, generated once, with its generation time in seconds."""
    started = time.perf_counter()
    dataset, truth = demo.generate()
    return dataset, truth, time.perf_counter() - started


def _file_hashes(path: Path) -> dict[str, str]:
    return {file.name: hashlib.sha256(file.read_bytes()).hexdigest() for file in sorted(path.iterdir())}


# --- catalog ---------------------------------------------------------------------------------------


def test_catalog_size_and_variety():
    catalog = load_catalog()
    products = catalog.products
    assert len(products) >= 400
    assert products["type"].nunique() >= 30
    assert products["brand"].nunique() >= 40
    assert {entry.role for entry in catalog.types.values()} == {"device", "accessory", "consumable"}
    departments = {category.split(" > ")[0] for category in products["category"]}
    assert {"Electronics", "Home", "Household", "Baby", "Pets"} <= departments
    assert products["product_id"].is_unique
    assert (products["price"] > 0).all()
    assert (products["attributes"].map(len) > 0).mean() > 0.95


def test_catalog_declares_iphone_8_and_its_case():
    catalog = load_catalog()
    products = catalog.products.set_index("product_id")
    phone = products.loc[demo.EXAMPLE_PHONE]
    assert phone["title"] == "Apple iPhone 8 64GB Space Gray"
    assert phone["brand"] == "apple"
    assert phone["attributes"]["os"] == "ios"
    assert phone["attributes"]["model"] == "iphone 8"
    cases = products[(products["type"] == "phone case")
                     & products["attributes"].map(lambda attributes: attributes.get("compatible_with") == "iphone 8")]
    assert "OtterBox Symmetry Series Case for iPhone 8, Black" in set(cases["title"])


def test_relations_are_data_in_world_json():
    world = json.loads((catalog_folder() / "world.json").read_text(encoding="utf-8"))
    complements = {(entry["from"], entry["to"]) for entry in world["complements"]}
    assert ("phone", "phone case") in complements
    assert ("laptop", "laptop sleeve") in complements
    assert ["apple", "samsung"] in world["substitute_brands"]
    catalog = load_catalog()
    assert ("phone", "phone case") in {(r.src_type, r.dst_type) for r in catalog.complements}


def test_build_script_reproduces_products_csv(tmp_path):
    import shutil
    import subprocess
    import sys

    shutil.copy(catalog_folder() / "build_catalog.py", tmp_path / "build_catalog.py")
    shutil.copy(catalog_folder() / "world.json", tmp_path / "world.json")
    subprocess.run([sys.executable, str(tmp_path / "build_catalog.py")], check=True, capture_output=True)
    assert (tmp_path / "products.csv").read_bytes() == (catalog_folder() / "products.csv").read_bytes()


# --- generation ------------------------------------------------------------------------------------


def test_default_generation_is_fast(world):
    _, _, seconds = world
    assert seconds <= MAX_DEFAULT_SECONDS, f"default generation took {seconds:.1f} s"


def test_same_seed_gives_identical_saved_tables(world, tmp_path):
    dataset, truth, _ = world
    again, again_truth = demo.generate()
    demo.save_world(dataset, truth, tmp_path / "first")
    demo.save_world(again, again_truth, tmp_path / "second")
    first, second = _file_hashes(tmp_path / "first"), _file_hashes(tmp_path / "second")
    assert "orders.parquet" in first
    assert first == second
    assert demo.dataset_digest(dataset) == demo.dataset_digest(again)


def test_other_seed_gives_other_tables():
    one, _ = demo.generate(customers=150, days=90, seed=1)
    two, _ = demo.generate(customers=150, days=90, seed=2)
    assert demo.dataset_digest(one) != demo.dataset_digest(two)


def test_invalid_parameters_raise():
    with pytest.raises(ValueError, match="customers must be"):
        demo.generate(customers=0)
    with pytest.raises(ValueError, match="days must be"):
        demo.generate(days=5)
    with pytest.raises(ValueError, match="seed must be"):
        demo.generate(seed=-1)


def test_dataset_has_every_table_and_info(world):
    dataset, _, _ = world
    assert dataset.present_tables() == ["products", "copurchase", "coview", "orders", "search_log", "labelled_queries"]
    assert dataset.info["params"]["customers"] == demo.DEFAULT_CUSTOMERS
    assert dataset.info["params"]["seed"] == demo.DEFAULT_SEED
    assert "simulated" in dataset.info
    assert ["phone", "phone case"] in dataset.info["relations"]["complement_types"]
    assert ["apple", "samsung"] in dataset.info["relations"]["substitute_brands"]
    assert set(dataset.orders["country"]) == {"US", "GB", "CA"}
    assert dataset.copurchase["provenance"].str.startswith("simulated orders").all()
    assert dataset.coview["provenance"].str.startswith("simulated sessions").all()


# --- planted complements and substitutes ---------------------------------------------------------------


def test_planted_complements_keep_their_direction(world):
    dataset, truth, _ = world
    directions = demo_checks.complement_directions(dataset, truth)
    assert len(directions) >= 200
    assert directions["planted_only"].mean() >= 0.9
    assert directions["reverse"].sum() == 0


def test_example_phone_points_to_its_case(world):
    dataset, truth, _ = world
    phone, case = truth.examples["phone"], truth.examples["case"]
    products = dataset.products.set_index("product_id")
    assert products.loc[case, "type"] == "phone case"
    assert products.loc[case, "attributes"]["compatible_with"] == "iphone 8"
    edges = dataset.copurchase
    assert case in set(edges.loc[edges["src"] == phone, "dst"])
    assert phone not in set(edges.loc[edges["src"] == case, "dst"])


def test_accessories_are_bought_after_a_fitting_device(world):
    dataset, _, _ = world
    catalog = load_catalog()
    products = dataset.products.set_index("product_id")
    fitting_rules = [r for r in catalog.complements if catalog.types[r.dst_type].role == "accessory" and r.match_to]
    orders = dataset.orders.assign(type=dataset.orders["product_id"].map(products["type"]))
    checked = 0
    for relation in fitting_rules:
        devices = orders[orders["type"] == relation.src_type]
        accessories = orders[orders["type"] == relation.dst_type]
        owned = devices.groupby("customer_id")
        for row in accessories.itertuples():
            assert row.customer_id in owned.groups, f"{row.product_id} bought by a customer without a {relation.src_type}"
            earlier = owned.get_group(row.customer_id)
            earlier = earlier[earlier["timestamp"] < row.timestamp]
            fits = [catalog.fits(relation, products.loc[device, "attributes"], products.loc[row.product_id, "attributes"])
                    for device in earlier["product_id"]]
            assert any(fits), f"{row.product_id} bought before any {relation.src_type} it fits"
            checked += 1
    assert checked > 500


def test_coview_edges_join_same_type(world):
    dataset, _, _ = world
    assert len(dataset.coview) > 100
    assert demo_checks.coview_type_share(dataset) == 1.0


# --- repurchase cycles ---------------------------------------------------------------------------------


def test_cycles_recovered_for_fifty_consumables(world):
    dataset, truth, _ = world
    cycles = demo_checks.cycle_recovery(dataset, truth)
    assert (cycles["mu_error"] < 0.1).sum() >= 50


def test_scipy_lognorm_fit_agrees(world):
    dataset, truth, _ = world
    intervals = demo_checks.repurchase_intervals(dataset.orders)
    planted = truth.cycles.set_index("product_id")
    recovered = 0
    for product_id, days in intervals.groupby("product_id")["days"]:
        if product_id not in planted.index or len(days) < 30:
            continue
        shape, location, scale = stats.lognorm.fit(days.to_numpy(), floc=0)
        assert location == 0
        recovered += abs(np.log(scale) - planted.loc[product_id, "mu"]) < 0.1
    assert recovered >= 50


def test_cold_start_products_have_no_history(world):
    dataset, truth, _ = world
    cold = set(truth.cold_start_products)
    assert len(cold) >= 10
    assert cold <= set(dataset.products["product_id"])
    assert not cold & set(dataset.orders["product_id"])
    assert not cold & set(dataset.search_log["product_id"])
    assert not cold & (set(dataset.coview["src"]) | set(dataset.coview["dst"]))
    assert not cold & (set(dataset.copurchase["src"]) | set(dataset.copurchase["dst"]))


# --- search log and tagged queries ------------------------------------------------------------------------


def test_search_log_volume_and_label_spaces(world):
    dataset, _, _ = world
    assert dataset.search_log["query"].nunique() >= 5000
    spaces = demo_checks.label_spaces(dataset)
    assert len(spaces) >= 3
    assert len({tuple(types) for types in spaces.values()}) == len(spaces)
    assert "electric kettle" in spaces["GB"]
    assert "electric kettle" not in spaces["US"]
    assert "dryer sheets" not in spaces["GB"]


def test_bio_tags_align_with_tokens(world):
    dataset, _, _ = world
    pattern = re.compile(rf"^(O|[BI]-({'|'.join(TAGS)}))$")
    for row in dataset.labelled_queries.itertuples():
        assert len(row.tokens) == len(row.tags), row.query
        assert " ".join(row.tokens) == row.query
        assert all(pattern.match(tag) for tag in row.tags), row.tags
        for previous, tag in zip(["O", *row.tags], row.tags):
            if tag.startswith("I-"):
                assert previous[2:] == tag[2:], f"{row.query!r}: {tag} follows {previous}"


def test_clicks_land_on_matching_products(world):
    dataset, truth, _ = world
    products = dataset.products.set_index("product_id")
    records = {pid: {"type": row.type, "brand": row.brand, "attributes": row.attributes}
               for pid, row in products.iterrows()}
    single = truth.query_truth[truth.query_truth["readings"] == 1]
    assert len(single) >= 0.97 * len(truth.query_truth)
    stated = {(row.query, row.country): (row.attributes, row.intents) for row in single.itertuples()}
    checked = 0
    for row in dataset.search_log.itertuples():
        if (row.query, row.country) not in stated:
            continue
        attributes, intents = stated[(row.query, row.country)]
        assert matches(records[row.product_id], attributes), (row.query, row.product_id)
        assert records[row.product_id]["type"] in intents
        checked += 1
    assert checked >= 10_000


def test_iphone_8_query_truth(world):
    _, truth, _ = world
    rows = truth.query_truth[(truth.query_truth["query"] == "iphone 8") & (truth.query_truth["country"] == "US")]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["intents"][0] == "phone"
    assert row["implied"]["brand"] == "apple"
    assert row["implied"]["os"] == "ios"
    assert "phone case" in row["complement_types"]
    assert "samsung" in row["substitute_brands"]


def test_query_writer_known_answer():
    catalog = load_catalog()
    product = catalog.products.set_index("product_id").loc[demo.EXAMPLE_PHONE].to_dict()
    product["product_id"] = demo.EXAMPLE_PHONE
    writer = QueryWriter(catalog, np.random.default_rng(0))
    queries = [writer.write(product, "GB") for _ in range(300)]
    for query in queries:
        assert matches(product, query.attributes)
        assert len(query.tokens) == len(query.tags)
    model_words = [" ".join(t for t, tag in zip(q.tokens, q.tags) if tag.endswith("-model")) for q in queries]
    assert "iphone 8" in model_words
    colours = {" ".join(t for t, tag in zip(q.tokens, q.tags) if tag.endswith("-color")) for q in queries}
    assert "space grey" in colours  # GB spelling
    assert "space gray" not in colours


# --- truth, registry, CLI, page ---------------------------------------------------------------------------------


def test_truth_json_round_trip(world):
    _, truth, _ = world
    again = demo.DemoTruth.from_json(truth.to_json())
    assert again.complement_pairs == truth.complement_pairs
    assert again.cold_start_products == truth.cold_start_products
    assert again.params == truth.params
    assert again.examples == truth.examples
    pd.testing.assert_frame_equal(again.cycles, truth.cycles, check_dtype=False)
    assert again.query_truth["attributes"].tolist() == truth.query_truth["attributes"].tolist()


def test_registry_loads_demo_and_truth(world):
    dataset, truth, _ = world
    assert "demo" in registry.BUILTINS
    loaded = load_dataset("demo")
    assert demo.dataset_digest(loaded) == demo.dataset_digest(dataset)
    cached = demo.load_truth()
    assert cached.complement_pairs == truth.complement_pairs


def test_cli_writes_world_folder(tmp_path, capsys):
    out = tmp_path / "world"
    status = cli_main(["demo", "--customers", "200", "--days", "120", "--seed", "3", "--out", str(out),
                       "--no-progress", "--json"])
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["folder"] == str(out)
    assert (out / "truth.json").is_file()
    dataset = load_dataset(f"folder:{out}")
    assert dataset.orders["customer_id"].nunique() <= 200
    assert demo.read_truth(out).params["seed"] == 3
    assert summary["digest"] == demo.dataset_digest(folder.load(str(out)))


def test_cli_checks_out_folder_first(tmp_path, capsys, monkeypatch):
    target = tmp_path / "notes"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    monkeypatch.setattr(demo, "generate", lambda **kwargs: pytest.fail("generated a world for a folder it rejects"))
    assert cli_main(["demo", "--out", str(target), "--no-progress"]) == 2
    assert "not part of a demo world" in capsys.readouterr().err
    assert (target / "keep.txt").read_text() == "mine"


def test_cli_rejects_bad_days(capsys):
    assert cli_main(["demo", "--days", "5", "--no-progress"]) == 2
    assert "days must be" in capsys.readouterr().err


def test_page_shows_checks():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(REPO / "pages" / "demo_world.py"), default_timeout=180)
    app.query_params.update({"customers": "300", "days": "120", "seed": "5"})
    app.run()
    assert not app.exception
    assert not app.error
    labels = {metric.label: metric.value for metric in app.metric}
    assert labels["Customers"] == "300"
    assert labels["Products"] == "435"
    assert labels["Co-view edges between products of the same type"] == "100.0%"


def test_tagged_query_html_escapes_tokens():
    from recsys_core.data.demo_figures import tagged_query_html

    html_text = tagged_query_html(["<script>alert(1)</script>", "case"], ["B-brand", "B-type"])
    assert "<script>" not in html_text
    assert "&lt;script&gt;" in html_text
    assert "B-type" in html_text


def test_cycle_figure_draws_planted_and_fitted():
    from recsys_core.data.demo_figures import cycle_figure

    days = np.random.default_rng(0).lognormal(3.0, 0.3, 400)
    figure = cycle_figure(days, 3.0, 0.3, "test product")
    names = [trace.name for trace in figure.data]
    assert names[0] == "simulated intervals"
    assert names[1].startswith("planted: mu 3.000")
    assert names[2].startswith("fitted: mu 3.0") or names[2].startswith("fitted: mu 2.9")


def _app_pages_present() -> bool:
    listed = re.findall(r'st\.Page\("([^"]+)"', (REPO / "app.py").read_text(encoding="utf-8"))
    return all((REPO / page).is_file() for page in listed)


@pytest.mark.browser
def test_demo_page_in_browser(app_page):
    if not _app_pages_present():
        pytest.skip("app.py lists pages that are not in this checkout")
    app_page.open("demo_world?customers=300&days=120&seed=5", wait_text="Planted pairs found only")
    assert app_page.exceptions() == []
    page = app_page.page
    assert page.get_by_text("Co-view edges between products of the same type").count() >= 1
    page.get_by_role("tab", name="Search queries").click()
    page.get_by_text("Sample of tagged queries").first.wait_for()
    assert page.locator("sub", has_text="B-").count() >= 5
    page.get_by_role("button", name="Use this world in every page").click()
    page.wait_for_url(re.compile(r"dataset=folder%3A"), timeout=60_000)
    assert app_page.exceptions() == []
    assert app_page.dialogs == []


def test_tiny_world_has_empty_edges_not_errors():
    dataset, truth = demo.generate(customers=1, days=30, seed=0)
    assert dataset.copurchase.empty
    assert list(dataset.copurchase.columns[:2]) == ["src", "dst"]
    checks = demo_checks.summary(dataset, truth)
    assert checks["planted_direction_only_share"] == 0.0
    assert checks["consumables_fitted"] == 0
    assert checks["countries"] == 1


def test_country_type_table_lists_local_types_first(world):
    from recsys_core.data.demo_figures import country_type_table

    dataset, truth, _ = world
    table = country_type_table(truth, demo_checks.label_spaces(dataset))
    first = table.iloc[0]
    assert first["type"] == "electric kettle"
    assert first["GB"] == "sold, clicked"
    assert first["US"] == "-"
    assert set(table.columns) == {"type", "CA", "GB", "US"}


def test_cold_start_complements_fit(world):
    _, truth, _ = world
    catalog = load_catalog()
    products = catalog.products.set_index("product_id")
    cold = set(truth.cold_start_products)
    assert len(truth.cold_start_complements) >= 5
    rules = {(r.src_type, r.dst_type): r for r in catalog.complements}
    for device, complement in truth.cold_start_complements:
        assert device in cold or complement in cold
        relation = rules[(products.loc[device, "type"], products.loc[complement, "type"])]
        assert catalog.fits(relation, products.loc[device, "attributes"], products.loc[complement, "attributes"])


def test_save_world_keeps_foreign_folder(tmp_path):
    from recsys_core.data import demo

    dataset, truth = demo.generate(customers=60, days=30, seed=3)
    target = tmp_path / "notes"
    target.mkdir()
    (target / "notes.txt").write_text("important", encoding="utf-8")
    with pytest.raises(ValueError, match="notes.txt"):
        demo.save_world(dataset, truth, target)
    assert (target / "notes.txt").read_text(encoding="utf-8") == "important"

    demo.save_world(dataset, truth, tmp_path / "world")
    demo.save_world(dataset, truth, tmp_path / "world")  # replacing an earlier world is allowed
    assert (tmp_path / "world" / "truth.json").is_file()

    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="is not a folder"):
        demo.save_world(dataset, truth, a_file)
