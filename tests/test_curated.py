"""Curated tables: written with their hashes, read back only when unchanged, small."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments import curate
from experiments.analysis.curated import curated_hashes, read_curated, stale_files, write_curated


def test_round_trip_and_tamper(tmp_path):
    runs = pd.DataFrame({"run_id": ["a", "b"], "scenario": ["baseline", "x"], "quality": [0.5, 1 / 3]})
    dest = tmp_path / "results" / "curated" / "demo"
    hashes = write_curated(dest, {"runs.csv": runs, "note.md": "# note\n"}, {"git_commit": "abc"})
    assert set(hashes) == {"runs.csv", "note.md"}
    back = read_curated(dest)
    assert back["source"] == {"git_commit": "abc"} and back["note.md"] == "# note\n"
    assert back["runs.csv"]["quality"].tolist() == pytest.approx([0.5, 1 / 3], rel=1e-9)
    recorded = curated_hashes([dest], tmp_path)
    assert set(recorded) == {"results/curated/demo/runs.csv", "results/curated/demo/note.md",
                             "results/curated/demo/tables.json"}
    assert stale_files(recorded, tmp_path) == []
    (dest / "note.md").write_text("# edited\n")
    with pytest.raises(ValueError, match="note.md: changed"):
        read_curated(dest)
    assert stale_files(recorded, tmp_path) == ["results/curated/demo/note.md: changed since the notebook was executed"]


def test_every_notebook_folder_is_a_curation():
    assert {n for uses in curate.NOTEBOOKS.values() for n in uses} == set(curate.CURATIONS)


def test_missing_tables_name_the_way_to_make_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="curate_notebooks.py"):
        curate.load("monitoring", root=tmp_path)
    with pytest.raises(ValueError, match="allowed: reform_package"):
        curate.curate("nope", root=tmp_path)


def test_committed_indexes_record_their_source():
    for name in curate.CURATIONS:
        index = json.loads((curate.folder(name) / "tables.json").read_text())
        assert index["files"] and len(index["source"]["git_commit"]) == 40, name
