"""`recsys graph-stats`: figures on the real samples, and one-line errors for bad input."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from recsys_core.cli import main

REPO = Path(__file__).resolve().parents[1]


def _run(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _digest(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_beauty_graph_stats_json(capsys, shared_data):
    spec = f"amazon-meta:{shared_data / 'amazon_beauty_2014' / 'meta.json.gz'}"
    status, out, _ = _run(capsys, "graph-stats", "--dataset", spec, "--json", "--no-progress")
    stats = json.loads(out)
    assert status == 0
    assert stats["products"] == 12_101
    assert stats["listed_inside"]["also_bought"] == 239_345
    assert stats["edges"]["co-purchase"] == 239_344
    assert stats["self_references_dropped"] == {"also_bought": 1}
    assert stats["edges"]["co-view"] == 155_350
    assert round(stats["reciprocity"], 2) == 0.38


def test_gift_cards_graph_stats_json(capsys, shared_data):
    spec = f"amazon-meta:{shared_data / 'amazon_gift_cards_2018' / 'meta_Gift_Cards.json.gz'}"
    status, out, _ = _run(capsys, "graph-stats", "--dataset", spec, "--json", "--no-progress")
    stats = json.loads(out)
    assert status == 0
    assert stats["products"] == 1_547
    assert stats["edges"]["co-purchase"] == 5_993
    assert round(stats["reciprocity"], 2) == 0.24


def test_text_output_names_relations(capsys, tmp_path):
    (tmp_path / "products.csv").write_text("product_id,title\na,Phone\nb,Case\n")
    (tmp_path / "copurchase.csv").write_text("src,dst\na,b\n")
    status, out, _ = _run(capsys, "graph-stats", "--dataset", f"folder:{tmp_path}", "--no-progress")
    assert status == 0
    assert "co-purchase edges      1" in out
    assert "reciprocity            0.000" in out


def test_product_option_lists_neighbours(capsys, tmp_path):
    (tmp_path / "products.csv").write_text("product_id,title\na,Phone\nb,Case\nc,Charger\n")
    (tmp_path / "copurchase.csv").write_text("src,dst,weight\na,b,0.9\nb,a,0.5\na,c,0.4\n")
    status, out, _ = _run(capsys, "graph-stats", "--dataset", f"folder:{tmp_path}", "--product", "a",
                          "--json", "--no-progress")
    product = json.loads(out)["product"]
    assert status == 0
    assert (product["out_degree"], product["in_degree"]) == (2, 1)
    assert [row["product_id"] for row in product["out_neighbors"]] == ["b", "c"]
    assert [row["reverse_edge_exists"] for row in product["out_neighbors"]] == [True, False]


def test_unknown_product_exits_2(capsys, tmp_path):
    (tmp_path / "products.csv").write_text("product_id,title\na,Phone\n")
    status, out, err = _run(capsys, "graph-stats", "--dataset", f"folder:{tmp_path}", "--product", "zzz",
                            "--no-progress")
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "product 'zzz' is not in dataset" in err


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Each case: (dataset spec, text the error line must contain)."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "meta.json").write_text('{"asin": "A"}\n{"asin": "B", "related": \n')
    missing_column = tmp_path / "missing_column"
    missing_column.mkdir()
    (missing_column / "products.csv").write_text("title,brand\nPhone,Acme\n")
    empty_folder = tmp_path / "empty_file"
    empty_folder.mkdir()
    (empty_folder / "products.csv").write_text("")
    empty_meta = tmp_path / "empty_meta"
    empty_meta.mkdir()
    (empty_meta / "meta.json").write_text("")
    return {
        "malformed line": (f"amazon-meta:{broken / 'meta.json'}", "line 2 is neither JSON nor a Python literal"),
        "missing column": (f"folder:{missing_column}", "missing required column(s) product_id"),
        "empty csv": (f"folder:{empty_folder}", "products.csv: the file is empty"),
        "empty json": (f"amazon-meta:{empty_meta / 'meta.json'}", "contains no product records"),
        "unknown dataset": ("nosuchdataset", "unknown dataset 'nosuchdataset'"),
        "missing path": (f"amazon-meta:{tmp_path / 'nowhere.json'}", "does not exist"),
    }


def test_bad_input_exits_2_with_one_line(capsys, tmp_path):
    cases = _bad_inputs(tmp_path)
    before = _digest(tmp_path)
    for label, (spec, expected) in cases.items():
        status, out, err = _run(capsys, "graph-stats", "--dataset", spec, "--no-progress")
        assert status == 2, label
        assert out == "", label
        assert err.count("\n") == 1, f"{label}: {err!r}"
        assert expected in err, f"{label}: {err!r}"
    assert _digest(tmp_path) == before


def test_bad_input_subprocess_has_no_traceback(tmp_path):
    spec, expected = _bad_inputs(tmp_path)["malformed line"]
    before = _digest(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "recsys_core", "graph-stats", "--dataset", spec, "--no-progress"],
        cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("recsys graph-stats: error: ")
    assert expected in lines[0]
    assert _digest(tmp_path) == before


def test_bad_threshold_exits_2(capsys, tmp_path):
    (tmp_path / "products.csv").write_text("product_id\na\n")
    status, _, err = _run(capsys, "graph-stats", "--dataset", f"folder:{tmp_path}", "--top-n", "0", "--no-progress")
    assert status == 2
    assert "GraphParams.top_n must be at least 1" in err


def test_real_files_unchanged(capsys, shared_data):
    folder = shared_data / "amazon_gift_cards_2018"
    before = _digest(folder)
    status, _, _ = _run(capsys, "graph-stats", "--dataset", f"amazon-meta:{folder / 'meta_Gift_Cards.json.gz'}",
                        "--no-progress")
    assert status == 0
    assert _digest(folder) == before


@pytest.mark.parametrize("argv", [["graph-stats", "--help"]])
def test_help_lists_thresholds(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert "--min-confidence" in capsys.readouterr().out
