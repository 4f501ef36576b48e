"""Unit tests of citizens and buyers (issue 5): perception, satisfaction, expectations,
complaints, trust and rating with exact values; budgets, awareness and in-house quality."""

from __future__ import annotations

import numpy as np
import pytest

from model import ProcurementModel, load_params, records
from model.entities import buyer as buyer_mod
from model.entities import citizens as cz

# A pinned parameter set, so the hand computations below do not move with the calibration.
DEFAULT = load_params(overrides={
    "citizens.perception_noise": 0.08, "citizens.satisfaction_rate": 0.15, "citizens.expectation_rate": 0.05,
    "citizens.expectation_init": 0.55, "citizens.tolerance": 0.1, "citizens.complaint_channel": 0.3,
    "citizens.trust_rate": 0.05, "citizens.trust_init": 0.6, "citizens.unserved_hit": 0.02,
    "citizens.swing_hit": 0.3, "citizens.scandal_hit": 0.05, "citizens.raters": 30})
CP = DEFAULT.citizens
SMALL = {"region.n_towns": 2, "region.villages_per_town": 3, "burn_in_years": 0}


def arr(*x):
    return np.array(x, dtype=float)


class ZeroRng:
    """An rng stub: standard normals are 0, uniforms are given."""

    def __init__(self, u=None):
        self.u = u

    def standard_normal(self, n):
        return np.zeros(n)

    def random(self, n):
        return np.zeros(n) if self.u is None else np.asarray(self.u, float)[:n]


def test_defaults_assumed_by_hand_computations():
    assert (CP.perception_noise, CP.satisfaction_rate, CP.expectation_rate, CP.expectation_init) == \
        (0.08, 0.15, 0.05, 0.55)
    assert (CP.tolerance, CP.complaint_channel, CP.trust_rate, CP.trust_init) == (0.1, 0.3, 0.05, 0.6)
    assert (CP.unserved_hit, CP.swing_hit, CP.scandal_hit, CP.raters) == (0.02, 0.3, 0.05, 30)


def test_perceive_exact_and_clipped():
    assert np.array_equal(cz.perceive(arr(0.2, 0.7), 0.0, np.random.default_rng(0)), arr(0.2, 0.7))
    rng = np.random.default_rng(5)
    z = np.random.default_rng(5).standard_normal(3)
    got = cz.perceive(arr(0.5, 0.0, 1.0), 0.1, rng)
    assert got == pytest.approx(np.clip(arr(0.5, 0.0, 1.0) + 0.1 * z, 0, 1))
    assert ((got >= 0) & (got <= 1)).all()
    big = cz.perceive(np.full(1000, 0.5), 5.0, np.random.default_rng(1))
    assert big.min() == 0.0 and big.max() == 1.0


def test_update_satisfaction_exact():
    # target = clip(p + (p − E)/2): p 0.6, E 0.4 → 0.7; p 0.3, E 0.5 → 0.2; p 0.9, E 0.3 → 1.2 → 1
    s = cz.update_satisfaction(arr(0.5, 0.5, 0.5), arr(0.6, 0.3, 0.9), arr(0.4, 0.5, 0.3), 0.15, 0.5)
    assert s == pytest.approx([0.5 + 0.15 * 0.2, 0.5 + 0.15 * (0.2 - 0.5), 0.5 + 0.15 * 0.5])
    assert s == pytest.approx([0.53, 0.455, 0.575])


def test_update_expectation_exact():
    assert cz.update_expectation(arr(0.55, 0.2), arr(0.75, 0.0), 0.05) == pytest.approx([0.56, 0.19])


def test_complaints_exact():
    # complain iff p < E − 0.1 and u < 0.3
    p, e = arr(0.3, 0.3, 0.46, 0.44, 0.3), arr(0.5, 0.5, 0.55, 0.55, 0.35)
    u = arr(0.1, 0.5, 0.0, 0.29, 0.0)
    assert cz.complaints(p, e, 0.1, 0.3, u).tolist() == [True, False, False, True, False]
    assert not cz.complaints(p, e, 0.1, 0.0, np.zeros(5)).any()  # a closed channel


def test_update_trust_exact():
    # T + 0.05 (S − T) − 0.02 u − 0.3 swing − 0.05 scandals
    unserved, swing, scandals = arr(0, 1, 0, 1, 0), arr(0, 0, 0.1, 0, 0), arr(0, 0, 2, 0, 0)
    t = cz.update_trust(arr(0.6, 0.6, 0.6, 0.01, 0.99), arr(0.8, 0.8, 0.8, 0.0, 1.0), 0.05,
                        CP.unserved_hit * unserved, CP.swing_hit * swing, CP.scandal_hit * scandals)
    assert t == pytest.approx([0.61, 0.59, 0.61 - 0.03 - 0.1, 0.0, 0.9905])


