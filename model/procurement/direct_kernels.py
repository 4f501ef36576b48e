"""Compiled pass of directed commissions (numba, :mod:`model.procurement.direct`): the pairs a
buyer knows, counted as told and screened as eligible without listing them all. Like
:mod:`model.procurement.kernels` (whose ``warm`` loads it too), it computes exactly what the numpy
code it replaced computed, which still runs under a per-buyer blacklist; tests/test_kernels.py
compares runs with that numpy code.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def known_eligible(inv, start, per, lf, ld, extra, extra_f, extra_d, value, min_value, kind, passes, need,
                   capability, listed):
    """The commissions' known pairs, counted and screened without being listed: commission ``t``
    knows the firms ``lf[start[inv[t]]:+per[inv[t]]]`` of its place (distances ``ld``), then the
    extra pairs ``(extra, extra_f, extra_d)`` follow — :func:`model.procurement.kernels.expand_places`'
    pairs, in its order. A pair is told when the firm attends to the value (``value[t] ≥
    min_value[f]``) and eligible when told and it passes the screening rule as the notice sampler
    applies it (``passes[kind[t], f]``, ``capability[f] ≥ need[t]``, not ``listed[f]``).

    Returns:
        ``(notified, eligible, ti, fi, dist)``: per commission its told and its eligible pairs, and
        the eligible pairs in expand_places' order (views of arrays sized for every known pair).
    """
    n = len(extra)
    for t in range(len(inv)):
        n += per[inv[t]]
    ti, fi, dist = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n)
    notified, eligible = np.zeros(len(inv), np.int64), np.zeros(len(inv), np.int64)
    k, n_l = 0, len(lf)
    for q in range(len(inv) + len(extra)):  # the places' pairs commission by commission, then the extra pairs
        if q < len(inv):
            t, s, e = q, start[inv[q]], start[inv[q]] + per[inv[q]]
        else:  # an extra pair: position n_l + its index in the places' pairs followed by the extra ones
            t, s, e = extra[q - len(inv)], n_l + q - len(inv), n_l + q - len(inv) + 1
        for i in range(s, e):
            f, d = (lf[i], ld[i]) if i < n_l else (extra_f[i - n_l], extra_d[i - n_l])
            if value[t] >= min_value[f]:
                notified[t] += 1
                if passes[kind[t], f] and capability[f] >= need[t] and not listed[f]:
                    eligible[t] += 1
                    ti[k], fi[k], dist[k] = t, f, d
                    k += 1
    return notified, eligible, ti[:k], fi[:k], dist[:k]
