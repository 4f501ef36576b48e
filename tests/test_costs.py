"""Issue 21 items 4 and 5: the warm-up left out of summaries, the full public cost with each reform's own
cost, the cost-effectiveness table, and the robustness table the reform report reads."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.__main__ import main
from experiments.analysis.cost_effect import QUALITY_STEP, cost_effectiveness
from model import ProcurementModel, load_params, load_scenario
from model.costs import reform_parts
from model.metrics import summarise
from model.units import MONTHS_PER_YEAR

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "experiments" / "scenarios"
SMALL = {"region.n_towns": 2, "region.villages_per_town": 6, "region.households_per_village": 10}


@pytest.fixture(scope="module")
def run():
    return ProcurementModel(load_params(None, {**SMALL, "burn_in_years": 1}), seed=3).run(3)


def test_summary_leaves_out_the_warm_up_and_keeps_the_monthly_series(run):
    s = run.summary()
    after = summarise(run.raws[MONTHS_PER_YEAR:])
    whole = summarise(run.raws)
    assert s == pytest.approx(after, nan_ok=True)
    assert s["spend"] != whole["spend"]  # the first year changed the summary: it is left out
    assert len(run.timeseries()) == 3 * MONTHS_PER_YEAR  # the monthly series keep every month
    tail = np.mean([r["trust"] for r in run.raws[-MONTHS_PER_YEAR:]])
    assert s["trust_final"] == pytest.approx(tail)  # 'last' still reads the final 12 months


def test_years_must_exceed_the_warm_up():
    with pytest.raises(ValueError, match="must exceed burn_in_years"):
        load_params(None, {"years": 3, "burn_in_years": 3})
    with pytest.raises(ValueError, match="must exceed burn_in_years"):
        ProcurementModel(load_params(None, SMALL), seed=1).run(4).summary()  # default warm-up 5 years
    m = ProcurementModel(load_params(None, SMALL), seed=1).run(1).run(5)  # runs add up: 6 years > 5
    assert m.month == 6 * MONTHS_PER_YEAR and np.isfinite(m.summary()["quality_delivered"])
    with pytest.raises(ValueError, match="must exceed"):
        summarise([{}] * MONTHS_PER_YEAR, burn_in_months=MONTHS_PER_YEAR)


def test_cli_rejects_a_run_no_longer_than_the_warm_up(tmp_path, capsys):
    code = main(["run", str(SCENARIOS / "baseline.toml"), "--years", "2", "--reps", "1", "--quiet",
                 "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and "burn_in_years" in err
    assert not (tmp_path / "o").exists()


def test_public_cost_is_the_sum_of_its_parts(run):
    for r in run.raws:
        parts = r["spend"] + r["admin_cost"] + r["inhouse_cost"] + r["reform_cost"] - r["fraud_recovered"] - r["fines"]
        assert r["public_cost"] == pytest.approx(parts)
    s = run.summary()
    raws = run.raws[MONTHS_PER_YEAR:]
    assert s["cost_per_quality"] == pytest.approx(sum(r["public_cost"] for r in raws) / sum(r["q_all_people"] for r in raws))
    assert s["public_cost"] > s["spend"] + s["admin_cost"]  # in-house provision is in it
    assert 0 < s["service_quality"] < 1


@pytest.mark.parametrize("scenario, part", [("publicity", "publicity"), ("kpi_contracts", "kpi"),
                                            ("disclosure", "disclosure"), ("citizen_menu", "menu"),
                                            ("incubation", "incubation")])
def test_each_reform_is_charged_only_when_switched_on(scenario, part):
    base = load_params(SCENARIOS / "baseline.toml")
    on = load_scenario(SCENARIOS / f"{scenario}.toml").params()
    b, r = reform_parts(base, 10, 3.0), reform_parts(on, 10, 3.0)
    assert b[part] == 0 and r[part] > 0
    assert {k: v for k, v in r.items() if k != part} == {k: v for k, v in b.items() if k != part}


def test_rating_cost_follows_the_households_polled():
    p = load_params(None, {"citizens.raters": 30})
    assert reform_parts(p, 0, 4.0)["rating"] == pytest.approx(4 * 30 * p.costs.rating_yuan_household)
    off = load_params(None, {"evaluation.citizen_weight": 0.0, "evaluation.kpi_weight": 0.5})
    assert reform_parts(off, 0, 4.0)["rating"] == 0


def _runs(d_cost, d_q, d_nb):
    rows = []
    for k, (c, q, n) in enumerate(zip(d_cost, d_q, d_nb)):
        rows.append({"scenario": "baseline", "replicate": k, "public_cost": 1000.0, "service_quality": 0.5,
                     "no_bid_rate_village": 0.4})
        rows.append({"scenario": "reform", "replicate": k, "public_cost": 1000.0 + c, "service_quality": 0.5 + q,
                     "no_bid_rate_village": 0.4 + n})
    return pd.DataFrame(rows)


def test_cost_effectiveness_ratio_and_verdicts():
    gain = cost_effectiveness(_runs([100, 110, 90, 100], [0.02, 0.021, 0.019, 0.02], [0, 0, 0, 0]), "baseline")
    r = gain.iloc[0]
    assert r["verdict"] == "gain" and r["n_pairs"] == 4
    assert r["cost_per_gain"] == pytest.approx(100 / 0.02 * QUALITY_STEP)
    assert r["cost_per_gain_low"] < r["cost_per_gain"] < r["cost_per_gain_high"]
    assert r["d_cost_low"] < 100 < r["d_cost_high"]
    unclear = cost_effectiveness(_runs([100, 100, 100], [0.01, -0.01, 0.001], [0, 0, 0]), "baseline").iloc[0]
    assert unclear["verdict"] == "unclear" and math.isnan(unclear["cost_per_gain"])
    loss = cost_effectiveness(_runs([5, 6, 7], [-0.01, -0.011, -0.012], [0, 0, 0]), "baseline").iloc[0]
    assert loss["verdict"] == "loss"


def test_robustness_table_saved_and_shown_in_the_report(tmp_path, capsys):
    from experiments.commands.validate import save_robustness
    from experiments.studies.common import SMALL_REGION, Context

    region = {**SMALL_REGION, "region.n_towns": 2, "burn_in_years": 1}
    ctx = Context(True, region, 2, (1, 2), region, 2, (1, 2), 3)
    csv = save_robustness(ctx, tmp_path / "rob", ["validate", "--fast"])
    table = pd.read_csv(csv)
    meta = json.loads((tmp_path / "rob" / "manifest.json").read_text(encoding="utf-8"))
    assert len(table) == 5 and set(table["reform"]) == {"reform_package"}  # one row per headline outcome
    assert meta["command"] == "python -m experiments validate --fast" and meta["screen"]["points"] == 3
    assert table["kept"].between(0, 1).all() and (table["kept_low"] <= table["kept"]).all()

    exp = tmp_path / "exp.toml"
    exp.write_text(f"""
