"""The notice sampler of issue 9 (notices.heard_pairs) draws in another order than one Bernoulli
per candidate pair but has exactly the same distribution: checked against the exact per-pair
probabilities on a fixed small case (fixed seeds; fast)."""

from __future__ import annotations

import numpy as np
import pytest

from model.procurement import notices


def _case(seed: int, nt: int, nf: int, half: float, rad: float):
    rng = np.random.default_rng(seed)
    tx, ty = rng.uniform(-half, half, nt), rng.uniform(-half, half, nt)
    fx, fy = rng.uniform(-half, half, nf), rng.uniform(-half, half, nf)
    radius = rng.uniform(0.5, 1.0, nt) * rad
    radius[0] = -1.0  # a tender that is not searched
    value = rng.uniform(0, 2, nt)
    min_value = rng.choice([0.0, 1.0], nf)
    rows = np.flatnonzero(rng.random(nf) < 0.9)
    return tx, ty, radius, value, fx, fy, min_value, rows


def _exact(tx, ty, radius, value, top, range_km, fx, fy, min_value, rows):
    d = np.hypot(fx[None, :] - tx[:, None], fy[None, :] - ty[:, None])
    p = np.minimum(1.0, top * np.exp(-d / range_km)) * (d <= radius[:, None]) * (value[:, None] >= min_value[None, :])
    mask = np.zeros(len(fx), bool)
    mask[rows] = True
    return p * mask[None, :]


@pytest.mark.parametrize("dense, cells", [(0, 2_000_000), (10**9, 2_000_000), (0, 30)])
@pytest.mark.parametrize("top, range_km, half, rad", [(0.8, 8.0, 40.0, 50.0), (0.55, 40.0, 150.0, 200.0),
                                                      (1.2, 400.0, 30.0, 2000.0), (0.9, 400.0, 150.0, 40.0)])
def test_heard_pairs_has_the_per_pair_distribution(top, range_km, half, rad, dense, cells, monkeypatch):
    """The sampler's pairs have the per-pair Bernoulli distribution: dense, gridded, and gridded in
    chunks of a few tenders (``CELLS_PER_CHUNK`` 30, as a province month is cut, each chunk
    writing after the last); the third case has a reach above 1 near the tender (``top`` 1.2), the
    last searches a far-reaching notice (the provincial platform's range) within radii far smaller
    than its cells."""
    case = _case(11, 12, 600, half, rad)
    monkeypatch.setattr(notices, "DENSE_PAIRS", dense)
    monkeypatch.setattr(notices, "CELLS_PER_CHUNK", cells)
    tx, ty, radius, value, fx, fy, min_value, rows = case
    p = _exact(tx, ty, radius, value, top, range_km, fx, fy, min_value, rows)
    reps = 400
    hits = np.zeros_like(p)
    rng = np.random.default_rng(3)
    for _ in range(reps):
        ti, fi, dist = notices.heard_pairs(tx, ty, radius, value, top, range_km, fx, fy, min_value, rows, rng)
        assert np.all(np.diff(ti * len(fx) + fi) > 0)  # sorted by tender then firm, no repeats
        assert np.allclose(dist, np.hypot(fx[fi] - tx[ti], fy[fi] - ty[ti]))
        np.add.at(hits, (ti, fi), 1)
    assert hits[p == 0].sum() == 0  # never outside the radius, inattentive, unsearched or not listed
    var = (p * (1 - p)).sum() * reps
    # the total heard, and the totals by probability band, match the exact expectation (|z| < 4)
    assert abs(hits.sum() - p.sum() * reps) < 4 * np.sqrt(var)
    for lo, hi in ((0, 0.02), (0.02, 0.2), (0.2, 1.0)):
        band = (p > lo) & (p <= hi)
        if band.any():
            v = (p[band] * (1 - p[band])).sum() * reps
            assert abs(hits[band].sum() - p[band].sum() * reps) < 4 * np.sqrt(max(v, 1.0)), (lo, hi)


def test_heard_pairs_deterministic_and_chunked_like_whole(monkeypatch):
    tx, ty, radius, value, fx, fy, min_value, rows = _case(5, 40, 300, 60.0, 80.0)
    a = notices.heard_pairs(tx, ty, radius, value, 0.8, 8.0, fx, fy, min_value, rows, np.random.default_rng(1))
    b = notices.heard_pairs(tx, ty, radius, value, 0.8, 8.0, fx, fy, min_value, rows, np.random.default_rng(1))
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    monkeypatch.setattr(notices, "DENSE_PAIRS", 0)
    monkeypatch.setattr(notices, "CELLS_PER_CHUNK", 50)  # many chunks: still valid pairs, same expectation
    c = notices.heard_pairs(tx, ty, radius, value, 0.8, 8.0, fx, fy, min_value, rows, np.random.default_rng(1))
    assert np.all(np.diff(c[0] * len(fx) + c[1]) > 0)
    assert np.all(c[2] <= radius[c[0]])


def test_heard_pairs_do_not_depend_on_the_room_of_the_pair_arrays(monkeypatch):
    """The sampler stops before a (tender, cell) group that might not fit and resumes there in grown
    arrays: with arrays grown a few hundred pairs at a time it draws the same pairs as with room
    for all."""
    tx, ty, radius, value, fx, fy, min_value, rows = _case(7, 60, 500, 80.0, 120.0)
    monkeypatch.setattr(notices, "DENSE_PAIRS", 0)
    args = (tx, ty, radius, value, 0.9, 30.0, fx, fy, min_value, rows)
    roomy = notices.heard_pairs(*args, np.random.default_rng(2))
    grown = []
    real = notices._grown

    def tight(out, k, n):  # room for the firms searched: at least one more group, often only one
        grown.append(n)
        return real(out, k, min(n, k + len(rows)))
    monkeypatch.setattr(notices, "_grown", tight)
    cramped = notices.heard_pairs(*args, np.random.default_rng(2))
    assert len(grown) >= 5 and len(roomy[0]) > 1000
    assert all(np.array_equal(a, b) for a, b in zip(roomy, cramped))


