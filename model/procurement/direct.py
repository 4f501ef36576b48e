"""Procurement without a tender: directed commission and post outsourcing (seed S6, S8, R2).

Directed commission (seed S8): the buyer asks the firms it knows (based within
``known_radius_km``); a firm accepts when the negotiated price covers what it expects the
contract to cost under its regime (model/procurement/pricing.py) and it can finance it
(model/entities/finance.py); a buyer of low
integrity picks its connected firm if it accepts (favouritism), otherwise the best-reputed
capable firm. A published citizens' rating or supplier ranking shrinks the room for favouritism
(R6; ``entities.buyer.favour_room``).

Post outsourcing (seed S6, R2): applicants ~ Poisson(applicants_mean · wage_ratio²); the best
applicant's skill is the max of their skills; no applicant fails the recruitment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtri

from model.entities import buyer as buyer_mod
from model.procurement import capacity_kernels, kernels, notices, pricing
from model.procurement.batch import (AWARDED, NO_APPLICANT, NO_CAPACITY, NO_NOTICE, NONE_ELIGIBLE, UNPROFITABLE,
                                     Batch, Result, cap_by_capacity, delivery_cost, free_capacity, group_counts,
                                     mobilisation, screen, subset, tender_blocks)

if TYPE_CHECKING:
    from model.state import State


def choose_within_capacity(order: np.ndarray, ti: np.ndarray, fi: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Each procurement takes its most preferred candidate (``order``: pairs sorted by procurement,
    best first); a firm chosen more often than its free capacity keeps its earliest procurements
    and drops out of the others, which turn to their next candidate.

    Deferred acceptance, compiled (:func:`model.procurement.capacity_kernels.deferred_acceptance`): the
    outcome is the procurement-optimal stable matching, the same as rounds in which every
    procurement turned away proposes again to its next candidate.

    Returns:
        Positions (into the pair arrays) of the chosen pairs, by procurement.
    """
    if len(order) == 0:
        return np.zeros(0, np.int64)
    return capacity_kernels.deferred_acceptance(np.asarray(order, np.int64), np.asarray(ti, np.int64),
                                                np.asarray(fi, np.int64), np.asarray(free, np.int64))


