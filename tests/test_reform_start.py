"""Experiments whose reforms are switched on in a running county: `reform_start_year` in experiment
files and `run --reform-start-year K` (experiments/engine/spec.py, runner.py; issue 30 item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from experiments.__main__ import main
from experiments.engine.backend import REAL
from experiments.engine.spec import load_experiment, make_plan
from experiments.engine.sweep import run_sweep

SCENARIOS = Path(__file__).resolve().parent.parent / "experiments" / "scenarios"
TINY = {"region.n_towns": 2, "region.villages_per_town": 8, "region.households_per_village": 20,
        "burn_in_years": 0}


def _write(folder: Path, start: str = "reform_start_year = 2\n") -> Path:
    lines = ['[experiment]', 'name = "switch"', 'seed = 5', 'replications = 2', 'years = 2',
             'baseline = "baseline"', start.strip(),
             f'scenarios = ["{SCENARIOS / "baseline.toml"}", "{SCENARIOS / "reform_package.toml"}"]',
             '', '[overrides]', *(f'"{k}" = {v}' for k, v in TINY.items())]
    path = folder / "switch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    """The same experiment run serially with k = 2 and with k = 1 (from the start)."""
    folder = tmp_path_factory.mktemp("switch")
    exp = load_experiment(_write(folder), REAL)
    out = {}
    for k in (2, 1):
        plan = make_plan(exp, REAL, reform_start_year=k)
        assert run_sweep(plan, folder / f"k{k}", executor="serial").status == "complete"
        out[k] = (plan, pd.read_parquet(folder / f"k{k}/runs.parquet"),
                  pd.read_parquet(folder / f"k{k}/timeseries.parquet"), folder / f"k{k}")
    return out


def test_the_file_key_is_read_and_recorded(sweeps, tmp_path):
    exp = load_experiment(_write(tmp_path), REAL)
    assert exp.reform_start_year == 2
    plan, runs, _, out = sweeps[2]
    assert plan.reform_start_year == 2
    assert json.loads((out / "manifest.json").read_text())["experiment"]["reform_start_year"] == 2
    by = runs.set_index(["scenario", "replicate"])["reform_start_year"]
    assert by.loc["baseline"].tolist() == [1, 1] and by.loc["reform_package"].tolist() == [2, 2]


def test_the_baseline_runs_unchanged_and_a_changed_k_is_another_run(sweeps):
    ids = {k: sweeps[k][1].set_index(["scenario", "replicate"])["run_id"].sort_index() for k in (2, 1)}
    assert (ids[2].loc["baseline"] == ids[1].loc["baseline"]).all()
    assert not (ids[2].loc["reform_package"] == ids[1].loc["reform_package"]).any()
    plain = make_plan(sweeps[1][0].experiment, REAL, reform_start_year=1)
    assert [r.run_id for r in plain.runs] == [r.run_id for r in sweeps[1][0].runs]
    base = {k: sweeps[k][1].query("scenario == 'baseline'").drop(columns="run_id").reset_index(drop=True)
            for k in (2, 1)}
    pd.testing.assert_frame_equal(base[2], base[1])


def test_switched_runs_follow_the_baseline_in_year_1_with_the_same_seed(sweeps):
    _, runs, ts, _ = sweeps[2]
    _, runs1, ts1, _ = sweeps[1]
    for k_runs, k_ts in ((runs, ts), (runs1, ts1)):
        seeds = k_runs.groupby("scenario")["seed"].apply(sorted)
        assert seeds["baseline"] == seeds["reform_package"]
    scen = runs.set_index("run_id")["scenario"]
    cols = ["satisfaction", "spend", "no_bid_rate_village"]
    year1 = ts[ts["month"] <= 12].assign(scenario=lambda d: d["run_id"].map(scen))
    for rep in (0, 1):
        rows = {s: year1[year1["run_id"] == runs.query(f"scenario == '{s}' and replicate == {rep}")["run_id"].item()]
                for s in ("baseline", "reform_package")}
        pd.testing.assert_frame_equal(rows["baseline"][cols].reset_index(drop=True),
                                      rows["reform_package"][cols].reset_index(drop=True))
    # from the start (k = 1) the package differs in year 1; switched in year 2 it differs after
    scen1 = runs1.set_index("run_id")["scenario"]
    y1 = ts1[ts1["month"] <= 12].assign(scenario=lambda d: d["run_id"].map(scen1)).groupby("scenario")["spend"].sum()
    assert y1["baseline"] != y1["reform_package"]
    y2 = ts[ts["month"] > 12].assign(scenario=lambda d: d["run_id"].map(scen)).groupby("scenario")["spend"].sum()
    assert y2["baseline"] != y2["reform_package"]


@pytest.mark.slow
def test_every_executor_gives_the_serial_results(sweeps):
    plan, runs, ts, out = sweeps[2]
    for name in ("processes", "dask"):
        res = run_sweep(plan, out.parent / name, executor=name, workers=2, chunk_size=1)
        assert res.status == "complete"
        pd.testing.assert_frame_equal(pd.read_parquet(out.parent / name / "runs.parquet"), runs)
        pd.testing.assert_frame_equal(pd.read_parquet(out.parent / name / "timeseries.parquet"), ts)


@pytest.mark.parametrize("start,cli,message", [
    ("reform_start_year = 0", [], "experiment.reform_start_year: got 0; expected an integer >= 1"),
    ('reform_start_year = "4"', [], "experiment.reform_start_year: got '4'"),
    ("reform_start_year = 3", [], "experiment.reform_start_year: got 3; expected an integer from 1 to years = 2"),
    ("", ["--reform-start-year", "5"], "--reform-start-year: got 5; expected an integer from 1 to years = 2"),
    ("", ["--reform-start-year", "0"], "--reform-start-year: got 0; expected an integer >= 1"),
])
def test_bad_reform_start_year_is_one_line_exit_2(tmp_path, capsys, start, cli, message):
    path = _write(tmp_path, start)
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--quiet", *cli]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "o").exists()


def test_the_cli_overrides_the_file(tmp_path, capsys):
    path = _write(tmp_path, "reform_start_year = 2")
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--quiet", "--reps", "1",
                 "--executor", "serial", "--reform-start-year", "1"]) == 0
    runs = pd.read_parquet(tmp_path / "o" / "runs.parquet")
    assert runs["reform_start_year"].tolist() == [1, 1]
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["experiment"]["reform_start_year"] == 1


def test_factor_points_switch_from_the_baseline_at_the_same_point(tmp_path):
    path = _write(tmp_path)
    text = path.read_text() + '\n[factors]\ndesign = "grid"\n"procurement.bid_cost_yuan" = { values = [100.0, 900.0] }\n'
    path.write_text(text)
    plan = make_plan(load_experiment(path, REAL), REAL, replications=1)
    base = {r.point: plan.params[r.run_id] for r in plan.runs if r.scenario == "baseline"}
    switched = [r for r in plan.runs if r.scenario != "baseline"]
    assert len(switched) == 2 and {r.reform_start_year for r in switched} == {2}
    for r in switched:
        assert r.baseline_params == base[r.point]
        assert r.baseline_params["procurement.bid_cost_yuan"] == plan.params[r.run_id]["procurement.bid_cost_yuan"]
    assert all(r.baseline_params is None and r.reform_start_year == 1 for r in plan.runs if r.scenario == "baseline")


def test_a_scenario_that_changes_the_world_is_refused_before_any_run(tmp_path, capsys):
    path = _write(tmp_path)
    text = path.read_text().replace(f'"{SCENARIOS / "reform_package.toml"}"',
                                    '{ name = "bigger", description = "more towns", overrides = { "region.n_towns" = 3 } }')
    path.write_text(text)
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "scenario 'bigger' differs from the baseline in region.n_towns" in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--quiet", "--reps", "1",
                 "--years", "1", "--reform-start-year", "1", "--executor", "serial"]) == 0