def test_candidates_match_a_brute_force_ball_query():
    rng = np.random.default_rng(2)
    for nt, nf, half, rad in ((30, 100, 30.0, 20.0), (200, 800, 200.0, 30.0)):
        tx, ty = rng.uniform(-half, half, nt), rng.uniform(-half, half, nt)
        fx, fy = rng.uniform(-half, half, nf), rng.uniform(-half, half, nf)
        radius = rng.uniform(0.5, 1.5, nt) * rad
        alive = rng.random(nf) < 0.8
        ti, fi, dist = notices.candidates(tx, ty, radius, fx, fy, alive)
        d2 = (fx[None, :] - tx[:, None]) ** 2 + (fy[None, :] - ty[:, None]) ** 2
        t_ref, f_ref = np.nonzero((d2 <= radius[:, None] ** 2) & alive[None, :])
        assert np.array_equal(ti, t_ref) and np.array_equal(fi, f_ref)


def _choose_reference(order, ti, fi, free):
    """The round-by-round algorithm before issue 9: every procurement re-proposes each round."""
    from model.procurement.batch import cap_by_capacity as _cap_by_capacity

    live = np.ones(len(ti), bool)
    while True:
        o = order[live[order]]
        first = np.r_[True, ti[o][1:] != ti[o][:-1]] if len(o) else np.zeros(0, bool)
        w = o[first]
        keep = _cap_by_capacity(fi[w], -ti[w].astype(float), free)
        if keep.all():
            return w
        live[w[~keep]] = False


def test_choose_within_capacity_equals_the_round_by_round_algorithm():
    from model.procurement.direct import choose_within_capacity as _choose_within_capacity

    rng = np.random.default_rng(0)
    for _ in range(200):
        nt, nf = int(rng.integers(1, 120)), int(rng.integers(1, 25))
        key = np.unique(rng.integers(0, nt * nf, int(rng.integers(1, nt * nf + 1))))
        ti, fi = key // nf, key % nf
        merit, fav = rng.random(len(ti)), rng.random(len(ti)) < 0.1
        order = np.lexsort((fi, -merit, ~fav, ti))
        free = rng.integers(0, 4, nf)
        assert np.array_equal(_choose_within_capacity(order, ti, fi, free), _choose_reference(order, ti, fi, free))


def _award_reference(m, bids, gain, free, legal_min):
    """The award before issue 9: every round re-awards every tender among all live bids."""
    from model.procurement.award import AWARD_RULES, Bids
    from model.procurement.batch import cap_by_capacity as _cap_by_capacity

    live = np.ones(len(bids.firm), bool)
    rule = AWARD_RULES[m.p.procurement.award_rule].winners
    n_bids = np.bincount(bids.tender, minlength=bids.n_tenders)
    for _ in range(50):
        pos = np.flatnonzero(live)
        sub = Bids(bids.tender[pos], bids.firm[pos], bids.price[pos], bids.tech[pos], bids.reputation[pos],
                   bids.rating[pos], bids.n_tenders)
        win = rule(sub, m.weights)
        ok = (n_bids >= legal_min) & (win >= 0)
        w = pos[win[ok]]
        keep = _cap_by_capacity(bids.firm[w], gain[w], free)
        if keep.all():
            out = np.full(bids.n_tenders, -1, np.int64)
            out[np.flatnonzero(ok)] = w
            return out, n_bids
        live[w[~keep]] = False
    raise RuntimeError("did not settle")


@pytest.mark.parametrize("rule", ["lowest_price", "scoring"])
def test_award_equals_the_round_by_round_award(rule):
    from types import SimpleNamespace

    from model.procurement.award import Bids
    from model.procurement.compete import _award

    m = SimpleNamespace(p=SimpleNamespace(procurement=SimpleNamespace(award_rule=rule)),
                        weights={"price": 0.3, "technical": 0.4, "reputation": 0.2, "citizen": 0.1})
    rng = np.random.default_rng(1)
    for _ in range(150):
        nt, nf = int(rng.integers(1, 60)), int(rng.integers(1, 15))
        key = np.unique(rng.integers(0, nt * nf, int(rng.integers(1, nt * nf + 1))))
        t, f = key // nf, key % nf
        bids = Bids(t, f, np.round(rng.uniform(1, 2, len(t)), 2), rng.random(len(t)), rng.random(len(t)),
                    rng.random(len(t)), nt)
        gain, free, legal_min = rng.random(len(t)), rng.integers(0, 3, nf), int(rng.integers(1, 4))
        got, ref = _award(m, bids, gain, free, legal_min), _award_reference(m, bids, gain, free, legal_min)
        assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])


def test_a_channel_that_reaches_nobody_is_heard_by_nobody(monkeypatch):
    """reach 0 (the parameter's lower bound): no pair hears, on the dense and the gridded path, and
    no warning (log 0) is raised."""
    tx, ty, radius, value, fx, fy, min_value, rows = _case(3, 40, 300, 60.0, 80.0)
    for dense in (10**9, 0):
        monkeypatch.setattr(notices, "DENSE_PAIRS", dense)
        with np.errstate(all="raise"):
            ti, fi, d = notices.heard_pairs(tx, ty, radius, value, 0.0, 8.0, fx, fy, min_value, rows,
                                            np.random.default_rng(1))
        assert len(ti) == len(fi) == len(d) == 0
