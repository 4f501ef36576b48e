"""Calibration (issue 11): recover known parameters from data the model generated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.__main__ import main as cli
from experiments.analysis.calibrate import load_calibration, objective, run_calibration
from experiments.engine.spec_checks import SpecError
from fakemodel import BACKEND as FAKE

TINY = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20, "burn_in_years": 0}


def _fake_targets(tmp_path: Path, method: str, extra: str = "") -> Path:
    # fake model: quality_delivered = (0.5 + 0.3 * price_weight) * (1 + noise); truth 0.6
    path = tmp_path / "targets.toml"
    path.write_text(f"""
[calibration]
name = "fake"
method = "{method}"
replications = 3
years = 1
budget = 30
{extra}
[parameters]
"procurement.price_weight" = {{ range = [0.1, 1.0] }}
[targets]
quality_delivered = {{ value = 0.68, se = 0.005 }}
satisfaction = {{ value = 0.62, se = 0.01, label = "a survey" }}
""")
    return path


@pytest.mark.parametrize("method", ["smm", "abc"])
def test_fake_recovers_known_parameter(tmp_path, method):
    res = run_calibration(_fake_targets(tmp_path, method), tmp_path / "out", backend=FAKE)
    est = res.estimates.set_index("parameter").loc["procurement.price_weight"]
    assert est["estimate"] == pytest.approx(0.6, abs=0.05)
    assert est["low"] <= 0.6 <= est["high"] or abs(est["estimate"] - 0.6) < 0.03
    assert est["low"] < est["estimate"] < est["high"]
    assert (res.fit["z"].abs() < 3).all()
    for name in ("calibration_estimates.csv", "calibration_fit.csv", "calibration.md",
                 "calibration_evaluations.csv", "figures/calibration_fit.png"):
        assert (tmp_path / "out" / name).is_file()
    assert res.markdown.startswith("## Calibration")
    assert res.fit.set_index("moment")["label"].to_dict() == {"quality_delivered": "", "satisfaction": "a survey"}
    assert "| a survey |" in res.markdown and "| — |" in res.markdown
    assert len(res.evaluations) >= 10 and res.evaluations["J"].min() <= res.objective + 1e-9 \
        or method == "abc"


def test_smm_deterministic_and_resumes(tmp_path):
    path = _fake_targets(tmp_path, "smm", "budget = 12")
    path.write_text(path.read_text().replace("budget = 30\n", ""))
    a = run_calibration(path, tmp_path / "a", backend=FAKE)
    b = run_calibration(path, tmp_path / "a", backend=FAKE)  # resumed: nothing re-run
    pd.testing.assert_frame_equal(a.estimates, b.estimates)
    runs = pd.read_parquet(tmp_path / "a" / "runs.parquet")
    assert len(runs) == len(a.evaluations) * 3


def test_objective_penalises_undefined():
    from experiments.analysis.calibrate import PENALTY, Target

    t = [Target("a", 1.0, 0.5)]
    j = objective(pd.DataFrame({"a": [1.0, 2.0, np.nan]}), t)
    assert j.tolist() == [0.0, 4.0, PENALTY]


def test_bad_targets(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[calibration]\nmethod = "mcmc"\n[parameters]\n"x" = { range = [0, 1] }\n'
                   '[targets]\nspend = { value = 1, se = 1 }\n')
    code = cli(["calibrate", str(bad), "--backend", "fakemodel:BACKEND",
                "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "method" in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()
    bad.write_text('[calibration]\n[parameters]\n"procurement.price_weight" = { range = [0, 1] }'
                   '\n[targets]\nnot_an_outcome = { value = 1, se = 1 }\n')
    with pytest.raises(SpecError, match="not_an_outcome: unknown outcome"):
        load_calibration(bad, FAKE)
    bad.write_text('[calibration]\n[parameters]\n"nope.x" = { range = [0, 1] }'
                   '\n[targets]\nspend = { value = 1, se = 1 }\n')
    code = cli(["calibrate", str(bad), "--backend", "fakemodel:BACKEND",
                "--out", str(tmp_path / "o")])
    assert code == 2 and "nope.x" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_targets_carry_source_and_label(tmp_path):
    """Optional source/label text is kept; other keys, or text where a number belongs, are refused."""
    head = '[calibration]\n[parameters]\n"procurement.price_weight" = { range = [0, 1] }\n'
    good = tmp_path / "good.toml"
    good.write_text(head + '[targets.spend]\nvalue = 1\nse = 0.5\nlabel = "China, county services"\n'
                    'source = "a bureau, 2019, table 2"\n[targets]\nsatisfaction = { value = 0.6, se = 0.1 }\n')
    spend, sat = load_calibration(good, FAKE).targets
    assert (spend.value, spend.se, spend.label, spend.source) == (1.0, 0.5, "China, county services",
                                                                   "a bureau, 2019, table 2")
    assert (sat.label, sat.source) == ("", "")
    for spec, message in (('{ value = 1, se = 1, label = 3 }', "optionally source"),
                          ('{ value = 1, se = 1, note = "x" }', "optionally source"),
                          ('{ value = 1, label = "x" }', "se > 0")):
        bad = tmp_path / "bad.toml"
        bad.write_text(head + f"[targets]\nspend = {spec}\n")
        with pytest.raises(SpecError, match=message):
            load_calibration(bad, FAKE)


def test_shipped_targets_are_labelled_and_sourced():
    cal = load_calibration(Path(__file__).resolve().parents[1] / "experiments" / "calibration_targets.toml")
    assert cal.targets and all(t.label and t.source and t.se > 0 for t in cal.targets)


@pytest.mark.slow
def test_real_model_recovers_bid_cost(tmp_path):
    """Observed moments from the model at bid_cost = 1000 yuan (other seeds); SMM finds it."""
    from model import load_params, simulate

    truth, reps = 1000.0, 3
    params = load_params(None, overrides={**TINY, "procurement.bid_cost_yuan": truth})
    sims = pd.DataFrame([simulate(params, seed=900 + k, years=2).summary for k in range(reps)])
    moments = ["bids_per_tender", "no_bid_rate"]
    rows = "\n".join(f"{m} = {{ value = {float(sims[m].mean())!r}, se = "
                     f"{float(max(sims[m].std(ddof=1) / np.sqrt(reps), 0.01))!r} }}" for m in moments)
    over = "\n".join(f'"{k}" = {v}' for k, v in TINY.items())
    path = tmp_path / "real.toml"
    path.write_text(f"""
