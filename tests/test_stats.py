"""Known-answer tests for experiments.analysis.stats."""

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import stats


def _runs(shifts: dict[str, float], n: int = 12, noise: float = 1.0, seed: int = 3) -> pd.DataFrame:
    """Runs where scenario s = baseline twin + shifts[s] (+ optional per-pair noise on y)."""
    rng = np.random.default_rng(seed)
    base_x = rng.normal(10.0, 2.0, n)
    base_y = rng.normal(0.5, 0.1, n)
    rows = []
    for sc, shift in {"baseline": 0.0, **shifts}.items():
        jitter = np.zeros(n) if sc == "baseline" else rng.normal(0, noise, n)
        for k in range(n):
            rows.append({"run_id": f"{sc}-{k}", "experiment": "t", "scenario": sc, "replicate": k,
                         "seed": 100 + k, "x": base_x[k] + shift, "y": base_y[k] + shift + jitter[k]})
    return pd.DataFrame(rows)


def test_holm_textbook():
    np.testing.assert_allclose(stats.holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_keeps_nan():
    out = stats.holm([0.5, np.nan, 0.4])
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[[0, 2]], [0.8, 0.8])
    np.testing.assert_allclose(stats.holm([0.9, 0.8]), [1.0, 1.0])
    assert stats.holm([]).size == 0


def test_bootstrap_ci_covers_mean_with_expected_width():
    rng = np.random.default_rng(42)
    sigma, n, mu = 3.0, 4000, 7.0
    x = rng.normal(mu, sigma, n)
    lo, hi = stats.bootstrap_ci(x, n_boot=2000, seed=1)
    assert lo < mu < hi
    expected = 2 * 1.96 * sigma / np.sqrt(n)
    assert abs((hi - lo) - expected) / expected < 0.10


def test_bootstrap_ci_small_and_deterministic():
    assert all(np.isnan(stats.bootstrap_ci([1.0])))
    assert all(np.isnan(stats.bootstrap_ci([np.nan, 2.0])))
    a = stats.bootstrap_ci([1, 2, 3, 4, 5.5], seed=9)
    assert a == stats.bootstrap_ci([1, 2, 3, 4, 5.5], seed=9)
    assert stats.bootstrap_ci([1, 2, 3, 4, 5.5], stat=np.median, seed=9)[0] >= 1


def test_scenario_means_columns_and_single_run():
    runs = _runs({"a": 1.0}, n=5)
    one = runs.iloc[[0]].assign(scenario="solo")
    m = stats.scenario_means(pd.concat([runs, one]), ["x", "y"], n_boot=500)
    assert list(m.columns) == ["scenario", "outcome", "n", "mean", "sd", "ci_low", "ci_high"]
    base_x = m[(m.scenario == "baseline") & (m.outcome == "x")].iloc[0]
    assert base_x["n"] == 5
    assert base_x["ci_low"] <= base_x["mean"] <= base_x["ci_high"]
    solo = m[m.scenario == "solo"].iloc[0]
    assert solo["n"] == 1 and np.isnan(solo["ci_low"]) and np.isnan(solo["sd"])


def test_scenario_means_drops_nan_and_is_deterministic():
    runs = _runs({"a": 1.0}, n=6)
    runs.loc[0, "x"] = np.nan
    m1 = stats.scenario_means(runs, ["x"], seed=5)
    m2 = stats.scenario_means(runs, ["x"], seed=5)
    pd.testing.assert_frame_equal(m1, m2)
    assert m1.iloc[0]["n"] == 5


def test_paired_differences_recovers_exact_shift():
    runs = _runs({"up": 0.75, "same": 0.0}, n=12, noise=0.0)
    d = stats.paired_differences(runs, ["x", "y"], n_boot=500)
    up = d[(d.scenario == "up") & (d.outcome == "x")].iloc[0]
    assert up["n_pairs"] == 12
    assert up["diff"] == pytest.approx(0.75, abs=1e-12)
    assert up["ci_low"] == pytest.approx(0.75) and up["ci_high"] == pytest.approx(0.75)
    assert up["p_value"] < 0.01 and up["significant"]
    same = d[d.scenario == "same"]
    assert (same["diff"] == 0).all() and (same["p_value"] == 1.0).all() and (same["p_holm"] == 1.0).all()
    assert not same["significant"].any()
    assert (same["effect_size"] == 0).all()
    assert "baseline" not in set(d.scenario)


def test_paired_differences_noisy_shift_ttest_and_wilcoxon():
    runs = _runs({"up": 0.5}, n=30, noise=0.2)
    for test in ("wilcoxon", "ttest"):
        d = stats.paired_differences(runs, ["y"], test=test, n_boot=500)
        r = d.iloc[0]
        assert abs(r["diff"] - 0.5) < 0.15 and r["ci_low"] < r["diff"] < r["ci_high"]
        assert r["p_value"] < 1e-4
    with pytest.raises(ValueError):
        stats.paired_differences(runs, ["y"], test="anova")


