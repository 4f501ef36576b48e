"""The compiled kernels of the procurement market (model.procurement.kernels, issue 24) compute
exactly what the numpy code they replaced computed: the same pairs in the same order."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from model.procurement import draw_kernels, notices
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
        # unordered (directed commissions): the same pairs and distances, by tender, firms in the grid's order
        t, f, d = notices.candidates(tx, ty, radius, fx, fy, alive, ordered=False)
        o = np.lexsort((f, t))
        assert np.all(np.diff(t) >= 0) and all(np.array_equal(a[o], b) for a, b in zip((t, f, d), ref))


def _dense_reference(tx, ty, radius, value, top, range_km, fx, fy, min_value, rows, ask, rng):
    """The numpy small search that notices._dense_heard replaced (round 5)."""
    alive = np.zeros(len(fx), bool)
    alive[rows] = True
    t, fi, d = notices.candidates(tx[ask], ty[ask], radius[ask], fx, fy, alive)
    p = np.minimum(1.0, top * np.exp(-d / range_km))
    ok = (value[ask][t] >= min_value[fi]) & (rng.random(len(t)) < p)
    return ask[t[ok]], fi[ok], d[ok]


def test_small_notice_search_equals_the_numpy_search_draw_for_draw():
    rng = np.random.default_rng(5)
    for nt, nf, half, top in ((1, 1, 5.0, 0.8), (200, 300, 60.0, 0.55), (500, 200, 30.0, 1.3), (80, 50, 10.0, 0.2)):
        tx, ty = rng.uniform(-half, half, nt), rng.uniform(-half, half, nt)
        fx, fy = rng.uniform(-half, half, nf), rng.uniform(-half, half, nf)
        radius = rng.choice([-1.0, 5.0, 20.0, 1e6], nt)
        value, min_value = rng.uniform(0, 10, nt), rng.uniform(0, 8, nf)
        rows = np.flatnonzero(rng.random(nf) < 0.8)
        ask = np.flatnonzero(radius >= 0)
        args = (tx, ty, radius, value, top, half / 3, fx, fy, min_value, rows, ask)
        got = notices._dense_heard(*args, np.random.default_rng(nt))
        ref = _dense_reference(*args, np.random.default_rng(nt))
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
    """Beliefs.observe grouped by np.unique (the step of the k-th month seen: max(rate, 1/(k + 1)))."""
    key, inv, cnt = np.unique(firm.astype(np.int64) * b.n_items + item, return_inverse=True, return_counts=True)
    seen = np.bincount(inv, weights=1.0 / (1.0 + others)) / cnt
    f, i = key // b.n_items, key % b.n_items
    b.seen[f, i] += 1
    step = np.maximum(rate, 1.0 / (b.seen[f, i] + 1.0))
    b.win[f, i] = (1 - step) * b.win[f, i] + step * seen


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


@numba.njit
def _geometric_draws(rng, p):
    out = np.empty(len(p), np.int64)
    for i in range(len(p)):
        out[i] = draw_kernels._geometric(rng, p[i], np.log1p(-p[i]))
    return out


def test_geometric_skips_are_numpys_draws():
    """The notice sampler's geometric skips (draw_kernels._geometric, with log1p(−p) computed once
    per cell) draw what ``Generator.geometric`` draws, in the same order, and leave the stream where
    it leaves it — on both sides of numpy's switch between search and inversion (1/3)."""
    rng = np.random.default_rng(4)
    p = np.r_[rng.uniform(1e-12, 0.6, 50_000), np.full(10, 1 / 3), rng.uniform(0.3, 0.4, 1000)]
    a, b = np.random.default_rng(11), np.random.default_rng(11)
    got = _geometric_draws(a, p)
    assert np.array_equal(got, b.geometric(p))
    assert a.random() == b.random()