def _known_firms(m: State, sub: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(commission, firm, km) pairs: the active firms based within ``commission.known_radius_km``
    of the buyer, plus the buyer's connected firm wherever it is, each pair once.

    The firms within reach are found once per buyer place (a buyer's commissions share it) and
    repeated for each of its commissions — the same pairs as a search per commission. A connected
    firm is added only where the search did not already find it (the same squared-distance test)."""
    f = m.firms
    r = m.p.commission.known_radius_km
    px, py, inv = _places(sub.x, sub.y)
    lt, lf, ld = notices.candidates(px, py, np.full(len(px), r), f.x, f.y, f.active)
    per = np.bincount(lt, minlength=len(px))
    start = np.cumsum(per) - per
    conn = m.buyers.connected[sub.buyer]
    c = np.maximum(conn, 0)
    dx, dy = f.x[c] - sub.x, f.y[c] - sub.y
    found = dx * dx + dy * dy <= r * r  # the candidate search's own test: already among the pairs
    extra = np.flatnonzero((conn >= 0) & f.active[c] & ~found)
    extra_d = np.hypot(f.x[conn[extra]] - sub.x[extra], f.y[conn[extra]] - sub.y[extra])
    return kernels.expand_places(inv, start, per, lf, ld, extra, conn[extra].astype(np.int64), extra_d)


def _places(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct places ``(px, py)`` (km) of the points ``(x, y)`` and each point's place: what
    ``np.unique`` of the coordinate rows gives, by one lexsort (the pairs found per place do not
    depend on how the places are numbered)."""
    o = np.lexsort((y, x))
    xs, ys = x[o], y[o]
    new = np.ones(len(o), bool)
    new[1:] = (xs[1:] != xs[:-1]) | (ys[1:] != ys[:-1])
    inv = np.empty(len(o), np.int64)
    inv[o] = np.cumsum(new) - 1
    return xs[new], ys[new], inv


def _offers(m: State, blk: Batch, res: Result, rows: np.ndarray, free: np.ndarray, room_f: np.ndarray
            ) -> tuple[np.ndarray, list[np.ndarray]]:
    """A block of commissions ``rows``: the firms each buyer knows, who would accept (notified and
    eligible counts into ``res``); returns the profitable pairs per commission and the columns
    ``(ti, fi, cost, price, favoured, gain, need)`` of the acceptable pairs."""
    p, f = m.p, m.firms
    n = len(blk)
    ti, fi, dist = _known_firms(m, blk)
    conn = m.buyers.connected[blk.buyer]
    attentive = blk.value[ti] >= f.min_value[fi]
    res.notified[rows] = np.bincount(ti[attentive], minlength=n)
    ok = attentive & screen(m, blk, ti, fi)
    res.eligible[rows] = group_counts(ti, ok, n)
    ti, fi, dist = ti[ok], fi[ok], dist[ok]
    cost = delivery_cost(m, blk, ti, fi, dist) * blk.term[ti]
    price = p.commission.price_near_reserve * blk.reserve[ti] * blk.term[ti]
    favoured = fi == conn[ti]
    room = buyer_mod.favour_room(m, fi[favoured])  # R6: published ratings and rankings shrink the room
    favoured[favoured] = m.buyers.integrity[blk.buyer[ti[favoured]]] < p.commission.favour_below * room
    price = np.where(favoured, blk.reserve[ti] * blk.term[ti], price)
    view = pricing.terms(m, blk, ti, fi, cost, price, mobilisation(m, blk, ti))  # the contract it would get
    gain = view.margin(price, cost)
    profitable = gain > 0
    worth = group_counts(ti, profitable, n)
    need = pricing.need(m, blk, ti, cost, price, view.mob)
    accept = profitable & (free[fi] >= 1) & (need <= room_f[fi])
    return worth, [c[accept] for c in (ti, fi, cost, price, favoured, gain, need)]


def commissions(m: State, b: Batch, res: Result, rows: np.ndarray) -> None:
    """Directed commissions: the buyer asks the firms it knows. The commissions are weighed in blocks
    (:func:`~model.procurement.batch.tender_blocks`; elementwise, no draws: the same pairs and
    values in one block or many); the choice within the firms' capacity is over the month's batch."""
    if len(rows) == 0:
        return
    f = m.firms
    sub = subset(b, rows)
    n = len(rows)
    free = free_capacity(m)
    room_f = m.ledger.headroom
    blocks = tender_blocks(n, int(f.active.sum()))
    worth, parts = np.zeros(n, np.int64), []
    for a, z in blocks:
        blk = sub if len(blocks) == 1 else subset(sub, np.arange(a, z))
        worth[a:z], cols = _offers(m, blk, res, rows[a:z], free, room_f)
        cols[0] = cols[0] + a  # the block's commissions numbered in the month's batch
        parts.append(cols)
    ti, fi, cost, price, favoured, gain, need = (
        col[0] if len(col) == 1 else np.concatenate(col) for col in zip(*parts))
    del parts
    res.bids[rows] = np.bincount(ti, minlength=n)
    merit = f.capability[fi] + m.reputation_seen(sub.buyer[ti], fi)
    order = np.lexsort((fi, -merit, ~favoured, ti))
    w = choose_within_capacity(order, ti, fi, np.minimum(free, len(ti)).astype(np.int64))
    w = w[cap_by_capacity(fi[w], gain[w], room_f, need[w])]  # a firm accepts what it can finance
    np.subtract.at(room_f, fi[w], need[w])
    np.add.at(f.col("load"), fi[w], 1)
    t_w = ti[w]
    res.winner[rows[t_w]] = fi[w]
    res.price[rows[t_w]] = price[w] / sub.term[t_w]
    res.cost[rows[t_w]] = cost[w] / sub.term[t_w]
    res.capability[rows[t_w]] = f.capability[fi[w]]
    res.honesty[rows[t_w]] = f.honesty[fi[w]]
    res.favoured[rows[t_w]] = favoured[w]
    got = np.zeros(n, bool)
    got[t_w] = True
    res.reason[rows] = np.where(got, AWARDED, np.where(res.notified[rows] == 0, NO_NOTICE, np.where(
        res.eligible[rows] == 0, NONE_ELIGIBLE, np.where(worth == 0, UNPROFITABLE, NO_CAPACITY))))


def posts(m: State, b: Batch, res: Result, rows: np.ndarray) -> None:
    """Recruit individuals for posts at a wage (seed S6; reform R2 for technical posts)."""
    if len(rows) == 0:
        return
    p, rng = m.p.posts, m.streams["posts"]
    hard = m.cat.hard_to_staff[b.item[rows]]
    applicants = rng.poisson(p.applicants_mean * p.wage_ratio ** 2, len(rows))
    u = rng.random(len(rows))
    mean = p.skill_mean - p.technical_skill_penalty * hard
    best = mean + p.skill_sd * ndtri(np.power(u, 1.0 / np.maximum(applicants, 1)))
    filled = applicants > 0
    res.notified[rows] = applicants
    res.eligible[rows] = applicants
    res.bids[rows] = applicants
    res.winner[rows[filled]] = -2
    res.price[rows[filled]] = b.value[rows[filled]] * p.wage_ratio
    res.cost[rows[filled]] = b.value[rows[filled]] * p.wage_ratio
    res.capability[rows[filled]] = np.clip(best[filled], 0.05, 1.0)
    res.honesty[rows[filled]] = 1.0
    res.reason[rows] = np.where(filled, AWARDED, NO_APPLICANT)
