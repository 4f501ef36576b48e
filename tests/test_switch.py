"""Reforms switched on in a running county (model/switch.py; DESIGN.md principle 16, issue 30 item 5)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest

from model import ProcurementModel, load_params, simulate
from model.costs import reform_parts
from model.switch import WORLD_PATHS, world_differences
from model.table import Table

ROOT = Path(__file__).resolve().parent.parent
TINY = {"region.n_towns": 2, "region.villages_per_town": 8, "region.households_per_village": 20,
        "years": 3, "burn_in_years": 1}
# a reform touching every object the model derives from its parameters when it is built
WIDE = {"procurement.award_rule": "scoring", "scoring.price_weight": 0.3, "scoring.technical_weight": 0.3,
        "scoring.reputation_weight": 0.1, "scoring.citizen_weight": 0.3, "blacklist.scope": "buyer",
        "blacklist.duration": "1y", "bidding.prior_rivals": 4.0, "bidding.markup_init": 0.2,
        "citizens.perception_noise": 0.2, "citizens.trust_rate": 0.1, "monitoring.random_prob": 0.5, "delivery.kpi_share": 0.5}


@pytest.fixture(scope="module")
def base():
    return load_params(None, overrides=TINY)


@pytest.fixture(scope="module")
def package():
    return load_params(ROOT / "experiments/scenarios/reform_package.toml", overrides=TINY)


@pytest.fixture(scope="module")
def runs(base, package):
    return {"base": simulate(base, seed=3), "from_start": simulate(package, seed=3),
            "switched": simulate(package, seed=3, baseline=base, reform_start_year=2)}


def test_years_before_the_switch_are_the_baselines_and_differ_after(runs):
    b, s, f = (runs[k].timeseries for k in ("base", "switched", "from_start"))
    pd.testing.assert_frame_equal(s.iloc[:12], b.iloc[:12])
    assert not s.iloc[:12].equals(f.iloc[:12])  # the package from the start differs in year 1
    after = s.iloc[12:].drop(columns="month") - b.iloc[12:].drop(columns="month")
    assert (after.abs().to_numpy() > 1e-9).sum() > 50
    assert s["satisfaction"].iloc[12:].to_numpy().tolist() != b["satisfaction"].iloc[12:].to_numpy().tolist()


def test_reform_costs_are_charged_from_year_k(runs, package):
    b, s = runs["base"].timeseries, runs["switched"].timeseries
    assert np.array_equal(s["reform_cost"].iloc[:12], b["reform_cost"].iloc[:12])
    fixed = reform_parts(package, 0, 0.0)  # publicity, disclosure, menu: charged every month switched on
    floor = fixed["publicity"] + fixed["disclosure"] + fixed["menu"]
    assert floor > 0 and (s["reform_cost"].iloc[12:] >= floor - 1e-6).all()
    # year 1: the baseline's costs only (months 1-11; month 12 adds the status quo's own citizens' rating of
    # every contract evaluated)
    assert (s["reform_cost"].iloc[:11] < floor).all()


def test_switching_to_the_same_parameters_is_bit_identical(base, runs):
    same = simulate(base, seed=3, baseline=base, reform_start_year=2)
    pd.testing.assert_frame_equal(same.timeseries, runs["base"].timeseries, check_exact=True)
    assert pd.Series(same.summary).equals(pd.Series(runs["base"].summary))  # NaN where both are NaN
    m = ProcurementModel(base, seed=3).run(1)
    m.switch_params(base)
    m.run(2)
    pd.testing.assert_frame_equal(m.timeseries(), runs["base"].timeseries, check_exact=True)


@pytest.mark.parametrize("k", [None, 1])
def test_no_switch_is_todays_run(base, package, runs, k):
    other = base.with_overrides({"region.n_towns": 3})  # ignored: k None or 1 runs params from the start
    res = simulate(package, seed=3, baseline=other, reform_start_year=k)
    pd.testing.assert_frame_equal(res.timeseries, runs["from_start"].timeseries, check_exact=True)


@pytest.mark.parametrize("overrides,named", [
    ({"region.n_towns": 3}, ["region.n_towns"]),
    ({"firms.local.count": 5, "citizens.trust_init": 0.3}, ["citizens.trust_init", "firms.local.count"]),
    ({"burn_in_years": 2}, ["burn_in_years"]),
])
def test_a_different_world_is_refused(base, overrides, named):
    p = base.with_overrides(overrides)
    assert world_differences(base, p) == named
    with pytest.raises(ValueError, match=", ".join(named)):
        simulate(p, seed=3, baseline=base, reform_start_year=2)
    m = ProcurementModel(base, seed=3)
    with pytest.raises(ValueError, match=named[0]):
        m.switch_params(p)
    assert m.p is base


@pytest.mark.parametrize("k", [0, 4, True, 2.0, "2"])
def test_reform_start_year_is_an_integer_within_the_run(base, k):
    with pytest.raises(ValueError, match="reform_start_year must be an integer from 1 to years = 3"):
        ProcurementModel(base, seed=3, baseline=base, reform_start_year=k)


def test_world_paths_are_read_only_when_the_world_is_built():
    """Each world-defining path exists, and none of the reform scenarios' changes is one."""
    flat = load_params().flat()
    for w in WORLD_PATHS:
        assert any(re.fullmatch(w, k) for k in flat), w
    base = load_params()
    for path in sorted((ROOT / "experiments/scenarios").glob("*.toml")):
        if not path.name.startswith("archetype_"):
            assert world_differences(base, load_params(path)) == [], path.name


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape \
            and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if isinstance(a, np.random.Generator):
        return a.bit_generator.state == b.bit_generator.state
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (np.isnan(a) and np.isnan(b))
    if dataclasses.is_dataclass(a) and type(a) is type(b):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, Table) and isinstance(b, Table):  # the rows in use (reserved rows are never written)
        return a._spec == b._spec and all(_same(a.col(k), b.col(k)) for k in a._spec)
    if hasattr(a, "__dict__") and type(a) is type(b) and not callable(a):
        return _same(vars(a), vars(b))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def test_a_switch_rebuilds_everything_derived_from_parameters(base):
    """At month 0, every attribute in which a model built with the reform differs from one built
    with the baseline is, after a switch, the reform's."""
    reform = base.with_overrides(WIDE)
    fresh_base, fresh_reform = ProcurementModel(base, seed=3), ProcurementModel(reform, seed=3)
    switched = ProcurementModel(base, seed=3)
    switched.switch_params(reform)
    skip = set(vars(mesa.Model(rng=1))) | {"datacollector", "phases"}
    derived = [k for k in vars(fresh_reform) if k not in skip
               and not _same(getattr(fresh_reform, k), getattr(fresh_base, k))]
    assert {"p", "kappa", "weights", "blacklist", "beliefs", "citizens"} <= set(derived)
    stale = [k for k in derived if not _same(getattr(switched, k), getattr(fresh_reform, k))]
    assert stale == []


def test_a_switched_run_keeps_the_invariants(base, package, runs):
    res = simulate(package, seed=3, baseline=base, reform_start_year=2, check_invariants=True)
    pd.testing.assert_frame_equal(res.timeseries, runs["switched"].timeseries, check_exact=True)


def test_mesa_batch_run_can_switch(base, package, runs):
    out = mesa.batch_run(ProcurementModel, parameters={"params": [package], "baseline": [base],
                                                       "reform_start_year": [1, 2]},
                         rng=[3], max_steps=100, data_collection_period=-1, display_progress=False)
    assert [r["reform_start_year"] for r in out] == [1, 2] and all(r["Step"] == 36 for r in out)
    assert out[0]["summary_trust"] == runs["from_start"].summary["trust"]
    assert out[1]["summary_trust"] == runs["switched"].summary["trust"] != out[0]["summary_trust"]


def test_a_switch_after_the_run_is_refused(base, package):
    with pytest.raises(ValueError, match="from 1 to years = 2"):
        simulate(package, seed=3, years=2, baseline=base, reform_start_year=3)
