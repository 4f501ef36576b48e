"""The CLI: run, list, --help, bad input (exit 2, one line, nothing written), kill + resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from experiments.__main__ import COMMANDS, main
from experiments.analysis.stats import t_interval
from experiments.commands._table import summarise

TESTS = Path(__file__).resolve().parent
FAKE = ["--backend", "fakemodel:BACKEND"]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """Two scenarios and a grid experiment over them."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios/baseline.toml").write_text(
        '[scenario]\nname = "baseline"\ndescription = "Status quo"\n')
    (tmp_path / "scenarios/scoring.toml").write_text(
        '[scenario]\nname = "scoring"\ndescription = "Scoring"\n'
        '[procurement]\naward_rule = "scoring"\n')
    (tmp_path / "exp.toml").write_text("""
[experiment]
name = "pw"
description = "Price weight under two award rules"
seed = 3
replications = 3
years = 1
outcomes = ["quality_delivered", "no_bid_rate_village"]
scenarios = ["scenarios/baseline.toml", "scenarios/scoring.toml"]
[factors]
"procurement.price_weight" = { values = [0.2, 0.6] }
""")
    return tmp_path


def test_run_scenario_file_prints_table_and_writes_results(folder, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    code = main(["run", "scenarios/scoring.toml", "--reps", "4", "--years", "1", "--quiet",
                 "--set", "procurement.price_weight=0.5", "--set", "delivery.inspectors=3",
                 *FAKE])
    out = capsys.readouterr().out
    assert code == 0
    assert "scenario=scoring  (n=4)" in out and "95% interval" in out and "complete: 4/4" in out
    runs = pd.read_parquet(folder / "results/scoring/runs.parquet")
    assert len(runs) == 4 and set(runs["replicate"]) == {0, 1, 2, 3}
    assert (folder / "results/scoring/manifest.json").is_file()


def test_run_experiment_groups_by_factor_point(folder, capsys):
    code = main(["run", str(folder / "exp.toml"), "--out", str(folder / "o"),
                 "--executor", "serial", "--quiet", *FAKE])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("(n=3)") == 4 and "procurement.price_weight=0.6" in out
    assert "no_bid_rate_village" in out and "spend" not in out


def test_help_everywhere(capsys):
    assert main(["--help"]) == 0
    for name in COMMANDS:
        assert main([name, "--help"]) == 0
    text = capsys.readouterr().out
    assert "--executor" in text and "--fresh" in text and "--backend" not in text


def test_list_shows_names_and_descriptions(folder, capsys):
    assert main(["list", "--dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "baseline" in out and "Status quo" in out and "Price weight under" in out


BAD_ARGS = [
    (["run", "{d}/nope.toml"], "file not found"),
    (["run", "{d}/exp.toml", "--reps", "0"], "--reps: expected an integer >= 1"),
    (["run", "{d}/exp.toml", "--workers", "0"], "--workers"),
    (["run", "{d}/exp.toml", "--set", "oops"], "--set 'oops'"),
    (["run", "{d}/exp.toml", "--set", "procurement.price_weight=0.4"], "is a factor"),
    (["run", "{d}/exp.toml", "--set", "procurement.award_rule=lottery"], "lottery"),
    (["run", "{d}/exp.toml", "--set", "nosuch.key=1"], "unknown parameter"),
    (["run", "{d}/exp.toml", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler: only used"),
    (["run", "{d}/exp.toml", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9",
      "--connect-timeout", "0.5"], "cannot reach the Dask scheduler"),
    (["run", "{d}/exp.toml", "--executor", "gpu"], "invalid choice"),
    (["run"], "required"),
    (["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize("argv,message", BAD_ARGS, ids=[m for _, m in BAD_ARGS])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(folder, capsys, argv, message):
    out = folder / "o"
    argv = [a.format(d=folder) for a in argv]
    if argv[0] == "run" and len(argv) > 1:
        argv += ["--out", str(out), "--quiet", *FAKE]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not out.exists()


def test_malformed_experiment_file_exit_2_nothing_written(folder, capsys):
    (folder / "bad.toml").write_text('[experiment]\nname = "b"\nscenarios = ["x.toml"]\n')
    assert main(["run", str(folder / "bad.toml"), "--out", str(folder / "o"), *FAKE]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "scenario file not found" in err
    assert not (folder / "o").exists() and not (folder / "results").exists()


def test_output_that_is_a_file_or_foreign_folder_keeps_it_intact(folder, capsys):
    target = folder / "taken"
    target.write_text("precious")
    assert main(["run", str(folder / "exp.toml"), "--out", str(target), *FAKE]) == 2
    assert "is a file" in capsys.readouterr().err and target.read_text() == "precious"
    assert main(["run", str(folder / "exp.toml"), "--out", str(folder / "o"), "--quiet",
                 *FAKE]) == 0
    before = pd.read_parquet(folder / "o/runs.parquet")
    assert main(["run", str(folder / "exp.toml"), "--out", str(folder / "o"), "--seed", "4",
                 *FAKE]) == 2
    assert "not part of this experiment" in capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "o/runs.parquet"), before)


def _cli(folder: Path, out: Path, hashseed: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(TESTS), "PYTHONHASHSEED": hashseed}
    cmd = [sys.executable, "-m", "experiments", "run", str(folder / "sweep.toml"), "--out",
           str(out), "--executor", "processes", "--workers", "2", "--quiet", *FAKE]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _wait_for_parts(parts: Path, more_than: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if parts.is_dir() and len(list(parts.glob("*.runs.parquet"))) > more_than:
            return
        time.sleep(0.02)
    raise AssertionError("the sweep finished or stalled before it could be killed")


@pytest.mark.slow
def test_sigkill_mid_sweep_then_rerun_resumes_to_identical_results(folder):
    (folder / "sweep.toml").write_text("""
[experiment]
name = "sweep"
seed = 5
replications = 150
years = 1
scenarios = ["scenarios/baseline.toml", "scenarios/scoring.toml"]
[overrides]
"fake.sleep" = 0.01
""")
    out, parts = folder / "o", folder / "o/parts"
    for kill in range(2):  # kill twice at different points
        proc = _cli(folder, out, hashseed=str(kill))
        _wait_for_parts(parts, more_than=kill, proc=proc)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    partial = {i for p in parts.glob("*.runs.parquet")
               for i in pq.read_table(p, columns=["run_id"]).column(0).to_pylist()}
    assert 0 < len(partial) < 300
    proc = _cli(folder, out, hashseed="7")
    assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["run_id"].is_unique and len(runs) == 300
    for path in out.rglob("*"):
        assert not path.name.endswith(".tmp")
        if path.suffix == ".parquet":
            pq.read_table(path)
    assert main(["run", str(folder / "sweep.toml"), "--out", str(folder / "ref"),
                 "--executor", "serial", "--quiet", "--set", "fake.sleep=0.0", *FAKE]) == 0
    ref = pd.read_parquet(folder / "ref/runs.parquet")
    assert set(ref["run_id"]).isdisjoint(runs["run_id"])  # fake.sleep is a parameter
    cols = ["scenario", "replicate", "seed", "quality_delivered", "satisfaction"]
    pd.testing.assert_frame_equal(
        runs[cols].sort_values(cols[:2]).reset_index(drop=True),
        ref[cols].sort_values(cols[:2]).reset_index(drop=True))
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 300 * 12 and not ts.duplicated(["run_id", "month"]).any()


def test_real_model_run_from_the_cli(tmp_path, capsys):
    pytest.importorskip("model.simulate")
    (tmp_path / "s.toml").write_text('[scenario]\nname = "tiny"\ndescription = "small"\n'
                                     "[region]\nn_towns = 2\nvillages_per_town = 3\n"
                                     "households_per_village = 10\n")
    code = main(["run", str(tmp_path / "s.toml"), "--reps", "2", "--years", "1", "--quiet",
                 "--executor", "serial", "--out", str(tmp_path / "o"),
                 "--set", "procurement.award_rule=scoring", "--set", "burn_in_years=0"])
    assert code == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "no_bid_rate_village" in out and "complete: 2/2" in out
    runs = pd.read_parquet(tmp_path / "o/runs.parquet")
    assert len(runs) == 2 and runs["quality_delivered"].between(0, 1).all()


REAL_BAD = [
    (["--set", "scoring.price_weight=0.4"], "must sum to 1"),
    (["--set", "scoring.price_weight=0.05", "--set", "scoring.technical_weight=0.75"],
     "legal floor"),
    (["--set", "region.n_towns=0"], "region.n_towns"),
    (["--set", "region.n_towns=two"], "region.n_towns"),
    (["--set", "procurement.award_rule=lottery"], "procurement.award_rule"),
    (["--set", "procurement.nosuch=1"], "unknown parameter"),
    (["--years", "0"], "--years"),
]


@pytest.mark.parametrize("extra,message", REAL_BAD, ids=[m for _, m in REAL_BAD])
def test_real_model_bad_parameters_exit_2_and_write_nothing(tmp_path, capsys, extra, message):
    pytest.importorskip("model.simulate")
    baseline = TESTS.parent / "experiments/scenarios/baseline.toml"
    if not baseline.is_file():
        pytest.skip("no baseline scenario yet")
    assert main(["run", str(baseline), "--out", str(tmp_path / "o"), "--quiet", *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_malformed_scenario_file_exit_2(tmp_path, capsys):
    pytest.importorskip("model.simulate")
    (tmp_path / "s.toml").write_text('[scenario]\nname = "x"\n[region\n')
    assert main(["run", str(tmp_path / "s.toml"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "s.toml" in err and "TOML" in err and not (tmp_path / "o").exists()


def test_summary_interval_of_a_share_stays_in_the_unit_interval():
    """A rate that is 0 in most replications: its t-interval would start below 0; the table
    truncates shares to [0, 1] and leaves other outcomes alone."""
    runs = pd.DataFrame({"scenario": ["s"] * 5, "no_bid_rate_city": [0.0, 0.0, 0.0, 0.0, 0.2],
                         "fraud_loss": [0.0, 0.0, 0.0, 0.0, 2e4]})
    raw = t_interval(runs["no_bid_rate_city"].to_numpy())
    assert raw[1] < 0
    table = summarise(runs, ["no_bid_rate_city", "fraud_loss"], []).set_index("outcome")
    assert table.loc["no_bid_rate_city", "low"] == 0.0
    assert table.loc["no_bid_rate_city", "high"] == pytest.approx(raw[2])
    assert table.loc["no_bid_rate_city", "mean"] == pytest.approx(0.04)
    assert table.loc["fraud_loss", "low"] == pytest.approx(t_interval(runs["fraud_loss"].to_numpy())[1])
    assert np.isfinite(table["low"]).all()
