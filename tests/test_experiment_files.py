"""The research-question experiment files parse, validate and run at a tiny size."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from model.param_tree import Params

from experiments.__main__ import main
from experiments.engine.backend import REAL
from experiments.engine.spec import load_experiment, make_plan

EXPERIMENTS = Path(__file__).resolve().parent.parent / "experiments"
FILES = ["procurement_rules", "evaluation_weights", "blacklist_policies", "no_bidder",
         "monitoring", "reform_package"]
# one year: the files' reforms start in year 4 (tests/test_reform_start.py runs a switch)
TINY = ["--reps", "2", "--years", "1", "--reform-start-year", "1", "--set", "region.n_towns=2",
        "--set", "region.villages_per_town=8", "--set", "region.households_per_village=20", "--set", "burn_in_years=0"]
ARTICLE_ROW = re.compile(r"\b[SPR]\d{1,2}\b")


@pytest.mark.parametrize("name", FILES)
def test_file_is_documented_and_full_size(name: str):
    exp = load_experiment(EXPERIMENTS / f"{name}.toml", REAL)
    assert exp.name == name
    assert ARTICLE_ROW.search(exp.description), f"{name}: description cites no article row"
    assert exp.replications == 10 and exp.years == 12
    defaults = Params()
    # after the warm-up: reforms in a running county (DESIGN.md 16), a summary window of 7 years
    assert exp.reform_start_year == defaults.burn_in_years + 1 and exp.years - defaults.burn_in_years == 7
    assert exp.baseline == "baseline" and exp.scenarios[0].name == "baseline"
    assert exp.outcomes, f"{name}: no outcomes of interest"
    for sc in exp.scenarios:
        assert sc.description.strip(), f"{name}: scenario {sc.name} has no description"
    names = [sc.name for sc in exp.scenarios]
    assert len(names) == len(set(names)) >= 5


@pytest.mark.parametrize("name", FILES)
def test_file_runs_at_tiny_size(name: str, tmp_path: Path):
    out = tmp_path / name
    extra = ["--tenders"] if name == "no_bidder" else []
    code = main(["run", str(EXPERIMENTS / f"{name}.toml"), "--out", str(out), "--executor",
                 "serial", "--quiet", *TINY, *extra])
    assert code == 0
    exp = load_experiment(EXPERIMENTS / f"{name}.toml", REAL)
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 2 * len(exp.scenarios)
    assert set(runs["scenario"]) == {sc.name for sc in exp.scenarios}
    assert runs[list(exp.outcomes)].notna().any().all()
    if name == "no_bidder":
        tenders = pd.read_parquet(out / "tenders.parquet")
        assert {"run_id", "distance_km", "level", "mode", "bids"} <= set(tenders.columns)
        assert (tenders["mode"] == "jiebang_posting").any()


def test_evaluation_weights_is_a_simplex_grid():
    exp = load_experiment(EXPERIMENTS / "evaluation_weights.toml", REAL)
    plan = make_plan(exp, REAL)  # resolves every scenario through the strict loader
    grid = {}
    for name, p in plan.scenario_params.items():
        if not name.startswith("w_"):
            continue
        assert p["procurement.award_rule"] == "scoring"
        w = [p[f"scoring.{k}_weight"] for k in ("price", "technical", "reputation", "citizen")]
        assert sum(w) == pytest.approx(1.0, abs=1e-9)
        assert w[0] >= p["scoring.price_weight_floor"] - 1e-12
        rest = w[1] + w[2]
        if rest > 0:
            assert w[1] / rest == pytest.approx(0.7, abs=1e-3)
        grid[(round(w[0], 3), round(w[3], 3))] = name
    prices = [round(0.1 * k, 3) for k in range(1, 8)]
    citizens = [round(0.1 * k, 3) for k in range(0, 4)]
    assert set(grid) == {(pw, cw) for pw in prices for cw in citizens}
    assert plan.scenario_params["baseline"]["procurement.award_rule"] == "lowest_price"


def test_scenario_paths_exist():
    for name in FILES:
        doc = tomllib.loads((EXPERIMENTS / f"{name}.toml").read_text(encoding="utf-8"))
        items = doc.get("scenarios") or doc["experiment"].get("scenarios")
        for item in items:
            path = item if isinstance(item, str) else item.get("path")
            if path:
                assert (EXPERIMENTS / path).is_file(), f"{name}: {path} missing"
