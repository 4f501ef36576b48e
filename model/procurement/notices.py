"""Tender notices and who hears of them (seed P2, reform R1).

A notice on channel ``c`` reaches an attentive firm at distance ``d`` (km) with probability

    p = min(1, reach_c · exp(−d / range_c) · (1 + publicity · publicity_reach))

and a firm pays no attention to contracts worth less than its ``min_value`` (strong prefecture
firms ignore grassroots items, seed P3). No dense tenders × firms matrix is built: a firm kind is
searched only for tenders it pays attention to, and only within the smaller of (a) the break-even
distance of that kind (travel alone would cost the reserve: the firm could never bid) and (b) the
distance at which the channel's reach falls below ``procurement.notice_min_reach`` (the notice
practically never arrives; pairs beyond it are treated as not notified).

Who hears of an open tender is sampled by :func:`heard_parts` / :func:`heard_pairs` (ordered by
:func:`merge_pairs`):
every searched pair hears independently with probability ``p`` — exactly the distribution of
one uniform draw per candidate pair — but the draws are made per grid cell (geometric skips at
the reach of the cell's nearest point, then thinning to ``p``), so the work grows with the pairs
that hear rather than with every pair in range. This changed the order of the ``notices``
stream's draws (not the model): results differ from the per-pair version draw by draw, not in
distribution (``tests/test_perf_sampling.py``; docs/PERFORMANCE.md). Small searches still draw
once per candidate pair. :func:`candidates` (directed commissions) finds the pairs within a
radius with numpy blocks over grid cells, the same pairs as a KD-tree ball query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.param_tree import CHANNELS
from model.procurement import draw_kernels, kernels

if TYPE_CHECKING:
    from model.param_tree import Params


def candidates(tx: np.ndarray, ty: np.ndarray, radius: np.ndarray, fx: np.ndarray, fy: np.ndarray,
               alive: np.ndarray, ordered: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (tender, firm) pairs within each tender's radius.

    The same pairs as a KD-tree ball query (squared distance ≤ radius², computed as
    ``dx² + dy²``), found by a compiled loop over a grid of cells about half a median radius wide
    (:func:`model.procurement.kernels.pairs_within`): each tender visits only the cells its radius
    can reach, so the work grows with the pairs found, not with tenders × firms.

    Args:
        tx, ty: tender places (km). radius: per-tender search radius (km).
        fx, fy: firm bases (km). alive: firms in business.
        ordered: false for a caller whose results do not depend on the order of a tender's firms.

    Returns:
        ``(ti, fi, dist)`` sorted by tender then firm (by tender alone unless ``ordered``); ``dist``
        in km.
    """
    rows = np.flatnonzero(alive)
    if len(tx) == 0 or len(rows) == 0:
        e = np.zeros(0, np.int64)
        return e, e, np.zeros(0)
    ti, j, dist = kernels.pairs_within(*_contiguous(tx, ty, radius, fx[rows], fy[rows]), ordered)
    return ti, rows[j], dist


def _contiguous(*arrays) -> list[np.ndarray]:
    """The arrays as contiguous float64 arrays (what the compiled kernels are compiled for)."""
    return [np.ascontiguousarray(a, float) for a in arrays]


def reach_radius(p: Params, channel: np.ndarray) -> np.ndarray:
    """Distance (km) beyond which a notice on ``channel`` reaches a firm with probability below
    ``procurement.notice_min_reach``."""
    ch = p.procurement.channels
    base = np.array([getattr(ch, c).reach for c in CHANNELS])
    rng_km = np.array([getattr(ch, c).range_km for c in CHANNELS])
    boost = 1 + p.buyers.publicity * p.buyers.publicity_reach
    top = np.minimum(1.0, base * boost)
    r = rng_km * np.log(np.maximum(top, 1e-300) / p.procurement.notice_min_reach)
    return np.maximum(r, 0.0)[channel]