[experiment]
name = "tiny_costs"
seed = 4
replications = 2
years = 2
baseline = "baseline"
outcomes = ["quality_delivered", "public_cost", "cost_per_quality"]
scenarios = ["{SCENARIOS / 'baseline.toml'}", "{SCENARIOS / 'publicity.toml'}"]
[overrides]
"region.n_towns" = 2
"region.villages_per_town" = 6
"region.households_per_village" = 10
"burn_in_years" = 1
""")
    out = tmp_path / "out"
    assert main(["run", str(exp), "--out", str(out), "--executor", "serial", "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["experiment"]["burn_in_years"] == [1]
    assert {s["burn_in_years"] for s in manifest["scenarios"]} == {1}
    assert main(["report", str(out), "--robustness", str(tmp_path / "rob")]) == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Full public cost and cost-effectiveness" in md and "## Robustness over the parameter space" in md
    assert "python -m experiments validate --fast" in md
    ce = pd.read_csv(out / "cost_effectiveness.csv")
    runs = pd.read_parquet(out / "runs.parquet").set_index(["scenario", "replicate"])["public_cost"]
    assert list(ce["scenario"]) == ["publicity"]
    assert ce["d_cost"].iloc[0] == pytest.approx((runs["publicity"] - runs["baseline"]).mean())
    capsys.readouterr()
    assert main(["report", str(out), "--robustness", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --robustness") and err.count("\n") == 1
