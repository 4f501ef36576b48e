"""What a Mesa user expects of ProcurementModel holds (DESIGN.md principle 9; issue 18)."""

from __future__ import annotations

from functools import partial

import mesa
import numpy as np
from pandas.testing import assert_frame_equal

from model import ProcurementModel, load_params

SMALL = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20, "years": 1,
         "burn_in_years": 0}


def test_rng_is_mesas_generator_and_the_named_streams_live_apart():
    m = ProcurementModel(load_params(None, SMALL), seed=4)
    assert isinstance(m.rng, np.random.Generator)
    assert m.rng.bit_generator.state == np.random.default_rng(4).bit_generator.state  # Mesa's rng=seed
    assert m.streams["notices"] is m.streams["notices"]
    plain = ProcurementModel(load_params(None, SMALL), seed=4)
    for _ in range(12):  # a user drawing from model.rng never shifts the model's own draws
        m.rng.random(7)
        m.step()
        plain.step()
    assert_frame_equal(m.timeseries(), plain.timeseries(), check_exact=True)


def test_running_turns_false_after_the_configured_years():
    m = ProcurementModel(load_params(None, SMALL), seed=1)
    assert m.running
    n = 0
    while m.running:
        m.step()
        n += 1
    assert n == 12 and m.month == 12


def test_datacollector_is_filled_by_its_public_collect_and_a_users_collect_corrupts_nothing():
    m = ProcurementModel(load_params(None, SMALL), seed=2).run(1)
    dc = m.datacollector.get_model_vars_dataframe()
    ts = m.timeseries()
    assert (dc["seed"] == 2).all()                  # the run's seed, a reporter for batch_run's rows
    monthly = dc[[c for c in dc.columns if not c.startswith("summary_") and c != "seed"]]
    assert len(dc) == 12 and list(monthly.columns) == list(ts.columns[1:])
    np.testing.assert_array_equal(monthly.to_numpy(float), ts.drop(columns="month").to_numpy(float))
    summary = dc[[f"summary_{c}" for c in ts.columns[1:]]]
    assert summary.iloc[:11].isna().all().all()  # the run's summary arrives in its last month
    np.testing.assert_array_equal(summary.iloc[11].to_numpy(float),
                                  np.array([m.summary()[c] for c in ts.columns[1:]], dtype=float))
    m.datacollector.collect(m)  # an extra collect appends a row to Mesa's series only
    assert len(m.datacollector.get_model_vars_dataframe()) == 13
    assert_frame_equal(m.timeseries(), ts, check_exact=True)


def test_the_collectors_direct_route_records_what_mesas_own_collect_records():
    """OutcomeCollector skips Mesa's per-value dispatch and deepcopy while the reporters are the
    model's own: the frame is what Mesa's own collect gives, value for value; a reporter a user
    adds sends every later collect through Mesa's route, which fills it."""
    fast = ProcurementModel(load_params(None, SMALL), seed=3)
    mesas = ProcurementModel(load_params(None, SMALL), seed=3)
    mesas.datacollector.collect = partial(mesa.DataCollector.collect, mesas.datacollector)
    fast.run(1)
    mesas.run(1)
    assert_frame_equal(fast.datacollector.get_model_vars_dataframe(),
                       mesas.datacollector.get_model_vars_dataframe(), check_exact=True)
    assert fast.datacollector._collection_steps == mesas.datacollector._collection_steps
    m = ProcurementModel(load_params(None, {**SMALL, "years": 2}), seed=3)
    m.run(1)
    m.datacollector._new_model_reporter("month_seen", lambda model: model.month)
    m.step()
    dc = m.datacollector.model_vars
    assert dc["month_seen"] == [13] and len(dc["seed"]) == 13


def test_no_hollow_agents():
    m = ProcurementModel(load_params(None, SMALL), seed=2)
    m.step()
    assert len(m.agents) == 0 and len(m.firms) > 0 and len(m.buyers) > 0


def test_mesa_batch_run_works_with_keyword_parameters():
    import mesa

    small = {k.replace(".", "__"): v for k, v in SMALL.items()}
    out = mesa.batch_run(ProcurementModel, parameters={**small, "procurement__award_rule": ["lowest_price", "scoring"]},
                         rng=[3], max_steps=100, data_collection_period=-1, display_progress=False)
    assert [r["procurement__award_rule"] for r in out] == ["lowest_price", "scoring"]
    assert all(r["Step"] == 12 for r in out)  # running turned False after years = 1
    direct = ProcurementModel(load_params(None, {**SMALL, "procurement.award_rule": "scoring"}), seed=3).run(1)
    assert out[1]["trust"] == direct.timeseries()["trust"].iloc[-1]
    # one row per run with its parameters and its summary outcomes
    assert out[1]["summary_no_bid_rate_village"] == direct.summary()["no_bid_rate_village"]
    assert out[1]["summary_quality_delivered"] == direct.summary()["quality_delivered"]


def test_mesa_batch_run_iterations_and_fresh_seeds():
    import warnings

    import mesa

    small = {k.replace(".", "__"): v for k, v in SMALL.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Mesa deprecates iterations= for rng=
        out = mesa.batch_run(ProcurementModel, parameters=small, iterations=2, max_steps=100,
                             display_progress=False)
    assert len(out) == 2 and all(r["Step"] == 12 for r in out)
    m1, m2 = ProcurementModel(load_params(None, SMALL), seed=None), ProcurementModel(load_params(None, SMALL), seed=None)
    assert m1.seed != m2.seed and m1.seed >= 0  # seed=None: a fresh seed, kept to repeat the run


def test_bad_seeds_and_keywords_are_refused():
    import pytest

    from model.params import ParamError

    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        ProcurementModel(seed=-1)
    with pytest.raises(ParamError, match="procurement.award_rul"):
        ProcurementModel(procurement__award_rul="scoring")


def test_rng_is_mesa_3s_keyword_for_the_seed():
    import pytest

    p = load_params(None, SMALL)
    a, b = ProcurementModel(p, rng=5), ProcurementModel(p, seed=5)
    assert a.seed == b.seed == 5
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    for m in (a, b):
        m.run(1)
    assert_frame_equal(a.timeseries(), b.timeseries(), check_exact=True)
    assert ProcurementModel(p, seed=5, rng=5).seed == 5                   # both, equal: fine
    assert ProcurementModel(p).seed == 0                                  # neither: the default 0
    with pytest.raises(ValueError, match=r"seed=1 and rng=2 differ: .* give one"):
        ProcurementModel(p, seed=1, rng=2)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        ProcurementModel(p, rng=-3)
    fresh = ProcurementModel(p, rng=None)
    assert fresh.seed >= 0 and fresh.seed != ProcurementModel(p, rng=None).seed


def test_batch_run_rows_name_the_actual_seed_of_fresh_runs():
    """rng=[None] * k: each row's seed is the fresh seed the run drew, and repeats the run."""
    import mesa

    small = {k.replace(".", "__"): v for k, v in SMALL.items()}
    out = mesa.batch_run(ProcurementModel, parameters=small, rng=[None, None, 7], max_steps=100,
                         data_collection_period=-1, display_progress=False)
    seeds = [r["seed"] for r in out]
    assert all(isinstance(s, int) and s >= 0 for s in seeds) and seeds[2] == 7
    assert seeds[0] != seeds[1]
    again = ProcurementModel(load_params(None, SMALL), seed=seeds[0]).run(1)
    assert out[0]["summary_quality_delivered"] == again.summary()["quality_delivered"]
