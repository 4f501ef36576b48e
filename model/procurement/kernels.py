"""Compiled inner loops of the procurement market (numba).

Each kernel computes exactly what the numpy expression it replaces computes — the same pairs in
the same order, the same floating-point operations in the same order (numba compiles without
fast-math, so no reassociation or fused multiply-add) — so results stay bit-identical; the numpy
versions they replaced are kept as references in tests/test_kernels.py. They exist because the
numpy versions build several temporary arrays per (tender, firm) pair, which at the province's
~10⁸ heard pairs a year costs more than the arithmetic. Random draws and ``exp`` stay numpy's
(in the callers), so the draws and their rounding are those of the numpy code — except the
notice sampler's, drawn inside :func:`model.procurement.draw_kernels.heard_in_cells` by numpy's
algorithms on the caller's Generator (its pairs have the per-pair distribution:
tests/test_perf_sampling.py).

``cache=True`` stores the compiled code next to this file (``__pycache__``), so only the first
run on a machine pays the compilation (a few seconds).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from model.delivery import terms_kernel
from model.procurement import capacity_kernels, direct_kernels, draw_kernels
from model.rng import keyed_normal

#: Most grid cells of a pair search (bounds the grid's memory: 8 bytes per cell).
MAX_CELLS = 1 << 22

#: A tender whose bounding box holds at least 1/SCAN_ALL_ABOVE of the firms tests every firm in
#: order rather than cell by cell (no sort of its pairs: at the county's few hundred firms a
#: scan in order costs less than sorting the pairs found cell by cell).
SCAN_ALL_ABOVE = 4


@numba.njit(cache=True)
def _grid(px, py, x0, y0, h, nx, ny):
    """Firms by cell: (start of each cell's run in ``order``, ``order``), cells column-major in y."""
    n = len(px)
    cell = np.empty(n, np.int64)
    count = np.zeros(nx * ny + 1, np.int64)
    for i in range(n):
        cell[i] = _cell(px[i], x0, h, nx) * ny + _cell(py[i], y0, h, ny)  # the tenders' own cell rule
        count[cell[i] + 1] += 1
    start = np.cumsum(count)
    fill = start[:-1].copy()
    order = np.empty(n, np.int64)
    for i in range(n):  # firms in ascending position within each cell
        order[fill[cell[i]]] = i
        fill[cell[i]] += 1
    return start, order


#: Cell side of the pair search's grid, in median search radii (a tender then scans about
#: (2/0.5 + 1)² = 25 cells, 2.0× the area of its disk). The grid changes the work, not the pairs.
CELL_RADII = 0.5


@numba.njit(cache=True)
def search_grid(r, px, py):
    """Grid of the pair search over firms at ``(px, py)`` (km, at least one) for search radii
    ``r`` (km): origin ``(x0, y0)``, cell side ``h`` (:data:`CELL_RADII` median radii, at least
    the side that keeps the grid within :data:`MAX_CELLS`) and size ``nx × ny`` cells."""
    x0, y0 = px.min(), py.min()
    span = max(px.max() - x0, py.max() - y0, 1e-9)
    h = max(CELL_RADII * np.median(r), span / np.sqrt(MAX_CELLS), 1e-9)
    return x0, y0, h, _cell(px.max(), x0, h, MAX_CELLS) + 1, _cell(py.max(), y0, h, MAX_CELLS) + 1


@numba.njit(cache=True)
def pairs_within(tx, ty, r, px, py, ordered):
    """(tender, firm position, distance) of the pairs with ``(px − tx)² + (py − ty)² ≤ r²``,
    sorted by tender (then by firm position when ``ordered``), found over a grid of square cells
    (:func:`search_grid`; the firms' cells and the tenders' boxes use the same rule,
    :func:`_cell`, so no firm within reach is outside its tender's box). A tender whose box
    holds many of the firms (:data:`SCAN_ALL_ABOVE`) scans every firm in order instead (no sort).

    Args:
        tx, ty, r: tender places and search radii (km). px, py: firm places (km).
        ordered: whether each tender's firms are sorted; if not, they come in the grid's order
            (the same pairs, tender by tender), for a caller whose results do not depend on it.

    Returns:
        ``(ti, j, dist)``: int64, int64 and float64 arrays; ``dist = hypot(px − tx, py − ty)`` (km).
    """
    out_t, out_j = pairs_in_radius(tx, ty, r, px, py, ordered)
    dist = np.empty(len(out_t))
    for i in range(len(out_t)):
        dist[i] = math.hypot(px[out_j[i]] - tx[out_t[i]], py[out_j[i]] - ty[out_t[i]])
    return out_t, out_j, dist


@numba.njit(cache=True)
def pairs_in_radius(tx, ty, r, px, py, ordered):
    """:func:`pairs_within` without the distances: ``(ti, j)`` in the same order. Two passes of
    :func:`_scan` (count, then write into arrays of the exact size): cheaper than growing one
    output array, whose reallocation inside the loop kept the compiled loop slow."""
    x0, y0, h, nx, ny = search_grid(r, px, py)
    start, order = _grid(px, py, x0, y0, h, nx, ny)
    none = np.empty(0, np.int64)
    n = _scan(tx, ty, r, px, py, x0, y0, h, nx, ny, start, order, none, none, ordered)
    out_t, out_j = np.empty(n, np.int64), np.empty(n, np.int64)
    _scan(tx, ty, r, px, py, x0, y0, h, nx, ny, start, order, out_t, out_j, ordered)
    return out_t, out_j


@numba.njit(cache=True)
def _scan(tx, ty, r, px, py, x0, y0, h, nx, ny, start, order, out_t, out_j, ordered):
    """Count the pairs within the radius, tender by tender (firms of the cells the tender's box
    reaches, or every firm when the box holds many of them), and write them, sorted by firm
    within each tender (when ``ordered``), into ``out_t``/``out_j`` unless these are empty.
    Returns the count."""
    write = len(out_t) > 0
    k = 0
    for t in range(len(tx)):
        rt, xt, yt = r[t], tx[t], ty[t]
        lx, hx = _cell(xt - rt, x0, h, nx), _cell(xt + rt, x0, h, nx)
        ly, hy = _cell(yt - rt, y0, h, ny), _cell(yt + rt, y0, h, ny)
        first = k
        in_box = 0
        for cx in range(lx, hx + 1):
            in_box += start[cx * ny + hy + 1] - start[cx * ny + ly]
        if in_box * SCAN_ALL_ABOVE >= len(px):
            for f in range(len(px)):
                if _within(px[f], py[f], xt, yt, rt):
                    if write:
                        out_t[k], out_j[k] = t, f
                    k += 1
        else:
            for cx in range(lx, hx + 1):
                for i in range(start[cx * ny + ly], start[cx * ny + hy + 1]):
                    if _within(px[order[i]], py[order[i]], xt, yt, rt):
                        if write:
                            out_t[k], out_j[k] = t, order[i]
                        k += 1
            if write and ordered:
                out_j[first:k].sort()
    return k


@numba.njit(cache=True, inline="always")
def _within(x, y, xt, yt, rt):
    """Whether ``(x, y)`` is within ``rt`` of the tender (the numpy expression
    ``dx *= dx; dy *= dy; dx += dy; dx <= r²``)."""
    dx = x - xt
    dx = dx * dx
    dy = y - yt
    dy = dy * dy
    return dx + dy <= rt * rt


@numba.njit(cache=True)
def cell_groups(tx, ty, r, x0, y0, h, nx, ny, count):
    """(tender, cell) groups of the notice sampler: for every tender, the grid cells of its
    bounding box (clipped to the ``nx × ny`` grid; x outer, y inner) that hold a firm and whose
    nearest point is within the tender's radius.

    Args:
        tx, ty, r: tender places and search radii (km). x0, y0, h: the grid's origin and cell
            side (km). count: firms per cell (cells column-major in y).

    Returns:
        ``(g_t, g_c, d0)``: tender position, cell, and distance (km) from the tender to the
        cell's nearest point.
    """
    n = 0
    for t in range(len(tx)):
        wx = _cell(tx[t] + r[t], x0, h, nx) - _cell(tx[t] - r[t], x0, h, nx) + 1
        wy = _cell(ty[t] + r[t], y0, h, ny) - _cell(ty[t] - r[t], y0, h, ny) + 1
        n += wx * wy
    g_t = np.empty(n, np.int64)
    g_c = np.empty(n, np.int64)
    d0 = np.empty(n)
    k = 0
    for t in range(len(tx)):
        xt, yt, rt = tx[t], ty[t], r[t]
        for cx in range(_cell(xt - rt, x0, h, nx), _cell(xt + rt, x0, h, nx) + 1):
            ddx = max(max(x0 + cx * h - xt, xt - (x0 + (cx + 1) * h)), 0.0)
            for cy in range(_cell(yt - rt, y0, h, ny), _cell(yt + rt, y0, h, ny) + 1):
                c = cx * ny + cy
                if count[c] == 0:
                    continue
                ddy = max(max(y0 + cy * h - yt, yt - (y0 + (cy + 1) * h)), 0.0)
                d = math.hypot(ddx, ddy)
                if d <= rt:
                    g_t[k] = t
                    g_c[k] = c
                    d0[k] = d
                    k += 1
    return g_t[:k], g_c[:k], d0[:k]


#: Margin of the small notice search's distance bound (:func:`dense_open`), in the log of the
#: reach and relative to the squared bound: far above the few units in the last place of the
#: bound's and of the reach's rounding (≈10⁻¹³), so no pair that can hear is cut.
BOUND_MARGIN = 1e-9


@numba.njit(cache=True)
def dense_open(ti, j, u, log_u, top, value, min_value, rows, tx, ty, px, py, range_km):
    """First pass of the small notice search (one uniform ``u`` per candidate pair): the pairs
    that can still hear — attentive (``value[ti] ≥ min_value``), ``u < min(1, top)`` (which
    bounds the reach ``min(1, top · exp(−d / range_km))``, the exponential being at most 1) and
    no farther than the distance at which ``top · exp(−d / range_km)`` falls to ``u``,
    ``range_km · (log top − log u)`` (``log_u``: numpy's log of ``u``), widened by
    :data:`BOUND_MARGIN` and tested on the squared distance — with their distance (``hypot``, km)
    and the exponent ``−d / range_km`` of their reach. The other pairs cannot hear whatever the
    rounding, so neither is computed for them.

    Returns:
        ``(idx, d, arg)``: positions into the candidate pairs, distances and exponents.
    """
    n = len(ti)
    idx = np.empty(n, np.int64)
    cut = min(1.0, top)
    log_top = math.log(top) if top > 0 else 0.0
    k = 0
    for i in range(n):  # branch-free selection (the tests are random: branches mispredict)
        t, f = ti[i], j[i]
        dx, dy = px[f] - tx[t], py[f] - ty[t]
        bound = range_km * (log_top - log_u[i] + BOUND_MARGIN)
        idx[k] = i
        k += (u[i] < cut) & (value[t] >= min_value[rows[f]]) & (
            dx * dx + dy * dy <= bound * bound * (1.0 + BOUND_MARGIN))
    d, arg = np.empty(k), np.empty(k)
    for m in range(k):
        i = idx[m]
        d[m] = math.hypot(px[j[i]] - tx[ti[i]], py[j[i]] - ty[ti[i]])
        arg[m] = -d[m] / range_km
    return idx[:k], d, arg


@numba.njit(cache=True)
def dense_heard(idx, d, reach, u, top, ti, j, ask, rows):
    """Second pass: the pairs of :func:`dense_open` with ``u < min(1, top · reach)`` (``reach``
    = ``exp(arg)``, computed by numpy). Returns ``(tender, firm, d)`` of the pairs heard."""
    n = len(idx)
    t_out, f_out, d_out = _pair_arrays(n)
    k = 0
    for m in range(n):
        i = idx[m]
        if u[i] < min(1.0, top * reach[m]):
            t_out[k], f_out[k], d_out[k] = ask[ti[i]], rows[j[i]], d[m]
            k += 1
    return t_out[:k], f_out[:k], d_out[:k]


@numba.njit(cache=True)
def expand_places(inv, start, per, lf, ld, extra, extra_f, extra_d):
    """Per-commission pairs from per-place pairs: commission ``t`` gets the pairs
    ``lf[start[inv[t]]:+per[inv[t]]]`` (firms, distances ``ld``) of its place, commissions in
    order; then the extra pairs ``(extra, extra_f, extra_d)`` are appended.

    Returns:
        ``(ti, fi, dist)``.
    """
    n = len(extra)
    for t in range(len(inv)):
        n += per[inv[t]]
    ti, fi, dist = _pair_arrays(n)
    k = 0
    for t in range(len(inv)):
        s = start[inv[t]]
        for i in range(s, s + per[inv[t]]):
            ti[k], fi[k], dist[k] = t, lf[i], ld[i]
            k += 1
    for i in range(len(extra)):
        ti[k], fi[k], dist[k] = extra[i], extra_f[i], extra_d[i]
        k += 1
    return ti, fi, dist


@numba.njit(cache=True)
def _pair_arrays(n):
    """Empty (tender, firm, value) arrays for ``n`` pairs: int64, int64, float64."""
    return np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n)