def small_citizens(**over):
    p = CP.model_copy(update=over)
    village = np.array([0, 0, 1, 1, 1, 2])
    village_town = np.array([0, 0, 1])
    return cz.Citizens(p, village, village_town, np.random.default_rng(0))


def test_citizens_step_means_noise_free():
    c = small_citizens(perception_noise=0.0, complaint_channel=1.0)
    index = arr(0.7, 0.3, 0.5)
    out = c.step(index, arr(0, 1, 0), np.zeros(2))
    # p = index; E = 0.55; S target = clip(p + (p − 0.55)/2) = 0.775, 0.175, 0.475
    s_v = 0.5 + 0.15 * (arr(0.775, 0.175, 0.475) - 0.5)
    s_h = s_v[[0, 0, 1, 1, 1, 2]]
    assert c.satisfaction == pytest.approx(s_h)
    assert out["satisfaction"] == pytest.approx(s_h.mean())
    e_v = 0.55 + 0.05 * (index - 0.55)
    assert c.expect == pytest.approx(e_v[[0, 0, 1, 1, 1, 2]])
    assert out["perceived"] == pytest.approx(index[[0, 0, 1, 1, 1, 2]].mean())
    # complaints: only village 1 (0.3 < 0.55 − 0.1); 3 of 6 households
    assert out["complaints"] == pytest.approx(500.0)
    assert c.complaint_rate == pytest.approx([0.0, 1.0, 0.0])
    # trust: 0.6 + 0.05 (S − 0.6) − 0.02·unserved (no swing in the first month)
    t_v = 0.6 + 0.05 * (s_v - 0.6) - 0.02 * arr(0, 1, 0)
    assert c.trust == pytest.approx(t_v[[0, 0, 1, 1, 1, 2]])
    assert out["trust"] == pytest.approx(t_v[[0, 0, 1, 1, 1, 2]].mean())
    # second month: a swing of 0.2 in village 0, a scandal in town 1
    out2 = c.step(arr(0.5, 0.3, 0.5), np.zeros(3), arr(0, 1))
    s2_v = s_v + 0.15 * (np.clip(arr(0.5, 0.3, 0.5) + 0.5 * (arr(0.5, 0.3, 0.5) - e_v), 0, 1) - s_v)
    t2_v = t_v + 0.05 * (s2_v - t_v) - 0.3 * arr(0.2, 0, 0) - 0.05 * arr(0, 0, 1)
    assert c.trust == pytest.approx(t2_v[[0, 0, 1, 1, 1, 2]])
    assert out2["trust"] == pytest.approx(t2_v[[0, 0, 1, 1, 1, 2]].mean())
    assert c.expectation_by_village() == pytest.approx(e_v + 0.05 * (arr(0.5, 0.3, 0.5) - e_v))


def test_citizens_step_mean_with_noise_is_unbiased():
    n = 20000
    p = CP.model_copy(update={"perception_noise": 0.05})
    c = cz.Citizens(p, np.zeros(n, np.int64), np.array([0]), np.random.default_rng(2))
    out = c.step(arr(0.5), arr(0.0), arr(0.0))
    assert out["perceived"] == pytest.approx(0.5, abs=0.002)
    # E[S] = 0.5 + 0.15 (0.5 + 0.5(0.5 − 0.55) − 0.5) = 0.49625 (no clipping at these values)
    assert out["satisfaction"] == pytest.approx(0.49625, abs=0.001)
    # complaints: P(p < 0.45) · 0.3 = Φ(−1) · 0.3 ≈ 0.0476 → 47.6 per 1,000
    assert out["complaints"] == pytest.approx(47.6, abs=5)


