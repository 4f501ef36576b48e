"""EMA Workbench as a client: a tiny experiment through `experiments.ema.ema_model`."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ema_workbench")
from ema_workbench import SequentialEvaluator  # noqa: E402

from experiments.ema import dotted, ema_model, identifier  # noqa: E402
from model import load_params, simulate  # noqa: E402

BASELINE = Path(__file__).resolve().parents[1] / "experiments/scenarios/baseline.toml"
TINY = {"region.n_towns": 2, "region.villages_per_town": 4, "region.households_per_village": 10,
        "burn_in_years": 0}


def test_default_levers_and_uncertainties_come_from_the_experiment_files():
    m = ema_model(overrides=TINY, years=1)
    names = [p.name for p in m.levers] + [p.name for p in m.uncertainties]
    assert all(n.isidentifier() for n in names)
    assert "procurement__award_rule" in names and "procurement__bid_cost_yuan" in names
    assert dotted(identifier("procurement.award_rule")) == "procurement.award_rule"


def test_tiny_ema_experiment_matches_direct_runs():
    levers = {"procurement.award_rule": None, "procurement.legal_min_bidders": {"range": [1, 3]},
              "procurement.lots": None}
    uncertainties = {"procurement.bid_cost_yuan": {"range": [200.0, 2000.0]}}
    m = ema_model(levers, uncertainties, overrides=TINY, years=1, outcomes=("no_bid_rate", "quality_delivered"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # identifier names: no deprecation warning
        with SequentialEvaluator(m) as evaluator:
            experiments, outcomes = evaluator.perform_experiments(scenarios=2, policies=2)
    assert len(experiments) == 4 and outcomes["no_bid_rate"].shape == (4,)
    assert experiments["procurement__bid_cost_yuan"].nunique() == 2
    row = experiments.iloc[3]
    # EMA hands numpy scalars (np.int64, np.bool_) to the model; the tree takes them
    over = {**TINY, **{dotted(k): row[k] for k in ("procurement__award_rule", "procurement__legal_min_bidders",
                                                    "procurement__lots", "procurement__bid_cost_yuan")}}
    direct = simulate(load_params(BASELINE, over), seed=1, years=1).summary
    assert outcomes["no_bid_rate"][3] == pytest.approx(direct["no_bid_rate"], nan_ok=True)
    assert outcomes["quality_delivered"][3] == pytest.approx(direct["quality_delivered"])
    assert np.isfinite(outcomes["quality_delivered"]).all()