@numba.njit(cache=True)
def _cell(v, v0, h, n):
    """Grid cell (0 … n − 1) of coordinate ``v`` (km), clipped to the grid."""
    return min(max(int(np.floor((v - v0) / h)), 0), n - 1)


@numba.njit(cache=True)
def screen_pairs(ti, fi, dist, n, kind, passes, need, capability, listed_firm, listed_pair):
    """Heard pairs counted per tender and screened in one pass: ``np.bincount(ti, minlength=n)``,
    and the pairs (in their order) whose firm passes its tender's kind of checks
    (``passes[kind[t], f]``, :func:`model.procurement.screening.parts`), has the capability
    (``capability[f] ≥ need[t]``) and is not excluded by the blacklist (``listed_firm[f]``, or
    ``listed_pair[i]`` when that is not empty) — what ``screening.eligible`` and the blacklist's
    mask select.

    Returns:
        ``(count, ti, fi, dist)``: pairs heard per tender, and the eligible pairs.
    """
    count = np.zeros(n, np.int64)
    out_t, out_f, out_d = _pair_arrays(len(ti))
    per_pair = len(listed_pair) > 0
    k = 0
    for i in range(len(ti)):
        t, f = ti[i], fi[i]
        count[t] += 1
        if passes[kind[t], f] and capability[f] >= need[t] and not listed_firm[f] \
                and not (per_pair and listed_pair[i]):
            out_t[k], out_f[k], out_d[k] = t, f, dist[i]
            k += 1
    return count, out_t[:k].copy(), out_f[:k].copy(), out_d[:k].copy()