def test_compiled_month_equals_the_reference_functions_bit_for_bit():
    """The compiled pass (model/entities/households.py) is the numpy rules of this module, operation
    by operation, with the noise numpy's ``standard_normal`` would draw from the same stream."""
    rng = np.random.default_rng(7)
    village = np.repeat(np.arange(40), rng.integers(1, 30, 40))
    village_town = np.arange(40) // 10
    c = cz.Citizens(CP, village, village_town, np.random.default_rng(11))
    ref_rng = np.random.default_rng(11)
    e, s, t = c.expect.copy(), c.satisfaction.copy(), c.trust.copy()
    prev = None
    for _ in range(6):
        index, unserved, scandals = rng.random(40), rng.random(40) * (rng.random(40) < 0.3), rng.poisson(0.3, 4) * 1.0
        c.step(index, unserved, scandals)
        seen = cz.perceive(index[village], CP.perception_noise, ref_rng)
        eligible = np.bincount(village[seen < e - CP.tolerance], minlength=40)
        s = cz.update_satisfaction(s, seen, e, CP.satisfaction_rate, CP.disconfirmation)
        e = cz.update_expectation(e, seen, CP.expectation_rate)
        swing = np.zeros(40) if prev is None else np.abs(index - prev)
        prev = index
        t = cz.update_trust(t, s, CP.trust_rate, (CP.unserved_hit * unserved)[village], (CP.swing_hit * swing)[village],
                            (CP.scandal_hit * scandals)[village_town][village])
        assert np.array_equal(c.expect, e) and np.array_equal(c.satisfaction, s) and np.array_equal(c.trust, t)
        assert np.array_equal(c._eligible_v, eligible)
        assert np.array_equal(c.expectation_by_village(), np.bincount(village, weights=e, minlength=40) /
                              np.bincount(village, minlength=40))
        ref_rng.binomial(eligible, CP.complaint_channel)  # the month's complaint draw, one per village
        assert (c.complaint_rate * c.per_village <= eligible).all()


def test_complaints_are_binomial_per_village():
    """Each eligible household complains with probability complaint_channel: the village counts
    (drawn once per village) have the binomial mean and variance."""
    n_v, size = 200, 50
    c = cz.Citizens(CP.model_copy(update={"perception_noise": 0.0, "expectation_init": 0.9}),
                    np.repeat(np.arange(n_v), size), np.zeros(n_v, np.int64), np.random.default_rng(3))
    c.step(np.full(n_v, 0.5), np.zeros(n_v), np.zeros(1))  # 0.5 < 0.9 − 0.1: every household eligible
    counts = c.complaint_rate * size
    assert np.array_equal(c._eligible_v, np.full(n_v, size))
    k = CP.complaint_channel
    assert counts.mean() == pytest.approx(size * k, abs=4 * np.sqrt(size * k * (1 - k) / n_v))
    assert counts.var(ddof=1) == pytest.approx(size * k * (1 - k), rel=0.3)


def test_rating_exact_noise_free():
    c = small_citizens(perception_noise=0.0)
    r = c.rating(arr(0.8, 0.8, 0.2), arr(1.0, 0.25, 0.5), arr(0.4, 0.4, 0.6))
    assert r == pytest.approx([0.8, 0.25 * 0.8 + 0.75 * 0.4, 0.5 * 0.2 + 0.5 * 0.6])


def test_rating_noise_shrinks_with_raters():
    c1 = small_citizens(perception_noise=0.1, raters=1)
    c100 = small_citizens(perception_noise=0.1, raters=100)
    n = 5000
    r1 = c1.rating(np.full(n, 0.5), np.full(n, 0.5), np.full(n, 0.5))
    r100 = c100.rating(np.full(n, 0.5), np.full(n, 0.5), np.full(n, 0.5))
    assert r1.std() == pytest.approx(0.1, rel=0.05)
    assert r100.std() == pytest.approx(0.01, rel=0.05)


# ------------------------------------------------------------------------------------------- buyers
def tiny(over=None, seed=1):
    return ProcurementModel(load_params(overrides={**SMALL, **(over or {})}), seed=seed)


def budgets(m):
    value = m.cat.value[m.slots.item]
    return buyer_mod.budgets(m), value


def test_choose_items_respects_budget_and_awareness():
    m = tiny()
    bought = buyer_mod.choose_items(m)
    s, b = m.slots, m.buyers
    budget, value = budgets(m)
    spent = np.bincount(s.buyer[bought], weights=value[bought], minlength=len(b))
    assert (spent <= budget + 1e-6).all()
    assert (b.awareness[s.buyer[bought]] > s.resistance[bought]).all()
    assert buyer_mod.purchasable(m)[bought].all()
    assert bought.any() and not bought.all()


def test_choose_items_no_awareness_buys_nothing_full_awareness_fills_budget():
    m = tiny()
    m.buyers.col("awareness")[:] = 0.0
    assert not buyer_mod.choose_items(m).any()
    m.buyers.col("awareness")[:] = 1.0
    bought = buyer_mod.choose_items(m)
    s, b = m.slots, m.buyers
    budget, value = budgets(m)
    spent = np.bincount(s.buyer[bought], weights=value[bought], minlength=len(b))
    assert (spent <= budget + 1e-6).all()
    # an item is left unbought only when it does not fit in what is left (skipped, not the list's end)
    left_out = buyer_mod.purchasable(m) & ~bought
    assert left_out.any()
    assert (spent[s.buyer[left_out]] + value[left_out] > budget[s.buyer[left_out]] - 1e-6).all()


