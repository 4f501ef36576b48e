"""Calibration uncertainty carried into reform effects: posterior.parquet and run --parameter-draws."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.__main__ import main
from experiments.analysis.calibrate import run_calibration
from experiments.analysis.posterior import effect_intervals
from fakemodel import BACKEND as FAKE

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "experiments" / "scenarios"
TINY = """
[overrides]
"burn_in_years" = 0
"region.n_towns" = 2
"region.villages_per_town" = 6
"region.households_per_village" = 20
"""


def fake_targets(path: Path, method: str) -> Path:
    path.write_text(f"""
[calibration]
name = "fake"
method = "{method}"
replications = 2
years = 1
budget = 20
accept = 0.25
[parameters]
"procurement.price_weight" = {{ range = [0.1, 1.0] }}
[targets]
quality_delivered = {{ value = 0.68, se = 0.005 }}
""")
    return path


@pytest.mark.parametrize("method", ["abc", "smm"])
def test_calibrate_writes_posterior_draws(tmp_path, method):
    res = run_calibration(fake_targets(tmp_path / "t.toml", method), tmp_path / "out",
                          backend=FAKE)
    post = pd.read_parquet(tmp_path / "out" / "posterior.parquet")
    evals = res.evaluations
    assert list(post.columns) == ["draw", "procurement.price_weight", "source"]
    assert post["draw"].tolist() == list(range(len(post)))
    x = post["procurement.price_weight"]
    assert x.between(0.1, 1.0).all()
    if method == "abc":  # the accepted draws are the 5 prior draws nearest the target
        assert x.isin(evals["procurement.price_weight"]).all()
        assert len(post) == 5 and (post["source"] == "abc_accepted").all()
        ranked = evals.iloc[:20].sort_values("J", kind="stable")  # the 20 prior draws
        assert set(x) == set(ranked["procurement.price_weight"].head(5))
    else:  # the estimate's normal distribution: around the estimate (truth 0.6), its sd the SMM se
        est = res.estimates.iloc[0]
        assert not x.isin(evals["procurement.price_weight"]).all()  # not only the evaluated points
        assert len(post) == 200 and (post["source"] == "smm_normal").all() and x.nunique() == 200
        assert x.median() == pytest.approx(0.6, abs=0.08)
        assert x.std() == pytest.approx(min(est["se"], 0.9 / 4), rel=0.35)


def test_effect_intervals_from_plain_tables():
    # 3 draws x 4 replicates: effect = draw effect + replicate noise
    rng = np.random.default_rng(0)
    design, runs = [], []
    for d, eff in enumerate([0.1, 0.2, 0.6]):
        for k in range(4):
            noise = rng.normal(0, 0.01)
            for sc, v in (("baseline", 1.0 + 0.1 * k), ("reform", 1.0 + 0.1 * k + eff + noise)):
                rid = f"{sc}{d}{k}"
                design.append({"run_id": rid, "scenario": sc, "point": d, "replicate": k})
                runs.append({"run_id": rid, "y": v})
    t = effect_intervals(pd.DataFrame(runs), pd.DataFrame(design), ["y"], "baseline").iloc[0]
    diffs = pd.DataFrame(runs).set_index("run_id")["y"]
    per_draw = [np.mean([diffs[f"reform{d}{k}"] - diffs[f"baseline{d}{k}"] for k in range(4)])
                for d in range(3)]
    assert t["effect"] == pytest.approx(np.mean(per_draw))
    assert t["rep_high"] - t["rep_low"] < 0.05  # replication noise only: narrow
    assert t["param_low"] == pytest.approx(np.quantile(per_draw, 0.025))
    assert t["param_high"] == pytest.approx(np.quantile(per_draw, 0.975))
    assert t["param_high"] - t["param_low"] > 0.4 and t["same_sign"] == 1.0
    # with parameter uncertainty: t(9 dof) * sqrt(within-draw variance / R + between-draw variance)
    d = np.array([[diffs[f"reform{i}{k}"] - diffs[f"baseline{i}{k}"] for k in range(4)]
                  for i in range(3)])
    s_w2 = ((d - d.mean(axis=1, keepdims=True)) ** 2).sum() / (12 - 3)
    half = 2.262157 * np.sqrt(s_w2 / 4 + np.var(per_draw, ddof=1))
    assert t["high"] - t["effect"] == pytest.approx(half, rel=1e-5)
    assert t["rep_high"] - t["effect"] == pytest.approx(2.262157 * np.sqrt(s_w2 / 4), rel=1e-5)
    assert t["low"] < t["param_low"] and t["high"] > t["param_high"]
    assert (t["draws"], t["replicates"]) == (3, 4)


def test_posterior_draws_experiment_end_to_end(tmp_path, capsys):
    """Real model: ABC on a tiny region, then baseline vs lots over 2 draws x 2 reps."""
    targets = tmp_path / "targets.toml"
    targets.write_text(f"""