def test_merged_heard_parts_equal_sorted_parts_merged_by_lexsort():
    """merge_pairs sorts all (kind, channel) parts of heard_parts once; before issue 24 every part was sorted
    and the parts merged by np.lexsort. The draws do not depend on the sorting."""
    from types import SimpleNamespace

    from model import load_params

    p = load_params(None, {})
    rng = np.random.default_rng(11)
    nt, nf, half = 9000, 900, 150.0  # ~3,000 tenders × ~270 firms per (channel, kind): the grid path
    kind = rng.integers(0, 3, nf)
    firms = SimpleNamespace(x=rng.uniform(-half, half, nf), y=rng.uniform(-half, half, nf), kind=kind,
                            active=rng.random(nf) < 0.9, min_value=rng.uniform(0, 2e5, nf))
    tx, ty = rng.uniform(-half, half, nt), rng.uniform(-half, half, nt)
    channel, value = rng.integers(0, len(notices.CHANNELS), nt), rng.uniform(0, 1e6, nt)

    def radius_of_kind(k, rows):
        return np.full(nt, 60.0 + 40 * k)

    got = notices.merge_pairs(notices.heard_parts(tx, ty, channel, value, radius_of_kind, firms, p,
                                                  np.random.default_rng(4)))
    ch, boost = p.procurement.channels, 1 + p.buyers.publicity * p.buyers.publicity_reach
    parts, draws = [], np.random.default_rng(4)
    for k in np.unique(firms.kind[firms.active]):
        rows = np.flatnonzero(firms.active & (firms.kind == k))
        for c in np.unique(channel):
            cp = getattr(ch, notices.CHANNELS[c])
            rad = np.where(channel == c, radius_of_kind(int(k), rows), -1.0)
            parts.append(notices.heard_pairs(tx, ty, rad, value, cp.reach * boost, cp.range_km, firms.x, firms.y,
                                             firms.min_value, rows, draws))
    ti, fi, d = (np.concatenate(x) for x in zip(*parts))
    o = np.lexsort((fi, ti))
    assert len(o) > 1000 and len(o) == len(got[0])
    for a, b in zip(got, (ti[o], fi[o], d[o])):
        assert np.array_equal(a, b)


def _cap_reference(fi, gain, free, weight=None):
    """The numpy cap_by_capacity that kernels.keep_within replaced (round 5)."""
    w = np.ones(len(fi)) if weight is None else weight
    order = np.lexsort((-gain, fi))
    f_sorted, w_sorted = fi[order], w[order]
    csum = np.cumsum(w_sorted)
    start = np.r_[0, np.flatnonzero(f_sorted[1:] != f_sorted[:-1]) + 1]
    before = np.repeat(csum[start] - w_sorted[start], np.diff(np.r_[start, len(fi)]))
    keep = np.zeros(len(fi), bool)
    keep[order] = (csum - before - w_sorted) < free[f_sorted] - 1e-9
    return keep


def test_capacity_cap_equals_the_numpy_cap():
    from model.procurement.batch import cap_by_capacity
    rng = np.random.default_rng(8)
    for n, firms in ((1, 1), (40, 3), (2000, 60), (5000, 400)):
        fi = rng.integers(0, firms, n)
        gain = rng.choice([-1.0, 0.0, 2.5], n) * rng.integers(0, 3, n)  # ties in gain
        free_int = rng.integers(0, 6, firms)
        free_float = rng.uniform(0, 4, firms)
        weight = 1 / (1 + rng.integers(0, 7, n))
        for free, w in ((free_int, None), (free_float, weight), (free_int, weight)):
            got, ref = cap_by_capacity(fi, gain, free, w), _cap_reference(fi, gain, free, w)
            assert np.array_equal(got, ref)
            assert n < 100 or 0 < ref.sum() < n
    # the compiled order (counting sort by firm, a stable sort within) is lexsort's, ±inf included;
    # a NaN gain goes through lexsort itself
    from model.procurement.capacity_kernels import by_firm_best_first
    fi, gain = rng.integers(0, 500, 50_000), np.round(rng.normal(size=50_000), 1)
    gain[::9], gain[::13] = -np.inf, np.inf
    assert np.array_equal(by_firm_best_first(fi, gain, np.zeros(0, np.int64)), np.lexsort((-gain, fi)))
    # the entries after a first run already in that order: sorted alone and merged in, the same order
    from model.procurement.batch import best_first
    for n_old in (0, 1, 20_000, 50_000):
        assert np.array_equal(best_first(fi, gain, np.lexsort((-gain[:n_old], fi[:n_old]))), np.lexsort((-gain, fi)))
    assert np.array_equal(best_first(fi[::-1], gain[::-1], np.zeros(0, np.int64)), np.lexsort((-gain[::-1], fi[::-1])))
    assert best_first(np.zeros(0, np.int64), np.zeros(0)).shape == (0,)  # no entries: an empty order
    gain[::17] = np.nan
    free = rng.uniform(0, 4, 500)
    assert np.array_equal(cap_by_capacity(fi, gain, free), _cap_reference(fi, gain, free))
    assert np.array_equal(best_first(fi, gain, np.lexsort((-gain[:9], fi[:9]))), np.lexsort((-gain, fi)))


