"""The compiled slot sums (model/slot_kernels.py) give, bit for bit, what the numpy expressions
they replaced in records.py and core.py give: on random slots with every state, and month by
month in a county run."""

from __future__ import annotations

import numpy as np

from model import ProcurementModel, load_params, slot_kernels
from model.world import SLOT_INHOUSE, SLOT_SERVED, SLOT_UNSERVED, SLOT_WAITING, staff_provided


def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def numpy_quality(state, contract, contract_q, inhouse_q):
    served = state == SLOT_SERVED
    q = np.zeros(len(state))
    q[served] = contract_q[contract[served]]
    staff = staff_provided(state)
    q[staff] = inhouse_q[staff]
    return q


def wsum(index, weights, n):
    """numpy's weighted bincount, as floats (of no elements it is int64 zeros, weights or not)."""
    return np.bincount(index, weights=weights, minlength=n).astype(float)


def numpy_level_sums(state, level, people, dw, q, bought):
    covered = (state == SLOT_SERVED) | staff_provided(state)
    gap = state == SLOT_UNSERVED
    return (wsum(level[covered], people[covered], 3), np.bincount(level[gap], minlength=3),
            np.bincount(level[bought], minlength=3), wsum(level, dw * q, 3), wsum(level, people * q, 3),
            wsum(level[gap], people[gap], 3), int((state == SLOT_INHOUSE).sum()))


def numpy_village_sums(w, q, unserved, vs, v_of, ts, t_of, n_v, n_t):
    out = []
    for values in (w * q, w * unserved):
        out += [wsum(v_of, values[vs], n_v), wsum(t_of, values[ts], n_t)]
    return out[0], out[2], out[1], out[3]


def numpy_shortfall(w, q, vs, v_of, expect_v):
    return wsum(v_of, w[vs] * np.maximum(0.0, expect_v[v_of] - q[vs]), len(expect_v))


def check(state, contract, contract_q, inhouse_q, level, people, dw, bought, w, vs, v_of, ts, t_of, n_v, n_t, expect_v):
    q = slot_kernels.slot_quality(state, contract, contract_q, inhouse_q)
    assert _same(q, numpy_quality(state, contract, contract_q, inhouse_q))
    got = slot_kernels.level_sums(state, level, people, dw, q, bought)
    want = numpy_level_sums(state, level, people, dw, q, bought)
    assert all(_same(a, b) for a, b in zip(got[:-1], want[:-1])) and got[-1] == want[-1]
    unserved = state == SLOT_UNSERVED
    assert all(_same(a, b) for a, b in zip(slot_kernels.village_sums(w, q, unserved, vs, v_of, ts, t_of, n_v, n_t),
                                           numpy_village_sums(w, q, unserved, vs, v_of, ts, t_of, n_v, n_t)))
    assert _same(slot_kernels.village_shortfall(w, q, vs, v_of, expect_v), numpy_shortfall(w, q, vs, v_of, expect_v))


def test_random_slots_in_every_state():
    rng = np.random.default_rng(7)
    n, n_v, n_t, n_c = 5000, 300, 20, 40
    state = rng.choice(np.array([SLOT_INHOUSE, SLOT_SERVED, SLOT_WAITING, SLOT_UNSERVED], np.int8), n)
    level = rng.integers(0, 3, n)
    vs, ts = np.flatnonzero(level == 2), np.flatnonzero(level == 1)
    check(state, rng.integers(0, n_c, n), rng.random(n_c), rng.random(n), level, rng.random(n) * 1e4,
          rng.random(n) * 1e3, rng.random(n) < 0.3, rng.random(n), vs, rng.integers(0, n_v, len(vs)).astype(np.int32),
          ts, rng.integers(0, n_t, len(ts)).astype(np.int32), n_v, n_t, np.r_[np.nan, rng.random(n_v - 1)])


def test_a_county_month_by_month():
    m = ProcurementModel(load_params(None, {"burn_in_years": 0, "region.n_towns": 3}), seed=2)
    k, seen = m.slot_index, set()
    for _ in range(14):
        m.step()
        state = m.slot_state
        seen |= set(np.unique(state).tolist())
        check(state, m.slot_contract, m.contracts.q, m.slot_inhouse_q, k.level, m.slots.people, k.dw, m.slot_bought,
              m.slot_weight, k.vs, k.v_of, k.ts, k.t_of, m.world.geo.n_villages, m.world.geo.n_towns,
              m.citizens.expectation_by_village())
    assert seen == {SLOT_INHOUSE, SLOT_SERVED, SLOT_WAITING, SLOT_UNSERVED}  # every branch taken