[calibration]
name = "real"
seed = 5
replications = {reps}
years = 2
budget = 24
popsize = 6
[overrides]
{over}
[parameters]
"procurement.bid_cost_yuan" = {{ range = [100.0, 3000.0] }}
[targets]
{rows}
""")
    res = run_calibration(path, tmp_path / "out")
    est = res.estimates.iloc[0]
    assert est["estimate"] == pytest.approx(truth, rel=0.35)
    assert np.isfinite(est["se"]) and est["se"] > 0


def test_identification_check_recovers_the_known_point(tmp_path):
    """The identification check simulates the targets at the middle of the range (0.55) and the
    same calibration finds it again; a point outside the interval would fail it."""
    from experiments.analysis.identify import identify

    table, sim = identify(_fake_targets(tmp_path, "smm"), tmp_path / "id", backend=FAKE)
    row = table.set_index("parameter").loc["procurement.price_weight"]
    assert row["known"] == pytest.approx(0.55)
    assert row["estimate"] == pytest.approx(0.55, abs=0.05) and row["error_share"] < 0.06
    # the targets are the model's moments there, not the file's
    assert sim.targets[0].value == pytest.approx((0.5 + 0.3 * 0.55), rel=0.02)
    assert (tmp_path / "id" / "identification.csv").is_file()


def test_fit_replications_give_the_fit_table_its_own_runs(tmp_path):
    """With fit_replications above replications, the fit at the estimate comes from that many
    runs (in OUT/fit), so its interval is not a 3-run t-interval."""
    path = _fake_targets(tmp_path, "smm", "fit_replications = 8")
    res = run_calibration(path, tmp_path / "out", backend=FAKE)
    runs = pd.read_parquet(tmp_path / "out" / "fit" / "runs.parquet")
    assert len(runs) == 8
    fit = res.fit.set_index("moment").loc["quality_delivered"]
    assert fit["sim_low"] < fit["simulated"] < fit["sim_high"]