def test_cohens_dz_exact():
    # differences 1, 2, 3, 4, 5: mean 3, sd (ddof=1) sqrt(2.5)
    base = [10.0, 20.0, 30.0, 40.0, 50.0]
    rows = [{"scenario": "baseline", "replicate": k, "v": b} for k, b in enumerate(base)]
    rows += [{"scenario": "s", "replicate": k, "v": b + k + 1} for k, b in enumerate(base)]
    d = stats.paired_differences(pd.DataFrame(rows), "v", n_boot=200).iloc[0]
    assert d["diff"] == pytest.approx(3.0)
    assert d["effect_size"] == pytest.approx(3.0 / np.sqrt(2.5))
    assert d["rel_change"] == pytest.approx(3.0 / 30.0)
    assert d["mean_baseline"] == pytest.approx(30.0) and d["mean_scenario"] == pytest.approx(33.0)


def test_paired_differences_pairs_by_replicate_not_row_order():
    runs = _runs({"up": 1.0}, n=8, noise=0.0)
    shuffled = runs.sample(frac=1.0, random_state=0)
    d = stats.paired_differences(shuffled, "x", n_boot=100).iloc[0]
    assert d["diff"] == pytest.approx(1.0) and d["ci_high"] == pytest.approx(1.0)


def test_paired_differences_with_factor_strata_and_duplicates():
    runs = pd.concat([_runs({"up": 1.0}, n=6, noise=0.0).assign(**{"f.w": w}) for w in (0.1, 0.2)])
    runs.loc[(runs.scenario == "up") & (runs["f.w"] == 0.2), "x"] += 1.0
    with pytest.raises(ValueError, match="by"):
        stats.paired_differences(runs, "x")
    d = stats.paired_differences(runs, "x", by=["scenario", "f.w"], n_boot=100)
    assert list(d["f.w"]) == [0.1, 0.2]
    np.testing.assert_allclose(d["diff"], [1.0, 2.0])


def test_paired_differences_holm_within_scenario_and_determinism():
    runs = _runs({"a": 0.3, "b": 0.0}, n=10, noise=0.5)
    d1 = stats.paired_differences(runs, ["x", "y"], seed=11, n_boot=300)
    d2 = stats.paired_differences(runs, ["x", "y"], seed=11, n_boot=300)
    pd.testing.assert_frame_equal(d1, d2)
    for _, g in d1.groupby("scenario"):
        np.testing.assert_allclose(g["p_holm"], stats.holm(g["p_value"]))


def test_pareto_front_hand_made():
    df = pd.DataFrame({"cost": [1, 2, 3, 2, 4, np.nan], "quality": [0.2, 0.5, 0.9, 0.4, 0.9, 1.0]})
    mask = stats.pareto_front(df, maximise=["quality"], minimise=["cost"])
    assert list(mask) == [True, True, True, False, False, False]
    assert mask.index.equals(df.index)
    with pytest.raises(ValueError):
        stats.pareto_front(df)


def test_timeseries_bands_t_and_percentile():
    runs = _runs({"a": 1.0}, n=4)
    ts = pd.concat([pd.DataFrame({"run_id": r, "month": np.arange(1, 4), "q": float(i % 4)})
                    for i, r in enumerate(runs.run_id)])
    b = stats.timeseries_bands(ts, runs, "q")
    assert list(b.columns) == ["scenario", "month", "outcome", "n", "mean", "low", "high"]
    row = b.iloc[0]
    assert row["n"] == 4 and row["mean"] == pytest.approx(1.5)
    half = 3.182446305284263 * np.std([0, 1, 2, 3], ddof=1) / 2  # t(0.975, 3)
    assert row["high"] - row["mean"] == pytest.approx(half)
    p = stats.timeseries_bands(ts, runs, "q", method="percentile", ci=0.5)
    assert p.iloc[0]["low"] == pytest.approx(0.75) and p.iloc[0]["high"] == pytest.approx(2.25)


def test_wilson_known_values():
    lo, hi = stats.wilson_ci(np.array([0, 5]), np.array([10, 10]))
    assert lo[0] == 0 and hi[0] == pytest.approx(0.2775, abs=1e-4)
    assert lo[1] == pytest.approx(0.2366, abs=1e-4) and hi[1] == pytest.approx(0.7634, abs=1e-4)


def test_wide_means():
    m = stats.scenario_means(_runs({"a": 1.0}, n=5), ["x", "y"], n_boot=100)
    w = stats.wide_means(m)
    assert list(w["scenario"]) == ["baseline", "a"]
    assert {"x", "x_ci_low", "x_ci_high", "y_n"} <= set(w.columns)
