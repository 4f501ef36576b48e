"""The households' month as one compiled pass (numba): perception, complaints, satisfaction,
expectations and trust of every household (the rules of model/entities/citizens.py).

One loop over the households replaces about fifteen whole-array numpy passes and their
temporaries, and draws the perception noise from the ``citizens`` stream inside the loop (numba's
``Generator.standard_normal`` is numpy's ziggurat on the same bit generator: bit for bit the numbers
``standard_normal(n)`` gives, leaving the stream in the same state, and 1.5–3 times faster here than
numpy's array fill). The arithmetic is the same, operation by operation, as the numpy functions of
citizens.py, which stay the reference (tests/test_citizens.py checks the two bit for bit). Compiled
on first use and cached next to this file (``cache=True``; ``NUMBA_CACHE_DIR`` moves the cache; the
first call of a process loads it, ~0.3 s of CPU); docs/PERFORMANCE.md, "How the compiled and sampled paths stay honest".
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def month(rng: np.random.Generator, village: np.ndarray, index_v: np.ndarray, hit_v: np.ndarray,
          rates: tuple[float, ...], expect: np.ndarray, satisfaction: np.ndarray, trust: np.ndarray,
          eligible_v: np.ndarray, expect_sum_v: np.ndarray) -> float:
    """One month of every household, in place.

    Args:
        rng: the ``citizens`` stream (one standard normal per household, in household order).
        village: village of every household.
        index_v: quality index of every village (0–1).
        hit_v: trust lost by every village's households this month (0–1): the unserved, swing and
            scandal hits, shape (villages, 3), subtracted in that order.
        rates: perception noise (sd, 0–1), tolerance (0–1), satisfaction rate, disconfirmation,
            expectation rate and trust rate (per month), in that order.
        expect, satisfaction, trust: every household's state (0–1), updated in place.
        eligible_v: out, households of each village whose perception falls more than the tolerance
            below their expectation (each complains if its complaint channel works; who does is
            drawn per village by the caller).
        expect_sum_v: out, Σ of the updated expectations of each village's households.

    Returns:
        Σ perceived quality over the households.
    """
    noise, tolerance, s_rate, disconf, e_rate, t_rate = rates
    eligible_v[:] = 0
    expect_sum_v[:] = 0.0
    seen_sum = 0.0
    for i in range(len(village)):
        v = village[i]
        p = min(max(rng.standard_normal() * noise + index_v[v], 0.0), 1.0)
        e = expect[i]
        seen_sum += p
        eligible_v[v] += p < e - tolerance  # no branch: it would be mispredicted ~1 time in 4
        target = min(max(p + disconf * (p - e), 0.0), 1.0)
        s = satisfaction[i] + s_rate * (target - satisfaction[i])
        satisfaction[i] = s
        e = e + e_rate * (p - e)
        expect[i] = e
        expect_sum_v[v] += e
        t = trust[i]
        t = (s - t) * t_rate + t - hit_v[v, 0] - hit_v[v, 1] - hit_v[v, 2]
        trust[i] = min(max(t, 0.0), 1.0)
    return seen_sum