def test_places_equal_the_unique_rows():
    from model.procurement.direct import _places
    rng = np.random.default_rng(12)
    x, y = rng.integers(0, 4, 300).astype(float), rng.integers(0, 3, 300) * 0.1
    px, py, inv = _places(x, y)
    place, ref_inv = np.unique(np.column_stack([x, y]), axis=0, return_inverse=True)
    assert np.array_equal(np.column_stack([px, py]), place)
    assert np.array_equal(inv, ref_inv.ravel())
    assert np.array_equal(px[inv], x) and np.array_equal(py[inv], y)


def _keyed_normal_reference(seed, name, *keys):
    """model.rng.keyed_normal before its mixing was compiled (numpy uint64 arithmetic)."""
    from scipy.special import ndtri

    from model.rng import stream_key
    m1, m2, gold = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(0x9E3779B97F4A7C15)

    def mix(h):
        h = h ^ (h >> np.uint64(30))
        h = h * m1
        h = h ^ (h >> np.uint64(27))
        h = h * m2
        return h ^ (h >> np.uint64(31))

    with np.errstate(over="ignore"):
        shape = np.broadcast(*keys).shape
        h = mix(np.full(shape, np.uint64(seed)) + gold * np.uint64(stream_key(name)))
        for k in keys:
            h = mix(h ^ (np.asarray(k).astype(np.uint64) + gold))
    return ndtri(((h >> np.uint64(11)).astype(np.float64) + 0.5) / 9007199254740992.0)


def test_keyed_normal_equals_the_numpy_mixing_bit_for_bit():
    """The compiled splitmix64 mixing gives numpy's uint64 arithmetic's draws (wrapping products,
    negative keys wrapped to uint64), for every stream, seeds up to 2⁶⁴ − 1, scalar and broadcast keys."""
    from model.rng import STREAMS, keyed_normal
    rng = np.random.default_rng(7)
    order, firm = rng.integers(-3, 10**9, 5000), rng.integers(-1, 30000, 5000)
    for seed in (0, 1, 11, 2**32 + 7, 2**63 + 11, 2**64 - 1):
        for name in STREAMS:
            for keys in ((order, firm, 3), (order,), (np.int64(5), firm), (order[:40, None], firm[None, :30], 2)):
                got, ref = keyed_normal(seed, name, *keys), _keyed_normal_reference(seed, name, *keys)
                assert got.shape == ref.shape and np.array_equal(got, ref), (seed, name, len(keys))