def merge_pairs(parts: list[list[np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ti, fi, dist) parts joined and ordered by tender then firm. ``parts`` ([ti, fi, dist] lists)
    is emptied as it is joined, column by column, and each column is reordered in turn, so that a
    province month's pairs are held little more than once at the peak."""
    if not parts:
        e = np.zeros(0, np.int64)
        return e, e, np.zeros(0)
    cols = []
    for k in range(len(parts[0])):  # column by column, each part's column released once joined
        cols.append(np.concatenate([part[k] for part in parts]))
        for part in parts:
            part[k] = None
    parts.clear()
    order = _pair_order(cols[0], cols[1])
    for k, col in enumerate(cols):
        cols[k] = col[order]
    ti, fi, dist = cols
    return ti, fi, dist


def _pair_order(ti: np.ndarray, fi: np.ndarray) -> np.ndarray:
    """The permutation that orders distinct (tender, firm) pairs by tender then firm — what
    ``np.lexsort((fi, ti))`` gives, found by one sort of a single int64 key (the keys are
    distinct, so any sorting algorithm gives this permutation; numpy's stable sort, a merge of
    runs, is the fastest here because the parts joined come mostly already sorted)."""
    if len(ti) == 0:
        return np.zeros(0, np.int64)
    return np.argsort(ti * (int(fi.max()) + 1) + fi, kind="stable")


def reach(p: Params, channel: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Probability that a notice on ``channel`` (names) reaches a firm at ``dist`` km."""
    ch = p.procurement.channels
    base = np.array([getattr(ch, c).reach for c in CHANNELS])
    rng_km = np.array([getattr(ch, c).range_km for c in CHANNELS])
    boost = 1 + p.buyers.publicity * p.buyers.publicity_reach
    return np.minimum(1.0, base[channel] * np.exp(-dist / rng_km[channel]) * boost)


CHANNELS_ZH = {"notice_board": "村务公开栏", "city_website": "市政府网站", "provincial_platform": "省级政府采购网"}
"""A notice channel's Chinese name (the dashboard's lever, the Chinese parameter table)."""


def channel_of_level(p: Params, level: np.ndarray) -> np.ndarray:
    """Channel index used by tenders of each level (city, town, village)."""
    pr = p.procurement
    by_level = np.array([CHANNELS.index(pr.channel_city), CHANNELS.index(pr.channel_town),
                         CHANNELS.index(pr.channel_village)])
    return by_level[level]


def notified(p: Params, level: np.ndarray, value: np.ndarray, ti: np.ndarray, dist: np.ndarray,
             min_value: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which candidate pairs learn of the tender (attention × channel reach), one draw per pair
    (the reference for :func:`heard_pairs`; the model uses :func:`heard_parts`)."""
    attentive = value[ti] >= min_value
    prob = reach(p, channel_of_level(p, level)[ti], dist)
    return attentive & (rng.random(len(ti)) < prob)


#: Cell side of the notice grid, in ranges of the channel: larger cells mean fewer (tender, cell)
#: groups but more proposals rejected (a cell proposes with the reach of its nearest point).
CELL_RANGES = 1.5

#: Most cells along a side of the notice grid (a floor on the cell's side where the channel's
#: range is tiny next to the region: bounds the grid's memory).
MAX_CELLS_PER_SIDE = 1000.0

#: Cells whose nearest point hears with at least this probability propose every firm they hold
#: (cheaper than geometric skips when most firms are proposed anyway).
ENUMERATE_ABOVE = 0.6

#: Below this many tender × firm pairs, :func:`heard_pairs` draws once per candidate pair.
DENSE_PAIRS = 500_000

def heard_pairs(tx: np.ndarray, ty: np.ndarray, radius: np.ndarray, value: np.ndarray, top: float,
                range_km: float, fx: np.ndarray, fy: np.ndarray, min_value: np.ndarray, rows: np.ndarray,
                rng: np.random.Generator, ordered: bool = True, rule: tuple | None = None,
                grids: dict | None = None, key=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (tender, firm) that hear of the notice, sampled without visiting every candidate.

    Exactly the distribution of one Bernoulli draw per candidate pair — a firm ``f`` of ``rows``
    within ``radius[t]`` of tender ``t`` and attentive (``value[t] ≥ min_value[f]``) hears with
    probability ``p(d) = min(1, top · exp(−d / range_km))``, independently — but with another
    draw order: firms are binned in square cells of side ``CELL_RANGES · range_km``; every firm
    of a cell whose nearest point is at distance ``d₀`` from the tender is *proposed* with
    probability ``p₀ = p(d₀) ≥ p(d)`` — by geometric skips over the cell's firms, one draw per
    proposal; cells with ``p₀ ≥ ENUMERATE_ABOVE`` propose every firm (``p₀`` taken as 1) — and
    a proposal is accepted with probability ``p(d)/p₀`` (thinning: one standard exponential
    against ``log p₀ − log p(d)``, :func:`model.procurement.draw_kernels.heard_in_cells`). Work
    grows with the pairs heard and the cells searched (about two proposals per pair heard), not
    with every candidate pair. Small searches (tenders × firms ≤ ``DENSE_PAIRS``) simply draw
    once per candidate pair, which has the same distribution.

    Args:
        tx, ty, radius, value: tender places (km), search radii (km; < 0 = skip), values (yuan/year).
        top, range_km: the channel's ``reach · boost`` factor and range (km).
        fx, fy, min_value: firm bases (km) and attention thresholds (yuan/year), all firms.
        rows: the firms to search (e.g. the active firms of one kind).
        rng: the ``notices`` stream.
        rule: a screening rule (:func:`model.procurement.batch.screen_rule`): every pair heard is
            counted in its first array, per tender, and only the eligible pairs are returned
            (screened as drawn; the same draws). None: every pair heard is returned.
        grids, key: where the firms' grid (:func:`_grid`, a function of ``rows`` and ``range_km``
            alone) is kept under ``key`` for the next call with the same firms and channel, e.g.
            the next block of a month's tenders; None: built for this call.

    Returns:
        ``(ti, fi, dist)`` of the pairs heard (the eligible ones under a ``rule``), sorted by tender
        then firm (unordered when ``ordered`` is false: the caller sorts several parts at once).
    """
    e = np.zeros(0, np.int64)
    ask_all = np.flatnonzero(radius >= 0)
    if len(ask_all) == 0 or len(rows) == 0:
        return e, e, np.zeros(0)
    if len(ask_all) * len(rows) <= DENSE_PAIRS:  # small: one draw per candidate pair is cheapest
        return _screened(*_dense_heard(tx, ty, radius, value, top, range_km, fx, fy, min_value, rows, ask_all, rng),
                         rule)
    if top <= 0:  # a channel that reaches nobody (reach 0): no pair hears, nothing to draw
        return e, e, np.zeros(0)
    grid = _grid(fx, fy, min_value, rows, range_km) if grids is None or key not in grids else grids[key]
    if grids is not None:
        grids[key] = grid
    _, _, h, nx, ny, *_ = grid
    side = np.minimum(2 * radius[ask_all] / h + 2, max(nx, ny)) ** 2  # cells per tender, at most
    cuts = _chunk_cuts(side, CELLS_PER_CHUNK)
    out, k = _pair_buffers(0), 0
    for a, b in zip(cuts[:-1], cuts[1:]):
        out, k = _heard_chunk(tx, ty, radius, value, top, range_km, grid, ask_all[a:b], rng,
                              NO_RULE if rule is None else rule, out, k)
    ti, fi, d = (x[:k] for x in out)
    if not ordered:
        return ti, fi, d
    o = _pair_order(ti, fi)
    return ti[o], fi[o], d[o]


#: The sampler's screening rule when it screens nothing (:func:`draw_kernels.heard_in_cells`:
#: an empty ``heard``), of the rule's types.
NO_RULE = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.ones((1, 1), bool), np.zeros(0), np.zeros(0),
           np.zeros(0, bool))


def _screened(ti, fi, dist, rule):
    """A small search's pairs heard, counted per tender into ``rule``'s first array and screened
    (:func:`model.procurement.kernels.screen_pairs`); as they are without a ``rule``."""
    if rule is None:
        return ti, fi, dist
    heard, kind, passes, need, capability, listed = rule
    count, ti, fi, dist = kernels.screen_pairs(ti, fi, dist, len(heard), kind, passes, need, capability, listed,
                                               np.zeros(0, bool))
    heard += count
    return ti, fi, dist


def _grid(fx, fy, min_value, rows, range_km) -> tuple:
    """The firms ``rows`` binned in square cells of side ``CELL_RANGES · range_km`` (at least the
    region's extent / ``MAX_CELLS_PER_SIDE``): ``(x0, y0, h, nx, ny, start, count, by_cell)`` —
    origin, side, cells along x and y, each cell's first firm and firms, and the firms' x, y,
    ``min_value`` and row cell by cell (the cells column-major in y)."""
    px, py = fx[rows], fy[rows]
    x0, y0 = px.min(), py.min()
    h = max(CELL_RANGES * range_km, max(px.max() - x0, py.max() - y0) / MAX_CELLS_PER_SIDE, 1e-6)
    nx, ny = int((px.max() - x0) // h) + 1, int((py.max() - y0) // h) + 1
    cell = ((px - x0) // h).astype(np.int64) * ny + ((py - y0) // h).astype(np.int64)
    order = np.argsort(cell, kind="stable")
    start = np.searchsorted(cell[order], np.arange(nx * ny))
    count = np.bincount(cell, minlength=nx * ny)
    return x0, y0, h, nx, ny, start, count, (px[order], py[order], min_value[rows[order]], rows[order])


def _dense_heard(tx, ty, radius, value, top, range_km, fx, fy, min_value, rows, ask, rng):
    """:func:`heard_pairs` for a small search: one uniform per candidate pair (tender ``ask[t]``,
    firm ``rows[j]`` within the radius, in tender then firm order), heard when attentive and
    ``u < min(1, top · exp(−d / range_km))``. Compiled in two passes around numpy's ``exp``
    (:func:`model.procurement.kernels.dense_open`, :func:`~model.procurement.kernels.dense_heard`):
    distance and reach are computed only for the pairs whose uniform is below ``min(1, top)`` and
    that are not certainly too far for it (:data:`model.procurement.kernels.BOUND_MARGIN`)."""
    t_x, t_y, r, px, py = _contiguous(tx[ask], ty[ask], radius[ask], fx[rows], fy[rows])
    t, j = kernels.pairs_in_radius(t_x, t_y, r, px, py, True)
    u = rng.random(len(t))
    with np.errstate(divide="ignore"):  # u = 0: log −inf, an unbounded distance
        log_u = np.log(u)
    idx, d, arg = kernels.dense_open(t, j, u, log_u, top, value[ask], min_value, rows, t_x, t_y, px, py, range_km)
    return kernels.dense_heard(idx, d, np.exp(arg), u, top, t, j, ask, rows)


#: (tender, cell) groups handled at once (bounds transient memory to a few hundred MB).
CELLS_PER_CHUNK = 2_000_000


def _chunk_cuts(size: np.ndarray, per_chunk: float) -> np.ndarray:
    """Cut points (0 … len(size)) of consecutive tenders whose ``size`` adds up to about ``per_chunk``."""
    cuts = np.searchsorted(np.cumsum(size), np.arange(1, int(size.sum() // per_chunk) + 1) * per_chunk)
    return np.unique(np.r_[0, np.minimum(cuts + 1, len(size)), len(size)])


def _pair_buffers(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Room for ``n`` heard pairs: tender, firm (int64) and distance (float64)."""
    return np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n)


def _heard_chunk(tx, ty, radius, value, top, range_km, grid, ask, rng, rule, out, k):
    """:func:`heard_pairs` for the tenders ``ask``: their pairs written into ``out`` after the ``k``
    already there (unsorted), the arrays grown when a group might not fit. Returns ``(out, k)``."""
    x0, y0, h, nx, ny, start, count, (cx, cy, c_min_value, c_rows) = grid
    # (tender, cell) groups: the cells of each tender's bounding box, clipped to the grid, that hold
    # a firm and whose nearest point is within the radius (compiled: model.procurement.kernels)
    t_x, t_y, r = tx[ask], ty[ask], radius[ask]
    g_t, g_c, d0 = kernels.cell_groups(t_x, t_y, r, x0, y0, h, nx, ny, count)
    # every firm of a cell is proposed with p0 = p(d0) ≥ p(d) and accepted with p(d)/p0
    p0 = np.maximum(np.minimum(1.0, top * np.exp(-d0 / range_km)), 1e-12)
    near = p0 >= ENUMERATE_ABOVE
    p0[near] = 1.0  # near cells: every firm is proposed (no skips), accepted with p(d)
    lp0 = np.log(p0)
    fullest = int(count.max())
    need = k + int((count[g_c] * p0).sum()) + fullest  # the proposals expected: room for the pairs heard
    if len(out[0]) < need:
        out = _grown(out, k, max(need, 2 * len(out[0])))
    g, value_t, ln_top = 0, value[ask], float(np.log(top))
    while True:
        g, k = draw_kernels.heard_in_cells(g_t, g_c, lp0, p0, near, start, count, cx, cy, t_x, t_y, r, value_t,
                                           c_min_value, c_rows, ask, ln_top, range_km, rng, rule, *out, g, k)
        if g == len(g_t):
            return out, k
        out = _grown(out, k, 2 * len(out[0]) + fullest)


def _grown(out: tuple[np.ndarray, ...], k: int, n: int) -> tuple[np.ndarray, ...]:
    """``out``'s first ``k`` pairs in arrays with room for ``n``."""
    grown = _pair_buffers(n)
    for new, old in zip(grown, out):
        new[:k] = old[:k]
    return grown


def heard_parts(tx: np.ndarray, ty: np.ndarray, channel: np.ndarray, value: np.ndarray, radius_of_kind,
                firms, p: Params, rng: np.random.Generator, rule: tuple | None = None,
                grids: dict | None = None) -> list[list[np.ndarray]]:
    """Pairs (tender, firm) that hear of open tenders, kind by kind and channel by channel
    (:func:`heard_pairs`), before they are ordered: one ``[ti, fi, dist]`` part per (kind,
    channel), each in the sampler's order — under a screening ``rule`` the eligible pairs, every
    pair heard counted in the rule's first array. A caller may drop pairs from the parts before
    :func:`merge_pairs` orders what is left (by tender, then firm): the draws are the same.

    Args:
        tx, ty, channel, value: tender places (km), notice channels (index into CHANNELS) and
            values (yuan/year).
        radius_of_kind: ``f(kind, rows) -> per-tender radius`` (km; negative = skip the tender).
        firms: the firm table. p: the parameters. rng: the ``notices`` stream.
        rule: a screening rule (:func:`model.procurement.batch.screen_rule`) or None.
        grids: the firms' grids per (kind, channel), kept for the next call while the firms do not
            change (a month's blocks of tenders: :func:`model.procurement.compete.compete`); None:
            built for this call.
    """
    ch = p.procurement.channels
    boost = 1 + p.buyers.publicity * p.buyers.publicity_reach
    parts = []
    for kind in np.unique(firms.kind[firms.active]):
        rows = np.flatnonzero(firms.active & (firms.kind == kind))
        radius = radius_of_kind(int(kind), rows)
        for c in np.unique(channel):
            cp = getattr(ch, CHANNELS[c])
            rad = np.where(channel == c, radius, -1.0)
            parts.append(list(heard_pairs(tx, ty, rad, value, cp.reach * boost, cp.range_km,
                                          firms.x, firms.y, firms.min_value, rows, rng, ordered=False, rule=rule,
                                          grids=grids, key=(int(kind), int(c)))))
    return parts
