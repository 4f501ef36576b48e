"""Compiled capacity limits of the procurement market (numba): which entries a firm
keeps within its free capacity, which pairs its kept entries certainly beat, and the deferred
acceptance of directed commissions. Like
:mod:`model.procurement.kernels` (whose ``warm`` loads these too), each computes exactly what the
numpy code it replaced computed; the numpy versions are the reference tests in
tests/test_kernels.py and tests/test_perf_sampling.py.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def by_firm_best_first(fi, gain, sorted_first):
    """The permutation ``np.lexsort((-gain, fi))`` (by firm, then by ``gain`` from the highest,
    ties in entry order) for ``gain`` without NaN, when the first ``len(sorted_first)`` entries
    are already in that order (``sorted_first``, e.g. the entries a pruning kept; empty: none):
    the later entries are counted by firm and each firm's sorted by a stable merge sort of
    ``−gain``, then each firm's two runs merged — an earlier entry first on a tie, as the stable
    sort puts it. Linear in the entries but for the firms' own sorts of their later entries,
    where the two-key sort sorts everything together."""
    n, n_old = len(fi), len(sorted_first)
    n_f = 0
    for i in range(n):
        n_f = max(n_f, fi[i] + 1)
    old_start = np.zeros(n_f + 1, np.int64)
    new_start = np.zeros(n_f + 1, np.int64)
    for i in range(n_old):
        old_start[fi[i] + 1] += 1
    for i in range(n_old, n):
        new_start[fi[i] + 1] += 1
    for f in range(n_f):
        old_start[f + 1] += old_start[f]
        new_start[f + 1] += new_start[f]
    fill = new_start[:-1].copy()
    new = np.empty(n - n_old, np.int64)
    for i in range(n_old, n):
        new[fill[fi[i]]] = i
        fill[fi[i]] += 1
    order = np.empty(n, np.int64)
    k = 0
    for f in range(n_f):
        a, b = new_start[f], new_start[f + 1]
        if b - a > 1:
            seg = new[a:b].copy()
            new[a:b] = seg[np.argsort(-gain[seg], kind="mergesort")]
        i, j = old_start[f], a  # merge: the earlier (kept) entry first unless the later one is better
        while i < old_start[f + 1] or j < b:
            if j >= b or (i < old_start[f + 1] and -gain[sorted_first[i]] <= -gain[new[j]]):
                order[k] = sorted_first[i]
                i += 1
            else:
                order[k] = new[j]
                j += 1
            k += 1
    return order


@numba.njit(cache=True)
def keep_within(order, fi, w, free, tol):
    """Entries kept within their firm's capacity (:func:`model.procurement.batch.cap_by_capacity`):
    in ``order`` (by firm, best first) an entry is kept while the summed weight ``w`` of the
    firm's entries before it is below ``free[firm] − tol``. The running sum is numpy's ``cumsum``
    over the ordered weights (one sequential sum for all firms), and a firm's sum before an entry
    is ``csum − (csum at the firm's first entry − its weight) − weight``, in that order, as the
    numpy code computed it.

    Returns:
        Boolean keep mask in the entries' own order.
    """
    keep = np.zeros(len(order), np.bool_)
    csum = 0.0
    before = 0.0
    for k in range(len(order)):
        i = order[k]
        csum = w[i] if k == 0 else csum + w[i]
        if k == 0 or fi[i] != fi[order[k - 1]]:
            before = csum - w[i]
        keep[i] = csum - before - w[i] < free[fi[i]] - tol
    return keep


@numba.njit(cache=True)
def deferred_acceptance(order, ti, fi, free):
    """:func:`model.procurement.direct.choose_within_capacity` as sequential deferred acceptance:
    procurements (runs of equal ``ti`` in ``order``, ascending ``ti``) propose to their
    candidates in order; firm ``f`` holds at most ``free[f]`` procurements, preferring the
    earliest (lowest ``ti``), and turns the latest away when over. With strict preferences and
    whole capacities the outcome is the procurement-optimal stable matching whatever the order of
    proposals, so it equals the numpy rounds (every turned-away procurement proposing again
    together), which the reference test checks.

    Returns:
        Positions (into the pair arrays) of the chosen pairs, by procurement.
    """
    n = len(order)
    nb = 0
    start = np.empty(n + 1, np.int64)
    for k in range(n):
        if k == 0 or ti[order[k]] != ti[order[k - 1]]:
            start[nb] = k
            nb += 1
    start[nb] = n
    ptr = start[:nb].copy()
    slot0 = np.zeros(len(free) + 1, np.int64)
    for f in range(len(free)):
        slot0[f + 1] = slot0[f] + max(free[f], 0)
    held = np.empty(slot0[-1], np.int64)
    n_held = np.zeros(len(free), np.int64)
    for b0 in range(nb):
        b = b0
        while b >= 0 and ptr[b] < start[b + 1]:
            f = fi[order[ptr[b]]]
            if n_held[f] < free[f]:
                held[slot0[f] + n_held[f]] = b
                n_held[f] += 1
                b = -1
                continue
            worst = -1
            for s in range(slot0[f], slot0[f] + n_held[f]):
                if worst < 0 or held[s] > held[worst]:
                    worst = s
            if worst >= 0 and held[worst] > b:  # b is earlier: the latest held is turned away
                b, held[worst] = held[worst], b
            ptr[b] += 1
    chosen = np.zeros(nb, np.bool_)
    for s in range(len(free)):
        for h in range(slot0[s], slot0[s] + n_held[s]):
            chosen[held[h]] = True
    out = np.empty(nb, np.int64)
    k = 0
    for b in range(nb):
        if chosen[b]:
            out[k] = order[ptr[b]]
            k += 1
    return out[:k]


@numba.njit(cache=True, error_model="numpy")
def unbeaten_by_bound(c, ti, fi, item, win, eligible, reserve, mob, bid_cost, zero_cost, tolerance, beaten_below):
    """The first pass of ``entry.unbeaten`` over pairs ``c`` (positions into ``ti``, ``fi``): each
    pair's expected rivals (``entry.expected_rivals``: min(1/win − 1, max(eligible − 1, 0))) and
    whether its firm's kept pairs certainly beat it on ``entry.gain_bound`` without its cost —
    bound = (reserve − ``zero_cost`` − mob) / (1 + rivals) − bid cost, beaten when bound +
    ``tolerance`` · (|reserve| + |mob| + 0 + bid cost) ≤ ``beaten_below[f]`` — the numpy code's
    operations in its order (``zero_cost``: s_min · 0, as it computes it). Per tender: ``item``,
    ``eligible``, ``reserve`` (over the term), ``mob``, ``bid_cost``.

    Returns:
        ``(live, rivals)``: the positions of ``c`` not beaten, and their expected rivals.
    """
    live = np.empty(len(c), np.int64)
    riv = np.empty(len(c))
    k = 0
    for i in range(len(c)):
        t, f = ti[c[i]], fi[c[i]]
        a = 1.0 / win[f, item[t]] - 1.0
        b = float(max(eligible[t] - 1, 0))
        rivals = a if (a <= b or a != a) else b  # numpy's minimum
        bound = (reserve[t] - zero_cost - mob[t]) / (1 + rivals) - bid_cost[t]
        tol = tolerance * (abs(reserve[t]) + abs(mob[t]) + 0.0 + bid_cost[t])
        if not bound + tol <= beaten_below[f]:
            live[k], riv[k] = c[i], rivals
            k += 1
    return live[:k].copy(), riv[:k].copy()
