"""The month's sums over the service slots as compiled passes (numba): each loop replaces a run of
whole-array numpy passes (masks, gathers, bincounts) over the slots of ``records.py``.

Every sum here is one of numpy's ``bincount`` with weights — a sequential sum in slot order,
starting at 0 — and is taken in the same order, of the same products, so the results are the same
bit for bit (``tests/test_slot_kernels.py`` checks them against the numpy expressions; only a sum
of no slots is now 0.0 where ``bincount`` gave the integer 0). Numpy's pairwise sums
(``ndarray.sum``) stay numpy's: a compiled loop would round them differently.
Compiled on first use and cached next to this file (``cache=True``); docs/PERFORMANCE.md, "How the
compiled and sampled paths stay honest".
"""

from __future__ import annotations

import numba
import numpy as np

from model.ledger import N_LEVELS
from model.world import SLOT_INHOUSE, SLOT_SERVED, SLOT_UNSERVED, SLOT_WAITING


@numba.njit(cache=True, nogil=True)
def slot_quality(state: np.ndarray, contract: np.ndarray, contract_q: np.ndarray, inhouse_q: np.ndarray
                 ) -> np.ndarray:
    """True quality of every slot (``State.slot_quality``): its contract's ``contract_q`` where
    served, ``inhouse_q`` where staff provide it (in-house or waiting), 0 where unserved."""
    q = np.zeros(len(state))
    for i in range(len(state)):
        s = state[i]
        if s == SLOT_SERVED:
            q[i] = contract_q[contract[i]]
        elif s == SLOT_INHOUSE or s == SLOT_WAITING:
            q[i] = inhouse_q[i]
    return q


@numba.njit(cache=True, nogil=True)
def level_sums(state: np.ndarray, level: np.ndarray, people: np.ndarray, dw: np.ndarray, q: np.ndarray,
               bought: np.ndarray) -> tuple:
    """The month-end sums of ``records.close_month`` by level (city, town, village) in one pass:
    people covered (served or staff-provided), unserved slots, bought slots, Σ dw·q, Σ people·q,
    people unserved, and the in-house slots."""
    covered = np.zeros(N_LEVELS)
    unserved = np.zeros(N_LEVELS, np.int64)
    n_bought = np.zeros(N_LEVELS, np.int64)
    demand_q = np.zeros(N_LEVELS)
    q_people = np.zeros(N_LEVELS)
    unserved_people = np.zeros(N_LEVELS)
    inhouse = 0
    for i in range(len(state)):
        s, lv = state[i], level[i]
        if s == SLOT_UNSERVED:
            unserved[lv] += 1
            unserved_people[lv] += people[i]
        elif s == SLOT_SERVED or s == SLOT_INHOUSE or s == SLOT_WAITING:
            covered[lv] += people[i]
            inhouse += s == SLOT_INHOUSE
        n_bought[lv] += bought[i]
        demand_q[lv] += dw[i] * q[i]
        q_people[lv] += people[i] * q[i]
    return covered, unserved, n_bought, demand_q, q_people, unserved_people, inhouse


@numba.njit(cache=True, nogil=True)
def village_sums(w: np.ndarray, q: np.ndarray, unserved: np.ndarray, vs: np.ndarray, v_of: np.ndarray,
                 ts: np.ndarray, t_of: np.ndarray, n_villages: int, n_towns: int) -> tuple:
    """Σ w·q and Σ w·unserved of the village slots ``vs`` by village ``v_of`` and of the town slots
    ``ts`` by town ``t_of`` (``records.village_index``)."""
    v_q, v_u = np.zeros(n_villages), np.zeros(n_villages)
    t_q, t_u = np.zeros(n_towns), np.zeros(n_towns)
    for j in range(len(vs)):
        i, v = vs[j], v_of[j]
        v_q[v] += w[i] * q[i]
        v_u[v] += w[i] * unserved[i]
    for j in range(len(ts)):
        i, t = ts[j], t_of[j]
        t_q[t] += w[i] * q[i]
        t_u[t] += w[i] * unserved[i]
    return v_q, v_u, t_q, t_u


@numba.njit(cache=True, nogil=True)
def village_shortfall(w: np.ndarray, q: np.ndarray, vs: np.ndarray, v_of: np.ndarray, expect_v: np.ndarray
                      ) -> np.ndarray:
    """Σ w·max(0, E_v − q) of each village's own slots ``vs`` (``records.shortfall_shares``;
    ``expect_v``: the villages' mean expectation)."""
    short = np.zeros(len(expect_v))
    for j in range(len(vs)):
        i, v = vs[j], v_of[j]
        d = expect_v[v] - q[i]
        short[v] += w[i] * (d if d > 0.0 or d != d else 0.0)  # np.maximum(0.0, d): NaN stays NaN
    return short
