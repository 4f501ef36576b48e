"""Determinism everywhere, and crash-and-resume with the real model through the real CLI.

tests/test_determinism.py covers single runs (same seed, hash seeds, streams) and
tests/test_runner.py serial = processes(2) = dask on tables. Here the guarantee is on the files a
user gets: runs.parquet and timeseries.parquet are byte-identical across executors, worker counts,
chunk sizes, reruns and PYTHONHASHSEED values; and a sweep killed with SIGKILL at several points
(before any part, mid-batch, late) resumes to the same bytes with every run exactly once.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from experiments.__main__ import main

pytestmark = pytest.mark.slow  # real sweeps in every executor, SIGKILL and resume

ROOT = Path(__file__).resolve().parent.parent
TINY = ('[scenario]\nname = "tiny"\ndescription = "d"\n'
        "[region]\nn_towns = 1\nvillages_per_town = 2\nhouseholds_per_village = 5\n")
EXP = """[experiment]
name = "det"
seed = 17
replications = {reps}
years = 1
scenarios = ["tiny.toml", {{ name = "scoring", overrides = {{ "procurement.award_rule" = "scoring" }} }}]
[overrides]
"burn_in_years" = 0
"""
FILES = ("runs.parquet", "timeseries.parquet", "design.parquet")


def digest(out: Path) -> dict[str, str]:
    return {f: hashlib.sha256((out / f).read_bytes()).hexdigest() for f in FILES}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("det")
    (d / "tiny.toml").write_text(TINY)
    (d / "exp.toml").write_text(EXP.format(reps=3))
    (d / "kill.toml").write_text(EXP.format(reps=60))
    return d


@pytest.fixture(scope="module")
def reference(folder) -> dict[str, str]:
    assert main(["run", str(folder / "exp.toml"), "--out", str(folder / "ref"), "--executor", "serial",
                 "--quiet"]) == 0
    return digest(folder / "ref")


@pytest.mark.parametrize("extra", [
    ["--executor", "serial"],                                   # a rerun from scratch
    ["--executor", "processes", "--workers", "1"],
    ["--executor", "processes", "--workers", "2", "--chunk-size", "1"],
    ["--executor", "processes", "--workers", "2", "--chunk-size", "4"],
], ids=["rerun", "processes-1", "processes-2-chunk-1", "processes-2-chunk-4"])
def test_results_files_are_byte_identical(folder, reference, tmp_path, extra):
    assert main(["run", str(folder / "exp.toml"), "--out", str(tmp_path / "o"), "--quiet", *extra]) == 0
    assert digest(tmp_path / "o") == reference


def test_dask_local_cluster_gives_the_same_bytes(folder, reference, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    from experiments.engine.spec import load_experiment, make_plan
    from experiments.engine.backend import REAL
    from experiments.engine.sweep import run_sweep

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        plan = make_plan(load_experiment(folder / "exp.toml", REAL), REAL)
        res = run_sweep(plan, tmp_path / "o", executor="dask", scheduler=cluster.scheduler_address,
                        chunk_size=1)
    assert res.status == "complete"
    assert digest(tmp_path / "o") == reference


@pytest.mark.parametrize("hash_seed", ["31337"])
def test_python_hash_seed_does_not_change_the_bytes(folder, reference, tmp_path, hash_seed):
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    r = subprocess.run([sys.executable, "-m", "experiments", "run", str(folder / "exp.toml"), "--out",
                        str(tmp_path / "o"), "--executor", "processes", "--workers", "2", "--quiet"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert digest(tmp_path / "o") == reference


# ------------------------------------------------------------------ crash and resume

def _start(folder: Path, out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "experiments", "run", str(folder / "kill.toml"), "--out", str(out),
           "--executor", "processes", "--workers", "2", "--chunk-size", "2", "--quiet"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _kill_when(proc: subprocess.Popen, ready, limit: float = 120.0) -> bool:
    """SIGKILL the whole process group once ``ready()``; False if the sweep finished first."""
    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    proc.wait()
    return False


def _parts(out: Path) -> int:
    return len(list((out / "parts").glob("*.runs.parquet"))) if (out / "parts").is_dir() else 0


def _run_ids(out: Path) -> list[str]:
    ids = []
    for p in (out / "parts").glob("*.runs.parquet"):
        ids += pq.read_table(p, columns=["run_id"]).column(0).to_pylist()
    return ids


def _consolidating(out: Path, since: float) -> bool:
    """A consolidation is under way or has just written runs.parquet in this attempt."""
    if any(p.name.endswith(".tmp") for p in out.glob(".*")):
        return True
    runs = out / "runs.parquet"
    return runs.exists() and runs.stat().st_mtime > since


def test_sigkill_at_several_points_then_resume_gives_identical_bytes(folder, tmp_path):
    out = tmp_path / "o"
    killed = []
    for name in ("before any part", "after a new part", "after a new part (again)", "at consolidation"):
        before = set(_run_ids(out)) if (out / "parts").is_dir() else set()
        n0, t0 = _parts(out), time.time()
        ready = {"before any part": lambda: out.exists(),
                 "at consolidation": lambda: _consolidating(out, t0)}.get(name, lambda: _parts(out) > n0)
        if _kill_when(_start(folder, out), ready):
            killed.append(name)
        if (out / "parts").is_dir():  # every part left behind reads back; finished runs are kept
            assert before <= set(_run_ids(out))
            for p in out.rglob("*.parquet"):
                pq.read_table(p)
    assert len(killed) >= 3, killed
    proc = _start(folder, out)
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 120 and runs["run_id"].is_unique
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 120 * 12 and not ts.duplicated(["run_id", "month"]).any()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert main(["run", str(folder / "kill.toml"), "--out", str(tmp_path / "ref"), "--executor", "serial",
                 "--quiet"]) == 0
    assert digest(out) == digest(tmp_path / "ref")
    print(f"kills survived: {len(killed)} ({', '.join(killed)}); runs lost: 0")
