"""The robustness screen's analysis (issue 21), on synthetic intervals where the answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from experiments.studies import screen
from experiments.studies.common import Context


def test_classify_needs_the_interval_clear_of_zero():
    iv = np.array([[0.5, 0.1, 0.9], [0.5, -0.1, 1.1], [-0.4, -0.6, -0.2], [0.0, 0.0, 0.0]])
    kept, rev = screen.classify(iv, +1)
    assert kept.tolist() == [True, False, False, False] and rev.tolist() == [False, False, True, False]
    kept, rev = screen.classify(iv, -1)
    assert kept.tolist() == [False, False, True, False] and rev.tolist() == [True, False, False, False]


def test_share_ci_is_exact_binomial():
    m, lo, hi = screen.share_ci(np.array([True] * 30))
    assert m == 1.0 and hi == 1.0 and lo == pytest.approx(0.025 ** (1 / 30))
    m, lo, hi = screen.share_ci(np.zeros(30, bool))
    assert m == 0.0 and lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 30))
    assert all(math.isnan(x) for x in screen.share_ci(np.zeros(0, bool)))


def test_drivers_rank_the_parameter_that_decides_the_sign():
    rng = np.random.default_rng(0)
    x = rng.random((40, 3))
    y = 2.0 * (x[:, 1] - 0.5) + 0.05 * rng.standard_normal(40)  # the sign flips at x1 = 0.5
    method, ranked = screen.drivers(x, y, ["a", "b", "c"])
    assert method == "PRCC" and ranked[0][0] == "b" and ranked[0][1] > 0.9 and ranked[0][2] < 1e-6
    kept = y > 0
    below, above = screen.split(x[:, 1], kept, 0.5)
    assert below < 0.2 and above > 0.8


def test_partial_rank_correlation_is_not_fooled_by_a_correlated_input():
    # "c" has no effect but is correlated with "b" in the sample, as a Latin hypercube's inputs can be
    rng = np.random.default_rng(1)
    b = rng.random(30)
    c = b + 0.3 * rng.random(30)
    x = np.column_stack([rng.random(30), b, c])
    y = b + 0.05 * rng.standard_normal(30)
    spearman = {n: abs(r) for n, r, _ in screen.drivers(x[:4], y[:4], ["a", "b", "c"])[1]}
    assert screen.drivers(x[:4], y[:4], ["a", "b", "c"])[0] == "Spearman ρ" and len(spearman) == 3
    from scipy import stats

    assert stats.spearmanr(c, y).statistic > 0.8  # the plain rank correlation calls "c" a driver
    method, ranked = screen.drivers(x, y, ["a", "b", "c"])
    coef = {n: r for n, r, _ in ranked}
    assert method == "PRCC" and ranked[0][0] == "b" and abs(coef["c"]) < 0.4 and abs(coef["a"]) < 0.4


def test_factors_are_parameters_with_ranges_inside_their_bounds():
    from model.params import DEFAULTS, load_params

    for f in screen.FACTORS:
        assert f.name in DEFAULTS, f.name
        assert f.low < DEFAULTS[f.name] < f.high or f.name == "procurement.legal_min_bidders"
        load_params(overrides={f.name: f.low})  # the strict loader accepts both ends
        load_params(overrides={f.name: f.high})
    assert len(screen.points(Context.make(True))) == 4


def test_screened_parameters_are_not_set_by_the_reforms():
    # a factor a reform scenario sets would be overwritten at every point, erasing the reform
    from model import load_scenario
    from experiments.studies.common import SCENARIOS

    names = {f.name for f in screen.FACTORS}
    reforms = screen.reforms(Context.make(False))
    assert "reform_package" in reforms and "baseline" not in reforms and len(reforms) == 7
    for name in reforms:
        assert not names & set(load_scenario(SCENARIOS / f"{name}.toml").overrides), name
