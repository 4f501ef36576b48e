"""Compiled random draws of the notice sampler (numba): the geometric skips of
:func:`model.procurement.notices._bernoulli_positions`. Like :mod:`model.procurement.kernels`
(whose ``warm`` loads this too), it draws exactly what the numpy code it replaced drew, from the
caller's Generator in the same order; the numpy version is the reference in tests/test_kernels.py.
"""

from __future__ import annotations

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
def bernoulli_positions(n, p, rng):
    """:func:`model.procurement.notices._bernoulli_positions`, compiled: the positions ``i < n[g]``
    that succeed in independent Bernoulli(``p[g]``) trials, by geometric skips drawn from ``rng``
    (the ``notices`` stream, a numpy Generator) in the same order as the numpy version — every
    group's first skip in group order, then one more skip for each group still inside, round by
    round — and returned in that order: ``(group, position)``. :func:`_geometric` is numpy's
    algorithm on the same bit generator, so the draws are numpy's (tests/test_kernels.py); what
    this saves is a round of numpy calls per success of the fullest group, and a ``log1p`` per
    draw (computed once per group)."""
    m = len(n)
    g = np.empty(m, np.int64)
    q = np.empty(m, np.int64)
    log_q = np.empty(m)
    for i in range(m):
        log_q[i] = np.log1p(-p[i])
    k = 0
    for i in range(m):
        s = _geometric(rng, p[i], log_q[i]) - 1
        if s < n[i]:
            g[k], q[k] = i, s
            k += 1
    out_g = np.empty(max(2 * k, 1), np.int64)
    out_q = np.empty(len(out_g), np.int64)
    o = 0
    while k > 0:
        if o + k > len(out_g):
            size = max(2 * len(out_g), o + k)
            grown_g, grown_q = np.empty(size, np.int64), np.empty(size, np.int64)
            grown_g[:o], grown_q[:o] = out_g[:o], out_q[:o]
            out_g, out_q = grown_g, grown_q
        out_g[o:o + k], out_q[o:o + k] = g[:k], q[:k]
        o += k
        alive = 0
        for i in range(k):
            s = q[i] + _geometric(rng, p[g[i]], log_q[g[i]])
            if s < n[g[i]]:
                g[alive], q[alive] = g[i], s
                alive += 1
        k = alive
    return out_g[:o], out_q[:o]