def _observe_parts_reference(b, parts, rate):
    """Beliefs.observe_parts before its sums were compiled (bincount, then np.add.at)."""
    size, cnt, total = b.win.size, None, None
    for firm, item, others in parts:
        key = firm.astype(np.int64) * b.n_items + item
        if cnt is None:
            cnt = np.bincount(key, minlength=size)
            total = np.bincount(key, weights=1.0 / (1.0 + others), minlength=size)
        else:
            cnt += np.bincount(key, minlength=size)
            np.add.at(total, key, 1.0 / (1.0 + others))
    seen = np.flatnonzero(cnt)
    n_seen = b.seen.reshape(-1)
    n_seen[seen] += 1
    step = np.maximum(rate, 1.0 / (n_seen[seen] + 1.0))
    win = b.win.reshape(-1)
    win[seen] = (1 - step) * win[seen] + step * (total[seen] / cnt[seen])


def test_observe_parts_sum_as_bincount_and_add_at_did():
    """The compiled per-(firm, item) sums of learning add a month's parts in pair order: the same
    beliefs as the numpy sums, and as one call over the parts joined (integer and float ``others``)."""
    rng = np.random.default_rng(12)
    a, r, j = Beliefs(9, 0.4, 0.1), Beliefs(9, 0.4, 0.1), Beliefs(9, 0.4, 0.1)
    for b in (a, r, j):
        b.fit(300)
    for month in range(12):
        parts = []
        for _ in range(int(rng.integers(1, 6))):
            n = int(rng.integers(0, 5000))
            others = rng.integers(0, 40, n) if month % 2 else rng.uniform(0, 40, n)
            parts.append((rng.integers(0, 300, n), rng.integers(0, 9, n), others))
        a.observe_parts(iter(parts), 0.2)
        _observe_parts_reference(r, parts, 0.2)
        j.observe(*(np.concatenate(c) for c in zip(*parts)), 0.2)
    assert np.array_equal(a.win, r.win) and np.array_equal(a.win, j.win) and np.array_equal(a.seen, r.seen)
    assert not np.all(a.win == 0.4)


def _screen_counted_reference(m, b, ti, fi, dist):
    """batch.screen_counted before it was compiled: numpy's bincount, the screening mask and the
    compaction."""
    from model.procurement.batch import screen
    ok = screen(m, b, ti, fi)
    return np.bincount(ti, minlength=len(b)), ti[ok], fi[ok], dist[ok]


@pytest.mark.parametrize("gridded", [False, True])
@pytest.mark.parametrize("overrides", [
    {}, {"blacklist.scope": "buyer", "blacklist.trigger": "failing"}, {"screening.strictness": 0.0},
    {"screening.strictness": 0.5, "screening.relax_below_yuan": 50_000.0}])
def test_compiled_screening_equals_the_numpy_screening(monkeypatch, overrides, gridded):
    """Open tenders' heard pairs counted and screened as the sampler draws them (the small
    searches' compiled pass, or inside the gridded sampler: ``gridded``, every search drawn by
    cells), and directed commissions' known pairs counted and screened in one compiled pass
    (``direct_kernels.known_eligible``), select and count what the numpy masks selected from the
    pairs listed: the same run, procurement by procurement, under a city-wide and a per-buyer
    blacklist, with screening off, and with relaxed screening at half strictness."""
    from model import load_params, simulate
    from model.procurement import batch, compete, notices
    if gridded:
        monkeypatch.setattr(notices, "DENSE_PAIRS", 0)
    p = load_params(None, {"region.n_towns": 4, "region.villages_per_town": 12, "burn_in_years": 0, **overrides})
    got = simulate(p, seed=5, years=3, tenders=True)
    monkeypatch.setattr(batch, "screen_rule", lambda m, b: None)  # every pair heard (known), then screened
    monkeypatch.setattr(compete, "screen_counted", _screen_counted_reference)
    ref = simulate(p, seed=5, years=3, tenders=True)
    assert len(ref.tenders) > 500 and (ref.tenders["eligible"] < ref.tenders["notified"]).any() == bool(
        overrides.get("screening.strictness", 1.0))
    assert ref.tenders.equals(got.tenders) and ref.summary == got.summary


