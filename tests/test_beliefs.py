"""Firms' per-item beliefs (model/procurement/beliefs.py) and keyed private-cost draws (model/rng.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from model.procurement.beliefs import Beliefs
from model.rng import keyed_normal


def test_new_firms_start_at_the_priors():
    b = Beliefs(n_items=3, prior_win=1 / 3, markup_init=0.12)
    b.fit(2)
    assert b.win.shape[0] >= 2 and b.win.shape[1] == 3
    np.testing.assert_allclose(b.rivals(np.array([0, 1]), np.array([2, 0])), [2.0, 2.0])
    b.win[1, 0] = 0.5
    b.fit(200)  # growing keeps what was learned and gives the new rows the priors
    assert b.win[1, 0] == 0.5 and b.win[150, 2] == pytest.approx(1 / 3) and b.markup[199, 1] == 0.12


def test_observe_averages_the_win_chance_not_the_rivals():
    """A firm that saw, at item 0, one tender with no other bid and one with nine moves its win
    probability towards (1/1 + 1/10)/2 = 0.55, not 1/(1 + 4.5): in its first month seen by 1/2 (the
    prior is worth one month), then by max(belief_rate, 1/(k + 1))."""
    b = Beliefs(n_items=2, prior_win=1 / 3, markup_init=0.1)
    b.fit(3)
    b.observe(np.array([0, 0, 1]), np.array([0, 0, 1]), np.array([0.0, 9.0, 1.0]), rate=0.2)
    assert b.win[0, 0] == pytest.approx(0.5 / 3 + 0.5 * 0.55)
    assert b.win[1, 1] == pytest.approx(0.5 / 3 + 0.5 * 0.5)
    assert b.win[0, 1] == pytest.approx(1 / 3) and b.win[2, 0] == pytest.approx(1 / 3)  # unseen: unchanged
    w = b.win[0, 0]
    b.observe(np.array([0]), np.array([0]), np.array([0.0]), rate=0.2)  # second month: step 1/3
    assert b.win[0, 0] == pytest.approx(w + (1 - w) / 3)
    for _ in range(10):
        b.observe(np.array([0]), np.array([0]), np.array([1.0]), rate=0.2)
    w = b.win[0, 0]
    b.observe(np.array([0]), np.array([0]), np.array([0.0]), rate=0.2)  # past 4 months: belief_rate
    assert b.win[0, 0] == pytest.approx(0.8 * w + 0.2)


def test_markup_learning_is_per_item_and_at_most_one_step_a_month():
    b = Beliefs(n_items=2, prior_win=0.5, markup_init=0.10)
    b.fit(2)
    firm = np.array([0, 0, 0, 1, 1])
    item = np.array([0, 0, 1, 0, 1])
    won = np.array([True, True, False, False, True])
    lost = np.array([False, False, True, True, True])
    b.learn_markup(firm, item, won, lost, step=0.02, lo=0.02, hi=0.4)
    # firm 0: two wins at item 0 (+1 step), a loss at item 1 (−1); firm 1: a loss at 0, win and loss at 1
    np.testing.assert_allclose(b.markup[:2], [[0.12, 0.08], [0.08, 0.10]])
    for _ in range(10):
        b.learn_markup(np.array([0]), np.array([1]), np.array([False]), np.array([True]), 0.02, 0.02, 0.4)
    assert b.markup[0, 1] == pytest.approx(0.02)  # bounded below


def test_keyed_normal_depends_on_the_key_only():
    order, firm = np.arange(1000), np.arange(1000) % 37
    z = keyed_normal(5, "bidding", order, firm, 2)
    sub = np.array([999, 3, 500])
    np.testing.assert_array_equal(keyed_normal(5, "bidding", order[sub], firm[sub], 2), z[sub])  # any subset, any order
    assert not np.array_equal(z, keyed_normal(6, "bidding", order, firm, 2))  # another seed
    assert not np.array_equal(z, keyed_normal(5, "bidding", order, firm, 3))  # another month
    assert not np.array_equal(z, keyed_normal(5, "reserve", order, firm, 2))  # another stream
    with pytest.raises(KeyError, match="unknown random stream"):
        keyed_normal(5, "nope", order)


def test_keyed_normal_is_standard_normal_and_uncorrelated():
    n = 200_000
    z = keyed_normal(11, "bidding", np.arange(n) // 50, np.arange(n) % 50, 7)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    assert stats.kstest(z, "norm").pvalue > 0.001
    assert abs(np.corrcoef(z[:-1], z[1:])[0, 1]) < 0.01  # neighbouring keys
