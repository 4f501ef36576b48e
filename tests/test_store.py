"""The results store: parts, atomic consolidation, resume, --fresh, manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess

import pandas as pd
import pyarrow.parquet as pq
import pytest

import fakemodel
from experiments.engine.manifest import LOCK_FILE, git_modified
from experiments.engine.runner import chunks, run_chunk
from experiments.engine.spec import load_experiment, make_plan
from experiments.engine.store import OutputError, Store
from experiments.engine.sweep import run_sweep

B = fakemodel.BACKEND


@pytest.fixture()
def plan(tmp_path):
    """One scenario, 6 replicates, 1 year."""
    path = tmp_path / "s.toml"
    path.write_text('[scenario]\nname = "s"\ndescription = "d"\n')
    return make_plan(load_experiment(path, B), B, replications=6, years=1)


def results(plan, n):
    """ChunkResults of the first n runs, one run each."""
    return [run_chunk(batch, backend=B) for batch in chunks(plan, plan.runs[:n], 1)]


def test_parts_are_written_on_flush_and_consolidated_sorted(plan, tmp_path):
    store = Store(tmp_path / "o", flush_runs=2, flush_seconds=1e9)
    assert store.open({r.run_id for r in plan.runs}) == set()
    for res in results(plan, 5):
        store.add(res)
    parts = sorted(p.name for p in (tmp_path / "o/parts").iterdir())
    assert len([p for p in parts if p.endswith(".runs.parquet")]) == 2
    assert not [p for p in parts if p.endswith(".tmp")]
    assert store.consolidate() == 5
    runs = pd.read_parquet(tmp_path / "o/runs.parquet")
    ts = pd.read_parquet(tmp_path / "o/timeseries.parquet")
    assert runs["run_id"].tolist() == sorted(r.run_id for r in plan.runs[:5])
    assert list(ts.columns) == ["run_id", "month"] + fakemodel.OUTCOMES
    assert ts.groupby("run_id")["month"].apply(list).map(lambda m: m == list(range(1, 13))).all()


def test_reopen_resumes_cleans_orphans_and_never_duplicates(plan, tmp_path):
    out = tmp_path / "o"
    store = Store(out, flush_runs=1)
    store.open({r.run_id for r in plan.runs})
    for res in results(plan, 3):
        store.add(res)
    (out / "parts" / "ffffffffffffffff.ts.parquet").write_bytes(b"orphan of a killed flush")
    (out / "parts" / ".x.runs.parquet.123.tmp").write_bytes(b"half")
    (out / ".runs.parquet.123.tmp").write_bytes(b"half a consolidation")
    again = Store(out)
    done = again.open({r.run_id for r in plan.runs})
    assert done == {r.run_id for r in plan.runs[:3]}
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))
    assert sorted(p.name for p in (out / "parts").iterdir()) == sorted(
        f"{r.run_id}.{k}.parquet" for r in plan.runs[:3] for k in ("ts", "runs"))
    for res in results(plan, 6)[3:]:
        again.add(res)
    assert again.consolidate() == 6
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["run_id"].is_unique and len(runs) == 6


def test_foreign_or_unusable_folders_are_refused_without_writing(plan, tmp_path):
    planned = {r.run_id for r in plan.runs}
    afile = tmp_path / "file"
    afile.write_text("x")
    for out in (afile, afile / "sub"):
        with pytest.raises(OutputError, match="is a file"):
            Store(out).open(planned)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty"):
        Store(other).open(planned)
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]
    out = tmp_path / "o"
    store = Store(out, flush_runs=1)
    store.open(planned)
    for res in results(plan, 2):
        store.add(res)
    with pytest.raises(OutputError, match="not part of this experiment"):
        Store(out).open(planned - {plan.runs[0].run_id})


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_folder_is_refused(plan, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="not writable"):
            Store(ro / "out").open({r.run_id for r in plan.runs})
    finally:
        ro.chmod(0o700)


def test_fresh_moves_old_results_aside(plan, tmp_path):
    out = tmp_path / "o"
    run_sweep(plan, out, backend=B)
    before = pd.read_parquet(out / "runs.parquet")
    res = run_sweep(plan, out, backend=B, fresh=True)
    assert res.moved_to is not None and res.moved_to.name.startswith("o.old-")
    pd.testing.assert_frame_equal(pd.read_parquet(res.moved_to / "runs.parquet"), before)
    assert res.skipped == 0 and res.completed == 6


def test_manifest_records_provenance_and_counts(plan, tmp_path):
    out = tmp_path / "o"
    run_sweep(plan, out, backend=B, argv=["run", "s.toml"])
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "complete"
    assert m["counts"] == {"planned": 6, "design_rows": 6, "done": 6, "skipped": 0,
                           "completed": 6, "remaining": 0, "tender_logs": 0}
    assert len(m["experiment"]["sha256"]) == 64 and m["experiment"]["seed"] == plan.seed
    assert m["parameters"]["s"] == fakemodel.DEFAULTS
    for key in ("jiebang", "mesa", "numpy", "pandas", "pyarrow", "dask", "pydantic"):
        assert key in m["packages"]
    assert m["python"] and m["machine"] and m["cpu_count"] >= 1 and "git_commit" in m
    assert m["git_modified"] is None or isinstance(m["git_modified"], list)
    assert m["lock_sha256"] == hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()
    assert m["numeric_platform"]["key"] and "simd" in m["numeric_platform"]
    assert m["started"] <= m["finished"] and m["run"]["argv"] == ["run", "s.toml"]
    run_sweep(plan, out, backend=B)
    m2 = json.loads((out / "manifest.json").read_text())
    assert m2["started"] == m["started"] and len(m2["sessions"]) == 2
    assert m2["counts"]["skipped"] == 6 and m2["counts"]["completed"] == 0
    design = pq.read_table(out / "design.parquet").to_pandas()
    assert list(design.columns) == ["run_id", "scenario", "point", "replicate", "seed"]


def test_tender_logs_are_stored_when_asked(plan, tmp_path):
    run_sweep(plan, tmp_path / "o", backend=B, tenders=True)
    tenders = pd.read_parquet(tmp_path / "o/tenders.parquet")
    assert set(tenders["run_id"]) == {r.run_id for r in plan.runs}
    assert list(tenders.columns) == ["run_id", "month", "bids", "mode"]


def test_interrupted_sweep_keeps_finished_runs(plan, tmp_path):
    calls = {"n": 0}

    def stop(n):
        calls["n"] += n
        if calls["n"] == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, tmp_path / "o", backend=B, on_progress=stop)
    m = json.loads((tmp_path / "o/manifest.json").read_text())
    assert m["status"] == "interrupted" and m["counts"]["done"] == 4
    assert len(pd.read_parquet(tmp_path / "o/runs.parquet")) == 4
    res = run_sweep(plan, tmp_path / "o", backend=B)
    assert (res.skipped, res.completed, res.status) == (4, 2, "complete")


def test_a_live_sweep_holds_the_folder_and_a_dead_ones_lock_is_taken_over(plan, tmp_path):
    out = tmp_path / "o"
    planned = {r.run_id for r in plan.runs}
    Store(out).open(planned)
    (out / ".lock").write_text(f"{os.getppid()}\n")  # a live process that is not us
    with pytest.raises(OutputError, match="another sweep"):
        Store(out).open(planned)
    gone = subprocess.Popen(["true"])
    gone.wait()
    (out / ".lock").write_text(f"{gone.pid}\n")  # a sweep that was killed
    store = Store(out)
    store.open(planned)
    assert json.loads((out / ".lock").read_text())["pid"] == os.getpid()  # host, pid, lease
    store.release()
    assert not (out / ".lock").exists()


def test_runs_duplicated_across_parts_are_kept_once_everywhere(plan, tmp_path):
    out = tmp_path / "o"
    store = Store(out, flush_runs=2)
    store.open({r.run_id for r in plan.runs})
    for res in results(plan, 4):
        store.add(res)
    first = sorted((out / "parts").glob("*.runs.parquet"))[0].name.split(".")[0]
    for kind in ("runs", "ts"):  # as if two sweeps had written the same batch
        shutil.copy(out / f"parts/{first}.{kind}.parquet", out / f"parts/{'f' * 16}.{kind}.parquet")
    assert store.consolidate() == 4
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert not ts.duplicated(["run_id", "month"]).any() and len(ts) == 4 * 12


def test_git_modified_names_uncommitted_changes_that_shape_results(tmp_path):
    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=tmp_path, check=True,
                       capture_output=True)

    assert git_modified(tmp_path) is None  # not a repository
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "core.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("a\n")
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "start")
    assert git_modified(tmp_path) == []
    (tmp_path / "model" / "core.py").write_text("x = 2\n")
    (tmp_path / "notes.txt").write_text("b\n")  # outside the paths that shape results
    (tmp_path / "model" / "new.py").write_text("y = 1\n")  # untracked
    assert git_modified(tmp_path / "model") == ["model/core.py"]
