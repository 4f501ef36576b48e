"""Policy search (issue 11): runs, respects constraints, deterministic, finds a known optimum."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.__main__ import main as cli
from experiments.analysis.optimize import load_search, run_search
from experiments.engine.spec_checks import SpecError
from fakemodel import BACKEND as FAKE

TINY = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20, "burn_in_years": 0}


def _fake_search(tmp_path: Path, trials: int = 24, sampler: str = "tpe") -> Path:
    # fake model: quality = 0.5 + 0.3 * price_weight (+0.1 with scoring); spend = 1000 * towns
    path = tmp_path / "search.toml"
    path.write_text(f"""
[search]
name = "fake"
seed = 3
replications = 2
years = 1
trials = {trials}
batch = 6
sampler = "{sampler}"
objectives = [{{ outcome = "quality_delivered", direction = "maximize" }}]
[levers]
"procurement.award_rule" = {{ choices = ["lowest_price", "scoring", "direct_commission"] }}
"procurement.price_weight" = {{ range = [0.1, 1.0] }}
"region.towns" = {{ choices = [3, 6, 12] }}
[[constraints]]
outcome = "spend"
max = 5000.0
""")
    return path


def test_fake_finds_known_optimum_under_constraint(tmp_path):
    res = run_search(_fake_search(tmp_path), tmp_path / "out", backend=FAKE)
    t = res["trials"]
    assert len(t) == 24
    assert (t["feasible"] == (t["region.towns"] == 3)).all()  # spend = 3000 only
    best = res["best"]
    assert best["region.towns"] == 3 and best["procurement.award_rule"] == "scoring"
    assert best["procurement.price_weight"] > 0.75
    assert best["quality_delivered"] == t.loc[t["feasible"], "quality_delivered"].max()
    for name in ("policy_search_trials.csv", "policy_search_pareto.csv", "policy_search.md",
                 "figures/policy_search_pareto.png"):
        assert (tmp_path / "out" / name).is_file()
    assert res["markdown"].startswith("## Policy search")


def test_deterministic_and_resumable(tmp_path):
    path = _fake_search(tmp_path, trials=12, sampler="nsga2")
    a = run_search(path, tmp_path / "a", backend=FAKE)
    b = run_search(path, tmp_path / "b", backend=FAKE)
    c = run_search(path, tmp_path / "a", backend=FAKE)  # resumed in place
    pd.testing.assert_frame_equal(a["trials"], b["trials"])
    pd.testing.assert_frame_equal(a["trials"], c["trials"])


def test_bad_search_files(tmp_path, capsys):
    path = _fake_search(tmp_path)
    path.write_text(path.read_text().replace('"region.towns" = { choices = [3, 6, 12] }',
                                             '"region.towns" = { choices = ["many"] }'))
    code = cli(["optimize", str(path), "--backend", "fakemodel:BACKEND",
                "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "region.towns" in err
    assert err.count("\n") == 1 and not (tmp_path / "o").exists()
    path.write_text(path.read_text().replace("maximize", "maximise"))
    with pytest.raises(SpecError, match="objectives"):
        load_search(path, FAKE)


def test_real_model_tiny_shares_and_constraints(tmp_path):
    """Real model, tiny region: weights sum to 1 with the price floor; constraints honest."""
    over = "\n".join(f'"{k}" = {v}' for k, v in TINY.items())
    path = tmp_path / "real.toml"
    path.write_text(f"""
[search]
seed = 1
replications = 2
years = 1
trials = 6
batch = 3
sampler = "nsga2"
objectives = [{{ outcome = "quality_delivered", direction = "maximize" }},
              {{ outcome = "cost_per_quality", direction = "minimize" }},
              {{ outcome = "no_bid_rate_village", direction = "minimize" }}]
[overrides]
{over}
[levers]
"procurement.award_rule" = {{ choices = ["lowest_price", "scoring"] }}
"procurement.lots" = {{ choices = [false, true] }}
"monitoring.regimes" = {{ choices = [["announced", "complaints"], ["random"]] }}
[shares.scoring]
names = ["price_weight", "technical_weight", "reputation_weight", "citizen_weight"]
minimum = [0.1, 0.0, 0.0, 0.0]
[[constraints]]
outcome = "no_bid_rate_village"
max = 0.5
""")
    res = run_search(path, tmp_path / "out")
    t = res["trials"]
    w = t[[c for c in t.columns if c.startswith("scoring.")]]
    assert np.allclose(w.sum(axis=1), 1.0, atol=1e-9) and (t["scoring.price_weight"] >= 0.1).all()
    assert (t["feasible"] == (t["no_bid_rate_village"] <= 0.5)).all()
    assert set(res["pareto"]["trial"]) <= set(t.loc[t["feasible"], "trial"])
    regimes = {json.dumps(json.loads(x)) for x in t["monitoring.regimes"]}
    assert regimes <= {json.dumps(["announced", "complaints"]), json.dumps(["random"])}


@pytest.mark.slow
def test_trials_table_columns_do_not_depend_on_the_hash_seed(tmp_path):
    """The trials table's outcome columns come in the search file's order (objectives, then
    constraints), in every process: run the fake search under two hash seeds and compare bytes."""
    import os
    import subprocess
    import sys

    path = _fake_search(tmp_path, trials=6)
    path.write_text(path.read_text().replace(
        'objectives = [{ outcome = "quality_delivered", direction = "maximize" }]',
        'objectives = [{ outcome = "quality_delivered", direction = "maximize" }, '
        '{ outcome = "no_bid_rate_village", direction = "minimize" }, '
        '{ outcome = "satisfaction", direction = "maximize" }, '
        '{ outcome = "no_bid_rate", direction = "minimize" }]'))
    code = ("import sys; sys.path.insert(0, sys.argv[3]); from fakemodel import BACKEND; "
            "from experiments.analysis.optimize import run_search; "
            "run_search(sys.argv[1], sys.argv[2], backend=BACKEND)")
    tables = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"out{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code, str(path), str(out), str(Path(__file__).parent)],
                       check=True, env=env, capture_output=True)
        tables.append((out / "policy_search_trials.csv").read_bytes())
    assert tables[0] == tables[1]
