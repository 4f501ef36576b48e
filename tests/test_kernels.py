"""The compiled kernels of the procurement market (model.procurement.kernels, issue 24) compute
exactly what the numpy code they replaced computed: the same pairs in the same order."""

from __future__ import annotations

import numpy as np

from model.procurement import notices
from model.procurement.beliefs import Beliefs


def _brute(tx, ty, radius, fx, fy, alive):
    dx = fx[None, :] - tx[:, None]
    dx *= dx
    dy = fy[None, :] - ty[:, None]
    dy *= dy
    dx += dy
    t, f = np.nonzero((dx <= (radius * radius)[:, None]) & alive[None, :])
    return t, f, np.hypot(fx[f] - tx[t], fy[f] - ty[t])


def test_candidates_equal_the_dense_search_bit_for_bit():
    rng = np.random.default_rng(24)
    for nt, nf, half in ((1, 1, 5.0), (50, 3000, 100.0), (400, 2000, 220.0), (300, 40, 10.0)):
        tx, ty = rng.uniform(-1.2 * half, 1.2 * half, nt), rng.uniform(-1.2 * half, 1.2 * half, nt)
        fx, fy = rng.uniform(-half, half, nf), rng.uniform(-half, half, nf)
        radius = rng.choice([0.0, 3.0, 25.0, 80.0, 1e7], nt) * rng.uniform(0.5, 1.5, nt)
        fx[: nf // 10] = fx[0]  # firms sharing a place
        alive = rng.random(nf) < 0.9
        got = notices.candidates(tx, ty, radius, fx, fy, alive)
        ref = _brute(tx, ty, radius, fx, fy, alive)
        assert len(ref[0]) > 0 or nt == 1
        for a, b in zip(got, ref):
            assert np.array_equal(a, b)


def test_pair_order_equals_lexsort():
    rng = np.random.default_rng(3)
    key = np.unique(rng.integers(0, 500 * 70, 4000))
    ti, fi = key // 70, key % 70
    perm = rng.permutation(len(ti))
    ti, fi = ti[perm], fi[perm]
    assert np.array_equal(notices._pair_order(ti, fi), np.lexsort((fi, ti)))


def _observe_reference(b, firm, item, others, rate):
    """Beliefs.observe before issue 24: groups by np.unique."""
    key, inv, cnt = np.unique(firm.astype(np.int64) * b.n_items + item, return_inverse=True, return_counts=True)
    seen = np.bincount(inv, weights=1.0 / (1.0 + others)) / cnt
    f, i = key // b.n_items, key % b.n_items
    b.win[f, i] = (1 - rate) * b.win[f, i] + rate * seen


def _markup_reference(b, firm, item, won, lost, step, lo, hi):
    key, inv, _ = np.unique(firm.astype(np.int64) * b.n_items + item, return_inverse=True, return_counts=True)
    w = (np.bincount(inv, weights=won) > 0).astype(float)
    lo_ = (np.bincount(inv, weights=lost) > 0).astype(float)
    f, i = key // b.n_items, key % b.n_items
    b.markup[f, i] = np.clip(b.markup[f, i] + step * (w - lo_), lo, hi)


def test_beliefs_updates_equal_the_grouped_updates():
    rng = np.random.default_rng(5)
    a, r = Beliefs(7, 0.4, 0.1), Beliefs(7, 0.4, 0.1)
    a.fit(90)
    r.fit(90)
    for _ in range(20):
        n = int(rng.integers(0, 600))
        firm, item = rng.integers(0, 90, n), rng.integers(0, 7, n)
        others = rng.integers(0, 6, n)
        a.observe(firm, item, others, 0.3)
        _observe_reference(r, firm, item, others, 0.3)
        won, lost = rng.random(n) < 0.3, rng.random(n) < 0.4
        a.learn_markup(firm, item, won, lost, 0.02, 0.0, 0.5)
        _markup_reference(r, firm, item, won, lost, 0.02, 0.0, 0.5)
    assert np.array_equal(a.win, r.win) and np.array_equal(a.markup, r.markup)
    assert not np.all(a.win == 0.4)