@numba.njit(cache=True)
def add_pairs(key, others, cnt, total):
    """Per-(firm, item) sums of learning, in place and in pair order: ``cnt[key] += 1`` and
    ``total[key] += 1 / (1 + others)`` — what ``np.bincount(key)`` and ``np.bincount(key,
    weights=1.0 / (1.0 + others))`` add, one sequential sum per position."""
    for i in range(len(key)):
        cnt[key[i]] += 1
        total[key[i]] += 1.0 / (1.0 + others[i])


def warm() -> None:
    """Load every kernel's compiled code (from numba's cache, or compile it) by calling it once on
    tiny inputs of the types the model passes. A run does this on its first call anyway; the
    benchmark calls it before its clock starts so that this once-per-process cost (≈0.2 s CPU,
    most of it numba initialising its typing context) is reported apart from the model's time."""
    one, i1, no = np.zeros(1), np.zeros(1, np.int64), np.zeros(0, np.int64)
    pairs_within(one, one, one, one, one, True)
    g_t, g_c, d0 = cell_groups(one, one, one, 0.0, 0.0, 1.0, 1, 1, np.ones(1, np.int64))
    draw_kernels.heard_in_cells(g_t, g_c, d0, one, np.ones(len(g_t), np.bool_), i1, np.ones(1, np.int64), one, one,
                                one, one, one, one, one, i1, i1, 0.0, 1.0, np.random.default_rng(0),
                                (np.zeros(1, np.int64), i1, np.ones((1, 1), np.bool_), one, one, np.zeros(1, np.bool_)),
                                np.empty(1, np.int64), np.empty(1, np.int64), np.empty(1), 0, 0)
    expand_places(i1, i1, i1, i1, one, no, no, np.zeros(0))
    ti, j = pairs_in_radius(one, one, one, one, one, True)
    idx, d, arg = dense_open(ti, j, np.zeros(len(ti)), np.zeros(len(ti)), 1.0, one, one, i1, one, one, one, one, 1.0)
    dense_heard(idx, d, np.exp(arg), np.zeros(len(ti)), 1.0, ti, j, i1, i1)
    capacity_kernels.keep_within(no, no, np.zeros(0), one, 0.0)
    capacity_kernels.by_firm_best_first(i1, one, no)
    capacity_kernels.deferred_acceptance(i1, i1, i1, i1)
    capacity_kernels.unbeaten_by_bound(no, i1, i1, np.zeros(1, np.int32), np.ones((1, 1)), i1, one, one, one, 0.0, 0.0,
                                       one)  # entry's first pass (a tender's item is int32)
    keyed_normal(0, "bidding", i1, i1, 0)  # the cost shocks' mixing (model.rng)
    add_pairs(i1, one, np.zeros(1, np.int64), one)
    terms_kernel.warm()  # expected terms (model.delivery)
    screen_pairs(i1, i1, one, 1, i1, np.ones((1, 1), np.bool_), one, one, np.zeros(1, np.bool_), np.zeros(0, np.bool_))
    direct_kernels.known_eligible(i1, i1, i1, i1, one, no, no, np.zeros(0), one, one, i1, np.ones((1, 1), np.bool_),
                                  one, one, np.zeros(1, np.bool_))