@pytest.mark.parametrize("overrides", [
    {}, {"monitoring.regimes": ["announced", "random", "project_officer", "complaints"]},
    {"monitoring.regimes": ["random"], "channels.effort_spending": False},
    {"channels.inspection_deductions": False, "channels.withholding": False, "finance.interest_rate": 0.0},
    {"monitoring.regimes": ["project_officer"], "evaluation.citizen_weight": 0.3, "evaluation.kpi_weight": 0.2,
     "evaluation.inspection_weight": 0.5, "delivery.effort_cost": 3.0},
    {"monitoring.regimes": ["complaints"], "monitoring.announced_per_year": 0}])
def test_compiled_expected_terms_equal_the_numpy_terms_bit_for_bit(overrides):
    """expected.terms, compiled under the weighted evaluation rule, gives the numpy code's spend and
    received shares bit for bit: random contracts, and the edges (price and cost 0, capability,
    κ and stakes at their bounds), under several regimes and channel settings."""
    from model import load_params
    from model.delivery import expected
    p = load_params(None, overrides)
    rng = np.random.default_rng(7)
    n = 20_000

    def edge(x, lo, hi):  # a twentieth of the values at each bound
        return np.where(rng.random(n) < 0.05, lo, np.where(rng.random(n) < 0.05, hi, x))
    args = dict(capability=edge(rng.random(n), 0.0, 1.0), honesty=edge(rng.random(n), 0.0, 1.0),
                visibility=rng.random(n), kappa=edge(rng.random(n), 0.0, 1.0),
                cost=edge(rng.uniform(1e3, 1e6, n), 0.0, 1e9), price=edge(rng.uniform(1e3, 1e6, n), 0.0, 1e9),
                term=rng.uniform(0.1, 3, n), r_c=edge(rng.random(n) * 0.5, 0.0, 5.0),
                r_n=edge(rng.random(n) * 0.5, 0.0, 5.0), officer=rng.random(n) < 0.5)
    with np.errstate(all="ignore"):  # price 0: the numpy code's cost / tiny overflows to inf
        ref = expected.terms_numpy(p, **args)
    got = expected.terms(p, **args)
    for a, b in zip(got, ref):
        assert np.array_equal(a, b, equal_nan=True)


def test_warm_compiles_the_types_the_model_passes(monkeypatch):
    """kernels.warm() loads every procurement kernel (and the expected terms and stakes, and the
    cost shocks' mixing) with the argument types a run passes them, so that the bench's clock
    starts with them loaded: a county year and a run at the province's density in small blocks
    (so that entry's first pass and the prunings run) add no compiled signature. Before, entry's
    first pass was not warmed, and the stakes met int64 books in a month with no contract."""
    import numba

    from model import load_params
    from model import rng as model_rng
    from model.core import ProcurementModel
    from model.delivery import terms_kernel
    from model.procurement import batch, capacity_kernels, direct_kernels, draw_kernels, entry, kernels
    modules = (kernels, capacity_kernels, draw_kernels, direct_kernels, terms_kernel, model_rng)

    def signatures():
        return {f"{mod.__name__}.{name}": len(f.signatures) for mod in modules for name, f in vars(mod).items()
                if isinstance(f, numba.core.registry.CPUDispatcher)}

    kernels.warm()
    before = signatures()
    county = ProcurementModel(load_params(None, {"burn_in_years": 0}), seed=1)
    for _ in range(12):
        county.step()
    monkeypatch.setattr(batch, "BLOCK_CANDIDATES", 200_000)
    monkeypatch.setattr(entry, "PRUNE_ROWS", 4096)
    dense = ProcurementModel(load_params(None, {"burn_in_years": 0, "region.n_towns": 45, "region.villages_per_town": 39,
                                                "region.radius_km": 34.79}), seed=1)  # the province's density
    for _ in range(6):
        dense.step()
    assert capacity_kernels.unbeaten_by_bound.signatures  # entry's first pass ran
    after = signatures()
    assert {k: (before[k], after[k]) for k in after if after[k] != before[k]} == {}


