"""Smoke runs of the baseline scenario that assert real values, and the article's grassroots
problem on the default region: village tenders draw no bid far more often than city tenders."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from model import load_params, simulate
from model.metrics import OUTCOMES

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "experiments/scenarios/baseline.toml"
SMALL = {"region.n_towns": 3, "region.villages_per_town": 8, "region.households_per_village": 20, "burn_in_years": 0}
YEARS = 2
TENDER_COLUMNS = ["month", "level", "item", "value", "distance_km", "mode", "reserve", "notified",
                  "eligible", "bids", "winner", "price", "outcome", "method", "buyer_level", "place_level",
                  "attempt", "term_months"]
SHARE_UNITS = {"0–1", "share"}
SHARE_NAMES = ("no_bid_rate", "single_bid_rate", "failed_tender_rate", "coverage", "adoption",
               "quality_delivered", "quality_measured", "satisfaction", "trust", "trust_final")


@pytest.fixture(scope="module")
def run():
    params = load_params(BASELINE, overrides=SMALL)
    return simulate(params, seed=1, years=YEARS, tenders=True)


def share_outcomes() -> list[str]:
    names = [n for n, o in OUTCOMES.items() if o.unit in SHARE_UNITS]
    assert set(SHARE_NAMES) <= set(names), "these outcomes are declared as shares"
    return names


def test_timeseries_shape(run):
    ts = run.timeseries
    assert len(ts) == 12 * YEARS
    assert list(ts.columns) == ["month", *OUTCOMES]
    assert ts["month"].tolist() == list(range(1, 12 * YEARS + 1))
    assert all(ts[c].dtype == float for c in OUTCOMES)


def test_summary_keys(run):
    assert list(run.summary) == list(OUTCOMES)
    assert all(isinstance(v, float) for v in run.summary.values())


def test_shares_lie_in_unit_interval(run):
    for name in share_outcomes():
        v = run.summary[name]
        assert np.isnan(v) or 0.0 <= v <= 1.0, f"summary {name} = {v}"
        col = run.timeseries[name].dropna()
        assert ((col >= 0) & (col <= 1)).all(), f"timeseries {name}: {col.min()}..{col.max()}"
    # the headline shares are defined on the baseline, not NaN
    for name in ("coverage", "adoption", "quality_delivered", "satisfaction", "trust", "no_bid_rate"):
        assert np.isfinite(run.summary[name]), name


def test_money_and_counts(run):
    s = run.summary
    assert s["spend"] > 0
    assert s["tenders"] > 0
    assert s["fraud_loss"] >= 0 and s["admin_cost"] >= 0
    assert s["bids_per_tender"] >= 0 and s["active_contractors"] > 0
    for name in ("unserved_months", "entries", "exits", "fraud_attempts", "fraud_detected",
                 "terminations", "favouritism"):
        assert s[name] >= 0, name


def test_tender_log(run):
    log = run.tenders
    assert log is not None and len(log) > 0
    missing = [c for c in TENDER_COLUMNS if c not in log.columns]
    assert not missing, f"tender log lacks {missing}"
    assert set(log["level"].astype(str)) <= {"city", "town", "village"}
    assert log["month"].between(1, 12 * YEARS).all()
    assert len(log) == pytest.approx(run.summary["tenders"] * YEARS)  # every method's attempts
    assert (log.groupby("order")["attempt"].min() == 1).all()
    assert (log["method"] == log["mode"]).all() and (log["place_level"] == log["level"]).all()
    assert (log["value"] > 0).all() and (log["distance_km"] >= 0).all()
    assert (log["bids"] <= log["eligible"]).all() and (log["eligible"] <= log["notified"]).all()
    awarded = log["outcome"].astype(str) == "awarded"
    assert awarded.any()
    assert (log.loc[awarded, "winner"] >= 0).all() and (log.loc[awarded, "price"] > 0).all()
    assert (log.loc[~awarded, "winner"] < 0).all()


@pytest.mark.slow
def test_grassroots_problem_on_the_default_region():
    """The article's grassroots problem: on the default region (10 years, seeds 1–3) village
    tenders draw no bid far more often than city tenders."""
    params = load_params(BASELINE)
    village, city, seconds = [], [], []
    for seed in (1, 2, 3):
        t0 = time.perf_counter()
        res = simulate(params, seed=seed, years=10)
        seconds.append(time.perf_counter() - t0)
        village.append(res.summary["no_bid_rate_village"])
        city.append(res.summary["no_bid_rate_city"])
    print(f"default region, 10 years: {', '.join(f'{s:.2f}' for s in seconds)} s per run; "
          f"no-bid rate village {np.mean(village):.3f}, city {np.mean(city):.3f}")
    assert np.mean(village) > np.mean(city) + 0.2, (village, city)
    assert max(seconds) < 20, f"a 10-year baseline run should take seconds, took {seconds}"
