"""Compiled inner loops of the procurement market (numba; issue 24).

Each kernel computes exactly what the numpy expression it replaces computes — the same pairs in
the same order, the same floating-point operations in the same order (numba compiles without
fast-math, so no reassociation or fused multiply-add) — so results stay bit-identical; the numpy
versions they replaced are kept as references in tests/test_kernels.py. They exist because the
numpy versions build several temporary arrays per (tender, firm) pair, which at the province's
~3·10⁷ pairs a year costs more than the arithmetic.

``cache=True`` stores the compiled code next to this file (``__pycache__``), so only the first
run on a machine pays the compilation (a few seconds).
"""

from __future__ import annotations

import numba
import numpy as np

#: Most grid cells of a pair search (bounds the grid's memory: 8 bytes per cell).
MAX_CELLS = 1 << 22

#: First guess of pairs per tender when sizing a kernel's output (it doubles when exceeded).
PAIRS_GUESS = 16


@numba.njit(cache=True)
def _grid(px, py, x0, y0, h, nx, ny):
    """Firms by cell: (start of each cell's run in ``order``, ``order``), cells column-major in y."""
    n = len(px)
    cell = np.empty(n, np.int64)
    count = np.zeros(nx * ny + 1, np.int64)
    for i in range(n):
        cx = min(max(int((px[i] - x0) // h), 0), nx - 1)
        cy = min(max(int((py[i] - y0) // h), 0), ny - 1)
        cell[i] = cx * ny + cy
        count[cell[i] + 1] += 1
    start = np.cumsum(count)
    fill = start[:-1].copy()
    order = np.empty(n, np.int64)
    for i in range(n):  # firms in ascending position within each cell
        order[fill[cell[i]]] = i
        fill[cell[i]] += 1
    return start, order


@numba.njit(cache=True)
def pairs_within(tx, ty, r, px, py, x0, y0, h, nx, ny):
    """(tender, firm position) pairs with ``(px − tx)² + (py − ty)² ≤ r²``, sorted by tender then
    firm position, found over a grid of square cells of side ``h`` (km) whose origin is
    ``(x0, y0)`` and size ``nx × ny`` cells (it covers every firm).

    Args:
        tx, ty, r: tender places and search radii (km). px, py: firm places (km).

    Returns:
        ``(ti, j)`` int64 arrays.
    """
    start, order = _grid(px, py, x0, y0, h, nx, ny)
    cap = max(len(tx) * PAIRS_GUESS, PAIRS_GUESS)
    out_t = np.empty(cap, np.int64)
    out_j = np.empty(cap, np.int64)
    k = 0
    for t in range(len(tx)):
        rt, xt, yt = r[t], tx[t], ty[t]
        r2 = rt * rt
        lx = min(max(int(np.floor((xt - rt - x0) / h)), 0), nx - 1)
        hx = min(max(int(np.floor((xt + rt - x0) / h)), 0), nx - 1)
        ly = min(max(int(np.floor((yt - rt - y0) / h)), 0), ny - 1)
        hy = min(max(int(np.floor((yt + rt - y0) / h)), 0), ny - 1)
        first = k
        for cx in range(lx, hx + 1):
            for i in range(start[cx * ny + ly], start[cx * ny + hy + 1]):
                f = order[i]
                dx = px[f] - xt
                dx = dx * dx
                dy = py[f] - yt
                dy = dy * dy
                if dx + dy <= r2:
                    if k == cap:
                        cap *= 2
                        grown_t = np.empty(cap, np.int64)
                        grown_j = np.empty(cap, np.int64)
                        grown_t[:k] = out_t[:k]
                        grown_j[:k] = out_j[:k]
                        out_t, out_j = grown_t, grown_j
                    out_t[k] = t
                    out_j[k] = f
                    k += 1
        out_j[first:k] = np.sort(out_j[first:k])
    return out_t[:k], out_j[:k]