[calibration]
name = "tiny"
scenario = "{SCENARIOS / 'baseline.toml'}"
method = "abc"
replications = 1
years = 1
budget = 6
accept = 0.5
[parameters]
"procurement.bid_cost_yuan" = {{ range = [100.0, 3000.0] }}
[targets]
no_bid_rate = {{ value = 0.6, se = 0.05 }}
{TINY}""")
    assert main(["calibrate", str(targets), "--out", str(tmp_path / "cal"), "--executor",
                 "serial"]) == 0
    posterior = tmp_path / "cal" / "posterior.parquet"
    draws = pd.read_parquet(posterior)
    assert len(draws) == 3
    exp = tmp_path / "exp.toml"
    exp.write_text(f"""
[experiment]
name = "tiny_draws"
seed = 4
replications = 2
years = 1
outcomes = ["no_bid_rate_village", "quality_delivered"]
scenarios = ["{SCENARIOS / 'baseline.toml'}", "{SCENARIOS / 'lots.toml'}"]
{TINY}""")
    out = tmp_path / "out"
    capsys.readouterr()
    assert main(["run", str(exp), "--parameter-draws", str(posterior), "--draws", "2",
                 "--out", str(out), "--executor", "serial", "--quiet"]) == 0
    assert "parameter uncertainty:" in capsys.readouterr().out
    design = pd.read_parquet(out / "design.parquet")
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 2 * 2 * 2  # scenarios x draws x reps
    # draw d, replicate k: the same seed in both scenarios; the draw's value in both
    seeds = design.pivot_table(index=["point", "replicate"], columns="scenario", values="seed")
    assert (seeds["baseline"] == seeds["lots"]).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["planned"] == 8
    got = sorted(runs["procurement.bid_cost_yuan"].unique())
    assert got == sorted(draws["procurement.bid_cost_yuan"].head(2))
    effects = pd.read_csv(out / "parameter_effects.csv")
    assert set(effects["outcome"]) == {"no_bid_rate_village", "quality_delivered"}
    assert (effects["draws"] == 2).all() and (effects["rep_low"] <= effects["effect"]).all()
    assert (out / "parameter_uncertainty.md").read_text().startswith(
        "## Reform effects with parameter uncertainty")
    assert main(["report", str(out)]) == 0
    assert "Reform effects with parameter uncertainty" in (out / "report.md").read_text()
    # bad input: one line, exit 2
    assert main(["run", str(exp), "--draws", "2", "--out", str(tmp_path / "x")]) == 2
    assert main(["run", str(exp), "--parameter-draws", str(posterior), "--draws", "9",
                 "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("error: --draws: only used with --parameter-draws")
    assert err[1] == f"error: --draws: expected 1 to 3 (the draws in {posterior}), got 9"
    assert not (tmp_path / "x").exists()


def test_smm_bootstrap_is_the_fallback_over_evaluated_points():
    """Without a covariance (singular Jacobian), the draws come from the bootstrap over the points
    already evaluated."""
    from experiments.analysis.posterior import smm_bootstrap

    evals = pd.DataFrame({"a.b": [0.1, 0.5, 0.9], "m": [0.1, 0.5, 0.9]})
    t = type("T", (), {"name": "m", "value": 0.5, "se": 0.1})
    post = smm_bootstrap(evals, ["a.b"], [t], n=50, seed=1)
    assert post["a.b"].isin([0.1, 0.5, 0.9]).all() and (post["source"] == "smm_bootstrap").all()


def test_smm_normal_draws_stay_in_their_ranges():
    from experiments.analysis.posterior import smm_normal

    post = smm_normal(np.array([0.0, 5.0]), np.diag([1.0, 4.0]), [(-0.5, 0.5), (0.0, 100.0)], ["a.x", "a.y"],
                      n=300, seed=2)
    assert post["a.x"].between(-0.5, 0.5).all() and post["a.y"].between(0, 100).all()
    assert post["a.y"].std() == pytest.approx(2.0, rel=0.25)  # a range wider than the spread leaves it alone