def test_unbeaten_by_bound_equals_the_numpy_first_pass():
    """entry.unbeaten's compiled first pass keeps the pairs, and gives the rivals, that the numpy
    expressions it replaced gave (expected_rivals, gain_bound without the cost, beaten), bit for bit,
    including firms whose win belief is 0 (infinite rivals) and tenders with no other eligible firm."""
    from model.procurement import capacity_kernels
    from model.procurement.entry import BOUND_TOLERANCE
    rng = np.random.default_rng(3)
    n_t, n_f, n_i, n = 300, 200, 12, 200_000
    ti, fi = rng.integers(0, n_t, n), rng.integers(0, n_f, n)
    item, eligible = rng.integers(0, n_i, n_t), rng.integers(0, 6, n_t)
    win = np.where(rng.random((n_f, n_i)) < 0.02, 0.0, rng.uniform(0.01, 1, (n_f, n_i)))
    reserve, mob = rng.uniform(1e3, 1e6, n_t), np.where(rng.random(n_t) < 0.3, 500.0, -200.0)
    bid_cost = 500.0 + 0.005 * reserve
    beaten_below = np.where(rng.random(n_f) < 0.7, rng.uniform(0, 1e6, n_f), -np.inf)
    c = np.sort(rng.choice(n, n // 2, replace=False))
    zero = 0.93 * 0.0
    got = capacity_kernels.unbeaten_by_bound(c, ti, fi, item, win, eligible, reserve, mob, bid_cost, zero,
                                             BOUND_TOLERANCE, beaten_below)
    with np.errstate(divide="ignore"):
        rivals = np.minimum(1.0 / win[fi[c], item[ti[c]]] - 1.0, np.maximum(eligible[ti[c]] - 1, 0))
    r, mb, bc = reserve[ti[c]], mob[ti[c]], bid_cost[ti[c]]
    bound = (r - zero - mb) / (1 + rivals) - bc
    tol = BOUND_TOLERANCE * (np.abs(r) + np.abs(mb) + 0.0 + bc)
    live = ~(bound + tol <= beaten_below[fi[c]])
    assert 0.1 < live.mean() < 0.9
    assert np.array_equal(got[0], c[live]) and np.array_equal(got[1], rivals[live])


@pytest.mark.parametrize("overrides", [{}, {"fraud.disclosure": True, "procurement.award_rule": "scoring"}])
def test_compiled_stakes_equal_the_numpy_stakes(overrides):
    """stake.stakes_of (compiled) gives what stake.books, win_belief and reputation_stakes gave, bit
    for bit: every firm row and individuals (−2) with random buyers, items and prices, private and
    public scores, in a running county."""
    from model import ProcurementModel, load_params
    from model.delivery import stake
    p = load_params(None, {"region.n_towns": 3, "region.villages_per_town": 8, "burn_in_years": 0, **overrides})
    m = ProcurementModel(p, seed=2)
    for _ in range(18):  # mid-year: contracts are running
        m.step()
    rng = np.random.default_rng(1)
    n = 5000
    firm = np.where(rng.random(n) < 0.05, -2, rng.integers(0, len(m.firms), n))
    c = m.contracts
    pick = rng.integers(0, len(c), n)  # buyers that have books with some firms
    buyer, item = c.buyer[pick], rng.integers(0, m.beliefs.win.shape[1], n)
    firm[: n // 2] = c.firm[pick[: n // 2]]
    price = np.where(rng.random(n) < 0.02, 0.0, rng.uniform(1e3, 1e6, n))
    vis = rng.random(n)
    mine, total = stake.books(m, firm, buyer)
    reach = total if stake.public_scores(m.p) else mine
    with np.errstate(all="ignore"):
        ref = stake.reputation_stakes(m.p, stake.win_belief(m, firm, item), reach, price, vis)
        got = stake.stakes_of(m, m.p, firm, buyer, item, price, vis)
    assert (reach > 0).mean() > 0.2
    for a, b in zip(got, ref):
        assert np.array_equal(a, b, equal_nan=True)