def test_publicity_raises_awareness_exactly():
    m = tiny({"buyers.publicity": 0.5})
    a0 = m.buyers.awareness.copy()
    buyer_mod.publicity(m)
    assert m.buyers.awareness == pytest.approx(a0 + 0.5 * 0.3 * (1 - a0))


def test_learn_exact():
    m = tiny()
    m.buyers.col("awareness")[:3] = 0.5
    buyer_mod.learn(m, np.array([0, 0, 0, 1, 2]), np.array([True, True, False, False, True]))
    assert m.buyers.awareness[:3] == pytest.approx([0.5 + 0.02 * (2 - 1) / 3, 0.48, 0.52])


def test_inhouse_quality_falls_with_load():
    m = tiny()
    s, b = m.slots, m.buyers
    none = np.zeros(len(s), bool)
    q_none = buyer_mod.inhouse_quality(m, none)
    assert np.allclose(b.inhouse_load, 0)
    hard = m.cat.hard_to_staff[s.item]
    assert q_none == pytest.approx(np.where(hard, 0.3, 0.6))
    q_all = buyer_mod.inhouse_quality(m, ~none)
    cat = m.cat
    typical = {lvl: cat.value[cat.level == lvl].mean() for lvl in range(3)}
    work = np.array([cat.value[i] / typical[lvl] for i, lvl in zip(s.item, s.level)])
    load = np.bincount(s.buyer, weights=work, minlength=len(b)) / b.staff
    assert b.inhouse_load == pytest.approx(load)
    expect = 0.6 / (1 + 0.35 * np.maximum(0, load[s.buyer] - 1))
    assert q_all == pytest.approx(np.where(hard, 0.5 * expect, expect))
    assert (q_all <= q_none).all()
    assert (q_all < q_none)[load[s.buyer] > 1].all()


def test_inhouse_load_counts_work_by_item_value():
    """A dear item loads staff more than a cheap one: load = value / mean level value / staff."""
    m = tiny()
    s, cat = m.slots, m.cat
    buyer = int(s.buyer[np.flatnonzero(s.level == 2)[0]])
    mine = np.flatnonzero(s.buyer == buyer)
    mean_v = cat.value[cat.level == 2].mean()
    staff = m.buyers.staff[buyer]
    for pick in (mine[np.argmax(cat.value[s.item[mine]])], mine[np.argmin(cat.value[s.item[mine]])]):
        inhouse = np.zeros(len(s), bool)
        inhouse[pick] = True
        buyer_mod.inhouse_quality(m, inhouse)
        assert m.buyers.inhouse_load[buyer] == pytest.approx(cat.value[s.item[pick]] / mean_v / staff)


def test_complaint_shares_follow_each_levels_shortfall():
    """Complaints are split over city, town and village services by Σ w · max(0, E_v − q) over the
    slots serving the village (checked against a plain loop); with no shortfall, by Σ w."""
    m = tiny()
    s, geo, w = m.slots, m.world.geo, m.slot_weight
    rng = np.random.default_rng(5)
    q = rng.random(len(s))
    expect_v = rng.uniform(0.3, 0.7, geo.n_villages)
    shares = records.shortfall_shares(m, q, expect_v)
    none = records.shortfall_shares(m, np.ones(len(s)), expect_v)  # every service as good as expected
    assert shares.shape == (3, geo.n_villages)
    assert shares.sum(axis=0) == pytest.approx(np.ones(geo.n_villages))
    for v in (0, geo.n_villages // 2, geo.n_villages - 1):
        t = geo.village_town[v]
        serves = [(s.level == 0), (s.level == 1) & (s.town == t), (s.level == 2) & (s.village == v)]
        short = np.array([(w[k] * np.maximum(0, expect_v[v] - q[k])).sum() for k in serves])
        assert shares[:, v] == pytest.approx(short / short.sum())
        weight = np.array([w[k].sum() for k in serves])
        assert none[:, v] == pytest.approx(weight / weight.sum())


def test_complaints_by_level_add_up_to_all_complaints():
    m = tiny().run(1)
    ts = m.datacollector.get_model_vars_dataframe()
    parts = ts[["complaints_city", "complaints_town", "complaints_village"]].sum(axis=1)
    assert parts.to_numpy() == pytest.approx(ts["complaints"].to_numpy(), rel=1e-12, abs=1e-12)
    assert ts["complaints"].sum() > 0
