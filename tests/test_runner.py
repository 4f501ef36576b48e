"""Executors: identical results whatever the executor; common random numbers; errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import fakemodel
from experiments.engine.runner import (ExecutorError, auto_chunk_size, chunks, make_executor,
                                run_chunk)
from experiments.engine.spec import load_experiment, make_plan
from experiments.engine.sweep import run_sweep

B = fakemodel.BACKEND


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """A 2-scenario x 3-point x 4-replicate plan (24 runs) on the fake model."""
    root = tmp_path_factory.mktemp("exp")
    (root / "base.toml").write_text('[scenario]\nname = "baseline"\n')
    (root / "wide.toml").write_text(
        '[scenario]\nname = "wide"\n[procurement]\nchannel = "provincial"\n')
    (root / "exp.toml").write_text("""
[experiment]
name = "crn"
seed = 99
replications = 4
years = 2
scenarios = ["base.toml", "wide.toml"]
[factors]
design = "lhs"
samples = 3
"procurement.price_weight" = { range = [0.1, 0.9] }
""")
    return make_plan(load_experiment(root / "exp.toml", B), B)


def read(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The consolidated runs and timeseries tables."""
    return pd.read_parquet(out / "runs.parquet"), pd.read_parquet(out / "timeseries.parquet")


def test_run_chunk_builds_tidy_tables(plan):
    tasks = next(chunks(plan, plan.runs, 2))
    res = run_chunk(tasks, backend=B)
    runs = res.runs.to_pandas()
    assert list(runs.columns[:6]) == ["run_id", "experiment", "scenario", "replicate", "seed",
                                      "procurement.price_weight"]
    assert list(runs.columns[6:]) == fakemodel.OUTCOMES
    ts = res.timeseries.to_pandas()
    assert len(ts) == 2 * 24 and list(ts.columns[:2]) == ["run_id", "month"]
    assert ts["month"].tolist()[:3] == [1, 2, 3]


@pytest.mark.slow
def test_identical_results_across_serial_processes_and_dask(plan, tmp_path):
    """Dask here goes through a scheduler address (the real-model test uses LocalCluster)."""
    import logging

    from distributed import LocalCluster

    outs = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        for name, workers in (("serial", 1), ("processes", 2), ("dask", None)):
            res = run_sweep(plan, tmp_path / name, executor=name, workers=workers,
                            backend=B, scheduler=cluster.scheduler_address
                            if name == "dask" else None,
                            chunk_size=None if name == "serial" else 3)
            assert res.status == "complete" and res.done == len(plan.runs) == 24
            outs[name] = read(tmp_path / name)
    manifest = json.loads((tmp_path / "dask/manifest.json").read_text())
    assert manifest["run"]["workers"] == 2 and manifest["run"]["scheduler"].startswith("tcp://")
    for name in ("processes", "dask"):
        pd.testing.assert_frame_equal(outs["serial"][0], outs[name][0])
        pd.testing.assert_frame_equal(outs["serial"][1], outs[name][1])
    runs = outs["serial"][0]
    assert runs["run_id"].is_monotonic_increasing and runs["run_id"].is_unique


def test_common_random_numbers_pair_replicates_across_scenarios(plan, tmp_path):
    run_sweep(plan, tmp_path / "o", backend=B)
    runs = read(tmp_path / "o")[0]
    key = ["procurement.price_weight", "replicate"]
    base = runs[runs.scenario == "baseline"].set_index(key).sort_index()
    wide = runs[runs.scenario == "wide"].set_index(key).sort_index()
    assert (base["seed"] == wide["seed"]).all()
    # the channel lever consumes no randomness: paired outcomes are identical
    pd.testing.assert_series_equal(base["quality_delivered"], wide["quality_delivered"])
    assert base["quality_delivered"].nunique() == len(base)


def test_auto_chunk_size_bounds():
    assert auto_chunk_size(1000, 4, "serial") == 1
    assert auto_chunk_size(1000, 2, "processes") == 16
    assert auto_chunk_size(10, 2, "processes") == 1
    assert auto_chunk_size(0, 2, "dask") == 1


def test_chunks_cover_every_run_once(plan):
    got = [spec.run_id for batch in chunks(plan, plan.runs, 5) for spec, _ in batch]
    assert got == [r.run_id for r in plan.runs]


def test_unreachable_dask_scheduler_is_a_clear_error_and_writes_nothing(plan, tmp_path):
    out = tmp_path / "never"
    with pytest.raises(ExecutorError, match="cannot reach the Dask scheduler at tcp://"):
        run_sweep(plan, out, executor="dask", scheduler="tcp://127.0.0.1:9", timeout=1.0,
                  backend=B)
    assert not out.exists()


def test_unknown_executor():
    with pytest.raises(ValueError, match="allowed: serial, processes, dask"):
        make_executor("gpu")


SMALL = {"region.n_towns": 2, "region.villages_per_town": 3,
         "region.households_per_village": 10, "burn_in_years": 0}
"""Overrides that make a real run tiny (a few towns, villages and households)."""


@pytest.fixture(scope="module")
def real_plan(tmp_path_factory):
    """The real model: baseline vs a lever that consumes no randomness, 3 replicates."""
    pytest.importorskip("model.simulate")
    from experiments.engine.backend import REAL

    root = tmp_path_factory.mktemp("real")
    (root / "base.toml").write_text('[scenario]\nname = "baseline"\ndescription = "d"\n')
    sets = "\n".join(f'"{k}" = {v}' for k, v in SMALL.items())
    (root / "exp.toml").write_text(f"""
[experiment]
name = "real"
seed = 4
replications = 3
years = 1
scenarios = ["base.toml",
  {{ name = "qualified", overrides = {{ "market.incubation_qualified" = true }} }}]
[overrides]
{sets}
""")
    return make_plan(load_experiment(root / "exp.toml", REAL), REAL)


@pytest.mark.slow
def test_real_model_identical_across_executors(real_plan, tmp_path):
    outs = {}
    for name in ("serial", "processes", "dask"):
        res = run_sweep(real_plan, tmp_path / name, executor=name, workers=2, chunk_size=1)
        assert res.status == "complete" and res.done == 6
        outs[name] = read(tmp_path / name)
    for name in ("processes", "dask"):
        for i in (0, 1):
            pd.testing.assert_frame_equal(outs["serial"][i], outs[name][i])
    from model.metrics import OUTCOMES

    assert set(OUTCOMES) <= set(outs["serial"][0].columns)
    assert len(outs["serial"][1]) == 6 * 12


def test_real_model_common_random_numbers(real_plan, tmp_path):
    run_sweep(real_plan, tmp_path / "o")
    runs = read(tmp_path / "o")[0]
    base = runs[runs.scenario == "baseline"].set_index("replicate").sort_index()
    qual = runs[runs.scenario == "qualified"].set_index("replicate").sort_index()
    outcomes = [c for c in runs.columns if c not in
                ("run_id", "experiment", "scenario", "replicate", "seed")]
    # incubation_qualified matters only when firms are incubated (incubation = 0 here)
    pd.testing.assert_frame_equal(base[outcomes], qual[outcomes])
    assert base["spend"].nunique() == 3  # replicates differ


def test_the_allocator_is_tuned_once_where_glibc_has_mallopt():
    """experiments/engine/allocator.py: glibc's thresholds are set (mallopt accepts all three) once
    per process; elsewhere it reports that it did nothing."""
    import platform

    from experiments.engine import allocator

    first = allocator.tune()
    assert first is (platform.libc_ver()[0] == "glibc")
    assert allocator.tune() is first and allocator.tune.cache_info().misses == 1
