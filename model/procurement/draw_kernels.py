"""Compiled random draws of the notice sampler (numba): who hears of a notice, cell by cell
(:func:`heard_in_cells`, called by :func:`model.procurement.notices.heard_pairs`; loaded by
:func:`model.procurement.kernels.warm`). Its draws are numpy's algorithms on the caller's
Generator (geometric skips: :func:`_geometric`, checked against ``Generator.geometric`` draw for
draw in tests/test_kernels.py; standard exponentials: numba's port of numpy's ziggurat); the
sampler's pairs have the per-pair distribution (tests/test_perf_sampling.py).
"""

from __future__ import annotations

import math

import numba
import numpy as np


#: numpy's switch between its two geometric algorithms (``random_geometric`` in numpy's
#: distributions.c, and numba's port of it): a search over the CDF from this probability up.
GEOMETRIC_SEARCH_FROM = 0.333333333333333333333333


@numba.njit(cache=True, inline="always")
def _geometric(rng, p, log_q):
    """One draw of ``rng.geometric(p)`` — numpy's algorithm and draws — with ``log_q =
    log1p(−p)`` computed once per group rather than once per draw: a search over the CDF (one
    uniform) for ``p ≥`` :data:`GEOMETRIC_SEARCH_FROM`, else inversion ``⌈−E / log1p(−p)⌉`` of one
    standard exponential (numpy's ziggurat)."""
    if p >= GEOMETRIC_SEARCH_FROM:
        x = 1
        total = prod = p
        q = 1.0 - p
        u = rng.random()
        while u > total:
            prod *= q
            total += prod
            x += 1
        return x
    return np.int64(np.ceil(-rng.standard_exponential() / log_q))


@numba.njit(cache=True)
def heard_in_cells(g_t, g_c, lp0, p0, near, start, count, px, py, tx, ty, r, value, min_value, rows, ask,
                   ln_top, range_km, rng, rule, out_t, out_f, out_d, g, k):
    """The notice sampler's (tender, cell) groups ``g, g + 1, …``, drawn from ``rng`` (the
    ``notices`` stream) into ``out_*[k:]``: every firm of a ``near`` cell is proposed, those of
    the others by geometric skips at ``p₀`` (:func:`_geometric`); an attentive proposal within the
    radius hears with probability ``p(d) / p₀``, ``p(d) = min(1, top · exp(−d / range_km))``: when
    a standard exponential ``E`` exceeds ``log p₀ − log p(d)``, i.e. ``d < range_km · (E − log p₀ +
    log top)``, tested on the squares. Each pair so hears independently with exactly ``p(d)``.

    A pair is written whether or not it hears and kept (``k`` advanced) when it hears: no branch
    on the draw. Under a screening ``rule`` ``(heard, kind, passes, need, capability, listed)``
    with a non-empty ``heard``, every pair heard is counted in ``heard[ask[t]]`` and only the
    eligible ones are kept (:func:`model.procurement.kernels.screen_pairs`' test, as drawn).
    Stops before a group that might not fit in the arrays, so a caller grows them and calls again
    from the group returned: the draws do not depend on the room.

    Args:
        g_t, g_c, lp0, p0, near: per group, the tender (position into ``tx``…), the cell, ``log p₀``
            and ``p₀`` (0 and 1 for a near group: ``p₀ ≥ notices.ENUMERATE_ABOVE``), whether near.
        start, count: per cell, its first firm and its firms in ``px``, ``py``, ``min_value`` and
            ``rows``, which hold the firms cell by cell (read in sequence: no gather per proposal).
        ln_top: ``log top``. out_t, out_f, out_d: tender (``ask``), firm (``rows``) and distance
            (km: the square root of the squared distance tested, within an ulp of ``hypot``) of the
            pairs heard. g, k: the first group, and the pairs already written.

    Returns:
        ``(g, k)``: the next group to draw (``len(g_t)`` when done) and the pairs written.
    """
    heard, kind, passes, need, capability, listed = rule
    screen = len(heard) > 0
    while g < len(g_t):
        c = g_c[g]
        n = count[c]
        if k + n > len(out_t):
            break
        t, base = g_t[g], start[c]
        a = ask[t]
        ka, na = (kind[a], need[a]) if screen else (0, 0.0)
        xt, yt, vt, r2 = tx[t], ty[t], value[t], r[t] * r[t]
        shift = ln_top - lp0[g]
        every = near[g]
        log_q = 0.0 if every else np.log1p(-p0[g])
        s = 0 if every else _geometric(rng, p0[g], log_q) - 1
        while s < n:
            j = base + s
            dx = px[j] - xt
            dy = py[j] - yt
            d2 = dx * dx + dy * dy
            if vt >= min_value[j] and d2 <= r2:
                thr = range_km * (rng.standard_exponential() + shift)
                f = rows[j]
                out_t[k], out_f[k], out_d[k] = a, f, math.sqrt(d2)
                hears = (thr > 0.0) & (d2 < thr * thr)
                if screen:  # counted, and kept when eligible
                    heard[a] += hears
                    hears &= passes[ka, f] & (capability[f] >= na) & (listed[f] == 0)
                k += hears  # kept when heard
            s += 1 if every else _geometric(rng, p0[g], log_q)
        g += 1
    return g, k
